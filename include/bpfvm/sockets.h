/* The sockets the socket-lookup helpers find: a host's TCP and UDP sockets as
 * user space describes them.
 *
 * In the kernel bpf_sk_lookup_tcp, bpf_sk_lookup_udp and bpf_skc_lookup_tcp
 * search the network namespace's socket tables for a packet's 4-tuple. bpfvm
 * has no sockets of its own; a run finds the ones of the struct
 * bpfvm_sockets handed to bpfvm_prog_test_run (opts.sockets), built with the
 * functions below or from the text format of bpfvm_sockets_parse. Without
 * one, every lookup finds nothing and returns NULL.
 *
 * The lookup follows Linux's order: for TCP an established socket with the
 * exact 4-tuple first, else a listener on the destination port bound to the
 * destination address or, failing that, to the wildcard address; for UDP a
 * connected socket with the exact 4-tuple, else one bound to the destination
 * address, else to the wildcard. Addresses match within a family only (no
 * IPv4-mapped IPv6, no dual-stack listeners). The socket a program reads has
 * Linux's struct bpf_sock values: family, type (SOCK_STREAM or SOCK_DGRAM),
 * protocol, mark, priority, the local address and port (src_*, the port in
 * host order), the remote ones (dst_*, the port in network order, zero for
 * listening and unconnected sockets), state (TCP_ESTABLISHED 1, TCP_LISTEN
 * 10, and TCP_CLOSE 7 for an unconnected UDP socket) and rx_queue_mapping -1. */
#ifndef BPFVM_SOCKETS_H
#define BPFVM_SOCKETS_H

#include <stdbool.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

struct bpfvm_sockets;

struct bpfvm_socket {
	int family;              /* AF_INET or AF_INET6 */
	int protocol;            /* IPPROTO_TCP or IPPROTO_UDP */
	bool listening;          /* TCP: a listener (no remote address) */
	uint8_t local[16];       /* network order (4 bytes for AF_INET); zero = any */
	uint16_t local_port;     /* host order, > 0 */
	uint8_t remote[16];      /* established TCP, connected UDP; else zero */
	uint16_t remote_port;    /* host order; 0 with a zero remote address */
	uint32_t mark;
	uint32_t priority;
};

int bpfvm_sockets_new(struct bpfvm_sockets **out);
void bpfvm_sockets_free(struct bpfvm_sockets *s);

/* -EINVAL for a socket Linux could not have (a TCP socket both listening and
 * connected, an established one without a remote end, port 0, a wildcard
 * local address on a connected socket); -EADDRINUSE for a second socket with
 * the same protocol, addresses and ports. */
int bpfvm_sockets_add(struct bpfvm_sockets *s, const struct bpfvm_socket *sock);

/* Adds the sockets of `text`, one per line, `#` starting a comment:
 *   tcp listen ADDR:PORT                    a listener (ADDR may be 0.0.0.0, [::])
 *   tcp established ADDR:PORT ADDR:PORT     local end, remote end
 *   udp ADDR:PORT [ADDR:PORT]               bound, or connected to the remote end
 * each optionally followed by `mark N` and `priority N`; IPv6 addresses in
 * brackets: [2001:db8::1]:80. Errors name `source` and the line. */
int bpfvm_sockets_parse(struct bpfvm_sockets *s, const char *text, const char *source);

#ifdef __cplusplus
}
#endif

#endif
