/* The bounded FIFO/LIFO storage of BPF_MAP_TYPE_QUEUE and BPF_MAP_TYPE_STACK
 * (Linux's queue_stack_maps.c): no keys, push/pop/peek of whole values under
 * one lock, as Linux takes one too. */
#ifndef BPFVM_MAPS_QUEUE_STACK_H
#define BPFVM_MAPS_QUEUE_STACK_H

#include "maps/map.h"

struct bpfvm_qs {
	struct bpfvm_map map;
	uint32_t lock;
	uint32_t head, tail, size; /* size = max_entries + 1 slots */
	char *elems;
};

int bpfvm_qs_check(const struct bpfvm_map_create_opts *opts);
int bpfvm_qs_create(struct bpfvm_map **out, const struct bpfvm_map_create_opts *opts);
void bpfvm_qs_free(struct bpfvm_map *map);
long bpfvm_qs_push(struct bpfvm_map *map, const void *value, uint64_t flags);
/* `lifo` picks the stack's end; `remove` pops rather than peeks. */
long bpfvm_qs_take(struct bpfvm_map *map, void *value, bool lifo, bool remove);
int bpfvm_qs_user_push(struct bpfvm_map *map, const void *key, const void *value,
		       uint64_t flags);

#endif
