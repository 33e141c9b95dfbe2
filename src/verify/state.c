/* Allocation and copying of verifier states, the stack model, and the
 * comparison that makes pruning sound: states_equal() decides whether an
 * already-verified state covers a new one, comparing everything a later
 * instruction could read — register types and values, ids through a
 * consistent renaming, packet ranges, stack byte kinds and spills, held
 * references and locks. */
#include <stdlib.h>
#include <string.h>

#include "verify/state.h"

void reg_mark_not_init(struct reg *r)
{
	memset(r, 0, sizeof(*r));
	r->type = NOT_INIT;
	r->v = scalar_unknown();
}

void reg_mark_scalar(struct reg *r, struct scalar v)
{
	memset(r, 0, sizeof(*r));
	r->type = SCALAR;
	r->v = v;
}

void reg_mark_unknown(struct reg *r)
{
	reg_mark_scalar(r, scalar_unknown());
}

bool reg_is_pointer(const struct reg *r)
{
	return r->type != NOT_INIT && r->type != SCALAR;
}

bool reg_is_pkt(const struct reg *r)
{
	return r->type == PTR_TO_PACKET || r->type == PTR_TO_PACKET_META ||
	       r->type == PTR_TO_PACKET_END;
}

bool reg_maybe_null(const struct reg *r)
{
	return r->type == PTR_TO_MAP_VALUE_OR_NULL || r->type == PTR_TO_MEM_OR_NULL ||
	       r->type == CONST_PTR_TO_MAP_OR_NULL || r->type == PTR_TO_SOCKET_OR_NULL ||
	       r->type == PTR_TO_SOCK_COMMON_OR_NULL;
}

bool reg_is_const(const struct reg *r, uint64_t *val)
{
	if (r->type != SCALAR || !scalar_is_const(&r->v))
		return false;
	if (val)
		*val = r->v.var.value;
	return true;
}

struct frame *frame_new(uint32_t callsite, uint32_t subprog)
{
	struct frame *f = calloc(1, sizeof(*f));

	if (!f)
		return NULL;
	for (int i = 0; i < BPF_MAX_REG; i++)
		reg_mark_not_init(&f->regs[i]);
	f->callsite = callsite;
	f->subprog = subprog;
	return f;
}

void frame_free(struct frame *f)
{
	if (!f)
		return;
	free(f->slots);
	free(f);
}

int frame_grow(struct frame *f, int32_t off)
{
	uint32_t need = (uint32_t)((-(int64_t)off + SLOT_SIZE - 1) / SLOT_SIZE);
	struct slot *n;

	if (need <= f->nslots)
		return 0;
	n = realloc(f->slots, need * sizeof(*n));
	if (!n)
		return -1;
	memset(n + f->nslots, 0, (need - f->nslots) * sizeof(*n));
	f->slots = n;
	f->nslots = need;
	return 0;
}

static struct frame *frame_copy(const struct frame *f)
{
	struct frame *c = malloc(sizeof(*c));

	if (!c)
		return NULL;
	*c = *f;
	c->slots = NULL;
	if (f->nslots) {
		c->slots = malloc(f->nslots * sizeof(*c->slots));
		if (!c->slots) {
			free(c);
			return NULL;
		}
		memcpy(c->slots, f->slots, f->nslots * sizeof(*c->slots));
	}
	return c;
}

struct vstate *state_new(void)
{
	return calloc(1, sizeof(struct vstate));
}

struct vstate *state_copy(const struct vstate *s)
{
	struct vstate *c = malloc(sizeof(*c));

	if (!c)
		return NULL;
	*c = *s;
	c->refs = NULL;
	c->nframes = 0;
	c->branches = 0;
	c->hit = 0;
	c->miss = 0;
	for (uint32_t i = 0; i < s->nframes; i++) {
		c->frames[i] = frame_copy(s->frames[i]);
		if (!c->frames[i]) {
			state_free(c);
			return NULL;
		}
		c->nframes++;
	}
	if (s->nrefs) {
		c->refs = malloc(s->nrefs * sizeof(*c->refs));
		if (!c->refs) {
			state_free(c);
			return NULL;
		}
		memcpy(c->refs, s->refs, s->nrefs * sizeof(*c->refs));
	}
	c->refs_cap = s->nrefs;
	return c;
}

void state_free(struct vstate *s)
{
	if (!s)
		return;
	for (uint32_t i = 0; i < s->nframes; i++)
		frame_free(s->frames[i]);
	free(s->refs);
	free(s);
}

