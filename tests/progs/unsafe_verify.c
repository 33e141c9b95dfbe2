/* Verifier tests on clang-built code: programs that are unsafe, each by one
 * mistake users make, which bpfvm verify must reject naming the source line
 * (tests/cli/verify_progs.sh). */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, __u8[64]);
} table SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, __u8[64]);
} htable SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4096);
} events SEC(".maps");

/* Reads the IPv4 protocol after checking only the Ethernet header. */
SEC("xdp")
int ip_before_check(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	struct iphdr *ip = (void *)(eth + 1);

	if ((void *)(eth + 1) > data_end)
		return XDP_DROP;
	return ip->protocol == 6 ? XDP_PASS : XDP_DROP;
}

/* Uses a hash lookup result without checking it for NULL. */
SEC("xdp")
int lookup_unchecked(struct xdp_md *ctx)
{
	__u32 key = 0;
	__u8 *v = bpf_map_lookup_elem(&htable, &key);

	return v[0];
}

/* Reserves a ring buffer record and forgets it on one path. */
SEC("xdp")
int ringbuf_leak(struct xdp_md *ctx)
{
	__u64 *e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);

	if (!e)
		return XDP_PASS;
	*e = ctx->rx_queue_index;
	if (ctx->rx_queue_index == 3)
		return XDP_DROP;
	bpf_ringbuf_submit(e, 0);
	return XDP_PASS;
}

/* Indexes a 64-byte value with an index from the context, unmasked. */
SEC("xdp")
int index_unmasked(struct xdp_md *ctx)
{
	__u32 key = 0, i = ctx->rx_queue_index;
	__u8 *v = bpf_map_lookup_elem(&table, &key);

	if (!v)
		return XDP_PASS;
	return v[i];
}

char LICENSE[] SEC("license") = "GPL";

/* Reads the Ethernet header through a pointer checked before
 * bpf_skb_adjust_room, which may have moved the packet. */
SEC("tc")
int stale_after_adjust_room(struct __sk_buff *skb)
{
	void *data = (void *)(long)skb->data, *data_end = (void *)(long)skb->data_end;
	struct ethhdr *eth = data;

	if ((void *)(eth + 1) > data_end)
		return TC_ACT_OK;
	bpf_skb_adjust_room(skb, 20, BPF_ADJ_ROOM_MAC, 0);
	return eth->h_proto == 8 ? TC_ACT_SHOT : TC_ACT_OK;
}
