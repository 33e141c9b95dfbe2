/* Which parts of a state can matter at each instruction, computed before the
 * walk so that pruning compares only those (Linux learns the same lazily,
 * with precision marks and liveness):
 * - live: registers, and stack slots of the running function's frame, that
 *   may be read later; pruning does not compare the others at all;
 * - need: registers and stack slots whose scalar value may matter; pruning
 *   compares only their types for the others. Two versions: one where every
 *   comparison's operands matter (for infinite-loop detection, which must
 *   not call two iterations of a bounded loop the same), and a lazy one for
 *   pruning, where they matter only once the walk finds a comparison it
 *   decides, or one of pointers (need_seed), as Linux's precision marks.
 * Both are backward data flow to a fixed point. Stack slots are reached
 * through r10 and through pointers derived from it, so a forward pass first
 * finds, for every memory access and call, which slots of the running frame
 * its pointer operands may reach. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "bpfvm/map.h"
#include "isa/opcodes.h"
#include "verify/env.h"

#define ALL_SLOTS (~0ull)
#define ARGS_MASK 0x3e     /* r1-r5 */
#define CALLEE_SAVED 0x3c0 /* r6-r9 */

/* ---- forward: where pointers into the running frame's stack may be ---- */

#define SP_AT 1    /* r10 + k */
#define SP_ANY 2   /* anywhere in the running frame */
#define SP_OTHER 4 /* into the stack of a caller */
#define SP_NOT 8   /* not into any stack (a scalar, another pointer) */
#define SP_STACK (SP_AT | SP_ANY | SP_OTHER)
/* Offsets beyond this are refused by every access; SP_ANY keeps them. */
#define SP_MAX_K 1024

/* What a register or a spilled slot may hold, as a stack pointer. */
struct sptag {
	int16_t k; /* SP_AT: the offset from r10; 0 otherwise */
	uint8_t f;
};

struct spstate {
	struct sptag r[BPF_MAX_REG];
	struct sptag s[MAX_SLOTS];
	bool reached;
};

/* What the backward analyses need to know of an instruction. */
struct spfact {
	struct sptag base;   /* loads and stores: the pointer operand */
	uint64_t call_read;  /* calls: slots the callee may read */
	uint64_t call_value; /* calls: slots whose value the callee may use */
};

static const struct sptag sp_none = { 0, SP_NOT };
static const struct sptag sp_unknown = { 0, SP_ANY | SP_OTHER | SP_NOT };

static struct sptag sp_at(int64_t k)
{
	if (k < -SP_MAX_K || k > SP_MAX_K)
		return (struct sptag){ 0, SP_ANY };
	return (struct sptag){ (int16_t)k, SP_AT };
}

static bool sp_join(struct sptag *a, struct sptag b)
{
	struct sptag n = { a->k, (uint8_t)(a->f | b.f) };

	if ((b.f & SP_AT) && !(a->f & SP_AT))
		n.k = b.k;
	if ((a->f & SP_AT) && (b.f & SP_AT) && a->k != b.k)
		n.f = (uint8_t)((n.f & ~SP_AT) | SP_ANY);
	if (n.f & SP_ANY) {
		n.f &= (uint8_t)~SP_AT;
		n.k = 0;
	}
	if (n.f == a->f && n.k == a->k)
		return false;
	*a = n;
	return true;
}

static uint32_t access_size(uint8_t code)
{
	switch (BPF_SIZE(code)) {
	case BPF_B: return 1;
	case BPF_H: return 2;
	case BPF_W: return 4;
	default: return 8;
	}
}

/* Slots holding some byte of [lo, hi) (offsets from r10). */
static uint64_t slot_range(int64_t lo, int64_t hi)
{
	uint32_t first, last;

	if (lo < -BPFVM_STACK_SIZE)
		lo = -BPFVM_STACK_SIZE;
	if (hi > 0)
		hi = 0;
	if (lo >= hi)
		return 0;
	first = (uint32_t)(-hi / SLOT_SIZE);
	last = (uint32_t)((-lo - 1) / SLOT_SIZE);
	if (last - first == 63)
		return ALL_SLOTS;
	return ((2ull << (last - first)) - 1) << first;
}

