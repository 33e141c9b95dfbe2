/* bpf_trace_printk with the kernel's format rules (bpf_bprintf_prepare): at
 * most three conversions among %d %i %u %x %X %c %s %p (and %px %pK, %pI4 %pi4
 * %pI6 %pi6) with optional l/ll and "[0 +-][width]", printable ASCII only, the
 * format NUL-terminated within its size; anything else is -EINVAL. The text
 * goes to a process-wide sink, stderr unless bpfvm_set_trace_printk() says
 * otherwise. Returns the length of the formatted text, as the kernel. */
#include <ctype.h>
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "bpfvm/helpers.h"
#include "helpers/helpers.h"

#define TRACE_PRINTK_SIZE 1024 /* the kernel's BPF_TRACE_PRINTK_SIZE */

static pthread_mutex_t sink_lock = PTHREAD_MUTEX_INITIALIZER;
static bpfvm_trace_fn sink_fn;
static void *sink_ctx;

void bpfvm_set_trace_printk(bpfvm_trace_fn fn, void *ctx)
{
	pthread_mutex_lock(&sink_lock);
	sink_fn = fn;
	sink_ctx = ctx;
	pthread_mutex_unlock(&sink_lock);
}

struct out {
	char buf[TRACE_PRINTK_SIZE];
	size_t len; /* what would have been written, as vsnprintf counts */
};

static void put(struct out *o, const char *s, size_t n)
{
	if (o->len < sizeof(o->buf) - 1) {
		size_t room = sizeof(o->buf) - 1 - o->len;

		memcpy(o->buf + o->len, s, n < room ? n : room);
	}
	o->len += n;
}

static void putf(struct out *o, const char *spec, ...)
{
	char tmp[TRACE_PRINTK_SIZE];
	va_list ap;
	int n;

	va_start(ap, spec);
	n = vsnprintf(tmp, sizeof(tmp), spec, ap);
	va_end(ap);
	if (n > 0)
		put(o, tmp, (size_t)n < sizeof(tmp) ? (size_t)n : sizeof(tmp) - 1);
}

/* %pI4 / %pi4 / %pI6 / %pi6: the address the argument points to. */
static void put_ip(struct out *o, const uint8_t *p, char kind, char ver)
{
	int i;

	if (!p) {
		put(o, "(null)", 6);
		return;
	}
	if (ver == '4') {
		putf(o, kind == 'i' ? "%03u.%03u.%03u.%03u" : "%u.%u.%u.%u", p[0], p[1], p[2],
		     p[3]);
		return;
	}
	for (i = 0; i < 16; i += 2) {
		if (i && kind == 'I')
			put(o, ":", 1);
		putf(o, "%02x%02x", p[i], p[i + 1]);
	}
}

/* Formats fmt with args into o; -EINVAL on a format the kernel refuses. */
static int format(struct out *o, const char *fmt, size_t fmt_size, const uint64_t args[3])
{
	const char *end = memchr(fmt, 0, fmt_size);
	const char *p;
	int nargs = 0;

	if (!end)
		return -EINVAL;
	for (p = fmt; p < end; p++) {
		char spec[16] = "%";
		size_t sl = 1;
		int lng = 0;
		uint64_t v;

		if (!isascii((unsigned char)*p) ||
		    (!isprint((unsigned char)*p) && !isspace((unsigned char)*p)))
			return -EINVAL;
		if (*p != '%') {
			put(o, p, 1);
			continue;
		}
		if (p[1] == '%') {
			put(o, "%", 1);
			p++;
			continue;
		}
		if (nargs >= 3)
			return -EINVAL;
		v = args[nargs++];
		p++;
		while (*p == '0' || *p == '+' || *p == '-' || *p == ' ')
			if (sl < 6)
				spec[sl++] = *p++;
			else
				p++;
		if (*p >= '1' && *p <= '9') {
			while (*p >= '0' && *p <= '9')
				if (sl < 10)
					spec[sl++] = *p++;
				else
					return -EINVAL;
		}
		if (*p == 'p') {
			if ((p[1] == 'I' || p[1] == 'i') && (p[2] == '4' || p[2] == '6')) {
				put_ip(o, (const uint8_t *)(uintptr_t)v, p[1], p[2]);
				p += 2;
				continue;
			}
			if (p[1] == 'x' || p[1] == 'K')
				p++;
			else if (isalnum((unsigned char)p[1]))
				return -EINVAL;
			putf(o, "%016llx", (unsigned long long)v);
			continue;
		}
		if (*p == 's') {
			const char *s = (const char *)(uintptr_t)v;

			memcpy(spec + sl, "s", 2);
			putf(o, spec, s ? s : "");
			continue;
		}
		if (*p == 'c') {
			memcpy(spec + sl, "c", 2);
			putf(o, spec, (int)(unsigned char)v);
			continue;
		}
		while (*p == 'l' && lng < 2) {
			lng++;
			p++;
		}
		if (*p != 'd' && *p != 'i' && *p != 'u' && *p != 'x' && *p != 'X')
			return -EINVAL;
		spec[sl++] = 'l';
		spec[sl++] = 'l';
		spec[sl++] = *p;
		spec[sl] = 0;
		if (*p == 'd' || *p == 'i')
			putf(o, spec, lng ? (long long)v : (long long)(int32_t)v);
		else
			putf(o, spec, lng ? (unsigned long long)v : (unsigned long long)(uint32_t)v);
	}
	return 0;
}

BPFVM_HELPER(trace_printk)
{
	const uint64_t args[3] = { r3, r4, r5 };
	struct out o = { .len = 0 };
	size_t shown;
	int err;

	if (!r1 || !r2)
		return (uint64_t)-EINVAL;
	err = format(&o, (const char *)(uintptr_t)r1, (uint32_t)r2, args);
	if (err)
		return (uint64_t)(int64_t)err;
	shown = o.len < sizeof(o.buf) - 1 ? o.len : sizeof(o.buf) - 1;
	o.buf[shown] = 0;
	pthread_mutex_lock(&sink_lock);
	if (sink_fn) {
		sink_fn(sink_ctx, o.buf, shown);
	} else {
		fwrite(o.buf, 1, shown, stderr);
		if (!shown || o.buf[shown - 1] != '\n')
			fputc('\n', stderr);
	}
	pthread_mutex_unlock(&sink_lock);
	return o.len;
}
