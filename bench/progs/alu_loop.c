/* Benchmark: a tight ALU loop of 10^4 iterations (multiply, shift, xor, add),
 * seeded from the packet so that nothing folds at compile time. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("xdp")
int alu_loop(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data, *data_end = (void *)(long)ctx->data_end;
	__u64 x, y = 0;

	if (data + 8 > data_end)
		return XDP_ABORTED;
	x = *(__u64 *)data;
#pragma clang loop unroll(disable)
	for (__u32 i = 0; i < 10000; i++) {
		x = x * 0x9e3779b1 + i;
		y ^= x >> 29;
		y += x & 0xffff;
	}
	return (__u32)(x ^ y);
}

char _license[] SEC("license") = "GPL";
