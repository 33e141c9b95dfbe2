/* The socket table of include/bpfvm/sockets.h and the lookup the socket
 * helpers run on it, in the order of Linux's __inet_lookup and
 * __udp4_lib_lookup (exact 4-tuple, then the bound address, then the
 * wildcard). Each socket keeps the struct bpf_sock a program reads through
 * the pointer a lookup returns, built once when it is added. */
#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "hooks/sockets.h"
#include "util/error.h"

#define TCP_ESTABLISHED 1
#define TCP_CLOSE 7
#define TCP_LISTEN 10

struct sock_entry {
	struct bpfvm_socket sock;
	struct bpfvm_uapi_bpf_sock view;
};

struct bpfvm_sockets {
	struct sock_entry *v;
	uint32_t n, cap;
};

int bpfvm_sockets_new(struct bpfvm_sockets **out)
{
	*out = calloc(1, sizeof(**out));
	return *out ? 0 : bpfvm_errorf(-ENOMEM, "out of memory for a socket table");
}

void bpfvm_sockets_free(struct bpfvm_sockets *s)
{
	if (!s)
		return;
	free(s->v);
	free(s);
}

static size_t addr_len(int family)
{
	return family == AF_INET ? 4 : 16;
}

static bool is_any(const uint8_t *a, int family)
{
	static const uint8_t zero[16];

	return !memcmp(a, zero, addr_len(family));
}

static void build_view(const struct bpfvm_socket *k, struct bpfvm_uapi_bpf_sock *v)
{
	bool connected = !is_any(k->remote, k->family);

	memset(v, 0, sizeof(*v));
	v->family = (uint32_t)k->family;
	v->type = k->protocol == IPPROTO_TCP ? SOCK_STREAM : SOCK_DGRAM;
	v->protocol = (uint32_t)k->protocol;
	v->mark = k->mark;
	v->priority = k->priority;
	if (k->family == AF_INET) {
		memcpy(&v->src_ip4, k->local, 4);
		memcpy(&v->dst_ip4, k->remote, 4);
	} else {
		memcpy(v->src_ip6, k->local, 16);
		memcpy(v->dst_ip6, k->remote, 16);
	}
	v->src_port = k->local_port;
	v->dst_port = htons(k->remote_port);
	v->state = k->listening ? TCP_LISTEN : connected ? TCP_ESTABLISHED : TCP_CLOSE;
	v->rx_queue_mapping = -1;
}

static bool same_socket(const struct bpfvm_socket *a, const struct bpfvm_socket *b)
{
	size_t l = addr_len(a->family);

	return a->family == b->family && a->protocol == b->protocol &&
	       a->local_port == b->local_port && a->remote_port == b->remote_port &&
	       !memcmp(a->local, b->local, l) && !memcmp(a->remote, b->remote, l);
}

int bpfvm_sockets_add(struct bpfvm_sockets *s, const struct bpfvm_socket *k)
{
	bool connected;

	if (k->family != AF_INET && k->family != AF_INET6)
		return bpfvm_errorf(-EINVAL, "socket family %d is neither AF_INET nor AF_INET6",
				    k->family);
	if (k->protocol != IPPROTO_TCP && k->protocol != IPPROTO_UDP)
		return bpfvm_errorf(-EINVAL, "socket protocol %d is neither TCP nor UDP", k->protocol);
	connected = !is_any(k->remote, k->family) || k->remote_port;
	if (!k->local_port)
		return bpfvm_errorf(-EINVAL, "a socket needs a local port");
	if (connected && (is_any(k->remote, k->family) || !k->remote_port))
		return bpfvm_errorf(-EINVAL, "a connected socket needs a remote address and port");
	if (k->listening && (k->protocol != IPPROTO_TCP || connected))
		return bpfvm_errorf(-EINVAL, "only an unconnected TCP socket listens");
	if (k->protocol == IPPROTO_TCP && !k->listening && !connected)
		return bpfvm_errorf(-EINVAL, "a TCP socket either listens or is established");
	if (connected && is_any(k->local, k->family))
		return bpfvm_errorf(-EINVAL, "a connected socket has a local address");
	for (uint32_t i = 0; i < s->n; i++)
		if (same_socket(&s->v[i].sock, k))
			return bpfvm_errorf(-EADDRINUSE, "the same socket twice (address in use)");
	if (s->n == s->cap) {
		uint32_t cap = s->cap ? s->cap * 2 : 8;
		struct sock_entry *v = realloc(s->v, cap * sizeof(*v));

		if (!v)
			return bpfvm_errorf(-ENOMEM, "out of memory for a socket table");
		s->v = v;
		s->cap = cap;
	}
	s->v[s->n].sock = *k;
	build_view(k, &s->v[s->n].view);
	s->n++;
	return 0;
}

/* 3: the exact 4-tuple; 2: bound to the address; 1: bound to the wildcard;
 * 0: no match. */
static int score(const struct bpfvm_socket *k, int family, int protocol, const uint8_t *saddr,
		 uint16_t sport, const uint8_t *daddr, uint16_t dport)
{
	size_t l = addr_len(family);

	if (k->family != family || k->protocol != protocol || k->local_port != dport)
		return 0;
	if (!is_any(k->remote, family) || k->remote_port)
		return k->remote_port == sport && !memcmp(k->remote, saddr, l) &&
		       !memcmp(k->local, daddr, l) ? 3 : 0;
	if (!memcmp(k->local, daddr, l))
		return 2;
	return is_any(k->local, family) ? 1 : 0;
}

const struct bpfvm_uapi_bpf_sock *bpfvm_sockets_lookup(const struct bpfvm_sockets *s, int family,
						       int protocol, const uint8_t *saddr,
						       uint16_t sport, const uint8_t *daddr,
						       uint16_t dport)
{
	const struct sock_entry *best = NULL;
	int best_score = 0;

	if (!s)
		return NULL;
	for (uint32_t i = 0; i < s->n; i++) {
		int sc = score(&s->v[i].sock, family, protocol, saddr, ntohs(sport), daddr,
			       ntohs(dport));

		if (sc > best_score) {
			best = &s->v[i];
			best_score = sc;
		}
	}
	return best ? &best->view : NULL;
}
