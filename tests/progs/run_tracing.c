/* bpfvm run tests for the tracing program types: a kprobe reading through
 * pointers taken from its pt_regs (bad addresses given by the test through
 * --ctx: the read fails with -EFAULT and zeroes the destination) and from its
 * own memory (a .rodata string, a map value: the read succeeds), a
 * tracepoint reading its record, a raw tracepoint reading its args[], a
 * perf_event program reading bpf_perf_event_data, and perf_event_output's
 * tracing flags rule. Results go to the trace_out array, slot by slot. */
#define __TARGET_ARCH_x86
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

/* x86-64's struct pt_regs as <asm/ptrace.h> declares it for user space
 * (bpf_tracing.h's PT_REGS_* use these names outside the kernel), written
 * here so the test does not depend on the host's architecture headers. */
struct pt_regs {
	unsigned long r15, r14, r13, r12, rbp, rbx, r11, r10, r9, r8;
	unsigned long rax, rcx, rdx, rsi, rdi, orig_rax;
	unsigned long rip, cs, eflags, rsp, ss;
};

struct bpf_perf_event_data {
	struct pt_regs regs;
	__u64 sample_period;
	__u64 addr;
};

#include <bpf/bpf_tracing.h>

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 16);
	__type(key, __u32);
	__type(value, __u64);
} trace_out SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERF_EVENT_ARRAY);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, sizeof(__u32));
} trace_events SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_STACK_TRACE);
	__uint(max_entries, 4);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, 4 * sizeof(__u64));
} trace_stacks SEC(".maps");

static const char greeting[] = "hello, bpfvm";

static __always_inline void out(__u32 k, __u64 v)
{
	bpf_map_update_elem(&trace_out, &k, &v, BPF_ANY);
}

/* Slots: 0/1 probe_read_kernel of PARM1 (ret, value), 2/3 probe_read_user_str
 * of PARM2 (ret, first 8 bytes), 4/5 probe_read_kernel_str of a .rodata
 * string (ret, first 8 bytes), 6/7 bpf_probe_read of a map value (ret,
 * value), 8 probe_read_str into a 4-byte buffer (truncated: ret), 9 its
 * bytes. Returns PARM3. */
SEC("kprobe/do_sys_openat2")
int BPF_KPROBE(kprobe_reads, void *p1, const char *p2, long p3)
{
	__u64 v = 0x1111111111111111ull, m = 0, *cell;
	char s[16] = "xxxxxxxxxxxxxxx";
	char small[8] = "yyyyyyy";
	__u32 k = 15;
	__u64 w;

	out(0, bpf_probe_read_kernel(&v, sizeof(v), p1));
	out(1, v);
	out(2, bpf_probe_read_user_str(s, sizeof(s), p2));
	__builtin_memcpy(&w, s, 8);
	out(3, w);
	out(4, bpf_probe_read_kernel_str(s, sizeof(s), greeting));
	__builtin_memcpy(&w, s, 8);
	out(5, w);
	out(15, 0x0123456789abcdefull);
	cell = bpf_map_lookup_elem(&trace_out, &k);
	if (cell) {
		out(6, bpf_probe_read(&m, sizeof(m), cell));
		out(7, m);
	}
	out(8, bpf_probe_read_str(small, 4, greeting));
	__builtin_memcpy(&w, small, 8);
	out(9, w);
	return p3;
}

/* A kretprobe: the return value, perf_event_output's flags rule (a tracing
 * program may not ask for context bytes: -EINVAL; without a consumer the
 * plain output is -ENOENT) and get_stackid (the stack bpfvm knows is the
 * context's ip: an id, the same id again, -EFAULT when skipping that frame,
 * -EINVAL for unknown flags). Slots 10-15. */
SEC("kretprobe/do_sys_openat2")
int BPF_KRETPROBE(kretprobe_output, long ret)
{
	__u64 rec = ret;

	out(10, ret);
	out(11, bpf_perf_event_output(ctx, &trace_events, BPF_F_CURRENT_CPU | (8ull << 32),
				      &rec, sizeof(rec)));
	out(12, bpf_perf_event_output(ctx, &trace_events, BPF_F_CURRENT_CPU, &rec, sizeof(rec)));
	out(13, bpf_get_stackid(ctx, &trace_stacks, 0));
	out(14, bpf_get_stackid(ctx, &trace_stacks, BPF_F_FAST_STACK_CMP) ==
		bpf_get_stackid(ctx, &trace_stacks, BPF_F_USER_STACK));
	out(15, (__u32)bpf_get_stackid(ctx, &trace_stacks, 1) |
		(__u64)(__u32)bpf_get_stackid(ctx, &trace_stacks, 1ull << 11) << 32);
	return 0;
}

/* sched/sched_switch's record (tracefs format): common fields (8 bytes),
 * prev_comm[16] at 8, prev_pid at 24, prev_prio at 28, prev_state at 32,
 * next_comm[16] at 40, next_pid at 56, next_prio at 60. */
struct sched_switch_args {
	__u64 common;
	char prev_comm[16];
	int prev_pid;
	int prev_prio;
	long prev_state;
	char next_comm[16];
	int next_pid;
	int next_prio;
};

/* Slots 0-3: prev_pid, next_pid, prev_comm's first 8 bytes, get_stackid (no
 * registers, no stack: -EFAULT). Returns next_prio. */
SEC("tracepoint/sched/sched_switch")
int tp_switch(struct sched_switch_args *ctx)
{
	__u64 w;

	out(0, ctx->prev_pid);
	out(1, ctx->next_pid);
	__builtin_memcpy(&w, ctx->prev_comm, 8);
	out(2, w);
	out(3, bpf_get_stackid(ctx, &trace_stacks, 0));
	return ctx->next_prio;
}

/* sys_enter's arguments: args[0] the pt_regs pointer, args[1] the syscall
 * number. Slots 0-2: the number, probe_read of the pointed-to regs.di (ret,
 * value). Returns args[1]. */
SEC("raw_tracepoint/sys_enter")
int raw_sys_enter(struct bpf_raw_tracepoint_args *ctx)
{
	struct pt_regs *regs = (struct pt_regs *)ctx->args[0];
	__u64 di = 7;

	out(0, ctx->args[1]);
	out(1, bpf_probe_read_kernel(&di, sizeof(di), &regs->rdi));
	out(2, di);
	return ctx->args[1];
}

/* Slots 0-2: sample_period, addr, the interrupted ip; 3-4:
 * perf_prog_read_value (no perf event behind the context: -EOPNOTSUPP and a
 * cleared value). Returns the low half of sample_period (a narrow read). */
SEC("perf_event")
int perf_sample(struct bpf_perf_event_data *ctx)
{
	struct bpf_perf_event_value v;

	out(0, ctx->sample_period);
	out(1, ctx->addr);
	out(2, PT_REGS_IP(&ctx->regs));
	__builtin_memset(&v, 0xff, sizeof(v));
	out(3, bpf_perf_prog_read_value(ctx, &v, sizeof(v)));
	out(4, v.counter | v.enabled | v.running);
	return *(__u32 *)&ctx->sample_period;
}

char _license[] SEC("license") = "GPL";
