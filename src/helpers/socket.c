/* Socket and network-namespace identity: bpf_get_socket_cookie (46) and
 * bpf_get_netns_cookie (122).
 *
 * Linux gives every socket a cookie when first asked, from a counter that
 * only grows (never 0, never reused), and every network namespace one when it
 * is created (the initial namespace's is 1). bpfvm models one socket per run
 * of a hook — the socket a test-run skb belongs to, or the one a
 * cgroup_sock_addr program connects or binds — whose cookie is taken from a
 * process-wide counter starting at 1 the first time a program of that run
 * asks, and the same for every later call in that run (--repeat included).
 * Programs run in the initial namespace: the netns cookie is always 1. */
#include <stdatomic.h>

#include "helpers/helpers.h"
#include "hooks/hook.h"

#define INIT_NET_COOKIE 1

static _Atomic uint64_t next_cookie = 1;

BPFVM_HELPER(get_socket_cookie)
{
	struct bpfvm_hook_state *h = run->hook;

	(void)r1;
	(void)r2;
	(void)r3;
	(void)r4;
	(void)r5;
	if (!h)
		return 0;
	if (!h->sk_cookie)
		h->sk_cookie = atomic_fetch_add(&next_cookie, 1);
	return h->sk_cookie;
}

BPFVM_HELPER(get_netns_cookie)
{
	(void)r1;
	(void)r2;
	(void)r3;
	(void)r4;
	(void)r5;
	(void)run;
	return INIT_NET_COOKIE;
}
