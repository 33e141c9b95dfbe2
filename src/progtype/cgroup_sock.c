/* BPF_PROG_TYPE_CGROUP_SOCK: struct bpf_sock at a cgroup's socket hooks —
 * creation and release (sock_create, sock_release), and after a bind
 * (post_bind4, post_bind6). Linux's rules (bpf_sock_is_valid_access and
 * __sock_filter_check_attach_type): bound_dev_if, mark and priority are read
 * and written, 4 bytes at a time, at creation and release only (attach type 0
 * counts as sock_create, as Linux fixes it up at load); the bound source
 * address and port are read after a bind of their family only; everything
 * else is read-only everywhere. Narrow reads of the addresses may start at
 * any aligned byte, of the other fields only at the field's first byte;
 * dst_port, a 2-byte field, may also be read as 4 bytes from its start (with
 * the padding after it). Verdict: 0 reject, 1 allow. */
#include <stddef.h>

#include "progtype/ctx.h"
#include "progtype/progtype.h"

#define SK_OFF(name) offsetof(struct bpfvm_uapi_bpf_sock, name)
#define SK_SIZE(name) sizeof(((struct bpfvm_uapi_bpf_sock *)0)->name)
#define AT(t) (1ull << BPFVM_ATTACH_CGROUP_##t)

#define CREATE_RELEASE (1ull | AT(INET_SOCK_CREATE) | AT(INET_SOCK_RELEASE))
#define NARROW (CTX_SZ_1 | CTX_SZ_2 | CTX_SZ_4)

#define SK_RW(name) { #name, SK_OFF(name), 4, CTX_SZ_4, CTX_SZ_4, CTX_FIELD_SCALAR, 0, \
		      CREATE_RELEASE }
#define SK_RO(name, sizes, mask) { #name, SK_OFF(name), SK_SIZE(name), sizes, 0, \
				   CTX_FIELD_SCALAR, 0, mask }

static const struct bpfvm_ctx_field fields[] = {
	SK_RW(bound_dev_if),
	SK_RO(family, NARROW | CTX_NARROW_AT_START, 0),
	SK_RO(type, NARROW | CTX_NARROW_AT_START, 0),
	SK_RO(protocol, NARROW | CTX_NARROW_AT_START, 0),
	SK_RW(mark),
	SK_RW(priority),
	SK_RO(src_ip4, NARROW, AT(INET4_POST_BIND)),
	SK_RO(src_ip6, NARROW, AT(INET6_POST_BIND)),
	SK_RO(src_port, NARROW | CTX_NARROW_AT_START, AT(INET4_POST_BIND) | AT(INET6_POST_BIND)),
	/* 1 or 2 bytes anywhere in the port; 4 from its start, padding included */
	SK_RO(dst_port, NARROW | CTX_WIDE_AT_START, 0),
	SK_RO(dst_ip4, NARROW, 0),
	SK_RO(dst_ip6, NARROW, 0),
	SK_RO(state, NARROW | CTX_NARROW_AT_START, 0),
	SK_RO(rx_queue_mapping, NARROW | CTX_NARROW_AT_START, 0),
};

/* Sorted: the base set, the current task's pid/tgid, uid/gid and comm
 * (cgroup_current_func_proto), perf_event_output (the data-only form), and the
 * socket and netns cookies. */
static const int32_t helpers[] = {
	1, 2, 3, 5, 6, 7, 8, 12, 14, 15, 16, 25, 46, 87, 88, 89, 93, 94, 118, 122, 125, 130,
	131, 132, 133, 134, 164, 181,
};

const struct bpfvm_progtype bpfvm_progtype_cgroup_sock = {
	.id = BPFVM_PROG_CGROUP_SOCK,
	.name = "cgroup_sock",
	.ctx_size = sizeof(struct bpfvm_uapi_bpf_sock),
	.runtime_ctx_size = sizeof(struct bpfvm_sock_ctx),
	.fields = fields,
	.field_cnt = sizeof(fields) / sizeof(fields[0]),
	.has_ret_range = true,
	.ret = { 0, 1 },
	.helpers = helpers,
	.helper_cnt = sizeof(helpers) / sizeof(helpers[0]),
};
