/* The SEC() table: how libbpf 1.x (up to the tcx/netkit/unix-socket additions)
 * turns a section name into a program type and expected attach type, plus
 * libbpf 0.x's looser prefix rule for old objects ("socket1", "xdp_prog").
 *
 * Matching follows libbpf: "name" matches exactly; "name+" matches "name" or
 * "name/anything"; "name/" matches any name with that prefix. */
#include "obj/secdef.h"

#include <string.h>

#include "obj/ids.h"

enum {
	SD_SLEEPABLE = 1,
	SD_LEGACY = 2, /* libbpf 0.x accepted any name starting with the base */
};

struct secdef {
	const char *sec;
	uint32_t prog_type;
	uint32_t attach_type;
	uint32_t flags;
};

#define L SD_LEGACY
#define S SD_SLEEPABLE
static const struct secdef defs[] = {
	{ "socket", PT_SOCKET_FILTER, 0, L },
	{ "sk_reuseport/migrate", PT_SK_REUSEPORT, AT_SK_REUSEPORT_SELECT_OR_MIGRATE, L },
	{ "sk_reuseport", PT_SK_REUSEPORT, AT_SK_REUSEPORT_SELECT, L },
	{ "kprobe+", PT_KPROBE, 0, L },
	{ "uprobe+", PT_KPROBE, 0, L },
	{ "uprobe.s+", PT_KPROBE, 0, S },
	{ "kretprobe+", PT_KPROBE, 0, L },
	{ "uretprobe+", PT_KPROBE, 0, L },
	{ "uretprobe.s+", PT_KPROBE, 0, S },
	{ "kprobe.multi+", PT_KPROBE, AT_TRACE_KPROBE_MULTI, 0 },
	{ "kretprobe.multi+", PT_KPROBE, AT_TRACE_KPROBE_MULTI, 0 },
	{ "kprobe.session+", PT_KPROBE, AT_TRACE_KPROBE_SESSION, 0 },
	{ "uprobe.multi+", PT_KPROBE, AT_TRACE_UPROBE_MULTI, 0 },
	{ "uretprobe.multi+", PT_KPROBE, AT_TRACE_UPROBE_MULTI, 0 },
	{ "uprobe.multi.s+", PT_KPROBE, AT_TRACE_UPROBE_MULTI, S },
	{ "uretprobe.multi.s+", PT_KPROBE, AT_TRACE_UPROBE_MULTI, S },
	{ "ksyscall+", PT_KPROBE, 0, 0 },
	{ "kretsyscall+", PT_KPROBE, 0, 0 },
	{ "usdt+", PT_KPROBE, 0, 0 },
	{ "usdt.s+", PT_KPROBE, 0, S },
	{ "tc/ingress", PT_SCHED_CLS, AT_TCX_INGRESS, 0 },
	{ "tc/egress", PT_SCHED_CLS, AT_TCX_EGRESS, 0 },
	{ "tcx/ingress", PT_SCHED_CLS, AT_TCX_INGRESS, 0 },
	{ "tcx/egress", PT_SCHED_CLS, AT_TCX_EGRESS, 0 },
	{ "tc", PT_SCHED_CLS, 0, L },
	{ "classifier", PT_SCHED_CLS, 0, L },
	{ "action", PT_SCHED_ACT, 0, L },
	{ "netkit/primary", PT_SCHED_CLS, AT_NETKIT_PRIMARY, 0 },
	{ "netkit/peer", PT_SCHED_CLS, AT_NETKIT_PEER, 0 },
	{ "tracepoint+", PT_TRACEPOINT, 0, L },
	{ "tp+", PT_TRACEPOINT, 0, L },
	{ "raw_tracepoint+", PT_RAW_TRACEPOINT, 0, L },
	{ "raw_tp+", PT_RAW_TRACEPOINT, 0, L },
	{ "raw_tracepoint.w+", PT_RAW_TRACEPOINT_WRITABLE, 0, 0 },
	{ "raw_tp.w+", PT_RAW_TRACEPOINT_WRITABLE, 0, 0 },
	{ "tp_btf+", PT_TRACING, AT_TRACE_RAW_TP, 0 },
	{ "fentry+", PT_TRACING, AT_TRACE_FENTRY, 0 },
	{ "fmod_ret+", PT_TRACING, AT_MODIFY_RETURN, 0 },
	{ "fexit+", PT_TRACING, AT_TRACE_FEXIT, 0 },
	{ "fentry.s+", PT_TRACING, AT_TRACE_FENTRY, S },
	{ "fmod_ret.s+", PT_TRACING, AT_MODIFY_RETURN, S },
	{ "fexit.s+", PT_TRACING, AT_TRACE_FEXIT, S },
	{ "freplace+", PT_EXT, 0, 0 },
	{ "lsm+", PT_LSM, AT_LSM_MAC, 0 },
	{ "lsm.s+", PT_LSM, AT_LSM_MAC, S },
	{ "lsm_cgroup+", PT_LSM, AT_LSM_CGROUP, 0 },
	{ "iter+", PT_TRACING, AT_TRACE_ITER, 0 },
	{ "iter.s+", PT_TRACING, AT_TRACE_ITER, S },
	{ "syscall", PT_SYSCALL, 0, S },
	{ "xdp.frags/devmap", PT_XDP, AT_XDP_DEVMAP, 0 },
	{ "xdp/devmap", PT_XDP, AT_XDP_DEVMAP, 0 },
	{ "xdp_devmap/", PT_XDP, AT_XDP_DEVMAP, L },
	{ "xdp.frags/cpumap", PT_XDP, AT_XDP_CPUMAP, 0 },
	{ "xdp/cpumap", PT_XDP, AT_XDP_CPUMAP, 0 },
	{ "xdp_cpumap/", PT_XDP, AT_XDP_CPUMAP, L },
	{ "xdp.frags", PT_XDP, AT_XDP, 0 },
	{ "xdp", PT_XDP, AT_XDP, L },
	{ "perf_event", PT_PERF_EVENT, 0, L },
	{ "lwt_in", PT_LWT_IN, 0, L },
	{ "lwt_out", PT_LWT_OUT, 0, L },
	{ "lwt_xmit", PT_LWT_XMIT, 0, L },
	{ "lwt_seg6local", PT_LWT_SEG6LOCAL, 0, L },
	{ "sockops", PT_SOCK_OPS, AT_CGROUP_SOCK_OPS, L },
	{ "sk_skb/stream_parser", PT_SK_SKB, AT_SK_SKB_STREAM_PARSER, L },
	{ "sk_skb/stream_verdict", PT_SK_SKB, AT_SK_SKB_STREAM_VERDICT, L },
	{ "sk_skb/verdict", PT_SK_SKB, AT_SK_SKB_VERDICT, 0 },
	{ "sk_skb", PT_SK_SKB, 0, L },
	{ "sk_msg", PT_SK_MSG, AT_SK_MSG_VERDICT, L },
	{ "lirc_mode2", PT_LIRC_MODE2, AT_LIRC_MODE2, L },
	{ "flow_dissector", PT_FLOW_DISSECTOR, AT_FLOW_DISSECTOR, L },
	{ "cgroup_skb/ingress", PT_CGROUP_SKB, AT_CGROUP_INET_INGRESS, L },
	{ "cgroup_skb/egress", PT_CGROUP_SKB, AT_CGROUP_INET_EGRESS, L },
	{ "cgroup/skb", PT_CGROUP_SKB, 0, L },
	{ "cgroup/sock_create", PT_CGROUP_SOCK, AT_CGROUP_INET_SOCK_CREATE, L },
	{ "cgroup/sock_release", PT_CGROUP_SOCK, AT_CGROUP_INET_SOCK_RELEASE, L },
	{ "cgroup/sock", PT_CGROUP_SOCK, AT_CGROUP_INET_SOCK_CREATE, L },
	{ "cgroup/post_bind4", PT_CGROUP_SOCK, AT_CGROUP_INET4_POST_BIND, L },
	{ "cgroup/post_bind6", PT_CGROUP_SOCK, AT_CGROUP_INET6_POST_BIND, L },
	{ "cgroup/bind4", PT_CGROUP_SOCK_ADDR, AT_CGROUP_INET4_BIND, L },
	{ "cgroup/bind6", PT_CGROUP_SOCK_ADDR, AT_CGROUP_INET6_BIND, L },
	{ "cgroup/connect4", PT_CGROUP_SOCK_ADDR, AT_CGROUP_INET4_CONNECT, L },
	{ "cgroup/connect6", PT_CGROUP_SOCK_ADDR, AT_CGROUP_INET6_CONNECT, L },
	{ "cgroup/connect_unix", PT_CGROUP_SOCK_ADDR, AT_CGROUP_UNIX_CONNECT, 0 },
	{ "cgroup/sendmsg4", PT_CGROUP_SOCK_ADDR, AT_CGROUP_UDP4_SENDMSG, L },
	{ "cgroup/sendmsg6", PT_CGROUP_SOCK_ADDR, AT_CGROUP_UDP6_SENDMSG, L },
	{ "cgroup/sendmsg_unix", PT_CGROUP_SOCK_ADDR, AT_CGROUP_UNIX_SENDMSG, 0 },
	{ "cgroup/recvmsg4", PT_CGROUP_SOCK_ADDR, AT_CGROUP_UDP4_RECVMSG, L },
	{ "cgroup/recvmsg6", PT_CGROUP_SOCK_ADDR, AT_CGROUP_UDP6_RECVMSG, L },
	{ "cgroup/recvmsg_unix", PT_CGROUP_SOCK_ADDR, AT_CGROUP_UNIX_RECVMSG, 0 },
	{ "cgroup/getpeername4", PT_CGROUP_SOCK_ADDR, AT_CGROUP_INET4_GETPEERNAME, L },
	{ "cgroup/getpeername6", PT_CGROUP_SOCK_ADDR, AT_CGROUP_INET6_GETPEERNAME, L },
	{ "cgroup/getpeername_unix", PT_CGROUP_SOCK_ADDR, AT_CGROUP_UNIX_GETPEERNAME, 0 },
	{ "cgroup/getsockname4", PT_CGROUP_SOCK_ADDR, AT_CGROUP_INET4_GETSOCKNAME, L },
	{ "cgroup/getsockname6", PT_CGROUP_SOCK_ADDR, AT_CGROUP_INET6_GETSOCKNAME, L },
	{ "cgroup/getsockname_unix", PT_CGROUP_SOCK_ADDR, AT_CGROUP_UNIX_GETSOCKNAME, 0 },
	{ "cgroup/sysctl", PT_CGROUP_SYSCTL, AT_CGROUP_SYSCTL, L },
	{ "cgroup/getsockopt", PT_CGROUP_SOCKOPT, AT_CGROUP_GETSOCKOPT, L },
	{ "cgroup/setsockopt", PT_CGROUP_SOCKOPT, AT_CGROUP_SETSOCKOPT, L },
	{ "cgroup/dev", PT_CGROUP_DEVICE, AT_CGROUP_DEVICE, L },
	{ "struct_ops+", PT_STRUCT_OPS, 0, 0 },
	{ "struct_ops.s+", PT_STRUCT_OPS, 0, S },
	{ "sk_lookup", PT_SK_LOOKUP, AT_SK_LOOKUP, 0 },
	{ "netfilter", PT_NETFILTER, AT_NETFILTER, 0 },
};
#undef L
#undef S

