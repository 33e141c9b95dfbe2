/* A prog array shared by programs of different types: an XDP program tail
 * calls through it, a tc program (whose context, struct __sk_buff, is larger
 * than struct xdp_md) and a tracepoint program (a record of up to 8 KiB) are
 * candidates for its slots. Linux's prog array takes programs of its owner's
 * type only; tests/cli/run_tail_mixed.sh checks bpfvm refuses the others. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, 2);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, sizeof(__u32));
} jmp_mixed SEC(".maps");

SEC("xdp")
int xdp_jump(struct xdp_md *ctx)
{
	bpf_tail_call(ctx, &jmp_mixed, 0);
	return XDP_PASS;
}

SEC("xdp")
int xdp_target(struct xdp_md *ctx)
{
	return XDP_TX;
}

SEC("tc")
int tc_target(struct __sk_buff *skb)
{
	return (int)skb->tstamp;
}

SEC("tracepoint/sched/sched_switch")
int tp_target(void *ctx)
{
	return *(int *)(ctx + 4096);
}

char _license[] SEC("license") = "GPL";
