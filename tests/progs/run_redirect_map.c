/* bpfvm run tests: bpf_redirect_map through a device map, the way XDP load
 * balancers pick an egress port. The slot is the packet's first byte (mod
 * 4); an empty slot gives the fallback verdict in the flags, XDP_PASS. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_DEVMAP);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, __u32); /* ifindex */
} tx_ports SEC(".maps");

SEC("xdp")
int xdp_redir_map(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;

	if (data + 1 > data_end)
		return XDP_ABORTED;
	return bpf_redirect_map(&tx_ports, *(__u8 *)data & 3, XDP_PASS);
}

char LICENSE[] SEC("license") = "GPL";
