/* Transfer functions of the scalar domain (see scalar.h). Each operation works
 * on a "view": the unsigned and signed bounds at one width, 32 or 64 bits,
 * plus the tnum; a 64-bit operation also computes the low-32-bit view when
 * the low bits of its result depend only on the low bits of its inputs. */
#include <inttypes.h>
#include <stdio.h>

#include "isa/opcodes.h"
#include "verify/scalar.h"

struct view {
	uint64_t umin, umax;
	int64_t smin, smax;
};

static uint64_t umax_w(int w)
{
	return w == 64 ? UINT64_MAX : UINT32_MAX;
}

static int64_t smin_w(int w)
{
	return w == 64 ? INT64_MIN : INT32_MIN;
}

static int64_t smax_w(int w)
{
	return w == 64 ? INT64_MAX : INT32_MAX;
}

static struct view view_unknown(int w)
{
	return (struct view){ 0, umax_w(w), smin_w(w), smax_w(w) };
}

static struct view view_get(const struct scalar *s, int w)
{
	if (w == 64)
		return (struct view){ s->umin, s->umax, s->smin, s->smax };
	return (struct view){ s->u32min, s->u32max, s->s32min, s->s32max };
}

static bool uadd_ovf(int w, uint64_t a, uint64_t b, uint64_t *r)
{
	*r = a + b;
	return w == 64 ? *r < a : *r > UINT32_MAX;
}

static bool umul_ovf(int w, uint64_t a, uint64_t b, uint64_t *r)
{
	if (__builtin_mul_overflow(a, b, r))
		return true;
	return *r > umax_w(w);
}

static bool sadd_ovf(int w, int64_t a, int64_t b, int64_t *r)
{
	if (__builtin_add_overflow(a, b, r))
		return true;
	return *r < smin_w(w) || *r > smax_w(w);
}

static bool ssub_ovf(int w, int64_t a, int64_t b, int64_t *r)
{
	if (__builtin_sub_overflow(a, b, r))
		return true;
	return *r < smin_w(w) || *r > smax_w(w);
}

static bool smul_ovf(int w, int64_t a, int64_t b, int64_t *r)
{
	if (__builtin_mul_overflow(a, b, r))
		return true;
	return *r < smin_w(w) || *r > smax_w(w);
}

static uint64_t u64_min(uint64_t a, uint64_t b)
{
	return a < b ? a : b;
}

static uint64_t u64_max(uint64_t a, uint64_t b)
{
	return a > b ? a : b;
}

static int64_t s64_min(int64_t a, int64_t b)
{
	return a < b ? a : b;
}

static int64_t s64_max(int64_t a, int64_t b)
{
	return a > b ? a : b;
}

struct scalar scalar_const(uint64_t v)
{
	return (struct scalar){ .var = tnum_const(v),
				.smin = (int64_t)v, .smax = (int64_t)v,
				.umin = v, .umax = v,
				.s32min = (int32_t)v, .s32max = (int32_t)v,
				.u32min = (uint32_t)v, .u32max = (uint32_t)v };
}

struct scalar scalar_unknown(void)
{
	return (struct scalar){ .var = tnum_unknown(),
				.smin = INT64_MIN, .smax = INT64_MAX,
				.umin = 0, .umax = UINT64_MAX,
				.s32min = INT32_MIN, .s32max = INT32_MAX,
				.u32min = 0, .u32max = UINT32_MAX };
}

struct scalar scalar_urange(uint64_t min, uint64_t max)
{
	struct scalar s = scalar_unknown();

	s.umin = min;
	s.umax = max;
	scalar_sync(&s);
	return s;
}

bool scalar_is_const(const struct scalar *s)
{
	return tnum_is_const(s->var);
}

/* Narrowing helpers: record the tighter bound. */
#define TIGHTEN_MIN(x, v) do { if ((v) > (x)) (x) = (v); } while (0)
#define TIGHTEN_MAX(x, v) do { if ((v) < (x)) (x) = (v); } while (0)

