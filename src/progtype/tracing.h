/* What the tracing program types (kprobe, tracepoint, raw_tracepoint,
 * perf_event) share: their helper allow-list. Linux gives all four the same
 * base (bpf_tracing_func_proto) plus a per-type perf_event_output and
 * get_stackid whose argument kinds are identical, so of the helpers bpfvm
 * implements the four lists are one. Left out as Linux leaves them out: every
 * packet helper, and bpf_spin_lock/unlock ("tracing progs cannot use
 * bpf_spin_lock yet"). */
#ifndef BPFVM_PROGTYPE_TRACING_H
#define BPFVM_PROGTYPE_TRACING_H

#include "progtype/ctx.h"
#include "progtype/progtype.h"

/* Sorted, in two halves so that a type can add its own in between (kprobe's
 * override_return, 58): map ops 1-3, probe_read 4, ktime 5, trace_printk 6,
 * prandom 7, smp id 8, tail_call 12, current pid/uid/comm 14-16,
 * perf_event_read 22, perf_event_output 25, get_stackid 27, get_current_task
 * 35, current_task_under_cgroup 37, probe_read_str 45, perf_event_read_value 55 | get_stack 67, push/pop/peek 87-89,
 * probe_read_user/kernel(_str) 112-115, jiffies64 118, ktime_get_boot_ns 125, ring buffer
 * 130-134, for_each_map_elem 164, loop 181. */
#define TRACING_HELPERS_LO 1, 2, 3, 4, 5, 6, 7, 8, 12, 14, 15, 16, 22, 25, 27, 35, 37, 45, 55
#define TRACING_HELPERS_HI \
	67, 87, 88, 89, 112, 113, 114, 115, 118, 125, 130, 131, 132, 133, 134, 164, 181
#define TRACING_HELPERS TRACING_HELPERS_LO, TRACING_HELPERS_HI

/* The table of a tracing type whose helper list is `helpers`. */
#define TRACING_PROGTYPE(ident, type_id, type_name, size, field_table)     \
	const struct bpfvm_progtype ident = {                                \
		.id = type_id,                                               \
		.name = type_name,                                           \
		.ctx_size = size,                                            \
		.runtime_ctx_size = size,                                    \
		.fields = field_table,                                       \
		.field_cnt = sizeof(field_table) / sizeof(field_table[0]),   \
		.helpers = helpers,                                          \
		.helper_cnt = sizeof(helpers) / sizeof(helpers[0]),          \
	}

#define CTX_SZ_ANY (CTX_SZ_1 | CTX_SZ_2 | CTX_SZ_4 | CTX_SZ_8)

#endif
