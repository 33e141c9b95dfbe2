/* Helpers called from eBPF programs, on each engine: map helpers, bpf_loop
 * and for_each_map_elem with their callbacks, tail calls through a prog
 * array, ring buffer records and trace_printk. Programs are written in the
 * conformance suite's assembler; a map is the `struct bpfvm_map *` its lddw
 * loads, as the loader rewrites it. */
#include <errno.h>
#include <stdarg.h>
#include <unistd.h>

#include "bpfvm/bpfvm.h"
#include "test.h"

static enum bpfvm_engine engine;

static struct bpfvm_exec *build(const char *fmt, ...)
{
	struct bpfvm_exec_opts opts = { .sz = sizeof(opts), .engine = engine,
					.resolve_helper = bpfvm_helper_resolve };
	struct bpfvm_insn *insns;
	struct bpfvm_exec *exec = NULL;
	char text[4096];
	uint32_t cnt;
	va_list ap;
	int err;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	err = bpfvm_asm(text, &insns, &cnt);
	CHECK_EQ_U64(err, 0);
	if (err) {
		fprintf(stderr, "%s\n", bpfvm_last_error());
		return NULL;
	}
	err = bpfvm_exec_create(insns, cnt, &opts, &exec);
	free(insns);
	CHECK_EQ_U64(err, 0);
	if (err)
		fprintf(stderr, "%s\n", bpfvm_last_error());
	return exec;
}

static uint64_t run(struct bpfvm_exec *exec, void *ctx)
{
	struct bpfvm_run r = { 0 };
	uint64_t ret;

	if (!exec)
		return UINT64_MAX;
	ret = bpfvm_exec_run(exec, ctx, &r);
	CHECK_EQ_U64(r.error, 0);
	return ret;
}

static struct bpfvm_map *make(uint32_t type, uint32_t ks, uint32_t vs, uint32_t max)
{
	struct bpfvm_map_create_opts o = { .sz = sizeof(o), .map_type = type, .key_size = ks,
					   .value_size = vs, .max_entries = max };
	struct bpfvm_map *m = NULL;

	CHECK_EQ_U64(bpfvm_map_create(&o, &m), 0);
	return m;
}

/* Looks key 3 up; on a miss inserts 100 and looks again; adds 1 atomically. */
static void test_map_helpers(void)
{
	struct bpfvm_map *h = make(BPFVM_MAP_TYPE_HASH, 4, 8, 16);
	struct bpfvm_exec *p = build(
		"stw [%%r10-4], 3\n"
		"lddw %%r1, %#llx\n"
		"mov %%r2, %%r10\n"
		"add %%r2, -4\n"
		"call 1\n"
		"jne %%r0, 0, found\n"
		"stdw [%%r10-16], 100\n"
		"lddw %%r1, %#llx\n"
		"mov %%r2, %%r10\n"
		"add %%r2, -4\n"
		"mov %%r3, %%r10\n"
		"add %%r3, -16\n"
		"mov %%r4, 1\n"
		"call 2\n"
		"jne %%r0, 0, fail\n"
		"lddw %%r1, %#llx\n"
		"mov %%r2, %%r10\n"
		"add %%r2, -4\n"
		"call 1\n"
		"jeq %%r0, 0, fail\n"
		"found:\n"
		"mov %%r1, 1\n"
		"lock add [%%r0], %%r1\n"
		"ldxdw %%r0, [%%r0]\n"
		"exit\n"
		"fail:\n"
		"mov %%r0, -1\n"
		"exit\n",
		(unsigned long long)(uintptr_t)h, (unsigned long long)(uintptr_t)h,
		(unsigned long long)(uintptr_t)h);
	uint32_t k = 3;
	uint64_t v;

	CHECK_EQ_U64(run(p, NULL), 101);
	CHECK_EQ_U64(run(p, NULL), 102);
	CHECK_EQ_U64(bpfvm_map_lookup_elem(h, &k, &v), 0);
	CHECK_EQ_U64(v, 102);
	bpfvm_exec_free(p);
	bpfvm_map_free(h);
}

