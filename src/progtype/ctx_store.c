/* Context stores that need more than a store (Linux's convert_ctx_access for
 * __sk_buff.queue_mapping): the field is a u16 in the kernel's sk_buff, so a
 * 4-byte write stores the low half, and not at all when the value is
 * NO_QUEUE_MAPPING (0xffff) or above. The field table says which fields are
 * so (struct bpfvm_ctx_store); this pass turns each proved write of such a
 * field into
 *     if rS >= limit goto +1; *(u16 *)(rD + off) = rS       (register store)
 *     *(u16 *)(rD + off) = imm   or a no-op                  (immediate store)
 * the immediate compared as Linux compares it (signed 32-bit). Runs after
 * ctx_rewrite, from the same proved accesses. */
#include <errno.h>
#include <stdlib.h>

#include "isa/opcodes.h"
#include "isa/patch.h"
#include "progtype/ctx_store.h"
#include "util/error.h"

static uint8_t size_code(uint8_t size)
{
	return size == 1 ? BPF_B : size == 2 ? BPF_H : size == 4 ? BPF_W : BPF_DW;
}

int bpfvm_ctx_store_rewrite(struct bpfvm_insn **insns, uint32_t *cnt,
			    const struct bpfvm_progtype *pt, const struct bpfvm_ctx_access *access)
{
	struct bpfvm_insn_patch *patches = NULL;
	uint32_t np = 0, cap = 0;
	int err = 0;

	for (uint32_t i = 0; i < *cnt && !err; i++) {
		const struct bpfvm_ctx_access *a = &access[i];
		const struct bpfvm_ctx_store *f = NULL;
		struct bpfvm_insn in = (*insns)[i], *out;
		struct bpfvm_insn_patch *p;

		if (!a->size || !a->write)
			continue;
		for (uint32_t k = 0; k < pt->store_cnt; k++)
			if (a->off >= pt->stores[k].off && a->off < pt->stores[k].off + 4u)
				f = &pt->stores[k];
		if (!f)
			continue;
		if (a->off != f->off || a->size != 4 ||
		    (in.code != (BPF_STX | BPF_MEM | size_code(a->size)) &&
		     in.code != (BPF_ST | BPF_MEM | size_code(a->size)))) {
			err = bpfvm_errorf(-EINVAL, "insn %u: write of %u bytes at offset %u "
					   "cannot be rewritten", i, a->size, a->off);
			break;
		}
		if (np == cap) {
			struct bpfvm_insn_patch *n;

			cap = cap ? cap * 2 : 8;
			n = realloc(patches, cap * sizeof(*n));
			if (!n) {
				err = bpfvm_errorf(-ENOMEM, "out of memory");
				break;
			}
			patches = n;
		}
		p = &patches[np++];
		p->at = i;
		out = p->insns;
		if (BPF_CLASS(in.code) == BPF_ST) {
			p->cnt = 1;
			if ((int64_t)in.imm >= (int64_t)f->store_limit)
				out[0] = (struct bpfvm_insn){ .code = BPF_JMP | BPF_JA };
			else
				out[0] = (struct bpfvm_insn){ .code = BPF_ST | BPF_MEM |
								size_code(f->store_size),
							      .dst_reg = in.dst_reg, .off = in.off,
							      .imm = in.imm };
			continue;
		}
		p->cnt = 2;
		out[0] = (struct bpfvm_insn){ .code = BPF_JMP | BPF_JGE | BPF_K,
					      .dst_reg = in.src_reg, .off = 1,
					      .imm = (int32_t)f->store_limit };
		out[1] = (struct bpfvm_insn){ .code = BPF_STX | BPF_MEM | size_code(f->store_size),
					      .dst_reg = in.dst_reg, .src_reg = in.src_reg,
					      .off = in.off };
	}
	if (!err && np)
		err = bpfvm_insn_patch(insns, cnt, patches, np);
	free(patches);
	return err;
}
