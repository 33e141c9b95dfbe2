/* Memory accesses: loads, stores and atomics through each kind of pointer,
 * and the memory arguments of helpers. Every access is proven in bounds of
 * its region — the 512-byte frame, [data, data_end) as far as comparisons
 * proved it, the map value, the ring-buffer record, the allowed context
 * and socket fields — and initialised when read. Stores of pointers are allowed only as
 * spills to the stack, where they are tracked exactly; anywhere else user
 * space or another program could read them. Each context access proved is
 * recorded for its instruction, for the loader's rewrite of the context. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>

#include "isa/opcodes.h"
#include "progtype/sock.h"
#include "verify/env.h"

#define BPF_F_RDONLY_PROG 0x80

static bool var_bounded(const struct reg *r)
{
	return r->v.smin >= -MAX_VAR_OFF && r->v.smax <= MAX_VAR_OFF;
}

static int64_t sat_add(int64_t a, int64_t b)
{
	int64_t r;

	if (__builtin_add_overflow(a, b, &r))
		return b > 0 ? INT64_MAX : INT64_MIN;
	return r;
}


void stack_record_depth(struct env *env, struct vstate *st, const struct reg *ptr, int64_t lo)
{
	struct frame *f = st->frames[ptr->frameno];
	struct subprog *sp = &env->subprogs[f->subprog];

	if (-lo > (int64_t)sp->stack_depth)
		sp->stack_depth = (uint32_t)-lo;
}

/* Byte range [lo, hi) of the frame, checked to be inside it. */
static int stack_bounds(struct env *env, struct vstate *st, uint32_t insn, int regno,
			const struct reg *r, int64_t extra, uint64_t size, int64_t *lo, int64_t *hi)
{
	char b[256];

	if (!var_bounded(r)) {
		reg_format(env, r, b, sizeof(b));
		return verr(env, insn,
			    "stack access of %" PRIu64 " bytes at offsets [%" PRId64 ", %" PRId64
			    "] may be outside the %d-byte frame (r%d = %s)",
			    size, sat_add(r->off + extra, r->v.smin), sat_add(r->off + extra, r->v.smax),
			    BPFVM_STACK_SIZE, regno, b);
	}
	*lo = (int64_t)r->off + extra + r->v.smin;
	*hi = (int64_t)r->off + extra + r->v.smax + (int64_t)size;
	if (*lo < -BPFVM_STACK_SIZE || *hi > 0) {
		reg_format(env, r, b, sizeof(b));
		if (*lo == *hi - (int64_t)size)
			return verr(env, insn,
				    "stack access of %" PRIu64 " bytes at offset %" PRId64
				    " is outside the %d-byte frame (r%d = %s)",
				    size, *lo, BPFVM_STACK_SIZE, regno, b);
		return verr(env, insn,
			    "stack access of %" PRIu64 " bytes at offsets [%" PRId64 ", %" PRId64
			    "] is outside the %d-byte frame (r%d = %s)",
			    size, *lo, *hi - (int64_t)size, BPFVM_STACK_SIZE, regno, b);
	}
	if (frame_grow(st->frames[r->frameno], (int32_t)*lo))
		return -ENOMEM;
	stack_record_depth(env, st, r, *lo);
	return 0;
}

/* Reads of [lo, hi) must find initialised bytes and no part of a spilled
 * pointer unless `ptr_ok`. */
static int stack_check_init(struct env *env, struct frame *f, uint32_t insn, int64_t lo, int64_t hi,
			    bool ptr_ok)
{
	for (int64_t o = lo; o < hi; o++) {
		uint8_t *k = stack_byte(f, (int32_t)o);
		struct slot *sl = stack_slot(f, (int32_t)o);

		if (!k || *k == STACK_INVALID)
			return verr(env, insn, "read of uninitialised stack at offset %" PRId64, o);
		if (*k == STACK_SPILL && sl->spill.type != SCALAR && !ptr_ok)
			return verr(env, insn,
				    "read of part of a spilled %s at stack offset %" PRId64,
				    reg_type_name(sl->spill.type), o);
	}
	return 0;
}

