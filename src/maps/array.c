/* BPF_MAP_TYPE_ARRAY, and the global-data arrays (.data, .rodata, .bss: one
 * entry, direct value access, BPF_F_RDONLY_PROG and freezing). Values live in
 * one preallocated, zeroed block and are never deleted, so lookups are plain
 * index arithmetic with no lock. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "maps/array.h"
#include "util/error.h"

/* Linux's KMALLOC_MAX_SIZE on x86-64 and PCPU_MIN_UNIT_SIZE. */
#define ARRAY_VALUE_MAX (1u << 22)
#define PERCPU_VALUE_MAX (32u << 10)

int bpfvm_array_check(const struct bpfvm_map_create_opts *opts)
{
	uint32_t allowed = BPFVM_F_NUMA_NODE | BPFVM_F_RDONLY | BPFVM_F_WRONLY |
			   BPFVM_F_RDONLY_PROG | BPFVM_F_WRONLY_PROG | BPFVM_F_INNER_MAP;
	bool percpu = opts->map_type == BPFVM_MAP_TYPE_PERCPU_ARRAY;

	if (!percpu)
		allowed |= BPFVM_F_MMAPABLE;
	if (opts->max_entries == 0 || opts->key_size != 4 || opts->value_size == 0 ||
	    (opts->map_flags & ~allowed))
		return bpfvm_errorf(-EINVAL, "array maps need key_size 4, value_size > 0, "
				    "max_entries > 0 and known flags (got %u/%u/%u, flags 0x%x)",
				    opts->key_size, opts->value_size, opts->max_entries,
				    opts->map_flags);
	if (opts->value_size > ARRAY_VALUE_MAX ||
	    (percpu && ((opts->value_size + 7) & ~7u) > PERCPU_VALUE_MAX))
		return bpfvm_errorf(-E2BIG, "value_size %u is too large", opts->value_size);
	return 0;
}

int bpfvm_array_create(struct bpfvm_map **out, const struct bpfvm_map_create_opts *opts)
{
	uint32_t elem_size = (opts->value_size + 7) & ~7u;
	uint64_t copies = opts->map_type == BPFVM_MAP_TYPE_PERCPU_ARRAY ?
				  (uint64_t)bpfvm_num_possible_cpus() : 1;
	uint64_t bytes = (uint64_t)elem_size * opts->max_entries * copies;
	struct bpfvm_array *a;

	if (bytes >= UINT32_MAX * copies)
		return bpfvm_errorf(-ENOMEM, "map '%s': %u entries of %u bytes are too many",
				    opts->name ? opts->name : "", opts->max_entries, elem_size);
	a = calloc(1, sizeof(*a));
	/* calloc: the pages of a large array are zero until first touched. */
	if (!a || !(a->values = calloc(1, bytes))) {
		free(a);
		return bpfvm_errorf(-ENOMEM, "out of memory for map '%s'",
				    opts->name ? opts->name : "");
	}
	bpfvm_map_init(&a->map, opts);
	a->elem_size = elem_size;
	*out = &a->map;
	return 0;
}

void bpfvm_array_free(struct bpfvm_map *map)
{
	struct bpfvm_array *a = to_array(map);

	free(a->values);
	free(a);
}

static void *array_lookup(struct bpfvm_map *map, const void *key)
{
	struct bpfvm_array *a = to_array(map);
	uint32_t index = *(const uint32_t *)key;

	if (index >= map->max_entries)
		return NULL;
	return a->values + (size_t)index * a->elem_size;
}

static long array_update(struct bpfvm_map *map, const void *key, const void *value,
			 uint64_t flags)
{
	uint32_t index = *(const uint32_t *)key;
	void *dst;

	if ((flags & ~(uint64_t)BPFVM_F_LOCK) > BPFVM_EXIST)
		return -EINVAL;
	if (index >= map->max_entries)
		return -E2BIG;
	if (flags & BPFVM_NOEXIST)
		return -EEXIST;
	if ((flags & BPFVM_F_LOCK) && map->spin_lock_off < 0)
		return -EINVAL;
	dst = array_lookup(map, key);
	if (flags & BPFVM_F_LOCK)
		bpfvm_map_copy_value_locked(map, dst, value, false);
	else
		bpfvm_map_copy_value(map, dst, value);
	return 0;
}

static int array_user_update(struct bpfvm_map *map, const void *key, const void *value,
			     uint64_t flags)
{
	long err = array_update(map, key, value, flags);

	if (err == -E2BIG)
		return bpfvm_errorf(-E2BIG, "map '%s': index %u is past max_entries %u",
				    map->name, *(const uint32_t *)key, map->max_entries);
	if (err)
		return bpfvm_errorf((int)err, "map '%s': update flags 0x%llx are not valid here",
				    map->name, (unsigned long long)flags);
	return 0;
}

static int array_user_lookup(struct bpfvm_map *map, const void *key, void *value,
			     uint64_t flags)
{
	void *src = array_lookup(map, key);

	if (!src)
		return bpfvm_errorf(-ENOENT, "map '%s': index %u is past max_entries %u",
				    map->name, *(const uint32_t *)key, map->max_entries);
	if (flags & BPFVM_F_LOCK)
		bpfvm_map_copy_value_locked(map, value, src, true);
	else
		bpfvm_map_copy_value(map, value, src);
	return 0;
}

long bpfvm_array_delete(struct bpfvm_map *map, const void *key)
{
	return -EINVAL;
}

int bpfvm_array_user_delete(struct bpfvm_map *map, const void *key)
{
	return bpfvm_errorf(-EINVAL, "map '%s': array elements cannot be deleted", map->name);
}

int bpfvm_array_get_next_key(struct bpfvm_map *map, const void *key, void *next_key)
{
	uint32_t index = key ? *(const uint32_t *)key : UINT32_MAX;

	if (index >= map->max_entries) {
		*(uint32_t *)next_key = 0;
		return 0;
	}
	if (index == map->max_entries - 1)
		return -ENOENT;
	*(uint32_t *)next_key = index + 1;
	return 0;
}

static long array_for_each(struct bpfvm_map *map, bpfvm_map_elem_fn fn, void *ctx)
{
	uint32_t i;

	for (i = 0; i < map->max_entries; i++) {
		uint32_t key = i;

		if (fn(map, &key, array_lookup(map, &key), ctx))
			return i + 1;
	}
	return i;
}

const struct bpfvm_map_ops bpfvm_array_ops = {
	.check = bpfvm_array_check,
	.create = bpfvm_array_create,
	.free = bpfvm_array_free,
	.lookup = array_lookup,
	.update = array_update,
	.delete = bpfvm_array_delete,
	.for_each = array_for_each,
	.get_next_key = bpfvm_array_get_next_key,
	.user_lookup = array_user_lookup,
	.user_update = array_user_update,
	.user_delete = bpfvm_array_user_delete,
};
