/* The sock_ops helpers: bpf_setsockopt (49), bpf_getsockopt (57) and
 * bpf_sock_ops_cb_flags_set (59).
 *
 * In Linux they act on the TCP socket behind the event. bpfvm runs programs on
 * a given struct bpf_sock_ops with no socket behind it, so: setsockopt changes
 * nothing and returns -EOPNOTSUPP (Linux's answer when the socket cannot take
 * options at this point); getsockopt zeroes the caller's buffer and returns
 * -EOPNOTSUPP (Linux zeroes it on every failure). sock_ops_cb_flags_set is
 * the one that has something to act on: the context's own
 * bpf_sock_ops_cb_flags, which it sets to the flags Linux knows, returning
 * the bits it did not (0 when all were taken); on a context whose is_fullsock
 * is 0 it is -EINVAL, as in Linux. */
#include <errno.h>
#include <string.h>

#include "helpers/helpers.h"
#include "progtype/ctx.h"

/* BPF_SOCK_OPS_ALL_CB_FLAGS of Linux 5.10+: RTO, RETRANS, STATE, RTT,
 * PARSE_ALL_HDR_OPT, PARSE_UNKNOWN_HDR_OPT, WRITE_HDR_OPT. */
#define SOCK_OPS_ALL_CB_FLAGS 0x7f

BPFVM_HELPER(setsockopt)
{
	(void)r1;
	(void)r2;
	(void)r3;
	(void)r4;
	(void)r5;
	(void)run;
	return (uint64_t)-EOPNOTSUPP;
}

BPFVM_HELPER(getsockopt)
{
	(void)r1;
	(void)r2;
	(void)r3;
	(void)run;
	memset((void *)(uintptr_t)r4, 0, (size_t)r5);
	return (uint64_t)-EOPNOTSUPP;
}

BPFVM_HELPER(sock_ops_cb_flags_set)
{
	struct bpfvm_sock_ops_ctx *c = (struct bpfvm_sock_ops_ctx *)(uintptr_t)r1;
	int32_t argval = (int32_t)r2;

	(void)r3;
	(void)r4;
	(void)r5;
	(void)run;
	if (!c->ops.is_fullsock)
		return (uint64_t)-EINVAL;
	c->ops.bpf_sock_ops_cb_flags = (uint32_t)argval & SOCK_OPS_ALL_CB_FLAGS;
	return (uint64_t)(int64_t)(argval & ~SOCK_OPS_ALL_CB_FLAGS);
}
