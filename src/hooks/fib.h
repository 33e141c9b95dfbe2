/* The FIB lookup behind bpf_fib_lookup (helpers/fib_lookup.c), on the model of
 * include/bpfvm/fib.h. Kept apart from the helper so that the forwarding
 * decision (routes, neighbours, MTU) is one function with no engine in it. */
#ifndef BPFVM_HOOKS_FIB_H
#define BPFVM_HOOKS_FIB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bpfvm/fib.h"

/* Linux's struct bpf_fib_lookup, byte for byte (checked against <linux/bpf.h>
 * in tests/unit/test_fib.c). Unions are spelled as their members' offsets. */
struct bpfvm_fib_params {
	uint8_t family;
	uint8_t l4_protocol;
	uint16_t sport, dport;  /* network order */
	uint16_t tot_len;       /* in: L3 length; out: mtu_result */
	uint32_t ifindex;
	uint32_t tos;           /* in: tos (byte 0) or flowinfo; out: rt_metric */
	uint8_t src[16];        /* ipv4_src in the first 4 bytes */
	uint8_t dst[16];
	uint16_t h_vlan_proto;  /* out; in: with h_vlan_TCI, tbid */
	uint16_t h_vlan_tci;
	uint8_t smac[6];        /* in: the first 4 bytes are `mark` */
	uint8_t dmac[6];
};

_Static_assert(sizeof(struct bpfvm_fib_params) == 64, "struct bpf_fib_lookup layout");
_Static_assert(offsetof(struct bpfvm_fib_params, dst) == 32, "struct bpf_fib_lookup layout");
_Static_assert(offsetof(struct bpfvm_fib_params, smac) == 52, "struct bpf_fib_lookup layout");

/* Linux's flags and return codes (<linux/bpf.h>). */
#define BPFVM_FIB_LOOKUP_DIRECT (1u << 0)
#define BPFVM_FIB_LOOKUP_OUTPUT (1u << 1)
#define BPFVM_FIB_LOOKUP_SKIP_NEIGH (1u << 2)
#define BPFVM_FIB_LOOKUP_TBID (1u << 3)
#define BPFVM_FIB_LOOKUP_SRC (1u << 4)
#define BPFVM_FIB_LOOKUP_MARK (1u << 5)

enum {
	BPFVM_FIB_RET_SUCCESS,
	BPFVM_FIB_RET_BLACKHOLE,
	BPFVM_FIB_RET_UNREACHABLE,
	BPFVM_FIB_RET_PROHIBIT,
	BPFVM_FIB_RET_NOT_FWDED,
	BPFVM_FIB_RET_FWD_DISABLED,
	BPFVM_FIB_RET_UNSUPP_LWT,
	BPFVM_FIB_RET_NO_NEIGH,
	BPFVM_FIB_RET_FRAG_NEEDED,
	BPFVM_FIB_RET_NO_SRC_ADDR,
};

/* An FIB with only the loopback device, for runs given none. */
const struct bpfvm_fib *bpfvm_fib_empty(void);

/* bpf_ipv4_fib_lookup / bpf_ipv6_fib_lookup: a BPFVM_FIB_RET_* code, or a
 * negative errno (-ENODEV, -EAFNOSUPPORT). With check_mtu, a tot_len above
 * the route's MTU gives FRAG_NEEDED with the MTU in tot_len, and success
 * stores the MTU there. The flags were checked by the caller. */
int bpfvm_fib_lookup(const struct bpfvm_fib *fib, struct bpfvm_fib_params *p, uint32_t flags,
		     bool check_mtu);

/* The MTU of device ifindex, or 0 when there is no such device. */
uint32_t bpfvm_fib_iface_mtu(const struct bpfvm_fib *fib, uint32_t ifindex);

#endif
