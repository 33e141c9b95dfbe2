/* bpfvm run tests: maps of maps. An array of maps and a hash of maps, both
 * initialised statically with two inner arrays; the program picks the inner
 * map by the packet's first byte (array) and second byte (hash key), and adds
 * 1 to slot 0 and the packet length to slot 1 of each. Missing outer slots
 * return 9. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct inner_map {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 2);
	__type(key, __u32);
	__type(value, __u64);
} inner_a SEC(".maps"), inner_b SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
	__uint(max_entries, 4);
	__type(key, __u32);
	__array(values, struct inner_map);
} outer_arr SEC(".maps") = {
	.values = { &inner_a, &inner_b },
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH_OF_MAPS);
	__uint(max_entries, 4);
	__type(key, __u32);
	__array(values, struct inner_map);
} outer_hash SEC(".maps") = {
	.values = { [1] = &inner_b, [3] = &inner_a },
};

static __always_inline int bump(void *inner, __u64 len)
{
	__u32 k = 0;
	__u64 *v;

	if (!inner)
		return 9;
	v = bpf_map_lookup_elem(inner, &k);
	if (!v)
		return 8;
	*v += 1;
	k = 1;
	v = bpf_map_lookup_elem(inner, &k);
	if (!v)
		return 8;
	*v += len;
	return 0;
}

SEC("xdp")
int mim_bump(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	__u32 a, h;
	int r;

	if (data + 2 > data_end)
		return 7;
	a = *(__u8 *)data;
	h = *(__u8 *)(data + 1);
	r = bump(bpf_map_lookup_elem(&outer_arr, &a), data_end - data);
	if (r)
		return r;
	return bump(bpf_map_lookup_elem(&outer_hash, &h), data_end - data) * 10;
}

char LICENSE[] SEC("license") = "GPL";
