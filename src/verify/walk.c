/* The path walk: abstract execution of every path from the entry, one
 * instruction at a time, with the other side of each undecided branch queued.
 * At prune points the state is compared with the states already stored there:
 * covered by a finished one, the path is cut; identical to one still being
 * explored on this very path (an ancestor), the program loops forever. Bounded
 * loops therefore verify by being unrolled until they exit, as in Linux.
 * Also the ALU (scalar and pointer arithmetic), lddw, loads and stores, and
 * conditional jumps with refinement of both branches. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bpfvm/isa.h"
#include "isa/opcodes.h"
#include "verify/env.h"

uint32_t env_new_id(struct env *env)
{
	return ++env->id_gen;
}

static void mem_account(struct env *env, int64_t delta)
{
	env->mem_cur = (uint64_t)((int64_t)env->mem_cur + delta);
	if (env->mem_cur > env->mem_peak)
		env->mem_peak = env->mem_cur;
}

static void free_path(struct env *env, struct vstate *st)
{
	mem_account(env, -(int64_t)st->bytes);
	state_free(st);
}

static struct vstate *copy_tracked(struct env *env, const struct vstate *st)
{
	struct vstate *c = state_copy(st);

	if (c) {
		c->bytes = state_bytes(c);
		mem_account(env, (int64_t)c->bytes);
	}
	return c;
}

int push_branch(struct env *env, struct vstate *st, uint32_t insn)
{
	struct vstate *c;

	if (env->nstack >= MAX_PENDING)
		return verr(env, st->insn, "program too complex: more than %u branches pending",
			    MAX_PENDING);
	c = copy_tracked(env, st);
	if (!c)
		return -ENOMEM;
	c->insn = insn;
	c->parent = st->parent;
	if (st->parent)
		st->parent->branches++;
	if (env->nstack == env->stack_cap) {
		uint32_t cap = env->stack_cap ? env->stack_cap * 2 : 64;
		struct pending *n = realloc(env->stack, cap * sizeof(*n));

		if (!n) {
			free_path(env, c);
			return -ENOMEM;
		}
		env->stack = n;
		env->stack_cap = cap;
	}
	env->stack[env->nstack].st = c;
	env->stack[env->nstack].cb_callsite = 0;
	env->stack[env->nstack++].cb_gen = 0;
	return 0;
}

int push_callback_revisit(struct env *env, struct vstate *st, uint32_t callsite, uint32_t gen)
{
	int err = push_branch(env, st, callsite);

	if (!err) {
		env->stack[env->nstack - 1].cb_callsite = callsite + 1;
		env->stack[env->nstack - 1].cb_gen = gen;
	}
	return err;
}

/* A path ended (exit, pruned, dead): its checkpoints lose one open branch. */
static void path_done(struct env *env, struct vstate *st)
{
	for (struct vstate *p = st->parent; p; p = p->parent) {
		if (--p->branches > 0)
			break;
	}
	free_path(env, st);
}

struct id_value {
	uint32_t id;
	int32_t delta;
	const struct scalar *v;
};

static void set_id_value(struct reg *r, void *arg)
{
	struct id_value *iv = arg;
	struct scalar nv, k, old;

	if (r->type != SCALAR || r->id != iv->id)
		return;
	if (r->delta == iv->delta) {
		r->v = *iv->v;
		return;
	}
	/* r = v + (r.delta - delta), exactly, in 64-bit arithmetic */
	k = scalar_const((uint64_t)((int64_t)r->delta - iv->delta));
	nv = scalar_alu(BPF_ALU64 | BPF_X | BPF_ADD, 0, 0, iv->v, &k);
	old = r->v;
	if (scalar_refine(BPF_JEQ, true, true, &old, &nv))
		r->v = old;
	else
		r->v = nv;
}

void propagate_scalar_id(struct vstate *st, uint32_t id, int32_t delta, const struct scalar *v)
{
	struct scalar copy = *v;
	struct id_value iv = { id, delta, &copy };

	if (!id)
		return;
	state_for_each_reg(st, set_id_value, &iv);
}

static bool is_ancestor(const struct vstate *c, const struct vstate *st)
{
	for (const struct vstate *p = st->parent; p; p = p->parent)
		if (p == c)
			return true;
	return false;
}

/* 1: pruned; 0: go on; <0: rejected. States that keep failing to cover new
 * ones are dropped from the list (as Linux's miss counting): finished ones are
 * freed, unfinished ones (still parents of live paths) only unlisted. While a
 * loop is unrolled, a new state is stored only every LOOP_CK_INSNS
 * instructions or LOOP_CK_JMPS jumps, as Linux does: its iterations differ
 * anyway, and a tiny loop that runs out of budget would otherwise compare
 * every visit with thousands of its own iterations. */
