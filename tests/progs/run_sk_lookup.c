/* bpfvm run tests of the socket lookups, in the shape Cilium and Linux's
 * selftests use them: a tc program looks up the TCP socket of a packet's
 * 4-tuple (the tuple read from the packet's IPv4 addresses and ports), reads
 * its state, steers the packet to it with bpf_sk_assign and releases it; an XDP program does the same for UDP, and
 * skc_lookup_tcp's sock_common. Which path ran, and what the socket's fields
 * hold, is recorded in `seen`: without sockets (`bpfvm run` without
 * --sockets) every lookup takes the "no socket" path (slot 0 = 1), as Linux
 * does for a packet no local socket matches. */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 8);
	__type(key, __u32);
	__type(value, __u64);
} seen SEC(".maps");

static void note(__u32 slot, __u64 v)
{
	bpf_map_update_elem(&seen, &slot, &v, BPF_ANY);
}

/* The IPv4 tuple of a packet: addresses and ports follow each other in
 * the IPv4 and TCP/UDP headers as in struct bpf_sock_tuple's ipv4 member. */
static struct bpf_sock_tuple *tuple_of(void *data, void *data_end, __u8 proto)
{
	struct ethhdr *eth = data;
	struct iphdr *iph = (void *)(eth + 1);
	struct bpf_sock_tuple *t;

	if ((void *)(iph + 1) > data_end || eth->h_proto != bpf_htons(ETH_P_IP))
		return 0;
	if (iph->ihl != 5 || iph->protocol != proto)
		return 0;
	t = (struct bpf_sock_tuple *)&iph->saddr;
	if ((void *)t + sizeof(t->ipv4) > data_end)
		return 0;
	return t;
}

SEC("tc")
int tc_sk_lookup(struct __sk_buff *skb)
{
	void *data = (void *)(long)skb->data, *data_end = (void *)(long)skb->data_end;
	struct bpf_sock_tuple *t = tuple_of(data, data_end, IPPROTO_TCP);
	struct bpf_sock *sk;
	__u32 state;

	if (!t)
		return TC_ACT_UNSPEC;
	sk = bpf_sk_lookup_tcp(skb, t, sizeof(t->ipv4), BPF_F_CURRENT_NETNS, 0);
	if (!sk) {
		note(0, 1);
		return TC_ACT_OK;
	}
	state = sk->state;
	note(1, (__u64)sk->family << 32 | state);
	note(4, (__u64)sk->mark << 32 | sk->src_port);
	note(5, (__u64)sk->dst_ip4 << 32 | sk->src_ip4);
	note(6, (__u64)sk->type << 40 | (__u64)sk->protocol << 32 | sk->dst_port);
	note(7, sk->priority);
	note(3, bpf_sk_assign(skb, sk, 0));
	bpf_sk_release(sk);
	return TC_ACT_SHOT;
}

SEC("tc")
int tc_skc_lookup(struct __sk_buff *skb)
{
	void *data = (void *)(long)skb->data, *data_end = (void *)(long)skb->data_end;
	struct bpf_sock_tuple *t = tuple_of(data, data_end, IPPROTO_TCP);
	struct bpf_sock_tuple copy;
	struct bpf_sock *sk;

	if (!t)
		return TC_ACT_UNSPEC;
	/* a tuple on the stack, as programs that build it by hand have it */
	__builtin_memcpy(&copy.ipv4, &t->ipv4, sizeof(copy.ipv4));
	sk = bpf_skc_lookup_tcp(skb, &copy, sizeof(copy.ipv4), BPF_F_CURRENT_NETNS, 0);
	if (!sk) {
		note(0, 1);
		return TC_ACT_OK;
	}
	note(2, sk->dst_port);
	bpf_sk_release(sk);
	return TC_ACT_SHOT;
}

SEC("xdp")
int xdp_sk_lookup_udp(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data, *data_end = (void *)(long)ctx->data_end;
	struct bpf_sock_tuple *t = tuple_of(data, data_end, IPPROTO_UDP);
	struct bpf_sock *sk;

	if (!t)
		return XDP_PASS;
	sk = bpf_sk_lookup_udp(ctx, t, sizeof(t->ipv4), BPF_F_CURRENT_NETNS, 0);
	if (!sk) {
		note(0, 1);
		return XDP_PASS;
	}
	note(3, sk->src_port);
	bpf_sk_release(sk);
	return XDP_DROP;
}

char _license[] SEC("license") = "GPL";
