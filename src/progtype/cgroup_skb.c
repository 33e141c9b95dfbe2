/* BPF_PROG_TYPE_CGROUP_SKB: struct __sk_buff at the cgroup's ingress/egress,
 * with direct packet reads (Linux allows them to capable users), writable mark,
 * priority and cb, and a verdict of 0 (drop) or 1 (allow). */
#include "progtype/skb_fields.h"

static const struct bpfvm_ctx_field fields[] = {
	SKB_COMMON_RO_FIELDS,
	SKB_RW(mark), SKB_RW(priority), SKB_RO(tc_index),
	SKB_CB_FIELD,
	SKB_RO(family), SKB_RO(remote_ip4), SKB_RO(local_ip4), SKB_RO(remote_ip6),
	SKB_RO(local_ip6), SKB_RO(remote_port), SKB_RO(local_port),
	SKB_PTR(data, CTX_FIELD_PKT_DATA),
	SKB_PTR(data_end, CTX_FIELD_PKT_DATA_END),
};

/* Sorted: the base set plus perf_event_output, skb_load_bytes and, as Linux 6.1+ allows
 * (cgroup_current_func_proto), the sending task's pid/tgid, uid/gid and comm, and the
 * socket and netns cookies. */
static const int32_t helpers[] = {
	1, 2, 3, 5, 6, 7, 8, 12, 14, 15, 16, 25, 26, 46, 84, 85, 86, 87, 88, 89, 93, 94,
	99, 118, 122, 125, 130, 131, 132, 133, 134, 164, 181,
};

const struct bpfvm_progtype bpfvm_progtype_cgroup_skb = {
	.id = BPFVM_PROG_CGROUP_SKB,
	.name = "cgroup_skb",
	.ctx_size = sizeof(struct bpfvm_uapi_sk_buff),
	.runtime_ctx_size = sizeof(struct bpfvm_skb_ctx),
	.fields = fields,
	.field_cnt = sizeof(fields) / sizeof(fields[0]),
	.has_ret_range = true,
	.ret = { 0, 1 },
	.helpers = helpers,
	.helper_cnt = sizeof(helpers) / sizeof(helpers[0]),
};
