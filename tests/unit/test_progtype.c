/* Program-type tables: the UAPI mirrors match <linux/bpf.h> byte for byte, the
 * helper lists are sorted (they are binary-searched), and the access rules
 * answer as Linux does on representative cases. */
#include <linux/bpf.h>
#include <stddef.h>
#if defined(__x86_64__)
#include <linux/bpf_perf_event.h>
#endif

#include "progtype/ctx.h"
#include "progtype/progtype.h"
#include "progtype/sock.h"
#include "test.h"

#define SAME_FIELD(ours, theirs, f) \
	CHECK_EQ_U64(offsetof(struct ours, f), offsetof(struct theirs, f))

static void test_layouts(void)
{
	CHECK_EQ_U64(sizeof(struct bpfvm_uapi_xdp_md), sizeof(struct xdp_md));
	SAME_FIELD(bpfvm_uapi_xdp_md, xdp_md, data_end);
	SAME_FIELD(bpfvm_uapi_xdp_md, xdp_md, egress_ifindex);

	CHECK_EQ_U64(sizeof(struct bpfvm_uapi_sk_buff), sizeof(struct __sk_buff));
	SAME_FIELD(bpfvm_uapi_sk_buff, __sk_buff, cb);
	SAME_FIELD(bpfvm_uapi_sk_buff, __sk_buff, data);
	SAME_FIELD(bpfvm_uapi_sk_buff, __sk_buff, data_end);
	SAME_FIELD(bpfvm_uapi_sk_buff, __sk_buff, data_meta);
	SAME_FIELD(bpfvm_uapi_sk_buff, __sk_buff, flow_keys);
	SAME_FIELD(bpfvm_uapi_sk_buff, __sk_buff, tstamp);
	SAME_FIELD(bpfvm_uapi_sk_buff, __sk_buff, gso_size);
	SAME_FIELD(bpfvm_uapi_sk_buff, __sk_buff, tstamp_type);
	SAME_FIELD(bpfvm_uapi_sk_buff, __sk_buff, hwtstamp);
	SAME_FIELD(bpfvm_uapi_sk_buff, __sk_buff, local_port);

	CHECK_EQ_U64(sizeof(struct bpfvm_uapi_sock_addr), sizeof(struct bpf_sock_addr));
	SAME_FIELD(bpfvm_uapi_sock_addr, bpf_sock_addr, user_port);
	SAME_FIELD(bpfvm_uapi_sock_addr, bpf_sock_addr, msg_src_ip6);
	SAME_FIELD(bpfvm_uapi_sock_addr, bpf_sock_addr, sk);

	CHECK_EQ_U64(sizeof(struct bpfvm_uapi_bpf_sock), sizeof(struct bpf_sock));
	SAME_FIELD(bpfvm_uapi_bpf_sock, bpf_sock, src_ip6);
	SAME_FIELD(bpfvm_uapi_bpf_sock, bpf_sock, src_port);
	SAME_FIELD(bpfvm_uapi_bpf_sock, bpf_sock, dst_port);
	SAME_FIELD(bpfvm_uapi_bpf_sock, bpf_sock, dst_ip4);
	SAME_FIELD(bpfvm_uapi_bpf_sock, bpf_sock, state);
	SAME_FIELD(bpfvm_uapi_bpf_sock, bpf_sock, rx_queue_mapping);

	/* skb_hwtstamp (Linux 6.2) ends the struct; older headers stop before it */
	CHECK(sizeof(struct bpf_sock_ops) == sizeof(struct bpfvm_uapi_sock_ops) ||
	      sizeof(struct bpf_sock_ops) == offsetof(struct bpfvm_uapi_sock_ops, skb_hwtstamp));
	CHECK_EQ_U64(offsetof(struct bpfvm_uapi_sock_ops, args), offsetof(struct bpf_sock_ops, reply));
	SAME_FIELD(bpfvm_uapi_sock_ops, bpf_sock_ops, family);
	SAME_FIELD(bpfvm_uapi_sock_ops, bpf_sock_ops, is_fullsock);
	SAME_FIELD(bpfvm_uapi_sock_ops, bpf_sock_ops, bpf_sock_ops_cb_flags);
	SAME_FIELD(bpfvm_uapi_sock_ops, bpf_sock_ops, sk_txhash);
	SAME_FIELD(bpfvm_uapi_sock_ops, bpf_sock_ops, bytes_received);
	SAME_FIELD(bpfvm_uapi_sock_ops, bpf_sock_ops, sk);
	SAME_FIELD(bpfvm_uapi_sock_ops, bpf_sock_ops, skb_data);
	SAME_FIELD(bpfvm_uapi_sock_ops, bpf_sock_ops, skb_data_end);
	SAME_FIELD(bpfvm_uapi_sock_ops, bpf_sock_ops, skb_len);
	SAME_FIELD(bpfvm_uapi_sock_ops, bpf_sock_ops, skb_tcp_flags);
#if defined(__x86_64__)
	/* the tracing contexts describe an x86-64 target: compared where the
	 * host's headers are x86-64's */
	CHECK_EQ_U64(sizeof(struct bpfvm_uapi_pt_regs), sizeof(struct pt_regs));
	/* the UAPI header names them rdi, rip, ...; the kernel's (and ours) di, ip */
	CHECK_EQ_U64(offsetof(struct bpfvm_uapi_pt_regs, di), offsetof(struct pt_regs, rdi));
	CHECK_EQ_U64(offsetof(struct bpfvm_uapi_pt_regs, ip), offsetof(struct pt_regs, rip));
	CHECK_EQ_U64(offsetof(struct bpfvm_uapi_pt_regs, sp), offsetof(struct pt_regs, rsp));
	CHECK_EQ_U64(offsetof(struct bpfvm_uapi_pt_regs, orig_ax), offsetof(struct pt_regs, orig_rax));
	CHECK_EQ_U64(sizeof(struct bpfvm_uapi_perf_event_data), sizeof(struct bpf_perf_event_data));
	SAME_FIELD(bpfvm_uapi_perf_event_data, bpf_perf_event_data, sample_period);
	SAME_FIELD(bpfvm_uapi_perf_event_data, bpf_perf_event_data, addr);
#endif
}

