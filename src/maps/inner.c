/* Inner-map rules and lifetimes for ARRAY_OF_MAPS and HASH_OF_MAPS (see
 * maps/inner.h). */
#include <errno.h>
#include <stdlib.h>

#include "maps/map.h"
#include "util/error.h"

void bpfvm_holder_init(struct bpfvm_map_holder *hd)
{
	pthread_mutex_init(&hd->lock, NULL);
	hd->maps = NULL;
	hd->cnt = hd->cap = 0;
}

int bpfvm_holder_hold(struct bpfvm_map_holder *hd, struct bpfvm_map *inner)
{
	uint32_t i;

	pthread_mutex_lock(&hd->lock);
	for (i = 0; i < hd->cnt; i++)
		if (hd->maps[i] == inner)
			goto out;
	if (hd->cnt == hd->cap) {
		uint32_t cap = hd->cap ? hd->cap * 2 : 8;
		struct bpfvm_map **maps = realloc(hd->maps, cap * sizeof(*maps));

		if (!maps) {
			pthread_mutex_unlock(&hd->lock);
			return bpfvm_errorf(-ENOMEM, "out of memory");
		}
		hd->maps = maps;
		hd->cap = cap;
	}
	bpfvm_map_get(inner);
	hd->maps[hd->cnt++] = inner;
out:
	pthread_mutex_unlock(&hd->lock);
	return 0;
}

void bpfvm_holder_release(struct bpfvm_map_holder *hd)
{
	uint32_t i;

	for (i = 0; i < hd->cnt; i++)
		bpfvm_map_free(hd->maps[i]);
	free(hd->maps);
	pthread_mutex_destroy(&hd->lock);
}

int bpfvm_inner_check(const struct bpfvm_map *outer, const struct bpfvm_map *inner)
{
	if (!inner)
		return bpfvm_errorf(-EINVAL, "map '%s': no inner map given", outer->name);
	if (inner->type == BPFVM_MAP_TYPE_ARRAY_OF_MAPS ||
	    inner->type == BPFVM_MAP_TYPE_HASH_OF_MAPS || inner->type == BPFVM_MAP_TYPE_PROG_ARRAY)
		return bpfvm_errorf(-EINVAL, "map '%s': map '%s' cannot be an inner map",
				    outer->name, inner->name);
	if (!outer->has_inner)
		return 0;
	if (inner->type != outer->inner_type || inner->key_size != outer->inner_key_size ||
	    inner->value_size != outer->inner_value_size ||
	    (!(outer->inner_flags & BPFVM_F_INNER_MAP) &&
	     inner->max_entries != outer->inner_max_entries))
		return bpfvm_errorf(-EINVAL, "map '%s': inner map '%s' does not match the "
				    "template (type %u, key %u, value %u, max_entries %u)",
				    outer->name, inner->name, outer->inner_type,
				    outer->inner_key_size, outer->inner_value_size,
				    outer->inner_max_entries);
	return 0;
}
