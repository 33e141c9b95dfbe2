/* BPF_MAP_TYPE_PERF_EVENT_ARRAY with a consumer (bpfvm_perf_buffer_*): the
 * clang-built tests/progs/run_skb_perf.o emits records from tc and XDP through
 * bpf_perf_event_output; with a consumer attached they arrive with Linux's
 * layout (program data, then the packet bytes asked for, padded so that
 * size + 4 is a multiple of 8), records that do not fit are lost and
 * counted, and after the consumer goes the helper fails with -ENOENT again
 * (what run_kernel_diff.sh compares with Linux, where nothing consumes); four
 * threads emit while a consumer polls, and every record arrives or is lost. */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bpfvm/bpfvm.h"
#include "maps/map.h"
#include "test.h"

struct seen {
	int records, cpu;
	uint32_t size;
	uint8_t data[64];
	uint64_t lost;
};

static void on_sample(void *ctx, int cpu, void *data, uint32_t size)
{
	struct seen *s = ctx;

	s->records++;
	s->cpu = cpu;
	s->size = size;
	memcpy(s->data, data, size < sizeof(s->data) ? size : sizeof(s->data));
}

static void on_lost(void *ctx, int cpu, uint64_t cnt)
{
	((struct seen *)ctx)->lost += cnt;
}

static int64_t out_slot(struct bpfvm_instance *inst, uint32_t key)
{
	uint64_t v = 0;

	bpfvm_map_lookup_elem(bpfvm_instance_find_map(inst, "perf_out"), &key, &v);
	return (int64_t)v;
}

static int run(struct bpfvm_instance *inst, const char *prog, const uint8_t *pkt, uint32_t len,
	       uint32_t repeat)
{
	struct bpfvm_test_run_opts o = { .sz = sizeof(o), .data_in = pkt, .data_size_in = len,
					 .repeat = repeat };

	return bpfvm_prog_test_run(bpfvm_instance_prog(inst, prog), &o);
}

static atomic_int producers_done;

struct producer {
	struct bpfvm_instance *inst;
	const uint8_t *pkt;
	uint32_t len;
	int err;
};

static void *produce(void *arg)
{
	struct producer *p = arg;

	p->err = run(p->inst, "tc_emit", p->pkt, p->len, 2000);
	atomic_fetch_add(&producers_done, 1);
	return NULL;
}

/* Several threads emit while a consumer polls: every record either arrives
 * or is counted lost, none twice. */
static void concurrent(struct bpfvm_instance *inst, struct bpfvm_map *events, const uint8_t *pkt,
		       uint32_t len)
{
	struct seen s = { 0 };
	struct producer p[4];
	pthread_t t[4];
	struct bpfvm_perf_buffer *pb = bpfvm_perf_buffer_new(events, 2, on_sample, on_lost, &s);

	CHECK(pb != NULL);
	if (!pb)
		return;
	for (int i = 0; i < 4; i++) {
		p[i] = (struct producer){ inst, pkt, len, 0 };
		pthread_create(&t[i], NULL, produce, &p[i]);
	}
	while (atomic_load(&producers_done) < 4)
		bpfvm_perf_buffer_poll(pb, 1);
	for (int i = 0; i < 4; i++) {
		pthread_join(t[i], NULL);
		CHECK(p[i].err == 0);
	}
	while (bpfvm_perf_buffer_consume(pb) > 0)
		;
	CHECK_EQ_U64(s.records + s.lost, 4 * 2000);
	CHECK(s.records > 0);
	bpfvm_perf_buffer_free(pb);
}