static void test_ids(void)
{
	CHECK_EQ_U64(BPFVM_PROG_XDP, BPF_PROG_TYPE_XDP);
	CHECK_EQ_U64(BPFVM_PROG_KPROBE, BPF_PROG_TYPE_KPROBE);
	CHECK_EQ_U64(BPFVM_PROG_TRACEPOINT, BPF_PROG_TYPE_TRACEPOINT);
	CHECK_EQ_U64(BPFVM_PROG_RAW_TRACEPOINT, BPF_PROG_TYPE_RAW_TRACEPOINT);
	CHECK_EQ_U64(BPFVM_PROG_PERF_EVENT, BPF_PROG_TYPE_PERF_EVENT);
	CHECK_EQ_U64(BPFVM_PROG_SCHED_CLS, BPF_PROG_TYPE_SCHED_CLS);
	CHECK_EQ_U64(BPFVM_PROG_SOCKET_FILTER, BPF_PROG_TYPE_SOCKET_FILTER);
	CHECK_EQ_U64(BPFVM_PROG_CGROUP_SKB, BPF_PROG_TYPE_CGROUP_SKB);
	CHECK_EQ_U64(BPFVM_PROG_CGROUP_SOCK_ADDR, BPF_PROG_TYPE_CGROUP_SOCK_ADDR);
	CHECK_EQ_U64(BPFVM_ATTACH_CGROUP_INET4_BIND, BPF_CGROUP_INET4_BIND);
	CHECK_EQ_U64(BPFVM_ATTACH_CGROUP_UDP6_SENDMSG, BPF_CGROUP_UDP6_SENDMSG);
	CHECK_EQ_U64(BPFVM_ATTACH_CGROUP_UDP6_RECVMSG, BPF_CGROUP_UDP6_RECVMSG);
	CHECK_EQ_U64(BPFVM_ATTACH_XDP, BPF_XDP);
	CHECK_EQ_U64(BPFVM_PROG_CGROUP_SOCK, BPF_PROG_TYPE_CGROUP_SOCK);
	CHECK_EQ_U64(BPFVM_PROG_SOCK_OPS, BPF_PROG_TYPE_SOCK_OPS);
	CHECK_EQ_U64(BPFVM_ATTACH_CGROUP_INET_SOCK_CREATE, BPF_CGROUP_INET_SOCK_CREATE);
	CHECK_EQ_U64(BPFVM_ATTACH_CGROUP_SOCK_OPS, BPF_CGROUP_SOCK_OPS);
	CHECK_EQ_U64(BPFVM_ATTACH_CGROUP_INET4_POST_BIND, BPF_CGROUP_INET4_POST_BIND);
	CHECK_EQ_U64(BPFVM_ATTACH_CGROUP_INET6_POST_BIND, BPF_CGROUP_INET6_POST_BIND);
	CHECK_EQ_U64(BPFVM_ATTACH_CGROUP_INET_SOCK_RELEASE, BPF_CGROUP_INET_SOCK_RELEASE);
}

