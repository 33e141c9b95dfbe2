/* bpfvm run tests: redirects. xdp_redir and tc_redir send every packet to
 * interface 1 with bpf_redirect; xdp_redir_map looks the target up in a
 * device map by the packet's first byte, falling back to XDP_PASS (the flags
 * argument) when the slot is empty. */
#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_DEVMAP);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, __u32); /* ifindex */
} tx_ports SEC(".maps");

SEC("xdp")
int xdp_redir(struct xdp_md *ctx)
{
	return bpf_redirect(1, 0);
}

SEC("xdp")
int xdp_redir_map(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;

	if (data + 1 > data_end)
		return XDP_ABORTED;
	return bpf_redirect_map(&tx_ports, *(__u8 *)data & 3, XDP_PASS);
}

SEC("tc")
int tc_redir(struct __sk_buff *skb)
{
	return bpf_redirect(1, 0);
}

char LICENSE[] SEC("license") = "GPL";
