/* bpfvm run tests: bpf_redirect_map through a CPUMAP (as
 * linux/samples/bpf/xdp_redirect_cpu steers packets to CPUs) and an XSKMAP
 * (as xdpsock hands a queue's packets to an AF_XDP socket). The key is the
 * packet's first byte, the flags (fallback action) its second. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_CPUMAP);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, struct bpf_cpumap_val);
} cpu_map SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_XSKMAP);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, __u32);
} xsks_map SEC(".maps");

SEC("xdp")
int xdp_cpu(struct xdp_md *ctx)
{
	__u8 *p = (void *)(long)ctx->data;

	if ((void *)(p + 2) > (void *)(long)ctx->data_end)
		return XDP_ABORTED;
	return bpf_redirect_map(&cpu_map, p[0], p[1]);
}

/* A redirect through a filled entry, then one through the key in the packet:
 * the last call decides. */
SEC("xdp")
int xdp_cpu_twice(struct xdp_md *ctx)
{
	__u8 *p = (void *)(long)ctx->data;

	if ((void *)(p + 2) > (void *)(long)ctx->data_end)
		return XDP_ABORTED;
	bpf_redirect_map(&cpu_map, 0, 0);
	return bpf_redirect_map(&cpu_map, p[0], p[1]);
}

SEC("xdp")
int xdp_xsk(struct xdp_md *ctx)
{
	__u8 *p = (void *)(long)ctx->data;

	if ((void *)(p + 2) > (void *)(long)ctx->data_end)
		return XDP_ABORTED;
	return bpf_redirect_map(&xsks_map, p[0], p[1]);
}

char LICENSE[] SEC("license") = "GPL";