static void test_tables_sorted(void)
{
	static const uint32_t ids[] = { BPFVM_PROG_XDP, BPFVM_PROG_SOCKET_FILTER,
					BPFVM_PROG_SCHED_CLS, BPFVM_PROG_SCHED_ACT,
					BPFVM_PROG_CGROUP_SKB, BPFVM_PROG_CGROUP_SOCK_ADDR,
					BPFVM_PROG_KPROBE, BPFVM_PROG_TRACEPOINT,
					BPFVM_PROG_RAW_TRACEPOINT, BPFVM_PROG_PERF_EVENT,
					BPFVM_PROG_CGROUP_SOCK, BPFVM_PROG_SOCK_OPS };

	for (size_t i = 0; i < sizeof(ids) / sizeof(ids[0]); i++) {
		const struct bpfvm_progtype *pt = bpfvm_progtype_get(ids[i]);

		CHECK(pt != NULL);
		if (!pt)
			continue;
		CHECK(pt->runtime_ctx_size >= pt->ctx_size);
		for (uint32_t h = 1; h < pt->helper_cnt; h++)
			CHECK(pt->helpers[h - 1] < pt->helpers[h]);
		for (uint32_t f = 0; f < pt->field_cnt; f++) {
			CHECK(pt->fields[f].off + pt->fields[f].size <= pt->ctx_size);
			if (pt->fields[f].kind != CTX_FIELD_SCALAR)
				CHECK(pt->fields[f].runtime_off >= pt->ctx_size);
		}
	}
	CHECK(bpfvm_progtype_get(9999) == NULL);
}

