/* bpfvm run tests: BPF_MAP_TYPE_QUEUE (FIFO) and BPF_MAP_TYPE_STACK (LIFO).
 * qs_ops pushes 1, 2, 3 into both, peeks and pops one, and encodes what it
 * saw as decimal digits of the return value; a push into a full queue without
 * BPF_EXIST fails, with BPF_EXIST it drops the oldest. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_QUEUE);
	__uint(max_entries, 4);
	__type(value, __u32);
} fifo SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_STACK);
	__uint(max_entries, 4);
	__type(value, __u32);
} lifo SEC(".maps");

SEC("xdp")
int qs_ops(struct xdp_md *ctx)
{
	__u32 v, res = 0;

	for (int i = 1; i <= 3; i++) {
		v = i;
		if (bpf_map_push_elem(&fifo, &v, 0) || bpf_map_push_elem(&lifo, &v, 0))
			return 1;
	}
	if (bpf_map_peek_elem(&fifo, &v))
		return 2;
	res = res * 10 + v; /* 1 */
	if (bpf_map_pop_elem(&fifo, &v))
		return 3;
	res = res * 10 + v; /* 1 */
	if (bpf_map_peek_elem(&lifo, &v))
		return 4;
	res = res * 10 + v; /* 3 */
	if (bpf_map_pop_elem(&lifo, &v))
		return 5;
	res = res * 10 + v; /* 3 */
	return res;          /* 1133; fifo holds 2 3, lifo holds 1 2 */
}

/* Fills the 4-slot queue, then: push without flags -> -E2BIG, push with
 * BPF_EXIST -> replaces the oldest. Returns 0 when both behave; the queue
 * holds 2 3 4 5. Popping an empty stack gives -ENOENT. */
SEC("xdp")
int qs_full(struct xdp_md *ctx)
{
	__u32 v;

	for (int i = 1; i <= 4; i++) {
		v = i;
		if (bpf_map_push_elem(&fifo, &v, 0))
			return 1;
	}
	v = 5;
	if (bpf_map_push_elem(&fifo, &v, 0) != -7)
		return 2;
	if (bpf_map_push_elem(&fifo, &v, BPF_EXIST))
		return 3;
	if (bpf_map_pop_elem(&lifo, &v) != -2)
		return 4;
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
