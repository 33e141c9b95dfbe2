/* Rewriting context accesses at load time, as the kernel's convert_ctx_access.
 *
 * Programs read struct xdp_md.data (and __sk_buff.data, ...) as 32-bit fields,
 * but in a 64-bit address space the packet lies anywhere. The runtime context
 * therefore carries real 64-bit pointers after the UAPI bytes, and each load of
 * such a field is turned into a 64-bit load of the real pointer (same register,
 * same slot: `r2 = *(u32 *)(r1 + 0)` becomes `r2 = *(u64 *)(r1 + 24)`).
 *
 * Which instructions access the context, and where, is what the verifier
 * proved on every path (struct bpfvm_ctx_access, as Linux's insn_aux_data):
 * through copies, spills and fills, in subprograms. It refuses an instruction
 * that reaches the context on one path and other memory on another, so each
 * instruction has one rewrite. Scalar fields stay in place. */
#include <errno.h>

#include "isa/opcodes.h"
#include "progtype/ctx_rewrite.h"
#include "util/error.h"

int bpfvm_ctx_rewrite(struct bpfvm_insn *insns, uint32_t cnt, const struct bpfvm_progtype *pt,
		      const struct bpfvm_ctx_access *access)
{
	for (uint32_t i = 0; i < cnt; i++) {
		const struct bpfvm_ctx_access *a = &access[i];
		const struct bpfvm_ctx_field *f;

		if (!a->size)
			continue;
		if (a->field >= pt->field_cnt)
			return bpfvm_errorf(-EINVAL, "insn %u: context field %u, but %s has %u",
					    i, a->field, pt->name, pt->field_cnt);
		f = &pt->fields[a->field];
		if (f->kind == CTX_FIELD_SCALAR)
			continue;
		/* The verifier proves only whole-field reads of pointer fields. */
		if (a->write || a->off != f->off || BPF_CLASS(insns[i].code) != BPF_LDX)
			return bpfvm_errorf(-EINVAL, "insn %u: %s of %u bytes at offset %u of the "
					    "packet pointer field %s cannot be rewritten", i,
					    a->write ? "write" : "read", a->size, a->off, f->name);
		insns[i].code = BPF_LDX | BPF_MEM | BPF_DW;
		insns[i].off = (int16_t)f->runtime_off;
	}
	return 0;
}
