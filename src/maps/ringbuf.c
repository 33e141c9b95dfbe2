/* BPF_MAP_TYPE_RINGBUF: a multi-producer, single-consumer byte ring, laid out
 * as Linux's (kernel/bpf/ringbuf.c): 8-byte record headers with BUSY and
 * DISCARD bits, 8-byte aligned records, producers serialised by a lock only
 * while they reserve, committing with one atomic store. The data pages are
 * mapped twice back to back, so a record that wraps is still contiguous for
 * the program writing it and the consumer reading it.
 *
 * The consumer API (bpfvm_ring_buffer_*) follows libbpf's ring_buffer__*.
 * Producers wake sleeping consumers through one process-wide condition
 * variable, and only when Linux would (the consumer has caught up, or
 * BPF_RB_FORCE_WAKEUP): waking is rare and waiters recheck their rings. */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "maps/map.h"
#include "maps/wake.h"
#include "util/error.h"

#define RB_BUSY_BIT (1u << 31)
#define RB_DISCARD_BIT (1u << 30)
#define RB_HDR_SZ 8

struct rb_hdr {
	_Atomic uint32_t len;
	uint32_t off8; /* offset of the header in the ring, in 8-byte units */
};

struct bpfvm_ringbuf {
	struct bpfvm_map map;
	uint32_t lock;
	_Atomic uint64_t consumer_pos;
	_Atomic uint64_t producer_pos;
	uint64_t mask;
	char *data;     /* the ring, mapped twice; the page before holds a back pointer */
	void *mapping;
	size_t mapping_len;
};

static struct bpfvm_ringbuf *to_rb(struct bpfvm_map *map)
{
	return (struct bpfvm_ringbuf *)map;
}

/* The wake-up channel shared by every ring buffer. */
static struct bpfvm_wake wake = BPFVM_WAKE_INIT;

static int rb_check(const struct bpfvm_map_create_opts *o)
{
	long page = sysconf(_SC_PAGESIZE);

	if (o->key_size || o->value_size || (o->map_flags & ~BPFVM_F_NUMA_NODE) ||
	    !o->max_entries || (o->max_entries & (o->max_entries - 1)) ||
	    o->max_entries % (uint32_t)page)
		return bpfvm_errorf(-EINVAL, "ring buffers need key_size and value_size 0, no "
				    "flags, and max_entries a power of 2 and a multiple of the "
				    "page size %ld (got %u)", page, o->max_entries);
	return 0;
}

static int rb_create(struct bpfvm_map **out, const struct bpfvm_map_create_opts *o)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE), size = o->max_entries;
	struct bpfvm_ringbuf *rb = calloc(1, sizeof(*rb));
	char *base = MAP_FAILED;
	int fd = -1;

	if (!rb)
		goto nomem;
	rb->mapping_len = page + 2 * size;
	fd = memfd_create("bpfvm-ringbuf", MFD_CLOEXEC);
	if (fd < 0 || ftruncate(fd, (off_t)size))
		goto nomem;
	base = mmap(NULL, rb->mapping_len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
		    -1, 0);
	if (base == MAP_FAILED)
		goto nomem;
	if (mmap(base + page, size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED, fd, 0) ==
		    MAP_FAILED ||
	    mmap(base + page + size, size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED, fd, 0) ==
		    MAP_FAILED)
		goto nomem;
	close(fd);
	bpfvm_map_init(&rb->map, o);
	rb->mapping = base;
	rb->data = base + page;
	rb->mask = size - 1;
	memcpy(rb->data - sizeof(rb), &rb, sizeof(rb));
	*out = &rb->map;
	return 0;
nomem:
	if (base != MAP_FAILED)
		munmap(base, rb->mapping_len);
	if (fd >= 0)
		close(fd);
	free(rb);
	return bpfvm_errorf(-ENOMEM, "cannot map ring buffer '%s' of %u bytes",
			    o->name ? o->name : "", o->max_entries);
}

static void rb_free(struct bpfvm_map *map)
{
	struct bpfvm_ringbuf *rb = to_rb(map);

	munmap(rb->mapping, rb->mapping_len);
	free(rb);
}

