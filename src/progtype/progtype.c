/* The registry of program types and the queries the verifier and the runtime
 * share, so that an access rule is decided in exactly one place. */
#include <stddef.h>

#include "progtype/progtype.h"

extern const struct bpfvm_progtype bpfvm_progtype_xdp;
extern const struct bpfvm_progtype bpfvm_progtype_socket_filter;
extern const struct bpfvm_progtype bpfvm_progtype_sched_cls;
extern const struct bpfvm_progtype bpfvm_progtype_sched_act;
extern const struct bpfvm_progtype bpfvm_progtype_cgroup_skb;
extern const struct bpfvm_progtype bpfvm_progtype_cgroup_sock_addr;
extern const struct bpfvm_progtype bpfvm_progtype_cgroup_sock;
extern const struct bpfvm_progtype bpfvm_progtype_sock_ops;
extern const struct bpfvm_progtype bpfvm_progtype_kprobe;
extern const struct bpfvm_progtype bpfvm_progtype_tracepoint;
extern const struct bpfvm_progtype bpfvm_progtype_raw_tracepoint;
extern const struct bpfvm_progtype bpfvm_progtype_perf_event;

static const struct bpfvm_progtype *const types[] = {
	&bpfvm_progtype_xdp,
	&bpfvm_progtype_socket_filter,
	&bpfvm_progtype_sched_cls,
	&bpfvm_progtype_sched_act,
	&bpfvm_progtype_cgroup_skb,
	&bpfvm_progtype_cgroup_sock_addr,
	&bpfvm_progtype_cgroup_sock,
	&bpfvm_progtype_sock_ops,
	&bpfvm_progtype_kprobe,
	&bpfvm_progtype_tracepoint,
	&bpfvm_progtype_raw_tracepoint,
	&bpfvm_progtype_perf_event,
};

const struct bpfvm_progtype *bpfvm_progtype_get(uint32_t id)
{
	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		if (types[i]->id == id)
			return types[i];
	return NULL;
}

bool bpfvm_progtype_helper_allowed(const struct bpfvm_progtype *pt, int32_t helper_id)
{
	uint32_t lo = 0, hi = pt->helper_cnt;

	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;

		if (pt->helpers[mid] == helper_id)
			return true;
		if (pt->helpers[mid] < helper_id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return false;
}

const struct bpfvm_ctx_field *bpfvm_progtype_field(const struct bpfvm_progtype *pt, uint32_t off)
{
	for (uint32_t i = 0; i < pt->field_cnt; i++)
		if (off >= pt->fields[i].off && off < (uint32_t)pt->fields[i].off + pt->fields[i].size)
			return &pt->fields[i];
	return NULL;
}

bool bpfvm_progtype_ctx_access_ok(const struct bpfvm_progtype *pt, uint32_t attach_type,
				  uint32_t off, uint32_t size, bool write, const char **why)
{
	const struct bpfvm_ctx_field *f = bpfvm_progtype_field(pt, off);
	uint8_t mask;

	if (!f) {
		*why = "no context field at this offset";
		return false;
	}
	if (f->attach_mask && (attach_type >= 64 || !(f->attach_mask & (1ull << attach_type)))) {
		*why = "field not accessible for this attach type";
		return false;
	}
	mask = write ? f->write_sizes : f->read_sizes;
	if (!mask) {
		*why = write ? "field is read-only" : "field is not readable";
		return false;
	}
	if (size > 8 || !(mask & size) || (size & (size - 1))) {
		*why = "access size not allowed for this field";
		return false;
	}
	if (!write && (mask & CTX_NARROW_AT_START) && off != f->off) {
		*why = "narrow read not at the field's start";
		return false;
	}
	if (!write && (mask & CTX_WIDE_AT_START) && off == f->off && size > f->size)
		return true;
	if (off % size || off + size > (uint32_t)f->off + f->size) {
		*why = "misaligned or crosses the field's end";
		return false;
	}
	/* Pointer fields are loaded whole: the rewrite turns the load into a
	 * 64-bit load of the real pointer. */
	if (f->kind != CTX_FIELD_SCALAR && off != f->off) {
		*why = "partial access to a packet pointer field";
		return false;
	}
	return true;
}

bool bpfvm_progtype_ret_range(const struct bpfvm_progtype *pt, uint32_t attach_type,
			      struct bpfvm_ret_range *out)
{
	for (uint32_t i = 0; i < pt->attach_ret_cnt; i++) {
		if (pt->attach_ret[i].attach_type == attach_type) {
			*out = pt->attach_ret[i].range;
			return true;
		}
	}
	if (!pt->has_ret_range)
		return false;
	*out = pt->ret;
	return true;
}
