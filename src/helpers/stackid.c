/* bpf_get_stackid (helper 27): the id, in a stack trace map, of the stack the
 * program was called on. In the kernel that is the callchain perf unwinds from
 * the probe's registers. bpfvm's contexts are bytes given by the caller, with
 * no stack behind them, so the stack bpfvm knows is the one frame the
 * context's registers name: pt_regs.ip of a kprobe or perf_event context
 * (kernel or user stack alike). Tracepoint and raw tracepoint contexts carry
 * no registers, and an ip of 0 is no frame: the callchain is empty, which
 * Linux answers with -EFAULT, as it does when the skip count (flags & 0xff)
 * passes the stack's depth. BPF_F_FAST_STACK_CMP changes nothing here (the
 * comparison is always the full one). */
#include <errno.h>

#include "helpers/helpers.h"
#include "hooks/hook.h"
#include "maps/map.h"
#include "progtype/ctx.h"
#include "progtype/progtype.h"

#define F_SKIP_FIELD_MASK 0xffull
#define F_USER_STACK (1ull << 8)
#define F_FAST_STACK_CMP (1ull << 9)
#define F_REUSE_STACKID (1ull << 10)

BPFVM_HELPER(get_stackid)
{
	const struct bpfvm_hook_state *h = run->hook;
	uint64_t ip = 0;

	if (r3 & ~(F_SKIP_FIELD_MASK | F_USER_STACK | F_FAST_STACK_CMP | F_REUSE_STACKID))
		return (uint64_t)-EINVAL;
	if (h && (h->prog_type == BPFVM_PROG_KPROBE || h->prog_type == BPFVM_PROG_PERF_EVENT))
		ip = ((const struct bpfvm_uapi_pt_regs *)(uintptr_t)r1)->ip;
	if (!ip || (r3 & F_SKIP_FIELD_MASK) >= 1)
		return (uint64_t)-EFAULT;
	return (uint64_t)bpfvm_stack_trace_get_id((struct bpfvm_map *)(uintptr_t)r2, &ip, 1,
						  r3 & F_REUSE_STACKID);
}