#define LOOP_CK_INSNS 100
#define LOOP_CK_JMPS 20

static int visit_prune_point(struct env *env, struct vstate *st, uint32_t insn)
{
	st->insn = insn;
	struct checkpoint_list *l = &env->visited[insn];
	uint32_t open = 0, kept = 0;
	struct vstate *ck;
	int ret = 0;
	bool add = true;
	const struct prune_masks pm = {
		.need = env->need, .live = env->live,
		.need_slots = env->need_slots, .live_slots = env->live_slots,
		.lazy_need = env->lazy_need, .lazy_need_slots = env->lazy_need_slots,
	};
	uint64_t hash = state_hash(st, &pm);

	for (uint32_t i = 0; i < l->n; i++) {
		struct vstate *c = l->states[i];

		l->states[kept++] = c;
		if (ret)
			continue;
		env->compared++;
		if (c->branches) {
			open++;
			if (c->hash == hash && states_equal(c, st, true, &pm) && is_ancestor(c, st))
				return verr(env, insn,
					    "infinite loop: the program comes back here in the same state");
			if (env->processed - env->ck_processed < LOOP_CK_INSNS &&
			    env->jmps - env->ck_jmps < LOOP_CK_JMPS)
				add = false;
		} else {
			if (states_equal(c, st, false, &pm)) {
				c->hit++;
				ret = 1;
				continue;
			}
		}
		if (add)
			c->miss++;
		if (c->miss > c->hit * 3 + 3) {
			kept--;
			if (c->branches) {
				open--;
				continue;
			}
			/* finished, so no live path descends from it: nothing
			 * will follow a parent pointer to it again */
			env->all[c->all_idx] = NULL;
			free_path(env, c);
		}
	}
	l->n = kept;
	if (ret || !add || open >= MAX_OPEN_PER_INSN)
		return ret;
	if (env->mem_cur > MAX_STATE_BYTES)
		return verr(env, insn, "program too complex: verifier states exceed %u MiB",
			    (unsigned int)(MAX_STATE_BYTES >> 20));
	ck = copy_tracked(env, st);
	if (!ck)
		return -ENOMEM;
	if (l->n == l->cap) {
		uint32_t cap = l->cap ? l->cap * 2 : 4;
		struct vstate **n = realloc(l->states, cap * sizeof(*n));

		if (!n) {
			free_path(env, ck);
			return -ENOMEM;
		}
		l->states = n;
		l->cap = cap;
	}
	if (env->nall == env->all_cap) {
		uint32_t cap = env->all_cap ? env->all_cap * 2 : 64;
		struct vstate **n = realloc(env->all, cap * sizeof(*n));

		if (!n) {
			free_path(env, ck);
			return -ENOMEM;
		}
		env->all = n;
		env->all_cap = cap;
	}
	l->states[l->n++] = ck;
	ck->all_idx = env->nall;
	env->all[env->nall++] = ck;
	env->states++;
	env->ck_processed = env->processed;
	env->ck_jmps = env->jmps;
	ck->insn = insn;
	ck->hash = hash;
	ck->parent = st->parent;
	ck->branches = 1;
	st->parent = ck;
	return 0;
}

static const char *alu_op_name(int op)
{
	static const char *names[16] = { "add", "sub", "mul", "div", "or", "and", "lsh", "rsh",
					 "neg", "mod", "xor", "mov", "arsh", "end", "?", "?" };

	return names[op >> 4];
}

static int uninit(struct env *env, uint32_t insn, int regno)
{
	return verr(env, insn, "r%d is not initialised", regno);
}

static bool ptr_arith_ok(int type)
{
	switch (type) {
	case PTR_TO_STACK:
	case PTR_TO_PACKET:
	case PTR_TO_PACKET_META:
	case PTR_TO_MAP_VALUE:
	case PTR_TO_MEM:
	case PTR_TO_MAP_KEY:
	case PTR_TO_CTX:
		return true;
	default:
		return false;
	}
}

/* Pointers that point into the same object, so that their difference is a
 * plain number. */
static bool same_object(const struct reg *a, const struct reg *b)
{
	if (a->type == PTR_TO_STACK || b->type == PTR_TO_STACK)
		return a->type == b->type && a->frameno == b->frameno;
	if (reg_is_pkt(a) && reg_is_pkt(b))
		return true;
	if (a->type == PTR_TO_MAP_VALUE || a->type == PTR_TO_MEM)
		return a->type == b->type && a->map == b->map && a->id == b->id;
	return false;
}

