/* The FIB model behind bpf_fib_lookup (hooks/fib.c) called directly: the
 * struct layout against <linux/bpf.h>, longest-prefix and metric choice,
 * tables and flags, IPv4 over an IPv6 gateway, the text format's errors. The
 * answers Linux gives for the same configuration are compared end to end in
 * tests/cli/run_fib.sh. */
#include <arpa/inet.h>
#include <errno.h>
#include <sys/socket.h>

#include "bpfvm/bpfvm.h"
#include "hooks/fib.h"
#include "test.h"

#if defined(__linux__) && __has_include(<linux/bpf.h>)
#include <linux/bpf.h>
_Static_assert(sizeof(struct bpf_fib_lookup) == sizeof(struct bpfvm_fib_params), "size");
_Static_assert(offsetof(struct bpf_fib_lookup, tot_len) ==
	       offsetof(struct bpfvm_fib_params, tot_len), "tot_len");
_Static_assert(offsetof(struct bpf_fib_lookup, ifindex) ==
	       offsetof(struct bpfvm_fib_params, ifindex), "ifindex");
_Static_assert(offsetof(struct bpf_fib_lookup, rt_metric) ==
	       offsetof(struct bpfvm_fib_params, tos), "rt_metric");
_Static_assert(offsetof(struct bpf_fib_lookup, ipv6_src) ==
	       offsetof(struct bpfvm_fib_params, src), "src");
_Static_assert(offsetof(struct bpf_fib_lookup, ipv6_dst) ==
	       offsetof(struct bpfvm_fib_params, dst), "dst");
_Static_assert(offsetof(struct bpf_fib_lookup, tbid) ==
	       offsetof(struct bpfvm_fib_params, h_vlan_proto), "tbid");
_Static_assert(offsetof(struct bpf_fib_lookup, smac) ==
	       offsetof(struct bpfvm_fib_params, smac), "smac");
_Static_assert(offsetof(struct bpf_fib_lookup, dmac) ==
	       offsetof(struct bpfvm_fib_params, dmac), "dmac");
_Static_assert((int)BPF_FIB_LOOKUP_SRC == (int)BPFVM_FIB_LOOKUP_SRC, "flags");
_Static_assert((int)BPF_FIB_LKUP_RET_NO_SRC_ADDR == (int)BPFVM_FIB_RET_NO_SRC_ADDR, "codes");
#endif

static struct bpfvm_fib_params q4(const char *dst, uint32_t ifindex)
{
	struct bpfvm_fib_params p = { .family = AF_INET, .ifindex = ifindex };

	inet_pton(AF_INET, dst, p.dst);
	return p;
}

static uint32_t dst4(const struct bpfvm_fib_params *p)
{
	uint32_t a;

	memcpy(&a, p->dst, 4);
	return ntohl(a);
}