static bool sync_round(struct scalar *s)
{
	bool empty;
	struct tnum t;
	uint64_t v = s->var.value, m = s->var.mask;
	uint64_t sign = 1ull << 63, sign32 = 1ull << 31;

	/* bounds from known bits */
	TIGHTEN_MIN(s->umin, v);
	TIGHTEN_MAX(s->umax, v | m);
	TIGHTEN_MIN(s->smin, (int64_t)(v | (m & sign)));
	TIGHTEN_MAX(s->smax, (int64_t)((v | m) & ~(m & sign)));
	TIGHTEN_MIN(s->u32min, (uint32_t)v);
	TIGHTEN_MAX(s->u32max, (uint32_t)(v | m));
	TIGHTEN_MIN(s->s32min, (int32_t)(uint32_t)(v | (m & sign32)));
	TIGHTEN_MAX(s->s32max, (int32_t)(uint32_t)((v | m) & ~(m & sign32)));

	/* signed <-> unsigned within each width */
	if (s->smin >= 0 || s->smax < 0) {
		TIGHTEN_MIN(s->umin, (uint64_t)s->smin);
		TIGHTEN_MAX(s->umax, (uint64_t)s->smax);
	}
	if ((int64_t)s->umin <= (int64_t)s->umax) {
		TIGHTEN_MIN(s->smin, (int64_t)s->umin);
		TIGHTEN_MAX(s->smax, (int64_t)s->umax);
	}
	if (s->s32min >= 0 || s->s32max < 0) {
		TIGHTEN_MIN(s->u32min, (uint32_t)s->s32min);
		TIGHTEN_MAX(s->u32max, (uint32_t)s->s32max);
	}
	if ((int32_t)s->u32min <= (int32_t)s->u32max) {
		TIGHTEN_MIN(s->s32min, (int32_t)s->u32min);
		TIGHTEN_MAX(s->s32max, (int32_t)s->u32max);
	}

	/* 64 -> 32: when the upper halves of the bounds agree, the low halves
	 * of all values lie between the low halves of the bounds */
	if ((s->umin >> 32) == (s->umax >> 32)) {
		TIGHTEN_MIN(s->u32min, (uint32_t)s->umin);
		TIGHTEN_MAX(s->u32max, (uint32_t)s->umax);
		if ((int32_t)s->umin <= (int32_t)s->umax) {
			TIGHTEN_MIN(s->s32min, (int32_t)s->umin);
			TIGHTEN_MAX(s->s32max, (int32_t)s->umax);
		}
	}
	if ((s->smin >> 32) == (s->smax >> 32)) {
		TIGHTEN_MIN(s->u32min, (uint32_t)s->smin);
		TIGHTEN_MAX(s->u32max, (uint32_t)s->smax);
		if ((int32_t)s->smin <= (int32_t)s->smax) {
			TIGHTEN_MIN(s->s32min, (int32_t)s->smin);
			TIGHTEN_MAX(s->s32max, (int32_t)s->smax);
		}
	}
	/* a 64-bit value within the s32 range is the sign extension of its low half */
	if (s->smin >= INT32_MIN && s->smax <= INT32_MAX) {
		TIGHTEN_MIN(s->s32min, (int32_t)s->smin);
		TIGHTEN_MAX(s->s32max, (int32_t)s->smax);
		TIGHTEN_MIN(s->smin, (int64_t)s->s32min);
		TIGHTEN_MAX(s->smax, (int64_t)s->s32max);
	}
	/* 32 -> 64: with the upper half known, the low half bounds the value */
	if ((m >> 32) == 0 || (s->umin >> 32) == (s->umax >> 32)) {
		uint64_t hi = (m >> 32) == 0 ? (v >> 32) << 32 : (s->umin >> 32) << 32;

		TIGHTEN_MIN(s->umin, hi | s->u32min);
		TIGHTEN_MAX(s->umax, hi | s->u32max);
	}

	/* known bits from bounds */
	t = tnum_intersect(s->var, tnum_range(s->umin, s->umax), &empty);
	if (empty)
		return false;
	if (s->smin >= 0 || s->smax < 0) {
		t = tnum_intersect(t, tnum_range((uint64_t)s->smin, (uint64_t)s->smax), &empty);
		if (empty)
			return false;
	}
	{
		struct tnum t32 = tnum_range(s->u32min, s->u32max);

		t32.mask |= 0xffffffff00000000ull;
		t = tnum_intersect(t, t32, &empty);
		if (empty)
			return false;
		if (s->s32min >= 0 || s->s32max < 0) {
			t32 = tnum_range((uint32_t)s->s32min, (uint32_t)s->s32max);
			t32.mask |= 0xffffffff00000000ull;
			t = tnum_intersect(t, t32, &empty);
			if (empty)
				return false;
		}
	}
	s->var = t;
	return s->umin <= s->umax && s->smin <= s->smax && s->u32min <= s->u32max &&
	       s->s32min <= s->s32max;
}

bool scalar_sync(struct scalar *s)
{
	for (int i = 0; i < 4; i++) {
		struct scalar before = *s;

		if (!sync_round(s))
			return false;
		if (scalar_equal(&before, s))
			break;
	}
	return true;
}

