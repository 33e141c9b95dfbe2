/* Queue and stack storage (maps/queue_stack.h) with Linux's rules: key_size 0,
 * value_size > 0, max_entries > 0; pushing to a full map is -E2BIG unless
 * BPF_EXIST, which drops the oldest element; BPF_NOEXIST is -EINVAL; popping or
 * peeking an empty map is -ENOENT. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "maps/queue_stack.h"
#include "util/error.h"

int bpfvm_qs_check(const struct bpfvm_map_create_opts *o)
{
	uint32_t allowed = BPFVM_F_NUMA_NODE | BPFVM_F_RDONLY | BPFVM_F_WRONLY |
			   BPFVM_F_RDONLY_PROG | BPFVM_F_WRONLY_PROG;

	if (o->max_entries == 0 || o->key_size != 0 || o->value_size == 0 ||
	    (o->map_flags & ~allowed))
		return bpfvm_errorf(-EINVAL, "queue and stack maps need key_size 0, "
				    "value_size > 0, max_entries > 0 and known flags (got "
				    "%u/%u/%u, flags 0x%x)", o->key_size, o->value_size,
				    o->max_entries, o->map_flags);
	if (o->value_size > (1u << 22))
		return bpfvm_errorf(-E2BIG, "value_size %u is too large", o->value_size);
	return 0;
}

int bpfvm_qs_create(struct bpfvm_map **out, const struct bpfvm_map_create_opts *o)
{
	uint64_t slots = (uint64_t)o->max_entries + 1;
	struct bpfvm_qs *q = calloc(1, sizeof(*q));

	if (!q || slots * o->value_size > (1ull << 40) ||
	    !(q->elems = malloc(slots * o->value_size))) {
		free(q);
		return bpfvm_errorf(-ENOMEM, "out of memory for map '%s'", o->name ? o->name : "");
	}
	bpfvm_map_init(&q->map, o);
	q->size = (uint32_t)slots;
	*out = &q->map;
	return 0;
}

void bpfvm_qs_free(struct bpfvm_map *map)
{
	struct bpfvm_qs *q = (struct bpfvm_qs *)map;

	free(q->elems);
	free(q);
}

long bpfvm_qs_push(struct bpfvm_map *map, const void *value, uint64_t flags)
{
	struct bpfvm_qs *q = (struct bpfvm_qs *)map;

	if ((flags & BPFVM_NOEXIST) || flags > BPFVM_EXIST)
		return -EINVAL;
	bpfvm_spin_lock(&q->lock);
	if ((q->head + 1) % q->size == q->tail) {
		if (!(flags & BPFVM_EXIST)) {
			bpfvm_spin_unlock(&q->lock);
			return -E2BIG;
		}
		q->tail = (q->tail + 1) % q->size;
	}
	memcpy(q->elems + (size_t)q->head * map->value_size, value, map->value_size);
	q->head = (q->head + 1) % q->size;
	bpfvm_spin_unlock(&q->lock);
	return 0;
}

long bpfvm_qs_take(struct bpfvm_map *map, void *value, bool lifo, bool remove)
{
	struct bpfvm_qs *q = (struct bpfvm_qs *)map;
	uint32_t at;

	bpfvm_spin_lock(&q->lock);
	if (q->head == q->tail) {
		bpfvm_spin_unlock(&q->lock);
		memset(value, 0, map->value_size);
		return -ENOENT;
	}
	at = lifo ? (q->head + q->size - 1) % q->size : q->tail;
	memcpy(value, q->elems + (size_t)at * map->value_size, map->value_size);
	if (remove) {
		if (lifo)
			q->head = at;
		else
			q->tail = (q->tail + 1) % q->size;
	}
	bpfvm_spin_unlock(&q->lock);
	return 0;
}

int bpfvm_qs_user_push(struct bpfvm_map *map, const void *key, const void *value,
		       uint64_t flags)
{
	long err = bpfvm_qs_push(map, value, flags);

	if (err == -E2BIG)
		return bpfvm_errorf(-E2BIG, "map '%s' is full (%u entries)", map->name,
				    map->max_entries);
	if (err)
		return bpfvm_errorf((int)err, "map '%s': push flags 0x%llx are not valid",
				    map->name, (unsigned long long)flags);
	return 0;
}
