/* The verifier's case suite: every tests/verifier/NAME.txt holds small programs
 * in the assembler's dialect, each with its program type, maps and expected
 * verdict (and, for rejections, a substring of the reason). Most unsafe
 * programs sit next to a safe twin that differs in one token, so that both
 * soundness and precision are pinned. The speed bar (no case over 100 ms) is
 * a benchmark's to measure, not a timed test's: here each case's work is held
 * to a deterministic proxy, at most 100,000 instructions processed, and the
 * times are only printed.
 *
 * Case format:
 *   == name
 *   type: xdp                     (libbpf's type name; default socket_filter)
 *   attach: 8                     (expected attach type id; optional)
 *   map: hash 4 8 16 [lock=0] [rdonly] [inner=1] [rodata=HEX]   (type key value
 *        entries; repeatable)
 *   expect: accept | reject SUBSTRING
 *   slow: WHY                     (exempt from the work bar, e.g. budget tests)
 *   <assembly until the next "==">
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bpfvm/error.h"
#include "bpfvm/isa.h"
#include "bpfvm/verify.h"
#include "helpers/proto.h"
#include "progtype/progtype.h"
#include "test.h"

#define MAX_MAPS 8

struct tcase {
	char name[128];
	char file[256];
	uint32_t prog_type, attach;
	struct bpfvm_verify_map maps[MAX_MAPS];
	const uint8_t *values[MAX_MAPS];
	uint32_t nmaps;
	bool accept;
	bool slow;
	char reason[256];
	char *text;
	size_t len, cap;
};

static const struct {
	const char *name;
	uint32_t id;
} map_types[] = {
	{ "hash", 1 }, { "array", 2 }, { "prog_array", 3 }, { "perf_event_array", 4 },
	{ "percpu_hash", 5 }, { "percpu_array", 6 }, { "lru_hash", 9 }, { "lpm_trie", 11 },
	{ "array_of_maps", 12 }, { "hash_of_maps", 13 }, { "queue", 22 }, { "stack", 23 },
	{ "ringbuf", 27 },
};

/* Rows the helper table may not have yet; the built-in row wins when present. */
static const struct bpfvm_helper_proto test_adjust_head = {
	44, "xdp_adjust_head", NULL, BPFVM_HELPER_PLAIN, RET_INTEGER,
	{ ARG_PTR_TO_CTX, ARG_ANYTHING }, HELPER_F_PKT_INVALIDATE, 0
};

static const struct bpfvm_helper_proto *test_proto(int32_t id)
{
	const struct bpfvm_helper_proto *p = bpfvm_helper_proto(id);

	if (!p && id == 44)
		return &test_adjust_head;
	return p;
}

static int ncases, npassed, naccept, nreject;
static uint64_t total_processed, total_ns, max_ns;
static char slowest[128];

static uint32_t type_by_name(const char *name)
{
	for (uint32_t id = 0; id < 64; id++) {
		const struct bpfvm_progtype *pt = bpfvm_progtype_get(id);

		if (pt && !strcmp(pt->name, name))
			return id;
	}
	return 0;
}

static void append(struct tcase *c, const char *line)
{
	size_t n = strlen(line);

	if (c->len + n + 1 > c->cap) {
		c->cap = (c->len + n + 1) * 2;
		c->text = realloc(c->text, c->cap);
	}
	memcpy(c->text + c->len, line, n + 1);
	c->len += n;
}

static bool parse_map(struct tcase *c, const char *spec)
{
	char tname[32];
	struct bpfvm_verify_map *m = &c->maps[c->nmaps];
	const char *p;
	int used = 0;

	memset(m, 0, sizeof(*m));
	m->spin_lock_off = -1;
	m->inner_map = -1;
	if (c->nmaps == MAX_MAPS ||
	    sscanf(spec, "%31s %u %u %u%n", tname, &m->key_size, &m->value_size, &m->max_entries,
		   &used) != 4)
		return false;
	m->type = 0;
	for (size_t i = 0; i < sizeof(map_types) / sizeof(map_types[0]); i++)
		if (!strcmp(map_types[i].name, tname))
			m->type = map_types[i].id;
	if (!m->type)
		return false;
	if ((p = strstr(spec + used, "lock=")))
		m->spin_lock_off = atoi(p + 5);
	if ((p = strstr(spec + used, "inner=")))
		m->inner_map = atoi(p + 6);
	if (strstr(spec + used, "rdonly"))
		m->flags |= 0x80;
	/* rodata=HEXBYTES: the contents of a read-only map */
	if ((p = strstr(spec + used, "rodata="))) {
		uint8_t *bytes = calloc(m->value_size ? m->value_size : 1, 1);

		p += 7;
		for (uint32_t i = 0; i < m->value_size && isxdigit((unsigned char)p[0]) &&
				     isxdigit((unsigned char)p[1]); i++, p += 2) {
			char hex[3] = { p[0], p[1], 0 };

			bytes[i] = (uint8_t)strtoul(hex, NULL, 16);
		}
		c->values[c->nmaps] = bytes;
	}
	c->nmaps++;
	return true;
}

