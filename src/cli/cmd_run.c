/* `bpfvm run`: BPF_PROG_TEST_RUN from the command line (CLI contract in
 * DESIGN.md). Loads the object (maps, every runnable program), pre-fills maps
 * from --map, runs the named program N times on the packet and/or context, and
 * prints the verdict, the packet after the run, the time per run and, with
 * --json, every map's contents. Exit 0 on a run, 1 when the program was
 * refused at load, 2 on bad input. */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "bpfvm/bpfvm.h"
#include "bpfvm/instance.h"
#include "bpfvm/map.h"
#include "bpfvm/object.h"
#include "bpfvm/prog.h"
#include "cli/cli.h"

#define MAX_MAP_ARGS 256

struct map_arg {
	const char *name, *key, *value;
};

struct run_args {
	const char *obj, *prog, *data, *ctx, *type, *fib, *sockets;
	uint32_t repeat;
	int engine;
	bool json;
	struct map_arg maps[MAX_MAP_ARGS];
	int map_cnt;
};

static int parse_u32(const char *s, uint32_t *out)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || *end || end == s || v > UINT32_MAX || s[0] == '-')
		return -EINVAL;
	*out = (uint32_t)v;
	return 0;
}

static int parse_args(int argc, char **argv, struct run_args *a)
{
	a->engine = BPFVM_ENGINE_DEFAULT;
	a->repeat = 1;
	for (int i = 1; i < argc; i++) {
		const char *o = argv[i];
		bool has1 = i + 1 < argc;

		if (!strcmp(o, "--json")) {
			a->json = true;
		} else if (!strcmp(o, "--prog") && has1) {
			a->prog = argv[++i];
		} else if (!strcmp(o, "--data") && has1) {
			a->data = argv[++i];
		} else if (!strcmp(o, "--ctx") && has1) {
			a->ctx = argv[++i];
		} else if (!strcmp(o, "--type") && has1) {
			a->type = argv[++i];
		} else if (!strcmp(o, "--fib") && has1) {
			a->fib = argv[++i];
		} else if (!strcmp(o, "--sockets") && has1) {
			a->sockets = argv[++i];
		} else if (!strcmp(o, "--repeat") && has1) {
			if (parse_u32(argv[++i], &a->repeat) || a->repeat == 0)
				return cli_fail("--repeat: '%s' is not a count from 1 to %u", argv[i],
						UINT32_MAX);
		} else if (!strcmp(o, "--engine") && has1) {
			if (cli_parse_engine(argv[++i], &a->engine))
				return cli_fail("%s", bpfvm_last_error());
		} else if (!strcmp(o, "--map") && i + 3 < argc) {
			if (a->map_cnt == MAX_MAP_ARGS)
				return cli_fail("more than %d --map options", MAX_MAP_ARGS);
			a->maps[a->map_cnt++] = (struct map_arg){ argv[i + 1], argv[i + 2], argv[i + 3] };
			i += 3;
		} else if (o[0] == '-' && o[1]) {
			return cli_fail("run: unknown option or missing value: '%s'", o);
		} else if (!a->obj) {
			a->obj = o;
		} else {
			return cli_fail("run: unexpected argument '%s'", o);
		}
	}
	if (!a->obj)
		return cli_fail("usage: bpfvm run OBJ --prog NAME [--data FILE] [--ctx FILE] "
				"[--repeat N] [--engine interp|jit] [--map NAME KEYHEX VALUEHEX]... "
				"[--type T] [--fib FILE] [--sockets FILE] [--json]");
	if (!a->prog)
		return cli_fail("run: --prog NAME is required");
	return 0;
}

/* A text file for --fib or --sockets, NUL-terminated. */
static int read_text(const char *path, const char *opt, char **out)
{
	uint8_t *text = NULL;
	size_t len = 0;
	char *s;

	if (cli_read_file(path, &text, &len))
		return cli_fail("%s: %s", opt, bpfvm_last_error());
	if (memchr(text, 0, len)) {
		free(text);
		return cli_fail("%s: %s: not a text file", opt, path);
	}
	s = realloc(text, len + 1);
	if (!s) {
		free(text);
		return cli_fail("%s: out of memory", opt);
	}
	s[len] = 0;
	*out = s;
	return 0;
}

