/* bpfvm run tests for the socket hooks, run on a struct bpf_sock or struct
 * bpf_sock_ops given with --ctx (Linux test-runs neither).
 * sock_create_policy refuses raw IPv6 sockets and marks the others (mark
 * 0x77, priority = the protocol). post_bind4_policy refuses binds of ports
 * below 1024 except on 127.0.0.1, counting the refusals.
 * sockops_cb answers TIMEOUT_INIT with an RTO of 10, asks for RTT callbacks
 * when a connection is established and records what the socket helpers
 * answer and whether sk is NULL (always, in bpfvm), and on PARSE_HDR_OPT_CB finds the first TCP option kind in the
 * segment. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#define AF_INET6 10
#define SOCK_RAW 3
#define SOL_TCP 6
#define TCP_NODELAY 1

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} refused SEC(".maps");

struct established {
	__s64 cb_flags_ret;
	__u32 cb_flags;
	__u32 srtt_us;
	__s64 setsockopt_ret;
	__s64 getsockopt_ret;
	__u32 optval;
	__u32 sk_family; /* the socket's family, or 0xffffffff when sk is NULL */
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct established);
} seen SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 2);
	__type(key, __u32);
	__type(value, __u32);
} options SEC(".maps");

SEC("cgroup/sock_create")
int sock_create_policy(struct bpf_sock *sk)
{
	if (sk->family == AF_INET6 && sk->type == SOCK_RAW)
		return 0;
	sk->mark = 0x77;
	sk->priority = sk->protocol;
	return 1;
}

SEC("cgroup/post_bind4")
int post_bind4_policy(struct bpf_sock *sk)
{
	__u32 key = 0;
	__u64 *n;

	if (sk->src_port >= 1024 || sk->src_ip4 == bpf_htonl(0x7f000001))
		return 1;
	n = bpf_map_lookup_elem(&refused, &key);
	if (n)
		__sync_fetch_and_add(n, 1);
	return 0;
}

static int parse_options(struct bpf_sock_ops *skops)
{
	__u8 *p = (void *)(long)skops->skb_data;
	__u8 *end = (void *)(long)skops->skb_data_end;
	__u32 key = 0, kind, doff, len = skops->skb_len;

	/* the TCP header: data offset in the high nibble of byte 12 */
	if (p + 20 > end)
		return 1;
	doff = (p[12] >> 4) * 4;
	if (doff <= 20 || p + 21 > end)
		return 1;
	kind = p[20];
	bpf_map_update_elem(&options, &key, &kind, BPF_ANY);
	key = 1;
	bpf_map_update_elem(&options, &key, &len, BPF_ANY);
	return 1;
}

SEC("sockops")
int sockops_cb(struct bpf_sock_ops *skops)
{
	struct established e = {};
	__u32 key = 0, optval = 0;
	int one = 1;

	switch (skops->op) {
	case BPF_SOCK_OPS_TIMEOUT_INIT:
		skops->reply = 10;
		return 1;
	case BPF_SOCK_OPS_ACTIVE_ESTABLISHED_CB:
		e.cb_flags_ret = bpf_sock_ops_cb_flags_set(skops, BPF_SOCK_OPS_RTT_CB_FLAG | 0x100);
		e.cb_flags = skops->bpf_sock_ops_cb_flags;
		e.srtt_us = skops->srtt_us;
		e.setsockopt_ret = bpf_setsockopt(skops, SOL_TCP, TCP_NODELAY, &one, sizeof(one));
		optval = 0xdead;
		e.getsockopt_ret = bpf_getsockopt(skops, SOL_TCP, TCP_NODELAY, &optval,
						  sizeof(optval));
		e.optval = optval;
		e.sk_family = skops->sk ? skops->sk->family : 0xffffffff;
		bpf_map_update_elem(&seen, &key, &e, BPF_ANY);
		return 1;
	case BPF_SOCK_OPS_PARSE_HDR_OPT_CB:
		return parse_options(skops);
	}
	return 0;
}

char _license[] SEC("license") = "GPL";
