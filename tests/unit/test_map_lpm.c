/* LPM_TRIE: longest-prefix matching for IPv4 (including /0 and /32) and
 * IPv6, Linux's creation rules and error codes, get_next_key in Linux's
 * post-order, and a randomised comparison against a brute-force matcher with
 * inserts and deletes interleaved. */
#include <errno.h>

#include "bpfvm/bpfvm.h"
#include "test.h"

struct k4 { uint32_t prefixlen; uint8_t a[4]; };
struct k6 { uint32_t prefixlen; uint8_t a[16]; };

static struct bpfvm_map *make(uint32_t ks, uint32_t max, uint32_t flags, int *err)
{
	struct bpfvm_map_create_opts o = { .sz = sizeof(o), .map_type = BPFVM_MAP_TYPE_LPM_TRIE,
					   .key_size = ks, .value_size = 4, .max_entries = max,
					   .map_flags = flags, .name = "lpm" };
	struct bpfvm_map *m = NULL;

	*err = bpfvm_map_create(&o, &m);
	return m;
}

static int put4(struct bpfvm_map *m, uint8_t a, uint8_t b, uint8_t c, uint8_t d, uint32_t len,
		uint32_t val, uint64_t flags)
{
	struct k4 k = { len, { a, b, c, d } };

	return bpfvm_map_update_elem(m, &k, &val, flags);
}

static int64_t get4(struct bpfvm_map *m, uint8_t a, uint8_t b, uint8_t c, uint8_t d)
{
	struct k4 k = { 32, { a, b, c, d } };
	uint32_t v;

	return bpfvm_map_lookup_elem(m, &k, &v) ? -1 : (int64_t)v;
}

static void test_rules(void)
{
	int err;

	CHECK(!make(8, 4, 0, &err) && err == -EINVAL); /* BPF_F_NO_PREALLOC is required */
	CHECK(!make(4, 4, BPFVM_F_NO_PREALLOC, &err) && err == -EINVAL);
	CHECK(!make(4 + 257, 4, BPFVM_F_NO_PREALLOC, &err) && err == -EINVAL);
	CHECK(!make(8, 0, BPFVM_F_NO_PREALLOC, &err) && err == -EINVAL);
}

static void test_ipv4(void)
{
	struct bpfvm_map *m;
	struct k4 k, next;
	int err;

	m = make(8, 6, BPFVM_F_NO_PREALLOC, &err);
	CHECK(m != NULL);
	if (!m)
		return;
	CHECK_EQ_U64(get4(m, 1, 2, 3, 4), -1);
	CHECK_EQ_U64(put4(m, 192, 168, 0, 0, 16, 16, BPFVM_ANY), 0);
	CHECK_EQ_U64(put4(m, 192, 168, 0, 0, 24, 24, BPFVM_ANY), 0);
	CHECK_EQ_U64(put4(m, 192, 168, 1, 0, 24, 241, BPFVM_ANY), 0);
	CHECK_EQ_U64(put4(m, 192, 168, 128, 0, 24, 128, BPFVM_ANY), 0);
	CHECK_EQ_U64(get4(m, 192, 168, 0, 7), 24);
	CHECK_EQ_U64(get4(m, 192, 168, 1, 7), 241);
	CHECK_EQ_U64(get4(m, 192, 168, 128, 255), 128);
	CHECK_EQ_U64(get4(m, 192, 168, 2, 1), 16);
	CHECK_EQ_U64(get4(m, 192, 169, 0, 0), -1);
	/* Linux's post-order: more specific prefixes first. */
	{
		static const uint32_t order[][2] = { { 24, 0 }, { 24, 1 }, { 24, 128 }, { 16, 0 } };
		int i;

		CHECK_EQ_U64(bpfvm_map_get_next_key(m, NULL, &next), 0);
		for (i = 0; i < 4; i++) {
			CHECK_EQ_U64(next.prefixlen, order[i][0]);
			CHECK_EQ_U64(next.a[2], order[i][1]);
			k = next;
			err = bpfvm_map_get_next_key(m, &k, &next);
			CHECK_EQ_U64(err, i == 3 ? -ENOENT : 0);
		}
	}
	/* /0 matches everything else, /32 only itself. */
	CHECK_EQ_U64(put4(m, 0, 0, 0, 0, 0, 99, BPFVM_ANY), 0);
	CHECK_EQ_U64(put4(m, 10, 0, 0, 1, 32, 32, BPFVM_ANY), 0);
	CHECK_EQ_U64(get4(m, 10, 0, 0, 1), 32);
	CHECK_EQ_U64(get4(m, 10, 0, 0, 2), 99);
	CHECK_EQ_U64(get4(m, 192, 168, 2, 1), 16);
	/* Flags and errors. */
	CHECK_EQ_U64(put4(m, 10, 0, 0, 1, 32, 1, BPFVM_NOEXIST), -EEXIST);
	CHECK_EQ_U64(put4(m, 10, 0, 0, 1, 32, 33, BPFVM_EXIST), 0);
	CHECK_EQ_U64(get4(m, 10, 0, 0, 1), 33);
	CHECK_EQ_U64(put4(m, 10, 0, 0, 0, 8, 1, BPFVM_EXIST), -ENOENT);
	CHECK_EQ_U64(put4(m, 10, 0, 0, 0, 33, 1, BPFVM_ANY), -EINVAL);
	CHECK_EQ_U64(put4(m, 10, 0, 0, 0, 8, 1, BPFVM_ANY), -ENOSPC);
	CHECK_EQ_U64(put4(m, 192, 168, 0, 0, 16, 17, BPFVM_ANY), 0); /* replacing when full */
	CHECK_EQ_U64(get4(m, 192, 168, 2, 1), 17);
	/* Deletes: the exact prefix only. */
	k = (struct k4){ 20, { 192, 168, 0, 0 } };
	CHECK_EQ_U64(bpfvm_map_delete_elem(m, &k), -ENOENT);
	k.prefixlen = 24;
	CHECK_EQ_U64(bpfvm_map_delete_elem(m, &k), 0);
	CHECK_EQ_U64(get4(m, 192, 168, 0, 7), 17);
	k.prefixlen = 16;
	CHECK_EQ_U64(bpfvm_map_delete_elem(m, &k), 0);
	CHECK_EQ_U64(get4(m, 192, 168, 0, 7), 99);
	CHECK_EQ_U64(get4(m, 192, 168, 1, 7), 241);
	k.prefixlen = 0;
	CHECK_EQ_U64(bpfvm_map_delete_elem(m, &k), 0);
	CHECK_EQ_U64(get4(m, 192, 168, 0, 7), -1);
	bpfvm_map_free(m);
}

