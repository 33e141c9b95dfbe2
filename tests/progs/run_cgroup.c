/* bpfvm run tests: cgroup/sock_addr programs, run on a struct bpf_sock_addr
 * given with --ctx (Linux cannot test-run them). bind4_policy refuses binds
 * to port 22 and to 10.0.0.0/8, allows the rest. connect4_rewrite sends
 * connections to 10.0.0.1:80 to 127.0.0.1:8080 (a transparent proxy) and
 * records the caller's ids from the get_current_* helpers. bind6_policy
 * refuses link-local addresses; connect6_rewrite sends [2001:db8::1]:443 to
 * [::1]:8443; sendmsg4_dns redirects UDP datagrams for 192.0.2.53:53 to
 * 127.0.0.53:53 and picks the source address 10.0.0.99 for them. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

struct caller {
	__u64 pid_tgid;
	__u64 uid_gid;
	char comm[16];
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct caller);
} callers SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 2);
	__type(key, __u32);
	__type(value, __u32);
} rewritten SEC(".maps");

SEC("cgroup/bind4")
int bind4_policy(struct bpf_sock_addr *ctx)
{
	if (ctx->user_port == bpf_htons(22))
		return 0;
	if ((ctx->user_ip4 & bpf_htonl(0xff000000)) == bpf_htonl(0x0a000000))
		return 0;
	return 1;
}

SEC("cgroup/connect4")
int connect4_rewrite(struct bpf_sock_addr *ctx)
{
	struct caller c = {};
	__u32 k = 0, v;

	c.pid_tgid = bpf_get_current_pid_tgid();
	c.uid_gid = bpf_get_current_uid_gid();
	bpf_get_current_comm(c.comm, sizeof(c.comm));
	bpf_map_update_elem(&callers, &k, &c, BPF_ANY);
	if (ctx->user_ip4 != bpf_htonl(0x0a000001) || ctx->user_port != bpf_htons(80))
		return 1;
	ctx->user_ip4 = bpf_htonl(0x7f000001);
	ctx->user_port = bpf_htons(8080);
	v = ctx->user_ip4;
	bpf_map_update_elem(&rewritten, &k, &v, BPF_ANY);
	k = 1;
	v = ctx->user_port;
	bpf_map_update_elem(&rewritten, &k, &v, BPF_ANY);
	return 1;
}

SEC("cgroup/bind6")
int bind6_policy(struct bpf_sock_addr *ctx)
{
	if ((ctx->user_ip6[0] & bpf_htonl(0xffc00000)) == bpf_htonl(0xfe800000))
		return 0;
	return 1;
}

SEC("cgroup/connect6")
int connect6_rewrite(struct bpf_sock_addr *ctx)
{
	if (ctx->user_ip6[0] != bpf_htonl(0x20010db8) || ctx->user_ip6[1] || ctx->user_ip6[2] ||
	    ctx->user_ip6[3] != bpf_htonl(1) || ctx->user_port != bpf_htons(443))
		return 1;
	ctx->user_ip6[0] = 0;
	ctx->user_ip6[1] = 0;
	ctx->user_ip6[2] = 0;
	ctx->user_ip6[3] = bpf_htonl(1);
	ctx->user_port = bpf_htons(8443);
	return 1;
}

SEC("cgroup/sendmsg4")
int sendmsg4_dns(struct bpf_sock_addr *ctx)
{
	if (ctx->type != 2 /* SOCK_DGRAM */)
		return 1;
	if (ctx->user_ip4 == bpf_htonl(0xc0000235) && ctx->user_port == bpf_htons(53)) {
		ctx->user_ip4 = bpf_htonl(0x7f000035);
		ctx->msg_src_ip4 = bpf_htonl(0x0a000063);
	}
	return 1;
}

char LICENSE[] SEC("license") = "GPL";