/* [lo, hi) may or may not be written (variable offsets, helper sizes):
 * initialised bytes become MISC, uninitialised ones stay so. When `sure`,
 * every byte is written. */
static void stack_clobber(struct frame *f, int64_t lo, int64_t hi, bool sure)
{
	for (int64_t o = lo; o < hi; o++) {
		struct slot *sl = stack_slot(f, (int32_t)o);
		uint8_t *k = stack_byte(f, (int32_t)o);

		if (!sl)
			continue;
		if (*k == STACK_SPILL)
			slot_scrub(sl);
		if (sure || *k != STACK_INVALID)
			*k = STACK_MISC;
	}
}

static int stack_store_ptr_ok(struct env *env, struct vstate *st, uint32_t insn,
			      const struct reg *ptr, const struct reg *val)
{
	uint32_t target = ptr->frameno;

	if (!reg_is_pointer(val))
		return 0;
	if (val->type == PTR_TO_STACK && val->frameno > target)
		return verr(env, insn,
			    "storing a pointer to a callee's stack into its caller's frame");
	for (uint32_t i = target + 1; i < st->nframes; i++)
		if (st->frames[i]->callback)
			return verr(env, insn,
				    "a callback may not store pointers into its caller's stack");
	return 0;
}

static bool byte_is_zero(struct frame *f, int32_t off)
{
	struct slot *sl = stack_slot(f, off);
	uint32_t i = (uint32_t)(off + BPFVM_STACK_SIZE) % SLOT_SIZE;

	if (sl->kind[i] == STACK_ZERO)
		return true;
	return sl->kind[i] == STACK_SPILL && sl->spill.type == SCALAR &&
	       scalar_is_const(&sl->spill.v) &&
	       ((sl->spill.v.var.value >> (8 * (i - sl->spill_off))) & 0xff) == 0;
}

bool stack_const(struct vstate *st, const struct reg *ptr, uint32_t size, uint64_t *val)
{
	struct frame *f;
	struct slot *sl;
	uint32_t in_slot;
	int64_t off;
	uint64_t v;

	if (ptr->type != PTR_TO_STACK || !scalar_is_const(&ptr->v) || size > 8)
		return false;
	f = st->frames[ptr->frameno];
	off = (int64_t)ptr->off + (int64_t)ptr->v.var.value;
	if (off < -BPFVM_STACK_SIZE || off + (int64_t)size > 0)
		return false;
	sl = stack_slot(f, (int32_t)off);
	in_slot = (uint32_t)(off + BPFVM_STACK_SIZE) % SLOT_SIZE;
	if (!sl || in_slot + size > SLOT_SIZE)
		return false;
	if (sl->spill_size && sl->spill.type == SCALAR && scalar_is_const(&sl->spill.v) &&
	    sl->kind[in_slot] == STACK_SPILL && in_slot >= sl->spill_off &&
	    in_slot + size <= (uint32_t)sl->spill_off + sl->spill_size) {
		v = sl->spill.v.var.value >> (8 * (in_slot - sl->spill_off));
		*val = size == 8 ? v : v & ((1ull << (8 * size)) - 1);
		return true;
	}
	for (uint32_t i = 0; i < size; i++)
		if (!byte_is_zero(f, (int32_t)off + (int32_t)i))
			return false;
	*val = 0;
	return true;
}

