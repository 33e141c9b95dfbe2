/* BPF_MAP_TYPE_ARRAY_OF_MAPS: an array whose slots hold inner maps. A
 * program's lookup gives the inner `struct bpfvm_map *` itself; user space sets
 * slots with bpfvm_map_update_inner() and reads back the inner map's id. */
#include <errno.h>

#include "maps/array.h"
#include "maps/fd_array.h"
#include "util/error.h"

static void *aom_lookup(struct bpfvm_map *map, const void *key)
{
	uint32_t index = *(const uint32_t *)key;

	if (index >= map->max_entries)
		return NULL;
	return (void *)atomic_load_explicit(&to_fd_array(map)->slots[index],
					     memory_order_acquire);
}

static int aom_user_lookup(struct bpfvm_map *map, const void *key, void *value,
			   uint64_t flags)
{
	const void *inner;
	int err = bpfvm_fd_array_lookup_ptr(map, key, &inner);

	if (!err)
		*(uint32_t *)value = bpfvm_map_id(inner);
	return err;
}

static int aom_user_update(struct bpfvm_map *map, const void *key, const void *value,
			   uint64_t flags)
{
	return bpfvm_errorf(-EINVAL, "map '%s': set inner maps with bpfvm_map_update_inner()",
			    map->name);
}

static int aom_check(const struct bpfvm_map_create_opts *opts)
{
	struct bpfvm_map_create_opts o = *opts;

	o.map_flags &= ~BPFVM_F_INNER_MAP;
	return bpfvm_fd_array_check(&o);
}

const struct bpfvm_map_ops bpfvm_array_of_maps_ops = {
	.check = aom_check,
	.create = bpfvm_fd_array_create,
	.free = bpfvm_fd_array_free,
	.lookup = aom_lookup,
	.get_next_key = bpfvm_array_get_next_key,
	.user_lookup = aom_user_lookup,
	.user_update = aom_user_update,
	.user_delete = bpfvm_fd_array_user_delete,
	.update_ptr = bpfvm_fd_array_update_ptr,
	.lookup_ptr = bpfvm_fd_array_lookup_ptr,
};
