/* BPF_PROG_TYPE_SOCK_OPS: struct bpf_sock_ops, a TCP socket's events (op) with
 * their arguments, the program's reply, and a snapshot of the connection.
 * Linux's rules (sock_ops_is_valid_access): every field is read 4 bytes at a
 * time except the 64-bit ones (bytes_received, bytes_acked, skb_hwtstamp,
 * and the pointers), read 8 at a time, and skb_tcp_flags, which may also be
 * read narrower at its start; only reply (args[0]) and sk_txhash are written,
 * 4 bytes at a time. skb_data and skb_data_end give packet pointers to the
 * segment the header-option callbacks parse (read only). `sk` gives a socket
 * pointer that may be null, to be checked before its struct bpf_sock is read
 * (Linux's PTR_TO_SOCKET_OR_NULL, no reference to release); bpfvm has no
 * kernel socket behind the event, so at run time it is always null.
 * Verdict: 0 or 1, as every cgroup hook's. */
#include <stddef.h>

#include "progtype/ctx.h"
#include "progtype/progtype.h"

#define SO_OFF(name) offsetof(struct bpfvm_uapi_sock_ops, name)
#define SO_SIZE(name) sizeof(((struct bpfvm_uapi_sock_ops *)0)->name)
#define SO_RO(name) { #name, SO_OFF(name), SO_SIZE(name), CTX_SZ_4, 0, CTX_FIELD_SCALAR, 0, 0 }
#define SO_RO8(name) { #name, SO_OFF(name), 8, CTX_SZ_8, 0, CTX_FIELD_SCALAR, 0, 0 }

static const struct bpfvm_ctx_field fields[] = {
	SO_RO(op),
	{ "reply", SO_OFF(args), 4, CTX_SZ_4, CTX_SZ_4, CTX_FIELD_SCALAR, 0, 0 },
	{ "args", SO_OFF(args) + 4, 12, CTX_SZ_4, 0, CTX_FIELD_SCALAR, 0, 0 },
	SO_RO(family), SO_RO(remote_ip4), SO_RO(local_ip4), SO_RO(remote_ip6),
	SO_RO(local_ip6), SO_RO(remote_port), SO_RO(local_port), SO_RO(is_fullsock),
	SO_RO(snd_cwnd), SO_RO(srtt_us), SO_RO(bpf_sock_ops_cb_flags), SO_RO(state),
	SO_RO(rtt_min), SO_RO(snd_ssthresh), SO_RO(rcv_nxt), SO_RO(snd_nxt), SO_RO(snd_una),
	SO_RO(mss_cache), SO_RO(ecn_flags), SO_RO(rate_delivered), SO_RO(rate_interval_us),
	SO_RO(packets_out), SO_RO(retrans_out), SO_RO(total_retrans), SO_RO(segs_in),
	SO_RO(data_segs_in), SO_RO(segs_out), SO_RO(data_segs_out), SO_RO(lost_out),
	SO_RO(sacked_out),
	{ "sk_txhash", SO_OFF(sk_txhash), 4, CTX_SZ_4, CTX_SZ_4, CTX_FIELD_SCALAR, 0, 0 },
	SO_RO8(bytes_received), SO_RO8(bytes_acked),
	{ "sk", SO_OFF(sk), 8, CTX_SZ_8, 0, CTX_FIELD_SOCK_OR_NULL,
	  offsetof(struct bpfvm_sock_ops_ctx, sk), 0 },
	{ "skb_data", SO_OFF(skb_data), 8, CTX_SZ_8, 0, CTX_FIELD_PKT_DATA,
	  offsetof(struct bpfvm_sock_ops_ctx, data), 0 },
	{ "skb_data_end", SO_OFF(skb_data_end), 8, CTX_SZ_8, 0, CTX_FIELD_PKT_DATA_END,
	  offsetof(struct bpfvm_sock_ops_ctx, data_end), 0 },
	SO_RO(skb_len),
	{ "skb_tcp_flags", SO_OFF(skb_tcp_flags), 4,
	  CTX_SZ_1 | CTX_SZ_2 | CTX_SZ_4 | CTX_NARROW_AT_START, 0, CTX_FIELD_SCALAR, 0, 0 },
	SO_RO8(skb_hwtstamp),
};

/* Sorted: the base set, perf_event_output (the data-only form), the socket
 * and netns cookies, setsockopt, getsockopt and sock_ops_cb_flags_set (what
 * they do without a kernel socket: helpers/sock_ops.c). */
static const int32_t helpers[] = {
	1, 2, 3, 5, 6, 7, 8, 12, 25, 46, 49, 57, 59, 87, 88, 89, 93, 94, 118, 122, 125, 130,
	131, 132, 133, 134, 164, 181,
};

const struct bpfvm_progtype bpfvm_progtype_sock_ops = {
	.id = BPFVM_PROG_SOCK_OPS,
	.name = "sock_ops",
	.ctx_size = sizeof(struct bpfvm_uapi_sock_ops),
	.runtime_ctx_size = sizeof(struct bpfvm_sock_ops_ctx),
	.fields = fields,
	.field_cnt = sizeof(fields) / sizeof(fields[0]),
	.has_ret_range = true,
	.ret = { 0, 1 },
	.helpers = helpers,
	.helper_cnt = sizeof(helpers) / sizeof(helpers[0]),
};
