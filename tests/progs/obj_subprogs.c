/* Object-loader test: .text subprograms (static and global), called from
 * several programs and from each other, and bpf_loop callbacks (lddw with a
 * function address, BPF_PSEUDO_FUNC). */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} totals SEC(".maps");

static __attribute__((noinline)) int leaf(int x)
{
	return x * 3 + 1;
}

static __attribute__((noinline)) int middle(int x)
{
	return leaf(x) + leaf(x + 1);
}

__attribute__((noinline)) int global_helper(int x)
{
	__u32 key = 0;
	__u64 *v = bpf_map_lookup_elem(&totals, &key);

	if (v)
		*v += x;
	return middle(x) ^ 5;
}

static int loop_body(__u32 idx, void *data)
{
	*(int *)data += leaf(idx);
	return 0;
}

static int other_body(__u32 idx, void *data)
{
	*(int *)data ^= idx;
	return idx > 3;
}

SEC("xdp")
int calls_leaf(struct xdp_md *ctx)
{
	return leaf(ctx->rx_queue_index) & 3;
}

SEC("xdp")
int calls_middle(struct xdp_md *ctx)
{
	return middle(ctx->rx_queue_index) & 3;
}

SEC("tc")
int calls_global(struct __sk_buff *skb)
{
	return global_helper(skb->len);
}

SEC("tc")
int loops(struct __sk_buff *skb)
{
	int acc = 0;

	bpf_loop(8, loop_body, &acc, 0);
	bpf_loop(4, other_body, &acc, 0);
	return acc;
}

char _license[] SEC("license") = "GPL";