static int ptr_alu(struct env *env, uint32_t insn, struct reg *dst, const struct reg *src,
		   const struct bpfvm_insn *in)
{
	int op = BPF_OP(in->code);
	int dregno = in->dst_reg;
	char b[256];

	/* the low 32 bits of the distance between two pointers into one
	 * object are the distance's: a number, leaking nothing */
	if (BPF_CLASS(in->code) != BPF_ALU64 && op == BPF_SUB && reg_is_pointer(dst) &&
	    reg_is_pointer(src) && same_object(dst, src)) {
		struct reg d = *dst;
		struct bpfvm_insn in64 = *in;
		int err;

		in64.code = (uint8_t)(BPF_ALU64 | BPF_OP(in->code) | BPF_SRC(in->code));
		err = ptr_alu(env, insn, &d, src, &in64);
		if (err)
			return err;
		reg_mark_scalar(dst, scalar_truncate(&d.v, 4));
		return 0;
	}
	if (BPF_CLASS(in->code) != BPF_ALU64)
		return verr(env, insn, "32-bit arithmetic on a pointer (r%d is %s)",
			    reg_is_pointer(dst) ? dregno : in->src_reg,
			    reg_type_name(reg_is_pointer(dst) ? dst->type : src->type));
	if (op != BPF_ADD && op != BPF_SUB)
		return verr(env, insn, "pointer arithmetic with %s is not allowed", alu_op_name(op));
	if (reg_is_pointer(dst) && reg_is_pointer(src)) {
		if (op != BPF_SUB || !same_object(dst, src))
			return verr(env, insn, "%s between a %s and a %s is not allowed",
				    op == BPF_ADD ? "addition" : "subtraction",
				    reg_type_name(dst->type), reg_type_name(src->type));
		if (dst->type == src->type && dst->id == src->id && scalar_is_const(&dst->v) &&
		    scalar_is_const(&src->v) && dst->type != PTR_TO_PACKET_END)
			reg_mark_scalar(dst, scalar_const((uint64_t)((int64_t)dst->off - src->off +
							       (int64_t)(dst->v.var.value - src->v.var.value))));
		else
			reg_mark_unknown(dst);
		return 0;
	}
	if (!reg_is_pointer(dst) && op == BPF_SUB)
		return verr(env, insn, "subtracting a %s from a scalar is not allowed",
			    reg_type_name(src->type));
	struct reg p = reg_is_pointer(dst) ? *dst : *src;
	struct scalar s = reg_is_pointer(dst) ? src->v : dst->v;

	if (!ptr_arith_ok(p.type)) {
		reg_format(env, &p, b, sizeof(b));
		if (reg_maybe_null(&p))
			return verr(env, insn, "arithmetic on %s, which may be null", b);
		return verr(env, insn, "arithmetic on a %s is not allowed", reg_type_name(p.type));
	}
	if (scalar_is_const(&s)) {
		int64_t k = (int64_t)s.var.value;
		int64_t off;

		if (k < -MAX_VAR_OFF || k > MAX_VAR_OFF)
			return verr(env, insn, "pointer offset %s %" PRId64 " is out of range",
				    op == BPF_ADD ? "+" : "-", k);
		off = op == BPF_ADD ? (int64_t)p.off + k : (int64_t)p.off - k;
		if (off < -MAX_VAR_OFF || off > MAX_VAR_OFF)
			return verr(env, insn, "pointer offset %" PRId64 " is out of range", off);
		p.off = (int32_t)off;
	} else {
		if (p.type == PTR_TO_CTX)
			return verr(env, insn, "variable offset added to the context pointer");
		p.v = scalar_alu((uint8_t)(BPF_ALU64 | BPF_X | op), 0, 0, &p.v, &s);
		if (reg_is_pkt(&p)) {
			p.id = env_new_id(env);
			p.range = 0;
		}
	}
	*dst = p;
	return 0;
}

/* `wX = wY; wX -= wZ` with Y and Z pointers into one object: clang's way of
 * computing a 32-bit offset. The copy alone would leak half of a pointer;
 * the pair is the 32-bit distance, so the copy is taken whole for the one
 * instruction that truncates it (nothing can observe it in between: the
 * next instruction is no jump target). */
static bool copy_then_distance(const struct env *env, const struct frame *f, uint32_t insn)
{
	const struct bpfvm_insn *in = &env->insns[insn], *nx;

	if (insn + 1 >= env->cnt || (env->flags[insn + 1] & INSN_PRUNE))
		return false;
	nx = &env->insns[insn + 1];
	if (nx->code != (BPF_ALU | BPF_SUB | BPF_X) || nx->dst_reg != in->dst_reg)
		return false;
	if (nx->src_reg == in->dst_reg)
		return true;
	return reg_is_pointer(&f->regs[nx->src_reg]) &&
	       same_object(&f->regs[in->src_reg], &f->regs[nx->src_reg]);
}