static uint64_t tag_slots(struct sptag t, int64_t off, int64_t size)
{
	if (t.f & SP_ANY)
		return ALL_SLOTS;
	if (t.f & SP_AT)
		return slot_range(t.k + off, t.k + off + size);
	return 0;
}

/* The slot an 8-byte access at r10 + off fills or overwrites whole, when
 * the pointer is surely r10 + k. */
static int whole_slot(struct sptag t, int64_t off, uint32_t size)
{
	int64_t at = t.k + off;

	if (t.f != SP_AT || size != SLOT_SIZE || at >= 0 || at < -BPFVM_STACK_SIZE ||
	    (-at) % SLOT_SIZE)
		return -1;
	return (int)((-at - 1) / SLOT_SIZE);
}

static void slots_join_all(struct spstate *s, struct sptag t)
{
	for (int k = 0; k < MAX_SLOTS; k++)
		sp_join(&s->s[k], t);
}

/* r1..r(n) for the arguments a helper reads (all five when unknown). */
static uint16_t helper_args(const struct env *env, int32_t id)
{
	const struct bpfvm_helper_proto *p = env->proto(id);
	uint16_t m = 0;

	if (!p)
		return ARGS_MASK;
	for (int a = 0; a < BPFVM_HELPER_MAX_ARGS; a++)
		if (p->args[a] != ARG_DONTCARE)
			m |= (uint16_t)(1u << (a + 1));
	return m;
}

/* The map in r1 at the call at insn, when a lddw just before the call put
 * it there; NULL when unknown. */
static const struct bpfvm_verify_map *call_map(const struct env *env, uint32_t insn)
{
	uint32_t start = env->subprogs[env->subprog_of[insn]].start;

	for (uint32_t j = insn; j-- > start;) {
		const struct bpfvm_insn *in = &env->insns[j];
		int cls = BPF_CLASS(in->code);

		if (env->flags[j] & INSN_LDDW_HI)
			continue;
		if (insn_is_lddw(in) && in->dst_reg == 1) {
			if (in->src_reg == BPF_PSEUDO_MAP_IDX && (uint32_t)in->imm < env->in->map_cnt)
				return &env->in->maps[in->imm];
			return NULL;
		}
		/* anything else that may write r1, or a join, ends the search */
		if (insn_is_jmp(in) || (env->flags[j] & INSN_PRUNE) ||
		    ((cls == BPF_ALU || cls == BPF_ALU64 || cls == BPF_LDX || cls == BPF_LD) &&
		     in->dst_reg == 1) ||
		    (cls == BPF_STX && BPF_MODE(in->code) == BPF_ATOMIC))
			return NULL;
	}
	return NULL;
}

/* How many bytes a helper reads through the key (or value) pointer of the
 * call at insn: those of its map, else the largest of the program's maps. */
static uint32_t call_map_size(const struct env *env, const struct bpfvm_verify_map *map, bool key)
{
	uint32_t m = 0;

	if (map)
		return key ? map->key_size : map->value_size;
	for (uint32_t i = 0; i < env->in->map_cnt; i++) {
		uint32_t sz = key ? env->in->maps[i].key_size : env->in->maps[i].value_size;

		if (sz > m)
			m = sz;
	}
	return m;
}

/* Whether the walk may read the key as a number (stack_const): an array's
 * key of at most 8 bytes, to know that the element exists. */
static bool key_read_as_number(const struct bpfvm_verify_map *map)
{
	return (map->type == BPFVM_MAP_TYPE_ARRAY || map->type == BPFVM_MAP_TYPE_PERCPU_ARRAY) &&
	       map->key_size <= 8;
}

