/* bpf_override_return (58), kprobes only: Linux sets the probed function's
 * return value (pt_regs.ax) and makes it return at once by pointing pt_regs.ip
 * at a stub. bpfvm's kprobe context is the caller's pt_regs and there is no
 * probed function to skip: the return value is written into the context's ax,
 * where a caller of the test-run sees it, and ip is left as it was. */
#include "helpers/helpers.h"
#include "progtype/ctx.h"

BPFVM_HELPER(override_return)
{
	((struct bpfvm_uapi_pt_regs *)(uintptr_t)r1)->ax = r2;
	return 0;
}
