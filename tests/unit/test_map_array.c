/* ARRAY, PERCPU_ARRAY and global-data arrays: creation rules, BPF_ANY /
 * NOEXIST / EXIST, -E2BIG past the end, -EINVAL on delete, get_next_key order,
 * per-CPU gathering, spin-locked values, RDONLY_PROG and freezing, batches. */
#include <errno.h>

#include "bpfvm/bpfvm.h"
#include "maps/map.h"
#include "test.h"

static struct bpfvm_map *make(uint32_t type, uint32_t ks, uint32_t vs, uint32_t max,
			      uint32_t flags, int *err)
{
	struct bpfvm_map_create_opts o = { .sz = sizeof(o), .map_type = type, .key_size = ks,
					   .value_size = vs, .max_entries = max,
					   .map_flags = flags, .name = "arr" };
	struct bpfvm_map *m = NULL;

	*err = bpfvm_map_create(&o, &m);
	return m;
}

static void test_create_rules(void)
{
	int err;

	CHECK(!make(BPFVM_MAP_TYPE_ARRAY, 8, 4, 4, 0, &err) && err == -EINVAL);
	CHECK(!make(BPFVM_MAP_TYPE_ARRAY, 4, 0, 4, 0, &err) && err == -EINVAL);
	CHECK(!make(BPFVM_MAP_TYPE_ARRAY, 4, 4, 0, 0, &err) && err == -EINVAL);
	CHECK(!make(BPFVM_MAP_TYPE_ARRAY, 4, 4, 4, BPFVM_F_NO_PREALLOC, &err) && err == -EINVAL);
	CHECK(!make(BPFVM_MAP_TYPE_ARRAY, 4, 1u << 23, 1, 0, &err) && err == -E2BIG);
	CHECK(!make(BPFVM_MAP_TYPE_PERCPU_ARRAY, 4, 40000, 1, 0, &err) && err == -E2BIG);
	CHECK(!make(BPFVM_MAP_TYPE_PERCPU_ARRAY, 4, 8, 1, BPFVM_F_MMAPABLE, &err) &&
	      err == -EINVAL);
	CHECK(strstr(bpfvm_last_error(), "arr") != NULL);
	CHECK(!make(99, 4, 4, 1, 0, &err) && err == -EOPNOTSUPP);
}

static void test_array(void)
{
	struct bpfvm_map *m;
	uint32_t k, next, i;
	uint64_t v, out;
	int err;

	m = make(BPFVM_MAP_TYPE_ARRAY, 4, 8, 4, 0, &err);
	CHECK(m && !err);
	if (!m)
		return;
	k = 2;
	v = 42;
	CHECK_EQ_U64(bpfvm_map_lookup_elem(m, &k, &out), 0);
	CHECK_EQ_U64(out, 0);
	CHECK_EQ_U64(bpfvm_map_update_elem(m, &k, &v, BPFVM_ANY), 0);
	CHECK_EQ_U64(bpfvm_map_update_elem(m, &k, &v, BPFVM_NOEXIST), -EEXIST);
	CHECK_EQ_U64(bpfvm_map_update_elem(m, &k, &v, BPFVM_EXIST), 0);
	CHECK_EQ_U64(bpfvm_map_update_elem(m, &k, &v, 8), -EINVAL);
	CHECK_EQ_U64(bpfvm_map_update_elem(m, &k, &v, BPFVM_F_LOCK), -EINVAL);
	CHECK_EQ_U64(bpfvm_map_lookup_elem(m, &k, &out), 0);
	CHECK_EQ_U64(out, 42);
	CHECK_EQ_U64(*(uint64_t *)bpfvm_map_prog_lookup(m, &k), 42);
	k = 4;
	CHECK_EQ_U64(bpfvm_map_update_elem(m, &k, &v, BPFVM_ANY), -E2BIG);
	CHECK_EQ_U64(bpfvm_map_lookup_elem(m, &k, &out), -ENOENT);
	CHECK(bpfvm_map_prog_lookup(m, &k) == NULL);
	k = 1;
	CHECK_EQ_U64(bpfvm_map_delete_elem(m, &k), -EINVAL);
	CHECK_EQ_U64(bpfvm_map_prog_delete(m, &k), -EINVAL);
	CHECK_EQ_U64(bpfvm_map_lookup_and_delete_elem(m, &k, &out), -EOPNOTSUPP);

	/* get_next_key: NULL and out-of-range keys restart at 0. */
	CHECK_EQ_U64(bpfvm_map_get_next_key(m, NULL, &next), 0);
	CHECK_EQ_U64(next, 0);
	for (i = 0; i < 3; i++) {
		CHECK_EQ_U64(bpfvm_map_get_next_key(m, &i, &next), 0);
		CHECK_EQ_U64(next, i + 1);
	}
	CHECK_EQ_U64(bpfvm_map_get_next_key(m, &i, &next), -ENOENT);
	k = 100;
	CHECK_EQ_U64(bpfvm_map_get_next_key(m, &k, &next), 0);
	CHECK_EQ_U64(next, 0);

	/* Batches. */
	{
		uint32_t keys[4] = { 0, 1, 2, 3 }, okeys[4], count = 4, pos;
		uint64_t vals[4] = { 10, 11, 12, 13 }, ovals[4];

		CHECK_EQ_U64(bpfvm_map_update_batch(m, keys, vals, &count, NULL), 0);
		CHECK_EQ_U64(count, 4);
		count = 3;
		CHECK_EQ_U64(bpfvm_map_lookup_batch(m, NULL, &pos, okeys, ovals, &count, NULL), 0);
		CHECK_EQ_U64(count, 3);
		CHECK_EQ_U64(okeys[2], 2);
		CHECK_EQ_U64(ovals[2], 12);
		count = 3;
		CHECK_EQ_U64(bpfvm_map_lookup_batch(m, &pos, &pos, okeys, ovals, &count, NULL),
			     -ENOENT);
		CHECK_EQ_U64(count, 1);
		CHECK_EQ_U64(okeys[0], 3);
		CHECK_EQ_U64(ovals[0], 13);
		count = 2;
		CHECK_EQ_U64(bpfvm_map_delete_batch(m, keys, &count, NULL), -EINVAL);
		CHECK_EQ_U64(count, 0);
	}
	bpfvm_map_free(m);
}

