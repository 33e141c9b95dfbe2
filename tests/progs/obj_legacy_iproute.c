/* Object-loader test: iproute2's struct bpf_elf_map (id, pinning, inner_id,
 * inner_idx) as tc loaded it, with classifier sections and tail-call
 * sections named by number. A map-of-maps names its template by the
 * template's id (inner_id), as Cilium's Maglev maps do; its inner_idx is a
 * slot number that must not be taken for a map index. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct bpf_elf_map {
	__u32 type;
	__u32 size_key;
	__u32 size_value;
	__u32 max_elem;
	__u32 flags;
	__u32 id;
	__u32 pinning;
	__u32 inner_id;
	__u32 inner_idx;
};

#define PIN_GLOBAL_NS 2

struct bpf_elf_map SEC("maps") jmp_tc = {
	.type = BPF_MAP_TYPE_PROG_ARRAY,
	.size_key = sizeof(__u32),
	.size_value = sizeof(__u32),
	.max_elem = 4,
	.pinning = PIN_GLOBAL_NS,
};

struct bpf_elf_map SEC("maps") counters = {
	.type = BPF_MAP_TYPE_PERCPU_ARRAY,
	.size_key = sizeof(__u32),
	.size_value = sizeof(__u64),
	.max_elem = 2,
	.id = 7,
};

struct bpf_elf_map SEC("maps") maglev_inner = {
	.type = BPF_MAP_TYPE_ARRAY,
	.size_key = sizeof(__u32),
	.size_value = 64,
	.max_elem = 1,
	.id = 9,
	.inner_idx = 0xffffffff,
};

struct bpf_elf_map SEC("maps") maglev_outer = {
	.type = BPF_MAP_TYPE_HASH_OF_MAPS,
	.size_key = sizeof(__u32),
	.size_value = sizeof(__u32),
	.max_elem = 8,
	.pinning = PIN_GLOBAL_NS,
	.inner_id = 9,
};

SEC("1/0")
int tail_zero(struct __sk_buff *skb)
{
	__u32 key = 0;
	__u64 *v = bpf_map_lookup_elem(&counters, &key);

	if (v)
		*v += 1;
	return 0;
}

SEC("classifier")
int entry(struct __sk_buff *skb)
{
	bpf_tail_call(skb, &jmp_tc, 0);
	return 0;
}

SEC("classifier")
int inner_by_id(struct __sk_buff *skb)
{
	__u32 key = 0, *v;
	void *inner = bpf_map_lookup_elem(&maglev_outer, &key);

	if (!inner)
		return 0;
	v = bpf_map_lookup_elem(inner, &key);
	return v ? v[15] : 0;
}

char _license[] SEC("license") = "GPL";