bool scalar_contains(const struct scalar *s, uint64_t x)
{
	return tnum_contains(s->var, x) && x >= s->umin && x <= s->umax &&
	       (int64_t)x >= s->smin && (int64_t)x <= s->smax && (uint32_t)x >= s->u32min &&
	       (uint32_t)x <= s->u32max && (int32_t)x >= s->s32min && (int32_t)x <= s->s32max;
}

bool scalar_in(const struct scalar *a, const struct scalar *b)
{
	return tnum_in(a->var, b->var) && a->umin <= b->umin && b->umax <= a->umax &&
	       a->smin <= b->smin && b->smax <= a->smax && a->u32min <= b->u32min &&
	       b->u32max <= a->u32max && a->s32min <= b->s32min && b->s32max <= a->s32max;
}

bool scalar_equal(const struct scalar *a, const struct scalar *b)
{
	return tnum_equal(a->var, b->var) && a->umin == b->umin && a->umax == b->umax &&
	       a->smin == b->smin && a->smax == b->smax && a->u32min == b->u32min &&
	       a->u32max == b->u32max && a->s32min == b->s32min && a->s32max == b->s32max;
}

struct scalar scalar_union(const struct scalar *a, const struct scalar *b)
{
	struct scalar r = {
		.var = tnum_union(a->var, b->var),
		.umin = u64_min(a->umin, b->umin), .umax = u64_max(a->umax, b->umax),
		.smin = s64_min(a->smin, b->smin), .smax = s64_max(a->smax, b->smax),
		.u32min = a->u32min < b->u32min ? a->u32min : b->u32min,
		.u32max = a->u32max > b->u32max ? a->u32max : b->u32max,
		.s32min = a->s32min < b->s32min ? a->s32min : b->s32min,
		.s32max = a->s32max > b->s32max ? a->s32max : b->s32max,
	};
	scalar_sync(&r);
	return r;
}

/* ---- one view at width w ---- */

static struct view view_add(int w, struct view a, struct view b)
{
	struct view r = view_unknown(w);
	uint64_t lo, hi;
	int64_t slo, shi;

	if (!uadd_ovf(w, a.umax, b.umax, &hi)) {
		uadd_ovf(w, a.umin, b.umin, &lo);
		r.umin = lo;
		r.umax = hi;
	}
	if (!sadd_ovf(w, a.smin, b.smin, &slo) && !sadd_ovf(w, a.smax, b.smax, &shi)) {
		r.smin = slo;
		r.smax = shi;
	}
	return r;
}

static struct view view_sub(int w, struct view a, struct view b)
{
	struct view r = view_unknown(w);
	int64_t slo, shi;

	if (a.umin >= b.umax) {
		r.umin = a.umin - b.umax;
		r.umax = a.umax - b.umin;
	}
	if (!ssub_ovf(w, a.smin, b.smax, &slo) && !ssub_ovf(w, a.smax, b.smin, &shi)) {
		r.smin = slo;
		r.smax = shi;
	}
	return r;
}

static struct view view_mul(int w, struct view a, struct view b)
{
	struct view r = view_unknown(w);
	uint64_t hi;
	int64_t p[4];

	if (!umul_ovf(w, a.umax, b.umax, &hi)) {
		r.umin = a.umin * b.umin;
		r.umax = hi;
	}
	if (!smul_ovf(w, a.smin, b.smin, &p[0]) && !smul_ovf(w, a.smin, b.smax, &p[1]) &&
	    !smul_ovf(w, a.smax, b.smin, &p[2]) && !smul_ovf(w, a.smax, b.smax, &p[3])) {
		r.smin = r.smax = p[0];
		for (int i = 1; i < 4; i++) {
			r.smin = s64_min(r.smin, p[i]);
			r.smax = s64_max(r.smax, p[i]);
		}
	}
	return r;
}

static struct view view_and(int w, struct view a, struct view b)
{
	struct view r = view_unknown(w);

	r.umax = u64_min(a.umax, b.umax);
	if (a.smin >= 0 && b.smin >= 0) {
		r.smin = 0;
		r.smax = s64_min(a.smax, b.smax);
	} else if (a.smin >= 0) {
		r.smin = 0;
		r.smax = a.smax;
	} else if (b.smin >= 0) {
		r.smin = 0;
		r.smax = b.smax;
	}
	return r;
}

static struct view view_or(int w, struct view a, struct view b)
{
	struct view r = view_unknown(w);

	r.umin = u64_max(a.umin, b.umin);
	if (a.smin >= 0 && b.smin >= 0)
		r.smin = s64_max(a.smin, b.smin);
	else if (a.smax < 0 || b.smax < 0)
		r.smax = -1;
	return r;
}

