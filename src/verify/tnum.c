/* Transfer functions on tristate numbers (see tnum.h). Each is the textbook
 * bitwise abstraction: compute with all unknown bits 0 and with all 1, and mark
 * every bit where the carries may differ unknown. */
#include "verify/tnum.h"

struct tnum tnum_range(uint64_t min, uint64_t max)
{
	uint64_t diff = min ^ max;
	int bits;

	if (min > max)
		return tnum_unknown();
	if (diff == 0)
		return tnum_const(min);
	bits = 64 - __builtin_clzll(diff);
	if (bits >= 64)
		return tnum_unknown();
	uint64_t m = (1ull << bits) - 1;
	return (struct tnum){ min & ~m, m };
}

struct tnum tnum_add(struct tnum a, struct tnum b)
{
	uint64_t sm = a.mask + b.mask;
	uint64_t sv = a.value + b.value;
	uint64_t sigma = sm + sv;
	uint64_t chi = sigma ^ sv;
	uint64_t mu = chi | a.mask | b.mask;

	return (struct tnum){ sv & ~mu, mu };
}

struct tnum tnum_sub(struct tnum a, struct tnum b)
{
	uint64_t dv = a.value - b.value;
	uint64_t alpha = dv + a.mask;
	uint64_t beta = dv - b.mask;
	uint64_t chi = alpha ^ beta;
	uint64_t mu = chi | a.mask | b.mask;

	return (struct tnum){ dv & ~mu, mu };
}

struct tnum tnum_and(struct tnum a, struct tnum b)
{
	uint64_t alpha = a.value | a.mask;
	uint64_t beta = b.value | b.mask;
	uint64_t v = a.value & b.value;

	return (struct tnum){ v, alpha & beta & ~v };
}

struct tnum tnum_or(struct tnum a, struct tnum b)
{
	uint64_t v = a.value | b.value;
	uint64_t mu = a.mask | b.mask;

	return (struct tnum){ v, mu & ~v };
}

struct tnum tnum_xor(struct tnum a, struct tnum b)
{
	uint64_t v = a.value ^ b.value;
	uint64_t mu = a.mask | b.mask;

	return (struct tnum){ v & ~mu, mu };
}

/* Shift-and-add over the bits of a: a known 1 adds b, an unknown bit adds
 * "b or 0", which is b with all its bits unknown. */
struct tnum tnum_mul(struct tnum a, struct tnum b)
{
	struct tnum acc_v = tnum_const(a.value * b.value);
	struct tnum acc_m = tnum_const(0);

	while (a.value || a.mask) {
		if (a.mask & 1)
			acc_m = tnum_add(acc_m, (struct tnum){ 0, b.mask | b.value });
		else if (a.value & 1)
			acc_m = tnum_add(acc_m, (struct tnum){ 0, b.mask });
		a = tnum_rsh(a, 1);
		b = tnum_lsh(b, 1);
	}
	return tnum_add(acc_v, acc_m);
}

struct tnum tnum_neg(struct tnum a)
{
	return tnum_sub(tnum_const(0), a);
}

struct tnum tnum_lsh(struct tnum a, unsigned int shift)
{
	if (shift >= 64)
		return tnum_const(0);
	return (struct tnum){ a.value << shift, a.mask << shift };
}

struct tnum tnum_rsh(struct tnum a, unsigned int shift)
{
	if (shift >= 64)
		return tnum_const(0);
	return (struct tnum){ a.value >> shift, a.mask >> shift };
}

static uint64_t sar(uint64_t x, unsigned int shift, unsigned int bits)
{
	uint64_t sign = 1ull << (bits - 1);
	uint64_t low = bits == 64 ? ~0ull : (1ull << bits) - 1;
	uint64_t r;

	x &= low;
	r = x >> shift;
	if (x & sign)
		r |= low & ~(low >> shift);
	return r;
}

/* An unknown sign bit has value bit 0 and mask bit 1, so shifting the mask
 * arithmetically makes its copies unknown and shifting the value leaves them 0. */
struct tnum tnum_arsh(struct tnum a, unsigned int shift, unsigned int bits)
{
	struct tnum r;

	shift &= bits - 1;
	r.mask = sar(a.mask, shift, bits);
	r.value = sar(a.value, shift, bits) & ~r.mask;
	return r;
}

struct tnum tnum_intersect(struct tnum a, struct tnum b, bool *empty)
{
	uint64_t known_both = ~a.mask & ~b.mask;

	*empty = ((a.value ^ b.value) & known_both) != 0;
	return (struct tnum){ a.value | b.value, a.mask & b.mask };
}

struct tnum tnum_union(struct tnum a, struct tnum b)
{
	uint64_t mu = a.mask | b.mask | (a.value ^ b.value);

	return (struct tnum){ a.value & ~mu, mu };
}

struct tnum tnum_zext(struct tnum a, unsigned int bytes)
{
	uint64_t m = bytes >= 8 ? ~0ull : (1ull << (bytes * 8)) - 1;

	return (struct tnum){ a.value & m, a.mask & m };
}

struct tnum tnum_sext(struct tnum a, unsigned int bytes)
{
	unsigned int bits = bytes * 8;
	uint64_t sign = 1ull << (bits - 1);
	uint64_t high = bits >= 64 ? 0 : ~0ull << bits;

	if (bits >= 64)
		return a;
	a = tnum_zext(a, bytes);
	if (a.mask & sign)
		a.mask |= high;
	else if (a.value & sign)
		a.value |= high;
	return a;
}

static uint64_t bswap_n(uint64_t x, unsigned int bytes)
{
	uint64_t r = 0;

	for (unsigned int i = 0; i < bytes; i++)
		r |= ((x >> (8 * i)) & 0xff) << (8 * (bytes - 1 - i));
	return r;
}

struct tnum tnum_bswap(struct tnum a, unsigned int bytes)
{
	return (struct tnum){ bswap_n(a.value, bytes), bswap_n(a.mask, bytes) };
}
