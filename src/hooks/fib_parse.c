/* The text form of a FIB (bpfvm_fib_parse, `bpfvm run --fib FILE`): what
 * `ip link`, `ip route` and `ip neigh` would set up, one statement a line, so
 * a forwarding scenario is a small file next to the test that uses it. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "hooks/fib.h"
#include "util/error.h"

#define MAX_WORDS 32

struct line {
	const char *source;
	unsigned int no;
	char *w[MAX_WORDS];
	int n;
};

static int bad(const struct line *l, const char *what, const char *word)
{
	return bpfvm_errorf(-EINVAL, "%s:%u: %s%s%s%s", l->source, l->no, what,
			    word ? " '" : "", word ? word : "", word ? "'" : "");
}

/* An error from the model, given the line it came from. */
static int relay(const struct line *l, int err)
{
	char msg[256];

	snprintf(msg, sizeof(msg), "%s", bpfvm_last_error());
	return bpfvm_errorf(err, "%s:%u: %s", l->source, l->no, msg);
}

static int parse_u32(const struct line *l, const char *s, uint32_t *out)
{
	char *end;
	unsigned long long v;

	if (!s)
		return bad(l, "a number is missing at the end", NULL);
	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || *end || end == s || v > UINT32_MAX || s[0] == '-')
		return bad(l, "not a number from 0 to 4294967295:", s);
	*out = (uint32_t)v;
	return 0;
}

static int parse_mac(const struct line *l, const char *s, uint8_t mac[6])
{
	unsigned int b[6];
	char tail;

	if (!s || sscanf(s, "%2x:%2x:%2x:%2x:%2x:%2x%c", &b[0], &b[1], &b[2], &b[3], &b[4],
			 &b[5], &tail) != 6)
		return bad(l, "not a MAC address (XX:XX:XX:XX:XX:XX):", s);
	for (int i = 0; i < 6; i++)
		mac[i] = (uint8_t)b[i];
	return 0;
}

/* An IPv4 or IPv6 address; returns its family or a negative errno. */
static int parse_ip(const struct line *l, const char *s, uint8_t out[16])
{
	memset(out, 0, 16);
	if (s && inet_pton(AF_INET, s, out) == 1)
		return AF_INET;
	if (s && inet_pton(AF_INET6, s, out) == 1)
		return AF_INET6;
	return bad(l, "not an IPv4 or IPv6 address:", s);
}

static int parse_iface(struct bpfvm_fib *fib, struct line *l)
{
	struct bpfvm_fib_iface d = { .mtu = 1500 };
	int err;

	if ((err = parse_u32(l, l->n > 1 ? l->w[1] : NULL, &d.ifindex)))
		return err;
	for (int i = 2; i < l->n; i++) {
		const char *k = l->w[i], *v = i + 1 < l->n ? l->w[i + 1] : NULL;
		uint8_t a[16];
		int fam;

		if (!strcmp(k, "noforward")) {
			d.no_forwarding = true;
			continue;
		}
		i++;
		if (!strcmp(k, "mtu")) {
			err = parse_u32(l, v, &d.mtu);
		} else if (!strcmp(k, "mac")) {
			err = parse_mac(l, v, d.mac);
		} else if (!strcmp(k, "addr")) {
			fam = parse_ip(l, v, a);
			err = fam < 0 ? fam : 0;
			if (fam == AF_INET)
				memcpy(d.addr4, a, 4);
			else if (fam == AF_INET6)
				memcpy(d.addr6, a, 16);
		} else {
			return bad(l, "iface: unknown keyword", k);
		}
		if (err)
			return err;
	}
	if ((err = bpfvm_fib_set_iface(fib, &d)))
		return relay(l, err);
	return 0;
}

static int parse_prefix(struct line *l, const char *s, struct bpfvm_fib_route *r)
{
	char buf[64], *slash;
	uint32_t plen;
	int fam, err;

	if (!s)
		return bad(l, "route: the prefix is missing", NULL);
	if (!strcmp(s, "default"))
		s = "0.0.0.0/0";
	if (strlen(s) >= sizeof(buf))
		return bad(l, "route: not a prefix:", s);
	strcpy(buf, s);
	slash = strchr(buf, '/');
	if (slash)
		*slash = 0;
	fam = parse_ip(l, buf, r->dst);
	if (fam < 0)
		return fam;
	r->family = fam;
	plen = fam == AF_INET ? 32 : 128;
	if (slash) {
		uint32_t max = plen;

		if ((err = parse_u32(l, slash + 1, &plen)))
			return err;
		if (plen > max)
			return bad(l, "route: prefix length too long:", s);
	}
	r->prefixlen = (uint8_t)plen;
	return 0;
}

