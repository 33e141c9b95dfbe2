/* The lookup the socket helpers run on a struct bpfvm_sockets (private). */
#ifndef BPFVM_HOOKS_SOCKETS_H
#define BPFVM_HOOKS_SOCKETS_H

#include <stdint.h>

#include "bpfvm/sockets.h"
#include "progtype/sock.h"

/* The socket a packet from saddr:sport to daddr:dport (network order) reaches,
 * as the struct bpf_sock programs read, or NULL. */
const struct bpfvm_uapi_bpf_sock *bpfvm_sockets_lookup(const struct bpfvm_sockets *s, int family,
						       int protocol, const uint8_t *saddr,
						       uint16_t sport, const uint8_t *daddr,
						       uint16_t dport);

#endif
