/* The forwarding model of include/bpfvm/fib.h and the lookup bpf_fib_lookup
 * runs on it, following Linux's bpf_ipv4_fib_lookup/bpf_ipv6_fib_lookup
 * (net/core/filter.c) step by step: device and forwarding checks, the table
 * search (longest prefix, then the lowest metric), the route type, the MTU
 * check, the gateway, the source address, the neighbour.
 *
 * A FIB is small and configured by hand, so it is three arrays searched
 * linearly; it is read-only while programs run. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "hooks/fib.h"
#include "util/error.h"

#define LOOPBACK_MTU 65536
#define IP_MAX_MTU 0xffffu
#define IP6_MAX_MTU (0xffffu + 40u)

struct fib_neigh {
	int family;
	uint8_t addr[16];
	uint32_t ifindex;
	uint8_t mac[6];
};

struct bpfvm_fib {
	struct bpfvm_fib_iface *ifaces;
	size_t niface, iface_cap;
	struct bpfvm_fib_route *routes;
	size_t nroute, route_cap;
	struct fib_neigh *neighs;
	size_t nneigh, neigh_cap;
};

static const struct bpfvm_fib_iface loopback = { .ifindex = 1, .mtu = LOOPBACK_MTU };

const struct bpfvm_fib *bpfvm_fib_empty(void)
{
	static const struct bpfvm_fib empty = {
		.ifaces = (struct bpfvm_fib_iface *)&loopback, .niface = 1,
	};

	return &empty;
}

static int grow(void **arr, size_t *cap, size_t n, size_t elem)
{
	size_t ncap;
	void *p;

	if (n < *cap)
		return 0;
	ncap = *cap ? *cap * 2 : 8;
	p = realloc(*arr, ncap * elem);
	if (!p)
		return bpfvm_errorf(-ENOMEM, "out of memory");
	*arr = p;
	*cap = ncap;
	return 0;
}

int bpfvm_fib_new(struct bpfvm_fib **out)
{
	struct bpfvm_fib *fib = calloc(1, sizeof(*fib));

	*out = NULL;
	if (!fib)
		return bpfvm_errorf(-ENOMEM, "out of memory");
	if (bpfvm_fib_set_iface(fib, &loopback)) {
		free(fib);
		return -ENOMEM;
	}
	*out = fib;
	return 0;
}

void bpfvm_fib_free(struct bpfvm_fib *fib)
{
	if (!fib)
		return;
	free(fib->ifaces);
	free(fib->routes);
	free(fib->neighs);
	free(fib);
}

static const struct bpfvm_fib_iface *find_iface(const struct bpfvm_fib *fib, uint32_t ifindex)
{
	for (size_t i = 0; i < fib->niface; i++)
		if (fib->ifaces[i].ifindex == ifindex)
			return &fib->ifaces[i];
	return NULL;
}

int bpfvm_fib_set_iface(struct bpfvm_fib *fib, const struct bpfvm_fib_iface *iface)
{
	struct bpfvm_fib_iface *cur = (struct bpfvm_fib_iface *)find_iface(fib, iface->ifindex);

	if (!iface->ifindex)
		return bpfvm_errorf(-EINVAL, "interface index 0 is not a device");
	if (!iface->mtu)
		return bpfvm_errorf(-EINVAL, "interface %u: an MTU of 0", iface->ifindex);
	if (cur) {
		*cur = *iface;
		return 0;
	}
	if (grow((void **)&fib->ifaces, &fib->iface_cap, fib->niface, sizeof(*iface)))
		return -ENOMEM;
	fib->ifaces[fib->niface++] = *iface;
	return 0;
}

static size_t addr_len(int family)
{
	return family == AF_INET ? 4 : 16;
}

static bool prefix_match(const uint8_t *addr, const uint8_t *prefix, unsigned int plen)
{
	unsigned int bytes = plen / 8, bits = plen % 8;

	if (memcmp(addr, prefix, bytes))
		return false;
	return !bits || !((addr[bytes] ^ prefix[bytes]) & (0xff00u >> bits));
}

int bpfvm_fib_add_route(struct bpfvm_fib *fib, const struct bpfvm_fib_route *route)
{
	struct bpfvm_fib_route r = *route;
	size_t len;

	if (r.family != AF_INET && r.family != AF_INET6)
		return bpfvm_errorf(-EAFNOSUPPORT, "route: family %d is neither AF_INET nor "
				    "AF_INET6", r.family);
	len = addr_len(r.family);
	if (r.prefixlen > len * 8)
		return bpfvm_errorf(-EINVAL, "route: prefix length %u is too long",
				    r.prefixlen);
	if (r.gw_family && r.gw_family != AF_INET && r.gw_family != AF_INET6)
		return bpfvm_errorf(-EAFNOSUPPORT, "route: gateway family %d", r.gw_family);
	if (r.family == AF_INET6 && r.gw_family == AF_INET)
		return bpfvm_errorf(-EINVAL, "route: an IPv6 route via an IPv4 gateway");
	if (r.type == BPFVM_FIB_UNICAST || r.type == BPFVM_FIB_LOCAL) {
		if (!find_iface(fib, r.ifindex))
			return bpfvm_errorf(-ENODEV, "route: no device with ifindex %u", r.ifindex);
	} else if (r.type > BPFVM_FIB_PROHIBIT) {
		return bpfvm_errorf(-EINVAL, "route: unknown type %d", (int)r.type);
	} else {
		r.ifindex = 0;
		r.gw_family = 0;
	}
	if (!r.table)
		r.table = BPFVM_FIB_TABLE_MAIN;
	/* The prefix's host bits are not part of it (`ip route` refuses them). */
	for (size_t i = 0; i < 16; i++) {
		unsigned int bit = (unsigned int)i * 8;

		if (i >= len || bit >= r.prefixlen)
			r.dst[i] = 0;
		else if (r.prefixlen - bit < 8)
			r.dst[i] &= (uint8_t)(0xff00u >> (r.prefixlen - bit));
	}
	for (size_t i = 0; i < fib->nroute; i++) {
		const struct bpfvm_fib_route *o = &fib->routes[i];

		if (o->family == r.family && o->table == r.table && o->prefixlen == r.prefixlen &&
		    o->metric == r.metric && !memcmp(o->dst, r.dst, len))
			return bpfvm_errorf(-EEXIST, "route: the table already has this prefix "
					    "with metric %u", r.metric);
	}
	if (grow((void **)&fib->routes, &fib->route_cap, fib->nroute, sizeof(r)))
		return -ENOMEM;
	fib->routes[fib->nroute++] = r;
	return 0;
}