/* How many bytes of the key the walk may read as a number: the key of the
 * call's map, or, when that is not known, 8 if any map's may be. */
static uint32_t key_value_size(const struct env *env, const struct bpfvm_verify_map *map)
{
	if (map)
		return key_read_as_number(map) ? map->key_size : 0;
	for (uint32_t i = 0; i < env->in->map_cnt; i++)
		if (key_read_as_number(&env->in->maps[i]))
			return 8;
	return 0;
}

static void sp_call(const struct env *env, uint32_t insn, struct spstate *s, struct spfact *fact)
{
	const struct bpfvm_insn *in = &env->insns[insn];
	const struct bpfvm_helper_proto *p = in->src_reg ? NULL : env->proto(in->imm);
	bool function = in->src_reg == BPF_PSEUDO_CALL;
	const struct bpfvm_verify_map *map = p ? call_map(env, insn) : NULL;
	uint8_t any = 0;

	for (int a = 1; a <= 5; a++) {
		struct sptag t = s->r[a];
		uint64_t m = tag_slots(t, 0, SP_MAX_K);

		/* the walk refuses unknown helpers and kfuncs */
		if (!function && !p)
			break;
		if (function || ((p->flags & HELPER_F_CALLBACK) && p->args[a - 1] != ARG_DONTCARE)) {
			/* a function or a callback may follow the pointer anywhere */
			any |= t.f & SP_STACK;
			if (t.f & SP_STACK)
				m = ALL_SLOTS;
			fact->call_read |= m;
			fact->call_value |= m;
			continue;
		}
		switch (p->args[a - 1]) {
		case ARG_PTR_TO_MAP_KEY:
			fact->call_read |= tag_slots(t, 0, call_map_size(env, map, true));
			fact->call_value |= tag_slots(t, 0, key_value_size(env, map));
			break;
		case ARG_PTR_TO_MAP_VALUE:
			fact->call_read |= tag_slots(t, 0, call_map_size(env, map, false));
			break;
		case ARG_PTR_TO_MEM:
		case ARG_PTR_TO_MEM_OR_NULL:
		case ARG_PTR_TO_MEM_RW:
			fact->call_read |= m;
			break;
		case ARG_DONTCARE:
		case ARG_ANYTHING:
		case ARG_CONST_MAP_PTR:
		case ARG_CONST_SIZE:
		case ARG_CONST_SIZE_OR_ZERO:
		case ARG_CONST_ALLOC_SIZE_OR_ZERO:
		case ARG_PTR_TO_CTX:
		case ARG_PTR_TO_CTX_OR_NULL:
		case ARG_PTR_TO_ALLOC_MEM:
		case ARG_PTR_TO_SPIN_LOCK:
		case ARG_PTR_TO_FUNC:
			break; /* not stack memory read by the helper */
		case ARG_PTR_TO_UNINIT_MAP_VALUE:
		case ARG_PTR_TO_UNINIT_MEM:
		case ARG_PTR_TO_LONG:
			break; /* written, not read */
		default:
			fact->call_read |= m;
			fact->call_value |= m;
			break;
		}
	}
	/* a function, or a callback, may store pointers into the stack it was given */
	if (any)
		slots_join_all(s, sp_unknown);
	for (int r = 0; r <= 5; r++)
		s->r[r] = sp_none;
	if (function)
		s->r[0] = sp_unknown;
}

