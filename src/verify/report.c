/* How the verifier explains a rejection: the instruction number, the
 * instruction as llvm-objdump prints it, and the property that failed with the
 * abstract values involved, in one line. The caller adds the file, program
 * and source line in front. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "bpfvm/isa.h"
#include "verify/env.h"

const char *reg_type_name(int type)
{
	switch (type) {
	case NOT_INIT: return "uninitialised";
	case SCALAR: return "scalar";
	case PTR_TO_CTX: return "ctx";
	case PTR_TO_STACK: return "stack pointer";
	case PTR_TO_PACKET: return "packet pointer";
	case PTR_TO_PACKET_META: return "packet metadata pointer";
	case PTR_TO_PACKET_END: return "packet end";
	case CONST_PTR_TO_MAP: return "map";
	case PTR_TO_MAP_VALUE: return "map value pointer";
	case PTR_TO_MAP_VALUE_OR_NULL: return "map value pointer or null";
	case PTR_TO_MEM: return "ring buffer record";
	case PTR_TO_MEM_OR_NULL: return "ring buffer record or null";
	case PTR_TO_MAP_KEY: return "map key pointer";
	case PTR_TO_FUNC: return "function pointer";
	case CONST_PTR_TO_MAP_OR_NULL: return "map or null";
	case PTR_TO_SOCKET: return "socket";
	case PTR_TO_SOCKET_OR_NULL: return "socket or null";
	case PTR_TO_SOCK_COMMON: return "sock_common";
	case PTR_TO_SOCK_COMMON_OR_NULL: return "sock_common or null";
	default: return "?";
	}
}

static const char *reg_short(int type)
{
	switch (type) {
	case PTR_TO_CTX: return "ctx";
	case PTR_TO_STACK: return "fp";
	case PTR_TO_PACKET: return "pkt";
	case PTR_TO_PACKET_META: return "pkt_meta";
	case PTR_TO_PACKET_END: return "pkt_end";
	case CONST_PTR_TO_MAP: return "map";
	case PTR_TO_MAP_VALUE: return "map_value";
	case PTR_TO_MAP_VALUE_OR_NULL: return "map_value_or_null";
	case PTR_TO_MEM: return "ringbuf_mem";
	case PTR_TO_MEM_OR_NULL: return "ringbuf_mem_or_null";
	case PTR_TO_MAP_KEY: return "map_key";
	case PTR_TO_FUNC: return "func";
	case CONST_PTR_TO_MAP_OR_NULL: return "map_or_null";
	case PTR_TO_SOCKET: return "sock";
	case PTR_TO_SOCKET_OR_NULL: return "sock_or_null";
	case PTR_TO_SOCK_COMMON: return "sock_common";
	case PTR_TO_SOCK_COMMON_OR_NULL: return "sock_common_or_null";
	default: return "?";
	}
}

int reg_format(const struct env *env, const struct reg *r, char *buf, size_t len)
{
	char v[200];
	int n;

	if (r->type == NOT_INIT)
		return snprintf(buf, len, "uninitialised");
	if (r->type == SCALAR)
		return scalar_format(&r->v, buf, len);
	n = snprintf(buf, len, "%s(", reg_short(r->type));
	if (n < 0 || (size_t)n >= len)
		return n;
	if (r->type == PTR_TO_STACK && r->frameno)
		n += snprintf(buf + n, len - (size_t)n, "frame=%u,", r->frameno);
	if (r->type == CONST_PTR_TO_MAP || r->type == PTR_TO_MAP_VALUE ||
	    r->type == PTR_TO_MAP_VALUE_OR_NULL)
		n += snprintf(buf + n, len - (size_t)n, "map=%u,", r->map);
	if ((size_t)n < len)
		n += snprintf(buf + n, len - (size_t)n, "off=%d", r->off);
	if (!scalar_is_const(&r->v) || r->v.var.value) {
		scalar_format(&r->v, v, sizeof(v));
		if ((size_t)n < len)
			n += snprintf(buf + n, len - (size_t)n, ",var=%s", v);
	}
	if ((r->type == PTR_TO_PACKET || r->type == PTR_TO_PACKET_META) && (size_t)n < len)
		n += snprintf(buf + n, len - (size_t)n, ",r=%u", r->range);
	if ((r->type == PTR_TO_MEM || r->type == PTR_TO_MEM_OR_NULL) && (size_t)n < len)
		n += snprintf(buf + n, len - (size_t)n, ",size=%u", r->range);
	if ((size_t)n < len)
		n += snprintf(buf + n, len - (size_t)n, ")");
	return n;
}

int verr(struct env *env, uint32_t insn, const char *fmt, ...)
{
	struct bpfvm_verify_result *out = env->out;
	char text[128] = "";
	char why[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	if (insn < env->cnt && bpfvm_disasm_insn(env->insns, env->cnt, insn, text, sizeof(text)) < 0)
		text[0] = '\0';
	out->verdict = BPFVM_VERIFY_REJECTED;
	out->insn = insn;
	out->line[0] = '\0';
	if (env->in->line_of && insn < env->cnt) {
		const char *l = env->in->line_of(env->in->cookie, insn);

		if (l)
			snprintf(out->line, sizeof(out->line), "%s", l);
	}
	if (text[0])
		snprintf(out->message, sizeof(out->message), "insn %u: %s: %s", insn, text, why);
	else
		snprintf(out->message, sizeof(out->message), "insn %u: %s", insn, why);
	return bpfvm_errorf(-EACCES, "%s", out->message);
}
