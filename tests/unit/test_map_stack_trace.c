/* STACK_TRACE: Linux's creation rules (key 4, value a multiple of 8 of at
 * most 127 frames), ids below the power-of-two bucket count, the same stack
 * gets the same id, a different stack in a taken bucket is -EEXIST unless
 * reused, user space reads frames zero-extended, deletes and iterates but
 * cannot update. */
#include <errno.h>
#include <string.h>

#include "bpfvm/bpfvm.h"
#include "maps/map.h"
#include "test.h"

static struct bpfvm_map *make(uint32_t ks, uint32_t vs, uint32_t max, uint32_t flags, int *err)
{
	struct bpfvm_map_create_opts o = { .sz = sizeof(o), .map_type = BPFVM_MAP_TYPE_STACK_TRACE,
					   .key_size = ks, .value_size = vs, .max_entries = max,
					   .map_flags = flags, .name = "stacks" };
	struct bpfvm_map *m = NULL;

	*err = bpfvm_map_create(&o, &m);
	return m;
}

int main(void)
{
	uint64_t a[3] = { 0x1000, 0x2000, 0x3000 }, b = 0x4000, v[4];
	uint32_t key, next, seen = 0, n;
	struct bpfvm_map *m;
	long id, id2;
	int err;

	CHECK(!make(8, 32, 4, 0, &err) && err == -EINVAL);
	CHECK(!make(4, 12, 4, 0, &err) && err == -EINVAL);
	CHECK(!make(4, 128 * 8, 4, 0, &err) && err == -EINVAL);
	CHECK(!make(4, 32, 0, 0, &err) && err == -EINVAL);
	CHECK(!make(4, 32, 4, BPFVM_F_NO_PREALLOC, &err) && err == -EINVAL);
	m = make(4, 32, 3, 0, &err); /* 3 entries: 4 buckets */
	CHECK(m != NULL);
	if (!m)
		return test_exit();
	id = bpfvm_stack_trace_get_id(m, a, 3, false);
	CHECK(id >= 0 && id < 4);
	CHECK_EQ_U64(bpfvm_stack_trace_get_id(m, a, 3, false), id);
	key = (uint32_t)id;
	CHECK_EQ_U64(bpfvm_map_lookup_elem(m, &key, v), 0);
	CHECK(v[0] == 0x1000 && v[1] == 0x2000 && v[2] == 0x3000 && v[3] == 0);
	CHECK_EQ_U64(bpfvm_map_update_elem(m, &key, v, BPFVM_ANY), -EINVAL);
	/* a stack deeper than the value keeps value_size / 8 frames */
	{
		uint64_t deep[6] = { 1, 2, 3, 4, 5, 6 };

		id2 = bpfvm_stack_trace_get_id(m, deep, 6, true);
		CHECK(id2 >= 0);
		key = (uint32_t)id2;
		CHECK_EQ_U64(bpfvm_map_lookup_elem(m, &key, v), 0);
		CHECK(v[0] == 1 && v[3] == 4);
	}
	/* fill the 4 buckets with distinct one-frame stacks until one collides */
	for (b = 0x4000, n = 0; n < 64; b += 8, n++) {
		id2 = bpfvm_stack_trace_get_id(m, &b, 1, false);
		if (id2 == -EEXIST)
			break;
	}
	CHECK_EQ_U64(id2, -EEXIST);
	id2 = bpfvm_stack_trace_get_id(m, &b, 1, true);
	CHECK(id2 >= 0 && id2 < 4);
	key = (uint32_t)id2;
	CHECK_EQ_U64(bpfvm_map_lookup_elem(m, &key, v), 0);
	CHECK(v[0] == b && v[1] == 0);
	for (err = bpfvm_map_get_next_key(m, NULL, &next); !err;
	     err = bpfvm_map_get_next_key(m, &key, &next)) {
		CHECK(next < 4);
		seen++;
		key = next;
	}
	CHECK_EQ_U64(err, -ENOENT);
	CHECK(seen >= 1 && seen <= 4);
	key = (uint32_t)id2;
	CHECK_EQ_U64(bpfvm_map_delete_elem(m, &key), 0);
	CHECK_EQ_U64(bpfvm_map_delete_elem(m, &key), -ENOENT);
	CHECK_EQ_U64(bpfvm_map_lookup_elem(m, &key, v), -ENOENT);
	key = 4;
	CHECK_EQ_U64(bpfvm_map_delete_elem(m, &key), -EINVAL);
	CHECK_EQ_U64(bpfvm_map_lookup_elem(m, &key, v), -ENOENT);
	bpfvm_map_free(m);
	return test_exit();
}
