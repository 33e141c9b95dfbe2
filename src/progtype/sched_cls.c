/* BPF_PROG_TYPE_SCHED_CLS and SCHED_ACT (tc): struct __sk_buff with direct
 * packet access from the Ethernet header, writable mark/priority/tc_index/cb/
 * tc_classid/tstamp/queue_mapping (tc_cls_act_is_valid_access), and the
 * packet-rewriting helpers. */
#include "progtype/skb_fields.h"

static const struct bpfvm_ctx_field fields[] = {
	SKB_COMMON_RO_FIELDS_BUT_QUEUE,
	SKB_RW(queue_mapping),
	SKB_RW(mark), SKB_RW(priority), SKB_RW(tc_index), SKB_RW(tc_classid),
	SKB_CB_FIELD,
	{ "tstamp", SKB_OFF(tstamp), 8, CTX_SZ_8, CTX_SZ_8, CTX_FIELD_SCALAR, 0, 0 },
	SKB_PTR(data, CTX_FIELD_PKT_DATA),
	SKB_PTR(data_end, CTX_FIELD_PKT_DATA_END),
	SKB_PTR(data_meta, CTX_FIELD_PKT_META),
};

/* queue_mapping is a u16 in the kernel's sk_buff: the low half is stored,
 * values from NO_QUEUE_MAPPING (0xffff) up are ignored. */
static const struct bpfvm_ctx_store stores[] = {
	{ SKB_OFF(queue_mapping), 2, 0xffff },
};

/* Sorted: the base set plus skb_store_bytes, l3/l4_csum_replace, redirect,
 * perf_event_output, skb_load_bytes, csum_diff, tunnel keys and options, the skb
 * reshaping, hash, checksum and VLAN helpers of helpers/skb.c, fib_lookup,
 * redirect_neigh/peer, the socket and netns cookies, the socket lookups and
 * sk_assign (Linux's tc_cls_act_func_proto). */
static const int32_t helpers[] = {
	1, 2, 3, 5, 6, 7, 8, 9, 10, 11, 12, 13, 18, 19, 20, 21, 23, 25, 26, 28, 29, 30,
	31, 32, 33, 34, 38, 39, 40, 41, 43, 46, 48, 50, 69, 84, 85, 86, 87, 88, 89, 93, 94,
	99, 118, 122, 124, 125, 130, 131, 132, 133, 134, 152, 155, 164, 181,
};

const struct bpfvm_progtype bpfvm_progtype_sched_cls = {
	.id = BPFVM_PROG_SCHED_CLS,
	.name = "sched_cls",
	.ctx_size = sizeof(struct bpfvm_uapi_sk_buff),
	.runtime_ctx_size = sizeof(struct bpfvm_skb_ctx),
	.fields = fields,
	.field_cnt = sizeof(fields) / sizeof(fields[0]),
	.ld_pkt = true,
	.stores = stores,
	.store_cnt = sizeof(stores) / sizeof(stores[0]),
	.helpers = helpers,
	.helper_cnt = sizeof(helpers) / sizeof(helpers[0]),
};

const struct bpfvm_progtype bpfvm_progtype_sched_act = {
	.id = BPFVM_PROG_SCHED_ACT,
	.name = "sched_act",
	.ctx_size = sizeof(struct bpfvm_uapi_sk_buff),
	.runtime_ctx_size = sizeof(struct bpfvm_skb_ctx),
	.fields = fields,
	.field_cnt = sizeof(fields) / sizeof(fields[0]),
	.ld_pkt = true,
	.stores = stores,
	.store_cnt = sizeof(stores) / sizeof(stores[0]),
	.helpers = helpers,
	.helper_cnt = sizeof(helpers) / sizeof(helpers[0]),
};
