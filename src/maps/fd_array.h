/* The storage of the arrays whose slots hold objects where Linux stores file
 * descriptors: prog arrays (programs for tail calls) and arrays of maps. Slots
 * are atomic pointers, so programs read them without a lock. */
#ifndef BPFVM_MAPS_FD_ARRAY_H
#define BPFVM_MAPS_FD_ARRAY_H

#include "maps/map.h"

struct bpfvm_fd_array {
	struct bpfvm_map map;
	/* Prog arrays: 1 + the program type of every program the array holds
	 * or is tail-called from, once the first one is known; 0 before. */
	_Atomic uint32_t owner;
	_Atomic(const void *) slots[];
};

static inline struct bpfvm_fd_array *to_fd_array(struct bpfvm_map *map)
{
	return (struct bpfvm_fd_array *)map;
}

int bpfvm_fd_array_check(const struct bpfvm_map_create_opts *opts);
int bpfvm_fd_array_create(struct bpfvm_map **out, const struct bpfvm_map_create_opts *opts);
void bpfvm_fd_array_free(struct bpfvm_map *map);
int bpfvm_fd_array_update_ptr(struct bpfvm_map *map, const void *key, const void *ptr,
			      uint64_t flags);
int bpfvm_fd_array_lookup_ptr(struct bpfvm_map *map, const void *key, const void **ptr);
long bpfvm_fd_array_delete(struct bpfvm_map *map, const void *key);
int bpfvm_fd_array_user_delete(struct bpfvm_map *map, const void *key);

#endif
