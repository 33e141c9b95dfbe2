/* The text form of a socket table (bpfvm_sockets_parse, `bpfvm run --sockets
 * FILE`): one socket per line, in the words `ss` uses for its columns. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "bpfvm/error.h"
#include "bpfvm/sockets.h"
#include "util/error.h"

#define MAX_WORDS 8
#define MAX_LINE 256

/* ADDR:PORT or [ADDR6]:PORT: the family it names, or -1. */
static int parse_endpoint(const char *w, uint8_t *addr, uint16_t *port)
{
	char buf[MAX_LINE];
	const char *colon;
	char *end;
	unsigned long p;
	int family;

	if (w[0] == '[') {
		const char *close = strchr(w, ']');

		if (!close || close[1] != ':' || (size_t)(close - w - 1) >= sizeof(buf))
			return -1;
		memcpy(buf, w + 1, (size_t)(close - w - 1));
		buf[close - w - 1] = 0;
		colon = close + 1;
		family = AF_INET6;
	} else {
		colon = strrchr(w, ':');
		if (!colon || (size_t)(colon - w) >= sizeof(buf))
			return -1;
		memcpy(buf, w, (size_t)(colon - w));
		buf[colon - w] = 0;
		family = AF_INET;
	}
	if (inet_pton(family, buf, addr) != 1)
		return -1;
	p = strtoul(colon + 1, &end, 10);
	if (!colon[1] || *end || p > 65535)
		return -1;
	*port = (uint16_t)p;
	return family;
}

static int parse_line(struct bpfvm_sockets *s, char *line, const char *source, int lineno)
{
	char *w[MAX_WORDS];
	int n = 0, i, fam, fam2;
	struct bpfvm_socket k = { 0 };
	char *save = NULL;

	for (char *t = strtok_r(line, " \t\r", &save); t; t = strtok_r(NULL, " \t\r", &save)) {
		if (n == MAX_WORDS)
			return bpfvm_errorf(-EINVAL, "%s:%d: too many words", source, lineno);
		w[n++] = t;
	}
	if (!n)
		return 0;
	if (!strcmp(w[0], "tcp") && n >= 3 && !strcmp(w[1], "listen")) {
		k.protocol = IPPROTO_TCP;
		k.listening = true;
		i = 3;
	} else if (!strcmp(w[0], "tcp") && n >= 4 && !strcmp(w[1], "established")) {
		k.protocol = IPPROTO_TCP;
		i = 4;
	} else if (!strcmp(w[0], "udp") && n >= 2) {
		k.protocol = IPPROTO_UDP;
		i = n >= 3 && strcmp(w[2], "mark") && strcmp(w[2], "priority") ? 3 : 2;
	} else {
		return bpfvm_errorf(-EINVAL, "%s:%d: expected `tcp listen ADDR:PORT`, `tcp "
				    "established ADDR:PORT ADDR:PORT` or `udp ADDR:PORT [ADDR:PORT]`",
				    source, lineno);
	}
	fam = parse_endpoint(w[k.protocol == IPPROTO_TCP ? 2 : 1], k.local, &k.local_port);
	fam2 = fam;
	if (i == 4 || (k.protocol == IPPROTO_UDP && i == 3))
		fam2 = parse_endpoint(w[i - 1], k.remote, &k.remote_port);
	if (fam < 0 || fam2 < 0)
		return bpfvm_errorf(-EINVAL, "%s:%d: bad address:port", source, lineno);
	if (fam != fam2)
		return bpfvm_errorf(-EINVAL, "%s:%d: the two ends are of different families", source,
				    lineno);
	k.family = fam;
	for (; i < n; i += 2) {
		char *end;
		unsigned long v;

		if (i + 1 >= n)
			return bpfvm_errorf(-EINVAL, "%s:%d: `%s` needs a value", source, lineno, w[i]);
		v = strtoul(w[i + 1], &end, 0);
		if (*end || v > UINT32_MAX)
			return bpfvm_errorf(-EINVAL, "%s:%d: bad number '%s'", source, lineno, w[i + 1]);
		if (!strcmp(w[i], "mark"))
			k.mark = (uint32_t)v;
		else if (!strcmp(w[i], "priority"))
			k.priority = (uint32_t)v;
		else
			return bpfvm_errorf(-EINVAL, "%s:%d: unknown option '%s'", source, lineno, w[i]);
	}
	if (bpfvm_sockets_add(s, &k) < 0) {
		char why[MAX_LINE];

		snprintf(why, sizeof(why), "%s", bpfvm_last_error());
		return bpfvm_errorf(-EINVAL, "%s:%d: %s", source, lineno, why);
	}
	return 0;
}

int bpfvm_sockets_parse(struct bpfvm_sockets *s, const char *text, const char *source)
{
	int lineno = 0;

	while (*text) {
		const char *nl = strchr(text, '\n');
		size_t len = nl ? (size_t)(nl - text) : strlen(text);
		char line[MAX_LINE];
		char *hash;
		int err;

		lineno++;
		if (len >= sizeof(line))
			return bpfvm_errorf(-EINVAL, "%s:%d: line too long", source, lineno);
		memcpy(line, text, len);
		line[len] = 0;
		hash = strchr(line, '#');
		if (hash)
			*hash = 0;
		err = parse_line(s, line, source, lineno);
		if (err)
			return err;
		text += len + (nl ? 1 : 0);
	}
	return 0;
}
