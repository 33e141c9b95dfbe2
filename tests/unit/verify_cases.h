/* The case files of tests/verifier/ (format in test_verify_cases.c), parsed
 * for the tests that run them: the verifier's own suite and the comparison
 * with the Linux kernel's verdicts. Included by each as their only user of it. */
#ifndef BPFVM_TEST_VERIFY_CASES_H
#define BPFVM_TEST_VERIFY_CASES_H

#include <ctype.h>
#include <dirent.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bpfvm/verify.h"
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
	uint64_t max_insns; /* tighter work bar than the suite's (0: none) */
	uint64_t max_compared; /* bar on comparisons with stored states (0: none) */
	char reason[256];
	char *text;
	size_t len, cap;
};

static const struct {
	const char *name;
	uint32_t id;
} map_types[] = {
	{ "hash", 1 }, { "array", 2 }, { "prog_array", 3 }, { "perf_event_array", 4 },
	{ "percpu_hash", 5 }, { "percpu_array", 6 }, { "stack_trace", 7 }, { "cgroup_array", 8 },
	{ "lru_hash", 9 }, { "lpm_trie", 11 },
	{ "array_of_maps", 12 }, { "hash_of_maps", 13 }, { "queue", 22 }, { "stack", 23 },
	{ "ringbuf", 27 },
};

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

static void cases_run_file(const char *dir, const char *file, void (*run_case)(struct tcase *))
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
		if (!strncmp(s, "max_insns:", 10)) {
			c.max_insns = strtoull(s + 10, NULL, 10);
			continue;
		}
		if (!strncmp(s, "max_compared:", 13)) {
			c.max_compared = strtoull(s + 13, NULL, 10);
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

/* Runs run_case on every case of every tests/verifier/NAME.txt, in file
 * name order. Returns the number of files, or -1 when the folder is missing. */
static int cases_for_each(void (*run_case)(struct tcase *))
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
		return -1;
	while ((de = readdir(d)) && n < 256) {
		size_t l = strlen(de->d_name);

		if (l > 4 && !strcmp(de->d_name + l - 4, ".txt"))
			names[n++] = strdup(de->d_name);
	}
	closedir(d);
	qsort(names, (size_t)n, sizeof(names[0]), cmp_str);
	for (int i = 0; i < n; i++) {
		cases_run_file(dir, names[i], run_case);
		free(names[i]);
	}
	return n;
}

#endif
