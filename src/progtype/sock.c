/* The fields of struct bpf_sock and how they may be read: Linux lets the
 * addresses be read in 1-, 2- or 4-byte pieces anywhere within them, the
 * other narrow-readable fields only from their first byte, bound_dev_if, mark
 * and priority only whole, and dst_port (a 16-bit field followed by 16 bits
 * of padding) as 1 or 2 bytes, or as 4 from its start. A sock_common has no
 * type, protocol, mark or priority. */
#include <stddef.h>

#include "progtype/progtype.h"
#include "progtype/sock.h"

#define NARROW (CTX_SZ_1 | CTX_SZ_2 | CTX_SZ_4)
#define F(n, start, any, common)                                                         \
	{ #n, offsetof(struct bpfvm_uapi_bpf_sock, n),                                    \
	  sizeof(((struct bpfvm_uapi_bpf_sock *)0)->n), start, any, common }

static const struct bpfvm_sock_field fields[] = {
	F(bound_dev_if, CTX_SZ_4, 0, true),
	F(family, NARROW, 0, true),
	F(type, NARROW, 0, false),
	F(protocol, NARROW, 0, false),
	F(mark, CTX_SZ_4, 0, false),
	F(priority, CTX_SZ_4, 0, false),
	F(src_ip4, NARROW, NARROW, true),
	F(src_ip6, NARROW, NARROW, true),
	F(src_port, NARROW, 0, true),
	F(dst_port, NARROW, CTX_SZ_1 | CTX_SZ_2, true),
	F(dst_ip4, NARROW, NARROW, true),
	F(dst_ip6, NARROW, NARROW, true),
	F(state, NARROW, 0, true),
	F(rx_queue_mapping, NARROW, 0, true),
};

bool bpfvm_sock_read_ok(bool common, uint32_t off, uint32_t size, const char **why)
{
	if (size > 8 || !size || (size & (size - 1)) || off % size) {
		*why = "misaligned or of a size no field has";
		return false;
	}
	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
		const struct bpfvm_sock_field *f = &fields[i];

		if (off < f->off || off >= (uint32_t)f->off + f->size)
			continue;
		if (common && !f->common) {
			*why = "not a field of struct sock_common";
			return false;
		}
		if ((off == f->off && (f->start_sizes & size)) ||
		    ((f->any_sizes & size) && off + size <= (uint32_t)f->off + f->size))
			return true;
		*why = "access size not allowed at this offset of the field";
		return false;
	}
	*why = "no field of struct bpf_sock at this offset";
	return false;
}