static void sp_step(const struct env *env, uint32_t i, struct spstate *s, struct spfact *fact)
{
	const struct bpfvm_insn *in = &env->insns[i];
	int cls = BPF_CLASS(in->code), op = BPF_OP(in->code);
	bool x = BPF_SRC(in->code) == BPF_X;
	struct sptag *dst = &s->r[in->dst_reg];

	switch (cls) {
	case BPF_ALU:
	case BPF_ALU64: {
		struct sptag src = x ? s->r[in->src_reg] : sp_none;
		uint8_t f = (uint8_t)(dst->f | src.f);

		if (op == BPF_MOV) {
			if (cls == BPF_ALU64 && x && in->off == 0)
				*dst = src;
			else
				*dst = src.f & SP_STACK ? sp_unknown : sp_none;
			return;
		}
		if (cls == BPF_ALU64 && !x && (op == BPF_ADD || op == BPF_SUB)) {
			if (dst->f & SP_AT) {
				struct sptag t = sp_at(op == BPF_ADD ? (int64_t)dst->k + in->imm :
								      (int64_t)dst->k - in->imm);

				t.f |= (uint8_t)(dst->f & (SP_OTHER | SP_NOT));
				*dst = t;
			}
			return;
		}
		dst->k = 0;
		dst->f = (uint8_t)((f & (SP_AT | SP_ANY) ? SP_ANY : 0) | (f & SP_OTHER) | SP_NOT);
		return;
	}
	case BPF_LD:
		if (insn_is_lddw(in)) {
			*dst = sp_none;
		} else {
			for (int r = 0; r <= 5; r++)
				s->r[r] = sp_none;
		}
		return;
	case BPF_LDX: {
		struct sptag base = s->r[in->src_reg], t = sp_none;
		uint32_t size = access_size(in->code);

		fact->base = base;
		/* only whole 8-byte fills can give back a pointer */
		if (size == SLOT_SIZE && BPF_MODE(in->code) == BPF_MEM) {
			int k = whole_slot((struct sptag){ base.k, SP_AT }, in->off, size);

			if (base.f & SP_AT)
				sp_join(&t, k >= 0 ? s->s[k] : sp_unknown);
			if (base.f & (SP_ANY | SP_OTHER))
				sp_join(&t, sp_unknown);
		}
		s->r[in->dst_reg] = t;
		return;
	}
	case BPF_ST:
	case BPF_STX: {
		struct sptag base = *dst, val = cls == BPF_STX ? s->r[in->src_reg] : sp_none;
		uint32_t size = access_size(in->code);
		uint64_t m = tag_slots(base, in->off, size);
		int k = whole_slot(base, in->off, size);

		fact->base = base;
		if (k >= 0 && !(cls == BPF_STX && BPF_MODE(in->code) == BPF_ATOMIC)) {
			s->s[k] = val;
		} else {
			for (int j = 0; j < MAX_SLOTS; j++)
				if (m & (1ull << j))
					sp_join(&s->s[j], val);
		}
		if (cls == BPF_STX && BPF_MODE(in->code) == BPF_ATOMIC && (in->imm & BPF_FETCH)) {
			struct sptag *r = &s->r[in->imm == BPF_CMPXCHG ? 0 : in->src_reg];

			*r = base.f & SP_STACK ? sp_unknown : sp_none;
		}
		return;
	}
	default:
		break;
	}
	if (op == BPF_CALL)
		sp_call(env, i, s, fact);
}

