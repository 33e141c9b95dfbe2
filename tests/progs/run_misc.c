/* bpfvm run tests: helpers whose results depend on the host. Only stable
 * properties are asserted by the tests: ktime_get_ns and ktime_get_boot_ns
 * are non-zero and do not go backwards, get_prandom_u32 does not return the
 * same value eight times, get_smp_processor_id is below the CPU count.
 * trace_printk's message is checked on bpfvm's stderr. csum_diff's folded
 * result is exact. The misc_out array holds what was seen. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 8);
	__type(key, __u32);
	__type(value, __u64);
} misc_out SEC(".maps");

static __always_inline void out(__u32 k, __u64 v)
{
	bpf_map_update_elem(&misc_out, &k, &v, BPF_ANY);
}

/* Slots: 0 ktime ok (1), 1 boot time ok (1), 2 distinct random values
 * seen (>1), 3 cpu id. Returns 0. */
SEC("xdp")
int time_rand_cpu(struct xdp_md *ctx)
{
	__u64 t1, t2, b1, b2;
	__u32 first = bpf_get_prandom_u32(), distinct = 1;

	t1 = bpf_ktime_get_ns();
	b1 = bpf_ktime_get_boot_ns();
	t2 = bpf_ktime_get_ns();
	b2 = bpf_ktime_get_boot_ns();
	out(0, t1 && t2 >= t1);
	out(1, b1 && b2 >= b1 && b1 >= t1);
	for (int i = 0; i < 7; i++)
		if (bpf_get_prandom_u32() != first)
			distinct++;
	out(2, distinct);
	out(3, bpf_get_smp_processor_id());
	return 0;
}

SEC("xdp")
int printk(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;

	bpf_printk("bpfvm-printk len=%d x=%x", (int)(data_end - data), 0xbeef);
	return XDP_PASS;
}

/* The conversions programs use, each line checked word for word on stderr. */
SEC("xdp")
int printk_formats(struct xdp_md *ctx)
{
	char name[] = "hello";

	bpf_printk("u=%u d=%d x=%x", 4000000000u, -5, 0xbeef);
	bpf_printk("lld=%lld llu=%llu llx=%llx", -1234567890123LL, 18446744073709551615ULL,
		   0xdeadbeefcafeULL);
	bpf_printk("s=%s pct=100%% i=%i", name, 42);
	return XDP_PASS;
}

static __always_inline __u16 fold(__s64 csum)
{
	__u32 s = (__u32)csum;

	s = (s & 0xffff) + (s >> 16);
	s = (s & 0xffff) + (s >> 16);
	return s;
}

/* The folded one's-complement sums of: the first 8 packet bytes (slot 4),
 * the change from the first 4 bytes to the next 4 (slot 5), and the same
 * with a seed of 0x1234 (slot 6). Returns the first folded sum. */
SEC("xdp")
int csum(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	__be32 buf[2];
	__u16 a, b, c;

	if (data + 8 > data_end)
		return 0;
	__builtin_memcpy(buf, data, 8);
	a = fold(bpf_csum_diff(0, 0, buf, 8, 0));
	b = fold(bpf_csum_diff(&buf[0], 4, &buf[1], 4, 0));
	c = fold(bpf_csum_diff(&buf[0], 4, &buf[1], 4, 0x1234));
	out(4, a);
	out(5, b);
	out(6, c);
	return a;
}

char LICENSE[] SEC("license") = "GPL";