static struct view view_lsh(int w, struct view a, unsigned int k0, unsigned int k1)
{
	struct view r = view_unknown(w);

	int64_t c[4];

	if (k1 == 0 || (a.umax >> (w - k1)) == 0) {
		r.umin = a.umin << k0;
		r.umax = a.umax << k1;
	}
	/* without overflow, x << k is x * 2^k, monotone in x and in k */
	if (k1 < 62 && !smul_ovf(w, a.smin, (int64_t)1 << k0, &c[0]) &&
	    !smul_ovf(w, a.smin, (int64_t)1 << k1, &c[1]) &&
	    !smul_ovf(w, a.smax, (int64_t)1 << k0, &c[2]) &&
	    !smul_ovf(w, a.smax, (int64_t)1 << k1, &c[3])) {
		r.smin = r.smax = c[0];
		for (int i = 1; i < 4; i++) {
			r.smin = s64_min(r.smin, c[i]);
			r.smax = s64_max(r.smax, c[i]);
		}
	}
	return r;
}

static struct view view_rsh(int w, struct view a, unsigned int k0, unsigned int k1)
{
	struct view r = view_unknown(w);

	r.umin = a.umin >> k1;
	r.umax = a.umax >> k0;
	return r;
}

static int64_t asr64(int64_t x, unsigned int k)
{
	return x < 0 ? ~(~x >> k) : x >> k;
}

static struct view view_arsh(int w, struct view a, unsigned int k0, unsigned int k1)
{
	struct view r = view_unknown(w);
	int64_t c[4] = { asr64(a.smin, k0), asr64(a.smin, k1), asr64(a.smax, k0),
			 asr64(a.smax, k1) };

	r.smin = r.smax = c[0];
	for (int i = 1; i < 4; i++) {
		r.smin = s64_min(r.smin, c[i]);
		r.smax = s64_max(r.smax, c[i]);
	}
	return r;
}

static struct view view_udiv(int w, struct view a, struct view b)
{
	struct view r = view_unknown(w);

	if (b.umax == 0) {
		r.umin = r.umax = 0;
		return r;
	}
	r.umin = b.umin == 0 ? 0 : a.umin / b.umax;
	r.umax = a.umax / (b.umin ? b.umin : 1);
	return r;
}

static struct view view_umod(int w, struct view a, struct view b)
{
	struct view r = view_unknown(w);

	if (b.umax == 0 || (b.umin > 0 && a.umax < b.umin))
		return a;
	r.umin = 0;
	r.umax = b.umin > 0 ? u64_min(a.umax, b.umax - 1) : a.umax;
	return r;
}

/* Shift amounts as the ISA masks them; false when the amount is unbounded. */
static bool shift_range(const struct scalar *src, int w, unsigned int *k0, unsigned int *k1)
{
	if (tnum_is_const(src->var)) {
		*k0 = *k1 = (unsigned int)(src->var.value & (uint64_t)(w - 1));
		return true;
	}
	if (src->umax < (uint64_t)w) {
		*k0 = (unsigned int)src->umin;
		*k1 = (unsigned int)src->umax;
		return true;
	}
	return false;
}

static struct tnum tnum_shift_union(int op, struct tnum a, unsigned int k0, unsigned int k1, int w)
{
	struct tnum r = { 0, 0 };

	for (unsigned int k = k0; k <= k1; k++) {
		struct tnum t;

		if (op == BPF_LSH)
			t = tnum_lsh(a, k);
		else if (op == BPF_RSH)
			t = tnum_rsh(a, k);
		else
			t = tnum_arsh(a, k, (unsigned int)w);
		if (w == 32)
			t = tnum_subreg(t);
		r = k == k0 ? t : tnum_union(r, t);
	}
	return r;
}

static struct scalar from_view(int w, struct view v, struct tnum t)
{
	struct scalar s = scalar_unknown();

	if (w == 64) {
		s.umin = v.umin;
		s.umax = v.umax;
		s.smin = v.smin;
		s.smax = v.smax;
		s.var = t;
	} else {
		s.u32min = (uint32_t)v.umin;
		s.u32max = (uint32_t)v.umax;
		s.s32min = (int32_t)v.smin;
		s.s32max = (int32_t)v.smax;
		s.var = tnum_subreg(t);
		s.umax = UINT32_MAX;
		s.smin = 0;
		s.smax = UINT32_MAX;
	}
	return s;
}

/* The low `bytes` bytes as a value of that width, sign-extended to 64 bits. */
static struct scalar scalar_sext(const struct scalar *src, unsigned int bytes)
{
	struct scalar t = scalar_truncate(src, bytes);
	unsigned int bits = bytes * 8;
	uint64_t half = 1ull << (bits - 1);
	struct scalar r = scalar_unknown();

