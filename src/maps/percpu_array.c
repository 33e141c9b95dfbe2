/* BPF_MAP_TYPE_PERCPU_ARRAY: an array with one value per "CPU". A program sees
 * the slot of the thread running it (bpfvm_map_this_cpu()); user space reads
 * and writes all slots, round_up(value_size, 8) bytes each, as Linux's API. */
#include <errno.h>
#include <string.h>

#include "maps/array.h"
#include "util/error.h"

static char *slot(struct bpfvm_map *map, uint32_t index, uint32_t cpu)
{
	struct bpfvm_array *a = to_array(map);

	return a->values + ((size_t)cpu * map->max_entries + index) * a->elem_size;
}

static void *percpu_array_lookup(struct bpfvm_map *map, const void *key)
{
	uint32_t index = *(const uint32_t *)key;

	if (index >= map->max_entries)
		return NULL;
	return slot(map, index, bpfvm_map_this_cpu());
}

static long check_update(struct bpfvm_map *map, uint32_t index, uint64_t flags)
{
	if (flags > BPFVM_EXIST)
		return -EINVAL;
	if (index >= map->max_entries)
		return -E2BIG;
	if (flags == BPFVM_NOEXIST)
		return -EEXIST;
	return 0;
}

static long percpu_array_update(struct bpfvm_map *map, const void *key, const void *value,
				uint64_t flags)
{
	uint32_t index = *(const uint32_t *)key;
	long err = check_update(map, index, flags);

	if (err)
		return err;
	memcpy(slot(map, index, bpfvm_map_this_cpu()), value, map->value_size);
	return 0;
}

static int percpu_array_user_update(struct bpfvm_map *map, const void *key, const void *value,
				    uint64_t flags)
{
	uint32_t index = *(const uint32_t *)key, cpu, n = (uint32_t)bpfvm_num_possible_cpus();
	long err = check_update(map, index, flags);

	if (err)
		return bpfvm_errorf((int)err, "map '%s': cannot update index %u with flags 0x%llx",
				    map->name, index, (unsigned long long)flags);
	for (cpu = 0; cpu < n; cpu++)
		memcpy(slot(map, index, cpu), (const char *)value + (size_t)cpu * map->percpu_stride,
		       map->value_size);
	return 0;
}

static int percpu_array_user_lookup(struct bpfvm_map *map, const void *key, void *value,
				    uint64_t flags)
{
	uint32_t index = *(const uint32_t *)key, cpu, n = (uint32_t)bpfvm_num_possible_cpus();

	if (index >= map->max_entries)
		return bpfvm_errorf(-ENOENT, "map '%s': index %u is past max_entries %u",
				    map->name, index, map->max_entries);
	for (cpu = 0; cpu < n; cpu++)
		memcpy((char *)value + (size_t)cpu * map->percpu_stride, slot(map, index, cpu),
		       map->percpu_stride);
	return 0;
}

static long percpu_array_for_each(struct bpfvm_map *map, bpfvm_map_elem_fn fn, void *ctx)
{
	uint32_t i, cpu = bpfvm_map_this_cpu();

	for (i = 0; i < map->max_entries; i++) {
		uint32_t key = i;

		if (fn(map, &key, slot(map, i, cpu), ctx))
			return i + 1;
	}
	return i;
}

const struct bpfvm_map_ops bpfvm_percpu_array_ops = {
	.check = bpfvm_array_check,
	.create = bpfvm_array_create,
	.free = bpfvm_array_free,
	.lookup = percpu_array_lookup,
	.update = percpu_array_update,
	.delete = bpfvm_array_delete,
	.for_each = percpu_array_for_each,
	.get_next_key = bpfvm_array_get_next_key,
	.user_lookup = percpu_array_user_lookup,
	.user_update = percpu_array_user_update,
	.user_delete = bpfvm_array_user_delete,
};
