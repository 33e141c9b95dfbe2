/* HASH and PERCPU_HASH: Linux's creation rules and error codes (-E2BIG when
 * full, -EEXIST/-ENOENT for NOEXIST/EXIST), get_next_key walking every key
 * once and restarting from a NULL or deleted key, lookup_and_delete, batches,
 * BPF_F_NO_PREALLOC growth, BPF_F_LOCK updates and per-CPU gathering. */
#include <errno.h>

#include "bpfvm/bpfvm.h"
#include "maps/map.h"
#include "test.h"

static struct bpfvm_map *make(uint32_t type, uint32_t ks, uint32_t vs, uint32_t max,
			      uint32_t flags, int *err)
{
	struct bpfvm_map_create_opts o = { .sz = sizeof(o), .map_type = type, .key_size = ks,
					   .value_size = vs, .max_entries = max,
					   .map_flags = flags, .name = "h" };
	struct bpfvm_map *m = NULL;

	*err = bpfvm_map_create(&o, &m);
	return m;
}

static void test_create_rules(void)
{
	int err;

	CHECK(!make(BPFVM_MAP_TYPE_HASH, 0, 4, 4, 0, &err) && err == -EINVAL);
	CHECK(!make(BPFVM_MAP_TYPE_HASH, 4, 0, 4, 0, &err) && err == -EINVAL);
	CHECK(!make(BPFVM_MAP_TYPE_HASH, 4, 4, 0, 0, &err) && err == -EINVAL);
	CHECK(!make(BPFVM_MAP_TYPE_HASH, 513, 4, 4, 0, &err) && err == -E2BIG);
	CHECK(!make(BPFVM_MAP_TYPE_HASH, 4, 4, 4, BPFVM_F_NO_COMMON_LRU, &err) && err == -EINVAL);
	CHECK(!make(BPFVM_MAP_TYPE_HASH, 4, 4, 4, 1u << 20, &err) && err == -EINVAL);
	CHECK(!make(BPFVM_MAP_TYPE_LRU_HASH, 4, 4, 4, BPFVM_F_NO_PREALLOC, &err) &&
	      err == -EOPNOTSUPP);
	CHECK(!make(BPFVM_MAP_TYPE_PERCPU_HASH, 4, 40000, 4, 0, &err) && err == -E2BIG);
	CHECK(!make(BPFVM_MAP_TYPE_HASH_OF_MAPS, 4, 8, 4, 0, &err) && err == -EINVAL);
}

static void test_basic(uint32_t flags)
{
	struct bpfvm_map *m;
	uint64_t k, v, out;
	int err;

	m = make(BPFVM_MAP_TYPE_HASH, 8, 8, 3, flags, &err);
	CHECK(m && !err);
	if (!m)
		return;
	k = 1;
	v = 10;
	CHECK_EQ_U64(bpfvm_map_lookup_elem(m, &k, &out), -ENOENT);
	CHECK_EQ_U64(bpfvm_map_update_elem(m, &k, &v, BPFVM_EXIST), -ENOENT);
	CHECK_EQ_U64(bpfvm_map_update_elem(m, &k, &v, BPFVM_NOEXIST), 0);
	CHECK_EQ_U64(bpfvm_map_update_elem(m, &k, &v, BPFVM_NOEXIST), -EEXIST);
	v = 11;
	CHECK_EQ_U64(bpfvm_map_update_elem(m, &k, &v, BPFVM_EXIST), 0);
	CHECK_EQ_U64(bpfvm_map_lookup_elem(m, &k, &out), 0);
	CHECK_EQ_U64(out, 11);
	CHECK_EQ_U64(bpfvm_map_update_elem(m, &k, &v, 3), -EINVAL);
	CHECK_EQ_U64(bpfvm_map_update_elem(m, &k, &v, BPFVM_F_LOCK), -EINVAL);
	k = 2;
	CHECK_EQ_U64(bpfvm_map_update_elem(m, &k, &v, BPFVM_ANY), 0);
	k = 3;
	CHECK_EQ_U64(bpfvm_map_update_elem(m, &k, &v, BPFVM_ANY), 0);
	/* Full: a new key is -E2BIG, replacing an existing one still works. */
	k = 4;
	CHECK_EQ_U64(bpfvm_map_update_elem(m, &k, &v, BPFVM_ANY), -E2BIG);
	CHECK_EQ_U64(bpfvm_map_prog_update(m, &k, &v, BPFVM_ANY), -E2BIG);
	k = 3;
	v = 33;
	CHECK_EQ_U64(bpfvm_map_update_elem(m, &k, &v, BPFVM_ANY), 0);
	CHECK_EQ_U64(bpfvm_map_prog_update(m, &k, &v, BPFVM_ANY), 0);
	CHECK_EQ_U64(*(uint64_t *)bpfvm_map_prog_lookup(m, &k), 33);
	/* Delete then the slot is free again. */
	k = 2;
	CHECK_EQ_U64(bpfvm_map_delete_elem(m, &k), 0);
	CHECK_EQ_U64(bpfvm_map_delete_elem(m, &k), -ENOENT);
	CHECK_EQ_U64(bpfvm_map_prog_delete(m, &k), -ENOENT);
	k = 4;
	CHECK_EQ_U64(bpfvm_map_update_elem(m, &k, &v, BPFVM_ANY), 0);
	CHECK_EQ_U64(bpfvm_map_lookup_and_delete_elem(m, &k, &out), 0);
	CHECK_EQ_U64(out, 33);
	CHECK_EQ_U64(bpfvm_map_lookup_and_delete_elem(m, &k, &out), -ENOENT);
	bpfvm_map_free(m);
}