	if (bytes >= 8)
		return *src;
	r.var = tnum_sext(src->var, bytes);
	if (t.umax < half) {
		r.smin = (int64_t)t.umin;
		r.smax = (int64_t)t.umax;
	} else if (t.umin >= half) {
		r.smin = (int64_t)t.umin - (int64_t)(half << 1);
		r.smax = (int64_t)t.umax - (int64_t)(half << 1);
	} else {
		r.smin = -(int64_t)half;
		r.smax = (int64_t)half - 1;
	}
	if (!scalar_sync(&r))
		return scalar_unknown();
	return r;
}

struct scalar scalar_truncate(const struct scalar *s, unsigned int size)
{
	struct scalar r = scalar_unknown();
	unsigned int bits = size * 8;

	if (size >= 8)
		return *s;
	r.var = tnum_zext(s->var, size);
	if (size == 4) {
		r.umin = s->u32min;
		r.umax = s->u32max;
	} else {
		uint64_t m = (1ull << bits) - 1;

		r.umax = m;
		if ((s->umin >> bits) == (s->umax >> bits)) {
			r.umin = s->umin & m;
			r.umax = s->umax & m;
		}
	}
	if (!scalar_sync(&r))
		return scalar_unknown();
	return r;
}

struct scalar scalar_load(unsigned int size, bool sext)
{
	struct scalar r = scalar_unknown();

	if (size < 8)
		r = scalar_urange(0, (1ull << (size * 8)) - 1);
	if (sext)
		return scalar_sext(&r, size);
	return r;
}

static struct scalar zext32(struct scalar s)
{
	return scalar_truncate(&s, 4);
}

static struct scalar alu_end(uint8_t code, int32_t imm, const struct scalar *dst)
{
	bool swap = BPF_CLASS(code) == BPF_ALU64 || BPF_SRC(code) == BPF_TO_BE;
	unsigned int bytes = (unsigned int)imm / 8;
	struct scalar r = scalar_unknown();

	if (bytes != 2 && bytes != 4 && bytes != 8)
		return r;
	if (!swap)
		return scalar_truncate(dst, bytes);
	r.var = tnum_bswap(dst->var, bytes);
	if (!scalar_sync(&r))
		return scalar_unknown();
	return r;
}

struct scalar scalar_alu(uint8_t code, int16_t off, int32_t imm, const struct scalar *dst,
			 const struct scalar *src)
{
	int op = BPF_OP(code);
	bool is64 = BPF_CLASS(code) == BPF_ALU64;
	int w = is64 ? 64 : 32;
	struct view a = view_get(dst, w), b = view_get(src, w), v;
	struct tnum ta = is64 ? dst->var : tnum_subreg(dst->var);
	struct tnum tb = is64 ? src->var : tnum_subreg(src->var);
	struct tnum t = tnum_unknown();
	struct scalar r;
	bool low_ok = false; /* the low 32 bits depend only on the inputs' low 32 bits */
	unsigned int k0, k1;

	switch (op) {
	case BPF_MOV:
		if (off == 0)
			return is64 ? *src : zext32(*src);
		r = scalar_sext(src, (unsigned int)off / 8);
		return is64 ? r : zext32(r);
	case BPF_END:
		return alu_end(code, imm, dst);
	case BPF_NEG: {
		struct scalar zero = scalar_const(0);
		uint8_t sub = (uint8_t)((code & ~0xf0) | BPF_SUB);

		return scalar_alu(sub, 0, 0, &zero, dst);
	}
	case BPF_ADD:
		v = view_add(w, a, b);
		t = tnum_add(ta, tb);
		low_ok = true;
		break;
	case BPF_SUB:
		v = view_sub(w, a, b);
		t = tnum_sub(ta, tb);
		low_ok = true;
		break;
	case BPF_MUL:
		v = view_mul(w, a, b);
		t = tnum_mul(ta, tb);
		low_ok = true;
		break;
	case BPF_AND:
		v = view_and(w, a, b);
		t = tnum_and(ta, tb);
		low_ok = true;
		break;
	case BPF_OR:
		v = view_or(w, a, b);
		t = tnum_or(ta, tb);
		low_ok = true;
		break;
	case BPF_XOR:
		v = view_unknown(w);
		t = tnum_xor(ta, tb);
		low_ok = true;
		break;
	case BPF_LSH:
	case BPF_RSH:
	case BPF_ARSH:
		if (!shift_range(src, w, &k0, &k1)) {
			v = view_unknown(w);
			break;
		}
		v = op == BPF_LSH ? view_lsh(w, a, k0, k1) :
		    op == BPF_RSH ? view_rsh(w, a, k0, k1) : view_arsh(w, a, k0, k1);
		t = tnum_shift_union(op, ta, k0, k1, w);
		break;
	case BPF_DIV:
		v = off ? view_unknown(w) : view_udiv(w, a, b);
		break;
	case BPF_MOD:
		if (off) {
			v = view_unknown(w);
			break;
		}
		v = view_umod(w, a, b);
		if (b.umax == 0 || (b.umin > 0 && a.umax < b.umin))
			t = ta;
		else if (tnum_is_const(tb) && tb.value && (tb.value & (tb.value - 1)) == 0)
			t = tnum_and(ta, tnum_const(tb.value - 1));
		break;
	default:
		return scalar_unknown();
	}
	r = from_view(w, v, t);
	if (is64 && low_ok) {
		struct view a32 = view_get(dst, 32), b32 = view_get(src, 32), v32;

		switch (op) {
		case BPF_ADD: v32 = view_add(32, a32, b32); break;
		case BPF_SUB: v32 = view_sub(32, a32, b32); break;
		case BPF_MUL: v32 = view_mul(32, a32, b32); break;
		case BPF_AND: v32 = view_and(32, a32, b32); break;
		case BPF_OR: v32 = view_or(32, a32, b32); break;
		default: v32 = view_unknown(32); break;
		}
		r.u32min = (uint32_t)v32.umin;
		r.u32max = (uint32_t)v32.umax;
		r.s32min = (int32_t)v32.smin;
		r.s32max = (int32_t)v32.smax;
	}
	if (!scalar_sync(&r))
		return scalar_unknown();
	return r;
}

