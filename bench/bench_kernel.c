/* bench_kernel: bpfvm's JIT and interpreter side by side with the Linux
 * kernel's JIT, on the same clang-built programs (bench/progs/), the same
 * packets and the same map contents. The kernel loads them with libbpf and
 * runs BPF_PROG_TEST_RUN with a repeat count; bpfvm loads them with
 * bpfvm_object_load (verified, context accesses rewritten, maps created) and
 * runs bpfvm_prog_test_run with a repeat count, the same shape.
 * The kernel's figure is its own measure (test_run's `duration`, which leaves
 * out the time its loop spent rescheduled), best of several trials; the wall
 * clock around the syscall is printed beside it. bpfvm's figure is the same
 * kind of measure: the thread's CPU time around bpfvm_prog_test_run (which
 * leaves out the time the thread was not running), median of ten times as
 * many trials, each a tenth as long.
 *
 *   bench_kernel [--trials N] [--scale F] [PROGRAM...]
 *
 * Without libbpf at build time, or where the kernel refuses BPF (no root, no
 * BPF, JIT disabled), the kernel column says why and bpfvm still runs. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bpfvm/bpfvm.h"

#ifdef BPFVM_HAVE_LIBBPF
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#endif

/* Map contents set before the runs, the same in the kernel and in bpfvm. */
struct fill {
	const char *map;
	uint32_t count;
	uint32_t key_size, value_size;
	void (*gen)(uint32_t i, void *key, void *value);
};

struct bench {
	const char *name; /* program name, and its object is bench/progs/NAME.o */
	size_t pkt_len;
	uint32_t repeat;  /* runs per trial at --scale 1 */
	struct fill fill;
};

static void gen_table(uint32_t i, void *key, void *value)
{
	uint64_t v = (uint64_t)i * 3 + 1;

	memcpy(key, &i, 4);
	memcpy(value, &v, 8);
}

/* Routes 10.<i / 16>.<i % 16>.0/24, as bench/progs/lookup_lpm.c looks them up. */
static void gen_route(uint32_t i, void *key, void *value)
{
	const uint8_t k[8] = { 24, 0, 0, 0, 10, (uint8_t)(i >> 4), (uint8_t)(i & 15), 0 };
	uint64_t v = (uint64_t)i * 3 + 1;

	memcpy(key, k, sizeof(k));
	memcpy(value, &v, 8);
}

/* Flows to 10.0.<i>.2, port 4789, action XDP_TX; i = 0 is the packet's. */
static void gen_flow(uint32_t i, void *key, void *value)
{
	const uint8_t k[8] = { 10, 0, (uint8_t)i, 2, 0x12, 0xb5, 0, 0 };
	uint32_t action = 3;

	memcpy(key, k, 8);
	memcpy(value, &action, 4);
}

static const struct bench benches[] = {
	{ "xdp_empty", 64, 5000000, { 0 } },
	{ "alu_loop", 64, 3000, { 0 } },
	{ "checksum", 1500, 200000, { 0 } },
	{ "parse_udp", 64, 5000000, { 0 } },
	{ "parse_udp_map", 64, 3000000, { "flows", 200, 8, 4, gen_flow } },
	{ "lookup_array", 64, 200000, { "table", 256, 4, 8, gen_table } },
	{ "lookup_hash", 64, 50000, { "table", 256, 4, 8, gen_table } },
	{ "lookup_lru", 64, 50000, { "table", 256, 4, 8, gen_table } },
	{ "lookup_lpm", 64, 20000, { "routes", 256, 8, 8, gen_route } },
};

struct result {
	bool ok;
	double ns;
	double wall_ns; /* the kernel's wall clock per run */
	uint32_t retval;
	char why[160];
};

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

/* Ethernet + IPv4 + UDP to port 4789 (the parser's longest path), padded
 * with a byte pattern to `len`. */
static void make_packet(uint8_t *p, size_t len)
{
	static const uint8_t hdr[42] = {
		0x02, 0, 0, 0, 0, 2, 0x02, 0, 0, 0, 0, 1, 0x08, 0x00,   /* eth, IPv4 */
		0x45, 0, 0, 28, 0, 1, 0, 0, 64, 17, 0, 0,               /* ip, UDP */
		10, 0, 0, 1, 10, 0, 0, 2,
		0x30, 0x39, 0x12, 0xb5, 0, 8, 0, 0,                     /* udp 12345 -> 4789 */
	};

	for (size_t i = 0; i < len; i++)
		p[i] = (uint8_t)(i * 7 + 3);
	memcpy(p, hdr, len < sizeof(hdr) ? len : sizeof(hdr));
}

