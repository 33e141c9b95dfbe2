/* BPF_MAP_TYPE_PROG_ARRAY: the programs bpf_tail_call() jumps to. Slots hold
 * `const struct bpfvm_exec *`; user space fills them with
 * bpfvm_map_update_prog(). Programs cannot look elements up, only tail-call. */
#include <errno.h>

#include "maps/array.h"
#include "maps/fd_array.h"
#include "util/error.h"

const struct bpfvm_exec *bpfvm_prog_array_get(struct bpfvm_map *map, uint32_t index)
{
	if (map->type != BPFVM_MAP_TYPE_PROG_ARRAY || index >= map->max_entries)
		return NULL;
	return atomic_load_explicit(&to_fd_array(map)->slots[index], memory_order_acquire);
}

int bpfvm_prog_array_claim(struct bpfvm_map *map, uint32_t prog_type)
{
	uint32_t none = 0, owner = prog_type + 1;

	if (atomic_compare_exchange_strong(&to_fd_array(map)->owner, &none, owner) ||
	    none == owner)
		return 0;
	return bpfvm_errorf(-EINVAL, "prog array '%s' holds programs of type %u, not %u (a tail "
			    "call must not change the context's type)", map->name, none - 1,
			    prog_type);
}

static int prog_array_user_lookup(struct bpfvm_map *map, const void *key, void *value,
				  uint64_t flags)
{
	return bpfvm_errorf(-EOPNOTSUPP, "map '%s': read prog array slots with "
			    "bpfvm_map_lookup_prog()", map->name);
}

static int prog_array_user_update(struct bpfvm_map *map, const void *key, const void *value,
				  uint64_t flags)
{
	return bpfvm_errorf(-EINVAL, "map '%s': set prog array slots with "
			    "bpfvm_map_update_prog()", map->name);
}

const struct bpfvm_map_ops bpfvm_prog_array_ops = {
	.check = bpfvm_fd_array_check,
	.create = bpfvm_fd_array_create,
	.free = bpfvm_fd_array_free,
	.delete = bpfvm_fd_array_delete,
	.get_next_key = bpfvm_array_get_next_key,
	.user_lookup = prog_array_user_lookup,
	.user_update = prog_array_user_update,
	.user_delete = bpfvm_fd_array_user_delete,
	.update_ptr = bpfvm_fd_array_update_ptr,
	.lookup_ptr = bpfvm_fd_array_lookup_ptr,
};