static void test_access_rules(void)
{
	const struct bpfvm_progtype *xdp = bpfvm_progtype_get(BPFVM_PROG_XDP);
	const struct bpfvm_progtype *cls = bpfvm_progtype_get(BPFVM_PROG_SCHED_CLS);
	const struct bpfvm_progtype *sf = bpfvm_progtype_get(BPFVM_PROG_SOCKET_FILTER);
	const struct bpfvm_progtype *sa = bpfvm_progtype_get(BPFVM_PROG_CGROUP_SOCK_ADDR);
	const char *why;
	struct bpfvm_ret_range r;

	CHECK(bpfvm_progtype_ctx_access_ok(xdp, 0, 0, 4, false, &why));
	CHECK(!bpfvm_progtype_ctx_access_ok(xdp, 0, 0, 2, false, &why));  /* no narrow */
	CHECK(!bpfvm_progtype_ctx_access_ok(xdp, 0, 0, 4, true, &why));   /* read-only */
	CHECK(!bpfvm_progtype_ctx_access_ok(xdp, 0, 24, 4, false, &why)); /* past the end */
	CHECK(!bpfvm_progtype_ctx_access_ok(xdp, 0, 2, 4, false, &why));  /* misaligned */

	CHECK(bpfvm_progtype_ctx_access_ok(cls, 0, offsetof(struct __sk_buff, mark), 4, true, &why));
	CHECK(!bpfvm_progtype_ctx_access_ok(cls, 0, offsetof(struct __sk_buff, len), 4, true, &why));
	CHECK(bpfvm_progtype_ctx_access_ok(cls, 0, offsetof(struct __sk_buff, len), 1, false, &why));
	CHECK(bpfvm_progtype_ctx_access_ok(cls, 0, offsetof(struct __sk_buff, cb) + 8, 4, true, &why));
	CHECK(bpfvm_progtype_ctx_access_ok(cls, 0, offsetof(struct __sk_buff, data), 4, false, &why));
	CHECK(!bpfvm_progtype_ctx_access_ok(sf, 0, offsetof(struct __sk_buff, data), 4, false, &why));
	CHECK(!bpfvm_progtype_ctx_access_ok(sf, 0, offsetof(struct __sk_buff, mark), 4, true, &why));

	CHECK(bpfvm_progtype_ctx_access_ok(sa, BPF_CGROUP_INET4_BIND,
					   offsetof(struct bpf_sock_addr, user_port), 4, true, &why));
	CHECK(!bpfvm_progtype_ctx_access_ok(sa, BPF_CGROUP_INET4_BIND,
					    offsetof(struct bpf_sock_addr, family), 4, true, &why));
	CHECK(!bpfvm_progtype_ctx_access_ok(sa, BPF_CGROUP_INET4_BIND,
					    offsetof(struct bpf_sock_addr, msg_src_ip4), 4, false, &why));
	CHECK(bpfvm_progtype_ctx_access_ok(sa, BPF_CGROUP_UDP4_SENDMSG,
					   offsetof(struct bpf_sock_addr, msg_src_ip4), 4, false, &why));
	CHECK(bpfvm_progtype_ctx_access_ok(sa, BPF_CGROUP_INET6_CONNECT,
					   offsetof(struct bpf_sock_addr, user_ip6) + 8, 8, true, &why));

	CHECK(bpfvm_progtype_ret_range(sa, BPF_CGROUP_INET4_BIND, &r) && r.max == 3);
	CHECK(bpfvm_progtype_ret_range(sa, BPF_CGROUP_INET4_CONNECT, &r) && r.max == 1);
	CHECK(!bpfvm_progtype_ret_range(xdp, BPF_XDP, &r));

	CHECK(bpfvm_progtype_helper_allowed(xdp, BPF_FUNC_xdp_adjust_head));
	CHECK(!bpfvm_progtype_helper_allowed(xdp, BPF_FUNC_skb_load_bytes));
	CHECK(bpfvm_progtype_helper_allowed(cls, BPF_FUNC_l4_csum_replace));
	CHECK(bpfvm_progtype_helper_allowed(sa, BPF_FUNC_get_current_uid_gid));
	CHECK(!bpfvm_progtype_helper_allowed(sa, BPF_FUNC_redirect));
}

