/* Exhaustive soundness of the tnum operations: every tnum whose unknown and
 * known-one bits lie in a 4-bit window (81 of them), with the window placed at
 * the bottom, across the 32-bit boundary and at the sign bit, against every
 * pair of concrete members. Each operation must contain every concrete
 * result; intersection must also be exact about emptiness. */
#include <stdbool.h>
#include <stdint.h>

#include "test.h"
#include "verify/tnum.h"

#define NT 81

static struct tnum all[NT];
static int failures_printed;

static void build(unsigned int pos, uint64_t base)
{
	for (int i = 0; i < NT; i++) {
		int t = i;
		uint64_t v = 0, m = 0;

		for (unsigned int b = 0; b < 4; b++, t /= 3) {
			uint64_t bit = 1ull << ((pos + b) & 63);

			if (t % 3 == 1)
				v |= bit;
			else if (t % 3 == 2)
				m |= bit;
		}
		all[i] = (struct tnum){ (v | base) & ~m, m };
	}
}

/* The members of a tnum with at most 4 unknown bits. */
static int members(struct tnum t, uint64_t *out)
{
	uint64_t sub = 0;
	int n = 0;

	do {
		out[n++] = t.value | sub;
		sub = (sub - t.mask) & t.mask;
	} while (sub);
	return n;
}

static void miss(const char *op, struct tnum a, struct tnum b, struct tnum r, uint64_t x)
{
	test_failures++;
	if (failures_printed++ < 10)
		fprintf(stderr,
			"%s: (0x%" PRIx64 "; 0x%" PRIx64 ") op (0x%" PRIx64 "; 0x%" PRIx64
			") = (0x%" PRIx64 "; 0x%" PRIx64 ") misses 0x%" PRIx64 "\n",
			op, a.value, a.mask, b.value, b.mask, r.value, r.mask, x);
}

#define CHECK_IN(op, a, b, r, x)                         \
	do {                                             \
		test_checks++;                           \
		if (!tnum_contains((r), (x)))            \
			miss((op), (a), (b), (r), (x));  \
	} while (0)

static uint64_t sar(uint64_t x, unsigned int k, unsigned int bits)
{
	if (bits == 32) {
		int32_t s = (int32_t)(uint32_t)x;

		return (uint32_t)(s < 0 ? ~(~s >> k) : s >> k);
	}
	return (uint64_t)((int64_t)x < 0 ? ~(~(int64_t)x >> k) : (int64_t)x >> k);
}

static uint64_t sext(uint64_t x, unsigned int bytes)
{
	unsigned int sh = 64 - 8 * bytes;

	return bytes == 8 ? x : (uint64_t)sar(x << sh, sh, 64);
}

static uint64_t bswap(uint64_t x, unsigned int bytes)
{
	uint64_t r = 0;

	for (unsigned int i = 0; i < bytes; i++)
		r |= ((x >> (8 * i)) & 0xff) << (8 * (bytes - 1 - i));
	return r;
}

static void check_binary(void)
{
	uint64_t ga[16], gb[16];

	for (int i = 0; i < NT; i++) {
		struct tnum a = all[i];
		int na = members(a, ga);

		for (int j = 0; j < NT; j++) {
			struct tnum b = all[j];
			int nb = members(b, gb);
			struct tnum add = tnum_add(a, b), sub = tnum_sub(a, b), mul = tnum_mul(a, b);
			struct tnum and = tnum_and(a, b), or = tnum_or(a, b), xor = tnum_xor(a, b);
			struct tnum uni = tnum_union(a, b);
			bool empty, any = false;
			struct tnum isect = tnum_intersect(a, b, &empty);

			for (int x = 0; x < na; x++) {
				CHECK_IN("union", a, b, uni, ga[x]);
				for (int y = 0; y < nb; y++) {
					uint64_t p = ga[x], q = gb[y];

					CHECK_IN("add", a, b, add, p + q);
					CHECK_IN("sub", a, b, sub, p - q);
					CHECK_IN("mul", a, b, mul, p * q);
					CHECK_IN("and", a, b, and, p & q);
					CHECK_IN("or", a, b, or, p | q);
					CHECK_IN("xor", a, b, xor, p ^ q);
					if (p == q) {
						any = true;
						CHECK_IN("intersect", a, b, isect, p);
					}
				}
			}
			for (int y = 0; y < nb; y++)
				CHECK_IN("union", a, b, uni, gb[y]);
			test_checks++;
			if (empty == any)
				miss("intersect emptiness", a, b, isect, 0);
		}
	}
}

static void check_unary(void)
{
	uint64_t g[16];

	for (int i = 0; i < NT; i++) {
		struct tnum a = all[i];
		int n = members(a, g);

		for (int x = 0; x < n; x++) {
			CHECK_IN("neg", a, a, tnum_neg(a), 0 - g[x]);
			for (unsigned int k = 0; k < 64; k += 3) {
				CHECK_IN("lsh", a, a, tnum_lsh(a, k), g[x] << k);
				CHECK_IN("rsh", a, a, tnum_rsh(a, k), g[x] >> k);
				CHECK_IN("arsh", a, a, tnum_arsh(a, k, 64), sar(g[x], k, 64));
				if (k < 32)
					CHECK_IN("arsh32", a, a, tnum_arsh(tnum_subreg(a), k, 32),
						 sar(g[x], k, 32));
			}
			for (unsigned int bytes = 1; bytes <= 8; bytes *= 2) {
				CHECK_IN("sext", a, a, tnum_sext(a, bytes), sext(g[x], bytes));
				CHECK_IN("zext", a, a, tnum_zext(a, bytes),
					 bytes == 8 ? g[x] : g[x] & ((1ull << (8 * bytes)) - 1));
				if (bytes > 1)
					CHECK_IN("bswap", a, a, tnum_bswap(a, bytes), bswap(g[x], bytes));
			}
			CHECK_IN("subreg", a, a, tnum_subreg(a), (uint32_t)g[x]);
		}
	}
}

static void check_range(void)
{
	static const uint64_t bases[] = { 0, 0xfffffff0ull, 0x7ffffffffffffff0ull,
					  0xffffffffffffffe0ull };

	for (size_t b = 0; b < sizeof(bases) / sizeof(bases[0]); b++)
		for (uint64_t lo = 0; lo < 32; lo++)
			for (uint64_t hi = lo; hi < 32; hi++) {
				struct tnum r = tnum_range(bases[b] + lo, bases[b] + hi);

				for (uint64_t x = lo; x <= hi; x++)
					CHECK_IN("range", r, r, r, bases[b] + x);
			}
}

int main(void)
{
	static const struct {
		unsigned int pos;
		uint64_t base;
	} windows[] = { { 0, 0 }, { 30, 0 }, { 60, 0 }, { 0, 0x8000000000000000ull },
			{ 6, 0xffffffffffffff00ull } };

	for (size_t w = 0; w < sizeof(windows) / sizeof(windows[0]); w++) {
		build(windows[w].pos, windows[w].base);
		check_binary();
		check_unary();
	}
	check_range();
	return test_exit();
}
