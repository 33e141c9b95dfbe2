/* Benchmark: 128 LRU hash-map lookups in a loop, summing what they find (the
 * map holds keys 0..255 with even keys looked up). */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 256);
	__type(key, __u32);
	__type(value, __u64);
} table SEC(".maps");

SEC("xdp")
int lookup_lru(struct xdp_md *ctx)
{
	__u64 sum = 0;

#pragma clang loop unroll(disable)
	for (__u32 i = 0; i < 128; i++) {
		__u32 key = i * 2;
		__u64 *v = bpf_map_lookup_elem(&table, &key);

		if (v)
			sum += *v;
	}
	return (__u32)sum;
}

char _license[] SEC("license") = "GPL";
