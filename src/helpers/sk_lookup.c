/* Socket lookups: bpf_sk_lookup_tcp (84), bpf_sk_lookup_udp (85),
 * bpf_skc_lookup_tcp (99), bpf_sk_release (86) and bpf_sk_assign (124).
 *
 * In Linux a lookup searches the host's sockets for the 4-tuple in a struct
 * bpf_sock_tuple and returns the socket with a reference held (which the
 * verifier makes the program release), or NULL when no socket matches or the
 * arguments are wrong (a tuple size that is neither the IPv4 nor the IPv6
 * one, flags other than 0, an unknown network namespace). bpfvm runs outside
 * any network stack: there are no sockets, so every lookup finds none and
 * returns NULL — the answer Linux gives on a host with no matching socket —
 * and a program's "no socket" path is the one that runs. bpf_sk_release is
 * then never reached with a socket; it returns 0, as Linux's always does.
 * bpf_sk_assign (124), which steers a tc ingress packet to a socket, can
 * likewise only be given NULL, which Linux answers with -EINVAL before any
 * other check. */
#include <errno.h>

#include "helpers/helpers.h"

BPFVM_HELPER(sk_lookup_tcp)
{
	(void)r1;
	(void)r2;
	(void)r3;
	(void)r4;
	(void)r5;
	(void)run;
	return 0; /* no socket matches */
}

BPFVM_HELPER(sk_lookup_udp)
{
	(void)r1;
	(void)r2;
	(void)r3;
	(void)r4;
	(void)r5;
	(void)run;
	return 0; /* no socket matches */
}

BPFVM_HELPER(skc_lookup_tcp)
{
	(void)r1;
	(void)r2;
	(void)r3;
	(void)r4;
	(void)r5;
	(void)run;
	return 0; /* no socket matches */
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
	(void)r2;
	(void)r3;
	(void)r4;
	(void)r5;
	(void)run;
	return (uint64_t)-EINVAL; /* no socket */
}