/* ------------------------------------------------------------- the kernel */

#ifdef BPFVM_HAVE_LIBBPF
static int quiet(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	return 0;
}

static void kernel_run(const char *path, const struct bench *b, uint8_t *pkt, uint32_t repeat,
		       int trials, struct result *r)
{
	struct bpf_object *obj;
	struct bpf_program *prog;
	int err, fd;

	libbpf_set_print(quiet);
	obj = bpf_object__open_file(path, NULL);
	if (!obj) {
		snprintf(r->why, sizeof(r->why), "open: %s", strerror(errno));
		return;
	}
	prog = bpf_object__find_program_by_name(obj, b->name);
	if (!prog || (err = bpf_object__load(obj))) {
		snprintf(r->why, sizeof(r->why), "load: %s", prog ? strerror(-err) : "no program");
		bpf_object__close(obj);
		return;
	}
	if (b->fill.map) {
		struct bpf_map *map = bpf_object__find_map_by_name(obj, b->fill.map);
		uint8_t key[64], value[64];

		for (uint32_t i = 0; map && i < b->fill.count; i++) {
			b->fill.gen(i, key, value);
			bpf_map_update_elem(bpf_map__fd(map), key, value, BPF_ANY);
		}
	}
	fd = bpf_program__fd(prog);
	r->ns = 1e18;
	for (int t = 0; t < trials; t++) {
		LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = pkt, .data_size_in = (uint32_t)b->pkt_len,
			    .repeat = repeat);
		double t0 = now_ns(), dt;

		if ((err = bpf_prog_test_run_opts(fd, &o))) {
			snprintf(r->why, sizeof(r->why), "test run: %s", strerror(errno));
			bpf_object__close(obj);
			return;
		}
		dt = (now_ns() - t0) / repeat;
		if (dt < r->wall_ns || !t)
			r->wall_ns = dt;
		if (o.duration < r->ns)
			r->ns = o.duration;
		r->retval = o.retval;
	}
	r->ok = true;
	bpf_object__close(obj);
}

static void jit_status(void)
{
	FILE *f = fopen("/proc/sys/net/core/bpf_jit_enable", "r");
	int v = -1;

	if (f) {
		if (fscanf(f, "%d", &v) != 1)
			v = -1;
		fclose(f);
	}
	printf("kernel: net.core.bpf_jit_enable = %d%s\n", v,
	       v == 1 ? "" : " (the kernel column is not its JIT!)");
}
#else
static void kernel_run(const char *path, const struct bench *b, uint8_t *pkt, uint32_t repeat,
		       int trials, struct result *r)
{
	snprintf(r->why, sizeof(r->why), "built without libbpf");
}

static void jit_status(void)
{
}
#endif

/* ------------------------------------------------------------- bpfvm */

static double thread_cpu_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* bpfvm as a user of the library would run it: the object loaded (maps
 * created, the program verified and its context accesses rewritten), the
 * maps filled, and BPF_PROG_TEST_RUN with a repeat count. */
static void bpfvm_bench(const char *path, const struct bench *b, enum bpfvm_engine engine,
			uint8_t *pkt, uint32_t repeat, int trials, struct result *r)
{
	struct bpfvm_instance_opts opts = { .sz = sizeof(opts), .engine = engine };
	struct bpfvm_object *obj = NULL;
	struct bpfvm_instance *inst = NULL;
	struct bpfvm_prog *prog;
	double *samples = NULL;

	if (bpfvm_object_open(path, NULL, &obj) || bpfvm_object_load(obj, &opts, &inst)) {
		snprintf(r->why, sizeof(r->why), "%s", bpfvm_last_error());
		goto out;
	}
	prog = bpfvm_instance_prog(inst, b->name);
	if (!prog) {
		snprintf(r->why, sizeof(r->why), "no program %s", b->name);
		goto out;
	}
	if (b->fill.map) {
		struct bpfvm_map *map = bpfvm_instance_find_map(inst, b->fill.map);
		uint8_t key[64], value[64];

		for (uint32_t i = 0; map && i < b->fill.count; i++) {
			b->fill.gen(i, key, value);
			bpfvm_map_update_elem(map, key, value, BPFVM_ANY);
		}
	}
	samples = calloc((size_t)trials * 10, sizeof(*samples));
	if (!samples) {
		snprintf(r->why, sizeof(r->why), "out of memory");
		goto out;
	}
	repeat = repeat / 10 + 1;
	for (int t = 0; t < trials * 10; t++) {
		struct bpfvm_test_run_opts o = { .sz = sizeof(o), .data_in = pkt,
						 .data_size_in = (uint32_t)b->pkt_len,
						 .repeat = repeat };
		double t0 = thread_cpu_ns();

		if (bpfvm_prog_test_run(prog, &o)) {
			snprintf(r->why, sizeof(r->why), "%s", bpfvm_last_error());
			goto out;
		}
		samples[t] = (thread_cpu_ns() - t0) / repeat;
		r->retval = o.retval;
	}
	qsort(samples, (size_t)trials * 10, sizeof(*samples), cmp_double);
	r->ns = samples[trials * 5];
	r->ok = true;
out:
	free(samples);
	bpfvm_instance_free(inst);
	bpfvm_object_free(obj);
}

