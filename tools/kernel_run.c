/* kernel_run: `bpfvm run`'s twin that runs the program in the Linux kernel.
 *
 * The differential tests need the kernel's answer for the same object, packet,
 * context and map contents that bpfvm is given, printed in the same JSON as
 * `bpfvm run --json`, so a script can compare the two field by field. It takes
 * bpfvm run's arguments, opens and loads the object with libbpf, pre-fills the
 * maps, calls BPF_PROG_TEST_RUN and dumps every map afterwards. Nothing is
 * pinned or attached: every kernel object dies with the process.
 *
 *   kernel_run OBJ --prog NAME [--data FILE] [--ctx FILE] [--repeat N]
 *              [--map NAME KEYHEX VALUEHEX]... [--type T] [--json]
 *   kernel_run --probe     exit 0 when the kernel loads and test-runs BPF
 *
 * Exit codes: 0 ran, 2 bad input, 3 the kernel refused (load or test-run),
 * 4 loaded but of a type Linux cannot test-run (cgroup_sock_addr). */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/bpf.h>

#define EXIT_BAD_INPUT 2
#define EXIT_KERNEL 3
#define EXIT_NO_TEST_RUN 4

/* Linux test-run caps packets at a page minus headroom and tailroom for XDP;
 * the output buffer only has to hold what the program can grow it to. */
#define DATA_OUT_MAX (256 * 1024)

struct map_fill {
	const char *name, *key, *value;
};

static bool verbose;

