/* Benchmark: the Internet checksum (RFC 1071) over a whole 1,500-byte packet,
 * 16 bits at a time with a bounds check per word, as packet code must. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("xdp")
int checksum(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data, *data_end = (void *)(long)ctx->data_end;
	__u64 sum = 0;

#pragma clang loop unroll(disable)
	for (__u32 i = 0; i < 1500 / 2; i++) {
		__u16 *p = data + 2 * i;

		if ((void *)(p + 1) > data_end)
			break;
		sum += *p;
	}
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return (__u16)~sum;
}

char _license[] SEC("license") = "GPL";
