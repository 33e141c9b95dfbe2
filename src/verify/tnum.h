/* Tristate numbers: the known-bits half of a scalar's abstract value. A tnum
 * {value, mask} stands for every 64-bit x with (x & ~mask) == value; bits set in
 * mask are unknown. The verifier needs them because programs bound indexes with
 * masks (`i & 7`) and alignment with shifts, which intervals alone lose. Every
 * operation here over-approximates the concrete one; tests/unit/test_tnum.c
 * checks that by enumeration. */
#ifndef BPFVM_VERIFY_TNUM_H
#define BPFVM_VERIFY_TNUM_H

#include <stdbool.h>
#include <stdint.h>

struct tnum {
	uint64_t value;
	uint64_t mask;
};

static inline struct tnum tnum_const(uint64_t v)
{
	return (struct tnum){ v, 0 };
}

static inline struct tnum tnum_unknown(void)
{
	return (struct tnum){ 0, ~0ull };
}

static inline bool tnum_is_const(struct tnum a)
{
	return a.mask == 0;
}

static inline bool tnum_contains(struct tnum a, uint64_t x)
{
	return (x & ~a.mask) == a.value;
}

/* Every value of b is a value of a. */
static inline bool tnum_in(struct tnum a, struct tnum b)
{
	if (b.mask & ~a.mask)
		return false;
	return (b.value & ~a.mask) == a.value;
}

static inline bool tnum_equal(struct tnum a, struct tnum b)
{
	return a.value == b.value && a.mask == b.mask;
}

static inline uint64_t tnum_umin(struct tnum a)
{
	return a.value;
}

static inline uint64_t tnum_umax(struct tnum a)
{
	return a.value | a.mask;
}

/* The smallest tnum holding every value of [min, max]. */
struct tnum tnum_range(uint64_t min, uint64_t max);
struct tnum tnum_add(struct tnum a, struct tnum b);
struct tnum tnum_sub(struct tnum a, struct tnum b);
struct tnum tnum_and(struct tnum a, struct tnum b);
struct tnum tnum_or(struct tnum a, struct tnum b);
struct tnum tnum_xor(struct tnum a, struct tnum b);
struct tnum tnum_mul(struct tnum a, struct tnum b);
struct tnum tnum_neg(struct tnum a);
struct tnum tnum_lsh(struct tnum a, unsigned int shift);
struct tnum tnum_rsh(struct tnum a, unsigned int shift);
/* Arithmetic shift of the low `bits` (32 or 64) bits. */
struct tnum tnum_arsh(struct tnum a, unsigned int shift, unsigned int bits);
/* Values in both; *empty is set when no value is. */
struct tnum tnum_intersect(struct tnum a, struct tnum b, bool *empty);
/* Values in either (over-approximated). */
struct tnum tnum_union(struct tnum a, struct tnum b);
/* The low 32 bits, zero-extended. */
static inline struct tnum tnum_subreg(struct tnum a)
{
	return (struct tnum){ a.value & 0xffffffffull, a.mask & 0xffffffffull };
}
/* Sign-extension of the low `bytes` bytes. */
struct tnum tnum_sext(struct tnum a, unsigned int bytes);
/* Byte swap of the low `bytes` bytes (result zero-extended). */
struct tnum tnum_bswap(struct tnum a, unsigned int bytes);
/* Zero-extension of the low `bytes` bytes. */
struct tnum tnum_zext(struct tnum a, unsigned int bytes);

#endif
