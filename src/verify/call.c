/* Calls and exits: helper calls checked against the helper table (argument
 * kinds, memory sizes from the map definitions, allowed for the program type),
 * their effects (return types, acquired and released references: ring-buffer
 * records and sockets; spin locks; packet pointers forgotten after helpers that
 * may move the packet), callbacks verified as functions, bpf-to-bpf calls with
 * their own frames, and the exit rules: r0 set and in the program type's
 * range, nothing held. */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "isa/opcodes.h"
#include "verify/env.h"

#define MAP_TYPE_ARRAY 2
#define MAP_TYPE_PERCPU_ARRAY 6
#define MAP_TYPE_ARRAY_OF_MAPS 12
#define MAP_TYPE_HASH_OF_MAPS 13
#define HELPER_LOOP 181
#define HELPER_FOR_EACH_MAP_ELEM 164
#define MAX_ERRNO 4095

struct call_meta {
	const struct bpfvm_helper_proto *proto;
	int map;               /* ARG_CONST_MAP_PTR's map, -1 none */
	int mem_arg;           /* register of the pending memory argument, 0 none */
	uint32_t release_ref;
	int64_t alloc_size;
	uint64_t size_max;     /* the last size argument's upper bound */
	int cb_insn;           /* ARG_PTR_TO_FUNC target, -1 none */
	struct reg cb_ctx;     /* ARG_PTR_TO_STACK_OR_NULL */
	struct reg args[6];    /* r1-r5 as passed */
	uint32_t lock_id;
	bool key_known;        /* ARG_PTR_TO_MAP_KEY points to a known constant */
	uint64_t key;
};

struct ref_kill {
	uint32_t ref;
	bool pkt;
};

static bool kill_match(const struct reg *r, const struct ref_kill *k)
{
	return k->pkt ? (r->type == PTR_TO_PACKET || r->type == PTR_TO_PACKET_META ||
			 r->type == PTR_TO_PACKET_END) :
			r->ref_id == k->ref;
}

/* Forgets registers and spills that point to released or moved memory. */
static void kill_regs(struct vstate *st, const struct ref_kill *k)
{
	for (uint32_t i = 0; i < st->nframes; i++) {
		struct frame *f = st->frames[i];

		for (int r = 0; r < BPF_MAX_REG; r++)
			if (kill_match(&f->regs[r], k))
				reg_mark_not_init(&f->regs[r]);
		for (uint32_t s = 0; s < f->nslots; s++) {
			struct slot *sl = &f->slots[s];

			if (!sl->spill_size || !kill_match(&sl->spill, k))
				continue;
			for (int b = 0; b < SLOT_SIZE; b++)
				if (sl->kind[b] == STACK_SPILL)
					sl->kind[b] = STACK_INVALID;
			sl->spill_size = 0;
			reg_mark_not_init(&sl->spill);
		}
	}
}

static int add_ref(struct vstate *st, uint32_t id)
{
	if (st->nrefs == st->refs_cap) {
		uint32_t cap = st->refs_cap ? st->refs_cap * 2 : 4;
		uint32_t *n = realloc(st->refs, cap * sizeof(*n));

		if (!n)
			return -ENOMEM;
		st->refs = n;
		st->refs_cap = cap;
	}
	st->refs[st->nrefs++] = id;
	return 0;
}

/* Remembers which instruction acquired reference `id`, for messages. */
static int note_acquired(struct env *env, uint32_t id, uint32_t insn)
{
	if (env->nacquired == env->acquired_cap) {
		uint32_t cap = env->acquired_cap ? env->acquired_cap * 2 : 16;
		struct acquired *n = realloc(env->acquired, cap * sizeof(*n));

		if (!n)
			return -ENOMEM;
		env->acquired = n;
		env->acquired_cap = cap;
	}
	env->acquired[env->nacquired++] = (struct acquired){ id, insn };
	return 0;
}

static const struct acquired *find_acquired(const struct env *env, uint32_t ref)
{
	for (uint32_t i = 0; i < env->nacquired; i++)
		if (env->acquired[i].ref == ref)
			return &env->acquired[i];
	return NULL;
}

static const struct bpfvm_helper_proto *acquired_by(const struct env *env, uint32_t ref)
{
	const struct acquired *a = find_acquired(env, ref);

	return a ? env->proto(env->insns[a->insn].imm) : NULL;
}

