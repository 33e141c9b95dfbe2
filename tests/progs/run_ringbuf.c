/* bpfvm run tests: ring-buffer events. ringbuf_events reserves and submits
 * one record per packet (its length and first bytes), reserves and discards
 * a second one, emits a third with bpf_ringbuf_output, and returns how many
 * bytes bpf_ringbuf_query says are waiting. A full ring must refuse
 * reservations (ringbuf_full). */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct event {
	__u32 kind;
	__u32 len;
	__u8 head[8];
};

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4096);
} events SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, __u64);
} rb_stats SEC(".maps");

static __always_inline void stat_set(__u32 idx, __u64 v)
{
	bpf_map_update_elem(&rb_stats, &idx, &v, BPF_ANY);
}

SEC("xdp")
int ringbuf_events(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct event *e, out = { .kind = 3 };

	e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e)
		return 1;
	e->kind = 1;
	e->len = data_end - data;
	__builtin_memset(e->head, 0, sizeof(e->head));
	if (data + 8 <= data_end)
		__builtin_memcpy(e->head, data, 8);
	bpf_ringbuf_submit(e, 0);

	e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e)
		return 2;
	e->kind = 2;
	bpf_ringbuf_discard(e, 0);

	out.len = data_end - data;
	if (bpf_ringbuf_output(&events, &out, sizeof(out), 0))
		return 3;
	/* Three 16-byte records with 8-byte headers lie between the consumer
	 * and the producer: the discarded one keeps its space until a consumer
	 * passes it, so AVAIL_DATA is 3 * 24 = 72. */
	stat_set(0, bpf_ringbuf_query(&events, BPF_RB_AVAIL_DATA));
	stat_set(1, bpf_ringbuf_query(&events, BPF_RB_RING_SIZE));
	return 0;
}

/* A 4 KiB ring holds two 1400-byte records (1408 bytes with their headers)
 * but not a third: returns 0 when the third reservation is refused. */
SEC("xdp")
int ringbuf_full(struct xdp_md *ctx)
{
	void *a, *b, *c;

	a = bpf_ringbuf_reserve(&events, 1400, 0);
	if (!a)
		return 1;
	b = bpf_ringbuf_reserve(&events, 1400, 0);
	if (!b) {
		bpf_ringbuf_discard(a, 0);
		return 2;
	}
	c = bpf_ringbuf_reserve(&events, 1400, 0);
	if (c) {
		bpf_ringbuf_discard(c, 0);
		bpf_ringbuf_discard(b, 0);
		bpf_ringbuf_discard(a, 0);
		return 3;
	}
	bpf_ringbuf_discard(b, 0);
	bpf_ringbuf_discard(a, 0);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