static int stack_access(struct env *env, struct vstate *st, uint32_t insn, int regno,
			const struct reg *ptr, int16_t insn_off, uint32_t size, bool write,
			const struct reg *val, struct reg *dst, bool sext)
{
	struct frame *f = st->frames[ptr->frameno];
	int64_t lo = 0, hi = 0;
	int err = stack_bounds(env, st, insn, regno, ptr, insn_off, size, &lo, &hi);

	if (!err && write)
		err = cb_note_write(env, st, ptr->frameno, lo, hi);
	if (err)
		return err;
	if (!scalar_is_const(&ptr->v)) {
		if (write) {
			if (reg_is_pointer(val))
				return verr(env, insn, "spill of a pointer at a variable stack offset");
			stack_clobber(f, lo, hi, false);
			return 0;
		}
		err = stack_check_init(env, f, insn, lo, hi, false);
		if (err)
			return err;
		reg_mark_scalar(dst, scalar_load(size, sext));
		return 0;
	}
	int32_t off = (int32_t)lo;
	struct slot *sl = stack_slot(f, off);
	uint32_t in_slot = (uint32_t)(off + BPFVM_STACK_SIZE) % SLOT_SIZE;

	if (write) {
		err = stack_store_ptr_ok(env, st, insn, ptr, val);
		if (err)
			return err;
		if (reg_is_pointer(val) && (size != 8 || in_slot))
			return verr(env, insn,
				    "spill of a %s must be 8 bytes at an 8-byte aligned offset",
				    reg_type_name(val->type));
		if (in_slot + size <= SLOT_SIZE) {
			if (sl->spill_size)
				slot_scrub(sl);
			sl->spill = *val;
			if (size < 8)
				sl->spill.v = scalar_truncate(&val->v, size);
			if (size < 8)
				sl->spill.id = 0, sl->spill.delta = 0;
			sl->spill_off = (uint8_t)in_slot;
			sl->spill_size = (uint8_t)size;
			for (uint32_t i = 0; i < size; i++)
				sl->kind[in_slot + i] = STACK_SPILL;
			return 0;
		}
		stack_clobber(f, lo, hi, true);
		if (scalar_is_const(&val->v))
			for (uint32_t i = 0; i < size; i++)
				if (((val->v.var.value >> (8 * i)) & 0xff) == 0)
					*stack_byte(f, (int32_t)lo + (int32_t)i) = STACK_ZERO;
		return 0;
	}
	err = stack_check_init(env, f, insn, lo, hi, true);
	if (err)
		return err;
	if (in_slot + size <= SLOT_SIZE && sl->spill_size && sl->kind[in_slot] == STACK_SPILL) {
		if (sl->spill.type != SCALAR) {
			if (in_slot != sl->spill_off || size != sl->spill_size)
				return verr(env, insn, "partial read of a spilled %s",
					    reg_type_name(sl->spill.type));
			*dst = sl->spill;
			return 0;
		}
		if (in_slot >= sl->spill_off && in_slot + size <= (uint32_t)sl->spill_off + sl->spill_size) {
			struct scalar sh = scalar_const(8 * (in_slot - sl->spill_off));
			struct scalar v = scalar_alu(BPF_ALU64 | BPF_K | BPF_RSH, 0, 0, &sl->spill.v, &sh);

			v = scalar_truncate(&v, size);
			if (sext && size < 8) {
				struct scalar t = v;

				v = scalar_alu(BPF_ALU64 | BPF_X | BPF_MOV, (int16_t)(size * 8), 0, &t, &t);
			}
			reg_mark_scalar(dst, v);
			if (in_slot == sl->spill_off && size == sl->spill_size && !sext)
				dst->id = sl->spill.id, dst->delta = sl->spill.delta;
			return 0;
		}
	}
	err = stack_check_init(env, f, insn, lo, hi, false);
	if (err)
		return err;
	bool zero = true;

	for (int64_t o = lo; o < hi; o++)
		zero &= byte_is_zero(f, (int32_t)o);
	reg_mark_scalar(dst, zero ? scalar_const(0) : scalar_load(size, sext));
	return 0;
}

