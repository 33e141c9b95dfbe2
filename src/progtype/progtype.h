/* Program types: for each, the context layout and its access rules, the helpers
 * it may call and its allowed return values, as data read by the verifier (what
 * a program may do) and by the runtime (how to build and rewrite the context).
 * Ids are Linux's (enum bpf_prog_type); one file per type in this folder.
 *
 * The runtime context of every type starts with the bytes of its UAPI struct
 * (struct xdp_md, struct __sk_buff, ...), so scalar fields are read and written
 * in place at Linux's offsets, and --ctx in/out is a plain copy. Fields that the
 * UAPI declares as 32-bit stand-ins for pointers (xdp_md.data, ...) have a real
 * 64-bit pointer after the UAPI part, at `runtime_off`; loads of them are
 * rewritten at load time into 64-bit loads from there, as the kernel's
 * convert_ctx_access does. */
#ifndef BPFVM_PROGTYPE_PROGTYPE_H
#define BPFVM_PROGTYPE_PROGTYPE_H

#include <stdbool.h>
#include <stdint.h>

/* Linux's enum bpf_prog_type values that bpfvm knows by name. */
enum bpfvm_prog_type_id {
	BPFVM_PROG_SOCKET_FILTER = 1,
	BPFVM_PROG_KPROBE = 2,
	BPFVM_PROG_SCHED_CLS = 3,
	BPFVM_PROG_SCHED_ACT = 4,
	BPFVM_PROG_TRACEPOINT = 5,
	BPFVM_PROG_XDP = 6,
	BPFVM_PROG_PERF_EVENT = 7,
	BPFVM_PROG_CGROUP_SKB = 8,
	BPFVM_PROG_CGROUP_SOCK = 9,
	BPFVM_PROG_SOCK_OPS = 13,
	BPFVM_PROG_RAW_TRACEPOINT = 17,
	BPFVM_PROG_CGROUP_SOCK_ADDR = 18,
};

/* Linux's enum bpf_attach_type values the tables refer to. */
enum bpfvm_attach_type_id {
	BPFVM_ATTACH_CGROUP_INET_INGRESS = 0,
	BPFVM_ATTACH_CGROUP_INET_EGRESS = 1,
	BPFVM_ATTACH_CGROUP_INET_SOCK_CREATE = 2,
	BPFVM_ATTACH_CGROUP_SOCK_OPS = 3,
	BPFVM_ATTACH_CGROUP_INET4_BIND = 8,
	BPFVM_ATTACH_CGROUP_INET6_BIND = 9,
	BPFVM_ATTACH_CGROUP_INET4_CONNECT = 10,
	BPFVM_ATTACH_CGROUP_INET6_CONNECT = 11,
	BPFVM_ATTACH_CGROUP_INET4_POST_BIND = 12,
	BPFVM_ATTACH_CGROUP_INET6_POST_BIND = 13,
	BPFVM_ATTACH_CGROUP_UDP4_SENDMSG = 14,
	BPFVM_ATTACH_CGROUP_UDP6_SENDMSG = 15,
	BPFVM_ATTACH_CGROUP_UDP4_RECVMSG = 19,
	BPFVM_ATTACH_CGROUP_UDP6_RECVMSG = 20,
	BPFVM_ATTACH_CGROUP_INET_SOCK_RELEASE = 34,
	BPFVM_ATTACH_XDP = 37,
};

/* What a context field holds, for the verifier's typing of loads from it. */
enum bpfvm_ctx_field_kind {
	CTX_FIELD_SCALAR = 0,
	CTX_FIELD_PKT_DATA,      /* loads give a packet pointer (start of data) */
	CTX_FIELD_PKT_DATA_END,  /* loads give the packet end pointer */
	CTX_FIELD_PKT_META,      /* loads give a packet pointer to the metadata */
	CTX_FIELD_SOCK_OR_NULL,  /* loads give a socket pointer that may be null (no reference) */
};

/* Access sizes as a bit mask: bit n set = an access of (1 << n) bytes is allowed. */
#define CTX_SZ_1 0x1
#define CTX_SZ_2 0x2
#define CTX_SZ_4 0x4
#define CTX_SZ_8 0x8
/* In read_sizes: reads narrower than the field only at its first byte (Linux
 * matches such fields by their offset alone, e.g. bpf_sock.family). */
