/* bpfvm run tests: helpers that call back into the program. bpf_loop sums
 * 1..n for n from the packet's first byte (and stops early when the callback
 * returns 1); bpf_for_each_map_elem walks an array and a hash, summing the
 * values and counting elements, and a callback that returns 1 stops the walk. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, __u64);
} cb_array SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 8);
	__type(key, __u32);
	__type(value, __u64);
} cb_hash SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, __u64);
} cb_out SEC(".maps");

struct loop_ctx {
	__u64 sum;
	__u32 stop_at;
};

static long loop_body(__u32 i, void *data)
{
	struct loop_ctx *c = data;

	if (c->stop_at && i == c->stop_at)
		return 1;
	c->sum += i + 1;
	return 0;
}

struct walk_ctx {
	__u64 sum;
	__u64 count;
	__u64 stop_over;
};

static long walk(void *map, __u32 *key, __u64 *val, struct walk_ctx *c)
{
	c->count++;
	c->sum += *val;
	if (c->stop_over && c->sum > c->stop_over)
		return 1;
	return 0;
}

static __always_inline void out(__u32 k, __u64 v)
{
	bpf_map_update_elem(&cb_out, &k, &v, BPF_ANY);
}

/* Packet byte 0: n iterations; byte 1: stop index (0 = none). Slot 0 of
 * cb_out gets the sum, slot 1 the number of iterations bpf_loop reports. */
SEC("xdp")
int loop_sum(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct loop_ctx c = {};
	long n;

	if (data + 2 > data_end)
		return 1;
	c.stop_at = *(__u8 *)(data + 1);
	n = bpf_loop(*(__u8 *)data, loop_body, &c, 0);
	out(0, c.sum);
	out(1, n);
	return 0;
}

/* Walks cb_array (all 4 slots exist) and cb_hash; cb_out slots: 0 = array
 * sum, 1 = array count, 2 = hash sum, 3 = hash count (stopping after the sum
 * exceeds 1000). Returns the number of hash elements visited. */
SEC("xdp")
int walk_maps(struct xdp_md *ctx)
{
	struct walk_ctx a = {}, h = { .stop_over = 1000 };
	long n;

	bpf_for_each_map_elem(&cb_array, walk, &a, 0);
	n = bpf_for_each_map_elem(&cb_hash, walk, &h, 0);
	out(0, a.sum);
	out(1, a.count);
	out(2, h.sum);
	out(3, h.count);
	return n;
}

char LICENSE[] SEC("license") = "GPL";