int bpfvm_fib_add_neigh(struct bpfvm_fib *fib, int family, const void *addr,
			uint32_t ifindex, const uint8_t mac[6])
{
	struct fib_neigh n = { .family = family, .ifindex = ifindex };

	if (family != AF_INET && family != AF_INET6)
		return bpfvm_errorf(-EAFNOSUPPORT, "neigh: family %d is neither AF_INET nor "
				    "AF_INET6", family);
	if (!find_iface(fib, ifindex))
		return bpfvm_errorf(-ENODEV, "neigh: no device with ifindex %u", ifindex);
	memcpy(n.addr, addr, addr_len(family));
	memcpy(n.mac, mac, 6);
	for (size_t i = 0; i < fib->nneigh; i++) {
		struct fib_neigh *o = &fib->neighs[i];

		if (o->family == family && o->ifindex == ifindex &&
		    !memcmp(o->addr, n.addr, sizeof(n.addr))) {
			*o = n;
			return 0;
		}
	}
	if (grow((void **)&fib->neighs, &fib->neigh_cap, fib->nneigh, sizeof(n)))
		return -ENOMEM;
	fib->neighs[fib->nneigh++] = n;
	return 0;
}

uint32_t bpfvm_fib_iface_mtu(const struct bpfvm_fib *fib, uint32_t ifindex)
{
	const struct bpfvm_fib_iface *d = find_iface(fib, ifindex);

	return d ? d->mtu : 0;
}

static const struct fib_neigh *find_neigh(const struct bpfvm_fib *fib, int family,
					  const uint8_t *addr, uint32_t ifindex)
{
	for (size_t i = 0; i < fib->nneigh; i++) {
		const struct fib_neigh *n = &fib->neighs[i];

		if (n->family == family && n->ifindex == ifindex &&
		    !memcmp(n->addr, addr, addr_len(family)))
			return n;
	}
	return NULL;
}

static bool is_error_type(enum bpfvm_fib_route_type t)
{
	return t == BPFVM_FIB_BLACKHOLE || t == BPFVM_FIB_UNREACHABLE || t == BPFVM_FIB_PROHIBIT;
}

