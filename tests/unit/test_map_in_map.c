/* PROG_ARRAY, ARRAY_OF_MAPS and HASH_OF_MAPS: slots hold objects (programs,
 * inner maps) where Linux stores file descriptors. Linux's rules: value_size
 * 4, BPF_ANY only for arrays, -E2BIG past the end, -ENOENT for empty slots,
 * inner maps matching the template; programs get the inner map itself. */
#include <errno.h>
#include <stdlib.h>

#include "bpfvm/bpfvm.h"
#include "maps/map.h"
#include "test.h"

static struct bpfvm_map *make(uint32_t type, uint32_t ks, uint32_t vs, uint32_t max,
			      const struct bpfvm_map *inner, int *err)
{
	struct bpfvm_map_create_opts o = { .sz = sizeof(o), .map_type = type, .key_size = ks,
					   .value_size = vs, .max_entries = max, .name = "mm",
					   .inner_map = inner };
	struct bpfvm_map *m = NULL;

	*err = bpfvm_map_create(&o, &m);
	return m;
}

static void test_prog_array(void)
{
	struct bpfvm_exec_opts xo = { .sz = sizeof(xo), .engine = BPFVM_ENGINE_INTERP,
				      .prog_type = 6 /* xdp */ };
	struct bpfvm_exec *fake = NULL, *tc = NULL;
	const struct bpfvm_exec *got;
	struct bpfvm_insn *insns = NULL;
	struct bpfvm_map *m;
	uint32_t k = 1, v = 0, cnt = 0;
	int err;

	CHECK(bpfvm_asm("mov %r0, 0\nexit\n", &insns, &cnt) == 0);
	CHECK(bpfvm_exec_create(insns, cnt, &xo, &fake) == 0);
	xo.prog_type = 3; /* sched_cls */
	CHECK(bpfvm_exec_create(insns, cnt, &xo, &tc) == 0);
	free(insns);
	if (!fake || !tc)
		return;
	CHECK(!make(BPFVM_MAP_TYPE_PROG_ARRAY, 4, 8, 4, NULL, &err) && err == -EINVAL);
	m = make(BPFVM_MAP_TYPE_PROG_ARRAY, 4, 4, 4, NULL, &err);
	CHECK(m != NULL);
	if (!m)
		return;
	CHECK(bpfvm_prog_array_get(m, 1) == NULL);
	CHECK_EQ_U64(bpfvm_map_update_prog(m, &k, fake, BPFVM_NOEXIST), -EINVAL);
	CHECK_EQ_U64(bpfvm_map_update_prog(m, &k, fake, BPFVM_ANY), 0);
	CHECK(bpfvm_prog_array_get(m, 1) == fake);
	/* the array now holds XDP programs only (Linux's owner rule) */
	k = 2;
	CHECK_EQ_U64(bpfvm_map_update_prog(m, &k, tc, BPFVM_ANY), -EINVAL);
	CHECK(bpfvm_prog_array_get(m, 2) == NULL);
	CHECK_EQ_U64(bpfvm_prog_array_claim(m, 6), 0);
	CHECK_EQ_U64(bpfvm_prog_array_claim(m, 3), -EINVAL);
	k = 1;
	CHECK(bpfvm_prog_array_get(m, 4) == NULL);
	CHECK(bpfvm_prog_array_get(m, UINT32_MAX) == NULL);
	CHECK_EQ_U64(bpfvm_map_lookup_prog(m, &k, &got), 0);
	CHECK(got == fake);
	CHECK_EQ_U64(bpfvm_map_update_elem(m, &k, &v, BPFVM_ANY), -EINVAL);
	CHECK(bpfvm_map_prog_lookup(m, &k) == NULL);
	k = 4;
	CHECK_EQ_U64(bpfvm_map_update_prog(m, &k, fake, BPFVM_ANY), -E2BIG);
	CHECK_EQ_U64(bpfvm_map_delete_elem(m, &k), -E2BIG);
	k = 1;
	CHECK_EQ_U64(bpfvm_map_delete_elem(m, &k), 0);
	CHECK_EQ_U64(bpfvm_map_delete_elem(m, &k), -ENOENT);
	CHECK(bpfvm_prog_array_get(m, 1) == NULL);
	bpfvm_map_free(m);
	bpfvm_exec_free(fake);
	bpfvm_exec_free(tc);
}

static void test_array_of_maps(uint32_t type)
{
	struct bpfvm_map *tmpl, *inner, *other, *outer, *got;
	uint32_t k = 2, id, v = 7;
	int err;

	tmpl = make(BPFVM_MAP_TYPE_ARRAY, 4, 4, 8, NULL, &err);
	inner = make(BPFVM_MAP_TYPE_ARRAY, 4, 4, 8, NULL, &err);
	other = make(BPFVM_MAP_TYPE_ARRAY, 4, 8, 8, NULL, &err);
	outer = make(type, 4, 4, 4, tmpl, &err);
	CHECK(tmpl && inner && other && outer);
	if (!outer)
		return;
	bpfvm_map_free(tmpl); /* the template is not referenced after create */
	CHECK_EQ_U64(bpfvm_map_update_inner(outer, &k, other, BPFVM_ANY), -EINVAL);
	CHECK_EQ_U64(bpfvm_map_update_inner(outer, &k, outer, BPFVM_ANY), -EINVAL);
	CHECK_EQ_U64(bpfvm_map_update_inner(outer, &k, inner, BPFVM_ANY), 0);
	CHECK_EQ_U64(bpfvm_map_lookup_elem(outer, &k, &id), 0);
	CHECK_EQ_U64(id, bpfvm_map_id(inner));
	got = bpfvm_map_prog_lookup(outer, &k);
	CHECK(got == inner);
	/* The program uses the inner map it got; the outer map keeps it alive. */
	bpfvm_map_free(inner);
	CHECK_EQ_U64(bpfvm_map_delete_elem(outer, &k), 0);
	CHECK_EQ_U64(bpfvm_map_prog_update(got, &k, &v, BPFVM_ANY), 0);
	CHECK_EQ_U64(bpfvm_map_lookup_elem(got, &k, &v), 0);
	CHECK_EQ_U64(v, 7);
	CHECK(bpfvm_map_prog_lookup(outer, &k) == NULL);
	CHECK_EQ_U64(bpfvm_map_lookup_elem(outer, &k, &id), -ENOENT);
	CHECK_EQ_U64(bpfvm_map_delete_elem(outer, &k), -ENOENT);
	CHECK_EQ_U64(bpfvm_map_update_elem(outer, &k, &id, BPFVM_ANY), -EINVAL);
	bpfvm_map_free(other);
	bpfvm_map_free(outer);
}

int main(void)
{
	test_prog_array();
	test_array_of_maps(BPFVM_MAP_TYPE_ARRAY_OF_MAPS);
	test_array_of_maps(BPFVM_MAP_TYPE_HASH_OF_MAPS);
	return test_exit();
}