const char *ref_kind_name(const struct env *env, uint32_t ref)
{
	const struct bpfvm_helper_proto *p = acquired_by(env, ref);

	if (p && (p->ret == RET_PTR_TO_SOCKET_OR_NULL || p->ret == RET_PTR_TO_SOCK_COMMON_OR_NULL))
		return "socket";
	return "ring buffer record";
}

static bool has_ref(const struct vstate *st, uint32_t id)
{
	for (uint32_t i = 0; i < st->nrefs; i++)
		if (st->refs[i] == id)
			return true;
	return false;
}

static int arg_error(struct env *env, uint32_t insn, const struct call_meta *m, int regno,
		     const char *what)
{
	char b[256];

	reg_format(env, &m->args[regno], b, sizeof(b));
	return verr(env, insn, "%s: argument r%d must be %s, but is %s", m->proto->name, regno,
		    what, b);
}

static bool is_null(const struct reg *r)
{
	return reg_is_const(r, NULL) && r->v.var.value == 0;
}

static int check_size_arg(struct env *env, struct vstate *st, uint32_t insn, struct call_meta *m,
			  int regno, bool zero_ok)
{
	const struct reg *r = &m->args[regno];
	const struct reg *mem;
	int mt;

	if (r->type != SCALAR)
		return arg_error(env, insn, m, regno, "a scalar size");
	if (!m->mem_arg || m->mem_arg != regno - 1)
		return verr(env, insn, "%s: size argument r%d follows no memory argument",
			    m->proto->name, regno);
	if (r->v.umax > MAX_VAR_OFF)
		return arg_error(env, insn, m, regno, "a bounded size");
	if (r->v.umin == 0 && !zero_ok)
		return arg_error(env, insn, m, regno, "a size greater than 0");
	m->size_max = r->v.umax;
	mem = &m->args[m->mem_arg];
	mt = m->proto->args[m->mem_arg - 1];
	if (mt == ARG_PTR_TO_MEM_OR_NULL && is_null(mem)) {
		if (r->v.umax != 0)
			return arg_error(env, insn, m, regno, "0 when the memory is null");
		return 0;
	}
	/* Read-write memory must be initialised first, then is what the helper
	 * may have written. */
	if (mt == ARG_PTR_TO_MEM_RW) {
		int err = check_helper_mem(env, st, insn, m->mem_arg, mem, r->v.umin, r->v.umax,
					   false, zero_ok);

		if (err)
			return err;
	}
	return check_helper_mem(env, st, insn, m->mem_arg, mem, r->v.umin, r->v.umax,
				mt == ARG_PTR_TO_UNINIT_MEM || mt == ARG_PTR_TO_MEM_RW, zero_ok);
}

