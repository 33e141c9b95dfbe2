/* QUEUE and STACK: order, -E2BIG when full unless BPF_EXIST (which drops the
 * oldest), -EINVAL for BPF_NOEXIST, -ENOENT when empty, the user-space
 * mapping (update pushes, lookup peeks, lookup_and_delete pops) and the
 * creation rules. */
#include <errno.h>

#include "bpfvm/bpfvm.h"
#include "maps/map.h"
#include "test.h"

static struct bpfvm_map *make(uint32_t type, uint32_t ks, uint32_t max, int *err)
{
	struct bpfvm_map_create_opts o = { .sz = sizeof(o), .map_type = type, .key_size = ks,
					   .value_size = 4, .max_entries = max, .name = "qs" };
	struct bpfvm_map *m = NULL;

	*err = bpfvm_map_create(&o, &m);
	return m;
}

static void test_type(uint32_t type, bool lifo)
{
	struct bpfvm_map *m;
	uint32_t v, out, i;
	int err;

	CHECK(!make(type, 4, 3, &err) && err == -EINVAL);
	CHECK(!make(type, 0, 0, &err) && err == -EINVAL);
	m = make(type, 0, 3, &err);
	CHECK(m != NULL);
	if (!m)
		return;
	CHECK_EQ_U64(bpfvm_map_lookup_elem(m, NULL, &out), -ENOENT);
	CHECK_EQ_U64(bpfvm_map_prog_pop(m, &out), -ENOENT);
	CHECK_EQ_U64(bpfvm_map_prog_peek(m, &out), -ENOENT);
	for (v = 1; v <= 3; v++)
		CHECK_EQ_U64(bpfvm_map_prog_push(m, &v, BPFVM_ANY), 0);
	CHECK_EQ_U64(bpfvm_map_prog_push(m, &v, BPFVM_ANY), -E2BIG);
	CHECK_EQ_U64(bpfvm_map_prog_push(m, &v, BPFVM_NOEXIST), -EINVAL);
	CHECK_EQ_U64(bpfvm_map_update_elem(m, NULL, &v, BPFVM_ANY), -E2BIG);
	/* BPF_EXIST drops the oldest (1). */
	v = 4;
	CHECK_EQ_U64(bpfvm_map_update_elem(m, NULL, &v, BPFVM_EXIST), 0);
	CHECK_EQ_U64(bpfvm_map_lookup_elem(m, NULL, &out), 0);
	CHECK_EQ_U64(out, lifo ? 4 : 2);
	for (i = 0; i < 3; i++) {
		CHECK_EQ_U64(i == 1 ? bpfvm_map_prog_pop(m, &out)
				    : bpfvm_map_lookup_and_delete_elem(m, NULL, &out), 0);
		CHECK_EQ_U64(out, lifo ? 4 - i : 2 + i);
	}
	CHECK_EQ_U64(bpfvm_map_lookup_and_delete_elem(m, NULL, &out), -ENOENT);
	CHECK_EQ_U64(bpfvm_map_delete_elem(m, NULL), -EINVAL);
	CHECK_EQ_U64(bpfvm_map_get_next_key(m, NULL, &out), -EINVAL);
	/* Wrap around the ring many times. */
	for (i = 0; i < 100; i++) {
		v = i;
		CHECK_EQ_U64(bpfvm_map_prog_push(m, &v, BPFVM_ANY), 0);
		v = i + 1000;
		CHECK_EQ_U64(bpfvm_map_prog_push(m, &v, BPFVM_ANY), 0);
		CHECK_EQ_U64(bpfvm_map_prog_pop(m, &out), 0);
		CHECK_EQ_U64(out, lifo ? i + 1000 : i);
		CHECK_EQ_U64(bpfvm_map_prog_pop(m, &out), 0);
		CHECK_EQ_U64(out, lifo ? i : i + 1000);
	}
	bpfvm_map_free(m);
}

int main(void)
{
	test_type(BPFVM_MAP_TYPE_QUEUE, false);
	test_type(BPFVM_MAP_TYPE_STACK, true);
	return test_exit();
}
