/* Object-loader test: samples/bpf's longer struct bpf_map_def (inner_map_idx,
 * numa_node) and a legacy array of maps naming its template by index. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct bpf_map_def {
	unsigned int type;
	unsigned int key_size;
	unsigned int value_size;
	unsigned int max_entries;
	unsigned int map_flags;
	unsigned int inner_map_idx;
	unsigned int numa_node;
};

struct bpf_map_def SEC("maps") port_a = {
	.type = BPF_MAP_TYPE_ARRAY,
	.key_size = sizeof(__u32),
	.value_size = sizeof(int),
	.max_entries = 64,
};

struct bpf_map_def SEC("maps") a_of_port_a = {
	.type = BPF_MAP_TYPE_ARRAY_OF_MAPS,
	.key_size = sizeof(__u32),
	.inner_map_idx = 0,
	.max_entries = 8,
};

struct bpf_map_def SEC("maps") numa_hash = {
	.type = BPF_MAP_TYPE_HASH,
	.key_size = sizeof(__u32),
	.value_size = sizeof(__u64),
	.max_entries = 16,
	.map_flags = BPF_F_NUMA_NODE,
	.numa_node = 1,
};

SEC("kprobe/sys_connect")
int lookup_inner(void *ctx)
{
	__u32 key = 1;
	void *inner = bpf_map_lookup_elem(&a_of_port_a, &key);

	if (!inner)
		return 0;
	return bpf_map_lookup_elem(inner, &key) != 0;
}

char _license[] SEC("license") = "GPL";
