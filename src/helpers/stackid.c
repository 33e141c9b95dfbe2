/* bpf_get_stackid (helper 27): the id, in a stack trace map, of the stack the
 * program was called on, and bpf_get_stack (67): that stack copied into the
 * program's buffer. In the kernel that is the callchain perf unwinds from
 * the probe's registers. bpfvm's contexts are bytes given by the caller, with
 * no stack behind them, so the stack bpfvm knows is the one frame the
 * context's registers name: pt_regs.ip of a kprobe or perf_event context
 * (kernel or user stack alike). Tracepoint and raw tracepoint contexts carry
 * no registers, and an ip of 0 is no frame: the callchain is empty, which
 * Linux answers with -EFAULT, as it does when the skip count (flags & 0xff)
 * passes the stack's depth. BPF_F_FAST_STACK_CMP changes nothing here (the
 * comparison is always the full one).
 *
 * bpf_get_stack follows Linux's __bpf_get_stack: flags other than the skip
 * count, BPF_F_USER_STACK and BPF_F_USER_BUILD_ID (which needs the user
 * stack) and a size that is not a multiple of the element (8 bytes, or a
 * 32-byte struct bpf_stack_build_id) are -EINVAL; a skip count past the
 * stack's depth is -EFAULT; on errors the buffer is zeroed. Otherwise the
 * frames after the skipped ones that fit are copied, the rest of the buffer
 * zeroed, and the bytes copied returned (0 when the skip count equals the
 * depth). bpfvm knows no build ids, so a build-id element has Linux's
 * fallback status BPF_STACK_BUILD_ID_IP and the address. */
#include <errno.h>
#include <string.h>

#include "helpers/helpers.h"
#include "hooks/hook.h"
#include "maps/map.h"
#include "progtype/ctx.h"
#include "progtype/progtype.h"

#define F_SKIP_FIELD_MASK 0xffull
#define F_USER_STACK (1ull << 8)
#define F_FAST_STACK_CMP (1ull << 9)
#define F_REUSE_STACKID (1ull << 10)

#define F_USER_BUILD_ID (1ull << 11)
#define STACK_BUILD_ID_IP 2
#define BUILD_ID_SIZE 20

/* struct bpf_stack_build_id */
struct build_id_elem {
	int32_t status;
	unsigned char build_id[BUILD_ID_SIZE];
	uint64_t ip;
};

/* The one frame bpfvm knows: the context's instruction pointer, 0 for none. */
static uint64_t frame_ip(const struct bpfvm_run *run, uint64_t ctx)
{
	const struct bpfvm_hook_state *h = run->hook;

	if (h && (h->prog_type == BPFVM_PROG_KPROBE || h->prog_type == BPFVM_PROG_PERF_EVENT))
		return ((const struct bpfvm_uapi_pt_regs *)(uintptr_t)ctx)->ip;
	return 0;
}

BPFVM_HELPER(get_stackid)
{
	uint64_t ip;

	(void)r4;
	(void)r5;
	if (r3 & ~(F_SKIP_FIELD_MASK | F_USER_STACK | F_FAST_STACK_CMP | F_REUSE_STACKID))
		return (uint64_t)-EINVAL;
	ip = frame_ip(run, r1);
	if (!ip || (r3 & F_SKIP_FIELD_MASK) >= 1)
		return (uint64_t)-EFAULT;
	return (uint64_t)bpfvm_stack_trace_get_id((struct bpfvm_map *)(uintptr_t)r2, &ip, 1,
						  r3 & F_REUSE_STACKID);
}

BPFVM_HELPER(get_stack)
{
	uint8_t *buf = (uint8_t *)(uintptr_t)r2;
	uint64_t size = r3, flags = r4, skip = r4 & F_SKIP_FIELD_MASK;
	bool build_id = flags & F_USER_BUILD_ID;
	uint64_t elem = build_id ? sizeof(struct build_id_elem) : sizeof(uint64_t);
	uint64_t ip = frame_ip(run, r1), depth = ip ? 1 : 0, n;
	int64_t err;

	(void)r5;
	if (flags & ~(F_SKIP_FIELD_MASK | F_USER_STACK | F_USER_BUILD_ID) ||
	    (build_id && !(flags & F_USER_STACK)) || size % elem) {
		err = -EINVAL;
		goto clear;
	}
	if (depth < skip) {
		err = -EFAULT;
		goto clear;
	}
	n = depth - skip < size / elem ? depth - skip : size / elem;
	memset(buf, 0, size);
	if (n && build_id) {
		struct build_id_elem e = { .status = STACK_BUILD_ID_IP, .ip = ip };

		memcpy(buf, &e, sizeof(e));
	} else if (n) {
		memcpy(buf, &ip, sizeof(ip));
	}
	return n * elem;
clear:
	memset(buf, 0, size);
	return (uint64_t)err;
}
