/* RINGBUF: creation rules, reserve/submit/discard, output, query, records
 * that wrap around the end of the ring, a full ring refusing reservations,
 * poll with a timeout, and a consumer thread draining while several producer
 * threads write: every record arrives exactly once, intact, in per-producer
 * order. */
#include <errno.h>
#include <pthread.h>
#include <time.h>
#include <unistd.h>

#include "bpfvm/bpfvm.h"
#include "maps/map.h"
#include "test.h"

static struct bpfvm_map *make(uint32_t size, uint32_t ks, int *err)
{
	struct bpfvm_map_create_opts o = { .sz = sizeof(o), .map_type = BPFVM_MAP_TYPE_RINGBUF,
					   .key_size = ks, .max_entries = size, .name = "rb" };
	struct bpfvm_map *m = NULL;

	*err = bpfvm_map_create(&o, &m);
	return m;
}

struct seen {
	uint32_t cnt;
	uint64_t sum;
	size_t last_size;
	uint8_t last[64];
};

static int on_sample(void *ctx, void *data, size_t size)
{
	struct seen *s = ctx;

	s->cnt++;
	s->last_size = size;
	memcpy(s->last, data, size < sizeof(s->last) ? size : sizeof(s->last));
	if (size >= 8) {
		uint64_t v;

		memcpy(&v, data, 8);
		s->sum += v;
	}
	return 0;
}

static void test_basic(void)
{
	long page = sysconf(_SC_PAGESIZE);
	struct bpfvm_ring_buffer *rb;
	struct bpfvm_map *m;
	struct seen seen = { 0 };
	uint64_t v = 5, *rec, *rec2;
	int err, i;

	CHECK(!make((uint32_t)page * 3, 0, &err) && err == -EINVAL);
	CHECK(!make((uint32_t)page / 2, 0, &err) && err == -EINVAL);
	CHECK(!make((uint32_t)page, 4, &err) && err == -EINVAL);
	m = make((uint32_t)page, 0, &err);
	CHECK(m != NULL);
	if (!m)
		return;
	rb = bpfvm_ring_buffer_new(m, on_sample, &seen);
	CHECK(rb != NULL);
	CHECK_EQ_U64(bpfvm_ringbuf_query(m, BPFVM_RB_RING_SIZE), (uint64_t)page);
	CHECK_EQ_U64(bpfvm_ringbuf_query(m, BPFVM_RB_AVAIL_DATA), 0);
	CHECK_EQ_U64(bpfvm_ringbuf_output(m, &v, 8, 0), 0);
	CHECK_EQ_U64(bpfvm_ringbuf_output(m, &v, 8, 4), -EINVAL);
	CHECK_EQ_U64(bpfvm_ringbuf_query(m, BPFVM_RB_AVAIL_DATA), 16);
	CHECK_EQ_U64(bpfvm_ringbuf_query(m, BPFVM_RB_PROD_POS), 16);
	CHECK(bpfvm_ringbuf_reserve(m, 8, 1) == NULL); /* flags must be 0 */
	rec = bpfvm_ringbuf_reserve(m, 8, 0);
	rec2 = bpfvm_ringbuf_reserve(m, 3, 0);
	CHECK(rec && rec2);
	*rec = 100;
	/* A busy record holds back the ones after it. */
	CHECK_EQ_U64(bpfvm_ring_buffer_consume(rb), 1);
	memcpy(rec2, "abc", 3);
	bpfvm_ringbuf_submit(rec2, BPFVM_RB_NO_WAKEUP, false);
	CHECK_EQ_U64(bpfvm_ring_buffer_consume(rb), 0);
	bpfvm_ringbuf_submit(rec, 0, true); /* discarded: skipped */
	CHECK_EQ_U64(bpfvm_ring_buffer_consume(rb), 1);
	CHECK_EQ_U64(seen.last_size, 3);
	CHECK(!memcmp(seen.last, "abc", 3));
	CHECK_EQ_U64(seen.sum, 5);
	CHECK_EQ_U64(bpfvm_ringbuf_query(m, BPFVM_RB_AVAIL_DATA), 0);
	CHECK_EQ_U64(bpfvm_ringbuf_query(m, BPFVM_RB_CONS_POS), 16 + 16 + 16);

	/* Too big, then a full ring. */
	CHECK(bpfvm_ringbuf_reserve(m, (uint64_t)page, 0) == NULL);
	rec = bpfvm_ringbuf_reserve(m, (uint64_t)page - 16, 0);
	CHECK(rec != NULL);
	CHECK(bpfvm_ringbuf_reserve(m, 8, 0) == NULL);
	CHECK_EQ_U64(bpfvm_ringbuf_output(m, &v, 8, 0), -EAGAIN);
	/* This record wraps around the end of the ring: it is still whole. */
	memset(rec, 0x5a, (size_t)page - 16);
	bpfvm_ringbuf_submit(rec, 0, false);
	seen.cnt = 0;
	CHECK_EQ_U64(bpfvm_ring_buffer_poll(rb, 0), 1);
	CHECK_EQ_U64(seen.last_size, (uint64_t)page - 16);
	for (i = 0; i < 64; i++)
		CHECK_EQ_U64(seen.last[i], 0x5a);

	/* Poll times out when there is nothing. */
	{
		struct timespec a, b;
		long ms;

		clock_gettime(CLOCK_MONOTONIC, &a);
		CHECK_EQ_U64(bpfvm_ring_buffer_poll(rb, 50), 0);
		clock_gettime(CLOCK_MONOTONIC, &b);
		ms = (b.tv_sec - a.tv_sec) * 1000 + (b.tv_nsec - a.tv_nsec) / 1000000;
		CHECK(ms >= 45);
	}
	bpfvm_ring_buffer_free(rb);
	bpfvm_map_free(m);
}