static uint64_t bswap_bytes(uint64_t x, unsigned int bytes)
{
	uint64_t r = 0;

	for (unsigned int i = 0; i < bytes; i++)
		r |= ((x >> (8 * i)) & 0xff) << (8 * (bytes - 1 - i));
	return r;
}

static uint64_t sext_bytes(uint64_t x, unsigned int bytes)
{
	unsigned int sh = 64 - bytes * 8;

	if (bytes >= 8)
		return x;
	return (uint64_t)asr64((int64_t)(x << sh), sh);
}

uint64_t scalar_alu_concrete(uint8_t code, int16_t off, int32_t imm, uint64_t dst, uint64_t src)
{
	int op = BPF_OP(code);
	bool is64 = BPF_CLASS(code) == BPF_ALU64;
	uint64_t m = is64 ? UINT64_MAX : UINT32_MAX;
	unsigned int sh = (unsigned int)(src & (is64 ? 63 : 31));
	uint64_t a = dst & m, b = src & m, r;

	switch (op) {
	case BPF_ADD: r = a + b; break;
	case BPF_SUB: r = a - b; break;
	case BPF_MUL: r = a * b; break;
	case BPF_OR: r = a | b; break;
	case BPF_AND: r = a & b; break;
	case BPF_XOR: r = a ^ b; break;
	case BPF_LSH: r = a << sh; break;
	case BPF_RSH: r = a >> sh; break;
	case BPF_ARSH:
		r = is64 ? (uint64_t)asr64((int64_t)a, sh) :
			   (uint64_t)(uint32_t)asr64((int32_t)(uint32_t)a, sh);
		break;
	case BPF_NEG: r = 0 - a; break;
	case BPF_MOV:
		r = off ? sext_bytes(src, (unsigned int)off / 8) : src;
		break;
	case BPF_DIV:
		if (!off) {
			r = b ? a / b : 0;
		} else if (is64) {
			int64_t x = (int64_t)a, y = (int64_t)b;

			r = y == 0 ? 0 : (y == -1 ? 0 - a : (uint64_t)(x / y));
		} else {
			int32_t x = (int32_t)a, y = (int32_t)b;

			r = y == 0 ? 0 : (y == -1 ? 0 - a : (uint64_t)(uint32_t)(x / y));
		}
		break;
	case BPF_MOD:
		if (!off) {
			r = b ? a % b : a;
		} else if (is64) {
			int64_t x = (int64_t)a, y = (int64_t)b;

			r = y == 0 ? a : (y == -1 ? 0 : (uint64_t)(x % y));
		} else {
			int32_t x = (int32_t)a, y = (int32_t)b;

			r = y == 0 ? a : (y == -1 ? 0 : (uint64_t)(uint32_t)(x % y));
		}
		break;
	case BPF_END: {
		bool swap = is64 || BPF_SRC(code) == BPF_TO_BE;
		unsigned int bytes = (unsigned int)imm / 8;

		r = swap ? bswap_bytes(dst, bytes) :
			   (bytes >= 8 ? dst : dst & ((1ull << (bytes * 8)) - 1));
		return r;
	}
	default:
		r = 0;
	}
	return r & m;
}

