/* Brute-force soundness of the verifier's scalar domain: for random abstract
 * values whose concretisation is small enough to enumerate, every ALU transfer
 * function must contain every concrete result, and every branch refinement
 * must keep every pair of concrete values for which the branch is taken. The
 * abstract values are built around the places where arithmetic wraps (0, 2^31,
 * 2^32, 2^63, 2^64) so that the 32- and 64-bit views and the known bits are all
 * exercised at their edges. Also pins down some precision real programs need. */
#include <stdbool.h>
#include <stdint.h>

#include "isa/opcodes.h"
#include "test.h"
#include "verify/scalar.h"

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint64_t rnd(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

static const uint64_t bases[] = {
	0, 1, 7, 8, 0x7f, 0x80, 0xff, 0x100, 0x7fff, 0x8000, 0xffff, 0x10000,
	0x7fffffffull, 0x80000000ull, 0xffffffffull, 0x100000000ull, 0x17fffffffull,
	0x7fffffffffffffffull, 0x8000000000000000ull, 0xffffffffffffffffull,
	0xffffffff80000000ull, 0xfffffffffffffff0ull, 0x123456789abcdef0ull,
};

#define MAXG 48

struct sample {
	struct scalar a;
	uint64_t g[MAXG];
	int n;
};

/* All values of s, if there are at most MAXG of them. */
static int enumerate(const struct scalar *s, uint64_t *out)
{
	int n = 0;

	if (__builtin_popcountll(s->var.mask) <= 12) {
		uint64_t m = s->var.mask, sub = 0;

		do {
			uint64_t x = s->var.value | sub;

			if (scalar_contains(s, x)) {
				if (n == MAXG)
					return -1;
				out[n++] = x;
			}
			sub = (sub - m) & m;
		} while (sub);
		return n;
	}
	if (s->umax - s->umin < 4096) {
		for (uint64_t x = s->umin;; x++) {
			if (scalar_contains(s, x)) {
				if (n == MAXG)
					return -1;
				out[n++] = x;
			}
			if (x == s->umax)
				break;
		}
		return n;
	}
	if ((uint64_t)s->smax - (uint64_t)s->smin < 4096) {
		for (uint64_t x = (uint64_t)s->smin;; x++) {
			if (scalar_contains(s, x)) {
				if (n == MAXG)
					return -1;
				out[n++] = x;
			}
			if (x == (uint64_t)s->smax)
				break;
		}
		return n;
	}
	return -1;
}

static uint64_t near(uint64_t base)
{
	switch (rnd() % 4) {
	case 0: return base + (rnd() % 9) - 4;
	case 1: return base ^ (rnd() & 0x7);
	case 2: return base ^ (1ull << (rnd() % 64));
	default: return base + (rnd() % 3);
	}
}

static void make_sample(struct sample *s)
{
	for (;;) {
		uint64_t base = bases[rnd() % (sizeof(bases) / sizeof(bases[0]))];
		int cnt = 1 + (int)(rnd() % 4);
		uint64_t vals[4];

		if (rnd() % 8 == 0)
			base = rnd();
		for (int i = 0; i < cnt; i++)
			vals[i] = near(base);
		s->a = scalar_const(vals[0]);
		for (int i = 1; i < cnt; i++) {
			struct scalar c = scalar_const(vals[i]);

			s->a = scalar_union(&s->a, &c);
		}
		/* every member of the set must survive the union */
		for (int i = 0; i < cnt; i++)
			CHECK(scalar_contains(&s->a, vals[i]));
		/* sometimes cut with a comparison to get bounds the tnum lacks */
		if (rnd() % 3 == 0) {
			static const int ops[] = { BPF_JGT, BPF_JGE, BPF_JSGT, BPF_JSLE, BPF_JNE,
						   BPF_JLT, BPF_JSET };
			struct scalar c = scalar_const(vals[rnd() % cnt]);
			struct scalar a2 = s->a;

			if (scalar_refine(ops[rnd() % 7], rnd() % 2, rnd() % 2, &a2, &c))
				s->a = a2;
		}
		s->n = enumerate(&s->a, s->g);
		if (s->n > 0)
			return;
	}
}

struct alu_case {
	uint8_t code;
	int16_t off;
	int32_t imm;
};

static struct alu_case alu_cases[64];
static int alu_case_cnt;

static void add_case(uint8_t code, int16_t off, int32_t imm)
{
	alu_cases[alu_case_cnt++] = (struct alu_case){ code, off, imm };
}

static void build_cases(void)
{
	static const int ops[] = { BPF_ADD, BPF_SUB, BPF_MUL, BPF_DIV, BPF_OR, BPF_AND, BPF_LSH,
				   BPF_RSH, BPF_NEG, BPF_MOD, BPF_XOR, BPF_MOV, BPF_ARSH };

	for (int c = 0; c < 2; c++) {
		uint8_t cls = c ? BPF_ALU64 : BPF_ALU;

		for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
			add_case((uint8_t)(cls | BPF_X | ops[i]), 0, 0);
		add_case((uint8_t)(cls | BPF_X | BPF_DIV), 1, 0);
		add_case((uint8_t)(cls | BPF_X | BPF_MOD), 1, 0);
		add_case((uint8_t)(cls | BPF_X | BPF_MOV), 8, 0);
		add_case((uint8_t)(cls | BPF_X | BPF_MOV), 16, 0);
		for (int w = 16; w <= 64; w *= 2) {
			add_case((uint8_t)(cls | BPF_END | BPF_TO_LE), 0, w);
			if (!c)
				add_case((uint8_t)(cls | BPF_END | BPF_TO_BE), 0, w);
		}
	}
	add_case(BPF_ALU64 | BPF_X | BPF_MOV, 32, 0);
}

static int failures_printed;

static void check_alu(const struct alu_case *ac, const struct sample *a, const struct sample *b)
{
	struct scalar r = scalar_alu(ac->code, ac->off, ac->imm, &a->a, &b->a);

	for (int i = 0; i < a->n; i++)
		for (int j = 0; j < b->n; j++) {
			uint64_t x = scalar_alu_concrete(ac->code, ac->off, ac->imm, a->g[i], b->g[j]);

			test_checks++;
			if (!scalar_contains(&r, x)) {
				test_failures++;
				if (failures_printed++ < 10) {
					char s1[256], s2[256], s3[256];

					scalar_format(&a->a, s1, sizeof(s1));
					scalar_format(&b->a, s2, sizeof(s2));
					scalar_format(&r, s3, sizeof(s3));
					fprintf(stderr,
						"alu code 0x%02x off %d imm %d: %s op %s = %s misses "
						"0x%" PRIx64 " op 0x%" PRIx64 " = 0x%" PRIx64 "\n",
						ac->code, ac->off, ac->imm, s1, s2, s3, a->g[i],
						b->g[j], x);
				}
			}
		}
}

static void check_refine(int op, bool is64, const struct sample *a, const struct sample *b)
{
	for (int taken = 0; taken < 2; taken++) {
		struct scalar ra = a->a, rb = b->a;
		bool feasible = scalar_refine(op, is64, taken, &ra, &rb);

		for (int i = 0; i < a->n; i++)
			for (int j = 0; j < b->n; j++) {
				if (scalar_cmp_concrete(op, is64, a->g[i], b->g[j]) != (bool)taken)
					continue;
				test_checks++;
				if (!feasible || !scalar_contains(&ra, a->g[i]) ||
				    !scalar_contains(&rb, b->g[j])) {
					test_failures++;
					if (failures_printed++ < 10) {
						char s1[256], s2[256];

						scalar_format(&a->a, s1, sizeof(s1));
						scalar_format(&b->a, s2, sizeof(s2));
						fprintf(stderr,
							"refine op 0x%x %s taken %d feasible %d: %s vs %s "
							"loses 0x%" PRIx64 ", 0x%" PRIx64 "\n",
							op, is64 ? "64" : "32", taken, feasible, s1,
							s2, a->g[i], b->g[j]);
					}
				}
			}
	}
}

static void test_brute_force(void)
{
	static const int jops[] = { BPF_JEQ, BPF_JNE, BPF_JGT, BPF_JGE, BPF_JLT, BPF_JLE, BPF_JSGT,
				    BPF_JSGE, BPF_JSLT, BPF_JSLE, BPF_JSET };
	struct sample a, b;

	build_cases();
	for (int iter = 0; iter < 6000; iter++) {
		make_sample(&a);
		make_sample(&b);
		if (rnd() % 4 == 0) {
			/* small shift amounts and divisors are the interesting ones */
			uint64_t k = rnd() % 70;

			b.a = scalar_const(k);
			b.n = 1;
			b.g[0] = k;
		}
		for (int c = 0; c < alu_case_cnt; c++)
			check_alu(&alu_cases[c], &a, &b);
		for (size_t j = 0; j < sizeof(jops) / sizeof(jops[0]); j++) {
			check_refine(jops[j], true, &a, &b);
			check_refine(jops[j], false, &a, &b);
		}
	}
}

/* Bounds real programs rely on. */
static void test_precision(void)
{
	struct scalar u = scalar_unknown(), c, r, k;

	c = scalar_const(7);
	r = scalar_alu(BPF_ALU64 | BPF_K | BPF_AND, 0, 0, &u, &c);
	CHECK(r.umax == 7 && r.smin == 0);
	r = scalar_alu(BPF_ALU | BPF_K | BPF_AND, 0, 0, &u, &c);
	CHECK(r.umax == 7);
	/* u8 load, shifted left by 2: ihl * 4 */
	r = scalar_load(1, false);
	k = scalar_const(15);
	r = scalar_alu(BPF_ALU64 | BPF_K | BPF_AND, 0, 0, &r, &k);
	k = scalar_const(2);
	r = scalar_alu(BPF_ALU64 | BPF_K | BPF_LSH, 0, 0, &r, &k);
	CHECK(r.umax == 60 && (r.var.value & 3) == 0 && tnum_umax(r.var) == 60);
	/* 32-bit add wraps, zero-extended */
	c = scalar_const(0xffffffff);
	k = scalar_const(1);
	r = scalar_alu(BPF_ALU | BPF_K | BPF_ADD, 0, 0, &c, &k);
	CHECK(scalar_is_const(&r) && r.var.value == 0);
	/* if r < 10 on an unknown: [0, 9]; the other side [10, max] */
	r = scalar_unknown();
	k = scalar_const(10);
	CHECK(scalar_refine(BPF_JLT, true, true, &r, &k));
	CHECK(r.umin == 0 && r.umax == 9 && r.smin == 0 && r.smax == 9);
	r = scalar_unknown();
	CHECK(scalar_refine(BPF_JLT, true, false, &r, &k));
	CHECK(r.umin == 10);
	/* 32-bit compare on a zero-extended value bounds 64 bits */
	r = scalar_load(4, false);
	k = scalar_const(100);
	CHECK(scalar_refine(BPF_JGT, false, false, &r, &k));
	CHECK(r.umax == 100);
	/* signed: if (s32)x s> -1 and x < 16 */
	r = scalar_unknown();
	k = scalar_const((uint64_t)-1);
	CHECK(scalar_refine(BPF_JSGT, true, true, &r, &k));
	CHECK(r.smin == 0 && r.umax == INT64_MAX);
	/* dead branches on constants */
	r = scalar_const(5);
	k = scalar_const(3);
	CHECK(!scalar_refine(BPF_JGT, true, false, &r, &k));
	r = scalar_const(5);
	CHECK(scalar_refine(BPF_JGT, true, true, &r, &k));
	r = scalar_const(4);
	k = scalar_const(4);
	k = scalar_const(3);
	CHECK(!scalar_refine(BPF_JSET, true, true, &r, &k));
	/* jset false clears bits: x & 0xfffffff8 == 0 -> x <= 7 */
	r = scalar_unknown();
	k = scalar_const(0xfffffffffffffff8ull);
	CHECK(scalar_refine(BPF_JSET, true, false, &r, &k));
	CHECK(r.umax == 7);
	/* unknown % 8 and / 8 */
	r = scalar_unknown();
	k = scalar_const(8);
	r = scalar_alu(BPF_ALU64 | BPF_K | BPF_MOD, 0, 0, &r, &k);
	CHECK(r.umax == 7);
	r = scalar_load(2, false);
	r = scalar_alu(BPF_ALU64 | BPF_K | BPF_DIV, 0, 0, &r, &k);
	CHECK(r.umax == 0xffff / 8);
	/* bswap16 of a u16 stays u16 */
	r = scalar_load(2, false);
	r = scalar_alu(BPF_ALU | BPF_END | BPF_TO_BE, 0, 16, &r, &r);
	CHECK(r.umax == 0xffff);
	/* sign-extending load of a byte */
	r = scalar_load(1, true);
	CHECK(r.smin == -128 && r.smax == 127);
}

static void test_tnum_basics(void)
{
	struct tnum t = tnum_range(16, 31);

	CHECK(t.value == 16 && t.mask == 15);
	CHECK(tnum_in(tnum_unknown(), t));
	CHECK(!tnum_in(t, tnum_unknown()));
	t = tnum_arsh(tnum_const(0x80000000ull), 4, 32);
	CHECK(t.value == 0xf8000000ull && t.mask == 0);
}

int main(void)
{
	test_tnum_basics();
	test_precision();
	test_brute_force();
	return test_exit();
}