void *bpfvm_ringbuf_reserve(struct bpfvm_map *map, uint64_t size, uint64_t flags)
{
	struct bpfvm_ringbuf *rb = to_rb(map);
	uint64_t len, cons, prod;
	struct rb_hdr *hdr;

	if (flags || map->type != BPFVM_MAP_TYPE_RINGBUF || size > RB_BUSY_BIT - RB_HDR_SZ - 8)
		return NULL;
	len = (size + RB_HDR_SZ + 7) & ~7ull;
	if (len > rb->mask + 1)
		return NULL;
	cons = atomic_load_explicit(&rb->consumer_pos, memory_order_acquire);
	bpfvm_spin_lock(&rb->lock);
	prod = atomic_load_explicit(&rb->producer_pos, memory_order_relaxed);
	if (prod + len - cons > rb->mask) {
		bpfvm_spin_unlock(&rb->lock);
		return NULL;
	}
	hdr = (struct rb_hdr *)(rb->data + (prod & rb->mask));
	atomic_store_explicit(&hdr->len, (uint32_t)size | RB_BUSY_BIT, memory_order_relaxed);
	hdr->off8 = (uint32_t)((prod & rb->mask) / 8);
	atomic_store_explicit(&rb->producer_pos, prod + len, memory_order_release);
	bpfvm_spin_unlock(&rb->lock);
	return hdr + 1;
}

void bpfvm_ringbuf_submit(void *sample, uint64_t flags, bool discard)
{
	struct rb_hdr *hdr = (struct rb_hdr *)sample - 1;
	uint64_t rec_pos = (uint64_t)hdr->off8 * 8, cons;
	char *data = (char *)hdr - rec_pos;
	struct bpfvm_ringbuf *rb;
	uint32_t len;

	/* Everything about the record is read before the commit: after it the
	 * consumer may release the space to other producers. */
	memcpy(&rb, data - sizeof(rb), sizeof(rb));
	len = atomic_load_explicit(&hdr->len, memory_order_relaxed) & ~RB_BUSY_BIT;
	if (discard)
		len |= RB_DISCARD_BIT;
	atomic_exchange(&hdr->len, len);
	cons = atomic_load_explicit(&rb->consumer_pos, memory_order_acquire) & rb->mask;
	if ((flags & BPFVM_RB_FORCE_WAKEUP) ||
	    (cons == rec_pos && !(flags & BPFVM_RB_NO_WAKEUP)))
		bpfvm_wake_signal(&wake);
}

long bpfvm_ringbuf_output(struct bpfvm_map *map, const void *data, uint64_t size,
			  uint64_t flags)
{
	void *rec;

	if (flags & ~(uint64_t)(BPFVM_RB_NO_WAKEUP | BPFVM_RB_FORCE_WAKEUP))
		return -EINVAL;
	rec = bpfvm_ringbuf_reserve(map, size, 0);
	if (!rec)
		return -EAGAIN;
	memcpy(rec, data, size);
	bpfvm_ringbuf_submit(rec, flags, false);
	return 0;
}

uint64_t bpfvm_ringbuf_query(struct bpfvm_map *map, uint64_t flags)
{
	struct bpfvm_ringbuf *rb = to_rb(map);
	uint64_t cons = atomic_load_explicit(&rb->consumer_pos, memory_order_acquire);
	uint64_t prod = atomic_load_explicit(&rb->producer_pos, memory_order_acquire);

	switch (flags) {
	case BPFVM_RB_AVAIL_DATA: return prod - cons;
	case BPFVM_RB_RING_SIZE: return rb->mask + 1;
	case BPFVM_RB_CONS_POS: return cons;
	case BPFVM_RB_PROD_POS: return prod;
	default: return 0;
	}
}

const struct bpfvm_map_ops bpfvm_ringbuf_ops = {
	.check = rb_check,
	.create = rb_create,
	.free = rb_free,
};

/* The consumer side. */

struct ring {
	struct bpfvm_ringbuf *rb;
	bpfvm_ring_buffer_sample_fn fn;
	void *ctx;
};

struct bpfvm_ring_buffer {
	struct ring *rings;
	uint32_t cnt;
};