uint64_t state_bytes(const struct vstate *s)
{
	uint64_t n = sizeof(*s) + s->refs_cap * sizeof(uint32_t);

	for (uint32_t i = 0; i < s->nframes; i++)
		n += sizeof(struct frame) + s->frames[i]->nslots * sizeof(struct slot);
	return n;
}

struct slot *stack_slot(struct frame *f, int32_t off)
{
	uint32_t i = (uint32_t)((-(int64_t)off - 1) / SLOT_SIZE);

	return i < f->nslots ? &f->slots[i] : NULL;
}

uint8_t *stack_byte(struct frame *f, int32_t off)
{
	struct slot *sl = stack_slot(f, off);

	if (!sl)
		return NULL;
	return &sl->kind[(uint32_t)(off + BPFVM_STACK_SIZE) % SLOT_SIZE];
}

void slot_scrub(struct slot *sl)
{
	bool known = sl->spill.type == SCALAR && scalar_is_const(&sl->spill.v);
	uint64_t v = sl->spill.v.var.value;

	for (int i = 0; i < SLOT_SIZE; i++) {
		if (sl->kind[i] != STACK_SPILL)
			continue;
		if (known && ((v >> (8 * (i - sl->spill_off))) & 0xff) == 0)
			sl->kind[i] = STACK_ZERO;
		else
			sl->kind[i] = STACK_MISC;
	}
	sl->spill_size = 0;
	sl->spill_off = 0;
	reg_mark_not_init(&sl->spill);
}

void state_for_each_reg(struct vstate *s, void (*fn)(struct reg *r, void *arg), void *arg)
{
	for (uint32_t i = 0; i < s->nframes; i++) {
		struct frame *f = s->frames[i];

		for (int r = 0; r < BPF_MAX_REG; r++)
			fn(&f->regs[r], arg);
		for (uint32_t k = 0; k < f->nslots; k++)
			if (f->slots[k].spill_size)
				fn(&f->slots[k].spill, arg);
	}
}

/* ---- pruning ---- */

#define IDMAP_MAX 1024

struct idmap {
	uint32_t old[IDMAP_MAX], cur[IDMAP_MAX];
	uint32_t n;
	uint32_t fresh; /* temporary ids for unlinked scalars of cur */
};

/* Old and cur ids must correspond one to one. */
static bool check_ids(struct idmap *m, uint32_t old, uint32_t cur)
{
	for (uint32_t i = 0; i < m->n; i++) {
		if (m->old[i] == old)
			return m->cur[i] == cur;
		if (m->cur[i] == cur)
			return false;
	}
	if (m->n == IDMAP_MAX)
		return false;
	m->old[m->n] = old;
	m->cur[m->n] = cur;
	m->n++;
	return true;
}

static bool regsafe(const struct reg *o, const struct reg *c, struct idmap *m, bool exact,
		    bool needed)
{
	if (o->type == NOT_INIT)
		return !exact || c->type == NOT_INIT;
	if (o->type != c->type)
		return false;
	if (o->type == SCALAR && !needed)
		return true;
	if (o->type == SCALAR) {
		if (exact ? !scalar_equal(&o->v, &c->v) : !scalar_in(&o->v, &c->v))
			return false;
		if (!o->id)
			return !exact || !c->id;
		if (o->delta != (c->id ? c->delta : 0))
			return false;
		return check_ids(m, o->id, c->id ? c->id : 0x80000000u + m->fresh++);
	}
	if (o->off != c->off || o->map != c->map || o->frameno != c->frameno)
		return false;
	if (exact ? !scalar_equal(&o->v, &c->v) : !scalar_in(&o->v, &c->v))
		return false;
	switch (o->type) {
	case PTR_TO_PACKET:
	case PTR_TO_PACKET_META:
		if (exact ? o->range != c->range : o->range > c->range)
			return false;
		break;
	case PTR_TO_MEM:
	case PTR_TO_MEM_OR_NULL:
		if (o->range != c->range)
			return false;
		break;
	default:
		break;
	}
	if (!check_ids(m, o->id, c->id))
		return false;
	if ((o->ref_id || c->ref_id) && !check_ids(m, o->ref_id, c->ref_id))
		return false;
	return true;
}

static bool byte_safe(uint8_t ok, uint8_t ck, const struct slot *cs, bool exact)
{
	if (exact)
		return ok == ck;
	switch (ok) {
	case STACK_INVALID:
		return true;
	case STACK_MISC:
		return ck == STACK_MISC || ck == STACK_ZERO ||
		       (ck == STACK_SPILL && cs->spill.type == SCALAR);
	case STACK_ZERO:
		return ck == STACK_ZERO;
	default:
		return ck == STACK_SPILL;
	}
}

