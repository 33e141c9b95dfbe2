/* bpfvm run tests: bpf_redirect from XDP and tc. Both send every packet to
 * interface 1; the verdict is XDP_REDIRECT / TC_ACT_REDIRECT and bpfvm
 * reports the target in the run result. (Device-map redirects are in
 * run_redirect_map.c, so that this object loads where device maps do not.) */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("xdp")
int xdp_redir(struct xdp_md *ctx)
{
	return bpf_redirect(1, 0);
}

SEC("tc")
int tc_redir(struct __sk_buff *skb)
{
	return bpf_redirect(1, 0);
}

char LICENSE[] SEC("license") = "GPL";
