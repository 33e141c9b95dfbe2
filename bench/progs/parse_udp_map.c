/* Benchmark: the Ethernet/IPv4/UDP parser of parse_udp.c, deciding by a
 * hash-map lookup on (destination address, destination port). */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/udp.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>

struct flow_key {
	__u32 daddr;
	__u16 dport;
	__u16 pad;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, struct flow_key);
	__type(value, __u32);
} flows SEC(".maps");

SEC("xdp")
int parse_udp_map(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data, *data_end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	struct flow_key key = { 0 };
	struct iphdr *ip;
	struct udphdr *udp;
	__u32 *action;

	if ((void *)(eth + 1) > data_end)
		return XDP_ABORTED;
	if (eth->h_proto != bpf_htons(ETH_P_IP))
		return XDP_PASS;
	ip = (void *)(eth + 1);
	if ((void *)(ip + 1) > data_end || ip->ihl < 5)
		return XDP_ABORTED;
	if (ip->protocol != IPPROTO_UDP)
		return XDP_PASS;
	udp = (void *)ip + ip->ihl * 4;
	if ((void *)(udp + 1) > data_end)
		return XDP_ABORTED;
	key.daddr = ip->daddr;
	key.dport = udp->dest;
	action = bpf_map_lookup_elem(&flows, &key);
	return action ? *action : XDP_PASS;
}

char _license[] SEC("license") = "GPL";