static int check_alu(struct env *env, struct vstate *st, uint32_t insn)
{
	const struct bpfvm_insn *in = &env->insns[insn];
	struct frame *f = cur_frame(st);
	struct reg *dst = &f->regs[in->dst_reg];
	bool is64 = BPF_CLASS(in->code) == BPF_ALU64;
	int op = BPF_OP(in->code);
	struct reg k, *src;

	if (BPF_SRC(in->code) == BPF_X && op != BPF_END && op != BPF_NEG) {
		src = &f->regs[in->src_reg];
		if (src->type == NOT_INIT)
			return uninit(env, insn, in->src_reg);
	} else {
		reg_mark_scalar(&k, scalar_const((uint64_t)(int64_t)in->imm));
		src = &k;
	}
	if (op == BPF_MOV) {
		if (src != &k && is64 && in->off == 0) {
			if (src->type == SCALAR && !src->id)
				src->id = env_new_id(env);
			*dst = *src;
			return 0;
		}
		if (reg_is_pointer(src) && !is64 && in->off == 0 && copy_then_distance(env, f, insn)) {
			*dst = *src;
			return 0;
		}
		if (reg_is_pointer(src))
			return verr(env, insn, "%s of a %s would leak part of it",
				    is64 ? "sign extension" : "32-bit copy", reg_type_name(src->type));
		reg_mark_scalar(dst, scalar_alu(in->code, in->off, in->imm, &src->v, &src->v));
		return 0;
	}
	if (dst->type == NOT_INIT)
		return uninit(env, insn, in->dst_reg);
	if (reg_is_pointer(dst) || reg_is_pointer(src)) {
		if (op == BPF_END || op == BPF_NEG)
			return verr(env, insn, "%s of a %s is not allowed", alu_op_name(op),
				    reg_type_name(dst->type));
		return ptr_alu(env, insn, dst, src, in);
	}
	/* adding a constant keeps a copy linked, at a new offset */
	if (dst->id && is64 && (op == BPF_ADD || op == BPF_SUB) && scalar_is_const(&src->v) &&
	    src != dst) {
		int64_t c = (int64_t)src->v.var.value;
		int64_t d = op == BPF_ADD ? (int64_t)dst->delta + c : (int64_t)dst->delta - c;

		if (c > -MAX_VAR_OFF && c < MAX_VAR_OFF && d > INT32_MIN && d < INT32_MAX) {
			uint32_t id = dst->id;

			reg_mark_scalar(dst, scalar_alu(in->code, in->off, in->imm, &dst->v, &src->v));
			dst->id = id;
			dst->delta = (int32_t)d;
			return 0;
		}
	}
	/* x - x and x ^ x are 0 whatever x is */
	if (src == dst && (op == BPF_SUB || op == BPF_XOR)) {
		reg_mark_scalar(dst, scalar_const(0));
		return 0;
	}
	reg_mark_scalar(dst, scalar_alu(in->code, in->off, in->imm, &dst->v, &src->v));
	return 0;
}

static int check_lddw(struct env *env, struct vstate *st, uint32_t insn)
{
	const struct bpfvm_insn *in = &env->insns[insn];
	struct reg *dst = &cur_frame(st)->regs[in->dst_reg];
	uint64_t v = (uint32_t)in->imm | ((uint64_t)(uint32_t)in[1].imm << 32);

	switch (in->src_reg) {
	case 0:
		reg_mark_scalar(dst, scalar_const(v));
		return 0;
	case BPF_PSEUDO_MAP_IDX:
	case BPF_PSEUDO_MAP_IDX_VALUE:
		if ((uint32_t)in->imm >= env->in->map_cnt)
			return verr(env, insn, "map index %u out of range (%u maps)", (uint32_t)in->imm,
				    env->in->map_cnt);
		reg_mark_scalar(dst, scalar_const(0));
		dst->map = (uint32_t)in->imm;
		if (in->src_reg == BPF_PSEUDO_MAP_IDX) {
			dst->type = CONST_PTR_TO_MAP;
			return 0;
		}
		if ((uint32_t)in[1].imm >= env->in->maps[dst->map].value_size)
			return verr(env, insn, "offset %u is outside the %u-byte value of map %u",
				    (uint32_t)in[1].imm, env->in->maps[dst->map].value_size, dst->map);
		dst->type = PTR_TO_MAP_VALUE;
		dst->off = in[1].imm;
		return 0;
	case BPF_PSEUDO_FUNC:
		reg_mark_scalar(dst, scalar_const(0));
		dst->type = PTR_TO_FUNC;
		dst->map = (uint32_t)((int64_t)insn + in->imm + 1);
		return 0;
	default:
		return verr(env, insn, "lddw with src_reg %u is not supported (maps are referenced by "
			    "index, src_reg 5 or 6)", in->src_reg);
	}
}