static int fail(int code, const char *fmt, ...)
{
	va_list ap;

	fputs("kernel_run: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return code;
}

static int libbpf_log(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	if (!verbose)
		return 0;
	return vfprintf(stderr, fmt, ap);
}

static int hex_digit(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Hex bytes in memory order into exactly `size` bytes; false on bad text or size. */
static bool parse_hex(const char *text, void *out, size_t size)
{
	unsigned char *p = out;
	size_t n = 0;

	for (const char *s = text; *s;) {
		if (*s == ' ' || *s == ':') {
			s++;
			continue;
		}
		int hi = hex_digit(s[0]), lo = s[1] ? hex_digit(s[1]) : -1;

		if (hi < 0 || lo < 0 || n == size)
			return false;
		p[n++] = (unsigned char)(hi << 4 | lo);
		s += 2;
	}
	return n == size;
}

static void print_hex(const void *data, size_t len)
{
	const unsigned char *p = data;

	putchar('"');
	for (size_t i = 0; i < len; i++)
		printf("%02x", p[i]);
	putchar('"');
}

static int read_file(const char *path, void **data, size_t *len)
{
	FILE *f = fopen(path, "rb");
	unsigned char *buf = NULL;
	size_t n = 0, cap = 0;

	if (!f)
		return -errno;
	for (;;) {
		if (n == cap) {
			unsigned char *nb = realloc(buf, cap = cap ? cap * 2 : 4096);

			if (!nb) {
				free(buf);
				fclose(f);
				return -ENOMEM;
			}
			buf = nb;
		}
		size_t got = fread(buf + n, 1, cap - n, f);

		if (!got)
			break;
		n += got;
	}
	fclose(f);
	*data = buf;
	*len = n;
	return 0;
}

static bool is_percpu(enum bpf_map_type t)
{
	return t == BPF_MAP_TYPE_PERCPU_ARRAY || t == BPF_MAP_TYPE_PERCPU_HASH ||
	       t == BPF_MAP_TYPE_LRU_PERCPU_HASH;
}

/* The bytes user space exchanges with the kernel for one key's value. */
static size_t user_value_size(const struct bpf_map *map, int ncpus)
{
	size_t vs = bpf_map__value_size(map);

	return is_percpu(bpf_map__type(map)) ? ((vs + 7) & ~(size_t)7) * ncpus : vs;
}

static int prefill(struct bpf_object *obj, const struct map_fill *fill, int ncpus)
{
	struct bpf_map *map = bpf_object__find_map_by_name(obj, fill->name);
	enum bpf_map_type type;
	size_t ks, vs, uvs;
	unsigned char *key, *value;
	int err = 0;

	if (!map)
		return fail(EXIT_BAD_INPUT, "--map %s: no such map", fill->name);
	type = bpf_map__type(map);
	ks = bpf_map__key_size(map);
	vs = bpf_map__value_size(map);
	uvs = user_value_size(map, ncpus);
	key = calloc(1, ks + 1);
	value = calloc(1, uvs + 8);
	if (!key || !value) {
		free(key);
		free(value);
		return fail(EXIT_BAD_INPUT, "out of memory");
	}
	if (ks && !parse_hex(fill->key, key, ks)) {
		err = fail(EXIT_BAD_INPUT, "--map %s: key '%s' is not %zu hex bytes", fill->name,
			   fill->key, ks);
		goto out;
	}
	if (type == BPF_MAP_TYPE_PROG_ARRAY) {
		struct bpf_program *p = bpf_object__find_program_by_name(obj, fill->value);
		int fd = p ? bpf_program__fd(p) : -1;

		if (p)
			memcpy(value, &fd, sizeof(fd));
		else if (!parse_hex(fill->value, value, vs)) {
			err = fail(EXIT_BAD_INPUT, "--map %s: '%s' is neither a program nor %zu hex bytes",
				   fill->name, fill->value, vs);
			goto out;
		}
	} else if (type == BPF_MAP_TYPE_ARRAY_OF_MAPS || type == BPF_MAP_TYPE_HASH_OF_MAPS) {
		struct bpf_map *inner = bpf_object__find_map_by_name(obj, fill->value);
		int fd = inner ? bpf_map__fd(inner) : -1;

		if (inner)
			memcpy(value, &fd, sizeof(fd));
		else if (!parse_hex(fill->value, value, vs)) {
			err = fail(EXIT_BAD_INPUT, "--map %s: '%s' is neither a map nor %zu hex bytes",
				   fill->name, fill->value, vs);
			goto out;
		}
	} else if (is_percpu(type)) {
		size_t stride = (vs + 7) & ~(size_t)7;

		if (!parse_hex(fill->value, value, vs)) {
			err = fail(EXIT_BAD_INPUT, "--map %s: value '%s' is not %zu hex bytes",
				   fill->name, fill->value, vs);
			goto out;
		}
		for (int c = 1; c < ncpus; c++)
			memcpy(value + c * stride, value, vs);
	} else if (!parse_hex(fill->value, value, vs)) {
		err = fail(EXIT_BAD_INPUT, "--map %s: value '%s' is not %zu hex bytes", fill->name,
			   fill->value, vs);
		goto out;
	}
	if (type == BPF_MAP_TYPE_QUEUE || type == BPF_MAP_TYPE_STACK)
		err = bpf_map_update_elem(bpf_map__fd(map), NULL, value, BPF_ANY);
	else
		err = bpf_map_update_elem(bpf_map__fd(map), key, value, BPF_ANY);
	if (err)
		err = fail(EXIT_KERNEL, "--map %s %s %s: update failed: %s", fill->name, fill->key,
			   fill->value, strerror(errno));
out:
	free(key);
	free(value);
	return err;
}

static void print_value(const struct bpf_map *map, const unsigned char *v, int ncpus)
{
	size_t vs = bpf_map__value_size(map);

	if (!is_percpu(bpf_map__type(map))) {
		print_hex(v, vs);
		return;
	}
	putchar('[');
	for (int c = 0; c < ncpus; c++) {
		if (c)
			putchar(',');
		print_hex(v + c * ((vs + 7) & ~(size_t)7), vs);
	}
	putchar(']');
}

struct ringbuf_dump {
	bool first;
};

static int ringbuf_record(void *ctx, void *data, size_t size)
{
	struct ringbuf_dump *d = ctx;

	printf("%s[\"\",", d->first ? "" : ",");
	print_hex(data, size);
	putchar(']');
	d->first = false;
	return 0;
}

/* Queues and stacks have no keys: their elements are popped in the order a
 * program would pop them, each as ["", VALUEHEX]. Ring buffers list their
 * unconsumed records the same way. Key-value maps are walked with
 * get_next_key; prog arrays and map-in-maps show the ids the kernel returns. */
static void dump_map(const struct bpf_map *map, int ncpus)
{
	int fd = bpf_map__fd(map);
	enum bpf_map_type type = bpf_map__type(map);
	size_t ks = bpf_map__key_size(map), uvs = user_value_size(map, ncpus);
	unsigned char *key = calloc(1, ks + 1), *next = calloc(1, ks + 1);
	unsigned char *value = calloc(1, uvs + 8);
	bool first = true;

	putchar('[');
	if (!key || !next || !value)
		goto out;
	if (type == BPF_MAP_TYPE_RINGBUF) {
		struct ringbuf_dump d = { .first = true };
		struct ring_buffer *rb = ring_buffer__new(fd, ringbuf_record, &d, NULL);

		if (rb) {
			ring_buffer__consume(rb);
			ring_buffer__free(rb);
		}
		goto out;
	}
	if (type == BPF_MAP_TYPE_QUEUE || type == BPF_MAP_TYPE_STACK) {
		while (!bpf_map_lookup_and_delete_elem(fd, NULL, value)) {
			printf("%s[\"\",", first ? "" : ",");
			print_hex(value, uvs);
			putchar(']');
			first = false;
		}
		goto out;
	}
	if (bpf_map_get_next_key(fd, NULL, next))
		goto out;
	for (;;) {
		memcpy(key, next, ks);
		if (!bpf_map_lookup_elem(fd, key, value)) {
			printf("%s[", first ? "" : ",");
			print_hex(key, ks);
			putchar(',');
			print_value(map, value, ncpus);
			putchar(']');
			first = false;
		}
		if (bpf_map_get_next_key(fd, key, next))
			break;
	}
out:
	putchar(']');
	free(key);
	free(next);
	free(value);
}

static void print_json(struct bpf_object *obj, const struct bpf_test_run_opts *o, int ncpus)
{
	struct bpf_map *map;
	bool first = true;

	printf("{\"retval\": %u, \"data_out\": ", o->retval);
	print_hex(o->data_out, o->data_size_out);
	if (o->ctx_size_out) {
		printf(", \"ctx_out\": ");
		print_hex(o->ctx_out, o->ctx_size_out);
	}
	printf(", \"ns_per_run\": %u, \"maps\": {", o->duration);
	bpf_object__for_each_map(map, obj) {
		printf("%s\"%s\": ", first ? "" : ", ", bpf_map__name(map));
		dump_map(map, ncpus);
		first = false;
	}
	printf("}}\n");
}

static void print_text(const struct bpf_test_run_opts *o)
{
	printf("retval: %u\ndata_out: ", o->retval);
	for (unsigned i = 0; i < o->data_size_out; i++)
		printf("%02x", ((unsigned char *)o->data_out)[i]);
	printf("\nns_per_run: %u\n", o->duration);
}

/* A two-instruction socket filter, loaded and test-run: whether this kernel
 * lets us use BPF at all. */
static int probe(void)
{
	struct bpf_insn insns[] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = 7 },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	unsigned char pkt[64] = { 0 };
	LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = pkt, .data_size_in = sizeof(pkt));
	int fd = bpf_prog_load(BPF_PROG_TYPE_SOCKET_FILTER, "probe", "GPL", insns, 2, NULL);

	if (fd < 0)
		return fail(EXIT_KERNEL, "the kernel refuses BPF programs: %s", strerror(errno));
	if (bpf_prog_test_run_opts(fd, &o) || o.retval != 7) {
		close(fd);
		return fail(EXIT_KERNEL, "the kernel refuses BPF_PROG_TEST_RUN: %s", strerror(errno));
	}
	close(fd);
	return 0;
}

