/* State a hook keeps for one program run, reachable from helpers through
 * bpfvm_run.hook: what the helpers that depend on where the program runs (the
 * redirect helpers, whose return value and effect differ between XDP and tc)
 * need to know and report, the FIB that bpf_fib_lookup answers from and the
 * sockets the socket lookups find. */
#ifndef BPFVM_HOOKS_HOOK_H
#define BPFVM_HOOKS_HOOK_H

#include <stdint.h>

#include "bpfvm/prog.h"

struct bpfvm_hook_state {
	uint32_t prog_type;
	struct bpfvm_redirect redirect;
	const struct bpfvm_fib *fib; /* never NULL while a program runs */
	const struct bpfvm_sockets *sockets; /* what socket lookups find; NULL: nothing */
	uint64_t sk_cookie; /* the run's socket's cookie, 0 until asked (helpers/socket.c) */
	/* bpf_clone_redirect's copies: recorded up to BPFVM_TEST_RUN_MAX_CLONES,
	 * counted all. */
	uint32_t clone_cnt;
	struct bpfvm_clone clones[BPFVM_TEST_RUN_MAX_CLONES];
};

#endif
