/* BPF_PROG_TYPE_CGROUP_SOCK: struct bpf_sock at a cgroup's socket hooks —
 * creation and release (sock_create, sock_release), and after a bind
 * (post_bind4, post_bind6). Linux's rules (bpf_sock_is_valid_access and
 * __sock_filter_check_attach_type): bound_dev_if, mark and priority are read
 * and written, 4 bytes at a time, at creation and release only (attach type 0
 * counts as sock_create, as Linux fixes it up at load); the bound source
 * address and port are read after a bind of their family only; everything
 * else is read-only everywhere. The read sizes are struct bpf_sock's own
 * (sock.h), as for a socket pointer. Verdict: 0 reject, 1 allow. */
#include <stddef.h>

#include "progtype/ctx.h"
#include "progtype/progtype.h"

#define AT(t) (1ull << BPFVM_ATTACH_CGROUP_##t)
#define CREATE_RELEASE (1ull | AT(INET_SOCK_CREATE) | AT(INET_SOCK_RELEASE))
#define IS(name, field) (BPFVM_SOCK_OFF(name) == BPFVM_SOCK_OFF(field))

/* What cgroup_sock adds to struct bpf_sock's read rules (sock.h): the
 * writable fields, and the fields only some attach types may access. */
#define WRITABLE(name) (IS(name, bound_dev_if) || IS(name, mark) || IS(name, priority))
#define ATTACH_MASK(name)                                                                \
	(WRITABLE(name) ? CREATE_RELEASE :                                                \
	 IS(name, src_ip4) ? AT(INET4_POST_BIND) :                                        \
	 IS(name, src_ip6) ? AT(INET6_POST_BIND) :                                        \
	 IS(name, src_port) ? AT(INET4_POST_BIND) | AT(INET6_POST_BIND) : 0)
#define FIELD(name, read_sizes, in_sock_common)                                          \
	{ #name, BPFVM_SOCK_OFF(name), BPFVM_SOCK_SIZE(name), read_sizes,                 \
	  WRITABLE(name) ? CTX_SZ_4 : 0, CTX_FIELD_SCALAR, 0, ATTACH_MASK(name) },

static const struct bpfvm_ctx_field fields[] = { BPFVM_SOCK_FIELDS(FIELD) };

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
