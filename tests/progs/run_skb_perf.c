/* bpf_perf_event_output from tc and XDP: a record of 8 bytes of program data
 * followed by the first 14 bytes of the packet (flags: BPF_F_CURRENT_CPU and
 * the length in the upper 32 bits), plus the argument checks. The result of
 * each call lands in perf_out; without a consumer on the perf event array
 * Linux (and bpfvm) answer -ENOENT, with one (tests/unit/test_map_perf.c)
 * the records arrive. */
#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_PERF_EVENT_ARRAY);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, sizeof(__u32));
} events SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, __u64);
} perf_out SEC(".maps");

static __always_inline void put(__u32 i, __s64 v)
{
	__u64 val = (__u64)v;

	bpf_map_update_elem(&perf_out, &i, &val, BPF_ANY);
}

SEC("tc")
int tc_perf(struct __sk_buff *skb)
{
	__u64 data = 0x1122334455667788ull;
	__u64 len = skb->len;

	put(0, bpf_perf_event_output(skb, &events, BPF_F_CURRENT_CPU | (14ull << 32), &data,
				     sizeof(data)));
	put(1, bpf_perf_event_output(skb, &events, 1ull << 52, &data, sizeof(data)));
	put(2, bpf_perf_event_output(skb, &events, BPF_F_CURRENT_CPU | ((len + 1) << 32), &data,
				     sizeof(data)));
	put(3, bpf_perf_event_output(skb, &events, 0xfffffffeull, &data, sizeof(data)));
	return TC_ACT_OK;
}

/* One record, the result as the return value: for threads running at once. */
SEC("tc")
int tc_emit(struct __sk_buff *skb)
{
	__u64 data = 0x1122334455667788ull;

	return bpf_perf_event_output(skb, &events, BPF_F_CURRENT_CPU | (14ull << 32), &data,
				     sizeof(data));
}

SEC("xdp")
int xdp_perf(struct xdp_md *xdp)
{
	__u32 data = 0xabcdef01;

	put(0, bpf_perf_event_output(xdp, &events, BPF_F_CURRENT_CPU | (6ull << 32), &data,
				     sizeof(data)));
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
