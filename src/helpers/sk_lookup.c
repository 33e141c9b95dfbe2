/* Socket lookups: bpf_sk_lookup_tcp (84), bpf_sk_lookup_udp (85),
 * bpf_skc_lookup_tcp (99), bpf_sk_release (86) and bpf_sk_assign (124).
 *
 * In Linux a lookup searches the network namespace's sockets for the
 * 4-tuple in a struct bpf_sock_tuple (the packet's source is the remote end,
 * its destination the local one) and returns the socket with a reference
 * held, which the verifier makes the program release, or NULL: when no
 * socket matches, for a tuple size that is neither the IPv4 nor the IPv6
 * one, flags other than 0, or a netns argument that is neither negative as
 * an s32 (the caller's namespace) nor an id of another namespace. bpfvm runs
 * outside any network stack: the sockets are those the run was given
 * (include/bpfvm/sockets.h, `bpfvm run --sockets FILE`), by default none,
 * and there is one namespace, so a namespace id finds nothing. Every socket
 * is a full one, so skc_lookup_tcp finds what sk_lookup_tcp finds. The
 * reference is the table's own memory, which outlives the run:
 * bpf_sk_release has nothing to give back and returns 0, as Linux's always
 * does. bpf_sk_assign steers a packet at tc ingress to a socket: -EINVAL
 * without a socket or with flags, else -EOPNOTSUPP because a test-run is not
 * at tc ingress, as Linux's BPF_PROG_TEST_RUN answers (checked on 6.18). */
#include <errno.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>

#include "helpers/helpers.h"
#include "hooks/hook.h"
#include "hooks/sockets.h"

#define TUPLE4_SIZE 12
#define TUPLE6_SIZE 36

static uint64_t lookup(const struct bpfvm_run *run, uint64_t tuple, uint64_t len, uint64_t netns,
		       uint64_t flags, int protocol)
{
	const uint8_t *t = (const uint8_t *)(uintptr_t)tuple;
	const struct bpfvm_hook_state *h = run->hook;
	size_t al;
	int family;
	uint16_t sport, dport;

	if (len == TUPLE4_SIZE)
		family = AF_INET;
	else if (len == TUPLE6_SIZE)
		family = AF_INET6;
	else
		return 0;
	if (flags || (int32_t)netns >= 0 || !h)
		return 0;
	al = family == AF_INET ? 4 : 16;
	memcpy(&sport, t + 2 * al, 2);
	memcpy(&dport, t + 2 * al + 2, 2);
	return (uint64_t)(uintptr_t)bpfvm_sockets_lookup(h->sockets, family, protocol, t, sport,
							 t + al, dport);
}

BPFVM_HELPER(sk_lookup_tcp)
{
	(void)r1;
	return lookup(run, r2, r3, r4, r5, IPPROTO_TCP);
}

BPFVM_HELPER(sk_lookup_udp)
{
	(void)r1;
	return lookup(run, r2, r3, r4, r5, IPPROTO_UDP);
}

BPFVM_HELPER(skc_lookup_tcp)
{
	(void)r1;
	return lookup(run, r2, r3, r4, r5, IPPROTO_TCP);
}

BPFVM_HELPER(sk_release)
{
	(void)r1;
	(void)r2;
	(void)r3;
	(void)r4;
	(void)r5;
	(void)run;
	return 0;
}

BPFVM_HELPER(sk_assign)
{
	(void)r1;
	(void)r4;
	(void)r5;
	(void)run;
	if (!r2 || r3)
		return (uint64_t)-EINVAL;
	return (uint64_t)-EOPNOTSUPP;
}