int main(void)
{
	const char *dir = getenv("BPFVM_PROGS"), *skip = getenv("BPFVM_PROGS_SKIP");
	struct bpfvm_object_open_opts oo = { .sz = sizeof(oo) };
	struct bpfvm_instance_opts io = { .sz = sizeof(io) };
	struct bpfvm_object *obj = NULL;
	struct bpfvm_instance *inst = NULL;
	struct bpfvm_perf_buffer *pb;
	struct bpfvm_map *events;
	struct seen s = { 0 };
	uint8_t pkt[60];
	uint64_t data = 0x1122334455667788ull;
	uint32_t xdata = 0xabcdef01;
	char path[4096];

	if (skip && *skip)
		return test_skip(skip);
	if (!dir)
		return test_skip("BPFVM_PROGS is not set");
	snprintf(path, sizeof(path), "%s/run_skb_perf.o", dir);
	for (unsigned i = 0; i < sizeof(pkt); i++)
		pkt[i] = (uint8_t)(i + 1);
	pkt[12] = 0x88, pkt[13] = 0xb5; /* not IP: no header length rules */
	CHECK(bpfvm_object_open(path, &oo, &obj) == 0);
	CHECK(obj && bpfvm_object_load(obj, &io, &inst) == 0);
	if (!inst)
		return test_exit();
	events = bpfvm_instance_find_map(inst, "events");
	CHECK_EQ_U64(bpfvm_map_max_entries(events), (uint64_t)bpfvm_num_possible_cpus());

	CHECK(run(inst, "tc_perf", pkt, sizeof(pkt), 1) == 0);
	CHECK_EQ_U64(out_slot(inst, 0), -ENOENT);

	CHECK(bpfvm_perf_buffer_new(events, 3, on_sample, on_lost, &s) == NULL);
	pb = bpfvm_perf_buffer_new(events, 1, on_sample, on_lost, &s);
	CHECK(pb != NULL);
	if (!pb)
		return test_exit();
	CHECK(bpfvm_perf_buffer_new(events, 1, on_sample, on_lost, &s) == NULL);
	CHECK(run(inst, "tc_perf", pkt, sizeof(pkt), 1) == 0);
	CHECK_EQ_U64(out_slot(inst, 0), 0);
	CHECK_EQ_U64(out_slot(inst, 1), -EINVAL);
	CHECK_EQ_U64(out_slot(inst, 2), -EFAULT);
	CHECK_EQ_U64(out_slot(inst, 3), -E2BIG);
	CHECK_EQ_U64(bpfvm_perf_buffer_poll(pb, 100), 1);
	CHECK_EQ_U64(s.records, 1);
	CHECK_EQ_U64(s.cpu, bpfvm_map_this_cpu());
	CHECK_EQ_U64(s.size, 28); /* 8 + 14 bytes, padded so that 4 + size is 32 */
	CHECK(memcmp(s.data, &data, 8) == 0 && memcmp(s.data + 8, pkt, 14) == 0);
	CHECK(s.data[22] == 0 && s.data[27] == 0);

	s.records = 0;
	CHECK(run(inst, "xdp_perf", pkt, sizeof(pkt), 1) == 0);
	CHECK_EQ_U64(out_slot(inst, 0), 0);
	CHECK_EQ_U64(bpfvm_perf_buffer_consume(pb), 1);
	CHECK_EQ_U64(s.size, 12);
	CHECK(memcmp(s.data, &xdata, 4) == 0 && memcmp(s.data + 4, pkt, 6) == 0);

	/* 40-byte records in a 4096-byte slot: 102 fit, the other 98 are lost. */
	s.records = 0;
	CHECK(run(inst, "tc_perf", pkt, sizeof(pkt), 200) == 0);
	CHECK_EQ_U64(out_slot(inst, 0), -ENOSPC);
	CHECK_EQ_U64(bpfvm_perf_buffer_consume(pb), 102);
	CHECK_EQ_U64(s.lost, 98);
	CHECK_EQ_U64(bpfvm_perf_buffer_poll(pb, 10), 0);

	bpfvm_perf_buffer_free(pb);
	CHECK(run(inst, "tc_perf", pkt, sizeof(pkt), 1) == 0);
	CHECK_EQ_U64(out_slot(inst, 0), -ENOENT);
	concurrent(inst, events, pkt, sizeof(pkt));
	bpfvm_instance_free(inst);
	bpfvm_object_free(obj);
	return test_exit();
}