/* --fib FILE: the text form of bpfvm_fib_parse. */
static int load_fib(const char *path, struct bpfvm_fib **out)
{
	char *text;
	int err;

	*out = NULL;
	if (!path)
		return 0;
	if ((err = read_text(path, "--fib", &text)))
		return err;
	err = bpfvm_fib_new(out);
	if (!err)
		err = bpfvm_fib_parse(*out, text, path);
	free(text);
	if (err) {
		bpfvm_fib_free(*out);
		*out = NULL;
		return cli_fail("--fib: %s", bpfvm_last_error());
	}
	return 0;
}

/* --sockets FILE: the text form of bpfvm_sockets_parse. */
static int load_sockets(const char *path, struct bpfvm_sockets **out)
{
	char *text;
	int err;

	*out = NULL;
	if (!path)
		return 0;
	if ((err = read_text(path, "--sockets", &text)))
		return err;
	err = bpfvm_sockets_new(out);
	if (!err)
		err = bpfvm_sockets_parse(*out, text, path);
	free(text);
	if (err) {
		bpfvm_sockets_free(*out);
		*out = NULL;
		return cli_fail("--sockets: %s", bpfvm_last_error());
	}
	return 0;
}

static int prefill(struct bpfvm_instance *inst, const struct map_arg *m)
{
	struct bpfvm_map *map = bpfvm_instance_find_map(inst, m->name);
	uint8_t *key = NULL, *value = NULL;
	size_t key_len, value_len, want;
	int err = CLI_USAGE;

	if (!map)
		return cli_fail("--map: no map named '%s'", m->name);
	if (cli_parse_hex(m->key, &key, &key_len)) {
		cli_fail("--map %s: key: %s", m->name, bpfvm_last_error());
		goto out;
	}
	if (key_len != bpfvm_map_key_size(map)) {
		cli_fail("--map %s: key of %zu bytes, but the map's key_size is %u", m->name,
			 key_len, bpfvm_map_key_size(map));
		goto out;
	}
	if (bpfvm_map_type(map) == BPFVM_MAP_TYPE_PROG_ARRAY && !strchr("0123456789abcdefABCDEF", m->value[0])) {
		struct bpfvm_prog *target = bpfvm_instance_prog(inst, m->value);

		if (!target) {
			cli_fail("--map %s: no loaded program named '%s'", m->name, m->value);
			goto out;
		}
		if (bpfvm_map_update_prog(map, key, bpfvm_prog_exec(target), BPFVM_ANY)) {
			cli_fail("--map %s: %s", m->name, bpfvm_last_error());
			goto out;
		}
		err = 0;
		goto out;
	}
	if ((bpfvm_map_type(map) == BPFVM_MAP_TYPE_ARRAY_OF_MAPS ||
	     bpfvm_map_type(map) == BPFVM_MAP_TYPE_HASH_OF_MAPS) &&
	    bpfvm_instance_find_map(inst, m->value)) {
		if (bpfvm_map_update_inner(map, key, bpfvm_instance_find_map(inst, m->value),
					   BPFVM_ANY)) {
			cli_fail("--map %s: %s", m->name, bpfvm_last_error());
			goto out;
		}
		err = 0;
		goto out;
	}
	if (cli_parse_hex(m->value, &value, &value_len)) {
		cli_fail("--map %s: value: %s", m->name, bpfvm_last_error());
		goto out;
	}
	if (value_len != bpfvm_map_value_size(map)) {
		cli_fail("--map %s: value of %zu bytes, but the map's value_size is %u", m->name,
			 value_len, bpfvm_map_value_size(map));
		goto out;
	}
	want = bpfvm_map_user_value_size(map);
	if (want != value_len) {
		/* per-CPU: the same value in every CPU's slot */
		size_t stride = (value_len + 7) & ~(size_t)7;
		uint8_t *all = calloc(1, want);

		if (!all) {
			cli_fail("out of memory");
			goto out;
		}
		for (size_t off = 0; off + value_len <= want; off += stride)
			memcpy(all + off, value, value_len);
		free(value);
		value = all;
	}
	if (bpfvm_map_update_elem(map, key, value, BPFVM_ANY)) {
		cli_fail("--map %s: %s", m->name, bpfvm_last_error());
		goto out;
	}
	err = 0;
out:
	free(key);
	free(value);
	return err;
}