static void test_lookup(void)
{
	static const char text[] =
		"iface 2 mtu 9000 mac 02:00:00:00:00:02\n"
		"iface 3 mac 02:00:00:00:00:03 addr 192.168.3.1 # a comment\n"
		"route default via 10.0.0.1 dev 2 metric 100\n"
		"route 10.0.0.0/8 dev 2 metric 7\n"
		"route 10.1.0.0/16 dev 3 metric 9\n"
		"route 10.1.0.0/16 dev 2 metric 3\n"
		"route 10.2.0.0/16 via fe80::1 dev 3\n"
		"route 172.16.0.0/12 dev 3 table 100\n"
		"neigh 10.0.0.1 lladdr 02:00:00:00:00:01 dev 2\n"
		"neigh 10.1.2.3 lladdr 02:00:00:00:01:23 dev 2\n"
		"neigh fe80::1 lladdr 02:00:00:00:fe:80 dev 3\n";
	struct bpfvm_fib *fib;
	struct bpfvm_fib_params p;
	uint32_t tb = 100;

	CHECK_EQ_U64(bpfvm_fib_new(&fib), 0);
	CHECK_EQ_U64(bpfvm_fib_parse(fib, text, "t"), 0);
	/* Longest prefix, then the lowest metric among equal prefixes. */
	p = q4("10.1.2.3", 1);
	CHECK_EQ_U64(bpfvm_fib_lookup(fib, &p, 0, true), BPFVM_FIB_RET_SUCCESS);
	CHECK_EQ_U64(p.ifindex, 2);
	CHECK_EQ_U64(p.tos, 3);
	CHECK_EQ_U64(p.tot_len, 9000);
	CHECK_EQ_U64(p.dmac[5], 0x23);
	CHECK_EQ_U64(p.smac[5], 0x02);
	/* The default route's gateway replaces the destination. */
	p = q4("8.8.8.8", 1);
	CHECK_EQ_U64(bpfvm_fib_lookup(fib, &p, 0, true), BPFVM_FIB_RET_SUCCESS);
	CHECK_EQ_U64(dst4(&p), 0x0a000001);
	CHECK_EQ_U64(p.tos, 100);
	/* An IPv4 route via an IPv6 gateway answers in AF_INET6. */
	p = q4("10.2.0.9", 1);
	CHECK_EQ_U64(bpfvm_fib_lookup(fib, &p, 0, false), BPFVM_FIB_RET_SUCCESS);
	CHECK_EQ_U64(p.family, AF_INET6);
	CHECK_EQ_U64(p.dst[0], 0xfe);
	CHECK_EQ_U64(p.dmac[4], 0xfe);
	/* Only DIRECT|TBID reaches table 100. */
	p = q4("172.16.0.1", 1);
	CHECK_EQ_U64(bpfvm_fib_lookup(fib, &p, 0, false), BPFVM_FIB_RET_SUCCESS);
	CHECK_EQ_U64(p.ifindex, 2); /* the default route */
	p = q4("172.16.0.1", 1);
	memcpy(&p.h_vlan_proto, &tb, 4);
	CHECK_EQ_U64(bpfvm_fib_lookup(fib, &p, BPFVM_FIB_LOOKUP_DIRECT | BPFVM_FIB_LOOKUP_TBID |
					     BPFVM_FIB_LOOKUP_SKIP_NEIGH | BPFVM_FIB_LOOKUP_SRC,
				      false),
		     BPFVM_FIB_RET_SUCCESS);
	CHECK_EQ_U64(p.ifindex, 3);
	CHECK_EQ_U64(p.h_vlan_proto, 0);
	CHECK_EQ_U64(p.src[0], 192); /* the egress device's address */
	/* OUTPUT on device 3 skips routes whose nexthop is elsewhere. */
	p = q4("10.1.2.3", 3);
	CHECK_EQ_U64(bpfvm_fib_lookup(fib, &p, BPFVM_FIB_LOOKUP_OUTPUT, false),
		     BPFVM_FIB_RET_NO_NEIGH);
	CHECK_EQ_U64(p.ifindex, 3);
	p = q4("10.1.2.3", 4);
	CHECK_EQ_U64((uint64_t)(int64_t)bpfvm_fib_lookup(fib, &p, 0, false), (uint64_t)-ENODEV);
	p = q4("10.1.2.3", 1);
	p.family = 7;
	CHECK_EQ_U64((uint64_t)(int64_t)bpfvm_fib_lookup(fib, &p, 0, false),
		     (uint64_t)-EAFNOSUPPORT);
	CHECK_EQ_U64(bpfvm_fib_iface_mtu(fib, 3), 1500);
	CHECK_EQ_U64(bpfvm_fib_iface_mtu(fib, 1), 65536);
	CHECK_EQ_U64(bpfvm_fib_iface_mtu(fib, 9), 0);
	/* The empty FIB: loopback only, no routes. */
	p = q4("10.1.2.3", 1);
	CHECK_EQ_U64(bpfvm_fib_lookup(bpfvm_fib_empty(), &p, 0, true), BPFVM_FIB_RET_NOT_FWDED);
	bpfvm_fib_free(fib);
}

static void test_errors(void)
{
	static const struct {
		const char *text, *msg;
		int err;
	} bad[] = {
		{ "route 10.0.0.0/8 dev 5\n", "f:1: route: no device with ifindex 5", -ENODEV },
		{ "\n\niface 0\n", "f:3: interface index 0 is not a device", -EINVAL },
		{ "route 10.0.0.0/8 dev 1\nroute 10.0.0.0/8 dev 1\n",
		  "f:2: route: the table already has this prefix with metric 0", -EEXIST },
		{ "route 10.0.0.0/40 dev 1\n", "f:1: route: prefix length too long: '10.0.0.0/40'",
		  -EINVAL },
		{ "route 10.0.0.0/8\n", "f:1: route: 'dev IFINDEX' is required", -EINVAL },
		{ "neigh 1.2.3.4 lladdr 02:00:00:00:00 dev 1\n",
		  "f:1: not a MAC address (XX:XX:XX:XX:XX:XX): '02:00:00:00:00'", -EINVAL },
		{ "iface 2 speed 10\n", "f:1: iface: unknown keyword 'speed'", -EINVAL },
		{ "route ::/0 via 1.2.3.4 dev 1\n",
		  "f:1: route: an IPv6 route via an IPv4 gateway", -EINVAL },
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct bpfvm_fib *fib;

		CHECK_EQ_U64(bpfvm_fib_new(&fib), 0);
		CHECK_EQ_U64((uint64_t)(int64_t)bpfvm_fib_parse(fib, bad[i].text, "f"),
			     (uint64_t)(int64_t)bad[i].err);
		CHECK_STR(bpfvm_last_error(), bad[i].msg);
		bpfvm_fib_free(fib);
	}
}

int main(void)
{
	test_lookup();
	test_errors();
	return test_exit();
}