static int check_arg(struct env *env, struct vstate *st, uint32_t insn, struct call_meta *m,
		     int regno)
{
	const struct bpfvm_helper_proto *p = m->proto;
	int kind = p->args[regno - 1];
	struct reg *r = &m->args[regno];
	const struct bpfvm_verify_map *map = m->map >= 0 ? &env->in->maps[m->map] : NULL;

	if (kind == ARG_DONTCARE)
		return 0;
	if (r->type == NOT_INIT)
		return verr(env, insn, "%s: argument r%d is not initialised", p->name, regno);
	switch (kind) {
	case ARG_ANYTHING:
		return 0;
	case ARG_CONST_MAP_PTR:
		if (r->type != CONST_PTR_TO_MAP)
			return arg_error(env, insn, m, regno, "a map");
		m->map = (int)r->map;
		map = &env->in->maps[m->map];
		if (p->map_types && (map->type >= 64 || !(p->map_types & (1ull << map->type))))
			return verr(env, insn, "%s does not accept map %u of type %u", p->name, r->map,
				    map->type);
		return 0;
	case ARG_PTR_TO_MAP_KEY:
	case ARG_PTR_TO_MAP_VALUE:
	case ARG_PTR_TO_UNINIT_MAP_VALUE: {
		uint32_t size;

		if (!map)
			return verr(env, insn, "%s: r%d needs a map argument before it", p->name, regno);
		size = kind == ARG_PTR_TO_MAP_KEY ? map->key_size : map->value_size;
		if (kind == ARG_PTR_TO_MAP_KEY && size <= 8)
			m->key_known = stack_const(st, r, size, &m->key);
		return check_helper_mem(env, st, insn, regno, r, size, size,
					kind == ARG_PTR_TO_UNINIT_MAP_VALUE, false);
	}
	case ARG_PTR_TO_MEM:
	case ARG_PTR_TO_MEM_OR_NULL:
	case ARG_PTR_TO_UNINIT_MEM:
	case ARG_PTR_TO_MEM_RW:
		if (!(kind == ARG_PTR_TO_MEM_OR_NULL && is_null(r)) && !reg_is_pointer(r))
			return arg_error(env, insn, m, regno, "a pointer to memory");
		m->mem_arg = regno;
		return 0;
	case ARG_CONST_SIZE:
	case ARG_CONST_SIZE_OR_ZERO:
		return check_size_arg(env, st, insn, m, regno, kind == ARG_CONST_SIZE_OR_ZERO);
	case ARG_PTR_TO_CTX_OR_NULL:
	case ARG_PTR_TO_CTX:
		if (kind == ARG_PTR_TO_CTX_OR_NULL && is_null(r))
			return 0;
		if (r->type != PTR_TO_CTX || r->off || !is_null(&(struct reg){ .type = SCALAR, .v = r->v }))
			return arg_error(env, insn, m, regno, "the unmodified context pointer");
		return 0;
	case ARG_PTR_TO_ALLOC_MEM:
		if (r->type != PTR_TO_MEM || !r->ref_id)
			return arg_error(env, insn, m, regno, "a ring buffer record (checked for null)");
		if (r->off || !scalar_is_const(&r->v) || r->v.var.value)
			return arg_error(env, insn, m, regno, "the start of the ring buffer record");
		if (!has_ref(st, r->ref_id))
			return arg_error(env, insn, m, regno, "a record that is still held");
		m->release_ref = r->ref_id;
		return 0;
	case ARG_PTR_TO_SOCK_COMMON:
		if (r->type != PTR_TO_SOCKET && r->type != PTR_TO_SOCK_COMMON)
			return arg_error(env, insn, m, regno, "a socket (checked for null)");
		if (!(p->flags & HELPER_F_RELEASE))
			return 0;
		if (!r->ref_id || !has_ref(st, r->ref_id))
			return arg_error(env, insn, m, regno, "a referenced socket");
		m->release_ref = r->ref_id;
		return 0;
	case ARG_CONST_ALLOC_SIZE_OR_ZERO:
		if (!reg_is_const(r, NULL) || r->v.var.value > MAX_VAR_OFF)
			return arg_error(env, insn, m, regno, "a constant size");
		m->alloc_size = (int64_t)r->v.var.value;
		return 0;
	case ARG_PTR_TO_SPIN_LOCK: {
		const struct bpfvm_verify_map *lm;

		if (r->type != PTR_TO_MAP_VALUE || !scalar_is_const(&r->v))
			return arg_error(env, insn, m, regno, "a pointer to a bpf_spin_lock in a map value");
		lm = &env->in->maps[r->map];
		if (lm->spin_lock_off < 0)
			return verr(env, insn, "%s: map %u has no bpf_spin_lock", p->name, r->map);
		if ((int64_t)r->off + (int64_t)r->v.var.value != lm->spin_lock_off)
			return verr(env, insn, "%s: r%d points to offset %" PRId64
				    " of the value, but the bpf_spin_lock is at %d", p->name, regno,
				    (int64_t)r->off + (int64_t)r->v.var.value, lm->spin_lock_off);
		m->map = (int)r->map;
		m->lock_id = r->id;
		return 0;
	}
	case ARG_PTR_TO_FUNC:
		if (r->type != PTR_TO_FUNC)
			return arg_error(env, insn, m, regno, "a function (callback)");
		m->cb_insn = (int)r->map;
		return 0;
	case ARG_PTR_TO_STACK_OR_NULL:
		if (r->type != PTR_TO_STACK && !is_null(r))
			return arg_error(env, insn, m, regno, "a stack pointer or null");
		m->cb_ctx = *r;
		return 0;
	case ARG_PTR_TO_LONG:
		return check_helper_mem(env, st, insn, regno, r, 8, 8, true, false);
	default:
		return verr(env, insn, "%s: argument kind %d of r%d is not supported", p->name, kind,
			    regno);
	}
}

static struct cb_writes *cb_writes_of(struct env *env, uint32_t callsite)
{
	struct cb_writes *w;

