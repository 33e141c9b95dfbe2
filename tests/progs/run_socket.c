/* bpfvm run tests: programs on struct __sk_buff that are not tc programs.
 * sf_dns is a socket filter written for packet sockets (the data starts at
 * the Ethernet header): it reads the headers with bpf_skb_load_bytes and
 * keeps whole UDP datagrams to port 53, drops the rest. sf_peek records what
 * the filter sees at offset 0 and skb->len, so the differential test shows
 * where each runtime starts the packet. cg_count is a cgroup_skb egress
 * program counting packets and bytes. */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, __u64);
} sk_seen SEC(".maps");

SEC("socket")
int sf_dns(struct __sk_buff *skb)
{
	__u16 eth_proto, dport;
	__u8 vihl, proto;

	if (bpf_skb_load_bytes(skb, 12, &eth_proto, 2))
		return 0;
	if (eth_proto != bpf_htons(ETH_P_IP))
		return 0;
	if (bpf_skb_load_bytes(skb, ETH_HLEN, &vihl, 1) ||
	    bpf_skb_load_bytes(skb, ETH_HLEN + 9, &proto, 1))
		return 0;
	if (proto != IPPROTO_UDP)
		return 0;
	if (bpf_skb_load_bytes(skb, ETH_HLEN + (vihl & 0xf) * 4 + 2, &dport, 2))
		return 0;
	return dport == bpf_htons(53) ? skb->len : 0;
}

SEC("socket")
int sf_peek(struct __sk_buff *skb)
{
	__u32 k = 0;
	__u64 v = 0;

	if (bpf_skb_load_bytes(skb, 0, &v, 4))
		return 1;
	bpf_map_update_elem(&sk_seen, &k, &v, BPF_ANY);
	k = 1;
	v = skb->len;
	bpf_map_update_elem(&sk_seen, &k, &v, BPF_ANY);
	/* A read past the end fails instead of reading beyond the packet. */
	if (bpf_skb_load_bytes(skb, skb->len - 2, &v, 4) == 0)
		return 2;
	return 0;
}

SEC("cgroup_skb/egress")
int cg_count(struct __sk_buff *skb)
{
	__u32 k = 2;
	__u64 *v = bpf_map_lookup_elem(&sk_seen, &k);

	if (v)
		*v += 1;
	k = 3;
	v = bpf_map_lookup_elem(&sk_seen, &k);
	if (v)
		*v += skb->len;
	return 1;
}

char LICENSE[] SEC("license") = "GPL";