/* Linux's *_is_valid_access of kernel/trace/bpf_trace.c, case by case. */
static void test_tracing_access_rules(void)
{
	const struct bpfvm_progtype *kp = bpfvm_progtype_get(BPFVM_PROG_KPROBE);
	const struct bpfvm_progtype *tp = bpfvm_progtype_get(BPFVM_PROG_TRACEPOINT);
	const struct bpfvm_progtype *raw = bpfvm_progtype_get(BPFVM_PROG_RAW_TRACEPOINT);
	const struct bpfvm_progtype *pe = bpfvm_progtype_get(BPFVM_PROG_PERF_EVENT);
	const char *why;

	if (!kp || !tp || !raw || !pe) {
		CHECK(false);
		return;
	}
	/* kprobe: any aligned read within pt_regs, never a write */
	CHECK(bpfvm_progtype_ctx_access_ok(kp, 0, 112, 8, false, &why)); /* di */
	CHECK(bpfvm_progtype_ctx_access_ok(kp, 0, 116, 4, false, &why));
	CHECK(bpfvm_progtype_ctx_access_ok(kp, 0, 167, 1, false, &why));
	CHECK(bpfvm_progtype_ctx_access_ok(kp, 0, 160, 8, false, &why)); /* ss, the last */
	CHECK(!bpfvm_progtype_ctx_access_ok(kp, 0, 168, 1, false, &why)); /* past the end */
	CHECK(!bpfvm_progtype_ctx_access_ok(kp, 0, 116, 8, false, &why)); /* misaligned */
	CHECK(!bpfvm_progtype_ctx_access_ok(kp, 0, 112, 8, true, &why));
	CHECK_EQ_U64(kp->ctx_size, 168);

	/* tracepoint: [8, 8192), the first 8 bytes hidden */
	CHECK(!bpfvm_progtype_ctx_access_ok(tp, 0, 0, 8, false, &why));
	CHECK(!bpfvm_progtype_ctx_access_ok(tp, 0, 4, 4, false, &why));
	CHECK(bpfvm_progtype_ctx_access_ok(tp, 0, 8, 8, false, &why));
	CHECK(bpfvm_progtype_ctx_access_ok(tp, 0, 12, 4, false, &why));
	CHECK(bpfvm_progtype_ctx_access_ok(tp, 0, 8184, 8, false, &why));
	CHECK(!bpfvm_progtype_ctx_access_ok(tp, 0, 8188, 8, false, &why));
	CHECK(!bpfvm_progtype_ctx_access_ok(tp, 0, 8192, 1, false, &why));
	CHECK(!bpfvm_progtype_ctx_access_ok(tp, 0, 10, 4, false, &why));
	CHECK(!bpfvm_progtype_ctx_access_ok(tp, 0, 16, 8, true, &why));

	/* raw_tracepoint: 12 u64 arguments */
	CHECK(bpfvm_progtype_ctx_access_ok(raw, 0, 0, 8, false, &why));
	CHECK(bpfvm_progtype_ctx_access_ok(raw, 0, 88, 8, false, &why));
	CHECK(bpfvm_progtype_ctx_access_ok(raw, 0, 92, 4, false, &why));
	CHECK(!bpfvm_progtype_ctx_access_ok(raw, 0, 96, 8, false, &why));
	CHECK(!bpfvm_progtype_ctx_access_ok(raw, 0, 4, 8, false, &why));
	CHECK(!bpfvm_progtype_ctx_access_ok(raw, 0, 0, 8, true, &why));

	/* perf_event: regs as whole words only; sample_period and addr narrow too */
	CHECK(bpfvm_progtype_ctx_access_ok(pe, 0, 128, 8, false, &why)); /* regs.ip */
	CHECK(!bpfvm_progtype_ctx_access_ok(pe, 0, 128, 4, false, &why));
	CHECK(bpfvm_progtype_ctx_access_ok(pe, 0,
					   offsetof(struct bpfvm_uapi_perf_event_data, sample_period),
					   8, false, &why));
	CHECK(bpfvm_progtype_ctx_access_ok(pe, 0,
					   offsetof(struct bpfvm_uapi_perf_event_data, sample_period) + 4,
					   4, false, &why));
	CHECK(bpfvm_progtype_ctx_access_ok(pe, 0, offsetof(struct bpfvm_uapi_perf_event_data, addr) + 6,
					   2, false, &why));
	CHECK(!bpfvm_progtype_ctx_access_ok(pe, 0, 184, 8, false, &why));
	CHECK(!bpfvm_progtype_ctx_access_ok(pe, 0, 168, 8, true, &why));

	CHECK(bpfvm_progtype_helper_allowed(kp, BPF_FUNC_probe_read_kernel));
	CHECK(bpfvm_progtype_helper_allowed(tp, BPF_FUNC_get_stackid));
	CHECK(bpfvm_progtype_helper_allowed(raw, BPF_FUNC_perf_event_output));
	CHECK(!bpfvm_progtype_helper_allowed(pe, BPF_FUNC_spin_lock));
	CHECK(!bpfvm_progtype_helper_allowed(kp, BPF_FUNC_skb_load_bytes));
}

