/* bpf_loop: calls callback(i, ctx) for i = 0.. nr_loops-1 until it returns
 * non-zero. The callback is the instruction index an lddw BPF_PSEUDO_FUNC
 * loaded, run through the engine in a fresh frame. Linux's rules: flags must be
 * 0 (-EINVAL), at most 1 << 23 iterations (-E2BIG); returns the number of
 * iterations done, counting the one that stopped the loop. A callback the
 * engine aborted (run->error) stops it too. */
#include <errno.h>

#include "helpers/helpers.h"

BPFVM_HELPER(loop)
{
	uint32_t nr_loops = (uint32_t)r1, i;

	if (r4)
		return (uint64_t)-EINVAL;
	if (nr_loops > BPFVM_MAX_LOOPS)
		return (uint64_t)-E2BIG;
	for (i = 0; i < nr_loops; i++)
		if (bpfvm_exec_call(run, (uint32_t)r2, i, r3, 0, 0, 0) || run->error)
			return (uint64_t)i + 1;
	return i;
}
