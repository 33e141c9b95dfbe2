/* The legacy packet loads, BPF_LD | BPF_ABS / BPF_IND: r0 = 1, 2 or 4 bytes
 * of the packet at imm (+ the index register), big-endian, zero-extended; a
 * read outside the packet does `r0 = 0; exit` where the load is. The engines
 * do it by a call (helpers/ld_pkt.c), so the rules are those of Linux's
 * check_ld_abs for the call it rewrites the instruction into
 * (bpf_gen_ld_abs):
 *  - only where Linux allows them (may_access_skb: socket filters, tc), with
 *    the unmodified context in r6, which is where the call finds the skb;
 *  - not while a ring-buffer record or a spin lock is held, which the hidden
 *    exit would leak;
 *  - r1-r5 are clobbered, as by any call.
 * The hidden exit is walked as a path of its own, with r0 = 0: in the main
 * program it is checked against the type's return values, in a subprogram
 * it returns 0 to the caller, in a callback it is checked against the
 * callback's range. So subprograms may use the loads without the BTF return
 * type Linux needs to allow them there (Linux does not walk that exit).
 * The index register must be a scalar (Linux would let a pointer's bits pick
 * the offset, and so show through whether the program ended). Bounds need no
 * proof: every read is checked when it runs. r0 is known to fit the load's
 * width, which Linux does not track (it marks r0 unknown): a sound refinement
 * that only accepts more. */
#include <errno.h>

#include "verify/env.h"

/* The path of a failed load: `r0 = 0; exit` at insn, queued where the exit
 * leads (the caller's next instruction) unless it ends the path. */
static int check_failed_load(struct env *env, struct vstate *st, uint32_t insn)
{
	struct vstate *c = state_copy(st);
	uint32_t next;
	int err;

	if (!c)
		return -ENOMEM;
	reg_mark_scalar(&cur_frame(c)->regs[0], scalar_const(0));
	err = check_exit(env, c, insn, &next);
	if (err == 0)
		err = push_branch(env, c, next);
	state_free(c);
	return err < 0 ? err : 0;
}

int check_ld_pkt(struct env *env, struct vstate *st, uint32_t insn)
{
	const struct bpfvm_insn *in = &env->insns[insn];
	struct frame *f = cur_frame(st);
	const struct reg *r6 = &f->regs[6];
	int size = BPF_SIZE(in->code) == BPF_B ? 1 : BPF_SIZE(in->code) == BPF_H ? 2 : 4, err;

	if (!env->pt || !env->pt->ld_pkt)
		return verr(env, insn, "legacy packet loads are not allowed in %s programs",
			    env->pt ? env->pt->name : "these");
	if (r6->type == NOT_INIT)
		return verr(env, insn, "r6 is not initialised (legacy packet loads take the "
			    "context from r6)");
	if (r6->type != PTR_TO_CTX)
		return verr(env, insn, "r6 is a %s, but legacy packet loads take the context "
			    "from r6", reg_type_name(r6->type));
	if (r6->off || !scalar_is_const(&r6->v) || r6->v.var.value)
		return verr(env, insn, "r6 is the context plus an offset, but legacy packet "
			    "loads need the context itself");
	if (BPF_MODE(in->code) == BPF_IND) {
		const struct reg *idx = &f->regs[in->src_reg];

		if (idx->type == NOT_INIT)
			return verr(env, insn, "r%u is not initialised", in->src_reg);
		if (idx->type != SCALAR)
			return verr(env, insn, "r%u is a %s, but the index of a legacy packet load "
				    "must be a scalar", in->src_reg, reg_type_name(idx->type));
	}
	if (st->nrefs)
		return verr(env, insn, "legacy packet load while holding a %s "
			    "(a failed load exits at once)", ref_kind_name(env, st->refs[0]));
	if (st->lock_map)
		return verr(env, insn, "legacy packet load while holding a spin lock");
	for (int i = 1; i <= 5; i++)
		reg_mark_not_init(&f->regs[i]);
	if ((err = check_failed_load(env, st, insn)))
		return err;
	reg_mark_scalar(&f->regs[0], scalar_urange(0, (1ull << (8 * size)) - 1));
	return 0;
}
