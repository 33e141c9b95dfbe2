/* BPF_MAP_TYPE_DEVMAP: an array of redirect targets for bpf_redirect_map().
 * Linux's rules: key 4 bytes, value 4 (ifindex) or 8 (ifindex, program fd),
 * an entry with ifindex 0 is empty, deleting past the end is -EINVAL.
 * Programs may only look entries up (read-only) and redirect through them;
 * devmap programs (a second value word > 0) are not supported. */
#include <errno.h>
#include <string.h>

#include "maps/array.h"
#include "maps/devmap.h"
#include "maps/target_array.h"
#include "util/error.h"

int bpfvm_devmap_check(const struct bpfvm_map_create_opts *o)
{
	uint32_t allowed = BPFVM_F_NUMA_NODE | BPFVM_F_RDONLY | BPFVM_F_WRONLY;

	if (o->max_entries == 0 || o->key_size != 4 || (o->value_size != 4 && o->value_size != 8) ||
	    (o->map_flags & ~allowed))
		return bpfvm_errorf(-EINVAL, "device maps need key_size 4, value_size 4 or 8, "
				    "max_entries > 0 and known flags (got %u/%u/%u, flags 0x%x)",
				    o->key_size, o->value_size, o->max_entries, o->map_flags);
	return 0;
}

int bpfvm_devmap_check_value(const struct bpfvm_map *map, const void *value)
{
	uint32_t v[2] = { 0, 0 };

	memcpy(v, value, map->value_size);
	if (map->value_size == 8 && (int32_t)v[1] > 0)
		return bpfvm_errorf(!v[0] ? -EINVAL : -EOPNOTSUPP, "map '%s': %s", map->name,
				    !v[0] ? "a program fd needs an ifindex"
					  : "programs attached to device map entries are not "
					    "supported");
	return 0;
}

static void *devmap_lookup(struct bpfvm_map *map, const void *key)
{
	return bpfvm_target_lookup(map, key, 0);
}

static int devmap_user_lookup(struct bpfvm_map *map, const void *key, void *value,
			      uint64_t flags)
{
	uint32_t *v = devmap_lookup(map, key);

	if (!v)
		return bpfvm_errorf(-ENOENT, "map '%s': no device at index %u", map->name,
				    *(const uint32_t *)key);
	memcpy(value, v, map->value_size);
	return 0;
}

static int devmap_user_update(struct bpfvm_map *map, const void *key, const void *value,
			      uint64_t flags)
{
	int err;
	uint32_t *v = bpfvm_target_update_slot(map, key, flags, &err), ifindex;

	if (!v)
		return err;
	if (flags == BPFVM_NOEXIST)
		return bpfvm_errorf(-EEXIST, "map '%s': device map entries always exist "
				    "(BPF_NOEXIST)", map->name);
	if ((err = bpfvm_devmap_check_value(map, value)))
		return err;
	memcpy(&ifindex, value, 4);
	if (map->value_size == 8)
		memcpy(v + 1, (const char *)value + 4, 4);
	__atomic_store_n(v, ifindex, __ATOMIC_RELEASE);
	return 0;
}

static int devmap_user_delete(struct bpfvm_map *map, const void *key)
{
	return bpfvm_target_delete(map, key, 0);
}

const struct bpfvm_map_ops bpfvm_devmap_ops = {
	.check = bpfvm_devmap_check,
	.create = bpfvm_array_create,
	.free = bpfvm_array_free,
	.lookup = devmap_lookup,
	.get_next_key = bpfvm_array_get_next_key,
	.user_lookup = devmap_user_lookup,
	.user_update = devmap_user_update,
	.user_delete = devmap_user_delete,
};
