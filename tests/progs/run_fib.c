/* bpfvm run tests: bpf_fib_lookup as linux/samples/bpf/xdp_fwd does it, from
 * XDP and from tc. The lookup's flags come from the map fib_flags; the return
 * code and the whole struct bpf_fib_lookup after the call land in fib_out, so
 * every output field can be compared (with Linux, in the kernel differential).
 * Bit 31 of the flags leaves tot_len 0. On success the program rewrites the MACs, decrements the IPv4 TTL and
 * redirects to the egress device. fib_args calls with Linux's invalid
 * arguments: a short struct, an unknown flag, an unknown family. */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>

#define AF_INET 2
#define AF_INET6 10
/* In fib_flags: leave tot_len 0 (tc then checks the skb against the device). */
#define NO_TOT_LEN 0x80000000u

struct fib_result {
	__s64 rc;
	struct bpf_fib_lookup params;
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct fib_result);
} fib_out SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} fib_flags SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, __s64);
} fib_rcs SEC(".maps");

/* Returns the lookup's code, or 1000 + why the packet was not looked up. */
static __always_inline long fwd(void *ctx, void *data, void *end, __u32 ifindex)
{
	struct ethhdr *eth = data;
	struct bpf_fib_lookup p;
	struct fib_result *res;
	__u32 k = 0, *flags;
	long rc;

	flags = bpf_map_lookup_elem(&fib_flags, &k);
	res = bpf_map_lookup_elem(&fib_out, &k);
	if (!flags || !res)
		return 1000;
	if ((void *)(eth + 1) > end)
		return 1001;
	__builtin_memset(&p, 0, sizeof(p));
	if (eth->h_proto == bpf_htons(ETH_P_IP)) {
		struct iphdr *iph = (void *)(eth + 1);

		if ((void *)(iph + 1) > end)
			return 1001;
		if (iph->ttl <= 1)
			return 1002;
		p.family = AF_INET;
		p.tos = iph->tos;
		p.l4_protocol = iph->protocol;
		p.tot_len = bpf_ntohs(iph->tot_len);
		p.ipv4_src = iph->saddr;
		p.ipv4_dst = iph->daddr;
	} else if (eth->h_proto == bpf_htons(ETH_P_IPV6)) {
		struct ipv6hdr *ip6h = (void *)(eth + 1);

		if ((void *)(ip6h + 1) > end)
			return 1001;
		if (ip6h->hop_limit <= 1)
			return 1002;
		p.family = AF_INET6;
		p.flowinfo = *(__be32 *)ip6h & bpf_htonl(0x0fffffff);
		p.l4_protocol = ip6h->nexthdr;
		p.tot_len = bpf_ntohs(ip6h->payload_len);
		__builtin_memcpy(p.ipv6_src, &ip6h->saddr, 16);
		__builtin_memcpy(p.ipv6_dst, &ip6h->daddr, 16);
	} else {
		return 1003;
	}
	p.ifindex = ifindex;
	if (*flags & NO_TOT_LEN)
		p.tot_len = 0;
	rc = bpf_fib_lookup(ctx, &p, sizeof(p), *flags & ~NO_TOT_LEN);
	res->rc = rc;
	__builtin_memcpy(&res->params, &p, sizeof(p));
	if (rc == BPF_FIB_LKUP_RET_SUCCESS) {
		__builtin_memcpy(eth->h_dest, p.dmac, ETH_ALEN);
		__builtin_memcpy(eth->h_source, p.smac, ETH_ALEN);
		if (eth->h_proto == bpf_htons(ETH_P_IP)) {
			struct iphdr *iph = (void *)(eth + 1);
			__u32 check = iph->check;

			if ((void *)(iph + 1) > end)
				return 1001;
			check += bpf_htons(0x0100);
			iph->check = (__u16)(check + (check >= 0xffff));
			iph->ttl--;
		} else {
			struct ipv6hdr *ip6h = (void *)(eth + 1);

			if ((void *)(ip6h + 1) > end)
				return 1001;
			ip6h->hop_limit--;
		}
	}
	return rc;
}

SEC("xdp")
int xdp_fwd(struct xdp_md *ctx)
{
	long rc = fwd(ctx, (void *)(long)ctx->data, (void *)(long)ctx->data_end,
		      ctx->ingress_ifindex);
	__u32 k = 0;
	struct fib_result *res = bpf_map_lookup_elem(&fib_out, &k);

	if (rc == 0 && res)
		return bpf_redirect(res->params.ifindex, 0);
	return rc >= 1000 ? XDP_DROP : XDP_PASS;
}

SEC("tc")
int tc_fwd(struct __sk_buff *skb)
{
	long rc = fwd(skb, (void *)(long)skb->data, (void *)(long)skb->data_end, skb->ifindex);
	__u32 k = 0;
	struct fib_result *res = bpf_map_lookup_elem(&fib_out, &k);

	if (rc == 0 && res)
		return bpf_redirect(res->params.ifindex, 0);
	return rc >= 1000 ? TC_ACT_SHOT : TC_ACT_OK;
}

SEC("xdp")
int fib_args(struct xdp_md *ctx)
{
	struct bpf_fib_lookup p;
	__u32 k;
	__s64 rc;

	__builtin_memset(&p, 0, sizeof(p));
	p.family = AF_INET;
	p.ifindex = 1;
	k = 0;
	rc = bpf_fib_lookup(ctx, &p, sizeof(p) - 1, 0);
	bpf_map_update_elem(&fib_rcs, &k, &rc, 0);
	k = 1;
	rc = bpf_fib_lookup(ctx, &p, sizeof(p), 1 << 7);
	bpf_map_update_elem(&fib_rcs, &k, &rc, 0);
	k = 2;
	p.family = 99;
	rc = bpf_fib_lookup(ctx, &p, sizeof(p), 0);
	bpf_map_update_elem(&fib_rcs, &k, &rc, 0);
	k = 3;
	p.family = AF_INET;
	p.ifindex = 0;
	rc = bpf_fib_lookup(ctx, &p, sizeof(p), 0);
	bpf_map_update_elem(&fib_rcs, &k, &rc, 0);
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
