/* The program's first state when the caller gives one (bpfvm_verify_entry):
 * tests that start a fragment from an abstract state — other verifiers' case
 * suites say "r1 is a packet pointer at offset 0, the packet has at least 20
 * bytes, r2 is in [0, 255]" — need it expressed in this verifier's own terms.
 * Each field maps onto exactly the register or stack kinds the walk itself
 * would produce for the same knowledge (a packet pointer checked against
 * data_end, a spilled scalar, ...), so no rule of the walk needs to know
 * where a state came from. What cannot be expressed exactly is refused with
 * -EINVAL rather than guessed. */
#include <errno.h>

#include "verify/env.h"

static int bad(int regno, const char *why)
{
	if (regno < 0)
		return bpfvm_errorf(-EINVAL, "entry state: %s", why);
	return bpfvm_errorf(-EINVAL, "entry state: r%d: %s", regno, why);
}

static int ranged_scalar(int64_t smin, int64_t smax, uint64_t umin, uint64_t umax,
			 struct scalar *out)
{
	struct scalar s = scalar_unknown();

	if (smin > smax || umin > umax)
		return -1;
	s.smin = smin;
	s.smax = smax;
	s.umin = umin;
	s.umax = umax;
	if (!scalar_sync(&s))
		return -1;
	*out = s;
	return 0;
}

/* off_min..off_max as a pointer's constant part and variable part. */
static int ptr_offset(int regno, const struct bpfvm_verify_entry_reg *e, struct reg *r)
{
	if (e->off_min > e->off_max || e->off_min < -MAX_VAR_OFF || e->off_max > MAX_VAR_OFF)
		return bad(regno, "pointer offset range empty or too wide");
	if (e->off_min == e->off_max) {
		r->off = (int32_t)e->off_min;
		r->v = scalar_const(0);
		return 0;
	}
	r->off = 0;
	if (ranged_scalar(e->off_min, e->off_max, 0, UINT64_MAX, &r->v))
		return bad(regno, "pointer offset range empty");
	return 0;
}

static int entry_reg(struct env *env, int regno, const struct bpfvm_verify_entry_reg *e,
		     struct reg *r)
{
	const struct bpfvm_verify_entry *entry = env->in->entry;

	reg_mark_scalar(r, scalar_const(0));
	switch (e->kind) {
	case BPFVM_ENTRY_NONE:
		reg_mark_not_init(r);
		return 0;
	case BPFVM_ENTRY_SCALAR:
		if (ranged_scalar(e->smin, e->smax, e->umin, e->umax, &r->v))
			return bad(regno, "no number lies in both ranges");
		return 0;
	case BPFVM_ENTRY_CTX:
		r->type = PTR_TO_CTX;
		if (e->off_min != e->off_max)
			return bad(regno, "a context pointer has a constant offset");
		return ptr_offset(regno, e, r);
	case BPFVM_ENTRY_STACK:
		r->type = PTR_TO_STACK;
		return ptr_offset(regno, e, r);
	case BPFVM_ENTRY_PACKET:
		r->type = PTR_TO_PACKET;
		if (e->off_min < 0 || e->off_max > MAX_PACKET_OFF)
			return bad(regno, "packet offsets lie in [0, 65535]");
		if (ptr_offset(regno, e, r))
			return -EINVAL;
		/* the range counts from data plus the variable part, as after
		 * a comparison: a variable part proves less */
		if (e->off_min == e->off_max) {
			r->range = entry->pkt_min;
		} else {
			r->id = env_new_id(env);
			r->range = entry->pkt_min > e->off_max ?
					   entry->pkt_min - (uint32_t)e->off_max : 0;
		}
		return 0;
	case BPFVM_ENTRY_PACKET_END:
		r->type = PTR_TO_PACKET_END;
		return 0;
	case BPFVM_ENTRY_MAP:
	case BPFVM_ENTRY_MAP_VALUE:
	case BPFVM_ENTRY_MAP_VALUE_OR_NULL:
		if (e->map >= env->in->map_cnt)
			return bad(regno, "map index out of range");
		r->map = e->map;
		if (e->kind == BPFVM_ENTRY_MAP) {
			r->type = CONST_PTR_TO_MAP;
			return 0;
		}
		r->id = env_new_id(env);
		if (e->kind == BPFVM_ENTRY_MAP_VALUE) {
			r->type = PTR_TO_MAP_VALUE;
			return ptr_offset(regno, e, r);
		}
		/* a null check turns it into a value pointer at this offset */
		r->type = PTR_TO_MAP_VALUE_OR_NULL;
		if (e->off_min != e->off_max)
			return bad(regno, "a pointer that may be null has a constant offset");
		return ptr_offset(regno, e, r);
	default:
		return bad(regno, "unknown kind");
	}
}

static int entry_value(struct frame *f, const struct bpfvm_verify_entry_value *v)
{
	int64_t end = (int64_t)v->off + v->size;
	uint32_t in_slot = (uint32_t)(v->off + BPFVM_STACK_SIZE) % SLOT_SIZE;
	struct slot *sl;
	struct scalar s;
	uint64_t umax = v->umax;

	if ((v->size != 1 && v->size != 2 && v->size != 4 && v->size != 8) ||
	    v->off < -BPFVM_STACK_SIZE || end > 0 || in_slot + v->size > SLOT_SIZE)
		return bad(-1, "a stack value lies in one 8-byte slot of the frame");
	if (v->size < 8 && umax > (1ull << (8 * v->size)) - 1)
		umax = (1ull << (8 * v->size)) - 1;
	if (ranged_scalar(v->smin, v->smax, v->umin, umax, &s))
		return bad(-1, "a stack value has no number in its ranges");
	if (frame_grow(f, v->off))
		return -ENOMEM;
	sl = stack_slot(f, v->off);
	if (sl->spill_size)
		return bad(-1, "two stack values in one slot");
	reg_mark_scalar(&sl->spill, s);
	sl->spill_off = (uint8_t)in_slot;
	sl->spill_size = (uint8_t)v->size;
	for (uint32_t i = 0; i < v->size; i++)
		sl->kind[in_slot + i] = STACK_SPILL;
	return 0;
}

int entry_state(struct env *env, struct frame *f)
{
	const struct bpfvm_verify_entry *e = env->in->entry;
	int err;

	for (int i = 0; i < BPF_MAX_REG; i++) {
		err = entry_reg(env, i, &e->regs[i], &f->regs[i]);
		if (err)
			return err;
	}
	for (int i = 0; i < BPFVM_STACK_SIZE; i++) {
		int32_t off = i - BPFVM_STACK_SIZE;

		if (!(e->stack_init[i / 64] & (1ull << (i % 64))))
			continue;
		if (frame_grow(f, off))
			return -ENOMEM;
		*stack_byte(f, off) = STACK_MISC;
	}
	for (uint32_t i = 0; i < e->value_cnt; i++) {
		err = entry_value(f, &e->values[i]);
		if (err)
			return err;
	}
	return 0;
}
