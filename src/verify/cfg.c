/* The static half of the verifier, before any path is walked: subprogram
 * boundaries (entry, targets of bpf-to-bpf calls and of callback references),
 * jumps that stay inside their subprogram, no unreachable instruction, the
 * prune points where states are compared, and the call graph (no recursion,
 * at most BPFVM_MAX_CALL_DEPTH frames, combined stack within 512 bytes). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "isa/opcodes.h"
#include "verify/env.h"

static bool is_pseudo_call(const struct bpfvm_insn *in)
{
	return in->code == (BPF_JMP | BPF_CALL) && in->src_reg == BPF_PSEUDO_CALL;
}

static bool is_func_ref(const struct bpfvm_insn *in)
{
	return insn_is_lddw(in) && in->src_reg == BPF_PSEUDO_FUNC;
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

uint32_t subprog_index(const struct env *env, uint32_t insn)
{
	return env->subprog_of[insn];
}

uint32_t insn_jump_target(const struct bpfvm_insn *in, uint32_t i)
{
	if (BPF_CLASS(in->code) == BPF_JMP32 && BPF_OP(in->code) == BPF_JA)
		return (uint32_t)((int64_t)i + in->imm + 1);
	return (uint32_t)((int64_t)i + in->off + 1);
}

static int find_subprogs(struct env *env)
{
	uint32_t *starts = malloc((env->cnt + 1) * sizeof(*starts)), n = 0;

	if (!starts)
		return -ENOMEM;
	starts[n++] = 0;
	for (uint32_t i = 0; i < env->cnt; i++) {
		const struct bpfvm_insn *in = &env->insns[i];

		if (is_pseudo_call(in) || is_func_ref(in))
			starts[n++] = (uint32_t)((int64_t)i + in->imm + 1);
	}
	qsort(starts, n, sizeof(*starts), cmp_u32);
	env->subprogs = calloc(n, sizeof(*env->subprogs));
	if (!env->subprogs) {
		free(starts);
		return -ENOMEM;
	}
	for (uint32_t i = 0; i < n; i++) {
		if (env->nsubprogs && env->subprogs[env->nsubprogs - 1].start == starts[i])
			continue;
		env->subprogs[env->nsubprogs++].start = starts[i];
	}
	free(starts);
	for (uint32_t s = 0; s < env->nsubprogs; s++) {
		struct subprog *sp = &env->subprogs[s];

		sp->end = s + 1 < env->nsubprogs ? env->subprogs[s + 1].start : env->cnt;
		env->flags[sp->start] |= INSN_SUBPROG | INSN_PRUNE;
		for (uint32_t i = sp->start; i < sp->end; i++)
			env->subprog_of[i] = s;
	}
	return 0;
}

static int add_callee(struct subprog *sp, uint32_t callee)
{
	uint32_t *n;

	for (uint32_t i = 0; i < sp->ncallees; i++)
		if (sp->callees[i] == callee)
			return 0;
	n = realloc(sp->callees, (sp->ncallees + 1) * sizeof(*n));
	if (!n)
		return -ENOMEM;
	n[sp->ncallees++] = callee;
	sp->callees = n;
	return 0;
}

/* Edges, prune points, boundaries. */
static int check_edges(struct env *env)
{
	for (uint32_t i = 0; i < env->cnt; i++) {
		const struct bpfvm_insn *in = &env->insns[i];
		uint32_t sp = env->subprog_of[i];
		int op = BPF_OP(in->code);

		if (env->flags[i] & INSN_LDDW_HI)
			continue;
		if (insn_is_lddw(in)) {
			env->flags[i + 1] |= INSN_LDDW_HI;
			if (in->src_reg == BPF_PSEUDO_FUNC) {
				uint32_t t = (uint32_t)((int64_t)i + in->imm + 1);
				int err = add_callee(&env->subprogs[sp], env->subprog_of[t]);

				if (err)
					return err;
			}
			if (i + 2 == env->subprogs[sp].end)
				return verr(env, i, "the last instruction of a function must be exit or a jump");
			continue;
		}
		if (!insn_is_jmp(in)) {
			if (i + 1 == env->subprogs[sp].end)
				return verr(env, i, "the last instruction of a function must be exit or a jump");
			continue;
		}
		if (op == BPF_EXIT)
			continue;
		if (op == BPF_CALL) {
			if (is_pseudo_call(in)) {
				uint32_t t = (uint32_t)((int64_t)i + in->imm + 1);
				int err = add_callee(&env->subprogs[sp], env->subprog_of[t]);

				if (err)
					return err;
			}
			if (i + 1 == env->subprogs[sp].end)
				return verr(env, i, "the last instruction of a function must be exit or a jump");
			env->flags[i + 1] |= INSN_PRUNE;
			continue;
		}
		uint32_t t = insn_jump_target(in, i);

		if (t >= env->cnt || env->subprog_of[t] != sp)
			return verr(env, i, "jump out of the function (to insn %u)", t);
		if (env->flags[t] & INSN_LDDW_HI)
			return verr(env, i, "jump into the middle of lddw");
		env->flags[t] |= INSN_PRUNE;
		if (op != BPF_JA) {
			if (i + 1 == env->subprogs[sp].end)
				return verr(env, i, "the last instruction of a function must be exit or a jump");
			env->flags[i + 1] |= INSN_PRUNE;
		}
	}
	return 0;
}

