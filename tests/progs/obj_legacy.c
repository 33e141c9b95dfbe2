/* Object-loader test: an old-style object as samples/bpf and iproute2 wrote
 * them: a legacy "maps" section of struct bpf_map_def and section names that
 * only libbpf 0.x understood. libbpf 1.x refuses it; bpfvm opens it. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct bpf_map_def {
	unsigned int type;
	unsigned int key_size;
	unsigned int value_size;
	unsigned int max_entries;
	unsigned int map_flags;
};

struct bpf_map_def SEC("maps") counts = {
	.type = BPF_MAP_TYPE_ARRAY,
	.key_size = sizeof(__u32),
	.value_size = sizeof(__u64),
	.max_entries = 256,
};

struct bpf_map_def SEC("maps") flows = {
	.type = BPF_MAP_TYPE_HASH,
	.key_size = 8,
	.value_size = 16,
	.max_entries = 1024,
	.map_flags = BPF_F_NO_PREALLOC,
};

SEC("socket1")
int count_packets(struct __sk_buff *skb)
{
	__u32 key = skb->protocol & 0xff;
	__u64 *v = bpf_map_lookup_elem(&counts, &key);

	if (v)
		__sync_fetch_and_add(v, 1);
	return 0;
}

SEC("xdp_prog")
int xdp_old(struct xdp_md *ctx)
{
	__u64 key = ctx->ingress_ifindex;

	return bpf_map_lookup_elem(&flows, &key) ? XDP_DROP : XDP_PASS;
}

SEC("2/7")
int tail_numbered(struct __sk_buff *skb)
{
	return skb->mark;
}

char _license[] SEC("license") = "GPL";
__u32 _version SEC("version") = 0x040f00;
