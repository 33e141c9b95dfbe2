/* BPF_PROG_TYPE_RAW_TRACEPOINT: the context is struct
 * bpf_raw_tracepoint_args, the tracepoint's arguments as u64 args[],
 * read-only. As Linux's raw_tp_prog_is_valid_access (bpf_tracing_ctx_access):
 * aligned reads of any size within MAX_BPF_FUNC_ARGS (12) u64s. Linux checks
 * the tracepoint's real argument count when the program is attached; bpfvm has
 * no tracepoints, so its runtime context always holds 12 arguments, zero past
 * what the caller supplies. */
#include "progtype/tracing.h"

static const struct bpfvm_ctx_field fields[] = {
	{ "args", 0, BPFVM_MAX_BPF_FUNC_ARGS * 8, CTX_SZ_ANY, 0, CTX_FIELD_SCALAR, 0, 0 },
};

static const int32_t helpers[] = { TRACING_HELPERS };

TRACING_PROGTYPE(bpfvm_progtype_raw_tracepoint, BPFVM_PROG_RAW_TRACEPOINT, "raw_tracepoint",
		 BPFVM_MAX_BPF_FUNC_ARGS * 8, fields);
