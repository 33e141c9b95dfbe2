/* Object-loader test: a .kconfig extern, which bpfvm does not support yet: the
 * program using it must be reported with a clear reason, the object must open. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

extern unsigned int LINUX_KERNEL_VERSION __kconfig;

SEC("xdp")
int uses_kconfig(struct xdp_md *ctx)
{
	return LINUX_KERNEL_VERSION > 0x050000 ? XDP_PASS : XDP_DROP;
}

SEC("xdp")
int plain(struct xdp_md *ctx)
{
	return XDP_PASS;
}

char _license[] SEC("license") = "GPL";
