/* BPF_MAP_TYPE_HASH_OF_MAPS: a hash map whose values are inner maps. A
 * program's lookup gives the inner `struct bpfvm_map *` itself, ready for the
 * map helpers; user space sets elements with bpfvm_map_update_inner() and
 * reads back the inner map's id, as Linux. */
#include <errno.h>

#include "maps/htab.h"
#include "util/error.h"

static int hom_update_ptr(struct bpfvm_map *map, const void *key, const void *ptr,
			  uint64_t flags)
{
	if ((flags & BPFVM_F_LOCK) || flags > BPFVM_EXIST)
		return bpfvm_errorf(-EINVAL, "map '%s': update flags 0x%llx", map->name,
				    (unsigned long long)flags);
	return bpfvm_htab_user_update(map, key, &ptr, flags);
}

static int hom_user_update(struct bpfvm_map *map, const void *key, const void *value,
			   uint64_t flags)
{
	return bpfvm_errorf(-EINVAL, "map '%s': set inner maps with bpfvm_map_update_inner()",
			    map->name);
}

const struct bpfvm_map_ops bpfvm_hash_of_maps_ops = {
	.check = bpfvm_htab_check,
	.create = bpfvm_htab_create,
	.free = bpfvm_htab_free,
	.lookup = bpfvm_htab_lookup,
	.get_next_key = bpfvm_htab_get_next_key,
	.user_lookup = bpfvm_htab_user_lookup,
	.user_update = hom_user_update,
	.user_delete = bpfvm_htab_user_delete,
	.update_ptr = hom_update_ptr,
};
