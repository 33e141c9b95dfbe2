/* LRU_HASH and LRU_PERCPU_HASH: a full map evicts instead of failing, and
 * what goes is what was not looked up recently (the test of Linux's
 * selftests/bpf/test_lru_map.c, basic case). */
#include <errno.h>

#include "bpfvm/bpfvm.h"
#include "maps/map.h"
#include "test.h"

static struct bpfvm_map *make(uint32_t type, uint32_t max)
{
	struct bpfvm_map_create_opts o = { .sz = sizeof(o), .map_type = type, .key_size = 4,
					   .value_size = 8, .max_entries = max, .name = "lru" };
	struct bpfvm_map *m = NULL;

	CHECK_EQ_U64(bpfvm_map_create(&o, &m), 0);
	return m;
}

static uint32_t count(struct bpfvm_map *m)
{
	uint32_t k, next, n = 0;
	int err;

	for (err = bpfvm_map_get_next_key(m, NULL, &next); !err;
	     err = bpfvm_map_get_next_key(m, &k, &next)) {
		k = next;
		n++;
	}
	return n;
}

static void test_eviction(uint32_t type)
{
	enum { N = 64 };
	struct bpfvm_map *m = make(type, N);
	uint64_t *v = calloc(1, bpfvm_map_user_value_size(m));
	uint32_t k;

	for (k = 0; k < N; k++)
		CHECK_EQ_U64(bpfvm_map_update_elem(m, &k, v, BPFVM_NOEXIST), 0);
	CHECK_EQ_U64(count(m), N);
	/* Programs look up the first half; the second half goes first. */
	for (k = 0; k < N / 2; k++)
		CHECK(bpfvm_map_prog_lookup(m, &k) != NULL);
	for (k = N; k < N + N / 2; k++)
		CHECK_EQ_U64(bpfvm_map_update_elem(m, &k, v, BPFVM_NOEXIST), 0);
	CHECK_EQ_U64(count(m), N);
	for (k = 0; k < N / 2; k++)
		CHECK_EQ_U64(bpfvm_map_lookup_elem(m, &k, v), 0);
	for (k = N / 2; k < N; k++)
		CHECK_EQ_U64(bpfvm_map_lookup_elem(m, &k, v), -ENOENT);
	for (k = N; k < N + N / 2; k++)
		CHECK_EQ_U64(bpfvm_map_lookup_elem(m, &k, v), 0);
	/* Many more inserts: never an error, never more than max_entries. */
	for (k = 1000; k < 1000 + 10 * N; k++)
		CHECK_EQ_U64(bpfvm_map_prog_update(m, &k, v, BPFVM_ANY), 0);
	CHECK_EQ_U64(count(m), N);
	k = 1000 + 10 * N - 1;
	CHECK_EQ_U64(bpfvm_map_lookup_elem(m, &k, v), 0);
	CHECK_EQ_U64(bpfvm_map_delete_elem(m, &k), 0);
	CHECK_EQ_U64(count(m), N - 1);
	CHECK_EQ_U64(bpfvm_map_update_elem(m, &k, v, BPFVM_EXIST), -ENOENT);
	free(v);
	bpfvm_map_free(m);
}

int main(void)
{
	test_eviction(BPFVM_MAP_TYPE_LRU_HASH);
	test_eviction(BPFVM_MAP_TYPE_LRU_PERCPU_HASH);
	return test_exit();
}
