/* Program types: for each, the context layout and its access rules, the helpers
 * it may call and its allowed return values, as data read by the verifier (what
 * a program may do) and by the runtime (how to build and rewrite the context).
 * Ids are Linux's (enum bpf_prog_type); one file per type in this folder. */
#ifndef BPFVM_PROGTYPE_PROGTYPE_H
#define BPFVM_PROGTYPE_PROGTYPE_H

#include <stdbool.h>
#include <stdint.h>

/* What a context field holds, for the verifier's typing of loads from it. */
enum bpfvm_ctx_field_kind {
	CTX_FIELD_SCALAR = 0,
	CTX_FIELD_PKT_DATA,      /* loads give a packet pointer (start of data) */
	CTX_FIELD_PKT_DATA_END,  /* loads give the packet end pointer */
	CTX_FIELD_PKT_META,      /* loads give a packet pointer to the metadata */
};

struct bpfvm_ctx_field {
	const char *name;
	uint16_t off;            /* offset in the UAPI struct (struct xdp_md, ...) */
	uint8_t size;            /* UAPI size of the field in bytes */
	uint8_t narrow_ok;       /* loads narrower than size are allowed */
	bool writable;
	enum bpfvm_ctx_field_kind kind;
	/* When non-negative, the runtime context stores a real 64-bit pointer at
	 * this offset of the runtime struct and the load is rewritten to read it
	 * (as the kernel's convert_ctx_access); -1: read in place. */
	int16_t runtime_off;
	uint16_t array_len;      /* >1 for arrays such as __sk_buff.cb[5] */
};

struct bpfvm_progtype {
	uint32_t id;             /* enum bpf_prog_type */
	const char *name;        /* libbpf's name: "xdp", "sched_cls", ... */
	uint32_t ctx_size;       /* sizeof the UAPI context struct */
	const struct bpfvm_ctx_field *fields;
	uint32_t field_cnt;
	int64_t ret_min, ret_max; /* allowed return values */
	/* Helpers the type may call: returns true when helper `id` is allowed. */
	bool (*helper_allowed)(int32_t id);
};

/* The table entry for a program type id, or NULL when bpfvm lacks it. */
const struct bpfvm_progtype *bpfvm_progtype_get(uint32_t id);

#endif