/* bpf_sock_is_valid_access and bpf_sock_common_is_valid_access's answers */
static void test_sock_access_rules(void)
{
	const char *why;

	CHECK(bpfvm_sock_read_ok(false, offsetof(struct bpf_sock, family), 4, &why));
	CHECK(bpfvm_sock_read_ok(false, offsetof(struct bpf_sock, family), 1, &why));
	CHECK(!bpfvm_sock_read_ok(false, offsetof(struct bpf_sock, family) + 1, 1, &why));
	CHECK(!bpfvm_sock_read_ok(false, offsetof(struct bpf_sock, mark), 2, &why));
	CHECK(bpfvm_sock_read_ok(false, offsetof(struct bpf_sock, src_ip6) + 6, 2, &why));
	CHECK(bpfvm_sock_read_ok(false, offsetof(struct bpf_sock, dst_port), 4, &why));
	CHECK(bpfvm_sock_read_ok(false, offsetof(struct bpf_sock, dst_port) + 1, 1, &why));
	CHECK(!bpfvm_sock_read_ok(false, offsetof(struct bpf_sock, dst_port) + 2, 1, &why));
	CHECK(!bpfvm_sock_read_ok(false, offsetof(struct bpf_sock, src_ip4), 8, &why));
	CHECK(!bpfvm_sock_read_ok(false, sizeof(struct bpf_sock), 4, &why));
	CHECK(bpfvm_sock_read_ok(false, offsetof(struct bpf_sock, protocol), 4, &why));
	CHECK(!bpfvm_sock_read_ok(true, offsetof(struct bpf_sock, protocol), 4, &why));
	CHECK(bpfvm_sock_read_ok(true, offsetof(struct bpf_sock, state), 4, &why));
}

/* Linux's sock_filter_is_valid_access (bpf_sock_is_valid_access, then
 * __sock_filter_check_attach_type) and sock_ops_is_valid_access. */
