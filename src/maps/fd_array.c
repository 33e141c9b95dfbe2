/* Slots of prog arrays and arrays of maps (maps/fd_array.h), with Linux's
 * rules for them: key and value 4 bytes, updates only with BPF_ANY, -E2BIG past
 * the end, deleting an empty slot is -ENOENT. */
#include <errno.h>
#include <stdlib.h>

#include "maps/array.h"
#include "maps/fd_array.h"
#include "util/error.h"

int bpfvm_fd_array_check(const struct bpfvm_map_create_opts *opts)
{
	if (opts->value_size != 4 || (opts->map_flags & (BPFVM_F_MMAPABLE | BPFVM_F_INNER_MAP)))
		return bpfvm_errorf(-EINVAL, "value_size must be 4 (got %u), without "
				    "BPF_F_MMAPABLE or BPF_F_INNER_MAP", opts->value_size);
	return bpfvm_array_check(opts);
}

int bpfvm_fd_array_create(struct bpfvm_map **out, const struct bpfvm_map_create_opts *opts)
{
	struct bpfvm_fd_array *a;
	uint32_t i;

	a = calloc(1, sizeof(*a) + (size_t)opts->max_entries * sizeof(a->slots[0]));
	if (!a)
		return bpfvm_errorf(-ENOMEM, "out of memory for map '%s'",
				    opts->name ? opts->name : "");
	atomic_init(&a->owner, 0);
	for (i = 0; i < opts->max_entries; i++)
		atomic_init(&a->slots[i], NULL);
	bpfvm_map_init(&a->map, opts);
	*out = &a->map;
	return 0;
}

void bpfvm_fd_array_free(struct bpfvm_map *map)
{
	free(map);
}

int bpfvm_fd_array_update_ptr(struct bpfvm_map *map, const void *key, const void *ptr,
			      uint64_t flags)
{
	uint32_t index = *(const uint32_t *)key;

	if (flags != BPFVM_ANY)
		return bpfvm_errorf(-EINVAL, "map '%s': only BPF_ANY updates", map->name);
	if (index >= map->max_entries)
		return bpfvm_errorf(-E2BIG, "map '%s': index %u is past max_entries %u",
				    map->name, index, map->max_entries);
	atomic_store_explicit(&to_fd_array(map)->slots[index], ptr, memory_order_release);
	return 0;
}

int bpfvm_fd_array_lookup_ptr(struct bpfvm_map *map, const void *key, const void **ptr)
{
	uint32_t index = *(const uint32_t *)key;

	if (index >= map->max_entries ||
	    !(*ptr = atomic_load_explicit(&to_fd_array(map)->slots[index], memory_order_acquire)))
		return bpfvm_errorf(-ENOENT, "map '%s': slot %u is empty", map->name, index);
	return 0;
}

long bpfvm_fd_array_delete(struct bpfvm_map *map, const void *key)
{
	uint32_t index = *(const uint32_t *)key;

	if (index >= map->max_entries)
		return -E2BIG;
	if (!atomic_exchange(&to_fd_array(map)->slots[index], NULL))
		return -ENOENT;
	return 0;
}

int bpfvm_fd_array_user_delete(struct bpfvm_map *map, const void *key)
{
	long err = bpfvm_fd_array_delete(map, key);

	if (err)
		return bpfvm_errorf((int)err, "map '%s': %s slot %u", map->name,
				    err == -E2BIG ? "no" : "empty", *(const uint32_t *)key);
	return 0;
}