static int sp_analyse(const struct env *env, struct spfact *facts)
{
	uint32_t *head = malloc(env->cnt * sizeof(*head)), nheads = 0, nwork = 0;
	uint32_t *head_insn = malloc(env->cnt * sizeof(*head_insn));
	struct spstate *hs = NULL, s;
	uint32_t *work = NULL;
	uint8_t *queued = NULL;
	int err = -ENOMEM;

	if (!head || !head_insn)
		goto out;
	for (uint32_t i = 0; i < env->cnt; i++) {
		head[i] = UINT32_MAX;
		if (env->flags[i] & INSN_PRUNE) {
			head_insn[nheads] = i;
			head[i] = nheads++;
		}
	}
	hs = calloc(nheads ? nheads : 1, sizeof(*hs));
	work = malloc((nheads ? nheads : 1) * sizeof(*work));
	queued = calloc(nheads ? nheads : 1, 1);
	if (!hs || !work || !queued)
		goto out;
	for (uint32_t sp = 0; sp < env->nsubprogs; sp++) {
		uint32_t h = head[env->subprogs[sp].start];

		/* arguments of functions and callbacks may point into a caller */
		for (int r = 0; r < BPF_MAX_REG; r++)
			hs[h].r[r] = sp_none;
		for (int r = 1; r <= 5 && sp; r++)
			hs[h].r[r].f |= SP_OTHER;
		for (int k = 0; k < MAX_SLOTS; k++)
			hs[h].s[k] = sp_none;
		hs[h].r[10] = sp_at(0);
		/* an abstract entry state may hand the program stack pointers */
		for (int r = 0; r < BPF_MAX_REG && !sp && env->in->entry; r++) {
			const struct bpfvm_verify_entry_reg *e = &env->in->entry->regs[r];

			if (e->kind != BPFVM_ENTRY_STACK)
				hs[h].r[r] = sp_none;
			else if (e->off_min == e->off_max)
				hs[h].r[r] = sp_at(e->off_min);
			else
				hs[h].r[r] = (struct sptag){ 0, SP_ANY };
		}
		hs[h].reached = true;
		work[nwork++] = h;
		queued[h] = 1;
	}
	while (nwork) {
		uint32_t h = work[--nwork], i = head_insn[h];

		queued[h] = 0;
		s = hs[h];
		for (;;) {
			const struct bpfvm_insn *in = &env->insns[i];
			int op = BPF_OP(in->code);
			uint32_t succ[2], nsucc = 0;

			memset(&facts[i], 0, sizeof(facts[i]));
			sp_step(env, i, &s, &facts[i]);
			if (insn_is_lddw(in)) {
				succ[nsucc++] = i + 2;
			} else if (insn_is_jmp(in) && op == BPF_EXIT) {
				break;
			} else if (insn_is_jmp(in) && op != BPF_CALL) {
				succ[nsucc++] = insn_jump_target(in, i);
				if (op != BPF_JA)
					succ[nsucc++] = i + 1;
			} else {
				succ[nsucc++] = i + 1;
			}
			if (nsucc == 1 && succ[0] < env->cnt && head[succ[0]] == UINT32_MAX) {
				i = succ[0];
				continue;
			}
			for (uint32_t j = 0; j < nsucc; j++) {
				uint32_t t = succ[j], th;
				bool changed = false;

				if (t >= env->cnt || head[t] == UINT32_MAX)
					continue;
				th = head[t];
				if (!hs[th].reached) {
					hs[th] = s;
					changed = true;
				} else {
					for (int r = 0; r < BPF_MAX_REG; r++)
						changed |= sp_join(&hs[th].r[r], s.r[r]);
					for (int k = 0; k < MAX_SLOTS; k++)
						changed |= sp_join(&hs[th].s[k], s.s[k]);
				}
				if (changed && !queued[th]) {
					queued[th] = 1;
					work[nwork++] = th;
				}
			}
			break;
		}
	}
	err = 0;
out:
	free(head);
	free(head_insn);
	free(hs);
	free(work);
	free(queued);
	return err;
}

/* ---- backward: liveness and need ---- */

struct flow {
	uint16_t regs;
	uint64_t slots;
};

/* The registers before a call, from those after it: a bpf-to-bpf call reads
 * r1-r5 and keeps r6-r9; a helper reads its arguments and sets r0-r5. Both
 * analyses below share this. */
static uint16_t call_regs(const struct env *env, const struct bpfvm_insn *in, uint16_t out)
{
	if (in->src_reg == BPF_PSEUDO_CALL)
		return (uint16_t)((out & CALLEE_SAVED) | ARGS_MASK);
	return (uint16_t)((out & ~(1u | ARGS_MASK)) | helper_args(env, in->imm));
}

