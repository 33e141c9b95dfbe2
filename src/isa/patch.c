/* bpfvm_insn_patch (patch.h): a new instruction array with the sequences in
 * place and every relative reference recomputed from a map of old to new
 * positions. */
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "isa/opcodes.h"
#include "isa/patch.h"
#include "util/error.h"

/* Where the relative reference of `in` (at old index i) points, in old
 * indices; false when it has none. *imm says whether it is in imm (calls,
 * gotol, lddw of a function) rather than off. */
static bool target_of(const struct bpfvm_insn *in, uint32_t i, int64_t *t, bool *imm)
{
	uint8_t cls = BPF_CLASS(in->code), op = BPF_OP(in->code);

	*imm = false;
	if (in->code == (BPF_LD | BPF_IMM | BPF_DW)) {
		if (in->src_reg != BPF_PSEUDO_FUNC)
			return false;
		*imm = true;
		*t = (int64_t)i + 1 + in->imm;
		return true;
	}
	if (cls != BPF_JMP && cls != BPF_JMP32)
		return false;
	if (op == BPF_EXIT)
		return false;
	if (op == BPF_CALL) {
		if (in->src_reg != BPF_PSEUDO_CALL)
			return false;
		*imm = true;
		*t = (int64_t)i + 1 + in->imm;
		return true;
	}
	if (cls == BPF_JMP32 && op == BPF_JA) {
		*imm = true;
		*t = (int64_t)i + 1 + in->imm;
		return true;
	}
	*t = (int64_t)i + 1 + in->off;
	return true;
}

int bpfvm_insn_patch(struct bpfvm_insn **insns, uint32_t *cnt,
		     const struct bpfvm_insn_patch *patches, uint32_t np)
{
	const struct bpfvm_insn *old = *insns;
	uint32_t n = *cnt, *pos, k = 0;
	struct bpfvm_insn *out;
	uint64_t total = n;
	int err = 0;

	for (uint32_t p = 0; p < np; p++) {
		if (patches[p].at >= n || !patches[p].cnt || patches[p].cnt > BPFVM_PATCH_MAX ||
		    (p && patches[p].at <= patches[p - 1].at))
			return bpfvm_errorf(-EINVAL, "patch %u: not a well-formed replacement", p);
		total += patches[p].cnt - 1;
	}
	if (total > UINT32_MAX / 2)
		return bpfvm_errorf(-E2BIG, "%" PRIu64 " instructions after patching", total);
	pos = malloc(((size_t)n + 1) * sizeof(*pos));
	out = malloc((size_t)total * sizeof(*out));
	if (!pos || !out) {
		free(pos);
		free(out);
		return bpfvm_errorf(-ENOMEM, "out of memory");
	}
	pos[0] = 0;
	for (uint32_t i = 0, p = 0; i < n; i++) {
		uint32_t len = 1;

		if (p < np && patches[p].at == i)
			len = patches[p++].cnt;
		pos[i + 1] = pos[i] + len;
	}
	for (uint32_t i = 0; i < n && !err; i++) {
		int64_t t, rel;
		bool in_imm;

		if (k < np && patches[k].at == i) {
			memcpy(out + pos[i], patches[k].insns, patches[k].cnt * sizeof(*out));
			k++;
			continue;
		}
		out[pos[i]] = old[i];
		if (!target_of(&old[i], i, &t, &in_imm))
			continue;
		if (t < 0 || t > n) {
			err = bpfvm_errorf(-EINVAL, "insn %u: jump out of the program", i);
			break;
		}
		rel = (int64_t)pos[t] - (int64_t)pos[i] - 1;
		if (in_imm)
			out[pos[i]].imm = (int32_t)rel;
		else if (rel < INT16_MIN || rel > INT16_MAX)
			err = bpfvm_errorf(-E2BIG, "insn %u: the jump no longer fits 16 bits after "
					   "the context rewrite", i);
		else
			out[pos[i]].off = (int16_t)rel;
	}
	free(pos);
	if (err) {
		free(out);
		return err;
	}
	free(*insns);
	*insns = out;
	*cnt = (uint32_t)total;
	return 0;
}