static void print_cell(const struct result *r, const struct result *kernel)
{
	if (!r->ok)
		printf(" %22s", "-");
	else if (kernel->ok)
		printf(" %12.2f (%5.2fx)", r->ns, r->ns / kernel->ns);
	else
		printf(" %12.2f        ", r->ns);
}

int main(int argc, char **argv)
{
	int trials = 5, worst = 0, compared = 0, faster = 0;
	double scale = 1;
	const char *only[16];
	int n_only = 0;

	for (int a = 1; a < argc; a++) {
		if (!strcmp(argv[a], "--trials") && a + 1 < argc)
			trials = atoi(argv[++a]);
		else if (!strcmp(argv[a], "--scale") && a + 1 < argc)
			scale = strtod(argv[++a], NULL);
		else if (argv[a][0] != '-' && n_only < 16)
			only[n_only++] = argv[a];
		else {
			fprintf(stderr, "usage: bench_kernel [--trials N] [--scale F] [PROGRAM...]\n");
			return 2;
		}
	}
	jit_status();
	printf("ns per run; kernel: test_run's duration (wall clock in parentheses); bpfvm: "
	       "CPU time\n");
	printf("%-13s %16s %22s %22s  %s\n", "program", "kernel JIT",
	       "bpfvm JIT (ratio)", "bpfvm interp (ratio)", "retval");
	for (size_t k = 0; k < sizeof(benches) / sizeof(benches[0]); k++) {
		const struct bench *b = &benches[k];
		struct result kern = { 0 }, jit = { 0 }, interp = { 0 };
		uint32_t repeat = (uint32_t)(b->repeat * scale) + 1;
		char path[4096];
		uint8_t *pkt;
		bool selected = !n_only;

		for (int o = 0; o < n_only; o++)
			selected |= !strcmp(only[o], b->name);
		if (!selected)
			continue;
		snprintf(path, sizeof(path), "%s/%s.o", BPFVM_BENCH_PROGS, b->name);
		pkt = malloc(b->pkt_len);
		if (!pkt)
			return 1;
		make_packet(pkt, b->pkt_len);
		kernel_run(path, b, pkt, repeat, trials, &kern);
		bpfvm_bench(path, b, BPFVM_ENGINE_JIT, pkt, repeat, trials, &jit);
		bpfvm_bench(path, b, BPFVM_ENGINE_INTERP, pkt, repeat / 8 + 1, trials, &interp);
		printf("%-13s", b->name);
		if (kern.ok)
			printf(" %7.0f (%6.0f)", kern.ns, kern.wall_ns);
		else
			printf(" %14s", "-");
		print_cell(&jit, &kern);
		print_cell(&interp, &kern);
		printf("  %u", jit.retval);
		if (kern.ok && (kern.retval != jit.retval || kern.retval != interp.retval)) {
			printf(" MISMATCH (kernel %u, interp %u)", kern.retval, interp.retval);
			worst = 1;
		}
		printf("\n");
		if (kern.ok && jit.ok) {
			compared++;
			faster += jit.ns <= kern.ns;
		}
		if (!kern.ok)
			printf("%-13s   kernel: %s\n", "", kern.why);
		if (!jit.ok || !interp.ok)
			printf("%-13s   bpfvm: %s%s\n", "", jit.why, interp.why);
		free(pkt);
	}
	if (compared)
		printf("bpfvm's JIT took at most the kernel JIT's time on %d of %d programs\n", faster,
		       compared);
	return worst;
}
