/* struct bpf_sock, the socket that the socket-lookup helpers return: its
 * layout and which fields a program may read through a socket pointer, as a
 * table the verifier reads (Linux's bpf_sock_is_valid_access and
 * bpf_sock_common_is_valid_access). Sockets are read-only through such a
 * pointer; cgroup_sock's context is the same struct with a few writes. */
#ifndef BPFVM_PROGTYPE_SOCK_H
#define BPFVM_PROGTYPE_SOCK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "progtype/progtype.h"

/* Byte-exact mirror of Linux's UAPI struct bpf_sock (asserted against
 * <linux/bpf.h> in tests/unit/test_progtype.c). */
struct bpfvm_uapi_bpf_sock {
	uint32_t bound_dev_if;
	uint32_t family;
	uint32_t type;
	uint32_t protocol;
	uint32_t mark;
	uint32_t priority;
	uint32_t src_ip4;
	uint32_t src_ip6[4];
	uint32_t src_port;
	uint16_t dst_port;       /* network byte order */
	uint16_t pad;
	uint32_t dst_ip4;
	uint32_t dst_ip6[4];
	uint32_t state;
	int32_t rx_queue_mapping;
};

/* The fields of struct bpf_sock in order, each as X(name, read_sizes,
 * in_sock_common): its read rules in progtype.h's CTX_* terms, and whether a
 * struct sock_common (skc_lookup_tcp's result, maybe a request or timewait
 * socket) has it. The one statement of Linux's bpf_sock_is_valid_access and
 * bpf_sock_common_is_valid_access: expanded into the socket pointers' table
 * (sock.c) and into the cgroup_sock context (cgroup_sock.c, which adds the
 * writes and attach types, as Linux's sock_filter_is_valid_access does).
 * The addresses are read in 1-, 2- or 4-byte pieces anywhere within them, the
 * other narrow-readable fields only from their first byte, bound_dev_if, mark
 * and priority only whole, and dst_port (a 16-bit field followed by 16 bits of
 * padding) as 1 or 2 bytes anywhere, or as 4 from its start, padding included. */
#define BPFVM_SOCK_NARROW (CTX_SZ_1 | CTX_SZ_2 | CTX_SZ_4)
#define BPFVM_SOCK_AT_START (BPFVM_SOCK_NARROW | CTX_NARROW_AT_START)
#define BPFVM_SOCK_FIELDS(X)                                                             \
	X(bound_dev_if, CTX_SZ_4, true)                                                  \
	X(family, BPFVM_SOCK_AT_START, true)                                             \
	X(type, BPFVM_SOCK_AT_START, false)                                              \
	X(protocol, BPFVM_SOCK_AT_START, false)                                          \
	X(mark, CTX_SZ_4, false)                                                         \
	X(priority, CTX_SZ_4, false)                                                     \
	X(src_ip4, BPFVM_SOCK_NARROW, true)                                              \
	X(src_ip6, BPFVM_SOCK_NARROW, true)                                              \
	X(src_port, BPFVM_SOCK_AT_START, true)                                           \
	X(dst_port, BPFVM_SOCK_NARROW | CTX_WIDE_AT_START, true)                         \
	X(dst_ip4, BPFVM_SOCK_NARROW, true)                                              \
	X(dst_ip6, BPFVM_SOCK_NARROW, true)                                              \
	X(state, BPFVM_SOCK_AT_START, true)                                              \
	X(rx_queue_mapping, BPFVM_SOCK_AT_START, true)

#define BPFVM_SOCK_OFF(name) offsetof(struct bpfvm_uapi_bpf_sock, name)
#define BPFVM_SOCK_SIZE(name) sizeof(((struct bpfvm_uapi_bpf_sock *)0)->name)

/* Whether a read of `size` bytes at `off` of a struct bpf_sock is valid, for
 * a full socket or (common) a sock_common; on false, *why says why. */
bool bpfvm_sock_read_ok(bool common, uint32_t off, uint32_t size, const char **why);

#endif