static uint32_t size_of(uint8_t code)
{
	switch (BPF_SIZE(code)) {
	case BPF_B: return 1;
	case BPF_H: return 2;
	case BPF_W: return 4;
	default: return 8;
	}
}

static int check_ldx(struct env *env, struct vstate *st, uint32_t insn)
{
	const struct bpfvm_insn *in = &env->insns[insn];
	struct frame *f = cur_frame(st);
	struct reg val;
	int err;

	if (f->regs[in->src_reg].type == NOT_INIT)
		return uninit(env, insn, in->src_reg);
	reg_mark_not_init(&val);
	err = check_mem_access(env, st, insn, in->src_reg, in->off, size_of(in->code), false, NULL,
			       &val, BPF_MODE(in->code) == BPF_MEMSX);
	if (err)
		return err;
	cur_frame(st)->regs[in->dst_reg] = val;
	return 0;
}

static int check_store(struct env *env, struct vstate *st, uint32_t insn)
{
	const struct bpfvm_insn *in = &env->insns[insn];
	struct frame *f = cur_frame(st);
	struct reg val;

	if (BPF_CLASS(in->code) == BPF_STX && BPF_MODE(in->code) == BPF_ATOMIC)
		return check_atomic(env, st, insn);
	if (f->regs[in->dst_reg].type == NOT_INIT)
		return uninit(env, insn, in->dst_reg);
	if (BPF_CLASS(in->code) == BPF_ST) {
		reg_mark_scalar(&val, scalar_const((uint64_t)(int64_t)in->imm));
	} else {
		val = f->regs[in->src_reg];
		if (val.type == NOT_INIT)
			return uninit(env, insn, in->src_reg);
	}
	return check_mem_access(env, st, insn, in->dst_reg, in->off, size_of(in->code), true, &val,
				NULL, false);
}

/* ---- conditional jumps ---- */

struct id_mark {
	uint32_t id;
	bool null;
	struct env *env;
	struct vstate *st;
};

static void mark_null_id(struct reg *r, void *arg)
{
	struct id_mark *m = arg;

	if (!reg_maybe_null(r) || r->id != m->id)
		return;
	if (m->null) {
		reg_mark_scalar(r, scalar_const(0));
		return;
	}
	switch (r->type) {
	case PTR_TO_MAP_VALUE_OR_NULL: r->type = PTR_TO_MAP_VALUE; break;
	case PTR_TO_MEM_OR_NULL: r->type = PTR_TO_MEM; break;
	case PTR_TO_SOCKET_OR_NULL: r->type = PTR_TO_SOCKET; break;
	case PTR_TO_SOCK_COMMON_OR_NULL: r->type = PTR_TO_SOCK_COMMON; break;
	default: r->type = CONST_PTR_TO_MAP; break;
	}
}

static void drop_ref(struct vstate *st, uint32_t ref)
{
	for (uint32_t i = 0; i < st->nrefs; i++)
		if (st->refs[i] == ref) {
			st->refs[i] = st->refs[--st->nrefs];
			return;
		}
}

static void mark_null(struct vstate *st, const struct reg *r, bool null)
{
	struct id_mark m = { r->id, null, NULL, st };
	uint32_t ref = r->ref_id;

	state_for_each_reg(st, mark_null_id, &m);
	/* a null record holds nothing that must be released */
	if (null && ref)
		drop_ref(st, ref);
}

struct range_mark {
	uint8_t type;
	uint32_t id;
	uint32_t range;
};

static void set_range(struct reg *r, void *arg)
{
	struct range_mark *m = arg;

	if (r->type == m->type && r->id == m->id && r->range < m->range)
		r->range = m->range;
}

static int flip(int op)
{
	switch (op) {
	case BPF_JGT: return BPF_JLT;
	case BPF_JLT: return BPF_JGT;
	case BPF_JGE: return BPF_JLE;
	case BPF_JLE: return BPF_JGE;
	default: return op;
	}
}

/* `a op b` with a a packet (or metadata) pointer and b the end it is
 * checked against: the bytes proven when the comparison is `taken`. */
