/* bpfvm run tests: the XDP program users write first. It parses Ethernet,
 * IPv4 (with options) and UDP, drops datagrams to ports in a hash-map
 * blocklist (counting the drops in the blocklist value), counts verdicts in a
 * per-CPU array and bytes per IP protocol in a per-CPU hash. Malformed frames
 * are XDP_ABORTED, non-IPv4 frames pass untouched. */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/udp.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16);
	__type(key, __u16);   /* UDP destination port, host order */
	__type(value, __u64); /* datagrams dropped */
} blocklist SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 5);
	__type(key, __u32);   /* XDP verdict */
	__type(value, __u64);
} verdicts SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_HASH);
	__uint(max_entries, 8);
	__type(key, __u8);    /* IP protocol */
	__type(value, __u64); /* bytes of IP packets */
} proto_bytes SEC(".maps");

static __always_inline int verdict(__u32 v)
{
	__u64 *n = bpf_map_lookup_elem(&verdicts, &v);

	if (n)
		*n += 1;
	return v;
}

SEC("xdp")
int xdp_parse(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	struct iphdr *ip;
	struct udphdr *udp;
	__u64 len, *bytes, one;
	__u8 proto;
	__u16 port;

	if ((void *)(eth + 1) > data_end)
		return verdict(XDP_ABORTED);
	if (eth->h_proto != bpf_htons(ETH_P_IP))
		return verdict(XDP_PASS);
	ip = (void *)(eth + 1);
	if ((void *)(ip + 1) > data_end || ip->ihl < 5)
		return verdict(XDP_ABORTED);
	proto = ip->protocol;
	len = bpf_ntohs(ip->tot_len);
	bytes = bpf_map_lookup_elem(&proto_bytes, &proto);
	if (bytes) {
		*bytes += len;
	} else {
		one = len;
		bpf_map_update_elem(&proto_bytes, &proto, &one, BPF_NOEXIST);
	}
	if (proto != IPPROTO_UDP)
		return verdict(XDP_PASS);
	udp = (void *)ip + ip->ihl * 4;
	if ((void *)(udp + 1) > data_end)
		return verdict(XDP_ABORTED);
	port = bpf_ntohs(udp->dest);
	__u64 *dropped = bpf_map_lookup_elem(&blocklist, &port);
	if (dropped) {
		__sync_fetch_and_add(dropped, 1);
		return verdict(XDP_DROP);
	}
	return verdict(XDP_PASS);
}

char LICENSE[] SEC("license") = "GPL";
