/* Verifier tests on clang-built code: the packet parsers users write, which
 * the verifier must accept as compiled (bpfvm verify, tests/cli/verify_progs.sh).
 * Ethernet with up to two VLAN tags, IPv4 with options (ihl * 4), IPv6 with
 * extension headers walked in a bounded loop, TCP/UDP ports, a loop over
 * payload bytes with a per-byte bounds check, an IP checksum in a separate
 * (not inlined) function, and bpf_loop with a callback counting into a
 * stack context. */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/tcp.h>
#include <linux/udp.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

struct vlan_hdr {
	__be16 tci;
	__be16 proto;
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, __u64);
} port_hits SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 64);
	__type(key, __u32);
	__type(value, __u64);
} flows SEC(".maps");

/* One's-complement sum of the 20-byte IPv4 header; not inlined, so that the
 * packet pointer crosses a bpf-to-bpf call. */
static __attribute__((noinline)) __u16 ip_csum(struct iphdr *ip, void *data_end)
{
	__u16 *p = (__u16 *)ip;
	__u32 sum = 0;

	if ((void *)(p + 10) > data_end)
		return 0;
	for (int i = 0; i < 10; i++)
		sum += p[i];
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return (__u16)~sum;
}

static __always_inline void count_port(__u16 port)
{
	__u32 k = port == 53 ? 0 : port == 80 ? 1 : port == 443 ? 2 : 3;
	__u64 *v = bpf_map_lookup_elem(&port_hits, &k);

	if (v)
		*v += 1;
}

static __always_inline int l4(void *l4h, void *data_end, __u8 proto)
{
	if (proto == IPPROTO_TCP) {
		struct tcphdr *t = l4h;

		if ((void *)(t + 1) > data_end)
			return XDP_DROP;
		count_port(bpf_ntohs(t->dest));
	} else if (proto == IPPROTO_UDP) {
		struct udphdr *u = l4h;

		if ((void *)(u + 1) > data_end)
			return XDP_DROP;
		count_port(bpf_ntohs(u->dest));
	}
	return XDP_PASS;
}

SEC("xdp")
int parse_all(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	__u16 proto;
	void *l3;

	if ((void *)(eth + 1) > data_end)
		return XDP_DROP;
	proto = eth->h_proto;
	l3 = eth + 1;
#pragma unroll
	for (int i = 0; i < 2; i++) {
		struct vlan_hdr *vh = l3;

		if (proto != bpf_htons(ETH_P_8021Q) && proto != bpf_htons(ETH_P_8021AD))
			break;
		if ((void *)(vh + 1) > data_end)
			return XDP_DROP;
		proto = vh->proto;
		l3 = vh + 1;
	}
	if (proto == bpf_htons(ETH_P_IP)) {
		struct iphdr *ip = l3;
		__u32 hl;

		if ((void *)(ip + 1) > data_end)
			return XDP_DROP;
		hl = ip->ihl * 4;
		if (hl < sizeof(*ip))
			return XDP_DROP;
		if (l3 + hl > data_end)
			return XDP_DROP;
		if (ip_csum(ip, data_end) != 0)
			return XDP_DROP;
		return l4(l3 + hl, data_end, ip->protocol);
	}
	if (proto == bpf_htons(ETH_P_IPV6)) {
		struct ipv6hdr *ip6 = l3;
		__u8 next;
		void *p;

		if ((void *)(ip6 + 1) > data_end)
			return XDP_DROP;
		next = ip6->nexthdr;
		p = ip6 + 1;
		for (int i = 0; i < 6; i++) {
			__u8 *ext = p;

			if (next != IPPROTO_HOPOPTS && next != IPPROTO_ROUTING &&
			    next != IPPROTO_DSTOPTS)
				break;
			if ((void *)(ext + 2) > data_end)
				return XDP_DROP;
			next = ext[0];
			p += (ext[1] + 1) * 8;
		}
		return l4(p, data_end, next);
	}
	return XDP_PASS;
}

/* A checksum over the first bytes of the payload, one byte at a time, each
 * access checked against data_end inside the loop. */
SEC("xdp")
int byte_sum(struct xdp_md *ctx)
{
	__u8 *data = (void *)(long)ctx->data;
	__u8 *data_end = (void *)(long)ctx->data_end;
	__u32 sum = 0;

	for (int i = 0; i < 128; i++) {
		if (data + i + 1 > data_end)
			break;
		sum += data[i];
	}
	return sum & 1 ? XDP_PASS : XDP_DROP;
}

struct loop_ctx {
	__u64 sum;
	__u32 limit;
};

static long add_one(__u64 index, void *c)
{
	struct loop_ctx *lc = c;

	lc->sum += index;
	return index >= lc->limit;
}

SEC("xdp")
int with_bpf_loop(struct xdp_md *ctx)
{
	struct loop_ctx lc = { 0, ctx->rx_queue_index & 15 };
	__u32 key = ctx->rx_queue_index;
	__u64 one = 1, *v;

	bpf_loop(32, add_one, &lc, 0);
	v = bpf_map_lookup_elem(&flows, &key);
	if (v)
		__sync_fetch_and_add(v, 1);
	else
		bpf_map_update_elem(&flows, &key, &one, BPF_ANY);
	return lc.sum > 100 ? XDP_DROP : XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
