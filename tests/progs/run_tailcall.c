/* bpfvm run tests: tail calls through program arrays. jmp_static is filled
 * at load time from its __array(values, ...) initialiser; jmp_runtime is
 * empty until the test fills it (--map jmp_runtime KEY PROGNAME). The entry
 * program reads the slot from the packet's first byte; a missing slot falls
 * through and returns 100 + slot. A chain of tail calls counts its depth. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} depth SEC(".maps");

SEC("xdp")
int tail_a(struct xdp_md *ctx)
{
	return 11;
}

SEC("xdp")
int tail_b(struct xdp_md *ctx)
{
	return 22;
}

struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, 4);
	__uint(key_size, sizeof(__u32));
	__array(values, int(struct xdp_md *));
} jmp_static SEC(".maps") = {
	.values = { [0] = (void *)&tail_a, [2] = (void *)&tail_b },
};

struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, 4);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, sizeof(__u32));
} jmp_runtime SEC(".maps");

SEC("xdp")
int tail_entry(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	__u8 slot;

	if (data + 2 > data_end)
		return 0;
	slot = *(__u8 *)data & 3;
	if (*(__u8 *)(data + 1))
		bpf_tail_call(ctx, &jmp_runtime, slot);
	else
		bpf_tail_call(ctx, &jmp_static, slot);
	return 100 + slot;
}

/* Put in jmp_runtime slot 3 by the test: tail-calls itself through it until
 * the kernel's limit of 33 calls stops it, counting in `depth`. */
SEC("xdp")
int tail_loop(struct xdp_md *ctx)
{
	__u32 k = 0;
	__u64 *d = bpf_map_lookup_elem(&depth, &k);

	if (d)
		*d += 1;
	bpf_tail_call(ctx, &jmp_runtime, 3);
	return 7;
}

char LICENSE[] SEC("license") = "GPL";
