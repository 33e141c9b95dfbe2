/* BPF_PROG_TYPE_SOCKET_FILTER: struct __sk_buff without direct packet access
 * (Linux gives socket filters skb_load_bytes instead); cb[] is scratch space. */
#include "progtype/skb_fields.h"

static const struct bpfvm_ctx_field fields[] = {
	SKB_COMMON_RO_FIELDS,
	SKB_RO(mark), SKB_RO(priority), SKB_RO(tc_index),
	SKB_CB_FIELD,
};

/* Sorted: the base set plus perf_event_output, skb_load_bytes and the socket cookie. */
static const int32_t helpers[] = {
	1, 2, 3, 5, 6, 7, 8, 12, 25, 26, 46, 87, 88, 89, 93, 94, 118, 125, 130, 131, 132,
	133, 134, 164, 181,
};

const struct bpfvm_progtype bpfvm_progtype_socket_filter = {
	.id = BPFVM_PROG_SOCKET_FILTER,
	.name = "socket_filter",
	.ctx_size = sizeof(struct bpfvm_uapi_sk_buff),
	.runtime_ctx_size = sizeof(struct bpfvm_skb_ctx),
	.fields = fields,
	.field_cnt = sizeof(fields) / sizeof(fields[0]),
	.ld_pkt = true,
	.helpers = helpers,
	.helper_cnt = sizeof(helpers) / sizeof(helpers[0]),
};
