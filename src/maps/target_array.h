/* What the redirect-target arrays share (DEVMAP, CPUMAP, XSKMAP): a u32 key
 * indexing max_entries fixed slots of u32 words, one word of which says the
 * slot is filled (non-zero). Programs only read slots (bpf_redirect_map's
 * target, devmap lookups); user space fills and empties them. Linux's rules
 * for all three: update flags above BPF_EXIST are -EINVAL, a key past
 * max_entries is -E2BIG on update and -EINVAL on delete. */
#ifndef BPFVM_MAPS_TARGET_ARRAY_H
#define BPFVM_MAPS_TARGET_ARRAY_H

#include "maps/map.h"

/* The slot of key, or NULL past max_entries. */
uint32_t *bpfvm_target_slot(struct bpfvm_map *map, const void *key);
/* The slot of key when its word `present` is set, else NULL. */
uint32_t *bpfvm_target_lookup(struct bpfvm_map *map, const void *key, unsigned present);
/* The slot an update with these flags may write, or NULL with the error set
 * (bpfvm_last_error) and returned in *err. */
uint32_t *bpfvm_target_update_slot(struct bpfvm_map *map, const void *key, uint64_t flags,
				   int *err);
/* Empties the slot of key by clearing its word `present`. */
int bpfvm_target_delete(struct bpfvm_map *map, const void *key, unsigned present);

#endif
