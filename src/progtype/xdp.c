/* BPF_PROG_TYPE_XDP: struct xdp_md. Every field is a read-only u32 (Linux
 * allows no narrow access); data, data_end and data_meta are packet pointers. */
#include <stddef.h>

#include "progtype/ctx.h"
#include "progtype/progtype.h"

#define PTR_FIELD(name, kind) \
	{ #name, offsetof(struct bpfvm_uapi_xdp_md, name), 4, CTX_SZ_4, 0, kind, \
	  offsetof(struct bpfvm_xdp_ctx, name), 0 }
#define U32_FIELD(name) \
	{ #name, offsetof(struct bpfvm_uapi_xdp_md, name), 4, CTX_SZ_4, 0, CTX_FIELD_SCALAR, 0, 0 }

static const struct bpfvm_ctx_field fields[] = {
	PTR_FIELD(data, CTX_FIELD_PKT_DATA),
	PTR_FIELD(data_end, CTX_FIELD_PKT_DATA_END),
	PTR_FIELD(data_meta, CTX_FIELD_PKT_META),
	U32_FIELD(ingress_ifindex),
	U32_FIELD(rx_queue_index),
	U32_FIELD(egress_ifindex),
};

/* Sorted: the base set (maps, time, random, tail calls, ring buffer, loops,
 * spin locks, trace_printk) plus packet rewriting, redirects, fib_lookup and
 * perf_event_output. */
static const int32_t helpers[] = {
	1, 2, 3, 5, 6, 7, 8, 12, 23, 25, 28, 44, 51, 54, 65, 69, 84, 85, 86, 87, 88, 89,
	93, 94, 99, 118, 125, 130, 131, 132, 133, 134, 164, 181,
};

const struct bpfvm_progtype bpfvm_progtype_xdp = {
	.id = BPFVM_PROG_XDP,
	.name = "xdp",
	.ctx_size = sizeof(struct bpfvm_uapi_xdp_md),
	.runtime_ctx_size = sizeof(struct bpfvm_xdp_ctx),
	.fields = fields,
	.field_cnt = sizeof(fields) / sizeof(fields[0]),
	.helpers = helpers,
	.helper_cnt = sizeof(helpers) / sizeof(helpers[0]),
};
