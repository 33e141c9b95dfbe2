/* Reading bpf_conformance .data files in tests, with the rules of
 * ../shared/tools/conformance.py's load_test(): `#` starts a comment, a line
 * containing "--" switches section by substring (asm, result, mem, raw,
 * "no register offset", " c", error), blank lines are skipped. Shared by the
 * tests that run the suite through our assembler, formatter and engines. */
#ifndef BPFVM_TEST_CONFORMANCE_DATA_H
#define BPFVM_TEST_CONFORMANCE_DATA_H

#include <ctype.h>
#include <dirent.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct data_test {
	char *asm_text;	  /* the asm section, one line per line, comments stripped */
	uint8_t *raw;	  /* the raw section as bytes, or NULL */
	size_t raw_len;
	uint8_t *mem;	  /* the mem section, or NULL */
	size_t mem_len;
	bool has_result;
	uint64_t result;
	bool has_error;	  /* an `-- error` section (any text) */
	char error[256];  /* its text */
	const char *skip; /* why the Python runner would skip the file, or NULL */
};

static inline void data_test_free(struct data_test *t)
{
	free(t->asm_text);
	free(t->raw);
	free(t->mem);
	memset(t, 0, sizeof(*t));
}

static inline void data_append(uint8_t **buf, size_t *len, const void *bytes, size_t n)
{
	uint8_t *b = realloc(*buf, *len + n + 1);

	if (!b)
		abort();
	memcpy(b + *len, bytes, n);
	*buf = b;
	*len += n;
}

static inline bool data_is_hex_byte(const char *tok)
{
	return strlen(tok) == 2 && isxdigit((unsigned char)tok[0]) && isxdigit((unsigned char)tok[1]);
}

/* Returns 0, or -1 when the file cannot be read. */
static inline int data_test_load(const char *path, struct data_test *t)
{
	enum { NONE, ASM, RESULT, MEM, RAW, ERROR } state = NONE;
	char line[4096], result[256] = "", raw_tokens[1 << 16] = "";
	size_t asm_len = 0, raw_tok_len = 0;
	bool raw_all_bytes = true;
	FILE *f = fopen(path, "r");

	memset(t, 0, sizeof(*t));
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		char *hash = strchr(line, '#'), *p;

		line[strcspn(line, "\r\n")] = '\0';
		if (hash)
			*hash = '\0';
		if (strstr(line, "--")) {
			if (strstr(line, "asm"))
				state = ASM;
			else if (strstr(line, "result"))
				state = RESULT;
			else if (strstr(line, "mem"))
				state = MEM;
			else if (strstr(line, "raw"))
				state = RAW;
			else if (strstr(line, "no register offset") || strstr(line, " c"))
				state = NONE;
			else if (strstr(line, "error"))
				state = ERROR, t->has_error = true;
			else
				t->skip = "unknown directive";
			if (t->skip)
				break;
			continue;
		}
		for (p = line; isspace((unsigned char)*p); p++)
			;
		if (!*p)
			continue;
		switch (state) {
		case ASM:
			data_append((uint8_t **)&t->asm_text, &asm_len, line, strlen(line));
			data_append((uint8_t **)&t->asm_text, &asm_len, "\n", 1);
			t->asm_text[asm_len] = '\0';
			break;
		case RESULT: {
			size_t n = strnlen(p, sizeof(result) - 1);

			memcpy(result, p, n);
			result[n] = '\0';
			break;
		}
		case ERROR: {
			size_t n = strlen(line);

			while (n && isspace((unsigned char)line[n - 1]))
				n--;
			snprintf(t->error, sizeof(t->error), "%.*s", (int)n, line);
			break;
		}
		case MEM:
			for (char *tok = strtok(p, " \t"); tok; tok = strtok(NULL, " \t")) {
				uint8_t b = (uint8_t)strtoull(tok, NULL, 16);

				data_append(&t->mem, &t->mem_len, &b, 1);
			}
			break;
		case RAW:
			for (char *tok = strtok(p, " \t"); tok; tok = strtok(NULL, " \t")) {
				raw_all_bytes = raw_all_bytes && data_is_hex_byte(tok);
				raw_tok_len += (size_t)snprintf(raw_tokens + raw_tok_len,
								sizeof(raw_tokens) - raw_tok_len,
								"%s ", tok);
			}
			break;
		case NONE:
			break;
		}
	}
	fclose(f);
	if (t->skip)
		return 0;
	for (char *tok = strtok(raw_tokens, " "); tok; tok = strtok(NULL, " ")) {
		if (raw_all_bytes) {
			uint8_t b = (uint8_t)strtoul(tok, NULL, 16);

			data_append(&t->raw, &t->raw_len, &b, 1);
		} else {
			uint64_t w = strtoull(tok, NULL, strncmp(tok, "0x", 2) ? 10 : 16);
			uint8_t le[8];

			for (int i = 0; i < 8; i++)
				le[i] = (uint8_t)(w >> (8 * i));
			data_append(&t->raw, &t->raw_len, le, 8);
		}
	}
	if (result[0]) {
		t->has_result = true;
		t->result = strtoull(result, NULL, strstr(result, "0x") ? 16 : 10);
	}
	if (!t->has_result && !t->has_error)
		t->skip = "no result or error";
	return 0;
}

static int data_name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The sorted *.data file names of a directory (NULL-terminated, malloc'd), or
 * NULL when the directory cannot be read. */
static inline char **data_list(const char *dir, size_t *count)
{
	DIR *d = opendir(dir);
	char **names = NULL;
	size_t n = 0;
	struct dirent *e;

	if (!d)
		return NULL;
	while ((e = readdir(d))) {
		size_t len = strlen(e->d_name);

		if (len < 5 || strcmp(e->d_name + len - 5, ".data"))
			continue;
		names = realloc(names, (n + 2) * sizeof(*names));
		if (!names)
			abort();
		names[n] = malloc(len + 1);
		if (!names[n])
			abort();
		memcpy(names[n++], e->d_name, len + 1);
	}
	closedir(d);
	if (!names) {
		names = calloc(1, sizeof(*names));
		if (!names)
			abort();
	}
	qsort(names, n, sizeof(*names), data_name_cmp);
	names[n] = NULL;
	*count = n;
	return names;
}

static inline void data_list_free(char **names)
{
	for (size_t i = 0; names && names[i]; i++)
		free(names[i]);
	free(names);
}

#endif