	for (uint32_t i = 0; i < env->ncb_writes; i++)
		if (env->cb_writes[i].callsite == callsite)
			return &env->cb_writes[i];
	if (env->ncb_writes == env->cb_writes_cap) {
		uint32_t cap = env->cb_writes_cap ? env->cb_writes_cap * 2 : 4;

		w = realloc(env->cb_writes, cap * sizeof(*w));
		if (!w)
			return NULL;
		env->cb_writes = w;
		env->cb_writes_cap = cap;
	}
	w = &env->cb_writes[env->ncb_writes++];
	memset(w, 0, sizeof(*w));
	w->callsite = callsite;
	return w;
}

/* A callback may run any number of times: it is verified from the caller's
 * state with the bytes its runs may write forgotten, W, and the path goes on
 * past the call with W forgotten. W is found as Linux finds the state after
 * any number of runs, by iteration: the callback is entered with the bytes
 * noted so far, and once all its paths are done (the call is queued again
 * below them, push_callback_revisit), entered again if they wrote new ones.
 * Pruning only ever covers a path in a callback by a finished state of the
 * same frames (same call sites, stack pointers at the same offsets), whose
 * writes were noted here under the same call site and depth: so the union
 * holds every byte any run from the entry state may write. */
int cb_note_write(struct env *env, struct vstate *st, uint32_t k, int64_t lo, int64_t hi)
{
	if (lo < -BPFVM_STACK_SIZE)
		lo = -BPFVM_STACK_SIZE;
	if (hi > 0)
		hi = 0;
	for (uint32_t j = k + 1; j < st->nframes; j++) {
		struct cb_writes *w;

		if (!st->frames[j]->callback)
			continue;
		w = cb_writes_of(env, st->frames[j]->callsite);
		if (!w)
			return -ENOMEM;
		for (int64_t o = lo; o < hi; o++) {
			uint32_t b = (uint32_t)(o + BPFVM_STACK_SIZE);
			uint64_t *word = &w->bytes[j - k - 1][b / 64];

			if (!(*word & (1ull << (b % 64)))) {
				*word |= 1ull << (b % 64);
				w->gen++;
			}
		}
	}
	return 0;
}

int cb_forget_writes(struct env *env, struct vstate *st, uint32_t callsite)
{
	struct cb_writes *w = cb_writes_of(env, callsite);

	if (!w)
		return -ENOMEM;
	/* the callbacks ran in frame st->nframes: depth d is frame nframes - d */
	for (uint32_t d = 1; d <= st->nframes; d++) {
		uint32_t k = st->nframes - d;
		struct frame *f = st->frames[k];

		for (int32_t o = -BPFVM_STACK_SIZE; o < 0; o++) {
			uint32_t b = (uint32_t)(o + BPFVM_STACK_SIZE);
			struct slot *sl;
			uint8_t *kind;
			int err;

			if (!(w->bytes[d - 1][b / 64] & (1ull << (b % 64))))
				continue;
			err = cb_note_write(env, st, k, o, o + 1);
			if (err)
				return err;
			sl = stack_slot(f, o);
			if (!sl)
				continue;
			kind = stack_byte(f, o);
			if (*kind == STACK_SPILL)
				slot_scrub(sl);
			if (*kind != STACK_INVALID)
				*kind = STACK_MISC;
		}
	}
	return 0;
}

/* Whether subprogram sp, or one it calls, may call a helper that moves the
 * packet: then packet pointers do not survive a helper that runs it. */
static bool may_move_packet(struct env *env, uint32_t sp, uint32_t depth)
{
	const struct subprog *s = &env->subprogs[sp];

	if (depth > BPFVM_MAX_CALL_DEPTH)
		return true;
	for (uint32_t i = s->start; i < s->end; i++) {
		const struct bpfvm_insn *in = &env->insns[i];
		const struct bpfvm_helper_proto *p;

		if (in->code != (BPF_JMP | BPF_CALL) || in->src_reg)
			continue;
		p = env->proto(in->imm);
		if (p && (p->flags & HELPER_F_PKT_INVALIDATE))
			return true;
	}
	for (uint32_t c = 0; c < s->ncallees; c++)
		if (may_move_packet(env, s->callees[c], depth + 1))
			return true;
	return false;
}

