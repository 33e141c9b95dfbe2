/* BPF_MAP_TYPE_DEVMAP_HASH: redirect targets keyed by any u32 (maps/htab.c
 * does the storage), with the value rules of DEVMAP (maps/devmap.c). Programs
 * only look entries up and redirect through them. */
#include "maps/devmap.h"
#include "maps/htab.h"

static int devmap_hash_user_update(struct bpfvm_map *map, const void *key, const void *value,
				   uint64_t flags)
{
	int err = bpfvm_devmap_check_value(map, value);

	return err ? err : bpfvm_htab_user_update(map, key, value, flags);
}

const struct bpfvm_map_ops bpfvm_devmap_hash_ops = {
	.check = bpfvm_devmap_check,
	.create = bpfvm_htab_create,
	.free = bpfvm_htab_free,
	.lookup = bpfvm_htab_lookup,
	.get_next_key = bpfvm_htab_get_next_key,
	.user_lookup = bpfvm_htab_user_lookup,
	.user_update = devmap_hash_user_update,
	.user_delete = bpfvm_htab_user_delete,
};
