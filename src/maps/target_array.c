/* The slot arithmetic and Linux's index/flag errors of the redirect-target
 * arrays (see target_array.h), written once for DEVMAP, CPUMAP and XSKMAP. */
#include <errno.h>

#include "maps/array.h"
#include "maps/target_array.h"
#include "util/error.h"

uint32_t *bpfvm_target_slot(struct bpfvm_map *map, const void *key)
{
	uint32_t index = *(const uint32_t *)key;

	if (index >= map->max_entries)
		return NULL;
	return (uint32_t *)(to_array(map)->values + (size_t)index * to_array(map)->elem_size);
}

uint32_t *bpfvm_target_lookup(struct bpfvm_map *map, const void *key, unsigned present)
{
	uint32_t *v = bpfvm_target_slot(map, key);

	return v && __atomic_load_n(&v[present], __ATOMIC_ACQUIRE) ? v : NULL;
}

uint32_t *bpfvm_target_update_slot(struct bpfvm_map *map, const void *key, uint64_t flags,
				   int *err)
{
	uint32_t *v = bpfvm_target_slot(map, key);

	if (flags > BPFVM_EXIST) {
		*err = bpfvm_errorf(-EINVAL, "map '%s': update flags 0x%llx", map->name,
				    (unsigned long long)flags);
		return NULL;
	}
	if (!v)
		*err = bpfvm_errorf(-E2BIG, "map '%s': index %u is past max_entries %u",
				    map->name, *(const uint32_t *)key, map->max_entries);
	return v;
}

int bpfvm_target_delete(struct bpfvm_map *map, const void *key, unsigned present)
{
	uint32_t *v = bpfvm_target_slot(map, key);

	if (!v)
		return bpfvm_errorf(-EINVAL, "map '%s': index %u is past max_entries %u",
				    map->name, *(const uint32_t *)key, map->max_entries);
	__atomic_store_n(&v[present], 0, __ATOMIC_RELEASE);
	return 0;
}