static int region_access(struct env *env, uint32_t insn, int regno, const struct reg *ptr,
			 int64_t extra, uint64_t size, uint64_t limit, const char *what)
{
	char b[256];
	int64_t lo, hi;

	if (!var_bounded(ptr)) {
		reg_format(env, ptr, b, sizeof(b));
		return verr(env, insn,
			    "%s access of %" PRIu64 " bytes at offsets [%" PRId64 ", %" PRId64
			    "] may be outside the %" PRIu64 " bytes of the %s (r%d = %s)",
			    what, size, sat_add(ptr->off + extra, ptr->v.smin),
			    sat_add(ptr->off + extra, ptr->v.smax), limit, what, regno, b);
	}
	lo = (int64_t)ptr->off + extra + ptr->v.smin;
	hi = (int64_t)ptr->off + extra + ptr->v.smax + (int64_t)size;
	if (lo >= 0 && hi <= (int64_t)limit)
		return 0;
	reg_format(env, ptr, b, sizeof(b));
	if (lo == hi - (int64_t)size)
		return verr(env, insn,
			    "%s access of %" PRIu64 " bytes at offset %" PRId64
			    " is outside the %" PRIu64 " bytes of the %s (r%d = %s)",
			    what, size, lo, limit, what, regno, b);
	return verr(env, insn,
		    "%s access of %" PRIu64 " bytes at offsets [%" PRId64 ", %" PRId64
		    "] may be outside the %" PRIu64 " bytes of the %s (r%d = %s)",
		    what, size, lo, hi - (int64_t)size, limit, what, regno, b);
}

/* A read of a socket's struct bpf_sock fields (no arithmetic is allowed on
 * socket pointers, so the offset is the instruction's). */
static int sock_access(struct env *env, uint32_t insn, int regno, const struct reg *ptr,
		       int16_t insn_off, uint32_t size, bool write)
{
	const char *why;

	if (write)
		return verr(env, insn, "r%d is a %s, which is read-only", regno,
			    reg_type_name(ptr->type));
	if (ptr->off || !scalar_is_const(&ptr->v) || ptr->v.var.value)
		return verr(env, insn, "r%d is a %s plus an offset", regno, reg_type_name(ptr->type));
	if (insn_off < 0 ||
	    !bpfvm_sock_read_ok(ptr->type == PTR_TO_SOCK_COMMON, (uint32_t)insn_off, size, &why))
		return verr(env, insn, "invalid %s read of %u bytes at offset %d: %s",
			    reg_type_name(ptr->type), size, insn_off,
			    insn_off < 0 ? "negative offset" : why);
	return 0;
}

static int map_value_access(struct env *env, uint32_t insn, int regno, const struct reg *ptr,
			    int64_t extra, uint64_t size, bool write)
{
	const struct bpfvm_verify_map *m = &env->in->maps[ptr->map];
	int err = region_access(env, insn, regno, ptr, extra, size, m->value_size, "map value");

	if (err)
		return err;
	if (write && (m->flags & BPF_F_RDONLY_PROG))
		return verr(env, insn, "write into the read-only map %u", ptr->map);
	if (m->spin_lock_off >= 0) {
		int64_t lo = (int64_t)ptr->off + extra + ptr->v.smin;
		int64_t hi = (int64_t)ptr->off + extra + ptr->v.smax + (int64_t)size;

		if (lo < m->spin_lock_off + 4 && hi > m->spin_lock_off)
			return verr(env, insn,
				    "direct access to the bpf_spin_lock at offset %d of the map value",
				    m->spin_lock_off);
	}
	return 0;
}

/* Loads at constant offsets of a read-only map whose contents are known. */
static void rodata_value(struct env *env, const struct reg *ptr, int16_t insn_off, uint32_t size,
			 bool sext, struct reg *dst)
{
	const struct bpfvm_verify_map *m = &env->in->maps[ptr->map];
	const uint8_t *bytes = env->in->map_values ? env->in->map_values[ptr->map] : NULL;
	int64_t off = (int64_t)ptr->off + insn_off + (int64_t)ptr->v.var.value;
	uint64_t v = 0;

	if (!(m->flags & BPF_F_RDONLY_PROG) || !bytes || !scalar_is_const(&ptr->v) || off < 0 ||
	    off + size > m->value_size)
		return;
	for (uint32_t i = 0; i < size; i++)
		v |= (uint64_t)bytes[off + i] << (8 * i);
	if (sext && size < 8 && (v & (1ull << (8 * size - 1))))
		v |= ~0ull << (8 * size);
	reg_mark_scalar(dst, scalar_const(v));
}

