/* libbpf's names for program, attach and map types, the words `bpfvm show`
 * prints and `--type` accepts. */
#include <errno.h>
#include <string.h>

#include "bpfvm/object.h"
#include "obj/secdef.h"

static const char *const prog_types[] = {
	"unspec",
	"socket_filter",
	"kprobe",
	"sched_cls",
	"sched_act",
	"tracepoint",
	"xdp",
	"perf_event",
	"cgroup_skb",
	"cgroup_sock",
	"lwt_in",
	"lwt_out",
	"lwt_xmit",
	"sock_ops",
	"sk_skb",
	"cgroup_device",
	"sk_msg",
	"raw_tracepoint",
	"cgroup_sock_addr",
	"lwt_seg6local",
	"lirc_mode2",
	"sk_reuseport",
	"flow_dissector",
	"cgroup_sysctl",
	"raw_tracepoint_writable",
	"cgroup_sockopt",
	"tracing",
	"struct_ops",
	"ext",
	"lsm",
	"sk_lookup",
	"syscall",
	"netfilter",
};

static const char *const attach_types[] = {
	"cgroup_inet_ingress",
	"cgroup_inet_egress",
	"cgroup_inet_sock_create",
	"cgroup_sock_ops",
	"sk_skb_stream_parser",
	"sk_skb_stream_verdict",
	"cgroup_device",
	"sk_msg_verdict",
	"cgroup_inet4_bind",
	"cgroup_inet6_bind",
	"cgroup_inet4_connect",
	"cgroup_inet6_connect",
	"cgroup_inet4_post_bind",
	"cgroup_inet6_post_bind",
	"cgroup_udp4_sendmsg",
	"cgroup_udp6_sendmsg",
	"lirc_mode2",
	"flow_dissector",
	"cgroup_sysctl",
	"cgroup_udp4_recvmsg",
	"cgroup_udp6_recvmsg",
	"cgroup_getsockopt",
	"cgroup_setsockopt",
	"trace_raw_tp",
	"trace_fentry",
	"trace_fexit",
	"modify_return",
	"lsm_mac",
	"trace_iter",
	"cgroup_inet4_getpeername",
	"cgroup_inet6_getpeername",
	"cgroup_inet4_getsockname",
	"cgroup_inet6_getsockname",
	"xdp_devmap",
	"cgroup_inet_sock_release",
	"xdp_cpumap",
	"sk_lookup",
	"xdp",
	"sk_skb_verdict",
	"sk_reuseport_select",
	"sk_reuseport_select_or_migrate",
	"perf_event",
	"trace_kprobe_multi",
	"lsm_cgroup",
	"struct_ops",
	"netfilter",
	"tcx_ingress",
	"tcx_egress",
	"trace_uprobe_multi",
	"cgroup_unix_connect",
	"cgroup_unix_sendmsg",
	"cgroup_unix_recvmsg",
	"cgroup_unix_getpeername",
	"cgroup_unix_getsockname",
	"netkit_primary",
	"netkit_peer",
	"trace_kprobe_session",
};

static const char *const map_types[] = {
	"unspec",
	"hash",
	"array",
	"prog_array",
	"perf_event_array",
	"percpu_hash",
	"percpu_array",
	"stack_trace",
	"cgroup_array",
	"lru_hash",
	"lru_percpu_hash",
	"lpm_trie",
	"array_of_maps",
	"hash_of_maps",
	"devmap",
	"sockmap",
	"cpumap",
	"xskmap",
	"sockhash",
	"cgroup_storage",
	"reuseport_sockarray",
	"percpu_cgroup_storage",
	"queue",
	"stack",
	"sk_storage",
	"devmap_hash",
	"struct_ops",
	"ringbuf",
	"inode_storage",
	"task_storage",
	"bloom_filter",
	"user_ringbuf",
	"cgrp_storage",
	"arena",
};

#define LOOKUP(table, id) ((id) < sizeof(table) / sizeof(table[0]) ? table[id] : NULL)

const char *bpfvm_prog_type_name(uint32_t prog_type)
{
	return LOOKUP(prog_types, prog_type);
}

const char *bpfvm_attach_type_name(uint32_t attach_type)
{
	return LOOKUP(attach_types, attach_type);
}

const char *bpfvm_map_type_name(uint32_t map_type)
{
	return LOOKUP(map_types, map_type);
}

int bpfvm_prog_type_by_name(const char *name)
{
	struct secdef_match m;

	for (size_t i = 1; i < sizeof(prog_types) / sizeof(prog_types[0]); i++)
		if (!strcmp(prog_types[i], name))
			return (int)i;
	if (secdef_match(name, &m))
		return (int)m.prog_type;
	return -ENOENT;
}