/* Whether route a is chosen over b: the longer prefix, then the lower metric,
 * then (IPv6, where the device is a preference and not a filter) the one on
 * the device the lookup names. */
static bool better(const struct bpfvm_fib_route *a, const struct bpfvm_fib_route *b,
		   uint32_t oif)
{
	if (!b)
		return true;
	if (a->prefixlen != b->prefixlen)
		return a->prefixlen > b->prefixlen;
	if (a->metric != b->metric)
		return a->metric < b->metric;
	return a->ifindex == oif && b->ifindex != oif;
}

/* One fib_table_lookup over the tables in `tables` (0-terminated). For IPv4
 * with an output device, a route whose nexthop is on another device does not
 * match (Linux skips the nexthop; reject routes have none and always match). */
static const struct bpfvm_fib_route *table_lookup(const struct bpfvm_fib *fib, int family,
						  const uint8_t *dst, const uint32_t *tables,
						  uint32_t oif, bool oif_filter)
{
	const struct bpfvm_fib_route *best = NULL;

	for (size_t i = 0; i < fib->nroute; i++) {
		const struct bpfvm_fib_route *r = &fib->routes[i];
		bool in_table = false;

		for (const uint32_t *t = tables; *t; t++)
			in_table |= r->table == *t;
		if (!in_table || r->family != family || !prefix_match(dst, r->dst, r->prefixlen))
			continue;
		if (oif_filter && oif && !is_error_type(r->type) && r->ifindex != oif)
			continue;
		if (better(r, best, oif))
			best = r;
	}
	return best;
}

static const struct bpfvm_fib_route *route_lookup(const struct bpfvm_fib *fib, int family,
						  const uint8_t *dst, uint32_t flags,
						  uint32_t tbid, uint32_t oif)
{
	/* IPv4 keeps the local table merged into main while there are no policy
	 * rules; IPv6 has them apart, and its default rules are local, main. */
	static const uint32_t v4_main[] = { BPFVM_FIB_TABLE_MAIN, BPFVM_FIB_TABLE_LOCAL, 0 };
	static const uint32_t v4_default[] = { BPFVM_FIB_TABLE_DEFAULT, 0 };
	static const uint32_t v6_local[] = { BPFVM_FIB_TABLE_LOCAL, 0 };
	static const uint32_t v6_main[] = { BPFVM_FIB_TABLE_MAIN, 0 };
	bool v4 = family == AF_INET;
	const struct bpfvm_fib_route *r;

	if (flags & BPFVM_FIB_LOOKUP_DIRECT) {
		uint32_t one[2] = { tbid ? tbid : BPFVM_FIB_TABLE_MAIN, 0 };

		if (!(flags & BPFVM_FIB_LOOKUP_TBID))
			return table_lookup(fib, family, dst, v4 ? v4_main : v6_main, oif, v4);
		/* Table 0 is main, as in fib_get_table. */
		if (v4 && (!tbid || tbid == BPFVM_FIB_TABLE_MAIN || tbid == BPFVM_FIB_TABLE_LOCAL))
			return table_lookup(fib, family, dst, v4_main, oif, v4);
		return table_lookup(fib, family, dst, one, oif, v4);
	}
	r = table_lookup(fib, family, dst, v4 ? v4_main : v6_local, oif, v4);
	if (!r)
		r = table_lookup(fib, family, dst, v4 ? v4_default : v6_main, oif, v4);
	return r;
}

static bool is_zero(const uint8_t *a, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (a[i])
			return false;
	return true;
}

/* inet_select_addr / ipv6_dev_get_saddr, reduced to the model: the egress
 * device's address, else the first device's that has one. */
static bool select_src(const struct bpfvm_fib *fib, int family, uint32_t ifindex, uint8_t *out)
{
	const struct bpfvm_fib_iface *d = find_iface(fib, ifindex);
	size_t len = addr_len(family);

	for (size_t i = 0; i <= fib->niface; i++) {
		const uint8_t *a;

		if (i > 0)
			d = &fib->ifaces[i - 1];
		if (!d)
			continue;
		a = family == AF_INET ? d->addr4 : d->addr6;
		if (!is_zero(a, len)) {
			memcpy(out, a, len);
			return true;
		}
	}
	memset(out, 0, len);
	return false;
}