static void print_hex(FILE *f, const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		fprintf(f, "%02x", p[i]);
}

/* A prog array's filled slots as [KEYHEX, PROGRAM-NAME], the names --map
 * takes for them. */
static void print_prog_array_json(FILE *f, const struct bpfvm_instance *inst,
				  struct bpfvm_map *map)
{
	bool first = true;

	fputc('[', f);
	for (uint32_t k = 0; k < bpfvm_map_max_entries(map); k++) {
		const struct bpfvm_exec *exec = NULL;
		const struct bpfvm_prog *prog;

		if (bpfvm_map_lookup_prog(map, &k, &exec) || !exec)
			continue;
		prog = bpfvm_instance_prog_of(inst, exec);
		fprintf(f, "%s[\"", first ? "" : ", ");
		first = false;
		print_hex(f, (const uint8_t *)&k, sizeof(k));
		fputs("\", ", f);
		cli_json_string(f, prog ? bpfvm_prog_name(prog) : "?");
		fputc(']', f);
	}
	fputc(']', f);
}

/* One map's elements as [[KEYHEX, VALUEHEX], ...]; per-CPU values as
 * [KEYHEX, [CPU0HEX, CPU1HEX, ...]]; maps-in-maps give the inner map's id, as
 * Linux's user space sees them. Maps that cannot be iterated from user space
 * without consuming them (ring buffers, queues, stacks) print as []. */
static void print_map_json(FILE *f, struct bpfvm_map *map)
{
	uint32_t ks = bpfvm_map_key_size(map), vs = bpfvm_map_value_size(map);
	size_t uvs = bpfvm_map_user_value_size(map), stride = (vs + 7) & ~(size_t)7;
	uint8_t *key = calloc(1, ks + 1), *next = calloc(1, ks + 1), *value = calloc(1, uvs + 1);
	bool first = true, percpu = uvs != vs;
	const void *prev = NULL;

	fputc('[', f);
	while (key && next && value && bpfvm_map_get_next_key(map, prev, next) == 0) {
		memcpy(key, next, ks);
		prev = key;
		if (bpfvm_map_lookup_elem(map, key, value))
			continue;
		fprintf(f, "%s[\"", first ? "" : ", ");
		first = false;
		print_hex(f, key, ks);
		fputs("\", ", f);
		if (percpu) {
			fputc('[', f);
			for (size_t off = 0; off < uvs; off += stride) {
				fprintf(f, "%s\"", off ? ", " : "");
				print_hex(f, value + off, vs);
				fputc('"', f);
			}
			fputc(']', f);
		} else {
			fputc('"', f);
			print_hex(f, value, vs);
			fputc('"', f);
		}
		fputc(']', f);
	}
	fputc(']', f);
	free(key);
	free(next);
	free(value);
}

/* redirect_neigh's nexthop as text: an address, "" when none was given, or
 * "family N" for a family that is neither IPv4 nor IPv6. */
static const char *nexthop_str(const struct bpfvm_redirect *r, char *buf, size_t len)
{
	buf[0] = 0;
	if (r->nh_family == AF_INET || r->nh_family == AF_INET6)
		inet_ntop((int)r->nh_family, r->nh_addr, buf, (socklen_t)len);
	else if (r->nh_family)
		snprintf(buf, len, "family %u", r->nh_family);
	return buf;
}