/* Liveness: registers and slots read before being written on some path. */
static struct flow live_transfer(const struct env *env, const struct spfact *fact, uint32_t i,
				 struct flow out)
{
	const struct bpfvm_insn *in = &env->insns[i];
	uint16_t dst = (uint16_t)(1u << in->dst_reg), src = (uint16_t)(1u << in->src_reg);
	int cls = BPF_CLASS(in->code), op = BPF_OP(in->code);
	bool x = BPF_SRC(in->code) == BPF_X;
	struct flow n = out;
	int k;

	switch (cls) {
	case BPF_ALU:
	case BPF_ALU64:
		if (op == BPF_MOV)
			n.regs = (uint16_t)((out.regs & ~dst) | (x ? src : 0));
		else
			n.regs = (uint16_t)(out.regs | dst |
					    (x && op != BPF_END && op != BPF_NEG ? src : 0));
		return n;
	case BPF_LD:
		if (!insn_is_lddw(in)) /* legacy packet load: reads r6 (and the index), a call */
			n.regs = (uint16_t)((out.regs & ~(1u | ARGS_MASK)) | (1u << 6) |
					    (BPF_MODE(in->code) == BPF_IND ? src : 0));
		else
			n.regs = out.regs & (uint16_t)~dst;
		return n;
	case BPF_LDX:
		n.regs = (uint16_t)((out.regs & ~dst) | src);
		n.slots |= tag_slots(fact->base, in->off, access_size(in->code));
		return n;
	case BPF_ST:
	case BPF_STX:
		k = whole_slot(fact->base, in->off, access_size(in->code));
		if (cls == BPF_STX && BPF_MODE(in->code) == BPF_ATOMIC) {
			n.slots |= tag_slots(fact->base, in->off, access_size(in->code));
			n.regs |= (uint16_t)(dst | src | (in->imm == BPF_CMPXCHG ? 1u : 0));
			return n;
		}
		if (k >= 0)
			n.slots &= ~(1ull << k);
		n.regs |= (uint16_t)(dst | (cls == BPF_STX ? src : 0));
		return n;
	default:
		break;
	}
	switch (op) {
	case BPF_JA:
		return n;
	case BPF_CALL:
		n.slots |= fact->call_read;
		n.regs = call_regs(env, in, out.regs);
		return n;
	case BPF_EXIT:
		return (struct flow){ 1u, 0 };
	default:
		n.regs = (uint16_t)(out.regs | dst | (x ? src : 0));
		return n;
	}
}

/* Which values can matter. A register's (or a spilled scalar's) value at an
 * instruction matters when, along some path, it flows (through moves,
 * arithmetic, spills and fills) into a place where the verifier's verdict or
 * the path taken depends on it: a branch, the address of a memory access, a
 * helper or function argument, a map key read as a constant, or r0 at an
 * exit whose value is checked. */
static struct flow need_common(const struct env *env, const struct spfact *fact, uint32_t i,
			       struct flow out, bool branches)
{
	const struct bpfvm_insn *in = &env->insns[i];
	uint16_t dst = (uint16_t)(1u << in->dst_reg), src = (uint16_t)(1u << in->src_reg);
	int cls = BPF_CLASS(in->code), op = BPF_OP(in->code);
	bool x = BPF_SRC(in->code) == BPF_X;
	uint32_t size = access_size(in->code);
	struct flow n = out;
	uint64_t m;
	int k;

