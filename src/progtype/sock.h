/* struct bpf_sock, the socket that the socket-lookup helpers return: its
 * layout and which fields a program may read through a socket pointer, as a
 * table the verifier reads (Linux's bpf_sock_is_valid_access and
 * bpf_sock_common_is_valid_access). Sockets are read-only. */
#ifndef BPFVM_PROGTYPE_SOCK_H
#define BPFVM_PROGTYPE_SOCK_H

#include <stdbool.h>
#include <stdint.h>

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

struct bpfvm_sock_field {
	const char *name;
	uint16_t off;
	uint16_t size;
	/* CTX_SZ_* masks: sizes readable at the field's first byte, and at any
	 * naturally aligned offset within it */
	uint8_t start_sizes;
	uint8_t any_sizes;
	/* readable through a struct sock_common (skc_lookup_tcp's result),
	 * which may be a request or timewait socket */
	bool common;
};

/* Whether a read of `size` bytes at `off` of a struct bpf_sock is valid, for
 * a full socket or (common) a sock_common; on false, *why says why. */
bool bpfvm_sock_read_ok(bool common, uint32_t off, uint32_t size, const char **why);

#endif
