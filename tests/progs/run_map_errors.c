/* bpfvm run tests: the return codes of map helpers, which programs branch on
 * and which must be Linux's: BPF_NOEXIST/BPF_EXIST on hash, LRU and array
 * maps, a full hash (-E2BIG), deleting from an array (-EINVAL), unknown flags,
 * out-of-range array indexes, LPM prefixes longer than the key, queue and
 * stack when empty. Each result goes to a slot of `rc` so one run shows all of
 * them; the program returns the number of the first slot that differs from
 * Linux's answer (0 when all match). */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#define EPERM 1
#define ENOENT 2
#define E2BIG 7
#define EEXIST 17
#define EINVAL 22

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 32);
	__type(key, __u32);
	__type(value, __s64);
} rc SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, __u64);
} h4 SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 2);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, __u32);
	__type(value, __u64);
} h2_noprealloc SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_HASH);
	__uint(max_entries, 2);
	__type(key, __u32);
	__type(value, __u64);
} pch2 SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, __u64);
} lru4 SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 2);
	__type(key, __u32);
	__type(value, __u64);
} a2 SEC(".maps");

struct lpm_key {
	__u32 prefixlen;
	__u8 addr[4];
};

struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, 4);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct lpm_key);
	__type(value, __u32);
} lpm4 SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_QUEUE);
	__uint(max_entries, 2);
	__type(value, __u64);
} q2 SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_STACK);
	__uint(max_entries, 2);
	__type(value, __u64);
} s2 SEC(".maps");

static __always_inline int put(__u32 slot, __s64 got, __s64 want, int *first_bad)
{
	bpf_map_update_elem(&rc, &slot, &got, BPF_ANY);
	if (got != want && !*first_bad)
		*first_bad = slot;
	return 0;
}

SEC("xdp")
int map_errors(struct xdp_md *ctx)
{
	__u64 v = 1;
	__u32 k;
	int bad = 0;

	/* hash: flags */
	k = 1;
	put(1, bpf_map_update_elem(&h4, &k, &v, BPF_NOEXIST), 0, &bad);
	put(2, bpf_map_update_elem(&h4, &k, &v, BPF_NOEXIST), -EEXIST, &bad);
	k = 2;
	put(3, bpf_map_update_elem(&h4, &k, &v, BPF_EXIST), -ENOENT, &bad);
	k = 1;
	v = 11;
	put(4, bpf_map_update_elem(&h4, &k, &v, BPF_EXIST), 0, &bad);
	put(5, bpf_map_update_elem(&h4, &k, &v, 4), -EINVAL, &bad);
	/* hash: full (keys 1..4 fit, 5 does not; replacing an existing key does) */
	k = 2;
	bpf_map_update_elem(&h4, &k, &v, BPF_ANY);
	k = 3;
	bpf_map_update_elem(&h4, &k, &v, BPF_ANY);
	k = 4;
	put(6, bpf_map_update_elem(&h4, &k, &v, BPF_ANY), 0, &bad);
	k = 5;
	put(7, bpf_map_update_elem(&h4, &k, &v, BPF_ANY), -E2BIG, &bad);
	k = 4;
	put(8, bpf_map_update_elem(&h4, &k, &v, BPF_ANY), 0, &bad);
	/* hash: delete */
	k = 3;
	put(9, bpf_map_delete_elem(&h4, &k), 0, &bad);
	put(10, bpf_map_delete_elem(&h4, &k), -ENOENT, &bad);
	put(11, bpf_map_lookup_elem(&h4, &k) != 0, 0, &bad);
	/* hash without preallocation, full */
	k = 1;
	bpf_map_update_elem(&h2_noprealloc, &k, &v, BPF_ANY);
	k = 2;
	bpf_map_update_elem(&h2_noprealloc, &k, &v, BPF_ANY);
	k = 3;
	put(12, bpf_map_update_elem(&h2_noprealloc, &k, &v, BPF_ANY), -E2BIG, &bad);
	/* per-CPU hash, full */
	k = 1;
	bpf_map_update_elem(&pch2, &k, &v, BPF_ANY);
	k = 2;
	bpf_map_update_elem(&pch2, &k, &v, BPF_ANY);
	k = 3;
	put(13, bpf_map_update_elem(&pch2, &k, &v, BPF_NOEXIST), -E2BIG, &bad);
	/* LRU: NOEXIST on an existing key, and eviction instead of -E2BIG */
	k = 1;
	bpf_map_update_elem(&lru4, &k, &v, BPF_ANY);
	put(14, bpf_map_update_elem(&lru4, &k, &v, BPF_NOEXIST), -EEXIST, &bad);
	for (__u32 i = 2; i <= 6; i++) {
		k = i;
		bpf_map_update_elem(&lru4, &k, &v, BPF_ANY);
	}
	put(15, bpf_map_lookup_elem(&lru4, &k) != 0, 1, &bad);
	/* array: every element exists; out of range; no delete */
	k = 0;
	put(16, bpf_map_update_elem(&a2, &k, &v, BPF_NOEXIST), -EEXIST, &bad);
	put(17, bpf_map_update_elem(&a2, &k, &v, BPF_EXIST), 0, &bad);
	k = 2;
	put(18, bpf_map_update_elem(&a2, &k, &v, BPF_ANY), -E2BIG, &bad);
	put(19, bpf_map_lookup_elem(&a2, &k) != 0, 0, &bad);
	k = 1;
	put(20, bpf_map_delete_elem(&a2, &k), -EINVAL, &bad);
	/* LPM: prefix longer than the key; delete of a missing prefix */
	struct lpm_key lk = { .prefixlen = 33, .addr = { 10 } };
	__u32 hop = 1;
	put(21, bpf_map_update_elem(&lpm4, &lk, &hop, BPF_ANY), -EINVAL, &bad);
	lk.prefixlen = 8;
	put(22, bpf_map_update_elem(&lpm4, &lk, &hop, BPF_ANY), 0, &bad);
	put(23, bpf_map_update_elem(&lpm4, &lk, &hop, BPF_NOEXIST), -EEXIST, &bad);
	lk.prefixlen = 16;
	put(24, bpf_map_delete_elem(&lpm4, &lk), -ENOENT, &bad);
	/* queue and stack: empty, full */
	put(25, bpf_map_pop_elem(&q2, &v), -ENOENT, &bad);
	put(26, bpf_map_peek_elem(&s2, &v), -ENOENT, &bad);
	v = 7;
	bpf_map_push_elem(&s2, &v, 0);
	bpf_map_push_elem(&s2, &v, 0);
	put(27, bpf_map_push_elem(&s2, &v, 0), -E2BIG, &bad);
	put(28, bpf_map_push_elem(&s2, &v, 4), -EINVAL, &bad);
	return bad;
}

char LICENSE[] SEC("license") = "GPL";
