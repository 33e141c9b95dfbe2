/* The demo program: a small XDP firewall, written as users write them for
 * Linux. It parses Ethernet (with one optional VLAN tag), IPv4 (with options)
 * and IPv6, then TCP or UDP; drops traffic to ports in a blocklist map, answers
 * ICMP echo requests by bouncing them (XDP_TX) with MAC and IP addresses
 * swapped, and counts every verdict in a per-CPU array. */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/tcp.h>
#include <linux/udp.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

/* <linux/icmp.h> drags in the C library's headers; these are all we need. */
#define ICMP_ECHOREPLY 0
#define ICMP_ECHO 8

struct icmphdr {
	__u8 type;
	__u8 code;
	__sum16 checksum;
	__be16 id;
	__be16 sequence;
};

struct vlan_hdr {
	__be16 tci;
	__be16 proto;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 64);
	__type(key, __u16);   /* destination port, host order */
	__type(value, __u64); /* packets dropped for it */
} blocked_ports SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 5);
	__type(key, __u32);   /* the XDP verdict */
	__type(value, __u64);
} verdicts SEC(".maps");

/* Set from user space before load, as skeletons do: drop non-IP frames? */
const volatile __u8 drop_non_ip = 0;

static __always_inline int count(__u32 verdict)
{
	__u64 *n = bpf_map_lookup_elem(&verdicts, &verdict);

	if (n)
		*n += 1;
	return verdict;
}

static __always_inline int port_verdict(__u16 port)
{
	__u64 *hits = bpf_map_lookup_elem(&blocked_ports, &port);

	if (!hits)
		return XDP_PASS;
	__sync_fetch_and_add(hits, 1);
	return XDP_DROP;
}

static __always_inline int l4(void *p, void *end, __u8 proto)
{
	if (proto == IPPROTO_TCP) {
		struct tcphdr *tcp = p;

		if ((void *)(tcp + 1) > end)
			return XDP_DROP;
		return port_verdict(bpf_ntohs(tcp->dest));
	}
	if (proto == IPPROTO_UDP) {
		struct udphdr *udp = p;

		if ((void *)(udp + 1) > end)
			return XDP_DROP;
		return port_verdict(bpf_ntohs(udp->dest));
	}
	return XDP_PASS;
}

static __always_inline void swap_macs(struct ethhdr *eth)
{
	unsigned char tmp[ETH_ALEN];

	__builtin_memcpy(tmp, eth->h_source, ETH_ALEN);
	__builtin_memcpy(eth->h_source, eth->h_dest, ETH_ALEN);
	__builtin_memcpy(eth->h_dest, tmp, ETH_ALEN);
}

SEC("xdp")
int xdp_firewall(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	void *p = eth + 1;
	__u16 proto;

	if (p > end)
		return count(XDP_DROP);
	proto = eth->h_proto;
	if (proto == bpf_htons(ETH_P_8021Q)) {
		struct vlan_hdr *vlan = p;

		if ((void *)(vlan + 1) > end)
			return count(XDP_DROP);
		proto = vlan->proto;
		p = vlan + 1;
	}
	if (proto == bpf_htons(ETH_P_IP)) {
		struct iphdr *ip = p;
		__u32 addr;

		if ((void *)(ip + 1) > end || ip->ihl < 5)
			return count(XDP_DROP);
		p = (void *)ip + ip->ihl * 4;
		if (p > end)
			return count(XDP_DROP);
		if (ip->protocol == IPPROTO_ICMP) {
			struct icmphdr *icmp = p;

			if ((void *)(icmp + 1) > end)
				return count(XDP_DROP);
			if (icmp->type != ICMP_ECHO)
				return count(XDP_PASS);
			/* Answer in place: the checksum changes by the type only. */
			icmp->type = ICMP_ECHOREPLY;
			icmp->checksum += bpf_htons(ICMP_ECHO << 8);
			addr = ip->saddr;
			ip->saddr = ip->daddr;
			ip->daddr = addr;
			swap_macs(eth);
			return count(XDP_TX);
		}
		return count(l4(p, end, ip->protocol));
	}
	if (proto == bpf_htons(ETH_P_IPV6)) {
		struct ipv6hdr *ip6 = p;

		if ((void *)(ip6 + 1) > end)
			return count(XDP_DROP);
		return count(l4(ip6 + 1, end, ip6->nexthdr));
	}
	return count(drop_non_ip ? XDP_DROP : XDP_PASS);
}

char LICENSE[] SEC("license") = "GPL";