static void test_ipv6(void)
{
	struct k6 k = { 32, { 0x20, 0x01, 0x0d, 0xb8 } };
	struct bpfvm_map *m;
	uint32_t v = 1;
	int err;

	m = make(sizeof(struct k6), 16, BPFVM_F_NO_PREALLOC, &err);
	CHECK(m != NULL);
	if (!m)
		return;
	CHECK_EQ_U64(bpfvm_map_update_elem(m, &k, &v, BPFVM_ANY), 0);
	k.prefixlen = 128;
	k.a[15] = 1;
	v = 2;
	CHECK_EQ_U64(bpfvm_map_update_elem(m, &k, &v, BPFVM_ANY), 0);
	k.prefixlen = 64;
	k.a[15] = 0;
	k.a[7] = 5;
	v = 3;
	CHECK_EQ_U64(bpfvm_map_update_elem(m, &k, &v, BPFVM_ANY), 0);
	k.prefixlen = 128;
	k.a[15] = 1;
	k.a[7] = 0;
	CHECK_EQ_U64(bpfvm_map_lookup_elem(m, &k, &v), 0);
	CHECK_EQ_U64(v, 2);
	k.a[15] = 2;
	CHECK_EQ_U64(bpfvm_map_lookup_elem(m, &k, &v), 0);
	CHECK_EQ_U64(v, 1);
	k.a[7] = 5;
	k.a[12] = 0xff;
	CHECK_EQ_U64(bpfvm_map_lookup_elem(m, &k, &v), 0);
	CHECK_EQ_U64(v, 3);
	k.a[1] = 0;
	CHECK_EQ_U64(bpfvm_map_lookup_elem(m, &k, &v), -ENOENT);
	bpfvm_map_free(m);
}

/* Brute force over 16-bit "addresses" (2 data bytes). */
struct k2 { uint32_t prefixlen; uint8_t a[2]; };

static uint32_t rnd(uint64_t *s)
{
	*s = *s * 6364136223846793005ull + 1442695040888963407ull;
	return (uint32_t)(*s >> 33);
}

static void test_random(void)
{
	enum { PREFIXES = 200 };
	struct { uint16_t addr; uint8_t len; bool in; uint32_t val; } p[PREFIXES];
	struct bpfvm_map *m;
	uint64_t seed = 42;
	int i, round, err;

	m = make(sizeof(struct k2), PREFIXES, BPFVM_F_NO_PREALLOC, &err);
	CHECK(m != NULL);
	if (!m)
		return;
	for (i = 0; i < PREFIXES; i++) {
		p[i].len = (uint8_t)(rnd(&seed) % 17);
		p[i].addr = (uint16_t)(p[i].len ? (rnd(&seed) & (0xffffu << (16 - p[i].len))) : 0);
		p[i].in = false;
		p[i].val = (uint32_t)i;
	}
	for (round = 0; round < 3000; round++) {
		int j = (int)(rnd(&seed) % PREFIXES), q, best = -1, dup = -1;
		struct k2 k = { p[j].len, { (uint8_t)(p[j].addr >> 8), (uint8_t)p[j].addr } };
		uint16_t probe = (uint16_t)rnd(&seed);
		uint32_t v;
		int64_t want = -1, got;

		for (q = 0; q < PREFIXES; q++)
			if (q != j && p[q].in && p[q].len == p[j].len && p[q].addr == p[j].addr)
				dup = q;
		if (rnd(&seed) % 3) {
			if (bpfvm_map_update_elem(m, &k, &p[j].val, BPFVM_ANY) == 0) {
				p[j].in = true;
				if (dup >= 0)
					p[dup].in = false;
			}
		} else if (p[j].in || dup >= 0) {
			CHECK_EQ_U64(bpfvm_map_delete_elem(m, &k), 0);
			p[j].in = false;
			if (dup >= 0)
				p[dup].in = false;
		}
		for (q = 0; q < PREFIXES; q++) {
			uint16_t mask = (uint16_t)(p[q].len ? 0xffffu << (16 - p[q].len) : 0);

			if (p[q].in && (probe & mask) == p[q].addr &&
			    (best < 0 || p[q].len > p[best].len))
				best = q;
		}
		if (best >= 0)
			want = p[best].val;
		k = (struct k2){ 16, { (uint8_t)(probe >> 8), (uint8_t)probe } };
		got = bpfvm_map_lookup_elem(m, &k, &v) ? -1 : (int64_t)v;
		if (got != want) {
			CHECK_EQ_U64(got, want);
			break;
		}
	}
	bpfvm_map_free(m);
}

int main(void)
{
	test_rules();
	test_ipv4();
	test_ipv6();
	test_random();
	return test_exit();
}
