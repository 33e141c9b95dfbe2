/* bpfvm run tests: an LRU flow table, as connection trackers keep one. Each
 * packet's IPv4 source/destination pair is a flow; the LRU hash counts its
 * packets and bytes, the LRU per-CPU hash its bytes per CPU. lru_fill inserts
 * more flows than the table holds, so eviction must make room: every insert
 * succeeds and the newest flow is always present. */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

struct flow {
	__u32 saddr, daddr;
};

struct flow_stats {
	__u64 packets, bytes;
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 64);
	__type(key, struct flow);
	__type(value, struct flow_stats);
} flows SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_PERCPU_HASH);
	__uint(max_entries, 64);
	__type(key, struct flow);
	__type(value, __u64);
} flow_bytes SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 8);
	__type(key, __u32);
	__type(value, __u32);
} small_lru SEC(".maps");

SEC("xdp")
int lru_flow(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	struct iphdr *ip = (void *)(eth + 1);
	struct flow_stats *st, init = {};
	struct flow key;
	__u64 len = data_end - data, *b;

	if ((void *)(ip + 1) > data_end || eth->h_proto != bpf_htons(ETH_P_IP))
		return XDP_PASS;
	key.saddr = ip->saddr;
	key.daddr = ip->daddr;
	st = bpf_map_lookup_elem(&flows, &key);
	if (!st) {
		bpf_map_update_elem(&flows, &key, &init, BPF_NOEXIST);
		st = bpf_map_lookup_elem(&flows, &key);
		if (!st)
			return XDP_ABORTED;
	}
	st->packets++;
	st->bytes += len;
	b = bpf_map_lookup_elem(&flow_bytes, &key);
	if (b)
		*b += len;
	else
		bpf_map_update_elem(&flow_bytes, &key, &len, BPF_ANY);
	return XDP_PASS;
}

/* Inserts keys 1..32 into an 8-entry LRU; returns the number of failed
 * inserts (0) plus 100 when the last key is missing afterwards. */
SEC("xdp")
int lru_fill(struct xdp_md *ctx)
{
	__u32 failed = 0, k, v;

	for (int i = 1; i <= 32; i++) {
		k = i;
		v = i * 10;
		if (bpf_map_update_elem(&small_lru, &k, &v, BPF_ANY))
			failed++;
	}
	k = 32;
	if (!bpf_map_lookup_elem(&small_lru, &k))
		failed += 100;
	return failed;
}

char LICENSE[] SEC("license") = "GPL";
