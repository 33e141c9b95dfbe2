/* DEVMAP and DEVMAP_HASH: Linux's creation and update rules, empty entries
 * (ifindex 0), program lookups giving struct bpf_devmap_val, and the refusal
 * of devmap programs. */
#include <errno.h>

#include "bpfvm/bpfvm.h"
#include "maps/map.h"
#include "test.h"

static struct bpfvm_map *make(uint32_t type, uint32_t vs, uint32_t max, uint32_t flags, int *err)
{
	struct bpfvm_map_create_opts o = { .sz = sizeof(o), .map_type = type, .key_size = 4,
					   .value_size = vs, .max_entries = max, .map_flags = flags,
					   .name = "dev" };
	struct bpfvm_map *m = NULL;

	*err = bpfvm_map_create(&o, &m);
	return m;
}

static void test_devmap(void)
{
	struct bpfvm_map *m;
	uint32_t k = 1, v[2] = { 7, 0 }, out[2], next;
	int err;

	CHECK(!make(BPFVM_MAP_TYPE_DEVMAP, 6, 4, 0, &err) && err == -EINVAL);
	CHECK(!make(BPFVM_MAP_TYPE_DEVMAP, 4, 4, BPFVM_F_NO_PREALLOC, &err) && err == -EINVAL);
	m = make(BPFVM_MAP_TYPE_DEVMAP, 8, 4, 0, &err);
	CHECK(m != NULL);
	if (!m)
		return;
	CHECK(bpfvm_map_prog_lookup(m, &k) == NULL);
	CHECK_EQ_U64(bpfvm_map_lookup_elem(m, &k, out), -ENOENT);
	CHECK_EQ_U64(bpfvm_map_update_elem(m, &k, v, BPFVM_NOEXIST), -EEXIST);
	CHECK_EQ_U64(bpfvm_map_update_elem(m, &k, v, BPFVM_ANY), 0);
	CHECK_EQ_U64(*(uint32_t *)bpfvm_map_prog_lookup(m, &k), 7);
	CHECK_EQ_U64(bpfvm_map_lookup_elem(m, &k, out), 0);
	CHECK_EQ_U64(out[0], 7);
	CHECK_EQ_U64(bpfvm_map_prog_update(m, &k, v, BPFVM_ANY), -EINVAL);
	v[1] = 3;
	CHECK_EQ_U64(bpfvm_map_update_elem(m, &k, v, BPFVM_ANY), -EOPNOTSUPP);
	v[0] = 0;
	CHECK_EQ_U64(bpfvm_map_update_elem(m, &k, v, BPFVM_ANY), -EINVAL);
	k = 4;
	v[1] = 0;
	CHECK_EQ_U64(bpfvm_map_update_elem(m, &k, v, BPFVM_ANY), -E2BIG);
	CHECK_EQ_U64(bpfvm_map_delete_elem(m, &k), -EINVAL);
	k = 1;
	CHECK_EQ_U64(bpfvm_map_delete_elem(m, &k), 0);
	CHECK(bpfvm_map_prog_lookup(m, &k) == NULL);
	CHECK_EQ_U64(bpfvm_map_get_next_key(m, NULL, &next), 0);
	CHECK_EQ_U64(next, 0);
	bpfvm_map_free(m);
}

static void test_devmap_hash(void)
{
	struct bpfvm_map *m;
	uint32_t k = 1000, v = 9, out, i;
	int err;

	m = make(BPFVM_MAP_TYPE_DEVMAP_HASH, 4, 2, 0, &err);
	CHECK(m != NULL);
	if (!m)
		return;
	CHECK_EQ_U64(bpfvm_map_update_elem(m, &k, &v, BPFVM_EXIST), -ENOENT);
	CHECK_EQ_U64(bpfvm_map_update_elem(m, &k, &v, BPFVM_ANY), 0);
	CHECK_EQ_U64(*(uint32_t *)bpfvm_map_prog_lookup(m, &k), 9);
	for (i = 0; i < 2; i++) {
		k = 2000 + i;
		CHECK_EQ_U64(bpfvm_map_update_elem(m, &k, &v, BPFVM_ANY), i ? -E2BIG : 0);
	}
	CHECK_EQ_U64(bpfvm_map_lookup_elem(m, &k, &out), -ENOENT);
	k = 1000;
	CHECK_EQ_U64(bpfvm_map_delete_elem(m, &k), 0);
	CHECK_EQ_U64(bpfvm_map_delete_elem(m, &k), -ENOENT);
	bpfvm_map_free(m);
}

int main(void)
{
	test_devmap();
	test_devmap_hash();
	return test_exit();
}
