/* BPF_PROG_TYPE_PERF_EVENT: the context is struct bpf_perf_event_data (the
 * interrupted registers, the sample period and the sampled address),
 * read-only. As Linux's pe_prog_is_valid_access on a 64-bit kernel: regs are
 * read only as whole 8-byte words, sample_period and addr by any aligned
 * narrower read too. bpfvm's runtime context is the UAPI struct itself (Linux
 * rewrites these loads to its internal perf_sample_data; there is no such
 * indirection here). Besides the tracing helpers: perf_prog_read_value. */
#include <stddef.h>

#include "progtype/tracing.h"

static const struct bpfvm_ctx_field fields[] = {
	{ "regs", 0, sizeof(struct bpfvm_uapi_pt_regs), CTX_SZ_8, 0, CTX_FIELD_SCALAR, 0, 0 },
	{ "sample_period", offsetof(struct bpfvm_uapi_perf_event_data, sample_period), 8,
	  CTX_SZ_ANY, 0, CTX_FIELD_SCALAR, 0, 0 },
	{ "addr", offsetof(struct bpfvm_uapi_perf_event_data, addr), 8, CTX_SZ_ANY, 0,
	  CTX_FIELD_SCALAR, 0, 0 },
};

static const int32_t helpers[] = { TRACING_HELPERS_LO, 56 /* perf_prog_read_value */,
				   TRACING_HELPERS_HI };

TRACING_PROGTYPE(bpfvm_progtype_perf_event, BPFVM_PROG_PERF_EVENT, "perf_event",
		 sizeof(struct bpfvm_uapi_perf_event_data), fields);
