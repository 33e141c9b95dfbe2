/* BPF_PROG_TYPE_KPROBE (kprobes, kretprobes, uprobes): the context is the
 * probed task's struct pt_regs (x86-64 layout), read-only. As Linux's
 * kprobe_prog_is_valid_access: any naturally aligned read of 1, 2, 4 or 8
 * bytes inside the struct, so one field spans all of it. Any return value.
 * Besides the tracing helpers, kprobes may call override_return. */
#include "progtype/tracing.h"

static const struct bpfvm_ctx_field fields[] = {
	{ "regs", 0, sizeof(struct bpfvm_uapi_pt_regs), CTX_SZ_ANY, 0, CTX_FIELD_SCALAR, 0, 0 },
};

static const int32_t helpers[] = { TRACING_HELPERS_LO, 58 /* override_return */,
				   TRACING_HELPERS_HI };

TRACING_PROGTYPE(bpfvm_progtype_kprobe, BPFVM_PROG_KPROBE, "kprobe",
		 sizeof(struct bpfvm_uapi_pt_regs), fields);