/* bpf_loop(10, cb, &sum, 0) where cb adds i and stops after i == 6. */
static void test_loop(void)
{
	struct bpfvm_exec *p = build(
		"stdw [%%r10-8], 0\n"
		"mov %%r1, 10\n"
		"ld_func %%r2, cb\n"
		"mov %%r3, %%r10\n"
		"add %%r3, -8\n"
		"mov %%r4, 0\n"
		"call 181\n"
		"ldxdw %%r1, [%%r10-8]\n"
		"mul %%r1, 1000\n"
		"add %%r0, %%r1\n"
		"exit\n"
		"cb:\n"
		"ldxdw %%r3, [%%r2]\n"
		"add %%r3, %%r1\n"
		"stxdw [%%r2], %%r3\n"
		"mov %%r0, 0\n"
		"jne %%r1, 6, out\n"
		"mov %%r0, 1\n"
		"out:\n"
		"exit\n");
	struct bpfvm_exec *bad = build(
		"mov %%r1, 10\n"
		"ld_func %%r2, cb\n"
		"mov %%r3, 0\n"
		"mov %%r4, 1\n"
		"call 181\n"
		"exit\n"
		"cb:\n"
		"mov %%r0, 0\n"
		"exit\n");
	struct bpfvm_exec *big = build(
		"lddw %%r1, 0x800001\n"
		"ld_func %%r2, cb\n"
		"mov %%r3, 0\n"
		"mov %%r4, 0\n"
		"call 181\n"
		"exit\n"
		"cb:\n"
		"mov %%r0, 0\n"
		"exit\n");

	CHECK_EQ_U64(run(p, NULL), 21 * 1000 + 7);
	CHECK_EQ_U64(run(bad, NULL), (uint64_t)-EINVAL);
	CHECK_EQ_U64(run(big, NULL), (uint64_t)-E2BIG);
	bpfvm_exec_free(p);
	bpfvm_exec_free(bad);
	bpfvm_exec_free(big);
}

/* Sums every value of the map through for_each_map_elem. */
static void test_for_each(uint32_t type)
{
	struct bpfvm_map *m = make(type, 4, 8, 4);
	struct bpfvm_exec *p = build(
		"stdw [%%r10-8], 0\n"
		"lddw %%r1, %#llx\n"
		"ld_func %%r2, cb\n"
		"mov %%r3, %%r10\n"
		"add %%r3, -8\n"
		"mov %%r4, 0\n"
		"call 164\n"
		"ldxdw %%r1, [%%r10-8]\n"
		"mul %%r1, 1000\n"
		"add %%r0, %%r1\n"
		"exit\n"
		"cb:\n"
		"ldxdw %%r0, [%%r3]\n"
		"ldxdw %%r1, [%%r4]\n"
		"add %%r1, %%r0\n"
		"stxdw [%%r4], %%r1\n"
		"mov %%r0, 0\n"
		"exit\n",
		(unsigned long long)(uintptr_t)m);
	uint32_t k;

	for (k = 0; k < 4; k++) {
		/* Per-CPU maps take a value for every CPU. */
		uint64_t v[256];
		int c;

		for (c = 0; c < bpfvm_num_possible_cpus() && c < 256; c++)
			v[c] = k + 1;
		CHECK_EQ_U64(bpfvm_map_update_elem(m, &k, v, BPFVM_ANY), 0);
	}
	CHECK_EQ_U64(run(p, NULL), 10 * 1000 + 4);
	bpfvm_exec_free(p);
	bpfvm_map_free(m);
}

