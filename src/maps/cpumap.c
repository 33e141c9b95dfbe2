/* BPF_MAP_TYPE_CPUMAP: redirect targets that are CPUs, for bpf_redirect_map()
 * (Linux's kernel/bpf/cpumap.c). Key: the CPU number (u32); value: struct
 * bpf_cpumap_val { u32 qsize; [u32 program fd] } (value_size 4 or 8). An
 * entry with qsize 0 is empty (storing one deletes); qsize is at most 16384
 * (-EOVERFLOW); a key past max_entries is -E2BIG, a CPU that does not exist
 * -ENODEV. Programs cannot look entries up, only redirect through them;
 * programs attached to entries (a program fd > 0) are not supported. */
#include <errno.h>
#include <string.h>

#include "maps/array.h"
#include "maps/target_array.h"
#include "util/error.h"

#define CPUMAP_MAX_QSIZE 16384
#define NR_CPUS_MAX 8192 /* Linux's CONFIG_NR_CPUS limit: max_entries above it is -E2BIG */

static int cpumap_check(const struct bpfvm_map_create_opts *o)
{
	if (o->max_entries == 0 || o->key_size != 4 || (o->value_size != 4 && o->value_size != 8) ||
	    (o->map_flags & ~BPFVM_F_NUMA_NODE))
		return bpfvm_errorf(-EINVAL, "cpu maps need key_size 4, value_size 4 or 8, "
				    "max_entries > 0 and no flags but NUMA_NODE (got %u/%u/%u, "
				    "flags 0x%x)", o->key_size, o->value_size, o->max_entries,
				    o->map_flags);
	if (o->max_entries > NR_CPUS_MAX)
		return bpfvm_errorf(-E2BIG, "cpu maps have at most %u entries", NR_CPUS_MAX);
	return 0;
}

static void *cpumap_lookup(struct bpfvm_map *map, const void *key)
{
	return bpfvm_target_lookup(map, key, 0);
}

static int cpumap_user_lookup(struct bpfvm_map *map, const void *key, void *value,
			      uint64_t flags)
{
	uint32_t *v = cpumap_lookup(map, key);

	(void)flags;
	if (!v)
		return bpfvm_errorf(-ENOENT, "map '%s': no CPU entry at index %u", map->name,
				    *(const uint32_t *)key);
	memcpy(value, v, map->value_size);
	return 0;
}

static int cpumap_user_update(struct bpfvm_map *map, const void *key, const void *value,
			      uint64_t flags)
{
	int err;
	uint32_t *v = bpfvm_target_update_slot(map, key, flags, &err), q[2] = { 0, 0 };
	uint32_t cpu = *(const uint32_t *)key;

	if (!v)
		return err;
	if (flags == BPFVM_NOEXIST)
		return bpfvm_errorf(-EEXIST, "map '%s': cpu map entries always exist "
				    "(BPF_NOEXIST)", map->name);
	memcpy(q, value, map->value_size);
	if (q[0] > CPUMAP_MAX_QSIZE)
		return bpfvm_errorf(-EOVERFLOW, "map '%s': qsize %u is above %u", map->name, q[0],
				    CPUMAP_MAX_QSIZE);
	if (cpu >= (uint32_t)bpfvm_num_possible_cpus())
		return bpfvm_errorf(-ENODEV, "map '%s': there is no CPU %u (%d CPUs)", map->name,
				    cpu, bpfvm_num_possible_cpus());
	if (q[0] && map->value_size == 8 && (int32_t)q[1] > 0)
		return bpfvm_errorf(-EOPNOTSUPP, "map '%s': programs attached to cpu map entries "
				    "are not supported", map->name);
	/* The program id Linux reports for an entry without a program is 0. */
	v[1] = 0;
	__atomic_store_n(v, q[0], __ATOMIC_RELEASE);
	return 0;
}

static int cpumap_user_delete(struct bpfvm_map *map, const void *key)
{
	return bpfvm_target_delete(map, key, 0);
}

const struct bpfvm_map_ops bpfvm_cpumap_ops = {
	.check = cpumap_check,
	.create = bpfvm_array_create,
	.free = bpfvm_array_free,
	.lookup = cpumap_lookup,
	.get_next_key = bpfvm_array_get_next_key,
	.user_lookup = cpumap_user_lookup,
	.user_update = cpumap_user_update,
	.user_delete = cpumap_user_delete,
};