static void pkt_range(struct vstate *st, const struct reg *a, int op, bool taken)
{
	bool le; /* the branch proves a <= b (else a < b) */
	struct range_mark m;
	int64_t r;

	switch (op) {
	case BPF_JGT: if (taken) return; le = true; break;
	case BPF_JGE: if (taken) return; le = false; break;
	case BPF_JLT: if (!taken) return; le = false; break;
	case BPF_JLE: if (!taken) return; le = true; break;
	default: return;
	}
	if (a->off < 0 || a->v.smin < 0 || a->v.umax + (uint64_t)a->off > MAX_PACKET_OFF)
		return;
	r = (int64_t)a->off + (le ? 0 : 1);
	m = (struct range_mark){ a->type, a->id, (uint32_t)r };
	state_for_each_reg(st, set_range, &m);
}

static bool is_end_of(const struct reg *a, const struct reg *b)
{
	if (a->type == PTR_TO_PACKET && b->type == PTR_TO_PACKET_END)
		return true;
	/* metadata is checked against the start of data */
	return a->type == PTR_TO_PACKET_META && b->type == PTR_TO_PACKET && b->off == 0 &&
	       scalar_is_const(&b->v) && b->v.var.value == 0;
}

static bool never_null(const struct reg *r)
{
	return !reg_maybe_null(r) && reg_is_pointer(r);
}

static int check_cond_jmp(struct env *env, struct vstate *st, uint32_t insn, uint32_t *next)
{
	const struct bpfvm_insn *in = &env->insns[insn];
	struct frame *f = cur_frame(st);
	bool is64 = BPF_CLASS(in->code) == BPF_JMP;
	int op = BPF_OP(in->code);
	uint32_t target = (uint32_t)((int64_t)insn + in->off + 1);
	struct reg *dst = &f->regs[in->dst_reg], k, *src;
	struct vstate *other;
	int err;

	if (BPF_SRC(in->code) == BPF_X) {
		src = &f->regs[in->src_reg];
		if (src->type == NOT_INIT)
			return uninit(env, insn, in->src_reg);
	} else {
		reg_mark_scalar(&k, scalar_const((uint64_t)(int64_t)in->imm));
		src = &k;
	}
	if (dst->type == NOT_INIT)
		return uninit(env, insn, in->dst_reg);

	if (dst->type == SCALAR && src->type == SCALAR) {
		struct scalar ta = dst->v, tb = src->v, fa = dst->v, fb = src->v;
		bool can_t = scalar_refine(op, is64, true, &ta, &tb);
		bool can_f = scalar_refine(op, is64, false, &fa, &fb);
		uint32_t did = dst->id, sid = src == &k ? 0 : src->id;
		int32_t dd = dst->delta, sd = src->delta;

		/* a decided comparison makes its operands' values matter */
		if (!(can_t && can_f))
			need_seed(env, insn, (uint16_t)((1u << in->dst_reg) |
							(src == &k ? 0 : 1u << in->src_reg)));

		if (can_t && can_f) {
			err = push_branch(env, st, target);
			if (err)
				return err;
			other = env->stack[env->nstack - 1].st;
			cur_frame(other)->regs[in->dst_reg].v = ta;
			propagate_scalar_id(other, did, dd, &ta);
			if (src != &k) {
				cur_frame(other)->regs[in->src_reg].v = tb;
				propagate_scalar_id(other, sid, sd, &tb);
			}
		}
		if (can_f) {
			dst->v = fa;
			propagate_scalar_id(st, did, dd, &fa);
			if (src != &k) {
				src->v = fb;
				propagate_scalar_id(st, sid, sd, &fb);
			}
			*next = insn + 1;
			return 0;
		}
		if (can_t) {
			dst->v = ta;
			propagate_scalar_id(st, did, dd, &ta);
			if (src != &k) {
				src->v = tb;
				propagate_scalar_id(st, sid, sd, &tb);
			}
			*next = target;
			return 0;
		}
		return 1; /* neither side is possible: the path is dead */
	}

	/* pointers' offsets decide null checks and packet ranges */
	need_seed(env, insn, (uint16_t)((1u << in->dst_reg) |
					(BPF_SRC(in->code) == BPF_X ? 1u << in->src_reg : 0)));
	if (op == BPF_JSET)
		return verr(env, insn, "jset on a %s is not allowed",
			    reg_type_name(reg_is_pointer(dst) ? dst->type : src->type));

	/* null checks and comparisons of pointers with 0 */
	struct reg *ptr = reg_is_pointer(dst) ? dst : src;
	struct reg *other_side = ptr == dst ? src : dst;
	uint64_t c;

	if (reg_is_const(other_side, &c) && c == 0 && (op == BPF_JEQ || op == BPF_JNE)) {
		if (!is64)
			return verr(env, insn, "null checks must compare all 64 bits of the %s",
				    reg_type_name(ptr->type));
		if (never_null(ptr)) {
			*next = op == BPF_JNE ? target : insn + 1;
			return 0;
		}
		err = push_branch(env, st, target);
		if (err)
			return err;
		other = env->stack[env->nstack - 1].st;
		struct reg p = *ptr;

		mark_null(other, &p, op == BPF_JEQ);
		mark_null(st, &p, op != BPF_JEQ);
		*next = insn + 1;
		return 0;
	}
	if (!reg_is_pointer(dst) || !reg_is_pointer(src))
		return verr(env, insn, "comparison of a %s with a scalar other than 0 is not allowed",
			    reg_type_name(ptr->type));
	if (!is64)
		return verr(env, insn, "32-bit comparison of pointers is not allowed");

	struct reg a = *dst, b = *src;
	int aop = op;
	bool pkt_cmp = false;

	if (is_end_of(&a, &b)) {
		pkt_cmp = true;
	} else if (is_end_of(&b, &a)) {
		struct reg t = a;

		a = b;
		b = t;
		aop = flip(op);
		pkt_cmp = true;
	} else if (!(dst->type == src->type ||
		     (reg_is_pkt(dst) && reg_is_pkt(src)))) {
		return verr(env, insn, "comparison of a %s with a %s is not allowed",
			    reg_type_name(dst->type), reg_type_name(src->type));
	}
	err = push_branch(env, st, target);
	if (err)
		return err;
	if (pkt_cmp) {
		other = env->stack[env->nstack - 1].st;
		pkt_range(other, &a, aop, true);
		pkt_range(st, &a, aop, false);
	}
	*next = insn + 1;
	return 0;
}

