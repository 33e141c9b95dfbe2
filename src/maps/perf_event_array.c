/* BPF_MAP_TYPE_PERF_EVENT_ARRAY: what bpf_perf_event_output writes to. In
 * Linux each slot holds a perf event whose ring buffer user space maps; a
 * slot with no event makes the helper fail with -ENOENT, and an event only
 * takes records from programs running on its CPU. bpfvm keeps the same
 * observable rules with its own per-slot record streams: a slot is open while
 * a consumer (bpfvm_perf_buffer_*, the shape of libbpf's perf_buffer__*) is
 * attached, which opens one slot per CPU as libbpf does; records that do not
 * fit are counted as lost and reported to the consumer, as perf's
 * PERF_RECORD_LOST. Records take the room Linux's perf records take (an
 * 8-byte header, a 4-byte size, the data padded to 8 bytes) and the size the
 * consumer sees includes that padding, as libbpf's callbacks see it.
 *
 * The map has no elements user space can read or write (Linux stores perf
 * event fds there, which bpfvm has no use for). */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "maps/map.h"
#include "maps/wake.h"
#include "util/error.h"

#define REC_HDR 8 /* struct perf_event_header */

struct perf_slot {
	uint32_t lock;
	bool open;
	uint8_t *buf;
	uint64_t size, head, tail; /* head: produced bytes, tail: consumed bytes */
	uint64_t lost;
};

struct perf_array {
	struct bpfvm_map map;
	struct perf_slot *slots;
	bool has_consumer;
	pthread_mutex_t lock; /* consumers against each other */
};

struct bpfvm_perf_buffer {
	struct perf_array *pa;
	uint32_t slot_cnt;
	bpfvm_perf_buffer_sample_fn sample;
	bpfvm_perf_buffer_lost_fn lost;
	void *ctx;
	uint8_t *scratch;
};

static struct bpfvm_wake wake = BPFVM_WAKE_INIT;

static struct perf_array *to_pa(struct bpfvm_map *map)
{
	return (struct perf_array *)map;
}

static int pa_check(const struct bpfvm_map_create_opts *o)
{
	if (o->key_size != 4 || o->value_size != 4 || !o->max_entries ||
	    (o->map_flags & ~BPFVM_F_NUMA_NODE))
		return bpfvm_errorf(-EINVAL, "perf event arrays need 4-byte keys and values, "
				    "max_entries > 0 and no flags");
	return 0;
}

static int pa_create(struct bpfvm_map **out, const struct bpfvm_map_create_opts *o)
{
	struct perf_array *pa = calloc(1, sizeof(*pa));

	if (pa)
		pa->slots = calloc(o->max_entries, sizeof(*pa->slots));
	if (!pa || !pa->slots) {
		free(pa);
		return bpfvm_errorf(-ENOMEM, "out of memory");
	}
	bpfvm_map_init(&pa->map, o);
	pthread_mutex_init(&pa->lock, NULL);
	*out = &pa->map;
	return 0;
}

static void pa_free(struct bpfvm_map *map)
{
	struct perf_array *pa = to_pa(map);

	for (uint32_t i = 0; i < map->max_entries; i++)
		free(pa->slots[i].buf);
	pthread_mutex_destroy(&pa->lock);
	free(pa->slots);
	free(pa);
}

static int pa_get_next_key(struct bpfvm_map *map, const void *key, void *next_key)
{
	return -ENOENT;
}

const struct bpfvm_map_ops bpfvm_perf_event_array_ops = {
	.check = pa_check,
	.create = pa_create,
	.free = pa_free,
	.get_next_key = pa_get_next_key,
};

static void ring_copy_in(struct perf_slot *s, uint64_t pos, const void *src, uint64_t n)
{
	uint64_t off = pos % s->size, first = n < s->size - off ? n : s->size - off;

	memcpy(s->buf + off, src, first);
	memcpy(s->buf, (const uint8_t *)src + first, n - first);
}