static void test_sock_hook_rules(void)
{
	const struct bpfvm_progtype *sk = bpfvm_progtype_get(BPFVM_PROG_CGROUP_SOCK);
	const struct bpfvm_progtype *so = bpfvm_progtype_get(BPFVM_PROG_SOCK_OPS);
	const uint32_t create = BPF_CGROUP_INET_SOCK_CREATE, release = BPF_CGROUP_INET_SOCK_RELEASE;
	const uint32_t pb4 = BPF_CGROUP_INET4_POST_BIND, pb6 = BPF_CGROUP_INET6_POST_BIND;
	const char *why;
	struct bpfvm_ret_range r;

	if (!sk || !so) {
		CHECK(false);
		return;
	}
#define SK(at, f, extra, size, write) \
	bpfvm_progtype_ctx_access_ok(sk, at, offsetof(struct bpf_sock, f) + (extra), size, write, &why)
	/* bound_dev_if, mark, priority: 4-byte reads and writes at create/release */
	CHECK(SK(create, mark, 0, 4, true));
	CHECK(SK(release, priority, 0, 4, false));
	CHECK(SK(0, bound_dev_if, 0, 4, true)); /* no attach type: sock_create */
	CHECK(!SK(create, mark, 0, 2, false));
	CHECK(!SK(pb4, mark, 0, 4, false));
	CHECK(!SK(pb6, bound_dev_if, 0, 4, true));
	/* the bound address and port after a bind of their family, read-only */
	CHECK(SK(pb4, src_ip4, 2, 2, false));
	CHECK(!SK(pb4, src_ip4, 0, 4, true));
	CHECK(!SK(pb6, src_ip4, 0, 4, false));
	CHECK(SK(pb6, src_ip6, 12, 4, false));
	CHECK(!SK(pb4, src_ip6, 0, 4, false));
	CHECK(!SK(create, src_ip6, 0, 4, false));
	CHECK(SK(pb6, src_port, 0, 2, false));
	CHECK(!SK(pb6, src_port, 2, 2, false));
	CHECK(!SK(release, src_port, 0, 4, false));
	/* the rest: read-only everywhere, narrow at the start, addresses anywhere */
	CHECK(SK(release, family, 0, 1, false));
	CHECK(!SK(release, family, 1, 1, false));
	CHECK(!SK(create, family, 0, 4, true));
	CHECK(SK(pb4, dst_port, 0, 4, false));
	CHECK(SK(pb4, dst_port, 0, 2, false));
	CHECK(!SK(pb4, dst_port, 2, 2, false));
	CHECK(SK(pb4, dst_port, 1, 1, false));
	CHECK(!SK(pb4, dst_port, 2, 1, false));
	CHECK(!SK(pb4, dst_port, 0, 8, false));
	CHECK(SK(create, dst_ip6, 7, 1, false));
	CHECK(!SK(create, dst_ip6, 0, 8, false));
	CHECK(SK(create, rx_queue_mapping, 0, 4, false));
	CHECK(!SK(create, rx_queue_mapping, 0, 8, false));
#undef SK
	CHECK(bpfvm_progtype_ret_range(sk, pb4, &r) && r.min == 0 && r.max == 1);
	CHECK(bpfvm_progtype_helper_allowed(sk, BPF_FUNC_get_current_pid_tgid));
	CHECK(bpfvm_progtype_helper_allowed(sk, BPF_FUNC_perf_event_output));
	CHECK(!bpfvm_progtype_helper_allowed(sk, BPF_FUNC_setsockopt));

#define SO(f, extra, size, write) \
	bpfvm_progtype_ctx_access_ok(so, BPF_CGROUP_SOCK_OPS, offsetof(struct bpf_sock_ops, f) + \
				     (extra), size, write, &why)
	CHECK(SO(reply, 0, 4, true));
	CHECK(SO(replylong, 12, 4, false));
	CHECK(!SO(replylong, 12, 4, true));
	CHECK(!SO(reply, 0, 2, true));
	CHECK(SO(sk_txhash, 0, 4, true));
	CHECK(!SO(op, 0, 4, true));
	CHECK(!SO(op, 0, 2, false));
	CHECK(SO(local_ip6, 12, 4, false));
	CHECK(SO(bytes_received, 0, 8, false));
	CHECK(!SO(bytes_received, 4, 4, false));
	CHECK(SO(sk, 0, 8, false));
	CHECK(!SO(sk, 0, 4, false));
	CHECK(!SO(sk, 0, 8, true));
	CHECK(SO(skb_data, 0, 8, false));
	CHECK(!SO(skb_data_end, 0, 4, false));
	CHECK(!SO(skb_data, 0, 8, true));
	CHECK(SO(skb_tcp_flags, 0, 1, false));
	CHECK(!SO(skb_tcp_flags, 1, 1, false));
	CHECK(bpfvm_progtype_ctx_access_ok(so, 0, 216, 8, false, &why)); /* skb_hwtstamp */
	CHECK(!bpfvm_progtype_ctx_access_ok(so, 0, 216, 4, false, &why));
#undef SO
	CHECK(bpfvm_progtype_ret_range(so, BPF_CGROUP_SOCK_OPS, &r) && r.max == 1);
	CHECK(bpfvm_progtype_helper_allowed(so, BPF_FUNC_setsockopt));
	CHECK(bpfvm_progtype_helper_allowed(so, BPF_FUNC_getsockopt));
	CHECK(bpfvm_progtype_helper_allowed(so, BPF_FUNC_sock_ops_cb_flags_set));
	CHECK(!bpfvm_progtype_helper_allowed(so, BPF_FUNC_get_current_pid_tgid));
	CHECK(!bpfvm_progtype_helper_allowed(so, BPF_FUNC_skb_load_bytes));
}

int main(void)
{
	test_layouts();
	test_ids();
	test_tables_sorted();
	test_access_rules();
	test_tracing_access_rules();
	test_sock_access_rules();
	test_sock_hook_rules();
	return test_exit();
}
