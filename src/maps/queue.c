/* BPF_MAP_TYPE_QUEUE: first in, first out (maps/queue_stack.c).
 * User space pushes with update_elem, peeks with lookup_elem and pops with
 * lookup_and_delete_elem, all with key NULL. */
#include <errno.h>

#include "maps/queue_stack.h"
#include "util/error.h"

static long queue_pop(struct bpfvm_map *map, void *value)
{
	return bpfvm_qs_take(map, value, false, true);
}

static long queue_peek(struct bpfvm_map *map, void *value)
{
	return bpfvm_qs_take(map, value, false, false);
}

static int queue_user_peek(struct bpfvm_map *map, const void *key, void *value, uint64_t flags)
{
	if (queue_peek(map, value))
		return bpfvm_errorf(-ENOENT, "map '%s' is empty", map->name);
	return 0;
}

static int queue_user_pop(struct bpfvm_map *map, const void *key, void *value, uint64_t flags)
{
	if (queue_pop(map, value))
		return bpfvm_errorf(-ENOENT, "map '%s' is empty", map->name);
	return 0;
}

const struct bpfvm_map_ops bpfvm_queue_ops = {
	.check = bpfvm_qs_check,
	.create = bpfvm_qs_create,
	.free = bpfvm_qs_free,
	.push = bpfvm_qs_push,
	.pop = queue_pop,
	.peek = queue_peek,
	.user_lookup = queue_user_peek,
	.user_update = bpfvm_qs_user_push,
	.user_lookup_and_delete = queue_user_pop,
};