/* A byte of a slot whose value does not matter: any initialised scalar byte
 * stands for any other. */
static bool byte_safe_untyped(uint8_t ok, const struct slot *os, uint8_t ck, const struct slot *cs)
{
	bool old_scalar = ok == STACK_MISC || ok == STACK_ZERO ||
			  (ok == STACK_SPILL && os->spill.type == SCALAR);

	if (ok == STACK_INVALID)
		return true;
	if (!old_scalar)
		return ck == STACK_SPILL;
	return ck == STACK_MISC || ck == STACK_ZERO ||
	       (ck == STACK_SPILL && cs->spill.type == SCALAR);
}

static bool slot_safe(const struct slot *os, const struct slot *cs, struct idmap *m, bool exact,
		      bool needed)
{
	for (int b = 0; b < SLOT_SIZE; b++) {
		bool ok = needed ? byte_safe(os->kind[b], cs->kind[b], cs, exact) :
				   byte_safe_untyped(os->kind[b], os, cs->kind[b], cs);

		if (!ok)
			return false;
	}
	if (os->spill_size && (needed || os->spill.type != SCALAR)) {
		if (cs->spill_size != os->spill_size || cs->spill_off != os->spill_off)
			return false;
		if (!regsafe(&os->spill, &cs->spill, m, exact, true))
			return false;
	} else if (exact && cs->spill_size) {
		return false;
	}
	return true;
}

/* Ids of old's scalars whose values matter: a comparison of a copy sharing
 * the id refines them, so the copies are compared too, whether their own
 * values matter or not. */
#define LINKED_MAX 256

struct linked {
	uint32_t id[LINKED_MAX];
	uint32_t n;
	bool all; /* too many to list: every scalar with an id */
};

static void linked_add(struct linked *l, const struct reg *r)
{
	if (r->type != SCALAR || !r->id || l->all)
		return;
	for (uint32_t i = 0; i < l->n; i++)
		if (l->id[i] == r->id)
			return;
	if (l->n == LINKED_MAX)
		l->all = true;
	else
		l->id[l->n++] = r->id;
}

static bool linked_has(const struct linked *l, const struct reg *r)
{
	if (r->type != SCALAR || !r->id)
		return false;
	if (l->all)
		return true;
	for (uint32_t i = 0; i < l->n; i++)
		if (l->id[i] == r->id)
			return true;
	return false;
}

struct frame_masks {
	uint16_t need, live;
	uint64_t need_slots, live_slots;
};

static bool frame_safe(const struct frame *o, const struct frame *c, struct idmap *m, bool exact,
		       const struct frame_masks *fm, const struct linked *l)
{
	static const struct slot empty;

	if (o->callsite != c->callsite || o->subprog != c->subprog || o->callback != c->callback ||
	    o->cb_ret_min != c->cb_ret_min || o->cb_ret_max != c->cb_ret_max ||
	    o->cb_refs != c->cb_refs)
		return false;
	for (int r = 0; r < BPF_MAX_REG; r++)
		if ((fm->live & (1u << r)) &&
		    !regsafe(&o->regs[r], &c->regs[r], m, exact,
			     (fm->need & (1u << r)) || linked_has(l, &o->regs[r])))
			return false;
	for (uint32_t k = 0; k < o->nslots || (exact && k < c->nslots); k++) {
		const struct slot *os = k < o->nslots ? &o->slots[k] : &empty;
		const struct slot *cs = k < c->nslots ? &c->slots[k] : &empty;
		bool needed = exact || (fm->need_slots & (1ull << k)) ||
			      (os->spill_size && linked_has(l, &os->spill));

		if (!exact && !(fm->live_slots & (1ull << k)))
			continue;
		if (!slot_safe(os, cs, m, exact, needed))
			return false;
	}
	return true;
}