static void print_result(const struct run_args *a, struct bpfvm_instance *inst,
			 const struct bpfvm_test_run_opts *o, const uint8_t *out)
{
	const struct bpfvm_redirect *r = &o->redirect;
	char nh[64];

	if (!a->json) {
		printf("retval: %u\n", o->retval);
		printf("data_out: ");
		print_hex(stdout, out, o->data_size_out);
		printf("\nns_per_run: %.2f\n", o->ns_per_run);
		if (o->ctx_out && o->ctx_size_out) {
			printf("ctx_out: ");
			print_hex(stdout, o->ctx_out, o->ctx_size_out);
			printf("\n");
		}
		if (r->kind == BPFVM_REDIRECT_IFINDEX)
			printf("redirect: ifindex %u flags 0x%" PRIx64 "\n", r->ifindex, r->flags);
		else if (r->kind == BPFVM_REDIRECT_MAP && r->map_type == BPFVM_MAP_TYPE_CPUMAP)
			printf("redirect: map %u key %u cpu %u qsize %u flags 0x%" PRIx64 "\n",
			       r->map_id, r->key, r->key, r->ifindex, r->flags);
		else if (r->kind == BPFVM_REDIRECT_MAP && r->map_type == BPFVM_MAP_TYPE_XSKMAP)
			printf("redirect: map %u key %u xsk %u flags 0x%" PRIx64 "\n", r->map_id,
			       r->key, r->ifindex, r->flags);
		else if (r->kind == BPFVM_REDIRECT_MAP)
			printf("redirect: map %u key %u ifindex %u flags 0x%" PRIx64 "\n", r->map_id,
			       r->key, r->ifindex, r->flags);
		else if (r->kind == BPFVM_REDIRECT_PEER)
			printf("redirect: peer of ifindex %u\n", r->ifindex);
		else if (r->kind == BPFVM_REDIRECT_NEIGH)
			printf("redirect: neighbour on ifindex %u nexthop %s\n", r->ifindex,
			       nexthop_str(r, nh, sizeof(nh)));
		return;
	}
	printf("{\"retval\": %u, \"data_out\": \"", o->retval);
	print_hex(stdout, out, o->data_size_out);
	printf("\", \"ns_per_run\": %.3f", o->ns_per_run);
	if (o->ctx_out && o->ctx_size_out) {
		printf(", \"ctx_out\": \"");
		print_hex(stdout, o->ctx_out, o->ctx_size_out);
		printf("\"");
	}
	if (r->kind == BPFVM_REDIRECT_IFINDEX)
		printf(", \"redirect\": {\"ifindex\": %u, \"flags\": %" PRIu64 "}", r->ifindex,
		       r->flags);
	else if (r->kind == BPFVM_REDIRECT_MAP && r->map_type == BPFVM_MAP_TYPE_CPUMAP)
		printf(", \"redirect\": {\"map_id\": %u, \"key\": %u, \"cpu\": %u, \"qsize\": %u, "
		       "\"flags\": %" PRIu64 "}", r->map_id, r->key, r->key, r->ifindex, r->flags);
	else if (r->kind == BPFVM_REDIRECT_MAP && r->map_type == BPFVM_MAP_TYPE_XSKMAP)
		printf(", \"redirect\": {\"map_id\": %u, \"key\": %u, \"xsk\": %u, \"flags\": %"
		       PRIu64 "}", r->map_id, r->key, r->ifindex, r->flags);
	else if (r->kind == BPFVM_REDIRECT_MAP)
		printf(", \"redirect\": {\"map_id\": %u, \"key\": %u, \"ifindex\": %u, \"flags\": %"
		       PRIu64 "}", r->map_id, r->key, r->ifindex, r->flags);
	else if (r->kind == BPFVM_REDIRECT_PEER)
		printf(", \"redirect\": {\"ifindex\": %u, \"flags\": 0, \"peer\": true}",
		       r->ifindex);
	else if (r->kind == BPFVM_REDIRECT_NEIGH)
		printf(", \"redirect\": {\"ifindex\": %u, \"flags\": 0, \"neigh\": true, "
		       "\"nexthop\": \"%s\"}", r->ifindex, nexthop_str(r, nh, sizeof(nh)));
	if (o->clone_cnt) {
		printf(", \"clone_count\": %u, \"clones\": [", o->clone_cnt);
		for (uint32_t i = 0; i < o->clone_cnt && i < BPFVM_TEST_RUN_MAX_CLONES; i++)
			printf("%s{\"ifindex\": %u, \"flags\": %" PRIu64 "}", i ? ", " : "",
			       o->clones[i].ifindex, o->clones[i].flags);
		printf("]");
	}
	printf(", \"maps\": {");
	for (uint32_t i = 0; i < bpfvm_instance_map_count(inst); i++) {
		struct bpfvm_map *map = bpfvm_instance_map(inst, i);

		printf("%s", i ? ", " : "");
		cli_json_string(stdout, bpfvm_map_name(map));
		printf(": ");
		if (bpfvm_map_type(map) == BPFVM_MAP_TYPE_PROG_ARRAY)
			print_prog_array_json(stdout, inst, map);
		else
			print_map_json(stdout, map);
	}
	printf("}}\n");
}