static int enter_callback(struct env *env, struct vstate *st, uint32_t insn,
			  const struct call_meta *m, uint32_t *next)
{
	int32_t id = m->proto->id;
	struct frame *f;
	uint32_t cb = (uint32_t)m->cb_insn;

	if (id != HELPER_LOOP && id != HELPER_FOR_EACH_MAP_ELEM)
		return verr(env, insn, "callbacks of %s are not supported", m->proto->name);
	if (st->nframes == BPFVM_MAX_CALL_DEPTH)
		return verr(env, insn, "call chain deeper than %d frames", BPFVM_MAX_CALL_DEPTH);
	/* References held by the caller stay out of the callback's reach: a
	 * release there would not be seen past the call */
	for (uint32_t i = 0; i < st->nframes; i++)
		for (uint32_t s = 0; s < st->frames[i]->nslots; s++) {
			struct slot *sl = &st->frames[i]->slots[s];

			if (sl->spill_size && sl->spill.ref_id)
				slot_scrub(sl);
		}
	f = frame_new(insn, subprog_index(env, cb));
	if (!f)
		return -ENOMEM;
	f->callback = true;
	f->cb_ret_min = 0;
	f->cb_ret_max = 1;
	f->cb_refs = st->nrefs;
	if (id == HELPER_LOOP) {
		reg_mark_scalar(&f->regs[1], scalar_urange(0, UINT32_MAX));
		f->regs[2] = m->cb_ctx;
	} else {
		reg_mark_scalar(&f->regs[1], scalar_const(0));
		f->regs[1].type = CONST_PTR_TO_MAP;
		f->regs[1].map = (uint32_t)m->map;
		reg_mark_scalar(&f->regs[2], scalar_const(0));
		f->regs[2].type = PTR_TO_MAP_KEY;
		f->regs[2].map = (uint32_t)m->map;
		reg_mark_scalar(&f->regs[3], scalar_const(0));
		f->regs[3].type = PTR_TO_MAP_VALUE;
		f->regs[3].map = (uint32_t)m->map;
		f->regs[3].id = env_new_id(env);
		f->regs[4] = m->cb_ctx;
	}
	reg_mark_scalar(&f->regs[10], scalar_const(0));
	f->regs[10].type = PTR_TO_STACK;
	f->regs[10].frameno = (uint8_t)st->nframes;
	st->frames[st->nframes++] = f;
	*next = cb;
	return 0;
}

