/* bpfvm run tests for the tc helpers of helpers/skb.c: the flow hash
 * (get_hash_recalc, set_hash, set_hash_invalid), csum_update, change_type,
 * pull_data, and the helpers that resize the packet (change_tail,
 * change_head, adjust_room, change_proto). Each program records helper
 * results in skb_out (slot i = the i-th check, negative errnos as u64) and
 * leaves the packet for data_out, so results compare exactly with Linux's
 * (run_kernel_diff.sh). Hash values themselves are host-specific (Linux
 * seeds its flow hash randomly at boot): only their relations are stored. */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

/* Linux 6.3's BPF_F_ADJ_ROOM_DECAP_L3_IPV4, newer than the installed UAPI header. */
#define ADJ_ROOM_DECAP_L3_IPV4 (1ull << 7)

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 16);
	__type(key, __u32);
	__type(value, __u64);
} skb_out SEC(".maps");

static __always_inline void put(__u32 i, __s64 v)
{
	__u64 val = (__u64)v;

	bpf_map_update_elem(&skb_out, &i, &val, BPF_ANY);
}

SEC("tc")
int skb_hash(struct __sk_buff *skb)
{
	__u32 h1 = bpf_get_hash_recalc(skb), h2 = bpf_get_hash_recalc(skb), h3, h5;
	__u32 len = skb->len;

	put(0, h1 != 0);
	put(1, h1 == h2 && skb->hash == h1);
	bpf_set_hash(skb, 0x1234);
	h3 = bpf_get_hash_recalc(skb);
	put(2, h3);
	bpf_set_hash_invalid(skb);
	put(3, skb->hash);
	h5 = bpf_get_hash_recalc(skb);
	put(4, h5 == h1);
	bpf_set_hash(skb, 0);
	put(5, bpf_get_hash_recalc(skb));
	put(6, bpf_csum_update(skb, 0x10));
	put(7, bpf_skb_change_type(skb, 1));
	put(8, skb->pkt_type);
	put(9, bpf_skb_change_type(skb, 4));
	put(10, bpf_skb_pull_data(skb, 0));
	put(11, bpf_skb_pull_data(skb, len));
	put(12, bpf_skb_pull_data(skb, len + 1));
	return TC_ACT_OK;
}

/* Grows the packet by 20 bytes (zeroes) and writes a 4-byte trailer. */
SEC("tc")
int skb_tail_grow(struct __sk_buff *skb)
{
	__u32 len = skb->len;
	char tail[4] = { 'T', 'A', 'I', 'L' };

	put(0, bpf_skb_change_tail(skb, len + 20, 0));
	put(1, skb->len);
	put(2, bpf_skb_store_bytes(skb, len + 16, tail, sizeof(tail), 0));
	return skb->data_end - skb->data;
}

/* The limits of change_tail; a grow to the largest packet Linux allows, and
 * a trim to the IPv4 header's end. */
SEC("tc")
int skb_tail_limits(struct __sk_buff *skb)
{
	__u32 len = skb->len;

	put(0, bpf_skb_change_tail(skb, 13, 0));
	put(1, bpf_skb_change_tail(skb, len, 1));
	put(2, bpf_skb_change_tail(skb, 16065, 0));
	put(3, bpf_skb_change_tail(skb, 16064, 0));
	put(4, skb->len);
	put(5, bpf_skb_change_tail(skb, 34, 0));
	return skb->len;
}

/* A trim to the MAC header and a grow back to the IPv4 header's end: the
 * trimmed bytes do not come back, Linux zeroes what a grow adds. */
SEC("tc")
int skb_tail_regrow(struct __sk_buff *skb)
{
	put(0, bpf_skb_change_tail(skb, 14, 0));
	put(1, skb->len);
	put(2, bpf_skb_change_tail(skb, 34, 0));
	return skb->len;
}

/* Pushes a new 14-byte MAC header, then 4 bytes after the (now 28-byte) MAC
 * header with adjust_room: Linux counts the pushed bytes as MAC header. */
SEC("tc")
int skb_head(struct __sk_buff *skb)
{
	struct ethhdr eth = {
		.h_dest = { 2, 0, 0, 0, 0, 9 },
		.h_source = { 2, 0, 0, 0, 0, 8 },
		.h_proto = bpf_htons(0x88b5),
	};
	__u32 tag = bpf_htonl(0xabcd0001);

	put(0, bpf_skb_change_head(skb, 14, 1));
	put(1, bpf_skb_change_head(skb, 0xffffffff, 0));
	put(2, bpf_skb_change_head(skb, 16064, 0));
	put(3, bpf_skb_change_head(skb, 14, 0));
	put(4, skb->len);
	put(5, bpf_skb_store_bytes(skb, 0, &eth, sizeof(eth), 0));
	put(6, bpf_skb_adjust_room(skb, 4, BPF_ADJ_ROOM_MAC, 0));
	put(7, bpf_skb_store_bytes(skb, 28, &tag, sizeof(tag), 0));
	return skb->len;
}