/* Every instruction must be reachable from the entry. */
static int check_reachable(struct env *env)
{
	uint32_t *work = malloc(env->cnt * sizeof(*work)), n = 0;
	uint8_t *seen = calloc(env->cnt, 1);
	int err = 0;

	if (!work || !seen) {
		free(work);
		free(seen);
		return -ENOMEM;
	}
	work[n++] = 0;
	seen[0] = 1;
#define VISIT(t)                                     \
	do {                                         \
		uint32_t t_ = (t);                   \
		if (t_ < env->cnt && !seen[t_]) {    \
			seen[t_] = 1;                \
			work[n++] = t_;              \
		}                                    \
	} while (0)
	while (n) {
		uint32_t i = work[--n];
		const struct bpfvm_insn *in = &env->insns[i];
		int op = BPF_OP(in->code);

		if (insn_is_lddw(in)) {
			seen[i + 1] = 1;
			if (in->src_reg == BPF_PSEUDO_FUNC)
				VISIT((uint32_t)((int64_t)i + in->imm + 1));
			VISIT(i + 2);
			continue;
		}
		if (!insn_is_jmp(in)) {
			VISIT(i + 1);
			continue;
		}
		if (op == BPF_EXIT)
			continue;
		if (op == BPF_CALL) {
			if (is_pseudo_call(in))
				VISIT((uint32_t)((int64_t)i + in->imm + 1));
			VISIT(i + 1);
			continue;
		}
		VISIT(insn_jump_target(in, i));
		if (op != BPF_JA)
			VISIT(i + 1);
	}
#undef VISIT
	for (uint32_t i = 0; i < env->cnt; i++)
		if (!seen[i]) {
			err = verr(env, i, "unreachable instruction");
			break;
		}
	free(work);
	free(seen);
	return err;
}

/* Depth-first over the call graph: recursion and frame count. */
static int walk_calls(struct env *env, uint32_t sp, uint32_t depth, uint8_t *on_path,
		      uint32_t stack_sum, uint32_t *max_sum, bool check_stack)
{
	struct subprog *s = &env->subprogs[sp];
	/* rounded as Linux does for JIT-compiled programs */
	uint32_t d = (s->stack_depth + 15) / 16 * 16;

	if (depth > BPFVM_MAX_CALL_DEPTH)
		return verr(env, s->start, "call chain deeper than %d frames", BPFVM_MAX_CALL_DEPTH);
	if (on_path[sp])
		return verr(env, s->start, "recursive call of the function at insn %u", s->start);
	stack_sum += d;
	if (check_stack && stack_sum > BPFVM_STACK_SIZE)
		return verr(env, s->start,
			    "combined stack of the call chain is %u bytes, more than %d", stack_sum,
			    BPFVM_STACK_SIZE);
	if (stack_sum > *max_sum)
		*max_sum = stack_sum;
	on_path[sp] = 1;
	for (uint32_t i = 0; i < s->ncallees; i++) {
		int err = walk_calls(env, s->callees[i], depth + 1, on_path, stack_sum, max_sum,
				     check_stack);

		if (err)
			return err;
	}
	on_path[sp] = 0;
	return 0;
}

static int check_call_graph(struct env *env, bool check_stack)
{
	uint8_t *on_path = calloc(env->nsubprogs, 1);
	uint32_t max_sum = 0;
	int err;

	if (!on_path)
		return -ENOMEM;
	err = walk_calls(env, 0, 1, on_path, 0, &max_sum, check_stack);
	free(on_path);
	if (!err && env->out)
		env->out->stack_depth = max_sum;
	return err;
}

int cfg_stack_depth_check(struct env *env)
{
	return check_call_graph(env, true);
}

int cfg_check(struct env *env)
{
	int err;

	env->flags = calloc(env->cnt, 1);
	env->subprog_of = calloc(env->cnt, sizeof(*env->subprog_of));
	if (!env->flags || !env->subprog_of)
		return -ENOMEM;
	err = find_subprogs(env);
	if (!err)
		err = check_edges(env);
	if (!err)
		err = check_reachable(env);
	if (!err)
		err = check_call_graph(env, false);
	return err;
}
