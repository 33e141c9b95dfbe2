/* bpfvm run tests: map values guarded by bpf_spin_lock, in an array and a
 * hash. Each run adds the packet length to `bytes` and 1 to `packets` under
 * the lock; the value's lock bytes read back as zero from user space. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct counter {
	struct bpf_spin_lock lock;
	__u32 packets;
	__u64 bytes;
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct counter);
} locked_arr SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, struct counter);
} locked_hash SEC(".maps");

SEC("xdp")
int spin_count(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	__u64 len = data_end - data;
	struct counter *c, init = {};
	__u32 k = 0;

	c = bpf_map_lookup_elem(&locked_arr, &k);
	if (!c)
		return 1;
	bpf_spin_lock(&c->lock);
	c->packets++;
	c->bytes += len;
	bpf_spin_unlock(&c->lock);

	k = 7;
	c = bpf_map_lookup_elem(&locked_hash, &k);
	if (!c) {
		bpf_map_update_elem(&locked_hash, &k, &init, BPF_NOEXIST);
		c = bpf_map_lookup_elem(&locked_hash, &k);
		if (!c)
			return 2;
	}
	bpf_spin_lock(&c->lock);
	c->packets += 2;
	c->bytes += 2 * len;
	bpf_spin_unlock(&c->lock);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
