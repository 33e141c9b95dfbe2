/* Rewriting context accesses at load time, as the kernel's convert_ctx_access.
 *
 * Programs read struct xdp_md.data (and __sk_buff.data, ...) as 32-bit fields,
 * but in a 64-bit address space the packet lies anywhere. The runtime context
 * therefore carries real 64-bit pointers after the UAPI bytes, and each load of
 * such a field is turned into a 64-bit load of the real pointer (same register,
 * same slot: `r2 = *(u32 *)(r1 + 0)` becomes `r2 = *(u64 *)(r1 + 24)`).
 *
 * That needs to know which loads have the context as their base. This pass
 * finds out with a small forward dataflow over registers and stack slots that
 * tracks only "is this the context pointer (at a known offset)" and "is this a
 * pointer into the current stack frame (at a known offset)". It is sound by
 * refusal: an access whose base may or may not be the context is rejected, so a
 * load is never left unrewritten while another path sees the context there.
 * Every context access is also checked against the program type's field table. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "isa/opcodes.h"
#include "progtype/ctx_rewrite.h"
#include "util/error.h"

enum { NO = 0, YES = 1, MAYBE = 2, FOREIGN = 3 };

/* What a register or stack slot may hold. `ctx`: NO, YES (at ctx_off) or
 * MAYBE. `fp`: NO, YES (this frame at fp_off), MAYBE (this frame, unknown
 * offset, or a merge with something else) or FOREIGN (a caller's frame). */
struct val {
	uint8_t ctx, fp;
	int32_t ctx_off, fp_off;
};

#define SLOTS (BPFVM_STACK_SIZE / 8)

struct state {
	bool reached;
	struct val r[11];
	struct val slot[SLOTS];
};

struct analysis {
	const struct bpfvm_insn *insns;
	uint32_t cnt;
	struct state *st;      /* state before each instruction */
	uint32_t *work;        /* worklist of instruction indices */
	uint8_t *queued;
	uint32_t nwork;
	uint32_t *func_of;     /* entry index of the function of each insn */
	struct val *ret;       /* per function entry: merged r0 at its exits */
	bool ctx_spilled;      /* some 8-byte store put a context pointer in memory */
	int8_t *access;        /* result: 1 = this insn accesses the context */
	int32_t *access_off;
};

static const struct val scalar;

static struct val val_join(struct val a, struct val b)
{
	struct val v = { 0 };

	if (a.ctx == b.ctx && (a.ctx != YES || a.ctx_off == b.ctx_off)) {
		v.ctx = a.ctx;
		v.ctx_off = a.ctx_off;
	} else {
		v.ctx = (a.ctx || b.ctx) ? MAYBE : NO;
	}
	if (a.fp == b.fp && (a.fp != YES || a.fp_off == b.fp_off)) {
		v.fp = a.fp;
		v.fp_off = a.fp_off;
	} else {
		v.fp = (a.fp || b.fp) ? MAYBE : NO;
	}
	return v;
}

static bool val_eq(struct val a, struct val b)
{
	return a.ctx == b.ctx && a.fp == b.fp && (a.ctx != YES || a.ctx_off == b.ctx_off) &&
	       (a.fp != YES || a.fp_off == b.fp_off);
}

static void push(struct analysis *a, uint32_t idx)
{
	if (!a->queued[idx]) {
		a->queued[idx] = 1;
		a->work[a->nwork++] = idx;
	}
}

/* Merges `in` into the state before `idx`; queues idx when it changed. */
static void flow(struct analysis *a, uint32_t idx, const struct state *in)
{
	struct state *s = &a->st[idx];
	bool changed = false;

	if (!s->reached) {
		*s = *in;
		s->reached = true;
		push(a, idx);
		return;
	}
	for (int i = 0; i < 11; i++) {
		struct val j = val_join(s->r[i], in->r[i]);

		changed |= !val_eq(j, s->r[i]);
		s->r[i] = j;
	}
	for (int i = 0; i < SLOTS; i++) {
		struct val j = val_join(s->slot[i], in->slot[i]);

		changed |= !val_eq(j, s->slot[i]);
		s->slot[i] = j;
	}
	if (changed)
		push(a, idx);
}

static void entry_state(struct state *s, const struct val args[5])
{
	memset(s, 0, sizeof(*s));
	s->reached = true;
	for (int i = 0; i < 5; i++)
		s->r[i + 1] = args[i];
	s->r[10].fp = YES;
}

/* A load through a pointer to a caller's frame may return a spilled context
 * pointer if any code ever spilled one. */
static struct val foreign_load(const struct analysis *a, int size)
{
	struct val v = { 0 };

