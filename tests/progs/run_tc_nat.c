/* bpfvm run tests: a tc (sched_cls) program doing destination NAT the way
 * Cilium-style programs do: the IPv4 destination 10.0.0.1 becomes
 * 192.168.1.1, written with bpf_skb_store_bytes, and the IP and TCP/UDP
 * checksums are fixed up incrementally with bpf_l3_csum_replace and
 * bpf_l4_csum_replace (pseudo-header flag). The skb's mark is set to say a
 * rewrite happened; other packets are left alone. */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/pkt_cls.h>
#include <linux/tcp.h>
#include <linux/udp.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#define IP_OFF sizeof(struct ethhdr)
#define IP_DST_OFF (IP_OFF + offsetof(struct iphdr, daddr))
#define IP_CSUM_OFF (IP_OFF + offsetof(struct iphdr, check))

SEC("tc")
int tc_dnat(struct __sk_buff *skb)
{
	void *data = (void *)(long)skb->data;
	void *data_end = (void *)(long)skb->data_end;
	struct ethhdr *eth = data;
	struct iphdr *ip = (void *)(eth + 1);
	__be32 old_ip, new_ip = bpf_htonl(0xc0a80101);
	__u32 l4_csum_off;
	__u8 proto;

	if ((void *)(ip + 1) > data_end || eth->h_proto != bpf_htons(ETH_P_IP) || ip->ihl != 5)
		return TC_ACT_OK;
	if (ip->daddr != bpf_htonl(0x0a000001))
		return TC_ACT_OK;
	old_ip = ip->daddr;
	proto = ip->protocol;
	if (proto == IPPROTO_TCP)
		l4_csum_off = IP_OFF + sizeof(struct iphdr) + offsetof(struct tcphdr, check);
	else if (proto == IPPROTO_UDP)
		l4_csum_off = IP_OFF + sizeof(struct iphdr) + offsetof(struct udphdr, check);
	else
		return TC_ACT_OK;
	if (bpf_l4_csum_replace(skb, l4_csum_off, old_ip, new_ip,
				BPF_F_PSEUDO_HDR | BPF_F_MARK_MANGLED_0 | sizeof(new_ip)))
		return TC_ACT_SHOT;
	if (bpf_l3_csum_replace(skb, IP_CSUM_OFF, old_ip, new_ip, sizeof(new_ip)))
		return TC_ACT_SHOT;
	if (bpf_skb_store_bytes(skb, IP_DST_OFF, &new_ip, sizeof(new_ip), 0))
		return TC_ACT_SHOT;
	skb->mark = 0x4e4154;
	return TC_ACT_OK;
}

/* Reads __sk_buff fields a tc program relies on and returns them packed:
 * len (low 16 bits) and the protocol (ETH_P_IP, from the Ethernet header)
 * in the high 16. */
SEC("tc")
int tc_fields(struct __sk_buff *skb)
{
	return (skb->len & 0xffff) | (bpf_ntohs(skb->protocol) << 16);
}

char LICENSE[] SEC("license") = "GPL";