static bool strict_match(const char *def, const char *name, const char **target)
{
	size_t len = strlen(def);

	*target = "";
	if (def[len - 1] == '/') {
		if (strncmp(name, def, len) != 0)
			return false;
		*target = name + len;
		return true;
	}
	if (def[len - 1] == '+') {
		len--;
		if (strncmp(name, def, len) != 0)
			return false;
		if (name[len] == '\0')
			return true;
		if (name[len] != '/')
			return false;
		*target = name + len + 1;
		return true;
	}
	return strcmp(name, def) == 0;
}

static void fill(const struct secdef *d, struct secdef_match *m, bool legacy, const char *target)
{
	m->prog_type = d->prog_type;
	m->attach_type = d->attach_type;
	m->sleepable = d->flags & SD_SLEEPABLE;
	m->legacy = legacy;
	m->target = target;
}

bool secdef_match(const char *sec_name, struct secdef_match *m)
{
	const char *target;

	for (size_t i = 0; i < sizeof(defs) / sizeof(defs[0]); i++)
		if (strict_match(defs[i].sec, sec_name, &target)) {
			fill(&defs[i], m, false, target);
			return true;
		}
	for (size_t i = 0; i < sizeof(defs) / sizeof(defs[0]); i++) {
		size_t len = strlen(defs[i].sec);

		if (!(defs[i].flags & SD_LEGACY))
			continue;
		if (defs[i].sec[len - 1] == '+')
			len--;
		if (strncmp(sec_name, defs[i].sec, len) == 0) {
			const char *slash = strchr(sec_name + len, '/');

			fill(&defs[i], m, true, slash ? slash + 1 : "");
			return true;
		}
	}
	return false;
}

uint32_t secdef_default_attach(uint32_t prog_type)
{
	/* Prefer the plain entry ("xdp", not "xdp.frags/devmap"). */
	for (size_t i = 0; i < sizeof(defs) / sizeof(defs[0]); i++)
		if (defs[i].prog_type == prog_type && !strpbrk(defs[i].sec, "/.+"))
			return defs[i].attach_type;
	for (size_t i = 0; i < sizeof(defs) / sizeof(defs[0]); i++)
		if (defs[i].prog_type == prog_type)
			return defs[i].attach_type;
	return 0;
}