	switch (cls) {
	case BPF_ALU:
	case BPF_ALU64:
		if (op == BPF_MOV) {
			n.regs &= (uint16_t)~dst;
			if ((out.regs & dst) && x)
				n.regs |= src;
		} else if ((out.regs & dst) && x && op != BPF_END && op != BPF_NEG) {
			n.regs |= src;
		}
		return n;
	case BPF_LD:
		if (!insn_is_lddw(in)) /* legacy packet load: the index is checked at run time */
			n.regs &= (uint16_t)~(1u | ARGS_MASK);
		else
			n.regs &= (uint16_t)~dst;
		return n;
	case BPF_LDX:
		if (out.regs & dst)
			n.slots |= tag_slots(fact->base, in->off, size);
		n.regs = (uint16_t)((out.regs & ~dst) | src);
		return n;
	case BPF_ST:
	case BPF_STX:
		m = tag_slots(fact->base, in->off, size);
		n.regs |= dst;
		if (cls == BPF_STX && BPF_MODE(in->code) == BPF_ATOMIC) {
			n.slots |= m;
			n.regs |= (uint16_t)(src | (in->imm == BPF_CMPXCHG ? 1u : 0));
			return n;
		}
		k = whole_slot(fact->base, in->off, size);
		if (k >= 0)
			n.slots &= ~(1ull << k);
		/* what goes into a caller's frame is compared there */
		if (cls == BPF_STX && ((out.slots & m) || (fact->base.f & SP_OTHER)))
			n.regs |= src;
		return n;
	default:
		break;
	}
	switch (op) {
	case BPF_JA:
		return n;
	case BPF_CALL:
		n.slots |= fact->call_value;
		n.regs = call_regs(env, in, out.regs);
		return n;
	case BPF_EXIT: {
		struct bpfvm_ret_range r;

		if (env->subprog_of[i] != 0 ||
		    (env->pt && bpfvm_progtype_ret_range(env->pt, env->in->expected_attach_type, &r)))
			return (struct flow){ 1u, 0 };
		return (struct flow){ 0, 0 };
	}
	default:
		if (branches)
			n.regs |= (uint16_t)(dst | (x ? src : 0));
		return n;
	}
}

static struct flow need_transfer(const struct env *env, const struct spfact *fact, uint32_t i,
				 struct flow out)
{
	return need_common(env, fact, i, out, true);
}

/* For pruning: a comparison's operands matter only where the walk found
 * them to (need_seed), as Linux marks precise only the registers of a
 * branch it could decide. */
static struct flow lazy_transfer(const struct env *env, const struct spfact *fact, uint32_t i,
				 struct flow out)
{
	struct flow n = need_common(env, fact, i, out, false);

	n.regs |= env->seed[i];
	return n;
}

typedef struct flow (*transfer_fn)(const struct env *, const struct spfact *, uint32_t,
				   struct flow);

static uint32_t successors(const struct env *env, uint32_t k, uint32_t s[2])
{
	const struct bpfvm_insn *in = &env->insns[k];
	int op = BPF_OP(in->code);
	uint32_t ns = 0;

	if (env->flags[k] & INSN_LDDW_HI)
		return 0;
	if (insn_is_lddw(in)) {
		s[ns++] = k + 2;
	} else if (insn_is_jmp(in) && op != BPF_CALL && op != BPF_EXIT) {
		s[ns++] = insn_jump_target(in, k);
		if (op != BPF_JA)
			s[ns++] = k + 1;
	} else if (!(insn_is_jmp(in) && op == BPF_EXIT)) {
		s[ns++] = k + 1;
	}
	if (ns == 2 && s[1] >= env->cnt)
		ns--;
	if (ns && s[0] >= env->cnt)
		s[0] = s[--ns];
	return ns;
}

/* Recomputes insn k from its successors; true when it changed. */
static bool update(const struct env *env, const struct spfact *facts, transfer_fn transfer,
		   uint16_t *regs, uint64_t *slots, uint32_t k)
{
	struct flow out = { 0, 0 }, n;
	uint32_t s[2], ns = successors(env, k, s);

	for (uint32_t j = 0; j < ns; j++) {
		out.regs |= regs[s[j]];
		out.slots |= slots[s[j]];
	}
	n = transfer(env, &facts[k], k, out);
	if (n.regs == regs[k] && n.slots == slots[k])
		return false;
	regs[k] = n.regs;
	slots[k] = n.slots;
	return true;
}

static void backward(const struct env *env, const struct spfact *facts, transfer_fn transfer,
		     uint16_t *regs, uint64_t *slots)
{
	bool changed = true;

	while (changed) {
		changed = false;
		for (uint32_t k = env->cnt; k-- > 0;)
			if (!(env->flags[k] & INSN_LDDW_HI))
				changed |= update(env, facts, transfer, regs, slots, k);
	}
}