	if (size == 8 && a->ctx_spilled)
		v.ctx = v.fp = MAYBE;
	return v;
}

static int slot_of(int32_t fp_off, int16_t off)
{
	int32_t o = fp_off + off;

	if (o >= 0 || o < -BPFVM_STACK_SIZE || (o & 7))
		return -1;
	return (o + BPFVM_STACK_SIZE) / 8;
}

static struct val load(const struct analysis *a, const struct state *s, struct val base,
		       int16_t off, int size)
{
	struct val v = { 0 };

	if (size != 8)
		return scalar;
	switch (base.fp) {
	case YES: {
		int k = slot_of(base.fp_off, off);

		return k < 0 ? scalar : s->slot[k];
	}
	case MAYBE:
		for (int k = 0; k < SLOTS; k++)
			v = val_join(v, s->slot[k]);
		return val_join(v, foreign_load(a, size));
	case FOREIGN:
		return foreign_load(a, size);
	}
	return scalar;
}

static void store(struct analysis *a, struct state *s, struct val base, int16_t off, int size,
		  struct val v)
{
	if (size != 8)
		v = scalar;
	if (v.ctx)
		a->ctx_spilled = true;
	if (base.fp == YES) {
		int32_t o = base.fp_off + off;

		/* Every slot the store touches; only an aligned 8-byte store
		 * keeps the value. */
		for (int32_t b = o; b < o + size; b += 1) {
			if (b < -BPFVM_STACK_SIZE || b >= 0)
				continue;
			s->slot[(b + BPFVM_STACK_SIZE) / 8] =
				(size == 8 && !(o & 7)) ? v : scalar;
		}
	} else if (base.fp == MAYBE) {
		for (int k = 0; k < SLOTS; k++)
			s->slot[k] = val_join(s->slot[k], v);
	}
}

static struct val alu64(struct val d, struct val s, int op, bool reg, int32_t imm)
{
	struct val v = { 0 };

	if (op == BPF_MOV)
		return reg ? s : scalar;
	if (op != BPF_ADD && op != BPF_SUB)
		goto pointer_lost;
	if (!reg) {
		int32_t delta = op == BPF_ADD ? imm : -imm;

		v = d;
		if (v.ctx == YES)
			v.ctx_off += delta;
		if (v.fp == YES)
			v.fp_off += delta;
		return v;
	}
	if (!s.ctx && !s.fp) {
		/* pointer +- unknown scalar: the offset is lost */
		v.ctx = d.ctx ? MAYBE : NO;
		v.fp = d.fp == FOREIGN ? FOREIGN : d.fp ? MAYBE : NO;
		return v;
	}
pointer_lost:
	v.ctx = (d.ctx || s.ctx) ? MAYBE : NO;
	v.fp = (d.fp || s.fp) ? MAYBE : NO;
	return v;
}

static int record_access(struct analysis *a, uint32_t i, int base_reg, struct val base, int size,
			 bool write, const struct bpfvm_progtype *pt, uint32_t attach_type)
{
	const struct bpfvm_insn *in = &a->insns[i];
	const char *why;
	int32_t off;

	if (base.ctx == NO)
		return 0;
	if (base.ctx == MAYBE)
		return bpfvm_errorf(-EACCES, "insn %u: cannot tell whether r%d is the context "
				    "pointer here (it is on some paths)", i, base_reg);
	off = base.ctx_off + in->off;
	if (BPF_MODE(in->code) == BPF_ATOMIC)
		return bpfvm_errorf(-EACCES, "insn %u: atomic operation on the context", i);
	if (off < 0 || !bpfvm_progtype_ctx_access_ok(pt, attach_type, (uint32_t)off,
						      (uint32_t)size, write, &why))
		return bpfvm_errorf(-EACCES, "insn %u: invalid %s context access of %d bytes at "
				    "offset %d of %s's context: %s", i, write ? "write" : "read",
				    size, off, pt->name, off < 0 ? "negative offset" : why);
	if (a->access[i] && a->access_off[i] != off)
		return bpfvm_errorf(-EACCES, "insn %u: accesses the context at offsets %d and %d "
				    "on different paths", i, a->access_off[i], off);
	a->access[i] = 1;
	a->access_off[i] = off;
	return 0;
}

static const int size_bytes[4] = { 4, 2, 1, 8 }; /* by BPF_SIZE >> 3 */