static int read_input(const char *path, const char *what, uint8_t **buf, size_t *len)
{
	if (!path)
		return 0;
	if (cli_read_file(path, buf, len))
		return cli_fail("%s: %s", what, bpfvm_last_error());
	return 0;
}

int cmd_run(int argc, char **argv)
{
	static struct run_args a;
	struct bpfvm_instance_opts iopts = { .sz = sizeof(iopts), .skip_unrunnable = true };
	struct bpfvm_test_run_opts o = { .sz = sizeof(o) };
	struct bpfvm_object *obj = NULL;
	struct bpfvm_instance *inst = NULL;
	struct bpfvm_fib *fib = NULL;
	struct bpfvm_sockets *sockets = NULL;
	struct bpfvm_prog *prog;
	uint8_t *data = NULL, *ctx = NULL, *out = NULL, *ctx_out = NULL;
	size_t data_len = 0, ctx_len = 0;
	int err;

	memset(&a, 0, sizeof(a));
	if ((err = parse_args(argc, argv, &a)))
		return err;
	if ((err = read_input(a.data, "--data", &data, &data_len)) ||
	    (err = read_input(a.ctx, "--ctx", &ctx, &ctx_len)) || (err = load_fib(a.fib, &fib)) ||
	    (err = load_sockets(a.sockets, &sockets)))
		goto out;
	if (data_len > BPFVM_TEST_RUN_MAX_PACKET) {
		err = cli_fail("--data: packet of %zu bytes exceeds the limit of %u", data_len,
			       BPFVM_TEST_RUN_MAX_PACKET);
		goto out;
	}
	if (bpfvm_object_open(a.obj, NULL, &obj)) {
		err = cli_fail("%s", bpfvm_last_error());
		goto out;
	}
	if (!bpfvm_object_find_program(obj, a.prog)) {
		err = cli_fail("%s: no program named '%s'", a.obj, a.prog);
		goto out;
	}
	if (bpfvm_program_error(bpfvm_object_find_program(obj, a.prog))) {
		fprintf(stderr, "%s\n", bpfvm_program_error(bpfvm_object_find_program(obj, a.prog)));
		err = CLI_REJECTED;
		goto out;
	}
	if (a.type) {
		int type = bpfvm_prog_type_by_name(a.type);

		if (type < 0) {
			err = cli_fail("--type: unknown program type '%s'", a.type);
			goto out;
		}
		bpfvm_program_set_type(bpfvm_object_find_program(obj, a.prog), (uint32_t)type);
	}
	iopts.engine = a.engine;
	if ((err = bpfvm_object_load(obj, &iopts, &inst))) {
		fprintf(stderr, "%s\n", bpfvm_last_error());
		err = err == -EACCES ? CLI_REJECTED : CLI_USAGE;
		goto out;
	}
	prog = bpfvm_instance_prog(inst, a.prog);
	if (!prog) {
		err = cli_fail("%s: program '%s' has a type bpfvm cannot run", a.obj, a.prog);
		goto out;
	}
	for (int i = 0; i < a.map_cnt; i++)
		if ((err = prefill(inst, &a.maps[i])))
			goto out;
	out = malloc(BPFVM_TEST_RUN_MAX_PACKET + 4096);
	ctx_out = ctx ? malloc(ctx_len) : NULL;
	if (!out || (ctx && !ctx_out)) {
		err = cli_fail("out of memory");
		goto out;
	}
	o.data_in = data;
	o.data_size_in = (uint32_t)data_len;
	o.data_out = out;
	o.data_size_out = BPFVM_TEST_RUN_MAX_PACKET + 4096;
	o.ctx_in = ctx;
	o.ctx_size_in = (uint32_t)ctx_len;
	o.ctx_out = ctx_out;
	o.ctx_size_out = (uint32_t)ctx_len;
	o.repeat = a.repeat;
	o.fib = fib;
	o.sockets = sockets;
	if (bpfvm_prog_test_run(prog, &o)) {
		err = cli_fail("%s: %s: %s", a.obj, a.prog, bpfvm_last_error());
		goto out;
	}
	print_result(&a, inst, &o, out);
	err = CLI_OK;
out:
	bpfvm_instance_free(inst);
	bpfvm_object_free(obj);
	bpfvm_fib_free(fib);
	bpfvm_sockets_free(sockets);
	free(data);
	free(ctx);
	free(out);
	free(ctx_out);
	return err;
}
