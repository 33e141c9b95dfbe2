/* BPF_MAP_TYPE_XSKMAP: AF_XDP sockets as redirect targets for
 * bpf_redirect_map() (Linux's net/xdp/xskmap.c). Key u32, value u32: in
 * Linux the fd of an AF_XDP socket bound to a queue. bpfvm has no AF_XDP
 * sockets, so the value is taken as the identifier of the socket (the
 * application's fd for it) and is what bpf_redirect_map reports as the
 * target. Linux's rules otherwise: a key past max_entries is -E2BIG on
 * update and -EINVAL on delete, BPF_NOEXIST on a filled slot -EEXIST,
 * BPF_EXIST on an empty one -ENOENT, and user space cannot read entries
 * back (-EOPNOTSUPP). Each slot is the value and a word saying it is set. */
#include <errno.h>
#include <string.h>

#include "maps/array.h"
#include "maps/target_array.h"
#include "util/error.h"

static int xskmap_check(const struct bpfvm_map_create_opts *o)
{
	uint32_t allowed = BPFVM_F_NUMA_NODE | BPFVM_F_RDONLY | BPFVM_F_WRONLY;

	if (o->max_entries == 0 || o->key_size != 4 || o->value_size != 4 ||
	    (o->map_flags & ~allowed))
		return bpfvm_errorf(-EINVAL, "xsk maps need key_size 4, value_size 4, "
				    "max_entries > 0 and known flags (got %u/%u/%u, flags 0x%x)",
				    o->key_size, o->value_size, o->max_entries, o->map_flags);
	return 0;
}

static void *xskmap_lookup(struct bpfvm_map *map, const void *key)
{
	return bpfvm_target_lookup(map, key, 1);
}

static int xskmap_user_lookup(struct bpfvm_map *map, const void *key, void *value,
			      uint64_t flags)
{
	(void)key;
	(void)value;
	(void)flags;
	return bpfvm_errorf(-EOPNOTSUPP, "map '%s': xsk map entries cannot be read from user "
			    "space", map->name);
}

static int xskmap_user_update(struct bpfvm_map *map, const void *key, const void *value,
			      uint64_t flags)
{
	int err;
	uint32_t *v = bpfvm_target_update_slot(map, key, flags, &err), id;
	bool set;

	if (!v)
		return err;
	set = __atomic_load_n(&v[1], __ATOMIC_ACQUIRE);
	if (set && flags == BPFVM_NOEXIST)
		return bpfvm_errorf(-EEXIST, "map '%s': index %u holds a socket", map->name,
				    *(const uint32_t *)key);
	if (!set && flags == BPFVM_EXIST)
		return bpfvm_errorf(-ENOENT, "map '%s': index %u holds no socket", map->name,
				    *(const uint32_t *)key);
	memcpy(&id, value, 4);
	__atomic_store_n(&v[0], id, __ATOMIC_RELAXED);
	__atomic_store_n(&v[1], 1, __ATOMIC_RELEASE);
	return 0;
}

static int xskmap_user_delete(struct bpfvm_map *map, const void *key)
{
	return bpfvm_target_delete(map, key, 1);
}

const struct bpfvm_map_ops bpfvm_xskmap_ops = {
	.check = xskmap_check,
	.create = bpfvm_array_create,
	.free = bpfvm_array_free,
	.lookup = xskmap_lookup,
	.get_next_key = bpfvm_array_get_next_key,
	.user_lookup = xskmap_user_lookup,
	.user_update = xskmap_user_update,
	.user_delete = xskmap_user_delete,
};
