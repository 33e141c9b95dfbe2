/* BPF_PROG_TYPE_CGROUP_SOCK_ADDR: struct bpf_sock_addr for bind, connect,
 * sendmsg and recvmsg hooks. The address fields the program may rewrite are
 * writable with 4-byte stores (8-byte for the IPv6 arrays), as Linux allows;
 * msg_src_* exist only for sendmsg. Verdict: 0 reject, 1 allow; bind may also
 * return 2 and 3 (Linux's bind flags). */
#include <stddef.h>

#include "progtype/ctx.h"
#include "progtype/progtype.h"

#define SA_OFF(name) offsetof(struct bpfvm_uapi_sock_addr, name)
#define SA_SIZE(name) sizeof(((struct bpfvm_uapi_sock_addr *)0)->name)
#define SA_RO4(name) { #name, SA_OFF(name), 4, CTX_SZ_4, 0, CTX_FIELD_SCALAR, 0, 0 }
#define SA_RW(name, wsz, mask) \
	{ #name, SA_OFF(name), SA_SIZE(name), CTX_SZ_1 | CTX_SZ_2 | CTX_SZ_4 | ((wsz) & CTX_SZ_8), \
	  wsz, CTX_FIELD_SCALAR, 0, mask }

#define SENDMSG ((1ull << BPFVM_ATTACH_CGROUP_UDP4_SENDMSG) | \
		 (1ull << BPFVM_ATTACH_CGROUP_UDP6_SENDMSG))

static const struct bpfvm_ctx_field fields[] = {
	SA_RO4(user_family),
	SA_RW(user_ip4, CTX_SZ_4, 0),
	SA_RW(user_ip6, CTX_SZ_4 | CTX_SZ_8, 0),
	SA_RW(user_port, CTX_SZ_4, 0),
	SA_RO4(family),
	SA_RO4(type),
	SA_RO4(protocol),
	SA_RW(msg_src_ip4, CTX_SZ_4, SENDMSG),
	SA_RW(msg_src_ip6, CTX_SZ_4 | CTX_SZ_8, SENDMSG),
};

static const struct bpfvm_attach_ret attach_ret[] = {
	{ BPFVM_ATTACH_CGROUP_INET4_BIND, { 0, 3 } },
	{ BPFVM_ATTACH_CGROUP_INET6_BIND, { 0, 3 } },
};

/* Sorted: the base set plus the current task's pid/tgid, uid/gid and comm, and the
 * socket and netns cookies. */
static const int32_t helpers[] = {
	1, 2, 3, 5, 6, 7, 8, 12, 14, 15, 16, 46, 84, 85, 86, 87, 88, 89, 93, 94, 99,
	118, 122, 125, 130, 131, 132, 133, 134, 164, 181,
};

const struct bpfvm_progtype bpfvm_progtype_cgroup_sock_addr = {
	.id = BPFVM_PROG_CGROUP_SOCK_ADDR,
	.name = "cgroup_sock_addr",
	.ctx_size = sizeof(struct bpfvm_uapi_sock_addr),
	.runtime_ctx_size = sizeof(struct bpfvm_sock_addr_ctx),
	.fields = fields,
	.field_cnt = sizeof(fields) / sizeof(fields[0]),
	.has_ret_range = true,
	.ret = { 0, 1 },
	.attach_ret = attach_ret,
	.attach_ret_cnt = sizeof(attach_ret) / sizeof(attach_ret[0]),
	.helpers = helpers,
	.helper_cnt = sizeof(helpers) / sizeof(helpers[0]),
};