/* ---- comparisons ---- */

bool scalar_cmp_concrete(int op, bool is64, uint64_t a, uint64_t b)
{
	int64_t sa = is64 ? (int64_t)a : (int32_t)(uint32_t)a;
	int64_t sb = is64 ? (int64_t)b : (int32_t)(uint32_t)b;

	if (!is64) {
		a = (uint32_t)a;
		b = (uint32_t)b;
	}
	switch (op) {
	case BPF_JEQ: return a == b;
	case BPF_JNE: return a != b;
	case BPF_JGT: return a > b;
	case BPF_JGE: return a >= b;
	case BPF_JLT: return a < b;
	case BPF_JLE: return a <= b;
	case BPF_JSGT: return sa > sb;
	case BPF_JSGE: return sa >= sb;
	case BPF_JSLT: return sa < sb;
	case BPF_JSLE: return sa <= sb;
	case BPF_JSET: return (a & b) != 0;
	default: return true;
	}
}

static int negate_op(int op)
{
	switch (op) {
	case BPF_JEQ: return BPF_JNE;
	case BPF_JNE: return BPF_JEQ;
	case BPF_JGT: return BPF_JLE;
	case BPF_JLE: return BPF_JGT;
	case BPF_JGE: return BPF_JLT;
	case BPF_JLT: return BPF_JGE;
	case BPF_JSGT: return BPF_JSLE;
	case BPF_JSLE: return BPF_JSGT;
	case BPF_JSGE: return BPF_JSLT;
	case BPF_JSLT: return BPF_JSGE;
	default: return op;
	}
}

static void view_put(struct scalar *s, int w, struct view v)
{
	if (w == 64) {
		s->umin = v.umin;
		s->umax = v.umax;
		s->smin = v.smin;
		s->smax = v.smax;
	} else {
		s->u32min = (uint32_t)v.umin;
		s->u32max = (uint32_t)v.umax;
		s->s32min = (int32_t)v.smin;
		s->s32max = (int32_t)v.smax;
	}
}

/* The known bits of the view's width; the rest unknown. */
static struct tnum tnum_view(struct tnum t, int w)
{
	if (w == 32)
		t.mask |= 0xffffffff00000000ull, t.value &= 0xffffffffull;
	return t;
}

static bool single(struct view v)
{
	return v.umin == v.umax;
}

/* a > b (strict) or a >= b, unsigned or signed: the views may become empty,
 * which sync detects. Bounds that would wrap mean "no value". */
static bool refine_gt(struct view *a, struct view *b, bool is_signed, bool strict, int w)
{
	if (!is_signed) {
		uint64_t lo = b->umin, hi = a->umax;

		if (strict) {
			if (lo == umax_w(w) || hi == 0)
				return false;
			lo++;
			hi--;
		}
		TIGHTEN_MIN(a->umin, lo);
		TIGHTEN_MAX(b->umax, hi);
	} else {
		int64_t lo = b->smin, hi = a->smax;

		if (strict) {
			if (lo == smax_w(w) || hi == smin_w(w))
				return false;
			lo++;
			hi--;
		}
		TIGHTEN_MIN(a->smin, lo);
		TIGHTEN_MAX(b->smax, hi);
	}
	return true;
}

static void refine_ne(struct view *a, struct view b)
{
	if (!single(b))
		return;
	if (a->umin == b.umin && a->umin < a->umax)
		a->umin++;
	else if (a->umax == b.umin && a->umin < a->umax)
		a->umax--;
	if (a->smin == (int64_t)b.smin && a->smin < a->smax)
		a->smin++;
	else if (a->smax == (int64_t)b.smin && a->smin < a->smax)
		a->smax--;
}