static void test_percpu_array(void)
{
	int ncpu = bpfvm_num_possible_cpus(), c, err;
	struct bpfvm_map *m = make(BPFVM_MAP_TYPE_PERCPU_ARRAY, 4, 4, 2, 0, &err);
	size_t vsz;
	uint32_t k = 1, *p;
	uint64_t *buf;

	CHECK(m && !err);
	if (!m)
		return;
	vsz = bpfvm_map_user_value_size(m);
	CHECK_EQ_U64(vsz, 8 * (size_t)ncpu);
	buf = calloc(1, vsz);
	for (c = 0; c < ncpu; c++)
		buf[c] = 100 + (uint64_t)c;
	CHECK_EQ_U64(bpfvm_map_update_elem(m, &k, buf, BPFVM_ANY), 0);
	p = bpfvm_map_prog_lookup(m, &k);
	CHECK(p != NULL);
	if (p) {
		CHECK_EQ_U64(*p, 100 + bpfvm_map_this_cpu());
		*p = 7;
	}
	memset(buf, 0xff, vsz);
	CHECK_EQ_U64(bpfvm_map_lookup_elem(m, &k, buf), 0);
	for (c = 0; c < ncpu; c++)
		CHECK_EQ_U64(buf[c], (uint32_t)c == bpfvm_map_this_cpu() ? 7 : 100 + (uint64_t)c);
	CHECK_EQ_U64(bpfvm_map_update_elem(m, &k, buf, BPFVM_NOEXIST), -EEXIST);
	free(buf);
	bpfvm_map_free(m);
}

struct locked { uint64_t a; uint32_t lock; uint32_t b; };

static void test_spin_lock_value(void)
{
	struct bpfvm_map_create_opts o = { .sz = sizeof(o), .map_type = BPFVM_MAP_TYPE_ARRAY,
					   .key_size = 4, .value_size = sizeof(struct locked),
					   .max_entries = 1, .has_spin_lock = true,
					   .spin_lock_off = 8 };
	struct locked v = { 5, 0xdead, 6 }, out, *p;
	struct bpfvm_map *m;
	uint32_t k = 0;

	CHECK_EQ_U64(bpfvm_map_create(&o, &m), 0);
	CHECK_EQ_U64(bpfvm_map_update_elem(m, &k, &v, BPFVM_F_LOCK), 0);
	p = bpfvm_map_prog_lookup(m, &k);
	CHECK_EQ_U64(p->lock, 0); /* copies never write the lock */
	CHECK_EQ_U64(p->a, 5);
	memset(&out, 0xff, sizeof(out));
	CHECK_EQ_U64(bpfvm_map_lookup_elem_flags(m, &k, &out, BPFVM_F_LOCK), 0);
	CHECK_EQ_U64(out.a, 5);
	CHECK_EQ_U64(out.b, 6);
	CHECK_EQ_U64(out.lock, 0);
	CHECK_EQ_U64(bpfvm_map_lookup_elem_flags(m, &k, &out, 2), -EINVAL);
	bpfvm_map_free(m);

	o.spin_lock_off = 6;
	CHECK_EQ_U64(bpfvm_map_create(&o, &m), -EINVAL);
	o.spin_lock_off = 8;
	o.map_type = BPFVM_MAP_TYPE_PERCPU_ARRAY;
	CHECK_EQ_U64(bpfvm_map_create(&o, &m), -EOPNOTSUPP);
}

static void test_global_data(void)
{
	int err;
	struct bpfvm_map *ro = make(BPFVM_MAP_TYPE_ARRAY, 4, 16, 1, BPFVM_F_RDONLY_PROG, &err);
	struct bpfvm_map *arr = make(BPFVM_MAP_TYPE_ARRAY, 4, 16, 2, 0, &err);
	uint8_t val[16] = { 1, 2, 3 };
	uint32_t k = 0;
	void *addr;

	CHECK(ro && arr);
	if (!ro || !arr)
		return;
	CHECK_EQ_U64(bpfvm_map_update_elem(ro, &k, val, BPFVM_ANY), 0);
	CHECK_EQ_U64(bpfvm_map_freeze(ro), 0);
	CHECK_EQ_U64(bpfvm_map_update_elem(ro, &k, val, BPFVM_ANY), -EPERM);
	CHECK_EQ_U64(bpfvm_map_prog_update(ro, &k, val, BPFVM_ANY), -EPERM);
	CHECK_EQ_U64(bpfvm_map_direct_value_addr(ro, 2, &addr), 0);
	CHECK_EQ_U64(*(uint8_t *)addr, 3);
	CHECK(addr == (char *)bpfvm_map_prog_lookup(ro, &k) + 2);
	CHECK_EQ_U64(bpfvm_map_direct_value_addr(ro, 16, &addr), -EINVAL);
	CHECK_EQ_U64(bpfvm_map_direct_value_addr(arr, 0, &addr), -EINVAL);
	bpfvm_map_free(ro);
	bpfvm_map_free(arr);
}

int main(void)
{
	test_create_rules();
	test_array();
	test_percpu_array();
	test_spin_lock_value();
	test_global_data();
	return test_exit();
}