static int parse_route(struct bpfvm_fib *fib, struct line *l)
{
	static const char *const types[] = { "unicast", "local", "blackhole", "unreachable",
					     "prohibit" };
	struct bpfvm_fib_route r = { 0 };
	int i = 1, err;

	for (int t = 0; i < l->n && t < 5; t++) {
		if (!strcmp(l->w[i], types[t])) {
			r.type = (enum bpfvm_fib_route_type)t;
			i++;
			break;
		}
	}
	if ((err = parse_prefix(l, i < l->n ? l->w[i] : NULL, &r)))
		return err;
	for (i++; i < l->n; i++) {
		const char *k = l->w[i], *v = i + 1 < l->n ? l->w[i + 1] : NULL;
		uint8_t a[16];
		int fam;

		i++;
		if (!strcmp(k, "via")) {
			fam = parse_ip(l, v, r.gw);
			if (fam < 0)
				return fam;
			r.gw_family = fam;
		} else if (!strcmp(k, "src")) {
			fam = parse_ip(l, v, a);
			if (fam < 0)
				return fam;
			if (fam != r.family)
				return bad(l, "route: src of another family than the prefix:", v);
			memcpy(r.prefsrc, a, 16);
		} else if (!strcmp(k, "dev")) {
			err = parse_u32(l, v, &r.ifindex);
		} else if (!strcmp(k, "metric")) {
			err = parse_u32(l, v, &r.metric);
		} else if (!strcmp(k, "mtu")) {
			err = parse_u32(l, v, &r.mtu);
		} else if (!strcmp(k, "table")) {
			err = parse_u32(l, v, &r.table);
		} else {
			return bad(l, "route: unknown keyword", k);
		}
		if (err)
			return err;
	}
	/* As `ip route add local`: such routes go to the local table. */
	if (r.type == BPFVM_FIB_LOCAL && !r.table)
		r.table = BPFVM_FIB_TABLE_LOCAL;
	if ((r.type == BPFVM_FIB_UNICAST || r.type == BPFVM_FIB_LOCAL) && !r.ifindex)
		return bad(l, "route: 'dev IFINDEX' is required", NULL);
	if ((err = bpfvm_fib_add_route(fib, &r)))
		return relay(l, err);
	return 0;
}

static int parse_neigh(struct bpfvm_fib *fib, struct line *l)
{
	uint8_t addr[16], mac[6];
	uint32_t ifindex = 0;
	bool have_mac = false;
	int fam, err;

	fam = parse_ip(l, l->n > 1 ? l->w[1] : NULL, addr);
	if (fam < 0)
		return fam;
	for (int i = 2; i < l->n; i += 2) {
		const char *k = l->w[i], *v = i + 1 < l->n ? l->w[i + 1] : NULL;

		if (!strcmp(k, "lladdr")) {
			err = parse_mac(l, v, mac);
			have_mac = true;
		} else if (!strcmp(k, "dev")) {
			err = parse_u32(l, v, &ifindex);
		} else {
			return bad(l, "neigh: unknown keyword", k);
		}
		if (err)
			return err;
	}
	if (!have_mac || !ifindex)
		return bad(l, "neigh: 'lladdr MAC' and 'dev IFINDEX' are required", NULL);
	if ((err = bpfvm_fib_add_neigh(fib, fam, addr, ifindex, mac)))
		return relay(l, err);
	return 0;
}

int bpfvm_fib_parse(struct bpfvm_fib *fib, const char *text, const char *source)
{
	char *copy = strdup(text), *save = NULL, *cur;
	struct line l = { .source = source ? source : "fib" };
	int err = 0;

	if (!copy)
		return bpfvm_errorf(-ENOMEM, "out of memory");
	cur = copy;
	while (!err && cur) {
		char *nl = strchr(cur, '\n'), *hash, *tok;

		if (nl)
			*nl = 0;
		l.no++;
		hash = strchr(cur, '#');
		if (hash)
			*hash = 0;
		l.n = 0;
		for (tok = strtok_r(cur, " \t\r", &save); tok; tok = strtok_r(NULL, " \t\r", &save)) {
			if (l.n == MAX_WORDS) {
				err = bad(&l, "too many words", NULL);
				break;
			}
			l.w[l.n++] = tok;
		}
		if (!err && l.n) {
			if (!strcmp(l.w[0], "iface"))
				err = parse_iface(fib, &l);
			else if (!strcmp(l.w[0], "route"))
				err = parse_route(fib, &l);
			else if (!strcmp(l.w[0], "neigh"))
				err = parse_neigh(fib, &l);
			else
				err = bad(&l, "unknown statement (iface, route or neigh):", l.w[0]);
		}
		cur = nl ? nl + 1 : NULL;
	}
	free(copy);
	return err;
}