#define CTX_NARROW_AT_START 0x10
/* In read_sizes: a read wider than the field (of a size in the mask) is
 * allowed at its first byte, taking the padding after it with it (Linux's
 * 4-byte reads of bpf_sock.dst_port, a 2-byte field). */
#define CTX_WIDE_AT_START 0x20

struct bpfvm_ctx_field {
	const char *name;
	uint16_t off;            /* offset in the UAPI struct */
	uint16_t size;           /* size of the field (of the whole array for arrays) */
	uint8_t read_sizes;      /* CTX_SZ_* mask; 0 = not readable */
	uint8_t write_sizes;     /* CTX_SZ_* mask; 0 = not writable */
	enum bpfvm_ctx_field_kind kind;
	/* For pointer fields: offset of the real 64-bit pointer in the runtime
	 * context (loads are rewritten to read it); 0 for scalar fields. */
	uint16_t runtime_off;
	/* Attach types for which the field is accessible, as a bit mask of
	 * (1 << attach type); 0 = all. */
	uint64_t attach_mask;
};

/* A writable field narrower in the kernel than in the UAPI struct
 * (ctx_store.c): a write of the field stores only its low `store_size`
 * bytes, and only when the value is below `store_limit`
 * (__sk_buff.queue_mapping: 2, 0xffff, Linux's NO_QUEUE_MAPPING). */
struct bpfvm_ctx_store {
	uint16_t off;            /* the field's offset in the UAPI struct */
	uint8_t store_size;
	uint32_t store_limit;
};

struct bpfvm_ret_range {
	int64_t min, max;
};

/* A return range that differs by expected attach type (bind4 may return 0-3). */
struct bpfvm_attach_ret {
	uint32_t attach_type;
	struct bpfvm_ret_range range;
};

struct bpfvm_progtype {
	uint32_t id;             /* enum bpf_prog_type */
	const char *name;        /* libbpf's name: "xdp", "sched_cls", ... */
	uint32_t ctx_size;       /* size of the UAPI context struct */
	uint32_t runtime_ctx_size; /* size of the runtime context struct */
	const struct bpfvm_ctx_field *fields;
	uint32_t field_cnt;
	bool has_ret_range;      /* false: any return value is allowed */
	struct bpfvm_ret_range ret;
	const struct bpfvm_attach_ret *attach_ret; /* overrides `ret` per attach type */
	uint32_t attach_ret_cnt;
	/* May use the legacy packet loads BPF_LD | BPF_ABS / BPF_IND (Linux's
	 * may_access_skb); the context is then a struct bpfvm_skb_ctx. */
	bool ld_pkt;
	const struct bpfvm_ctx_store *stores; /* fields whose writes are rewritten */
	uint32_t store_cnt;
	/* Helper ids the type may call, sorted ascending. */
	const int32_t *helpers;
	uint32_t helper_cnt;
};

/* The table entry for a program type id, or NULL when bpfvm lacks it. */
const struct bpfvm_progtype *bpfvm_progtype_get(uint32_t id);

/* True when `helper_id` is allowed for the type. */
bool bpfvm_progtype_helper_allowed(const struct bpfvm_progtype *pt, int32_t helper_id);

/* The context field containing byte `off`, or NULL. An access is valid when it
 * lies within the field, is naturally aligned, its size is in the read/write
 * mask, and the attach type is in the field's mask. */
const struct bpfvm_ctx_field *bpfvm_progtype_field(const struct bpfvm_progtype *pt,
						   uint32_t off);

/* Whether an access of `size` bytes at `off` is valid; on false, *why says why. */
bool bpfvm_progtype_ctx_access_ok(const struct bpfvm_progtype *pt, uint32_t attach_type,
				  uint32_t off, uint32_t size, bool write, const char **why);

/* The allowed return range for an attach type; false when unrestricted. */
bool bpfvm_progtype_ret_range(const struct bpfvm_progtype *pt, uint32_t attach_type,
			      struct bpfvm_ret_range *out);

#endif
