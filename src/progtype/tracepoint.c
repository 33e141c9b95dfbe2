/* BPF_PROG_TYPE_TRACEPOINT: the context is the tracepoint's record as perf
 * builds it (the common fields, then the event's own, laid out as its
 * tracefs `format` file says), read-only.
 *
 * Linux checks at load time only what tp_prog_is_valid_access does: aligned
 * reads at offsets [8, PERF_MAX_TRACE_SIZE) — the first 8 bytes are refused
 * because the kernel stores a pt_regs pointer over them — and the event's
 * real size only when the program is attached. bpfvm has no events, so the
 * load-time rule is the whole rule, and the runtime context is a record of
 * PERF_MAX_TRACE_SIZE bytes: what the caller supplies, then zeros, so every
 * accepted read lands in it. */
#include "progtype/tracing.h"

static const struct bpfvm_ctx_field fields[] = {
	{ "record", 8, BPFVM_PERF_MAX_TRACE_SIZE - 8, CTX_SZ_ANY, 0, CTX_FIELD_SCALAR, 0, 0 },
};

static const int32_t helpers[] = { TRACING_HELPERS };

TRACING_PROGTYPE(bpfvm_progtype_tracepoint, BPFVM_PROG_TRACEPOINT, "tracepoint",
		 BPFVM_PERF_MAX_TRACE_SIZE, fields);
