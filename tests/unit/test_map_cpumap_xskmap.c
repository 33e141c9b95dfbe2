/* CPUMAP and XSKMAP, bpf_redirect_map's other targets: Linux's creation and
 * update rules (qsize limits, CPUs that exist, NOEXIST/EXIST on sockets),
 * empty entries, user-space reads (a cpumap entry reads back as qsize and
 * program id 0; xsk entries cannot be read), and program-side lookups giving
 * the entry the redirect reports. */
#include <errno.h>

#include "bpfvm/bpfvm.h"
#include "maps/map.h"
#include "test.h"

static struct bpfvm_map *make(uint32_t type, uint32_t vs, uint32_t max, uint32_t flags, int *err)
{
	struct bpfvm_map_create_opts o = { .sz = sizeof(o), .map_type = type, .key_size = 4,
					   .value_size = vs, .max_entries = max, .map_flags = flags,
					   .name = "m" };
	struct bpfvm_map *m = NULL;

	*err = bpfvm_map_create(&o, &m);
	return m;
}

static void test_cpumap(void)
{
	uint32_t k = 0, v[2] = { 192, 0 }, out[2] = { 1, 1 }, ncpus = (uint32_t)bpfvm_num_possible_cpus();
	struct bpfvm_map *m;
	int err;

	CHECK(!make(BPFVM_MAP_TYPE_CPUMAP, 12, 4, 0, &err) && err == -EINVAL);
	CHECK(!make(BPFVM_MAP_TYPE_CPUMAP, 8, 4, BPFVM_F_RDONLY, &err) && err == -EINVAL);
	CHECK(!make(BPFVM_MAP_TYPE_CPUMAP, 8, 100000, 0, &err) && err == -E2BIG);
	m = make(BPFVM_MAP_TYPE_CPUMAP, 8, ncpus + 1, 0, &err);
	CHECK(m != NULL);
	if (!m)
		return;
	CHECK(bpfvm_map_prog_lookup(m, &k) == NULL);
	CHECK_EQ_U64(bpfvm_map_lookup_elem(m, &k, out), -ENOENT);
	CHECK_EQ_U64(bpfvm_map_update_elem(m, &k, v, BPFVM_NOEXIST), -EEXIST);
	CHECK_EQ_U64(bpfvm_map_update_elem(m, &k, v, 7), -EINVAL);
	CHECK_EQ_U64(bpfvm_map_update_elem(m, &k, v, BPFVM_ANY), 0);
	CHECK_EQ_U64(bpfvm_map_lookup_elem(m, &k, out), 0);
	CHECK_EQ_U64(out[0], 192);
	CHECK_EQ_U64(out[1], 0);
	CHECK_EQ_U64(*(uint32_t *)bpfvm_map_prog_lookup(m, &k), 192);
	v[0] = 16385;
	CHECK_EQ_U64(bpfvm_map_update_elem(m, &k, v, BPFVM_ANY), -EOVERFLOW);
	v[0] = 64;
	v[1] = 5; /* a program fd */
	CHECK_EQ_U64(bpfvm_map_update_elem(m, &k, v, BPFVM_ANY), -EOPNOTSUPP);
	v[1] = 0;
	k = ncpus; /* a key within max_entries, but no such CPU */
	CHECK_EQ_U64(bpfvm_map_update_elem(m, &k, v, BPFVM_ANY), -ENODEV);
	k = ncpus + 1;
	CHECK_EQ_U64(bpfvm_map_update_elem(m, &k, v, BPFVM_ANY), -E2BIG);
	CHECK_EQ_U64(bpfvm_map_delete_elem(m, &k), -EINVAL);
	k = 0;
	v[0] = 0; /* qsize 0 empties the entry */
	CHECK_EQ_U64(bpfvm_map_update_elem(m, &k, v, BPFVM_ANY), 0);
	CHECK(bpfvm_map_prog_lookup(m, &k) == NULL);
	bpfvm_map_free(m);
}

static void test_xskmap(void)
{
	uint32_t k = 1, v = 0, out;
	struct bpfvm_map *m;
	int err;

	CHECK(!make(BPFVM_MAP_TYPE_XSKMAP, 8, 4, 0, &err) && err == -EINVAL);
	CHECK(!make(BPFVM_MAP_TYPE_XSKMAP, 4, 0, 0, &err) && err == -EINVAL);
	m = make(BPFVM_MAP_TYPE_XSKMAP, 4, 4, 0, &err);
	CHECK(m != NULL);
	if (!m)
		return;
	CHECK(bpfvm_map_prog_lookup(m, &k) == NULL);
	CHECK_EQ_U64(bpfvm_map_update_elem(m, &k, &v, BPFVM_EXIST), -ENOENT);
	CHECK_EQ_U64(bpfvm_map_update_elem(m, &k, &v, BPFVM_NOEXIST), 0);
	/* socket 0 (an fd of 0 is a socket like any other) */
	CHECK(bpfvm_map_prog_lookup(m, &k) != NULL);
	CHECK_EQ_U64(*(uint32_t *)bpfvm_map_prog_lookup(m, &k), 0);
	CHECK_EQ_U64(bpfvm_map_update_elem(m, &k, &v, BPFVM_NOEXIST), -EEXIST);
	v = 9;
	CHECK_EQ_U64(bpfvm_map_update_elem(m, &k, &v, BPFVM_EXIST), 0);
	CHECK_EQ_U64(*(uint32_t *)bpfvm_map_prog_lookup(m, &k), 9);
	CHECK_EQ_U64(bpfvm_map_lookup_elem(m, &k, &out), -EOPNOTSUPP);
	CHECK_EQ_U64(bpfvm_map_delete_elem(m, &k), 0);
	CHECK(bpfvm_map_prog_lookup(m, &k) == NULL);
	k = 4;
	CHECK_EQ_U64(bpfvm_map_update_elem(m, &k, &v, BPFVM_ANY), -E2BIG);
	CHECK_EQ_U64(bpfvm_map_delete_elem(m, &k), -EINVAL);
	bpfvm_map_free(m);
}

int main(void)
{
	test_cpumap();
	test_xskmap();
	return test_exit();
}
