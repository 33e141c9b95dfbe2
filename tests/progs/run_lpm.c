/* bpfvm run tests: longest-prefix-match route lookups, IPv4 and IPv6. The
 * destination address of the packet is looked up in an LPM trie filled by the
 * test (--map) and in one the program fills itself; the route's next-hop id
 * is the return value (0 = no route). */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

struct v4_key {
	__u32 prefixlen;
	__u8 addr[4];
};

struct v6_key {
	__u32 prefixlen;
	__u8 addr[16];
};

struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, 64);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct v4_key);
	__type(value, __u32); /* next hop */
} routes4 SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, 64);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct v6_key);
	__type(value, __u32);
} routes6 SEC(".maps");

SEC("xdp")
int lpm_route(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	__u32 *hop;

	if ((void *)(eth + 1) > data_end)
		return 0;
	if (eth->h_proto == bpf_htons(ETH_P_IP)) {
		struct iphdr *ip = (void *)(eth + 1);
		struct v4_key k = { .prefixlen = 32 };

		if ((void *)(ip + 1) > data_end)
			return 0;
		__builtin_memcpy(k.addr, &ip->daddr, 4);
		hop = bpf_map_lookup_elem(&routes4, &k);
		return hop ? *hop : 0;
	}
	if (eth->h_proto == bpf_htons(ETH_P_IPV6)) {
		struct ipv6hdr *ip6 = (void *)(eth + 1);
		struct v6_key k = { .prefixlen = 128 };

		if ((void *)(ip6 + 1) > data_end)
			return 0;
		__builtin_memcpy(k.addr, &ip6->daddr, 16);
		hop = bpf_map_lookup_elem(&routes6, &k);
		return hop ? *hop : 0;
	}
	return 0;
}

/* Fills routes4 itself (0.0.0.0/0 -> 1, 10.0.0.0/8 -> 2, 10.1.0.0/16 -> 3,
 * 10.1.2.3/32 -> 4), deletes nothing, then looks up four addresses and
 * returns the next hops as decimal digits: 10.1.2.3, 10.1.9.9, 10.9.9.9,
 * 192.168.0.1 -> 4321. Deleting a missing prefix must fail (-ENOENT). */
SEC("xdp")
int lpm_self(struct xdp_md *ctx)
{
	struct v4_key k;
	__u32 hop, *h, res = 0;
	__u8 q[4][4] = { { 10, 1, 2, 3 }, { 10, 1, 9, 9 }, { 10, 9, 9, 9 }, { 192, 168, 0, 1 } };

	k = (struct v4_key){ .prefixlen = 0 };
	hop = 1;
	bpf_map_update_elem(&routes4, &k, &hop, BPF_ANY);
	k = (struct v4_key){ .prefixlen = 8, .addr = { 10 } };
	hop = 2;
	bpf_map_update_elem(&routes4, &k, &hop, BPF_ANY);
	k = (struct v4_key){ .prefixlen = 16, .addr = { 10, 1 } };
	hop = 3;
	bpf_map_update_elem(&routes4, &k, &hop, BPF_ANY);
	k = (struct v4_key){ .prefixlen = 32, .addr = { 10, 1, 2, 3 } };
	hop = 4;
	bpf_map_update_elem(&routes4, &k, &hop, BPF_ANY);
	for (int i = 0; i < 4; i++) {
		k.prefixlen = 32;
		__builtin_memcpy(k.addr, q[i], 4);
		h = bpf_map_lookup_elem(&routes4, &k);
		res = res * 10 + (h ? *h : 0);
	}
	k = (struct v4_key){ .prefixlen = 24, .addr = { 172, 16, 0 } };
	if (bpf_map_delete_elem(&routes4, &k) != -2)
		return 1;
	return res;
}

char LICENSE[] SEC("license") = "GPL";