static void ring_copy_out(const struct perf_slot *s, uint64_t pos, void *dst, uint64_t n)
{
	uint64_t off = pos % s->size, first = n < s->size - off ? n : s->size - off;

	memcpy(dst, s->buf + off, first);
	memcpy((uint8_t *)dst + first, s->buf, n - first);
}

long bpfvm_perf_event_output(struct bpfvm_map *map, uint64_t flags, const void *a,
			     uint64_t a_len, const void *b, uint64_t b_len)
{
	struct perf_array *pa = to_pa(map);
	uint32_t cpu = bpfvm_map_this_cpu(), index = (uint32_t)flags, raw;
	uint64_t rec, pad = 0;
	struct perf_slot *s;
	long ret = 0;

	if (index == (uint32_t)BPFVM_F_INDEX_MASK)
		index = cpu;
	if (index >= map->max_entries)
		return -E2BIG;
	s = &pa->slots[index];
	bpfvm_spin_lock(&s->lock);
	if (!s->open) {
		ret = -ENOENT;
	} else if (index != cpu) {
		ret = -EOPNOTSUPP;
	} else {
		raw = (uint32_t)(((a_len + b_len + 4 + 7) & ~7ull) - 4);
		rec = REC_HDR + 4 + (uint64_t)raw;
		if (rec > s->size - (s->head - s->tail)) {
			s->lost++;
			ret = -ENOSPC;
		} else {
			ring_copy_in(s, s->head + REC_HDR, &raw, 4);
			ring_copy_in(s, s->head + REC_HDR + 4, a, a_len);
			ring_copy_in(s, s->head + REC_HDR + 4 + a_len, b, b_len);
			ring_copy_in(s, s->head + REC_HDR + 4 + a_len + b_len, &pad,
				     raw - a_len - b_len);
			s->head += rec;
		}
	}
	bpfvm_spin_unlock(&s->lock);
	if (!ret)
		bpfvm_wake_signal(&wake);
	return ret;
}

/* bpf_perf_event_read's view of a slot. Linux reads the hardware counter of
 * the perf event stored there; bpfvm's slots hold output streams, never
 * counters, so an open slot answers as Linux did for any event that is not a
 * hardware counter (-EINVAL, kernels before 4.15), an empty one -ENOENT. */
long bpfvm_perf_event_read(struct bpfvm_map *map, uint64_t flags)
{
	struct perf_array *pa = to_pa(map);
	uint32_t index = (uint32_t)flags;
	bool open;

	if (flags & ~(uint64_t)BPFVM_F_INDEX_MASK)
		return -EINVAL;
	if (index == (uint32_t)BPFVM_F_INDEX_MASK)
		index = bpfvm_map_this_cpu();
	if (index >= map->max_entries)
		return -E2BIG;
	bpfvm_spin_lock(&pa->slots[index].lock);
	open = pa->slots[index].open;
	bpfvm_spin_unlock(&pa->slots[index].lock);
	return open ? -EINVAL : -ENOENT;
}

struct bpfvm_perf_buffer *bpfvm_perf_buffer_new(struct bpfvm_map *map, size_t page_cnt,
						bpfvm_perf_buffer_sample_fn sample,
						bpfvm_perf_buffer_lost_fn lost, void *ctx)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE), size = page_cnt * page;
	struct bpfvm_perf_buffer *pb;
	struct perf_array *pa;
	uint32_t i;

	if (!map || map->type != BPFVM_MAP_TYPE_PERF_EVENT_ARRAY || !sample)
		return bpfvm_errorf(-EINVAL, "perf buffer: needs a perf event array and a "
				    "sample callback"), NULL;
	if (!page_cnt || (page_cnt & (page_cnt - 1)))
		return bpfvm_errorf(-EINVAL, "perf buffer: page_cnt must be a power of 2"), NULL;
	pa = to_pa(map);
	pthread_mutex_lock(&pa->lock);
	if (pa->has_consumer) {
		pthread_mutex_unlock(&pa->lock);
		return bpfvm_errorf(-EBUSY, "perf buffer: map '%s' already has a consumer",
				    map->name), NULL;
	}
	pb = calloc(1, sizeof(*pb));
	if (pb)
		pb->scratch = malloc(size);
	if (!pb || !pb->scratch)
		goto nomem;
	pb->pa = pa;
	pb->slot_cnt = (uint32_t)bpfvm_num_possible_cpus();
	if (pb->slot_cnt > map->max_entries)
		pb->slot_cnt = map->max_entries;
	for (i = 0; i < pb->slot_cnt; i++) {
		struct perf_slot *s = &pa->slots[i];
		uint8_t *buf = calloc(1, size);

		if (!buf)
			goto nomem;
		bpfvm_spin_lock(&s->lock);
		free(s->buf);
		s->buf = buf;
		s->size = size;
		s->head = s->tail = s->lost = 0;
		s->open = true;
		bpfvm_spin_unlock(&s->lock);
	}
	pb->sample = sample;
	pb->lost = lost;
	pb->ctx = ctx;
	pa->has_consumer = true;
	bpfvm_map_get(map);
	pthread_mutex_unlock(&pa->lock);
	return pb;
