/* bpf_skb_set_tunnel_key / bpf_skb_get_tunnel_key from tc: reading without
 * metadata, an IPv4 and an IPv6 key set and read back (Linux reads the
 * transmit key it set as a receive key: remote and local swap), the tunnel
 * flags the set flags give, the older short layouts, tunnel options, and
 * every refusal. Each result lands in tun_out (slot i = the i-th check). */
#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>

#define KEY_V4_ONLY 8 /* offsetof(struct bpf_tunnel_key, remote_ipv6[1]) */
/* Linux 6.2's BPF_F_NO_TUNNEL_KEY, newer than the installed UAPI header. */
#define NO_TUNNEL_KEY (1ull << 4)

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 16);
	__type(key, __u32);
	__type(value, __u64);
} tun_out SEC(".maps");

static __always_inline void put(__u32 i, __s64 v)
{
	__u64 val = (__u64)v;

	bpf_map_update_elem(&tun_out, &i, &val, BPF_ANY);
}

SEC("tc")
int tun_v4(struct __sk_buff *skb)
{
	struct bpf_tunnel_key k = { .tunnel_id = 42, .remote_ipv4 = 0x0a000001,
				    .local_ipv4 = 0x0a000002, .tunnel_tos = 4, .tunnel_ttl = 64 };
	struct bpf_tunnel_key g;

	__builtin_memset(&g, 0xff, sizeof(g));
	put(0, bpf_skb_get_tunnel_key(skb, &g, sizeof(g), 0));
	put(1, g.tunnel_id | g.remote_ipv4 | g.tunnel_ttl);
	put(2, bpf_skb_set_tunnel_key(skb, &k, sizeof(k), 1 << 5));
	put(3, bpf_skb_set_tunnel_key(skb, &k, 30, 0));
	k.tunnel_label = 1;
	put(4, bpf_skb_set_tunnel_key(skb, &k, sizeof(k), 0));
	k.tunnel_label = 0;
	put(5, bpf_skb_set_tunnel_key(skb, &k, sizeof(k), 0));
	put(6, bpf_skb_get_tunnel_key(skb, &g, sizeof(g), BPF_F_TUNINFO_FLAGS));
	put(7, (__u64)g.tunnel_id << 32 | g.tunnel_tos << 8 | g.tunnel_ttl);
	put(8, (__u64)g.remote_ipv4 << 32 | g.local_ipv4);
	put(9, (__u64)g.tunnel_flags << 32 | g.tunnel_label);
	put(10, bpf_skb_get_tunnel_key(skb, &g, sizeof(g), BPF_F_TUNINFO_IPV6));
	put(11, bpf_skb_get_tunnel_key(skb, &g, sizeof(g), 1 << 2));
	__builtin_memset(&g, 0xff, sizeof(g));
	put(12, bpf_skb_get_tunnel_key(skb, &g, KEY_V4_ONLY, 0));
	put(13, (__u64)g.remote_ipv4 << 32 | g.tunnel_id);
	put(14, g.remote_ipv6[1]);
	return TC_ACT_OK;
}

SEC("tc")
int tun_v6(struct __sk_buff *skb)
{
	struct bpf_tunnel_key k = { .tunnel_id = 7, .tunnel_label = 0x123456, .tunnel_ttl = 9,
				    .remote_ipv6 = { 0x20010db8, 0, 0, 1 },
				    .local_ipv6 = { 0x20010db8, 0, 0, 2 } };
	struct bpf_tunnel_key g = { 0 };

	put(0, bpf_skb_set_tunnel_key(skb, &k, sizeof(k),
				      BPF_F_TUNINFO_IPV6 | BPF_F_ZERO_CSUM_TX | BPF_F_DONT_FRAGMENT |
				      BPF_F_SEQ_NUMBER | NO_TUNNEL_KEY));
	put(1, bpf_skb_get_tunnel_key(skb, &g, sizeof(g), BPF_F_TUNINFO_IPV6 | BPF_F_TUNINFO_FLAGS));
	put(2, (__u64)g.remote_ipv6[0] << 32 | g.remote_ipv6[3]);
	put(3, (__u64)g.local_ipv6[0] << 32 | g.local_ipv6[3]);
	put(4, (__u64)g.tunnel_flags << 32 | g.tunnel_label);
	put(5, (__u64)g.tunnel_id << 32 | g.tunnel_ttl);
	put(6, bpf_skb_get_tunnel_key(skb, &g, sizeof(g), 0));
	put(7, bpf_skb_get_tunnel_key(skb, &g, KEY_V4_ONLY, BPF_F_TUNINFO_IPV6));
	put(8, bpf_skb_get_tunnel_key(skb, &g, 28, BPF_F_TUNINFO_IPV6));
	put(9, (__u64)g.remote_ipv6[3] << 32 | g.tunnel_label);
	return TC_ACT_OK;
}

/* Tunnel options: only on metadata set_tunnel_key attached, in 4-byte units,
 * at most 255 bytes; read back with their length. */
SEC("tc")
int tun_opt(struct __sk_buff *skb)
{
	struct bpf_tunnel_key k = { .tunnel_id = 5, .remote_ipv4 = 0x0a000001 };
	__u64 opt = 0x0102030405060708ull;
	__u64 buf[2] = { ~0ull, ~0ull };
	__u8 big[256] = {};

	put(0, bpf_skb_set_tunnel_opt(skb, &opt, sizeof(opt)));
	put(1, bpf_skb_get_tunnel_opt(skb, buf, sizeof(buf)));
	put(2, bpf_skb_set_tunnel_key(skb, &k, sizeof(k), 0));
	put(3, bpf_skb_get_tunnel_opt(skb, buf, sizeof(buf)));
	put(4, bpf_skb_set_tunnel_opt(skb, &opt, 6));
	put(5, bpf_skb_set_tunnel_opt(skb, &opt, sizeof(opt)));
	bpf_skb_get_tunnel_key(skb, &k, sizeof(k), BPF_F_TUNINFO_FLAGS);
	put(6, k.tunnel_flags);
	put(7, bpf_skb_get_tunnel_opt(skb, buf, 4));
	buf[0] = buf[1] = ~0ull;
	put(8, bpf_skb_get_tunnel_opt(skb, buf, sizeof(buf)));
	put(9, buf[0]);
	put(10, buf[1]);
	put(11, bpf_skb_set_tunnel_opt(skb, big, sizeof(big)));
	put(12, bpf_skb_set_tunnel_opt(skb, big, 4));
	put(13, bpf_skb_get_tunnel_opt(skb, buf, sizeof(buf)));
	put(14, buf[0]);
	return TC_ACT_OK;
}

char LICENSE[] SEC("license") = "GPL";