/* Applies instruction i to a copy of its state and propagates to successors. */
static int step(struct analysis *a, uint32_t i, const struct bpfvm_progtype *pt,
		uint32_t attach_type)
{
	const struct bpfvm_insn *in = &a->insns[i];
	struct state s = a->st[i];
	int cls = BPF_CLASS(in->code), op = BPF_OP(in->code), err;
	bool reg = BPF_SRC(in->code) == BPF_X;

	switch (cls) {
	case BPF_ALU64:
		if (op == BPF_END || op == BPF_NEG || (op == BPF_MOV && reg && in->off))
			s.r[in->dst_reg] = scalar;
		else
			s.r[in->dst_reg] = alu64(s.r[in->dst_reg], s.r[in->src_reg], op, reg, in->imm);
		break;
	case BPF_ALU:
		s.r[in->dst_reg] = scalar;
		break;
	case BPF_LD:
		s.r[in->dst_reg] = scalar;
		flow(a, i + 2, &s);
		return 0;
	case BPF_LDX: {
		struct val base = s.r[in->src_reg];
		int size = size_bytes[BPF_SIZE(in->code) >> 3];

		if ((err = record_access(a, i, in->src_reg, base, size, false, pt, attach_type)))
			return err;
		s.r[in->dst_reg] = load(a, &s, base, in->off, size);
		break;
	}
	case BPF_ST:
	case BPF_STX: {
		struct val base = s.r[in->dst_reg];
		int size = size_bytes[BPF_SIZE(in->code) >> 3];

		if ((err = record_access(a, i, in->dst_reg, base, size, true, pt, attach_type)))
			return err;
		if (cls == BPF_STX && BPF_MODE(in->code) == BPF_ATOMIC) {
			store(a, &s, base, in->off, size, scalar);
			if (in->imm & BPF_FETCH)
				s.r[in->imm == BPF_CMPXCHG ? 0 : in->src_reg] = scalar;
		} else {
			store(a, &s, base, in->off, size, cls == BPF_STX ? s.r[in->src_reg] : scalar);
		}
		break;
	}
	case BPF_JMP:
	case BPF_JMP32:
		if (op == BPF_EXIT) {
			uint32_t f = a->func_of[i];
			struct val r0 = s.r[0];

			r0.fp = NO; /* a returned frame pointer is dead (the verifier forbids it) */
			if (!val_eq(val_join(a->ret[f], r0), a->ret[f])) {
				a->ret[f] = val_join(a->ret[f], r0);
				/* re-run every call site of f */
				for (uint32_t c = 0; c < a->cnt; c++)
					if (a->insns[c].code == (BPF_JMP | BPF_CALL) &&
					    a->insns[c].src_reg == BPF_PSEUDO_CALL &&
					    c + 1 + a->insns[c].imm == f && a->st[c].reached)
						push(a, c);
			}
			return 0;
		}
		if (op == BPF_CALL) {
			if (!reg && in->src_reg == BPF_PSEUDO_CALL) {
				uint32_t target = i + 1 + in->imm;
				struct val args[5];
				struct state callee;
				bool fp_arg = false, ctx_arg = false;

				for (int k = 0; k < 5; k++) {
					args[k] = s.r[k + 1];
					if (args[k].fp) {
						fp_arg = true;
						args[k].fp = FOREIGN;
					}
					ctx_arg |= args[k].ctx != NO;
				}
				entry_state(&callee, args);
				flow(a, target, &callee);
				/* The callee may write through pointers into
				 * this frame: a spilled context pointer may be
				 * gone, and it may have stored one. */
				for (int k = 0; k < SLOTS && fp_arg; k++)
					if (s.slot[k].ctx || (ctx_arg && a->ctx_spilled))
						s.slot[k].ctx = MAYBE;
				s.r[0] = a->ret[target];
			} else {
				s.r[0] = scalar;
			}
			for (int k = 1; k <= 5; k++)
				s.r[k] = scalar;
			break;
		}
		if (op == BPF_JA) {
			flow(a, i + 1 + (cls == BPF_JMP32 ? in->imm : in->off), &s);
			return 0;
		}
		flow(a, i + 1 + in->off, &s);
		break;
	}
	if (i + 1 < a->cnt)
		flow(a, i + 1, &s);
	return 0;
}

/* Marks the function each instruction belongs to: entries are 0, the
 * targets of bpf-to-bpf calls and of callback references. */
static void find_functions(struct analysis *a, uint8_t *is_entry)
{
	uint32_t f = 0;

	is_entry[0] = 1;
	for (uint32_t i = 0; i < a->cnt; i++) {
		const struct bpfvm_insn *in = &a->insns[i];

		if ((in->code == (BPF_JMP | BPF_CALL) && in->src_reg == BPF_PSEUDO_CALL) ||
		    (in->code == (BPF_LD | BPF_IMM | BPF_DW) && in->src_reg == BPF_PSEUDO_FUNC))
			is_entry[i + 1 + in->imm] = 1;
	}
	for (uint32_t i = 0; i < a->cnt; i++) {
		if (is_entry[i])
			f = i;
		a->func_of[i] = f;
	}
}