int check_helper_call(struct env *env, struct vstate *st, uint32_t insn, uint32_t *next)
{
	const struct bpfvm_insn *in = &env->insns[insn];
	struct frame *f = cur_frame(st);
	struct call_meta m = { .map = -1, .cb_insn = -1 };
	struct reg *r0 = &f->regs[0];
	bool resuming = env->cb_resuming, settled = false;
	int err;

	env->cb_resuming = false;
	m.proto = env->proto(in->imm);
	if (!m.proto)
		return verr(env, insn, "unknown helper %d", in->imm);
	if (m.proto->flags & HELPER_F_CALLBACK) {
		/* nothing below adds to this call's writes: a callback of
		 * its own is not running */
		struct cb_writes *w = cb_writes_of(env, insn);

		if (!w)
			return -ENOMEM;
		/* no new byte since the callbacks were last entered from
		 * here: go on past the call, after any number of runs */
		settled = resuming && w->gen == env->cb_resume_gen;
		if (!settled) {
			err = push_callback_revisit(env, st, insn, w->gen);
			if (err)
				return err;
		}
	}
	if (env->pt && env->pt->helper_cnt && !bpfvm_progtype_helper_allowed(env->pt, in->imm))
		return verr(env, insn, "helper %s (%d) is not allowed in %s programs", m.proto->name,
			    in->imm, env->pt->name);
	if (st->lock_map && !(m.proto->flags & HELPER_F_SPIN_UNLOCK))
		return verr(env, insn, "call of %s while holding a spin lock", m.proto->name);
	reg_mark_scalar(&m.cb_ctx, scalar_const(0));
	for (int i = 1; i <= 5; i++)
		m.args[i] = f->regs[i];
	for (int i = 1; i <= 5; i++) {
		err = check_arg(env, st, insn, &m, i);
		if (err)
			return err;
	}
	if (m.mem_arg && m.proto->args[m.mem_arg] != ARG_CONST_SIZE &&
	    m.proto->args[m.mem_arg] != ARG_CONST_SIZE_OR_ZERO)
		return verr(env, insn, "%s: memory argument r%d has no size argument", m.proto->name,
			    m.mem_arg);
	if (m.proto->kind == BPFVM_HELPER_TAIL_CALL && st->nrefs)
		return verr(env, insn, "tail call while holding a %s",
			    ref_kind_name(env, st->refs[0]));
	if (m.proto->flags & HELPER_F_SPIN_LOCK) {
		if (st->lock_map)
			return verr(env, insn, "spin_lock while already holding a spin lock");
		st->lock_map = (uint32_t)m.map + 1;
		st->lock_id = m.lock_id;
	}
	if (m.proto->flags & HELPER_F_SPIN_UNLOCK) {
		if (!st->lock_map)
			return verr(env, insn, "spin_unlock without a held spin lock");
		if (st->lock_map != (uint32_t)m.map + 1 || st->lock_id != m.lock_id)
			return verr(env, insn, "spin_unlock of a different lock than the one held");
		st->lock_map = 0;
		st->lock_id = 0;
	}
	if (m.proto->flags & HELPER_F_RELEASE) {
		struct ref_kill k = { m.release_ref, false };

		for (uint32_t i = 0; i < st->nrefs; i++)
			if (st->refs[i] == m.release_ref)
				st->refs[i] = st->refs[--st->nrefs];
		kill_regs(st, &k);
	}
	if (m.proto->flags & HELPER_F_PKT_INVALIDATE) {
		struct ref_kill k = { 0, true };

		kill_regs(st, &k);
	}
	for (int i = 1; i <= 5; i++)
		reg_mark_not_init(&f->regs[i]);
	switch (m.proto->ret) {
	case RET_INTEGER:
		reg_mark_unknown(r0);
		if (m.proto->flags & HELPER_F_RET_SIZE) {
			r0->v.smin = -MAX_ERRNO;
			r0->v.smax = (int64_t)m.size_max;
			scalar_sync(&r0->v);
		}
		break;
	case RET_VOID:
		reg_mark_not_init(r0);
		break;
	case RET_PTR_TO_MAP_VALUE_OR_NULL: {
		const struct bpfvm_verify_map *map;

		if (m.map < 0)
			return verr(env, insn, "%s returns a map value but has no map argument",
				    m.proto->name);
		map = &env->in->maps[m.map];
		reg_mark_scalar(r0, scalar_const(0));
		r0->id = env_new_id(env);
		if (map->type == MAP_TYPE_ARRAY_OF_MAPS || map->type == MAP_TYPE_HASH_OF_MAPS) {
			if (map->inner_map < 0 || (uint32_t)map->inner_map >= env->in->map_cnt)
				return verr(env, insn, "map %d holds maps but has no inner map template",
					    m.map);
			r0->type = CONST_PTR_TO_MAP_OR_NULL;
			r0->map = (uint32_t)map->inner_map;
		} else {
			/* an array's element at a constant index in range exists */
			bool exists = (map->type == MAP_TYPE_ARRAY || map->type == MAP_TYPE_PERCPU_ARRAY) &&
				      m.key_known && m.key < map->max_entries;

			r0->type = exists ? PTR_TO_MAP_VALUE : PTR_TO_MAP_VALUE_OR_NULL;
			r0->map = (uint32_t)m.map;
		}
		break;
	}
	case RET_PTR_TO_ALLOC_MEM_OR_NULL:
	case RET_PTR_TO_SOCKET_OR_NULL:
	case RET_PTR_TO_SOCK_COMMON_OR_NULL:
		reg_mark_scalar(r0, scalar_const(0));
		r0->type = m.proto->ret == RET_PTR_TO_SOCKET_OR_NULL ? PTR_TO_SOCKET_OR_NULL :
			   m.proto->ret == RET_PTR_TO_SOCK_COMMON_OR_NULL ? PTR_TO_SOCK_COMMON_OR_NULL :
			   PTR_TO_MEM_OR_NULL;
		r0->id = env_new_id(env);
		if (r0->type == PTR_TO_MEM_OR_NULL)
			r0->range = (uint32_t)m.alloc_size;
		if (m.proto->flags & HELPER_F_ACQUIRE) {
			r0->ref_id = r0->id;
			err = add_ref(st, r0->ref_id);
			if (!err)
				err = note_acquired(env, r0->ref_id, insn);
			if (err)
				return err;
		}
		break;
	default:
		return verr(env, insn, "%s: return kind %d is not supported", m.proto->name,
			    m.proto->ret);
	}
	if (m.proto->flags & HELPER_F_CALLBACK) {
		if (m.cb_insn < 0)
			return verr(env, insn, "%s needs a callback", m.proto->name);
		if (may_move_packet(env, subprog_index(env, (uint32_t)m.cb_insn), 0)) {
			struct ref_kill k = { 0, true };

			kill_regs(st, &k);
		}
		err = cb_forget_writes(env, st, insn);
		if (err || settled)
			return err;
		return enter_callback(env, st, insn, &m, next);
	}
	return 0;
}