/* IPIP encapsulation: room for an outer IPv4 header after the MAC header,
 * filled with a copy of the inner one whose protocol is 4 (checksum left as
 * is: the test compares bytes). */
SEC("tc")
int skb_encap(struct __sk_buff *skb)
{
	__u8 ip[20];
	__u8 proto = 4;
	long ret;

	if (bpf_skb_load_bytes(skb, ETH_HLEN, ip, sizeof(ip)))
		return TC_ACT_SHOT;
	ret = bpf_skb_adjust_room(skb, 20, BPF_ADJ_ROOM_MAC, BPF_F_ADJ_ROOM_ENCAP_L3_IPV4);
	put(0, ret);
	if (ret)
		return TC_ACT_SHOT;
	put(1, skb->len);
	put(2, skb->protocol);
	ip[9] = proto;
	bpf_skb_store_bytes(skb, ETH_HLEN, ip, sizeof(ip), 0);
	put(3, bpf_skb_adjust_room(skb, 20, BPF_ADJ_ROOM_MAC, BPF_F_ADJ_ROOM_ENCAP_L3_IPV4));
	return TC_ACT_OK;
}

/* IPIP decapsulation: the outer IPv4 header goes. */
SEC("tc")
int skb_decap(struct __sk_buff *skb)
{
	long ret = bpf_skb_adjust_room(skb, -20, BPF_ADJ_ROOM_MAC, ADJ_ROOM_DECAP_L3_IPV4);

	put(0, ret);
	put(1, skb->len);
	return ret ? TC_ACT_SHOT : TC_ACT_OK;
}

/* Every refusal of adjust_room, then 8 bytes inserted after the IPv4 header
 * (ADJ_ROOM_NET) and taken out again. */
SEC("tc")
int skb_room_limits(struct __sk_buff *skb)
{
	__s32 rest = (__s32)skb->len - 14;

	put(0, bpf_skb_adjust_room(skb, 0x1000, BPF_ADJ_ROOM_MAC, 0));
	put(1, bpf_skb_adjust_room(skb, 4, 2, 0));
	put(2, bpf_skb_adjust_room(skb, 4, BPF_ADJ_ROOM_MAC, 1ull << 9));
	put(3, bpf_skb_adjust_room(skb, 4, BPF_ADJ_ROOM_MAC, ADJ_ROOM_DECAP_L3_IPV4));
	put(4, bpf_skb_adjust_room(skb, 20, BPF_ADJ_ROOM_MAC,
				   BPF_F_ADJ_ROOM_ENCAP_L3_IPV4 | BPF_F_ADJ_ROOM_ENCAP_L3_IPV6));
	put(5, bpf_skb_adjust_room(skb, -rest, BPF_ADJ_ROOM_MAC, 0));
	put(6, bpf_skb_adjust_room(skb, -(rest - 19), BPF_ADJ_ROOM_MAC, 0));
	put(7, bpf_skb_adjust_room(skb, -4, BPF_ADJ_ROOM_MAC, BPF_F_ADJ_ROOM_ENCAP_L3_IPV4));
	put(8, bpf_skb_adjust_room(skb, 20, BPF_ADJ_ROOM_MAC,
				   BPF_F_ADJ_ROOM_ENCAP_L3_IPV4 | BPF_F_ADJ_ROOM_ENCAP_L2_ETH));
	put(9, bpf_skb_adjust_room(skb, 8, BPF_ADJ_ROOM_NET, 0));
	put(10, skb->len);
	put(11, bpf_skb_adjust_room(skb, -8, BPF_ADJ_ROOM_NET, 0));
	put(12, bpf_skb_adjust_room(skb, 4, BPF_ADJ_ROOM_MAC,
				    BPF_F_ADJ_ROOM_ENCAP_L3_IPV4 | BPF_F_ADJ_ROOM_ENCAP_L2(8)));
	put(13, bpf_skb_adjust_room(skb, -4, BPF_ADJ_ROOM_MAC, 0));
	return TC_ACT_OK;
}

/* IPv4 -> IPv6 room and back; the program leaves the headers' bytes alone. */
SEC("tc")
int skb_proto(struct __sk_buff *skb)
{
	put(0, bpf_skb_change_proto(skb, bpf_htons(ETH_P_IPV6), 1));
	put(1, bpf_skb_change_proto(skb, bpf_htons(ETH_P_ARP), 0));
	put(2, bpf_skb_change_proto(skb, bpf_htons(ETH_P_IPV6), 0));
	put(3, skb->protocol);
	put(4, skb->len);
	put(5, bpf_skb_change_proto(skb, bpf_htons(ETH_P_IPV6), 0));
	if (skb->data_end - skb->data > 40) {
		put(6, bpf_skb_change_proto(skb, bpf_htons(ETH_P_IP), 0));
		put(7, skb->protocol);
	}
	return skb->len;
}

char LICENSE[] SEC("license") = "GPL";
