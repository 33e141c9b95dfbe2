/* Helper prototypes: one table row per helper, read by the verifier (argument
 * and return types, as the kernel's struct bpf_func_proto) and by the runtime
 * (the function). Ids are Linux's (enum bpf_func_id in <linux/bpf.h>).
 *
 * Adding a helper is one row in helpers/table.c and one function. */
#ifndef BPFVM_HELPERS_PROTO_H
#define BPFVM_HELPERS_PROTO_H

#include <stdbool.h>
#include <stdint.h>

#include "bpfvm/exec.h"

/* Argument kinds, named after the kernel's enum bpf_arg_type. */
enum bpfvm_arg_type {
	ARG_DONTCARE = 0,          /* unused argument */
	ARG_ANYTHING,              /* any initialised scalar (or pointer where leaking is fine) */
	ARG_CONST_MAP_PTR,         /* a map (lddw map fd) */
	ARG_PTR_TO_MAP_KEY,        /* key_size readable, initialised bytes */
	ARG_PTR_TO_MAP_VALUE,      /* value_size readable, initialised bytes */
	ARG_PTR_TO_UNINIT_MAP_VALUE, /* value_size writable bytes */
	ARG_PTR_TO_MEM,            /* readable memory, size in the next ARG_CONST_SIZE* arg */
	ARG_PTR_TO_MEM_OR_NULL,    /* as ARG_PTR_TO_MEM, or NULL with size 0 */
	ARG_PTR_TO_UNINIT_MEM,     /* writable memory, size in the next ARG_CONST_SIZE* arg */
	ARG_CONST_SIZE,            /* bounded size > 0 of the previous memory argument */
	ARG_CONST_SIZE_OR_ZERO,    /* bounded size >= 0 of the previous memory argument */
	ARG_PTR_TO_CTX,            /* the program's context pointer, unmodified */
	ARG_PTR_TO_CTX_OR_NULL,    /* the same, or NULL */
	ARG_PTR_TO_ALLOC_MEM,      /* a ring-buffer record from ringbuf_reserve */
	ARG_CONST_ALLOC_SIZE_OR_ZERO, /* constant size of a ring-buffer reservation */
	ARG_PTR_TO_SPIN_LOCK,      /* the struct bpf_spin_lock inside a map value */
	ARG_PTR_TO_FUNC,           /* a callback: lddw BPF_PSEUDO_FUNC */
	ARG_PTR_TO_STACK_OR_NULL,  /* callback context: a stack pointer or NULL */
	ARG_PTR_TO_LONG,           /* 8 writable bytes (e.g. strtol results) */
	ARG_PTR_TO_MEM_RW,         /* as ARG_PTR_TO_MEM, and the helper writes it too (Linux's
				    * ARG_PTR_TO_MEM without MEM_RDONLY, e.g. fib_lookup's params) */
	ARG_PTR_TO_SOCK_COMMON,    /* a socket checked for null (Linux's
				    * ARG_PTR_TO_BTF_ID_SOCK_COMMON); a held reference
				    * when the helper releases it */
};

/* Return kinds, named after the kernel's enum bpf_return_type. */
enum bpfvm_ret_type {
	RET_INTEGER = 0,           /* an unknown scalar */
	RET_VOID,                  /* r0 is unknown and must not be relied on */
	RET_PTR_TO_MAP_VALUE_OR_NULL, /* a value of the map in ARG_CONST_MAP_PTR */
	RET_PTR_TO_ALLOC_MEM_OR_NULL, /* a ring-buffer record of the reserved size */
	RET_PTR_TO_SOCKET_OR_NULL,    /* a full socket (struct bpf_sock) */
	RET_PTR_TO_SOCK_COMMON_OR_NULL, /* a socket that may be a request or timewait
				       * one: only the struct sock_common fields */
};

/* Why a helper is special to the verifier beyond its argument types. */
enum bpfvm_helper_flags {
	HELPER_F_PKT_INVALIDATE = 1u << 0, /* forgets every packet pointer (adjust_head, ...) */
	HELPER_F_RELEASE = 1u << 1,        /* releases its ARG_PTR_TO_ALLOC_MEM record or
					    * ARG_PTR_TO_SOCK_COMMON socket */
	HELPER_F_ACQUIRE = 1u << 2,        /* returns a reference that must be released */
	HELPER_F_SPIN_LOCK = 1u << 3,      /* takes the lock */
	HELPER_F_SPIN_UNLOCK = 1u << 4,    /* releases the lock */
	HELPER_F_CALLBACK = 1u << 5,       /* calls its ARG_PTR_TO_FUNC argument */
	HELPER_F_RET_SIZE = 1u << 6,       /* returns a negative errno or at most the
					    * size argument (Linux's do_refine_retval_range) */
};

#define BPFVM_HELPER_MAX_ARGS 5

struct bpfvm_helper_proto {
	int32_t id;
	const char *name; /* without the bpf_ prefix, as the kernel's BPF_FUNC_ names */
	bpfvm_helper_fn fn;
	enum bpfvm_helper_kind kind;
	enum bpfvm_ret_type ret;
	enum bpfvm_arg_type args[BPFVM_HELPER_MAX_ARGS];
	uint32_t flags;                /* enum bpfvm_helper_flags */
	/* For ARG_CONST_MAP_PTR: the map types accepted (bit = map type id); 0 = any. */
	uint64_t map_types;
};

/* The row for `id`, or NULL when bpfvm does not implement that helper. */
const struct bpfvm_helper_proto *bpfvm_helper_proto(int32_t id);

#endif