enum { PRODUCERS = 3, PER_PRODUCER = 20000 };

struct rec {
	uint32_t producer, seq;
	uint64_t check;
};

struct consumer_state {
	uint32_t next_seq[PRODUCERS];
	uint32_t total, bad;
};

static int on_rec(void *ctx, void *data, size_t size)
{
	struct consumer_state *c = ctx;
	struct rec r;

	if (size != sizeof(r)) {
		c->bad++;
		return 0;
	}
	memcpy(&r, data, sizeof(r));
	if (r.producer >= PRODUCERS || r.seq != c->next_seq[r.producer] ||
	    r.check != ((uint64_t)r.producer << 32 | r.seq) * 2654435761u)
		c->bad++;
	else
		c->next_seq[r.producer]++;
	c->total++;
	return 0;
}

static struct bpfvm_map *shared_rb;

static void *producer(void *arg)
{
	uint32_t id = (uint32_t)(uintptr_t)arg, seq;

	for (seq = 0; seq < PER_PRODUCER; seq++) {
		struct rec r = { id, seq, ((uint64_t)id << 32 | seq) * 2654435761u };
		struct rec *p;

		if (seq % 2) {
			while (bpfvm_ringbuf_output(shared_rb, &r, sizeof(r), 0))
				sched_yield();
			continue;
		}
		while (!(p = bpfvm_ringbuf_reserve(shared_rb, sizeof(r), 0)))
			sched_yield();
		*p = r;
		bpfvm_ringbuf_submit(p, 0, false);
	}
	return NULL;
}

static void test_concurrent(void)
{
	struct consumer_state c = { { 0 }, 0, 0 };
	pthread_t t[PRODUCERS];
	struct bpfvm_ring_buffer *rb;
	int err, i, rounds = 0;

	shared_rb = make(4096, 0, &err);
	CHECK(shared_rb != NULL);
	if (!shared_rb)
		return;
	rb = bpfvm_ring_buffer_new(shared_rb, on_rec, &c);
	for (i = 0; i < PRODUCERS; i++)
		pthread_create(&t[i], NULL, producer, (void *)(uintptr_t)i);
	while (c.total < PRODUCERS * PER_PRODUCER && rounds++ < 1000000)
		if (bpfvm_ring_buffer_poll(rb, 100) < 0)
			break;
	for (i = 0; i < PRODUCERS; i++)
		pthread_join(t[i], NULL);
	CHECK_EQ_U64(c.total, PRODUCERS * PER_PRODUCER);
	CHECK_EQ_U64(c.bad, 0);
	bpfvm_ring_buffer_free(rb);
	bpfvm_map_free(shared_rb);
}

int main(void)
{
	test_basic();
	test_concurrent();
	return test_exit();
}