static int pkt_access(struct env *env, uint32_t insn, int regno, const struct reg *ptr,
		      int64_t extra, uint64_t size)
{
	char b[256];
	int64_t off = (int64_t)ptr->off + extra;

	reg_format(env, ptr, b, sizeof(b));
	if (ptr->v.smin < 0)
		return verr(env, insn, "packet pointer r%d = %s may have a negative offset", regno, b);
	if (off < 0)
		return verr(env, insn, "packet access at negative offset %" PRId64 " (r%d = %s)",
			    off, regno, b);
	if (ptr->v.umax + (uint64_t)off + size > MAX_PACKET_OFF)
		return verr(env, insn, "packet access beyond 64 KiB (r%d = %s)", regno, b);
	if ((uint64_t)off + size > ptr->range)
		return verr(env, insn,
			    "packet %s of %" PRIu64 " bytes at offset %" PRId64
			    ", but only %u bytes are proven in bounds (r%d = %s)",
			    ptr->type == PTR_TO_PACKET_META ? "metadata access" : "access", size, off,
			    ptr->range, regno, b);
	return 0;
}

static int ctx_access(struct env *env, uint32_t insn, int regno, const struct reg *ptr,
		      int16_t insn_off, uint32_t size, bool write, struct reg *dst, bool sext)
{
	const struct bpfvm_ctx_field *f;
	const char *why = "";
	int64_t off = (int64_t)ptr->off + insn_off;
	char b[256];

	if (!scalar_is_const(&ptr->v) || ptr->v.var.value || ptr->off) {
		reg_format(env, ptr, b, sizeof(b));
		return verr(env, insn, "context access through a modified context pointer r%d = %s",
			    regno, b);
	}
	if (!env->pt)
		return verr(env, insn, "the program type has no context");
	if (off < 0 || off >= (int64_t)env->pt->ctx_size ||
	    !bpfvm_progtype_ctx_access_ok(env->pt, env->in->expected_attach_type, (uint32_t)off, size,
					  write, &why))
		return verr(env, insn, "invalid %s context access of %u bytes at offset %" PRId64
			    " for %s: %s", write ? "write" : "read", size, off, env->pt->name,
			    off < 0 || off >= (int64_t)env->pt->ctx_size ? "outside the context" : why);
	f = bpfvm_progtype_field(env->pt, (uint32_t)off);
	env->ctx_access[insn] = (struct bpfvm_ctx_access){ (uint8_t)size, write, (uint16_t)off,
							   (uint16_t)(f - env->pt->fields) };
	if (write)
		return 0;
	reg_mark_scalar(dst, scalar_load(size, sext));
	switch (f ? f->kind : CTX_FIELD_SCALAR) {
	case CTX_FIELD_PKT_DATA:
		dst->type = PTR_TO_PACKET;
		break;
	case CTX_FIELD_PKT_DATA_END:
		dst->type = PTR_TO_PACKET_END;
		break;
	case CTX_FIELD_PKT_META:
		dst->type = PTR_TO_PACKET_META;
		break;
	case CTX_FIELD_SOCK_OR_NULL:
		/* Linux's PTR_TO_SOCKET_OR_NULL without a reference: the socket
		 * lives as long as the context, nothing to release */
		dst->type = PTR_TO_SOCKET_OR_NULL;
		dst->v = scalar_const(0);
		dst->id = env_new_id(env);
		return 0;
	default:
		return 0;
	}
	dst->v = scalar_const(0);
	return 0;
}

static int not_memory(struct env *env, uint32_t insn, int regno, const struct reg *r)
{
	char b[256];

	reg_format(env, r, b, sizeof(b));
	switch (r->type) {
	case NOT_INIT:
		return verr(env, insn, "r%d is not initialised", regno);
	case SCALAR:
		return verr(env, insn, "r%d = %s is a scalar, not a pointer", regno, b);
	case PTR_TO_MAP_VALUE_OR_NULL:
	case PTR_TO_MEM_OR_NULL:
	case CONST_PTR_TO_MAP_OR_NULL:
	case PTR_TO_SOCKET_OR_NULL:
	case PTR_TO_SOCK_COMMON_OR_NULL:
		return verr(env, insn, "r%d = %s may be null: compare it with 0 first", regno, b);
	default:
		return verr(env, insn, "r%d = %s cannot be dereferenced", regno, b);
	}
}

