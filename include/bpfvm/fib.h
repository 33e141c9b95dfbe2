/* A forwarding model for bpf_fib_lookup: the host's interfaces, routes and
 * neighbours as user space describes them.
 *
 * In the kernel bpf_fib_lookup answers from the real routing tables; bpfvm has
 * none of its own, so the answer comes from a struct bpfvm_fib the caller
 * builds (with the functions below or from the text format of
 * bpfvm_fib_parse) and hands to bpfvm_prog_test_run (opts.fib). The lookup
 * follows Linux's net/core/filter.c: the same return codes, the same input
 * and output fields of struct bpf_fib_lookup, the same order of checks.
 *
 * A new FIB holds what every Linux network namespace holds, the loopback
 * device (ifindex 1, MTU 65536, MAC 00:00:00:00:00:00), with forwarding
 * enabled, and no routes: a lookup then answers as Linux with no route
 * (BPF_FIB_LKUP_RET_NOT_FWDED), and -ENODEV for an ifindex that does not
 * exist. A run without a FIB uses such an empty one.
 *
 * Tables: routes go to the main table (254) unless given one. A lookup
 * without BPF_FIB_LOOKUP_DIRECT tries Linux's default rules in order (local
 * 255, main 254, default 253); with DIRECT it searches the main table (in
 * which Linux merges the local table while there are no policy rules), or
 * params->tbid with BPF_FIB_LOOKUP_TBID. There are no policy rules, so
 * BPF_FIB_LOOKUP_MARK changes nothing, as in a Linux host without rules. */
#ifndef BPFVM_FIB_H
#define BPFVM_FIB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

struct bpfvm_fib;

#define BPFVM_FIB_TABLE_DEFAULT 253
#define BPFVM_FIB_TABLE_MAIN 254
#define BPFVM_FIB_TABLE_LOCAL 255

struct bpfvm_fib_iface {
	uint32_t ifindex;        /* > 0 */
	uint32_t mtu;            /* L3 MTU, as `ip link set mtu` */
	uint8_t mac[6];
	bool no_forwarding;      /* net.ipv{4,6}.conf.IF.forwarding = 0 */
	/* Primary addresses, for BPF_FIB_LOOKUP_SRC (network order; 0/:: = none). */
	uint8_t addr4[4];
	uint8_t addr6[16];
};

/* Linux's route types (RTN_*) that bpf_fib_lookup tells apart. */
enum bpfvm_fib_route_type {
	BPFVM_FIB_UNICAST = 0,
	BPFVM_FIB_LOCAL,         /* an address of this host: not forwarded */
	BPFVM_FIB_BLACKHOLE,
	BPFVM_FIB_UNREACHABLE,
	BPFVM_FIB_PROHIBIT,
};

struct bpfvm_fib_route {
	int family;              /* AF_INET or AF_INET6 */
	uint8_t dst[16];         /* the prefix, network order (4 bytes for AF_INET) */
	uint8_t prefixlen;
	enum bpfvm_fib_route_type type;
	int gw_family;           /* 0: directly connected; AF_INET or AF_INET6 */
	uint8_t gw[16];
	uint32_t ifindex;        /* the egress device (unicast routes) */
	uint32_t metric;         /* rt_metric's answer; the lowest wins among equal prefixes */
	uint32_t mtu;            /* 0: the device's MTU */
	uint32_t table;          /* 0: main */
	uint8_t prefsrc[16];     /* `src` of the route, for BPF_FIB_LOOKUP_SRC; zero = none */
};

/* A FIB holding only the loopback device. */
int bpfvm_fib_new(struct bpfvm_fib **out);
void bpfvm_fib_free(struct bpfvm_fib *fib);

/* Adds the interface, or replaces the one with the same ifindex. */
int bpfvm_fib_set_iface(struct bpfvm_fib *fib, const struct bpfvm_fib_iface *iface);
/* -ENODEV when the route's device does not exist, -EEXIST for a second route
 * with the same table, prefix and metric (as `ip route add`). */
int bpfvm_fib_add_route(struct bpfvm_fib *fib, const struct bpfvm_fib_route *route);
/* A reachable neighbour: `addr` (4 or 16 bytes by family) on device ifindex
 * has link-layer address mac; replaces an existing entry. */
int bpfvm_fib_add_neigh(struct bpfvm_fib *fib, int family, const void *addr,
			uint32_t ifindex, const uint8_t mac[6]);

/* Adds what `text` describes, one statement a line ('#' starts a comment):
 *   iface IFINDEX [mtu N] [mac XX:XX:XX:XX:XX:XX] [addr IP]... [noforward]
 *   route [unicast|local|blackhole|unreachable|prohibit] PREFIX [via IP]
 *         [dev IFINDEX] [metric N] [mtu N] [table N] [src IP]
 *   neigh IP lladdr XX:XX:XX:XX:XX:XX dev IFINDEX
 * PREFIX is ADDR/LEN or ADDR (a host route), IPv4 or IPv6; "default" is
 * 0.0.0.0/0 (write ::/0 for IPv6); local routes go to the local table unless
 * given one, as with `ip route add local`. Devices are ifindex numbers; an iface
 * without mtu has 1500. The route mtu is the MTU the lookup checks (for IPv4
 * as iproute2's `mtu lock N`). Interfaces must be declared before routes and
 * neighbours use them. Errors name `source` and the line. */
int bpfvm_fib_parse(struct bpfvm_fib *fib, const char *text, const char *source);

#ifdef __cplusplus
}
#endif
#endif