/* Predecessor lists, for need_seed's incremental update. */
static int predecessors(struct env *env)
{
	uint32_t s[2], ns, n = 0;

	env->pred_start = calloc(env->cnt + 1, sizeof(*env->pred_start));
	if (!env->pred_start)
		return -ENOMEM;
	for (uint32_t k = 0; k < env->cnt; k++) {
		ns = successors(env, k, s);
		for (uint32_t j = 0; j < ns; j++)
			env->pred_start[s[j] + 1]++;
		n += ns;
	}
	for (uint32_t k = 0; k < env->cnt; k++)
		env->pred_start[k + 1] += env->pred_start[k];
	env->pred = malloc((n ? n : 1) * sizeof(*env->pred));
	env->work = malloc((env->cnt ? env->cnt : 1) * sizeof(*env->work));
	env->queued = calloc(env->cnt ? env->cnt : 1, 1);
	if (!env->pred || !env->work || !env->queued)
		return -ENOMEM;
	/* work counts the entries filled so far */
	memset(env->work, 0, (env->cnt ? env->cnt : 1) * sizeof(*env->work));
	for (uint32_t k = 0; k < env->cnt; k++) {
		ns = successors(env, k, s);
		for (uint32_t j = 0; j < ns; j++)
			env->pred[env->pred_start[s[j]] + env->work[s[j]]++] = k;
	}
	return 0;
}

void need_seed(struct env *env, uint32_t insn, uint16_t regs)
{
	uint32_t nwork = 0;

	if (!(regs & (uint16_t)~env->seed[insn]))
		return;
	env->seed[insn] |= regs;
	env->work[nwork++] = insn;
	env->queued[insn] = 1;
	while (nwork) {
		uint32_t k = env->work[--nwork];

		env->queued[k] = 0;
		if (!update(env, env->facts, lazy_transfer, env->lazy_need, env->lazy_need_slots, k))
			continue;
		for (uint32_t p = env->pred_start[k]; p < env->pred_start[k + 1]; p++) {
			uint32_t q = env->pred[p];

			if (!env->queued[q]) {
				env->queued[q] = 1;
				env->work[nwork++] = q;
			}
		}
	}
}

int cfg_need(struct env *env)
{
	size_t n = env->cnt ? env->cnt : 1;
	int err = -ENOMEM;

	env->facts = calloc(n, sizeof(*env->facts));
	env->need = calloc(n, sizeof(*env->need));
	env->live = calloc(n, sizeof(*env->live));
	env->need_slots = calloc(n, sizeof(*env->need_slots));
	env->live_slots = calloc(n, sizeof(*env->live_slots));
	env->lazy_need = calloc(n, sizeof(*env->lazy_need));
	env->lazy_need_slots = calloc(n, sizeof(*env->lazy_need_slots));
	env->seed = calloc(n, sizeof(*env->seed));
	if (env->facts && env->need && env->live && env->need_slots && env->live_slots &&
	    env->lazy_need && env->lazy_need_slots && env->seed)
		err = sp_analyse(env, env->facts);
	if (!err)
		err = predecessors(env);
	if (!err) {
		backward(env, env->facts, need_transfer, env->need, env->need_slots);
		backward(env, env->facts, lazy_transfer, env->lazy_need, env->lazy_need_slots);
		backward(env, env->facts, live_transfer, env->live, env->live_slots);
	}
	return err;
}

void need_free(struct env *env)
{
	free(env->facts);
	free(env->need);
	free(env->live);
	free(env->need_slots);
	free(env->live_slots);
	free(env->lazy_need);
	free(env->lazy_need_slots);
	free(env->seed);
	free(env->pred_start);
	free(env->pred);
	free(env->work);
	free(env->queued);
}