/* One instruction, one way to rewrite it: the loader turns context accesses
 * into accesses of the runtime context, so an instruction that reaches the
 * context on one path and other memory on another cannot be either. Linux
 * refuses it the same way; mixing other kinds of memory is fine. */
static int same_pointer_kind(struct env *env, uint32_t insn, int regno, uint8_t type)
{
	uint8_t *seen = &env->mem_type[insn];

	if (*seen == NOT_INIT)
		*seen = type;
	else if ((*seen == PTR_TO_CTX) != (type == PTR_TO_CTX))
		return verr(env, insn, "same insn cannot be used with different pointers: r%d is %s%s "
			    "here and %s%s on another path", regno, type == PTR_TO_CTX ? "the " : "a ",
			    reg_type_name(type), *seen == PTR_TO_CTX ? "the " : "a ",
			    reg_type_name(*seen));
	return 0;
}

static int mem_access(struct env *env, struct vstate *st, uint32_t insn, int regno, int16_t insn_off,
		      uint32_t size, bool write, const struct reg *val, struct reg *dst, bool sext)
{
	struct reg *ptr = &cur_frame(st)->regs[regno];
	int err;

	if (write && reg_is_pointer(val) && ptr->type != PTR_TO_STACK)
		return verr(env, insn, "storing a %s into a %s would leak it",
			    reg_type_name(val->type), reg_type_name(ptr->type));
	switch (ptr->type) {
	case PTR_TO_STACK:
		return stack_access(env, st, insn, regno, ptr, insn_off, size, write, val, dst, sext);
	case PTR_TO_PACKET:
	case PTR_TO_PACKET_META:
		if (write && !env->pkt_writable)
			return verr(env, insn, "%s programs may not write into the packet",
				    env->pt ? env->pt->name : "these");
		err = pkt_access(env, insn, regno, ptr, insn_off, size);
		break;
	case PTR_TO_MAP_VALUE:
		err = map_value_access(env, insn, regno, ptr, insn_off, size, write);
		break;
	case PTR_TO_MEM:
		err = region_access(env, insn, regno, ptr, insn_off, size, ptr->range,
				    "ring buffer record");
		break;
	case PTR_TO_MAP_KEY:
		if (write)
			return verr(env, insn, "map keys are read-only");
		err = region_access(env, insn, regno, ptr, insn_off, size,
				    env->in->maps[ptr->map].key_size, "map key");
		break;
	case PTR_TO_CTX:
		return ctx_access(env, insn, regno, ptr, insn_off, size, write, dst, sext);
	case PTR_TO_SOCKET:
	case PTR_TO_SOCK_COMMON:
		err = sock_access(env, insn, regno, ptr, insn_off, size, write);
		break;
	default:
		return not_memory(env, insn, regno, ptr);
	}
	if (err)
		return err;
	if (!write)
		reg_mark_scalar(dst, scalar_load(size, sext));
	if (!write && ptr->type == PTR_TO_MAP_VALUE)
		rodata_value(env, ptr, insn_off, size, sext, dst);
	return 0;
}

int check_mem_access(struct env *env, struct vstate *st, uint32_t insn, int regno, int16_t insn_off,
		     uint32_t size, bool write, const struct reg *val, struct reg *dst, bool sext)
{
	uint8_t type = cur_frame(st)->regs[regno].type;
	int err = mem_access(env, st, insn, regno, insn_off, size, write, val, dst, sext);

	return err ? err : same_pointer_kind(env, insn, regno, type);
}