int check_subprog_call(struct env *env, struct vstate *st, uint32_t insn, uint32_t *next)
{
	const struct bpfvm_insn *in = &env->insns[insn];
	uint32_t target = (uint32_t)((int64_t)insn + in->imm + 1);
	struct frame *caller = cur_frame(st), *f;

	if (st->lock_map)
		return verr(env, insn, "function call while holding a spin lock");
	if (st->nframes == BPFVM_MAX_CALL_DEPTH)
		return verr(env, insn, "call chain deeper than %d frames", BPFVM_MAX_CALL_DEPTH);
	f = frame_new(insn, subprog_index(env, target));
	if (!f)
		return -ENOMEM;
	for (int i = 1; i <= 5; i++)
		f->regs[i] = caller->regs[i];
	reg_mark_scalar(&f->regs[10], scalar_const(0));
	f->regs[10].type = PTR_TO_STACK;
	f->regs[10].frameno = (uint8_t)st->nframes;
	st->frames[st->nframes++] = f;
	*next = target;
	return 0;
}

int check_exit(struct env *env, struct vstate *st, uint32_t insn, uint32_t *next)
{
	struct frame *f = cur_frame(st);
	struct reg *r0 = &f->regs[0];
	struct bpfvm_ret_range range;
	char b[256];

	if (r0->type == NOT_INIT)
		return verr(env, insn, "r0 is not set at exit");
	if (f->callback) {
		if (r0->type != SCALAR)
			return verr(env, insn, "a callback must return a scalar, not a %s",
				    reg_type_name(r0->type));
		if (r0->v.smin < f->cb_ret_min || r0->v.smax > f->cb_ret_max) {
			reg_format(env, r0, b, sizeof(b));
			return verr(env, insn, "callback returns r0 = %s, outside [%" PRId64 ", %" PRId64
				    "]", b, f->cb_ret_min, f->cb_ret_max);
		}
		if (st->nrefs > f->cb_refs)
			return verr(env, insn, "callback exits holding a %s",
				    ref_kind_name(env, st->refs[st->nrefs - 1]));
		if (st->lock_map)
			return verr(env, insn, "callback exits holding a spin lock");
		return 1;
	}
	if (st->nframes > 1) {
		struct frame *caller = st->frames[st->nframes - 2];

		if (r0->type == PTR_TO_STACK && r0->frameno == st->nframes - 1)
			return verr(env, insn, "returning a pointer to the function's own stack");
		if (st->lock_map)
			return verr(env, insn, "function returns holding a spin lock");
		caller->regs[0] = *r0;
		for (int i = 1; i <= 5; i++)
			reg_mark_not_init(&caller->regs[i]);
		*next = f->callsite + 1;
		frame_free(f);
		st->frames[--st->nframes] = NULL;
		return 0;
	}
	if (r0->type != SCALAR)
		return verr(env, insn, "returning a %s from the program would leak it",
			    reg_type_name(r0->type));
	if (st->nrefs) {
		const struct acquired *a = find_acquired(env, st->refs[0]);

		if (a && !strcmp(ref_kind_name(env, st->refs[0]), "socket"))
			return verr(env, insn, "exit without releasing the socket that %s acquired at "
				    "insn %u (an unreleased reference)",
				    acquired_by(env, st->refs[0])->name, a->insn);
		return verr(env, insn, "exit without submitting or discarding a ring buffer record");
	}
	if (st->lock_map)
		return verr(env, insn, "exit while holding a spin lock");
	if (env->pt && bpfvm_progtype_ret_range(env->pt, env->in->expected_attach_type, &range) &&
	    (r0->v.smin < range.min || r0->v.smax > range.max)) {
		reg_format(env, r0, b, sizeof(b));
		return verr(env, insn, "%s programs must return a value in [%" PRId64 ", %" PRId64
			    "], but r0 = %s", env->pt->name, range.min, range.max, b);
	}
	return 1;
}