bool scalar_refine(int op, bool is64, bool taken, struct scalar *a, struct scalar *b)
{
	int w = is64 ? 64 : 32;
	struct view va = view_get(a, w), vb = view_get(b, w);
	struct tnum ta = tnum_view(a->var, w), tb = tnum_view(b->var, w);
	bool empty = false;

	if (op == BPF_JSET) {
		uint64_t wm = umax_w(w);
		uint64_t amax = (ta.value | ta.mask) & wm, bmax = (tb.value | tb.mask) & wm;

		if (taken) {
			if ((amax & bmax) == 0)
				return false;
			if (tnum_is_const(tb) || w == 32) {
				uint64_t c = tb.value & wm;

				if ((tb.mask & wm) == 0 && c && (c & (c - 1)) == 0) {
					a->var.value |= c;
					a->var.mask &= ~c;
				}
			}
		} else {
			if ((ta.value & tb.value & wm) != 0)
				return false;
			if ((tb.mask & wm) == 0) {
				a->var.value &= ~tb.value;
				a->var.mask &= ~tb.value;
			}
			if ((ta.mask & wm) == 0) {
				b->var.value &= ~ta.value;
				b->var.mask &= ~ta.value;
			}
		}
		return scalar_sync(a) && scalar_sync(b);
	}
	if (!taken)
		op = negate_op(op);
	switch (op) {
	case BPF_JEQ: {
		struct tnum t = tnum_intersect(ta, tb, &empty);

		if (empty)
			return false;
		TIGHTEN_MIN(va.umin, vb.umin);
		TIGHTEN_MAX(va.umax, vb.umax);
		TIGHTEN_MIN(va.smin, vb.smin);
		TIGHTEN_MAX(va.smax, vb.smax);
		vb = va;
		if (w == 64) {
			a->var = b->var = t;
		} else {
			bool e;

			a->var = tnum_intersect(a->var, t, &e);
			b->var = tnum_intersect(b->var, t, &e);
		}
		break;
	}
	case BPF_JNE:
		refine_ne(&va, vb);
		refine_ne(&vb, va);
		break;
	case BPF_JGT:
		if (!refine_gt(&va, &vb, false, true, w))
			return false;
		break;
	case BPF_JGE:
		refine_gt(&va, &vb, false, false, w);
		break;
	case BPF_JLT:
		if (!refine_gt(&vb, &va, false, true, w))
			return false;
		break;
	case BPF_JLE:
		refine_gt(&vb, &va, false, false, w);
		break;
	case BPF_JSGT:
		if (!refine_gt(&va, &vb, true, true, w))
			return false;
		break;
	case BPF_JSGE:
		refine_gt(&va, &vb, true, false, w);
		break;
	case BPF_JSLT:
		if (!refine_gt(&vb, &va, true, true, w))
			return false;
		break;
	case BPF_JSLE:
		refine_gt(&vb, &va, true, false, w);
		break;
	default:
		return true;
	}
	if (va.umin > va.umax || va.smin > va.smax || vb.umin > vb.umax || vb.smin > vb.smax)
		return false;
	view_put(a, w, va);
	view_put(b, w, vb);
	if (!scalar_sync(a) || !scalar_sync(b))
		return false;
	/* JNE with equal constants on both sides */
	if (op == BPF_JNE && scalar_is_const(a) && scalar_is_const(b)) {
		uint64_t m = umax_w(w);

		if ((a->var.value & m) == (b->var.value & m))
			return false;
	}
	return true;
}

int scalar_format(const struct scalar *s, char *buf, size_t len)
{
	if (scalar_is_const(s)) {
		if ((int64_t)s->var.value < 0 && (int64_t)s->var.value > -4096)
			return snprintf(buf, len, "%" PRId64, (int64_t)s->var.value);
		return snprintf(buf, len, "%" PRIu64, s->var.value);
	}
	size_t n = 0;
	int k;

#define APPEND(...)                                                          \
	do {                                                                 \
		k = snprintf(buf + n, n < len ? len - n : 0, __VA_ARGS__);   \
		if (k > 0)                                                   \
			n += (size_t)k;                                      \
	} while (0)
	APPEND("scalar(");
	if (s->umin || s->umax != UINT64_MAX)
		APPEND("umin=%" PRIu64 ",umax=%" PRIu64 ",", s->umin, s->umax);
	if (s->smin != INT64_MIN || s->smax != INT64_MAX)
		if (!(s->smin >= 0 && (uint64_t)s->smin == s->umin && (uint64_t)s->smax == s->umax))
			APPEND("smin=%" PRId64 ",smax=%" PRId64 ",", s->smin, s->smax);
	if (s->umax > UINT32_MAX && (s->u32min || s->u32max != UINT32_MAX))
		APPEND("u32min=%" PRIu32 ",u32max=%" PRIu32 ",", s->u32min, s->u32max);
	if (s->var.mask != UINT64_MAX && tnum_umax(s->var) != s->umax)
		APPEND("var_off=(0x%" PRIx64 "; 0x%" PRIx64 "),", s->var.value, s->var.mask);
	if (n > 7 && n < len)
		buf[--n] = '\0';
	else if (n == 7)
		APPEND("unknown");
	APPEND(")");
#undef APPEND
	return (int)n;
}