nomem:
	if (pb) {
		for (i = 0; i < pb->slot_cnt; i++) {
			bpfvm_spin_lock(&pa->slots[i].lock);
			pa->slots[i].open = false;
			bpfvm_spin_unlock(&pa->slots[i].lock);
		}
		free(pb->scratch);
	}
	free(pb);
	pthread_mutex_unlock(&pa->lock);
	return bpfvm_errorf(-ENOMEM, "perf buffer: out of memory"), NULL;
}

/* Hands every record and lost count of every slot to the callbacks, each
 * copied out under the slot's lock and reported outside it. */
int bpfvm_perf_buffer_consume(struct bpfvm_perf_buffer *pb)
{
	int n = 0;

	for (uint32_t i = 0; i < pb->slot_cnt; i++) {
		struct perf_slot *s = &pb->pa->slots[i];

		for (;;) {
			uint64_t lost;
			uint32_t raw = 0;
			bool have;

			bpfvm_spin_lock(&s->lock);
			lost = s->lost;
			s->lost = 0;
			have = s->head != s->tail;
			if (have) {
				ring_copy_out(s, s->tail + REC_HDR, &raw, 4);
				ring_copy_out(s, s->tail + REC_HDR + 4, pb->scratch, raw);
				s->tail += REC_HDR + 4 + (uint64_t)raw;
			}
			bpfvm_spin_unlock(&s->lock);
			if (lost && pb->lost)
				pb->lost(pb->ctx, (int)i, lost);
			if (!have)
				break;
			pb->sample(pb->ctx, (int)i, pb->scratch, raw);
			n++;
		}
	}
	return n;
}

struct poll_state {
	struct bpfvm_perf_buffer *pb;
	int n;
};

/* Consumes as it checks: a record is ready when consuming found one. */
static bool perf_ready(void *arg)
{
	struct poll_state *ps = arg;

	ps->n = bpfvm_perf_buffer_consume(ps->pb);
	return ps->n != 0;
}

int bpfvm_perf_buffer_poll(struct bpfvm_perf_buffer *pb, int timeout_ms)
{
	struct poll_state ps = { pb, bpfvm_perf_buffer_consume(pb) };

	if (ps.n || !timeout_ms)
		return ps.n;
	bpfvm_wake_wait(&wake, timeout_ms, perf_ready, &ps);
	return ps.n;
}

void bpfvm_perf_buffer_free(struct bpfvm_perf_buffer *pb)
{
	struct perf_array *pa;

	if (!pb)
		return;
	pa = pb->pa;
	pthread_mutex_lock(&pa->lock);
	for (uint32_t i = 0; i < pb->slot_cnt; i++) {
		bpfvm_spin_lock(&pa->slots[i].lock);
		pa->slots[i].open = false;
		bpfvm_spin_unlock(&pa->slots[i].lock);
	}
	pa->has_consumer = false;
	pthread_mutex_unlock(&pa->lock);
	free(pb->scratch);
	free(pb);
	bpfvm_map_free(&pa->map);
}