static int usage(void)
{
	return fail(EXIT_BAD_INPUT,
		    "usage: kernel_run OBJ --prog NAME [--data FILE] [--ctx FILE] [--repeat N] "
		    "[--map NAME KEYHEX VALUEHEX]... [--type T] [--json] | --probe");
}

int main(int argc, char **argv)
{
	const char *path = NULL, *prog_name = NULL, *data_path = NULL, *ctx_path = NULL;
	const char *type_name = NULL;
	struct map_fill *fills = calloc(argc, sizeof(*fills));
	int nfills = 0, repeat = 1, ncpus, err, ret = 0;
	bool json = false;
	void *data = NULL, *ctx = NULL;
	size_t data_len = 0, ctx_len = 0;
	struct bpf_object *obj = NULL;
	struct bpf_program *prog, *p;

	verbose = getenv("KERNEL_RUN_VERBOSE") != NULL;
	libbpf_set_print(libbpf_log);
	if (!fills)
		return fail(EXIT_BAD_INPUT, "out of memory");
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "--probe")) {
			free(fills);
			return probe();
		} else if (!strcmp(a, "--json")) {
			json = true;
		} else if (!strcmp(a, "--map") && i + 3 < argc) {
			fills[nfills++] = (struct map_fill){ argv[i + 1], argv[i + 2], argv[i + 3] };
			i += 3;
		} else if (a[0] == '-' && a[1] == '-' && i + 1 < argc) {
			const char *v = argv[++i];

			if (!strcmp(a, "--prog"))
				prog_name = v;
			else if (!strcmp(a, "--data"))
				data_path = v;
			else if (!strcmp(a, "--ctx"))
				ctx_path = v;
			else if (!strcmp(a, "--type"))
				type_name = v;
			else if (!strcmp(a, "--engine"))
				continue;
			else if (!strcmp(a, "--repeat")) {
				char *end;

				repeat = (int)strtol(v, &end, 10);
				if (*end || repeat < 1)
					return fail(EXIT_BAD_INPUT, "--repeat %s: not a positive count", v);
			} else {
				return usage();
			}
		} else if (a[0] != '-' && !path) {
			path = a;
		} else {
			return usage();
		}
	}
	if (!path || !prog_name)
		return usage();
	if (data_path && (err = read_file(data_path, &data, &data_len)))
		return fail(EXIT_BAD_INPUT, "%s: %s", data_path, strerror(-err));
	if (ctx_path && (err = read_file(ctx_path, &ctx, &ctx_len)))
		return fail(EXIT_BAD_INPUT, "%s: %s", ctx_path, strerror(-err));
	ncpus = libbpf_num_possible_cpus();
	if (ncpus < 1)
		return fail(EXIT_KERNEL, "cannot count the possible CPUs");

	obj = bpf_object__open_file(path, NULL);
	if (!obj)
		return fail(EXIT_BAD_INPUT, "%s: cannot open: %s", path, strerror(errno));
	prog = bpf_object__find_program_by_name(obj, prog_name);
	if (!prog) {
		ret = fail(EXIT_BAD_INPUT, "%s: no program named '%s'", path, prog_name);
		goto out;
	}
	if (type_name) {
		enum bpf_prog_type t;
		enum bpf_attach_type at;

		if (libbpf_prog_type_by_name(type_name, &t, &at)) {
			ret = fail(EXIT_BAD_INPUT, "--type %s: unknown program type", type_name);
			goto out;
		}
		bpf_program__set_type(prog, t);
		bpf_program__set_expected_attach_type(prog, at);
	}
	bpf_object__for_each_program(p, obj)
		bpf_program__set_log_level(p, verbose ? 1 : 0);
	if (bpf_object__load(obj)) {
		ret = fail(EXIT_KERNEL, "%s: the kernel refused to load the object: %s "
			   "(KERNEL_RUN_VERBOSE=1 shows the verifier log)", path, strerror(errno));
		goto out;
	}
	/* Loaded (so the kernel's verifier accepted it), but not runnable: the
	 * message says so, for tests that only need the kernel's verdict. */
	if (bpf_program__type(prog) == BPF_PROG_TYPE_CGROUP_SOCK_ADDR) {
		ret = fail(EXIT_NO_TEST_RUN, "%s: loaded, but Linux cannot test-run "
			   "cgroup_sock_addr programs", prog_name);
		goto out;
	}
	for (int i = 0; i < nfills; i++)
		if ((ret = prefill(obj, &fills[i], ncpus)))
			goto out;

	{
		void *data_out = calloc(1, DATA_OUT_MAX);
		void *ctx_out = ctx_len ? calloc(1, ctx_len) : NULL;
		LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = data, .data_size_in = data_len,
			    .data_out = data_out, .data_size_out = DATA_OUT_MAX,
			    .ctx_in = ctx, .ctx_size_in = ctx_len,
			    .ctx_out = ctx_out, .ctx_size_out = ctx_len,
			    .repeat = repeat);

		/* Linux test-runs a raw tracepoint once, on ctx_in alone: it refuses
		 * data_out, ctx_out and a repeat count */
		if (bpf_program__type(prog) == BPF_PROG_TYPE_RAW_TRACEPOINT) {
			o.data_out = NULL;
			o.data_size_out = 0;
			o.ctx_out = NULL;
			o.ctx_size_out = 0;
			o.repeat = 0;
		}
		if (!data_out || (ctx_len && !ctx_out)) {
			ret = fail(EXIT_KERNEL, "out of memory");
		} else if (bpf_prog_test_run_opts(bpf_program__fd(prog), &o)) {
			ret = fail(EXIT_KERNEL, "%s: BPF_PROG_TEST_RUN failed: %s", prog_name,
				   strerror(errno));
		} else if (json) {
			print_json(obj, &o, ncpus);
		} else {
			print_text(&o);
		}
		free(data_out);
		free(ctx_out);
	}
out:
	bpf_object__close(obj);
	free(fills);
	free(data);
	free(ctx);
	return ret;
}
