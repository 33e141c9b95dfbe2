/* The storage shared by the array-shaped maps (array, per-CPU array, global
 * data): a flat block of values indexed by a u32 key. */
#ifndef BPFVM_MAPS_ARRAY_H
#define BPFVM_MAPS_ARRAY_H

#include "maps/map.h"

struct bpfvm_array {
	struct bpfvm_map map;
	uint32_t elem_size; /* value_size rounded up to 8 */
	/* Per-CPU arrays keep one block per CPU (cpu-major), so counters of
	 * different CPUs never share a cache line. */
	char *values;
};

static inline struct bpfvm_array *to_array(struct bpfvm_map *map)
{
	return (struct bpfvm_array *)map;
}

int bpfvm_array_check(const struct bpfvm_map_create_opts *opts);
int bpfvm_array_create(struct bpfvm_map **out, const struct bpfvm_map_create_opts *opts);
void bpfvm_array_free(struct bpfvm_map *map);
int bpfvm_array_get_next_key(struct bpfvm_map *map, const void *key, void *next_key);
long bpfvm_array_delete(struct bpfvm_map *map, const void *key);
int bpfvm_array_user_delete(struct bpfvm_map *map, const void *key);

#endif