bool states_equal(const struct vstate *old, const struct vstate *cur, bool exact,
		  const struct prune_masks *pm)
{
	static _Thread_local struct idmap m;
	static _Thread_local struct linked l;
	struct frame_masks fm[BPFVM_MAX_CALL_DEPTH];
	const uint16_t *need = exact ? pm->need : pm->lazy_need;
	const uint64_t *need_slots = exact ? pm->need_slots : pm->lazy_need_slots;

	if (old->nframes != cur->nframes || old->nrefs != cur->nrefs ||
	    old->lock_map != cur->lock_map)
		return false;
	m.n = 0;
	m.fresh = 0;
	l.n = 0;
	l.all = false;
	if (old->lock_map && !check_ids(&m, old->lock_id, cur->lock_id))
		return false;
	for (uint32_t i = 0; i < old->nframes; i++) {
		const struct frame *f = old->frames[i];
		/* a caller's r0-r5 are overwritten when its callee returns */
		bool top = i + 1 == old->nframes;
		uint32_t at = top ? cur->insn : old->frames[i + 1]->callsite + 1;
		/* a caller's stack as its callee found it: what the rest of the
		 * caller and the callee (through pointers it was given) use */
		uint32_t sat = top ? cur->insn : old->frames[i + 1]->callsite;

		if (i + 1 < old->nframes && old->frames[i + 1]->callsite != cur->frames[i + 1]->callsite)
			return false;
		fm[i].need = need[at] & (top ? 0xffff : 0x3c0);
		/* r10 is always live: it is the frame */
		fm[i].live = (uint16_t)((pm->live[at] & (top ? 0xffff : 0x3c0)) | (1u << 10));
		fm[i].need_slots = need_slots[sat];
		fm[i].live_slots = pm->live_slots[sat];
		if (exact)
			continue;
		for (int r = 0; r < BPF_MAX_REG; r++)
			if (fm[i].live & fm[i].need & (1u << r))
				linked_add(&l, &f->regs[r]);
		for (uint32_t k = 0; k < f->nslots; k++)
			if ((fm[i].live_slots & fm[i].need_slots & (1ull << k)) && f->slots[k].spill_size)
				linked_add(&l, &f->slots[k].spill);
	}
	for (uint32_t i = 0; i < old->nframes; i++)
		if (!frame_safe(old->frames[i], cur->frames[i], &m, exact, &fm[i], &l))
			return false;
	/* every reference old holds maps to one cur holds */
	for (uint32_t i = 0; i < old->nrefs; i++) {
		bool found = false;

		for (uint32_t j = 0; j < m.n; j++)
			if (m.old[j] == old->refs[i]) {
				for (uint32_t k = 0; k < cur->nrefs; k++)
					found |= cur->refs[k] == m.cur[j];
				break;
			}
		if (!found)
			return false;
	}
	return true;
}

static uint64_t mix(uint64_t h, uint64_t v)
{
	h ^= v + 0x9e3779b97f4a7c15ull + (h << 6) + (h >> 2);
	return h;
}

uint64_t state_hash(const struct vstate *st, const struct prune_masks *pm)
{
	uint64_t h = st->nframes;

	for (uint32_t i = 0; i < st->nframes; i++) {
		const struct frame *f = st->frames[i];
		bool top = i + 1 == st->nframes;
		uint32_t at = top ? st->insn : st->frames[i + 1]->callsite + 1;
		uint16_t nd = pm->need[at] & (top ? 0xffff : 0x3c0);
		uint16_t lv = pm->live[at] & (top ? 0xffff : 0x3c0);

		h = mix(h, f->callsite);
		for (int r = 0; r < BPF_MAX_REG; r++) {
			const struct reg *g = &f->regs[r];

			if (!(lv & (1u << r)))
				continue;
			h = mix(h, g->type);
			if (g->type == SCALAR && !(nd & (1u << r)))
				continue;
			h = mix(h, (uint64_t)(uint32_t)g->off ^ ((uint64_t)g->range << 32));
			h = mix(h, g->v.var.value ^ g->v.var.mask);
			h = mix(h, g->v.umin ^ g->v.umax);
			h = mix(h, (uint64_t)g->v.smin ^ (uint64_t)g->v.smax);
		}
		/* exact comparison takes the whole stack: so does the hash,
		 * skipping never-written slots, which equal missing ones */
		for (uint32_t k = 0; k < f->nslots; k++) {
			const struct slot *sl = &f->slots[k];
			uint64_t kinds = 0;

			for (int b = 0; b < SLOT_SIZE; b++)
				kinds |= (uint64_t)sl->kind[b] << (8 * b);
			if (!kinds && !sl->spill_size)
				continue;
			h = mix(h, k);
			h = mix(h, kinds);
			if (!sl->spill_size)
				continue;
			h = mix(h, sl->spill.type | (uint64_t)sl->spill_off << 8 |
					   (uint64_t)sl->spill_size << 16);
			h = mix(h, sl->spill.v.var.value ^ sl->spill.v.var.mask);
			h = mix(h, sl->spill.v.umin ^ sl->spill.v.umax);
		}
	}
	return h;
}
