/* State a hook keeps for one program run, reachable from helpers through
 * bpfvm_run.hook: what the helpers that depend on where the program runs (the
 * redirect helpers, whose return value and effect differ between XDP and tc)
 * need to know and report. */
#ifndef BPFVM_HOOKS_HOOK_H
#define BPFVM_HOOKS_HOOK_H

#include <stdint.h>

#include "bpfvm/prog.h"

struct bpfvm_hook_state {
	uint32_t prog_type;
	struct bpfvm_redirect redirect;
};

#endif