/* rt6_need_strict: multicast, link-local and loopback addresses. */
static bool v6_strict(const uint8_t *a)
{
	static const uint8_t loop[16] = { [15] = 1 };

	return a[0] == 0xff || (a[0] == 0xfe && (a[1] & 0xc0) == 0x80) || !memcmp(a, loop, 16);
}

static int route_error(enum bpfvm_fib_route_type t)
{
	switch (t) {
	case BPFVM_FIB_BLACKHOLE:
		return BPFVM_FIB_RET_BLACKHOLE;
	case BPFVM_FIB_UNREACHABLE:
		return BPFVM_FIB_RET_UNREACHABLE;
	case BPFVM_FIB_PROHIBIT:
		return BPFVM_FIB_RET_PROHIBIT;
	default:
		return BPFVM_FIB_RET_NOT_FWDED;
	}
}

int bpfvm_fib_lookup(const struct bpfvm_fib *fib, struct bpfvm_fib_params *p, uint32_t flags,
		     bool check_mtu)
{
	int family = p->family;
	bool v4 = family == AF_INET;
	const struct bpfvm_fib_iface *dev;
	const struct bpfvm_fib_route *r;
	const struct fib_neigh *n;
	uint32_t mtu = 0, tbid = 0, oif;
	uint8_t dst[16] = { 0 };
	int nh_family;

	if (family != AF_INET && family != AF_INET6)
		return -EAFNOSUPPORT;
	if (!v4 && (v6_strict(p->dst) || v6_strict(p->src)))
		return BPFVM_FIB_RET_NOT_FWDED;
	dev = find_iface(fib, p->ifindex);
	if (!dev)
		return -ENODEV;
	if (dev->no_forwarding)
		return BPFVM_FIB_RET_FWD_DISABLED;
	/* IPv4 passes the device as oif only for an output lookup; IPv6 passes
	 * it both ways, as a preference. */
	oif = (!v4 || (flags & BPFVM_FIB_LOOKUP_OUTPUT)) ? p->ifindex : 0;
	if ((flags & BPFVM_FIB_LOOKUP_DIRECT) && (flags & BPFVM_FIB_LOOKUP_TBID)) {
		memcpy(&tbid, &p->h_vlan_proto, 4);
		/* Linux zeroes it: the same bytes are h_vlan_proto/TCI on output. */
		p->h_vlan_proto = p->h_vlan_tci = 0;
	}
	memcpy(dst, p->dst, addr_len(family));
	r = route_lookup(fib, family, dst, flags, tbid, oif);
	if (!r)
		return BPFVM_FIB_RET_NOT_FWDED;
	if (r->type != BPFVM_FIB_UNICAST)
		return route_error(r->type);
	dev = find_iface(fib, r->ifindex);
	if (check_mtu) {
		mtu = r->mtu ? r->mtu : dev->mtu;
		if (mtu > (v4 ? IP_MAX_MTU : IP6_MAX_MTU))
			mtu = v4 ? IP_MAX_MTU : IP6_MAX_MTU;
		if (p->tot_len > mtu) {
			p->tot_len = (uint16_t)mtu; /* mtu_result */
			return BPFVM_FIB_RET_FRAG_NEEDED;
		}
	}
	nh_family = r->gw_family;
	if (nh_family)
		memcpy(p->dst, r->gw, addr_len(nh_family));
	if (nh_family == AF_INET6 && v4) {
		p->family = AF_INET6;
		family = AF_INET6;
	}
	p->tos = r->metric; /* rt_metric */
	p->ifindex = r->ifindex;
	if (flags & BPFVM_FIB_LOOKUP_SRC) {
		size_t len = addr_len(v4 ? AF_INET : AF_INET6);

		if (!is_zero(r->prefsrc, len))
			memcpy(p->src, r->prefsrc, len);
		else if (!select_src(fib, v4 ? AF_INET : AF_INET6, r->ifindex, p->src) && !v4)
			return BPFVM_FIB_RET_NO_SRC_ADDR;
	}
	if (!(flags & BPFVM_FIB_LOOKUP_SKIP_NEIGH)) {
		n = find_neigh(fib, family, p->dst, r->ifindex);
		if (!n)
			return BPFVM_FIB_RET_NO_NEIGH;
		memcpy(p->dmac, n->mac, 6);
		memcpy(p->smac, dev->mac, 6);
	}
	p->h_vlan_proto = p->h_vlan_tci = 0;
	if (mtu)
		p->tot_len = (uint16_t)mtu;
	return BPFVM_FIB_RET_SUCCESS;
}
