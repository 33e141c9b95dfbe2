/* Input helpers shared by the commands: files, hex, engine names. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bpfvm/exec.h"
#include "cli/cli.h"
#include "util/error.h"

int cli_fail(const char *fmt, ...)
{
	va_list ap;

	fputs("bpfvm: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return CLI_USAGE;
}

int cli_read_file(const char *path, uint8_t **data, size_t *len)
{
	FILE *f = strcmp(path, "-") ? fopen(path, "rb") : stdin;
	uint8_t *buf = NULL;
	size_t cap = 0, n = 0;

	if (!f)
		return bpfvm_errorf(-errno, "%s: %s", path, strerror(errno));
	for (;;) {
		if (n == cap) {
			uint8_t *nb;

			cap = cap ? cap * 2 : 65536;
			nb = realloc(buf, cap);
			if (!nb) {
				free(buf);
				if (f != stdin)
					fclose(f);
				return bpfvm_errorf(-ENOMEM, "%s: out of memory", path);
			}
			buf = nb;
		}
		size_t got = fread(buf + n, 1, cap - n, f);
		n += got;
		if (got == 0)
			break;
	}
	if (ferror(f)) {
		int err = errno;

		free(buf);
		if (f != stdin)
			fclose(f);
		return bpfvm_errorf(-EIO, "%s: read error: %s", path, strerror(err));
	}
	if (f != stdin)
		fclose(f);
	*data = buf;
	*len = n;
	return 0;
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

int cli_parse_hex(const char *text, uint8_t **out, size_t *len)
{
	size_t n = 0, cap = strlen(text) / 2 + 1;
	uint8_t *buf = malloc(cap);
	const char *p = text;

	if (!buf)
		return bpfvm_errorf(-ENOMEM, "out of memory");
	while (*p) {
		if (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r' || *p == ',') {
			p++;
			continue;
		}
		int hi = hex_digit(p[0]), lo = hi < 0 ? -1 : hex_digit(p[1]);

		if (hi < 0 || lo < 0) {
			free(buf);
			if (hi >= 0 && (p[1] == '\0' || p[1] == ' ' || p[1] == '\n'))
				return bpfvm_errorf(-EINVAL, "odd number of hex digits at offset %zu",
						    (size_t)(p - text));
			return bpfvm_errorf(-EINVAL, "invalid hex character '%c' at offset %zu",
					    hi < 0 ? p[0] : p[1], (size_t)(p - text) + (hi >= 0));
		}
		buf[n++] = (uint8_t)(hi << 4 | lo);
		p += 2;
	}
	*out = buf;
	*len = n;
	return 0;
}

int cli_parse_engine(const char *name, int *engine)
{
	if (!strcmp(name, "interp"))
		*engine = BPFVM_ENGINE_INTERP;
	else if (!strcmp(name, "jit"))
		*engine = BPFVM_ENGINE_JIT;
	else
		return bpfvm_errorf(-EINVAL, "unknown engine '%s' (expected interp or jit)", name);
	return 0;
}

void cli_json_string(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c < 0x20 || c >= 0x7f)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}