static int analyse(struct analysis *a, const struct bpfvm_progtype *pt, uint32_t attach_type)
{
	uint8_t *is_entry = calloc(a->cnt, 1);
	const struct val ctx = { .ctx = YES };
	struct val args[5] = { ctx };
	struct state s;
	int err = 0;

	if (!is_entry)
		return bpfvm_errorf(-ENOMEM, "out of memory");
	find_functions(a, is_entry);
	entry_state(&s, args);
	flow(a, 0, &s);
	/* Callbacks (bpf_loop, for_each_map_elem) get scalars and pointers to
	 * their caller's frame, never the context. */
	for (uint32_t i = 1; i < a->cnt; i++) {
		if (!is_entry[i])
			continue;
		for (uint32_t c = 0; c < a->cnt; c++) {
			const struct bpfvm_insn *in = &a->insns[c];

			if (in->code == (BPF_LD | BPF_IMM | BPF_DW) &&
			    in->src_reg == BPF_PSEUDO_FUNC && c + 1 + in->imm == i) {
				struct val cb_args[5];

				for (int k = 0; k < 5; k++)
					cb_args[k] = (struct val){ .fp = FOREIGN };
				entry_state(&s, cb_args);
				flow(a, i, &s);
				break;
			}
		}
	}
	while (a->nwork && !err) {
		uint32_t i = a->work[--a->nwork];

		a->queued[i] = 0;
		err = step(a, i, pt, attach_type);
	}
	free(is_entry);
	return err;
}

/* ctx_spilled only grows, and answers given before it grew may be too
 * optimistic: run again from scratch, with it set, until it is stable. */
static int analyse_to_fixpoint(struct analysis *a, const struct bpfvm_progtype *pt,
			       uint32_t attach_type)
{
	for (;;) {
		bool spilled = a->ctx_spilled;
		int err;

		memset(a->st, 0, (a->cnt + 1) * sizeof(*a->st));
		memset(a->ret, 0, a->cnt * sizeof(*a->ret));
		memset(a->access, 0, a->cnt);
		if ((err = analyse(a, pt, attach_type)))
			return err;
		if (a->ctx_spilled == spilled)
			return 0;
	}
}

static int rewrite(struct bpfvm_insn *insns, uint32_t cnt, const struct analysis *a,
		   const struct bpfvm_progtype *pt)
{
	for (uint32_t i = 0; i < cnt; i++) {
		const struct bpfvm_ctx_field *f;

		if (!a->access[i])
			continue;
		f = bpfvm_progtype_field(pt, (uint32_t)a->access_off[i]);
		if (!f || f->kind == CTX_FIELD_SCALAR)
			continue;
		if (BPF_CLASS(insns[i].code) != BPF_LDX)
			return bpfvm_errorf(-EACCES, "insn %u: write to the packet pointer field %s",
					    i, f->name);
		insns[i].code = BPF_LDX | BPF_MEM | BPF_DW;
		insns[i].off = (int16_t)(f->runtime_off - (a->access_off[i] - insns[i].off));
	}
	return 0;
}

int bpfvm_ctx_rewrite(struct bpfvm_insn *insns, uint32_t cnt, const struct bpfvm_progtype *pt,
		      uint32_t attach_type)
{
	struct analysis a = { .insns = insns, .cnt = cnt };
	int err = -ENOMEM;

	a.st = calloc(cnt + 1, sizeof(*a.st));
	a.work = calloc(cnt + 1, sizeof(*a.work));
	a.queued = calloc(cnt + 1, 1);
	a.func_of = calloc(cnt, sizeof(*a.func_of));
	a.ret = calloc(cnt, sizeof(*a.ret));
	a.access = calloc(cnt, 1);
	a.access_off = calloc(cnt, sizeof(*a.access_off));
	if (!a.st || !a.work || !a.queued || !a.func_of || !a.ret || !a.access || !a.access_off)
		err = bpfvm_errorf(-ENOMEM, "out of memory analysing %u instructions", cnt);
	else
		err = analyse_to_fixpoint(&a, pt, attach_type);
	if (!err)
		err = rewrite(insns, cnt, &a, pt);
	free(a.st);
	free(a.work);
	free(a.queued);
	free(a.func_of);
	free(a.ret);
	free(a.access);
	free(a.access_off);
	return err;
}