int check_atomic(struct env *env, struct vstate *st, uint32_t insn)
{
	const struct bpfvm_insn *in = &env->insns[insn];
	struct frame *f = cur_frame(st);
	uint32_t size = BPF_SIZE(in->code) == BPF_DW ? 8 : 4;
	struct reg *src = &f->regs[in->src_reg];
	struct reg *ptr = &f->regs[in->dst_reg];
	struct reg old, unk;
	int err;

	if (BPF_SIZE(in->code) != BPF_DW && BPF_SIZE(in->code) != BPF_W)
		return verr(env, insn, "atomic operations are 4 or 8 bytes");
	if (src->type != SCALAR)
		return verr(env, insn, "the source of an atomic operation must be a scalar, r%u is %s",
			    in->src_reg, reg_type_name(src->type));
	if (in->imm == BPF_CMPXCHG && f->regs[0].type != SCALAR)
		return verr(env, insn, "cmpxchg compares with r0, which is %s",
			    reg_type_name(f->regs[0].type));
	if (ptr->type != PTR_TO_STACK && ptr->type != PTR_TO_MAP_VALUE && ptr->type != PTR_TO_MEM) {
		if (reg_is_pointer(ptr) && !reg_maybe_null(ptr))
			return verr(env, insn, "atomic operation on a %s", reg_type_name(ptr->type));
		return not_memory(env, insn, in->dst_reg, ptr);
	}
	err = check_mem_access(env, st, insn, in->dst_reg, in->off, size, false, NULL, &old, false);
	if (err)
		return err;
	if (old.type != SCALAR)
		return verr(env, insn, "atomic operation on a spilled %s", reg_type_name(old.type));
	reg_mark_scalar(&unk, scalar_load(size, false));
	err = check_mem_access(env, st, insn, in->dst_reg, in->off, size, true, &unk, NULL, false);
	if (err)
		return err;
	/* the fetched old value replaces the source (or r0): a destination too */
	if (in->imm == BPF_CMPXCHG)
		reg_mark_scalar(&f->regs[0], scalar_load(size, false));
	else if (in->imm & BPF_FETCH)
		reg_mark_scalar(src, scalar_load(size, false));
	return 0;
}

int check_helper_mem(struct env *env, struct vstate *st, uint32_t insn, int argno,
		     const struct reg *ptr, uint64_t size_min, uint64_t size_max, bool write,
		     bool zero_ok)
{
	int64_t lo, hi;
	int err;

	if (size_max == 0 && zero_ok)
		return 0;
	switch (ptr->type) {
	case PTR_TO_STACK: {
		struct frame *f = st->frames[ptr->frameno];

		err = stack_bounds(env, st, insn, argno, ptr, 0, size_max, &lo, &hi);
		if (err)
			return err;
		if (!write)
			return stack_check_init(env, f, insn, lo, hi, false);
		err = cb_note_write(env, st, ptr->frameno, lo, hi);
		if (err)
			return err;
		if (scalar_is_const(&ptr->v)) {
			stack_clobber(f, lo, lo + (int64_t)size_min, true);
			stack_clobber(f, lo + (int64_t)size_min, hi, false);
		} else {
			stack_clobber(f, lo, hi, false);
		}
		return 0;
	}
	case PTR_TO_PACKET:
	case PTR_TO_PACKET_META:
		if (write && !env->pkt_writable)
			return verr(env, insn, "%s programs may not write into the packet",
				    env->pt ? env->pt->name : "these");
		return pkt_access(env, insn, argno, ptr, 0, size_max);
	case PTR_TO_MAP_VALUE:
		return map_value_access(env, insn, argno, ptr, 0, size_max, write);
	case PTR_TO_MEM:
		return region_access(env, insn, argno, ptr, 0, size_max, ptr->range,
				     "ring buffer record");
	case PTR_TO_MAP_KEY:
		if (write)
			return verr(env, insn, "map keys are read-only");
		return region_access(env, insn, argno, ptr, 0, size_max,
				     env->in->maps[ptr->map].key_size, "map key");
	default:
		return not_memory(env, insn, argno, ptr);
	}
}