static void test_iteration(void)
{
	enum { N = 100 };
	struct bpfvm_map *m;
	uint32_t k, next, seen[N] = { 0 }, cnt = 0, i;
	uint64_t v = 0;
	int err;

	m = make(BPFVM_MAP_TYPE_HASH, 4, 8, N, BPFVM_F_NO_PREALLOC, &err);
	CHECK(m != NULL);
	if (!m)
		return;
	CHECK_EQ_U64(bpfvm_map_get_next_key(m, NULL, &next), -ENOENT);
	for (k = 0; k < N; k++)
		CHECK_EQ_U64(bpfvm_map_update_elem(m, &k, &v, BPFVM_NOEXIST), 0);
	k = N;
	CHECK_EQ_U64(bpfvm_map_update_elem(m, &k, &v, BPFVM_NOEXIST), -E2BIG);
	for (err = bpfvm_map_get_next_key(m, NULL, &next); !err;
	     err = bpfvm_map_get_next_key(m, &k, &next)) {
		CHECK(next < N);
		if (next < N)
			seen[next]++;
		k = next;
		cnt++;
	}
	CHECK_EQ_U64(err, -ENOENT);
	CHECK_EQ_U64(cnt, N);
	for (i = 0; i < N; i++)
		CHECK_EQ_U64(seen[i], 1);
	/* A key that is gone restarts from the first, as Linux. */
	CHECK_EQ_U64(bpfvm_map_get_next_key(m, NULL, &k), 0);
	CHECK_EQ_U64(bpfvm_map_delete_elem(m, &k), 0);
	CHECK_EQ_U64(bpfvm_map_get_next_key(m, &k, &next), 0);
	CHECK_EQ_U64(bpfvm_map_get_next_key(m, NULL, &i), 0);
	CHECK_EQ_U64(next, i);

	/* Batches: everything in two lookups, then lookup_and_delete empties. */
	{
		uint32_t keys[N], count = 60, pos, total;
		uint64_t vals[N];

		CHECK_EQ_U64(bpfvm_map_lookup_batch(m, NULL, &pos, keys, vals, &count, NULL), 0);
		CHECK_EQ_U64(count, 60);
		total = count;
		count = 60;
		CHECK_EQ_U64(bpfvm_map_lookup_batch(m, &pos, &pos, keys + total, vals + total,
						    &count, NULL), -ENOENT);
		total += count;
		CHECK_EQ_U64(total, N - 1);
		count = N;
		CHECK_EQ_U64(bpfvm_map_lookup_and_delete_batch(m, NULL, &pos, keys, vals, &count,
							       NULL), -ENOENT);
		CHECK_EQ_U64(count, N - 1);
		CHECK_EQ_U64(bpfvm_map_get_next_key(m, NULL, &next), -ENOENT);
		for (i = 0; i < 10; i++)
			keys[i] = i;
		count = 10;
		CHECK_EQ_U64(bpfvm_map_update_batch(m, keys, vals, &count, NULL), 0);
		CHECK_EQ_U64(count, 10);
		count = 11;
		keys[10] = 77;
		CHECK_EQ_U64(bpfvm_map_delete_batch(m, keys, &count, NULL), -ENOENT);
		CHECK_EQ_U64(count, 10);
	}
	bpfvm_map_free(m);
}

