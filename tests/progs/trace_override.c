/* bpfvm run tests of bpf_override_return, apart from run_tracing.c because
 * the helper exists only in kernels built with CONFIG_BPF_KPROBE_OVERRIDE
 * (this object is therefore not among the run_*.o that the kernel
 * differential loads into Linux), and of the perf counter helpers on the same
 * perf event array. */
#define __TARGET_ARCH_x86
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct pt_regs {
	unsigned long r15, r14, r13, r12, rbp, rbx, r11, r10, r9, r8;
	unsigned long rax, rcx, rdx, rsi, rdi, orig_rax;
	unsigned long rip, cs, eflags, rsp, ss;
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 8);
	__type(key, __u32);
	__type(value, __u64);
} trace_out SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERF_EVENT_ARRAY);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, sizeof(__u32));
} trace_events SEC(".maps");

static __always_inline void out(__u32 k, __u64 v)
{
	bpf_map_update_elem(&trace_out, &k, &v, BPF_ANY);
}

/* override_return sets pt_regs.ax (seen in the context that comes out); the
 * perf counter helpers have no counter to read: -ENOENT for an empty slot,
 * -E2BIG past the array, -EINVAL for a value of the wrong size, the value
 * cleared each time. Slots 0-5. */
SEC("kprobe/should_fail_alloc_page")
int kprobe_override(struct pt_regs *ctx)
{
	struct bpf_perf_event_value v;

	out(0, bpf_override_return(ctx, -12));
	out(1, bpf_perf_event_read(&trace_events, BPF_F_CURRENT_CPU));
	out(2, bpf_perf_event_read(&trace_events, 100000));
	__builtin_memset(&v, 0xff, sizeof(v));
	out(3, bpf_perf_event_read_value(&trace_events, BPF_F_CURRENT_CPU, &v, sizeof(v)));
	out(4, v.counter | v.enabled | v.running);
	out(5, bpf_perf_event_read_value(&trace_events, BPF_F_CURRENT_CPU, &v, 16));
	return 0;
}

char _license[] SEC("license") = "GPL";