/* Executes one instruction. Returns 0 with *next set, 1 when the path ended,
 * or a negative error. */
static int step(struct env *env, struct vstate **stp, uint32_t insn, uint32_t *next)
{
	struct vstate *st = *stp;
	const struct bpfvm_insn *in = &env->insns[insn];

	*next = insn + 1;
	switch (BPF_CLASS(in->code)) {
	case BPF_ALU:
	case BPF_ALU64:
		return check_alu(env, st, insn);
	case BPF_LD:
		if (in->code != (BPF_LD | BPF_IMM | BPF_DW))
			return check_ld_pkt(env, st, insn);
		*next = insn + 2;
		return check_lddw(env, st, insn);
	case BPF_LDX:
		return check_ldx(env, st, insn);
	case BPF_ST:
	case BPF_STX:
		return check_store(env, st, insn);
	default:
		break;
	}
	switch (BPF_OP(in->code)) {
	case BPF_JA:
		*next = BPF_CLASS(in->code) == BPF_JMP32 ? (uint32_t)((int64_t)insn + in->imm + 1) :
							   (uint32_t)((int64_t)insn + in->off + 1);
		return 0;
	case BPF_EXIT:
		return check_exit(env, st, insn, next);
	case BPF_CALL:
		if (BPF_SRC(in->code) == BPF_X)
			return verr(env, insn, "indirect calls (callx) are not supported");
		if (in->src_reg == BPF_PSEUDO_CALL)
			return check_subprog_call(env, st, insn, next);
		if (in->src_reg == BPF_PSEUDO_KFUNC_CALL)
			return verr(env, insn, "kfunc calls are not supported");
		return check_helper_call(env, st, insn, next);
	default:
		return check_cond_jmp(env, st, insn, next);
	}
}

static int walk(struct env *env, struct vstate *st)
{
	int err = 0;
	bool resume = false;

	while (st) {
		uint32_t insn = st->insn;

		for (;;) {
			uint32_t next;

			if (++env->processed > PROCESSED_LIMIT) {
				err = verr(env, insn, "program too complex: more than %u instructions "
					   "processed", PROCESSED_LIMIT);
				goto out;
			}
			if ((env->flags[insn] & INSN_PRUNE) && !resume) {
				err = visit_prune_point(env, st, insn);
				if (err < 0)
					goto out;
				if (err == 1) {
					err = 0;
					break;
				}
			}
			env->flags[insn] |= INSN_SEEN;
			if (insn_is_jmp(&env->insns[insn]))
				env->jmps++;
			resume = false;
			err = step(env, &st, insn, &next);
			if (err < 0)
				goto out;
			if (err == 1) {
				err = 0;
				break;
			}
			insn = next;
			st->insn = insn;
		}
		path_done(env, st);
		st = NULL;
		if (env->nstack) {
			struct pending *p = &env->stack[--env->nstack];

			st = p->st;
			/* the same helper call again, not a new visit of it */
			resume = p->cb_callsite != 0;
			env->cb_resuming = resume;
			env->cb_resume_gen = p->cb_gen;
		}
	}
out:
	if (st)
		free_path(env, st);
	return err;
}