static void test_percpu(void)
{
	int ncpu = bpfvm_num_possible_cpus(), c, err;
	struct bpfvm_map *m = make(BPFVM_MAP_TYPE_PERCPU_HASH, 4, 4, 4, 0, &err);
	uint32_t k = 9, v = 5, *p;
	size_t vsz;
	uint64_t *buf;

	CHECK(m != NULL);
	if (!m)
		return;
	vsz = bpfvm_map_user_value_size(m);
	CHECK_EQ_U64(vsz, 8 * (size_t)ncpu);
	buf = calloc(1, vsz);
	/* A program's insert sets its CPU's slot and zeroes the others. */
	CHECK_EQ_U64(bpfvm_map_prog_update(m, &k, &v, BPFVM_ANY), 0);
	CHECK_EQ_U64(bpfvm_map_lookup_elem(m, &k, buf), 0);
	for (c = 0; c < ncpu; c++)
		CHECK_EQ_U64(buf[c], (uint32_t)c == bpfvm_map_this_cpu() ? 5 : 0);
	for (c = 0; c < ncpu; c++)
		buf[c] = 1000 + (uint64_t)c;
	CHECK_EQ_U64(bpfvm_map_update_elem(m, &k, buf, BPFVM_EXIST), 0);
	p = bpfvm_map_prog_lookup(m, &k);
	CHECK(p && *p == 1000 + bpfvm_map_this_cpu());
	/* Existing per-CPU elements are updated in place. */
	v = 6;
	CHECK_EQ_U64(bpfvm_map_prog_update(m, &k, &v, BPFVM_EXIST), 0);
	CHECK(p && *p == 6);
	memset(buf, 0, vsz);
	CHECK_EQ_U64(bpfvm_map_lookup_and_delete_elem(m, &k, buf), 0);
	for (c = 0; c < ncpu; c++)
		CHECK_EQ_U64(buf[c], (uint32_t)c == bpfvm_map_this_cpu() ? 6 : 1000 + (uint64_t)c);
	free(buf);
	bpfvm_map_free(m);
}

struct locked { uint32_t lock; uint32_t a; uint64_t b; };

static void test_locked(void)
{
	struct bpfvm_map_create_opts o = { .sz = sizeof(o), .map_type = BPFVM_MAP_TYPE_HASH,
					   .key_size = 4, .value_size = sizeof(struct locked),
					   .max_entries = 4, .has_spin_lock = true };
	struct locked v = { 77, 1, 2 }, out;
	struct bpfvm_map *m;
	uint32_t k = 1;

	CHECK_EQ_U64(bpfvm_map_create(&o, &m), 0);
	CHECK_EQ_U64(bpfvm_map_update_elem(m, &k, &v, BPFVM_F_LOCK | BPFVM_EXIST), -ENOENT);
	CHECK_EQ_U64(bpfvm_map_update_elem(m, &k, &v, BPFVM_F_LOCK), 0);
	v.a = 3;
	CHECK_EQ_U64(bpfvm_map_update_elem(m, &k, &v, BPFVM_F_LOCK | BPFVM_NOEXIST), -EEXIST);
	CHECK_EQ_U64(bpfvm_map_update_elem(m, &k, &v, BPFVM_F_LOCK | BPFVM_EXIST), 0);
	CHECK_EQ_U64(((struct locked *)bpfvm_map_prog_lookup(m, &k))->lock, 0);
	CHECK_EQ_U64(bpfvm_map_lookup_elem_flags(m, &k, &out, BPFVM_F_LOCK), 0);
	CHECK_EQ_U64(out.a, 3);
	CHECK_EQ_U64(out.lock, 0);
	bpfvm_map_free(m);
}

/* Keys whose size is not a multiple of 8 (a 13-byte 5-tuple-like key):
 * every byte counts, including the last. */
static void test_odd_keys(void)
{
	struct bpfvm_map *m;
	uint8_t k[13], next[13];
	uint32_t v, i, found = 0;
	int err;

	m = make(BPFVM_MAP_TYPE_HASH, 13, 4, 64, 0, &err);
	CHECK(m != NULL);
	if (!m)
		return;
	memset(k, 0xab, sizeof(k));
	for (i = 0; i < 40; i++) {
		k[12] = (uint8_t)i;
		k[i % 12] ^= 1;
		v = i;
		CHECK_EQ_U64(bpfvm_map_update_elem(m, k, &v, BPFVM_NOEXIST), 0);
		k[i % 12] ^= 1;
	}
	for (i = 0; i < 40; i++) {
		k[12] = (uint8_t)i;
		k[i % 12] ^= 1;
		CHECK_EQ_U64(bpfvm_map_lookup_elem(m, k, &v), 0);
		CHECK_EQ_U64(v, i);
		k[12] ^= 0x80;
		CHECK_EQ_U64(bpfvm_map_lookup_elem(m, k, &v), -ENOENT);
		k[12] ^= 0x80;
		k[i % 12] ^= 1;
	}
	for (err = bpfvm_map_get_next_key(m, NULL, next); !err;
	     err = bpfvm_map_get_next_key(m, k, next)) {
		memcpy(k, next, sizeof(k));
		CHECK_EQ_U64(bpfvm_map_lookup_elem(m, k, &v), 0);
		CHECK_EQ_U64(k[12], v);
		found++;
	}
	CHECK_EQ_U64(found, 40);
	bpfvm_map_free(m);
}

int main(void)
{
	test_odd_keys();
	test_create_rules();
	test_basic(0);
	test_basic(BPFVM_F_NO_PREALLOC);
	test_iteration();
	test_percpu();
	test_locked();
	return test_exit();
}
