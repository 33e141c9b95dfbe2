/* Benchmark: 128 longest-prefix-match lookups in a loop (a route table of 256
 * IPv4 /24 prefixes, 10.<i>.<j>.0/24; each lookup is a /32 address inside an
 * even-numbered prefix), summing what they find. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct lpm_v4 {
	__u32 prefixlen;
	__u8 addr[4];
};

struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, 256);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct lpm_v4);
	__type(value, __u64);
} routes SEC(".maps");

SEC("xdp")
int lookup_lpm(struct xdp_md *ctx)
{
	__u64 sum = 0;

#pragma clang loop unroll(disable)
	for (__u32 i = 0; i < 128; i++) {
		struct lpm_v4 key = { 32, { 10, (__u8)(i * 2 >> 4), (__u8)(i * 2 & 15), 7 } };
		__u64 *v = bpf_map_lookup_elem(&routes, &key);

		if (v)
			sum += *v;
	}
	return (__u32)sum;
}

char _license[] SEC("license") = "GPL";
