/* A socket pointer's struct bpf_sock (bpf_sk_lookup_*'s result, sock_ops'
 * sk) as a read-only context: sock.h's field rules laid out as a context
 * table, so that the same access check as every program type's context
 * decides the read sizes, and a sock_common's missing fields are refused
 * before it. */
#include "progtype/sock.h"

#define FIELD(name, read_sizes, in_sock_common)                                          \
	{ #name, BPFVM_SOCK_OFF(name), BPFVM_SOCK_SIZE(name), read_sizes, 0,              \
	  CTX_FIELD_SCALAR, 0, 0 },
#define COMMON(name, read_sizes, in_sock_common) in_sock_common,

static const struct bpfvm_ctx_field fields[] = { BPFVM_SOCK_FIELDS(FIELD) };
static const bool in_common[] = { BPFVM_SOCK_FIELDS(COMMON) };

static const struct bpfvm_progtype sock_fields = {
	.name = "bpf_sock",
	.ctx_size = sizeof(struct bpfvm_uapi_bpf_sock),
	.fields = fields,
	.field_cnt = sizeof(fields) / sizeof(fields[0]),
};

bool bpfvm_sock_read_ok(bool common, uint32_t off, uint32_t size, const char **why)
{
	const struct bpfvm_ctx_field *f;

	if (size > 8 || !size || (size & (size - 1)) || off % size) {
		*why = "misaligned or of a size no field has";
		return false;
	}
	f = bpfvm_progtype_field(&sock_fields, off);
	if (!f) {
		*why = "no field of struct bpf_sock at this offset";
		return false;
	}
	if (common && !in_common[f - fields]) {
		*why = "not a field of struct sock_common";
		return false;
	}
	if (!bpfvm_progtype_ctx_access_ok(&sock_fields, 0, off, size, false, why)) {
		*why = "access size not allowed at this offset of the field";
		return false;
	}
	return true;
}