/* Program A tail-calls slot r6 of the prog array; B returns 42. */
static void test_tail_call(void)
{
	struct bpfvm_map *pa = make(BPFVM_MAP_TYPE_PROG_ARRAY, 4, 4, 4);
	struct bpfvm_exec *b = build("mov %%r0, 42\nexit\n");
	struct bpfvm_exec *a = build(
		"ldxw %%r3, [%%r1]\n"
		"lddw %%r2, %#llx\n"
		"call 12\n"
		"mov %%r0, 7\n"
		"exit\n",
		(unsigned long long)(uintptr_t)pa);
	uint32_t k = 1, slot;

	CHECK_EQ_U64(bpfvm_map_update_prog(pa, &k, b, BPFVM_ANY), 0);
	slot = 1;
	CHECK_EQ_U64(run(a, &slot), 42);
	slot = 2;
	CHECK_EQ_U64(run(a, &slot), 7);
	slot = 100;
	CHECK_EQ_U64(run(a, &slot), 7);
	CHECK_EQ_U64(bpfvm_map_delete_elem(pa, &k), 0);
	slot = 1;
	CHECK_EQ_U64(run(a, &slot), 7);
	bpfvm_exec_free(a);
	bpfvm_exec_free(b);
	bpfvm_map_free(pa);
}

static int got_record(void *ctx, void *data, size_t size)
{
	uint64_t *out = ctx;

	if (size == 8)
		memcpy(out, data, 8);
	return 0;
}

static char printed[256];

static void sink(void *ctx, const char *msg, size_t len)
{
	snprintf(printed, sizeof(printed), "%.*s", (int)len, msg);
}

/* Reserves a record, writes 0x55, submits it; then prints "n=%d\n". */
static void test_ringbuf_printk(void)
{
	struct bpfvm_map *rb = make(BPFVM_MAP_TYPE_RINGBUF, 0, 0, (uint32_t)sysconf(_SC_PAGESIZE));
	struct bpfvm_exec *p = build(
		"lddw %%r1, %#llx\n"
		"mov %%r2, 8\n"
		"mov %%r3, 0\n"
		"call 131\n"
		"jeq %%r0, 0, fail\n"
		"stdw [%%r0], 0x55\n"
		"mov %%r1, %%r0\n"
		"mov %%r2, 0\n"
		"call 132\n"
		"stw [%%r10-8], 0x64253d6e\n"
		"stw [%%r10-4], 0x0a\n"
		"mov %%r1, %%r10\n"
		"add %%r1, -8\n"
		"mov %%r2, 6\n"
		"mov %%r3, 12\n"
		"call 6\n"
		"exit\n"
		"fail:\n"
		"mov %%r0, -1\n"
		"exit\n",
		(unsigned long long)(uintptr_t)rb);
	struct bpfvm_ring_buffer *c;
	uint64_t rec = 0;

	c = bpfvm_ring_buffer_new(rb, got_record, &rec);
	bpfvm_set_trace_printk(sink, NULL);
	CHECK_EQ_U64(run(p, NULL), 5);
	bpfvm_set_trace_printk(NULL, NULL);
	CHECK_STR(printed, "n=12\n");
	CHECK_EQ_U64(bpfvm_ring_buffer_consume(c), 1);
	CHECK_EQ_U64(rec, 0x55);
	bpfvm_ring_buffer_free(c);
	bpfvm_exec_free(p);
	bpfvm_map_free(rb);
}

int main(void)
{
	static const enum bpfvm_engine engines[] = { BPFVM_ENGINE_INTERP, BPFVM_ENGINE_JIT };
	size_t i;

	for (i = 0; i < sizeof(engines) / sizeof(engines[0]); i++) {
		struct bpfvm_insn ret[2] = { { .code = 0xb7 }, { .code = 0x95 } };
		struct bpfvm_exec_opts o = { .sz = sizeof(o), .engine = engines[i] };
		struct bpfvm_exec *probe;

		if (bpfvm_exec_create(ret, 2, &o, &probe)) {
			printf("engine %d not available here\n", engines[i]);
			continue;
		}
		bpfvm_exec_free(probe);
		engine = engines[i];
		test_map_helpers();
		test_loop();
		test_for_each(BPFVM_MAP_TYPE_ARRAY);
		test_for_each(BPFVM_MAP_TYPE_HASH);
		test_for_each(BPFVM_MAP_TYPE_PERCPU_ARRAY);
		test_tail_call();
		test_ringbuf_printk();
	}
	return test_exit();
}
