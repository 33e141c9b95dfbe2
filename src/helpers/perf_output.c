/* bpf_perf_event_output (helper 25). For the packet program types: a record
 * of the program's data, followed by the first (flags >> 32) bytes of the
 * packet when the program asks for them, as Linux's bpf_skb_event_output and
 * bpf_xdp_event_output. For the tracing types (Linux's bpf_perf_event_output
 * and its _tp/_raw_tp forms) and the socket hooks cgroup_sock and sock_ops
 * (bpf_event_output_data) the record is the data alone, and flags beyond
 * the index are -EINVAL. The record goes to the perf event array of maps/
 * perf_event_array.c, which fails with -ENOENT while no consumer listens, as
 * Linux's does for a slot without a perf event. */
#include <errno.h>

#include "helpers/helpers.h"
#include "hooks/hook.h"
#include "maps/map.h"
#include "progtype/ctx.h"
#include "progtype/progtype.h"

BPFVM_HELPER(perf_event_output)
{
	const struct bpfvm_hook_state *h = run->hook;
	uint64_t ctx_len = (r3 & BPFVM_F_CTXLEN_MASK) >> 32;
	const void *pkt = NULL;
	uint64_t pkt_len = 0;

	if (r3 & ~(BPFVM_F_CTXLEN_MASK | BPFVM_F_INDEX_MASK))
		return (uint64_t)-EINVAL;
	if (h && (h->prog_type == BPFVM_PROG_KPROBE || h->prog_type == BPFVM_PROG_TRACEPOINT ||
		  h->prog_type == BPFVM_PROG_RAW_TRACEPOINT || h->prog_type == BPFVM_PROG_PERF_EVENT ||
		  h->prog_type == BPFVM_PROG_CGROUP_SOCK || h->prog_type == BPFVM_PROG_SOCK_OPS)) {
		if (ctx_len)
			return (uint64_t)-EINVAL;
	} else if (h && h->prog_type == BPFVM_PROG_XDP) {
		const struct bpfvm_xdp_ctx *x = (const void *)(uintptr_t)r1;

		pkt = (const void *)(uintptr_t)x->data;
		pkt_len = x->data_end - x->data;
	} else if (h) {
		const struct bpfvm_skb_ctx *s = (const void *)(uintptr_t)r1;

		pkt = (const void *)(uintptr_t)s->data;
		pkt_len = s->data_end - s->data;
	}
	if (ctx_len > pkt_len)
		return (uint64_t)-EFAULT;
	return (uint64_t)bpfvm_perf_event_output((struct bpfvm_map *)(uintptr_t)r2,
						 r3 & BPFVM_F_INDEX_MASK, (const void *)(uintptr_t)r4,
						 r5, pkt, ctx_len);
}