struct bpfvm_ring_buffer *bpfvm_ring_buffer_new(struct bpfvm_map *ringbuf,
						bpfvm_ring_buffer_sample_fn fn, void *ctx)
{
	struct bpfvm_ring_buffer *r = calloc(1, sizeof(*r));

	if (!r) {
		bpfvm_errorf(-ENOMEM, "out of memory");
		return NULL;
	}
	if (bpfvm_ring_buffer_add(r, ringbuf, fn, ctx)) {
		free(r);
		return NULL;
	}
	return r;
}

int bpfvm_ring_buffer_add(struct bpfvm_ring_buffer *r, struct bpfvm_map *ringbuf,
			  bpfvm_ring_buffer_sample_fn fn, void *ctx)
{
	struct ring *rings;

	if (ringbuf->type != BPFVM_MAP_TYPE_RINGBUF)
		return bpfvm_errorf(-EINVAL, "map '%s' is not a ring buffer", ringbuf->name);
	rings = realloc(r->rings, (r->cnt + 1) * sizeof(*rings));
	if (!rings)
		return bpfvm_errorf(-ENOMEM, "out of memory");
	rings[r->cnt++] = (struct ring){ to_rb(ringbuf), fn, ctx };
	r->rings = rings;
	return 0;
}

void bpfvm_ring_buffer_free(struct bpfvm_ring_buffer *r)
{
	if (!r)
		return;
	free(r->rings);
	free(r);
}

/* Consumes every committed record of one ring; the count or the callback's
 * negative answer. */
static int64_t consume_ring(struct ring *ring)
{
	struct bpfvm_ringbuf *rb = ring->rb;
	uint64_t cons = atomic_load_explicit(&rb->consumer_pos, memory_order_acquire), prod;
	int64_t cnt = 0;
	bool progress;

	do {
		progress = false;
		prod = atomic_load_explicit(&rb->producer_pos, memory_order_acquire);
		while (cons < prod) {
			struct rb_hdr *hdr = (struct rb_hdr *)(rb->data + (cons & rb->mask));
			uint32_t len = atomic_load_explicit(&hdr->len, memory_order_acquire);
			int err;

			if (len & RB_BUSY_BIT)
				return cnt;
			progress = true;
			cons += ((len & ~RB_DISCARD_BIT) + RB_HDR_SZ + 7) & ~7ull;
			if (!(len & RB_DISCARD_BIT)) {
				err = ring->fn(ring->ctx, hdr + 1, len & ~RB_DISCARD_BIT);
				if (err < 0) {
					atomic_store_explicit(&rb->consumer_pos, cons,
							      memory_order_release);
					return err;
				}
				cnt++;
			}
			atomic_store_explicit(&rb->consumer_pos, cons, memory_order_release);
		}
	} while (progress);
	return cnt;
}

int bpfvm_ring_buffer_consume(struct bpfvm_ring_buffer *r)
{
	int64_t total = 0, n;
	uint32_t i;

	for (i = 0; i < r->cnt; i++) {
		n = consume_ring(&r->rings[i]);
		if (n < 0)
			return (int)n;
		total += n;
	}
	return total > INT32_MAX ? INT32_MAX : (int)total;
}

static bool has_data(struct bpfvm_ring_buffer *r)
{
	uint32_t i;

	for (i = 0; i < r->cnt; i++) {
		struct bpfvm_ringbuf *rb = r->rings[i].rb;
		uint64_t cons = atomic_load(&rb->consumer_pos);
		struct rb_hdr *hdr = (struct rb_hdr *)(rb->data + (cons & rb->mask));

		if (cons < atomic_load(&rb->producer_pos) && !(atomic_load(&hdr->len) & RB_BUSY_BIT))
			return true;
	}
	return false;
}

static bool ring_ready(void *r)
{
	return has_data(r);
}

int bpfvm_ring_buffer_poll(struct bpfvm_ring_buffer *r, int timeout_ms)
{
	int n = bpfvm_ring_buffer_consume(r);

	if (n || !timeout_ms)
		return n;
	bpfvm_wake_wait(&wake, timeout_ms, ring_ready, r);
	return bpfvm_ring_buffer_consume(r);
}
