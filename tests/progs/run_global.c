/* bpfvm run tests: global data. A .rodata constant (volatile, as skeletons
 * set them) scales the result, a .data counter starts at 5 and is incremented
 * per run, a .bss array accumulates packet bytes, and a .data string is
 * rewritten. The return value is scale * (counter after the increment). */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

const volatile __u32 scale = 3;
const char greeting[8] = "hello";
__u32 counter = 5;
char tag[8] = "abc";
__u64 sum_bytes;
__u8 first_bytes[4];

SEC("xdp")
int global_rw(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;

	counter++;
	sum_bytes += data_end - data;
	if (data + 4 <= data_end)
		__builtin_memcpy(first_bytes, data, 4);
	tag[0] = greeting[0];
	tag[3] = greeting[4];
	return scale * counter;
}

char LICENSE[] SEC("license") = "GPL";
