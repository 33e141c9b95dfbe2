/* Replacing instructions by sequences after verification (patch.c), as
 * Linux's bpf_patch_insn_data: what the loader needs when one instruction's
 * meaning takes several (a context store with conditions). */
#ifndef BPFVM_ISA_PATCH_H
#define BPFVM_ISA_PATCH_H

#include <stdint.h>

#include "bpfvm/insn.h"

#define BPFVM_PATCH_MAX 4

struct bpfvm_insn_patch {
	uint32_t at;   /* index of the instruction replaced (not half of an lddw) */
	uint32_t cnt;  /* 1..BPFVM_PATCH_MAX */
	/* Jumps inside the sequence are relative to it and must stay in it. */
	struct bpfvm_insn insns[BPFVM_PATCH_MAX];
};

/* Applies `np` patches (sorted by `at`, distinct) to the program: *insns is
 * replaced by a new allocation of *cnt instructions (the old one is freed);
 * every jump, bpf-to-bpf call and callback reference (lddw BPF_PSEUDO_FUNC)
 * outside the sequences is re-targeted, a target that was replaced landing on
 * the first instruction of its sequence. -E2BIG when a jump no longer fits
 * its offset field, -EINVAL for a patch that is not well-formed. */
int bpfvm_insn_patch(struct bpfvm_insn **insns, uint32_t *cnt,
		     const struct bpfvm_insn_patch *patches, uint32_t np);

#endif