static void run_case(struct tcase *c)
{
	struct bpfvm_insn *insns = NULL;
	uint32_t cnt = 0;
	struct bpfvm_verify_input in = { 0 };
	struct bpfvm_verify_result res;
	int err;

	ncases++;
	test_checks++;
	if (bpfvm_asm(c->text ? c->text : "", &insns, &cnt)) {
		test_failures++;
		fprintf(stderr, "%s: %s: does not assemble: %s\n", c->file, c->name, bpfvm_last_error());
		return;
	}
	in.insns = insns;
	in.insn_cnt = cnt;
	in.prog_type = c->prog_type;
	in.expected_attach_type = c->attach;
	in.maps = c->maps;
	in.map_cnt = c->nmaps;
	in.map_values = c->values;
	in.helper_proto = test_proto;
	err = bpfvm_verify(&in, &res);
	free(insns);
	total_processed += res.insns_processed;
	total_ns += res.time_ns;
	if (res.time_ns > max_ns && !c->slow) {
		max_ns = res.time_ns;
		snprintf(slowest, sizeof(slowest), "%s", c->name);
	}
	if (c->accept) {
		naccept++;
		if (err) {
			test_failures++;
			fprintf(stderr, "%s: %s: expected accept, got: %s\n", c->file, c->name,
				res.message);
			return;
		}
	} else {
		nreject++;
		if (!err) {
			test_failures++;
			fprintf(stderr, "%s: %s: expected reject (%s), but accepted\n", c->file, c->name,
				c->reason);
			return;
		}
		if (err != -EACCES || !strstr(res.message, c->reason)) {
			test_failures++;
			fprintf(stderr, "%s: %s: expected reason \"%s\", got: %s\n", c->file, c->name,
				c->reason, res.message);
			return;
		}
	}
	if (res.insns_processed > 100000 && !c->slow) {
		test_failures++;
		fprintf(stderr, "%s: %s: processed %llu instructions (took %llu ms)\n", c->file,
			c->name, (unsigned long long)res.insns_processed,
			(unsigned long long)(res.time_ns / 1000000));
		return;
	}
	npassed++;
	if (getenv("VERBOSE"))
		fprintf(stderr, "ok %s: %s (%llu insns, %llu states): %s\n", c->file, c->name,
			(unsigned long long)res.insns_processed, (unsigned long long)res.states,
			res.message);
}

static void reset(struct tcase *c, const char *file, const char *name)
{
	for (uint32_t i = 0; i < c->nmaps; i++)
		free((void *)c->values[i]);
	free(c->text);
	memset(c, 0, sizeof(*c));
	snprintf(c->file, sizeof(c->file), "%.200s", file);
	snprintf(c->name, sizeof(c->name), "%.120s", name);
	c->prog_type = 1;
	c->accept = true;
}

static void run_file(const char *dir, const char *file)
{
	char path[4096], line[1024];
	struct tcase c = { 0 };
	bool have = false;
	FILE *f;

	snprintf(path, sizeof(path), "%.3000s/%.900s", dir, file);
	f = fopen(path, "r");
	CHECK(f != NULL);
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		char *s = line;

		while (*s == ' ' || *s == '\t')
			s++;
		if (!strncmp(s, "==", 2)) {
			char *name = s + 2;

			if (have)
				run_case(&c);
			while (*name == ' ')
				name++;
			name[strcspn(name, "\n")] = '\0';
			reset(&c, file, name);
			have = true;
			continue;
		}
		if (!have)
			continue;
		if (!strncmp(s, "type:", 5)) {
			char tname[64];

			if (sscanf(s + 5, "%63s", tname) == 1)
				c.prog_type = type_by_name(tname);
			if (!c.prog_type)
				fprintf(stderr, "%s: %s: unknown type %s", file, c.name, s + 5);
			continue;
		}
		if (!strncmp(s, "slow:", 5)) {
			c.slow = true;
			continue;
		}
		if (!strncmp(s, "attach:", 7)) {
			c.attach = (uint32_t)atoi(s + 7);
			continue;
		}
		if (!strncmp(s, "map:", 4)) {
			if (!parse_map(&c, s + 4))
				fprintf(stderr, "%s: %s: bad map line: %s", file, c.name, s);
			continue;
		}
		if (!strncmp(s, "expect:", 7)) {
			char *e = s + 7;

			while (*e == ' ')
				e++;
			e[strcspn(e, "\n")] = '\0';
			c.accept = !strncmp(e, "accept", 6);
			if (!c.accept) {
				e += strlen("reject");
				while (*e == ' ')
					e++;
				snprintf(c.reason, sizeof(c.reason), "%s", e);
			}
			continue;
		}
		append(&c, line);
	}
	if (have)
		run_case(&c);
	reset(&c, "", "");
	free(c.text);
	fclose(f);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int main(void)
{
	const char *src = getenv("BPFVM_SRC");
	char dir[4096];
	char *names[256];
	int n = 0;
	struct dirent *de;
	DIR *d;

	snprintf(dir, sizeof(dir), "%s/tests/verifier", src ? src : ".");
	d = opendir(dir);
	if (!d)
		return test_skip("tests/verifier not found (BPFVM_SRC unset)");
	while ((de = readdir(d)) && n < 256) {
		size_t l = strlen(de->d_name);

		if (l > 4 && !strcmp(de->d_name + l - 4, ".txt"))
			names[n++] = strdup(de->d_name);
	}
	closedir(d);
	qsort(names, (size_t)n, sizeof(names[0]), cmp_str);
	for (int i = 0; i < n; i++) {
		run_file(dir, names[i]);
		free(names[i]);
	}
	printf("%d cases (%d accept, %d reject), %d as expected; %llu insns processed, "
	       "%.1f ms total, slowest %.2f ms (%s)\n",
	       ncases, naccept, nreject, npassed, (unsigned long long)total_processed,
	       (double)total_ns / 1e6, (double)max_ns / 1e6, slowest);
	CHECK(ncases > 0);
	return test_exit();
}