static int initial_state(struct env *env, struct vstate **out)
{
	struct vstate *st = state_new();
	struct frame *f;

	if (!st)
		return -ENOMEM;
	f = frame_new(0, 0);
	if (!f) {
		free(st);
		return -ENOMEM;
	}
	st->frames[0] = f;
	st->nframes = 1;
	if (env->in->entry) {
		int err = entry_state(env, f);

		if (err) {
			state_free(st);
			return err;
		}
	} else {
		reg_mark_scalar(&f->regs[1], scalar_const(0));
		f->regs[1].type = PTR_TO_CTX;
		reg_mark_scalar(&f->regs[10], scalar_const(0));
		f->regs[10].type = PTR_TO_STACK;
	}
	st->bytes = state_bytes(st);
	mem_account(env, (int64_t)st->bytes);
	*out = st;
	return 0;
}

static void env_free(struct env *env)
{
	for (uint32_t i = 0; i < env->nstack; i++)
		state_free(env->stack[i].st);
	for (uint32_t i = 0; i < env->nall; i++)
		state_free(env->all[i]);
	if (env->visited)
		for (uint32_t i = 0; i < env->cnt; i++)
			free(env->visited[i].states);
	for (uint32_t i = 0; i < env->nsubprogs; i++)
		free(env->subprogs[i].callees);
	free(env->subprogs);
	free(env->visited);
	free(env->stack);
	free(env->all);
	free(env->acquired);
	free(env->cb_writes);
	free(env->flags);
	need_free(env);
	free(env->subprog_of);
	free(env->mem_type);
	free(env->ctx_access);
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

int bpfvm_verify(const struct bpfvm_verify_input *in, struct bpfvm_verify_result *out)
{
	struct env env = { 0 };
	struct vstate *st = NULL;
	uint64_t t0 = now_ns();
	int err;

	memset(out, 0, sizeof(*out));
	env.in = in;
	env.out = out;
	env.insns = in->insns;
	env.cnt = in->insn_cnt;
	env.pt = in->progtype ? in->progtype : bpfvm_progtype_get(in->prog_type);
	env.proto = in->helper_proto ? in->helper_proto : bpfvm_helper_proto;
	if (!env.pt) {
		snprintf(out->message, sizeof(out->message), "unknown program type %u", in->prog_type);
		out->verdict = BPFVM_VERIFY_REJECTED;
		return bpfvm_errorf(-EINVAL, "%s", out->message);
	}
	env.pkt_writable = env.pt->id == 3 || env.pt->id == 4 || env.pt->id == 6;
	err = bpfvm_isa_check(in->insns, in->insn_cnt);
	if (err) {
		out->verdict = BPFVM_VERIFY_REJECTED;
		snprintf(out->message, sizeof(out->message), "%s", bpfvm_last_error());
		if (sscanf(out->message, "insn %u", &out->insn) != 1)
			out->insn = 0;
		return -EACCES;
	}
	err = cfg_check(&env);
	if (!err)
		err = cfg_need(&env);
	if (!err) {
		env.visited = calloc(env.cnt, sizeof(*env.visited));
		env.mem_type = calloc(env.cnt, sizeof(*env.mem_type));
		env.ctx_access = calloc(env.cnt, sizeof(*env.ctx_access));
		err = env.visited && env.mem_type && env.ctx_access ? initial_state(&env, &st)
								    : -ENOMEM;
	}
	if (!err)
		err = walk(&env, st);
	if (!err)
		err = cfg_stack_depth_check(&env);
	out->insns_processed = env.processed;
	out->states = env.states;
	out->states_compared = env.compared;
	out->peak_bytes = env.mem_peak;
	if (!err) {
		out->ctx_access = env.ctx_access;
		env.ctx_access = NULL;
	}
	env_free(&env);
	out->time_ns = now_ns() - t0;
	if (err == -ENOMEM) {
		out->verdict = BPFVM_VERIFY_REJECTED;
		snprintf(out->message, sizeof(out->message), "out of memory");
		return bpfvm_errorf(-ENOMEM, "verifier: out of memory");
	}
	if (err == -EINVAL) { /* an unusable entry state */
		out->verdict = BPFVM_VERIFY_REJECTED;
		snprintf(out->message, sizeof(out->message), "%s", bpfvm_last_error());
		return err;
	}
	if (err) {
		out->verdict = BPFVM_VERIFY_REJECTED;
		return -EACCES;
	}
	out->verdict = BPFVM_VERIFY_ACCEPTED;
	return 0;
}

void bpfvm_verify_result_free(struct bpfvm_verify_result *r)
{
	free(r->ctx_access);
	r->ctx_access = NULL;
}
