/* The helper table: one row per helper bpfvm implements, by Linux helper id,
 * with the kernel's bpf_func_proto argument and return kinds. The verifier
 * reads the kinds, the engines bind the function through
 * bpfvm_helper_resolve(). Adding a helper is one row here and one function in
 * the file of its family. */
#include <errno.h>
#include <stddef.h>

#include "bpfvm/helpers.h"
#include "bpfvm/map.h"
#include "helpers/helpers.h"
#include "helpers/proto.h"
#include "util/error.h"

#define MT(t) (1ull << BPFVM_MAP_TYPE_##t)
#define MAPS_WITH_VALUES                                                                   \
	(MT(HASH) | MT(ARRAY) | MT(PERCPU_HASH) | MT(PERCPU_ARRAY) | MT(LRU_HASH) |         \
	 MT(LRU_PERCPU_HASH) | MT(LPM_TRIE))
#define MAPS_ITERABLE                                                                      \
	(MT(HASH) | MT(ARRAY) | MT(PERCPU_HASH) | MT(PERCPU_ARRAY) | MT(LRU_HASH) |         \
	 MT(LRU_PERCPU_HASH))

static const struct bpfvm_helper_proto table[] = {
	[1] = { 1, "map_lookup_elem", bpfvm_helper_map_lookup_elem, BPFVM_HELPER_PLAIN,
		RET_PTR_TO_MAP_VALUE_OR_NULL, { ARG_CONST_MAP_PTR, ARG_PTR_TO_MAP_KEY }, 0,
		MAPS_WITH_VALUES | MT(ARRAY_OF_MAPS) | MT(HASH_OF_MAPS) | MT(DEVMAP) |
		MT(DEVMAP_HASH) },
	[2] = { 2, "map_update_elem", bpfvm_helper_map_update_elem, BPFVM_HELPER_PLAIN,
		RET_INTEGER,
		{ ARG_CONST_MAP_PTR, ARG_PTR_TO_MAP_KEY, ARG_PTR_TO_MAP_VALUE, ARG_ANYTHING }, 0,
		MAPS_WITH_VALUES },
	[3] = { 3, "map_delete_elem", bpfvm_helper_map_delete_elem, BPFVM_HELPER_PLAIN,
		RET_INTEGER, { ARG_CONST_MAP_PTR, ARG_PTR_TO_MAP_KEY }, 0, MAPS_WITH_VALUES },
	/* The probe_read family (bpf_probe_read_kernel_proto & co.). */
	[4] = { 4, "probe_read", bpfvm_helper_probe_read, BPFVM_HELPER_PLAIN, RET_INTEGER,
		{ ARG_PTR_TO_UNINIT_MEM, ARG_CONST_SIZE_OR_ZERO, ARG_ANYTHING }, 0, 0 },
	[5] = { 5, "ktime_get_ns", bpfvm_helper_ktime_get_ns, BPFVM_HELPER_PLAIN, RET_INTEGER,
		{ 0 }, 0, 0 },
	/* Arguments 3-5 are only read as the format asks, as in the kernel. */
	[6] = { 6, "trace_printk", bpfvm_helper_trace_printk, BPFVM_HELPER_PLAIN, RET_INTEGER,
		{ ARG_PTR_TO_MEM, ARG_CONST_SIZE }, 0, 0 },
	[7] = { 7, "get_prandom_u32", bpfvm_helper_get_prandom_u32, BPFVM_HELPER_PLAIN,
		RET_INTEGER, { 0 }, 0, 0 },
	[8] = { 8, "get_smp_processor_id", bpfvm_helper_get_smp_processor_id,
		BPFVM_HELPER_PLAIN, RET_INTEGER, { 0 }, 0, 0 },
	[9] = { 9, "skb_store_bytes", bpfvm_helper_skb_store_bytes, BPFVM_HELPER_PLAIN,
		RET_INTEGER, { ARG_PTR_TO_CTX, ARG_ANYTHING, ARG_PTR_TO_MEM, ARG_CONST_SIZE,
		ARG_ANYTHING }, HELPER_F_PKT_INVALIDATE, 0 },
	[10] = { 10, "l3_csum_replace", bpfvm_helper_l3_csum_replace, BPFVM_HELPER_PLAIN,
		 RET_INTEGER, { ARG_PTR_TO_CTX, ARG_ANYTHING, ARG_ANYTHING, ARG_ANYTHING,
		 ARG_ANYTHING }, HELPER_F_PKT_INVALIDATE, 0 },
	[11] = { 11, "l4_csum_replace", bpfvm_helper_l4_csum_replace, BPFVM_HELPER_PLAIN,
		 RET_INTEGER, { ARG_PTR_TO_CTX, ARG_ANYTHING, ARG_ANYTHING, ARG_ANYTHING,
		 ARG_ANYTHING }, HELPER_F_PKT_INVALIDATE, 0 },
	[12] = { 12, "tail_call", bpfvm_helper_tail_call, BPFVM_HELPER_TAIL_CALL, RET_VOID,
		 { ARG_PTR_TO_CTX, ARG_CONST_MAP_PTR, ARG_ANYTHING }, 0, MT(PROG_ARRAY) },
	[13] = { 13, "clone_redirect", bpfvm_helper_clone_redirect, BPFVM_HELPER_PLAIN,
		 RET_INTEGER, { ARG_PTR_TO_CTX, ARG_ANYTHING, ARG_ANYTHING },
		 HELPER_F_PKT_INVALIDATE, 0 },
	[14] = { 14, "get_current_pid_tgid", bpfvm_helper_get_current_pid_tgid,
		 BPFVM_HELPER_PLAIN, RET_INTEGER, { 0 }, 0, 0 },
	[15] = { 15, "get_current_uid_gid", bpfvm_helper_get_current_uid_gid,
		 BPFVM_HELPER_PLAIN, RET_INTEGER, { 0 }, 0, 0 },
	[16] = { 16, "get_current_comm", bpfvm_helper_get_current_comm, BPFVM_HELPER_PLAIN,
		 RET_INTEGER, { ARG_PTR_TO_UNINIT_MEM, ARG_CONST_SIZE }, 0, 0 },
	[18] = { 18, "skb_vlan_push", bpfvm_helper_skb_vlan_push, BPFVM_HELPER_PLAIN,
		 RET_INTEGER, { ARG_PTR_TO_CTX, ARG_ANYTHING, ARG_ANYTHING },
		 HELPER_F_PKT_INVALIDATE, 0 },
	[19] = { 19, "skb_vlan_pop", bpfvm_helper_skb_vlan_pop, BPFVM_HELPER_PLAIN,
		 RET_INTEGER, { ARG_PTR_TO_CTX }, HELPER_F_PKT_INVALIDATE, 0 },
	[20] = { 20, "skb_get_tunnel_key", bpfvm_helper_skb_get_tunnel_key, BPFVM_HELPER_PLAIN,
		 RET_INTEGER, { ARG_PTR_TO_CTX, ARG_PTR_TO_UNINIT_MEM, ARG_CONST_SIZE, ARG_ANYTHING },
		 0, 0 },
	[21] = { 21, "skb_set_tunnel_key", bpfvm_helper_skb_set_tunnel_key, BPFVM_HELPER_PLAIN,
		 RET_INTEGER, { ARG_PTR_TO_CTX, ARG_PTR_TO_MEM, ARG_CONST_SIZE, ARG_ANYTHING }, 0, 0 },
	[22] = { 22, "perf_event_read", bpfvm_helper_perf_event_read, BPFVM_HELPER_PLAIN,
		 RET_INTEGER, { ARG_CONST_MAP_PTR, ARG_ANYTHING }, 0, MT(PERF_EVENT_ARRAY) },
	[23] = { 23, "redirect", bpfvm_helper_redirect, BPFVM_HELPER_PLAIN, RET_INTEGER,
		 { ARG_ANYTHING, ARG_ANYTHING }, 0, 0 },
	/* The skb/XDP form (bpf_skb_event_output_proto): the context first. */
	[25] = { 25, "perf_event_output", bpfvm_helper_perf_event_output, BPFVM_HELPER_PLAIN,
		 RET_INTEGER, { ARG_PTR_TO_CTX, ARG_CONST_MAP_PTR, ARG_ANYTHING, ARG_PTR_TO_MEM,
		 ARG_CONST_SIZE_OR_ZERO }, 0, MT(PERF_EVENT_ARRAY) },
	[26] = { 26, "skb_load_bytes", bpfvm_helper_skb_load_bytes, BPFVM_HELPER_PLAIN,
		 RET_INTEGER, { ARG_PTR_TO_CTX, ARG_ANYTHING, ARG_PTR_TO_UNINIT_MEM,
		 ARG_CONST_SIZE }, 0, 0 },
	[27] = { 27, "get_stackid", bpfvm_helper_get_stackid, BPFVM_HELPER_PLAIN, RET_INTEGER,
		 { ARG_PTR_TO_CTX, ARG_CONST_MAP_PTR, ARG_ANYTHING }, 0, MT(STACK_TRACE) },
	[28] = { 28, "csum_diff", bpfvm_helper_csum_diff, BPFVM_HELPER_PLAIN, RET_INTEGER,
		 { ARG_PTR_TO_MEM_OR_NULL, ARG_CONST_SIZE_OR_ZERO, ARG_PTR_TO_MEM_OR_NULL,
		   ARG_CONST_SIZE_OR_ZERO, ARG_ANYTHING }, 0, 0 },
	[29] = { 29, "skb_get_tunnel_opt", bpfvm_helper_skb_get_tunnel_opt, BPFVM_HELPER_PLAIN,
		 RET_INTEGER, { ARG_PTR_TO_CTX, ARG_PTR_TO_UNINIT_MEM, ARG_CONST_SIZE }, 0, 0 },
	[30] = { 30, "skb_set_tunnel_opt", bpfvm_helper_skb_set_tunnel_opt, BPFVM_HELPER_PLAIN,
		 RET_INTEGER, { ARG_PTR_TO_CTX, ARG_PTR_TO_MEM, ARG_CONST_SIZE }, 0, 0 },
	[31] = { 31, "skb_change_proto", bpfvm_helper_skb_change_proto, BPFVM_HELPER_PLAIN,
		 RET_INTEGER, { ARG_PTR_TO_CTX, ARG_ANYTHING, ARG_ANYTHING },
		 HELPER_F_PKT_INVALIDATE, 0 },
	[32] = { 32, "skb_change_type", bpfvm_helper_skb_change_type, BPFVM_HELPER_PLAIN,
		 RET_INTEGER, { ARG_PTR_TO_CTX, ARG_ANYTHING }, 0, 0 },
	[33] = { 33, "skb_under_cgroup", bpfvm_helper_skb_under_cgroup, BPFVM_HELPER_PLAIN,
		 RET_INTEGER, { ARG_PTR_TO_CTX, ARG_CONST_MAP_PTR, ARG_ANYTHING }, 0,
		 MT(CGROUP_ARRAY) },
	[34] = { 34, "get_hash_recalc", bpfvm_helper_get_hash_recalc, BPFVM_HELPER_PLAIN,
		 RET_INTEGER, { ARG_PTR_TO_CTX }, 0, 0 },
	[35] = { 35, "get_current_task", bpfvm_helper_get_current_task, BPFVM_HELPER_PLAIN,
		 RET_INTEGER, { 0 }, 0, 0 },
	[37] = { 37, "current_task_under_cgroup", bpfvm_helper_current_task_under_cgroup,
		 BPFVM_HELPER_PLAIN, RET_INTEGER, { ARG_CONST_MAP_PTR, ARG_ANYTHING }, 0,
		 MT(CGROUP_ARRAY) },
	[38] = { 38, "skb_change_tail", bpfvm_helper_skb_change_tail, BPFVM_HELPER_PLAIN,
		 RET_INTEGER, { ARG_PTR_TO_CTX, ARG_ANYTHING, ARG_ANYTHING },
		 HELPER_F_PKT_INVALIDATE, 0 },
	[39] = { 39, "skb_pull_data", bpfvm_helper_skb_pull_data, BPFVM_HELPER_PLAIN,
		 RET_INTEGER, { ARG_PTR_TO_CTX, ARG_ANYTHING }, HELPER_F_PKT_INVALIDATE, 0 },
	[40] = { 40, "csum_update", bpfvm_helper_csum_update, BPFVM_HELPER_PLAIN, RET_INTEGER,
		 { ARG_PTR_TO_CTX, ARG_ANYTHING }, 0, 0 },
	[41] = { 41, "set_hash_invalid", bpfvm_helper_set_hash_invalid, BPFVM_HELPER_PLAIN,
		 RET_VOID, { ARG_PTR_TO_CTX }, 0, 0 },
	[43] = { 43, "skb_change_head", bpfvm_helper_skb_change_head, BPFVM_HELPER_PLAIN,
		 RET_INTEGER, { ARG_PTR_TO_CTX, ARG_ANYTHING, ARG_ANYTHING },
		 HELPER_F_PKT_INVALIDATE, 0 },
	[44] = { 44, "xdp_adjust_head", bpfvm_helper_xdp_adjust_head, BPFVM_HELPER_PLAIN,
		 RET_INTEGER, { ARG_PTR_TO_CTX, ARG_ANYTHING }, HELPER_F_PKT_INVALIDATE, 0 },
	[45] = { 45, "probe_read_str", bpfvm_helper_probe_read_str, BPFVM_HELPER_PLAIN,
		 RET_INTEGER, { ARG_PTR_TO_UNINIT_MEM, ARG_CONST_SIZE_OR_ZERO, ARG_ANYTHING }, 0, 0 },
	[46] = { 46, "get_socket_cookie", bpfvm_helper_get_socket_cookie, BPFVM_HELPER_PLAIN,
		 RET_INTEGER, { ARG_PTR_TO_CTX }, 0, 0 },
	[48] = { 48, "set_hash", bpfvm_helper_set_hash, BPFVM_HELPER_PLAIN, RET_INTEGER,
		 { ARG_PTR_TO_CTX, ARG_ANYTHING }, 0, 0 },
	/* The sock_ops forms (bpf_sock_ops_setsockopt_proto & co.). */
	[49] = { 49, "setsockopt", bpfvm_helper_setsockopt, BPFVM_HELPER_PLAIN, RET_INTEGER,
		 { ARG_PTR_TO_CTX, ARG_ANYTHING, ARG_ANYTHING, ARG_PTR_TO_MEM, ARG_CONST_SIZE },
		 0, 0 },
	[50] = { 50, "skb_adjust_room", bpfvm_helper_skb_adjust_room, BPFVM_HELPER_PLAIN,
		 RET_INTEGER, { ARG_PTR_TO_CTX, ARG_ANYTHING, ARG_ANYTHING, ARG_ANYTHING },
		 HELPER_F_PKT_INVALIDATE, 0 },
	[51] = { 51, "redirect_map", bpfvm_helper_redirect_map, BPFVM_HELPER_PLAIN, RET_INTEGER,
		 { ARG_CONST_MAP_PTR, ARG_ANYTHING, ARG_ANYTHING }, 0,
		 MT(DEVMAP) | MT(DEVMAP_HASH) | MT(CPUMAP) | MT(XSKMAP) },
	[54] = { 54, "xdp_adjust_meta", bpfvm_helper_xdp_adjust_meta, BPFVM_HELPER_PLAIN,
		 RET_INTEGER, { ARG_PTR_TO_CTX, ARG_ANYTHING }, HELPER_F_PKT_INVALIDATE, 0 },
	[55] = { 55, "perf_event_read_value", bpfvm_helper_perf_event_read_value,
		 BPFVM_HELPER_PLAIN, RET_INTEGER, { ARG_CONST_MAP_PTR, ARG_ANYTHING,
		 ARG_PTR_TO_UNINIT_MEM, ARG_CONST_SIZE }, 0, MT(PERF_EVENT_ARRAY) },
	[56] = { 56, "perf_prog_read_value", bpfvm_helper_perf_prog_read_value,
		 BPFVM_HELPER_PLAIN, RET_INTEGER,
		 { ARG_PTR_TO_CTX, ARG_PTR_TO_UNINIT_MEM, ARG_CONST_SIZE }, 0, 0 },
	[57] = { 57, "getsockopt", bpfvm_helper_getsockopt, BPFVM_HELPER_PLAIN, RET_INTEGER,
		 { ARG_PTR_TO_CTX, ARG_ANYTHING, ARG_ANYTHING, ARG_PTR_TO_UNINIT_MEM,
		 ARG_CONST_SIZE }, 0, 0 },
	[58] = { 58, "override_return", bpfvm_helper_override_return, BPFVM_HELPER_PLAIN,
		 RET_INTEGER, { ARG_PTR_TO_CTX, ARG_ANYTHING }, 0, 0 },
	[59] = { 59, "sock_ops_cb_flags_set", bpfvm_helper_sock_ops_cb_flags_set,
		 BPFVM_HELPER_PLAIN, RET_INTEGER, { ARG_PTR_TO_CTX, ARG_ANYTHING }, 0, 0 },
	[65] = { 65, "xdp_adjust_tail", bpfvm_helper_xdp_adjust_tail, BPFVM_HELPER_PLAIN,
		 RET_INTEGER, { ARG_PTR_TO_CTX, ARG_ANYTHING }, HELPER_F_PKT_INVALIDATE, 0 },
	[67] = { 67, "get_stack", bpfvm_helper_get_stack, BPFVM_HELPER_PLAIN, RET_INTEGER,
		 { ARG_PTR_TO_CTX, ARG_PTR_TO_UNINIT_MEM, ARG_CONST_SIZE_OR_ZERO, ARG_ANYTHING },
		 HELPER_F_RET_SIZE, 0 },
	/* The struct bpf_fib_lookup is read and written: a writable pointer. */
	[69] = { 69, "fib_lookup", bpfvm_helper_fib_lookup, BPFVM_HELPER_PLAIN, RET_INTEGER,
		 { ARG_PTR_TO_CTX, ARG_PTR_TO_MEM_RW, ARG_CONST_SIZE, ARG_ANYTHING }, 0, 0 },
	/* Socket lookups (bpf_sk_lookup_tcp_proto & co.): the tuple is read
	 * memory of a bounded size, netns and flags any numbers; the result is a
	 * reference that bpf_sk_release gives back. */
	[84] = { 84, "sk_lookup_tcp", bpfvm_helper_sk_lookup_tcp, BPFVM_HELPER_PLAIN,
		 RET_PTR_TO_SOCKET_OR_NULL, { ARG_PTR_TO_CTX, ARG_PTR_TO_MEM, ARG_CONST_SIZE,
		 ARG_ANYTHING, ARG_ANYTHING }, HELPER_F_ACQUIRE, 0 },
	[85] = { 85, "sk_lookup_udp", bpfvm_helper_sk_lookup_udp, BPFVM_HELPER_PLAIN,
		 RET_PTR_TO_SOCKET_OR_NULL, { ARG_PTR_TO_CTX, ARG_PTR_TO_MEM, ARG_CONST_SIZE,
		 ARG_ANYTHING, ARG_ANYTHING }, HELPER_F_ACQUIRE, 0 },
	[86] = { 86, "sk_release", bpfvm_helper_sk_release, BPFVM_HELPER_PLAIN, RET_INTEGER,
		 { ARG_PTR_TO_SOCK_COMMON }, HELPER_F_RELEASE, 0 },
	[87] = { 87, "map_push_elem", bpfvm_helper_map_push_elem, BPFVM_HELPER_PLAIN,
		 RET_INTEGER, { ARG_CONST_MAP_PTR, ARG_PTR_TO_MAP_VALUE, ARG_ANYTHING }, 0,
		 MT(QUEUE) | MT(STACK) },
	[88] = { 88, "map_pop_elem", bpfvm_helper_map_pop_elem, BPFVM_HELPER_PLAIN,
		 RET_INTEGER, { ARG_CONST_MAP_PTR, ARG_PTR_TO_UNINIT_MAP_VALUE }, 0,
		 MT(QUEUE) | MT(STACK) },
	[89] = { 89, "map_peek_elem", bpfvm_helper_map_peek_elem, BPFVM_HELPER_PLAIN,
		 RET_INTEGER, { ARG_CONST_MAP_PTR, ARG_PTR_TO_UNINIT_MAP_VALUE }, 0,
		 MT(QUEUE) | MT(STACK) },
	[93] = { 93, "spin_lock", bpfvm_helper_spin_lock, BPFVM_HELPER_PLAIN, RET_VOID,
		 { ARG_PTR_TO_SPIN_LOCK }, HELPER_F_SPIN_LOCK, 0 },
	[94] = { 94, "spin_unlock", bpfvm_helper_spin_unlock, BPFVM_HELPER_PLAIN, RET_VOID,
		 { ARG_PTR_TO_SPIN_LOCK }, HELPER_F_SPIN_UNLOCK, 0 },
	[99] = { 99, "skc_lookup_tcp", bpfvm_helper_skc_lookup_tcp, BPFVM_HELPER_PLAIN,
		 RET_PTR_TO_SOCK_COMMON_OR_NULL, { ARG_PTR_TO_CTX, ARG_PTR_TO_MEM, ARG_CONST_SIZE,
		 ARG_ANYTHING, ARG_ANYTHING }, HELPER_F_ACQUIRE, 0 },
	[112] = { 112, "probe_read_user", bpfvm_helper_probe_read_user,
		  BPFVM_HELPER_PLAIN, RET_INTEGER,
		  { ARG_PTR_TO_UNINIT_MEM, ARG_CONST_SIZE_OR_ZERO, ARG_ANYTHING }, 0, 0 },
	[113] = { 113, "probe_read_kernel", bpfvm_helper_probe_read_kernel,
		  BPFVM_HELPER_PLAIN, RET_INTEGER,
		  { ARG_PTR_TO_UNINIT_MEM, ARG_CONST_SIZE_OR_ZERO, ARG_ANYTHING }, 0, 0 },
	[114] = { 114, "probe_read_user_str", bpfvm_helper_probe_read_user_str,
		  BPFVM_HELPER_PLAIN, RET_INTEGER,
		  { ARG_PTR_TO_UNINIT_MEM, ARG_CONST_SIZE_OR_ZERO, ARG_ANYTHING }, 0, 0 },
	[115] = { 115, "probe_read_kernel_str", bpfvm_helper_probe_read_kernel_str,
		  BPFVM_HELPER_PLAIN, RET_INTEGER,
		  { ARG_PTR_TO_UNINIT_MEM, ARG_CONST_SIZE_OR_ZERO, ARG_ANYTHING }, 0, 0 },
	[118] = { 118, "jiffies64", bpfvm_helper_jiffies64, BPFVM_HELPER_PLAIN, RET_INTEGER,
		  { 0 }, 0, 0 },
	/* Linux's sock_addr/sock/sock_ops form: the context or NULL. */
	[122] = { 122, "get_netns_cookie", bpfvm_helper_get_netns_cookie, BPFVM_HELPER_PLAIN,
		  RET_INTEGER, { ARG_PTR_TO_CTX_OR_NULL }, 0, 0 },
	[124] = { 124, "sk_assign", bpfvm_helper_sk_assign, BPFVM_HELPER_PLAIN, RET_INTEGER,
		  { ARG_PTR_TO_CTX, ARG_PTR_TO_SOCK_COMMON, ARG_ANYTHING }, 0, 0 },
	[125] = { 125, "ktime_get_boot_ns", bpfvm_helper_ktime_get_boot_ns, BPFVM_HELPER_PLAIN,
		  RET_INTEGER, { 0 }, 0, 0 },
	[130] = { 130, "ringbuf_output", bpfvm_helper_ringbuf_output, BPFVM_HELPER_PLAIN,
		  RET_INTEGER,
		  { ARG_CONST_MAP_PTR, ARG_PTR_TO_MEM, ARG_CONST_SIZE_OR_ZERO, ARG_ANYTHING }, 0,
		  MT(RINGBUF) },
	[131] = { 131, "ringbuf_reserve", bpfvm_helper_ringbuf_reserve, BPFVM_HELPER_PLAIN,
		  RET_PTR_TO_ALLOC_MEM_OR_NULL,
		  { ARG_CONST_MAP_PTR, ARG_CONST_ALLOC_SIZE_OR_ZERO, ARG_ANYTHING },
		  HELPER_F_ACQUIRE, MT(RINGBUF) },
	[132] = { 132, "ringbuf_submit", bpfvm_helper_ringbuf_submit, BPFVM_HELPER_PLAIN,
		  RET_VOID, { ARG_PTR_TO_ALLOC_MEM, ARG_ANYTHING }, HELPER_F_RELEASE, 0 },
	[133] = { 133, "ringbuf_discard", bpfvm_helper_ringbuf_discard, BPFVM_HELPER_PLAIN,
		  RET_VOID, { ARG_PTR_TO_ALLOC_MEM, ARG_ANYTHING }, HELPER_F_RELEASE, 0 },
	[134] = { 134, "ringbuf_query", bpfvm_helper_ringbuf_query, BPFVM_HELPER_PLAIN,
		  RET_INTEGER, { ARG_CONST_MAP_PTR, ARG_ANYTHING }, 0, MT(RINGBUF) },
	[152] = { 152, "redirect_neigh", bpfvm_helper_redirect_neigh, BPFVM_HELPER_PLAIN,
		  RET_INTEGER, { ARG_ANYTHING, ARG_PTR_TO_MEM_OR_NULL, ARG_CONST_SIZE_OR_ZERO,
		  ARG_ANYTHING }, 0, 0 },
	[155] = { 155, "redirect_peer", bpfvm_helper_redirect_peer, BPFVM_HELPER_PLAIN,
		  RET_INTEGER, { ARG_ANYTHING, ARG_ANYTHING }, 0, 0 },
	[164] = { 164, "for_each_map_elem", bpfvm_helper_for_each_map_elem, BPFVM_HELPER_PLAIN,
		  RET_INTEGER,
		  { ARG_CONST_MAP_PTR, ARG_PTR_TO_FUNC, ARG_PTR_TO_STACK_OR_NULL, ARG_ANYTHING },
		  HELPER_F_CALLBACK, MAPS_ITERABLE },
	[181] = { 181, "loop", bpfvm_helper_loop, BPFVM_HELPER_PLAIN, RET_INTEGER,
		  { ARG_ANYTHING, ARG_PTR_TO_FUNC, ARG_PTR_TO_STACK_OR_NULL, ARG_ANYTHING },
		  HELPER_F_CALLBACK, 0 },
};

const struct bpfvm_helper_proto *bpfvm_helper_proto(int32_t id)
{
	if (id <= 0 || (size_t)id >= sizeof(table) / sizeof(table[0]) || !table[id].fn)
		return NULL;
	return &table[id];
}

int bpfvm_helper_resolve(void *cookie, int32_t id, struct bpfvm_helper_binding *out)
{
	const struct bpfvm_helper_proto *proto = bpfvm_helper_proto(id);
	const char *name;

	(void)cookie;
	if (id == BPFVM_HELPER_ID_LD_PKT_B || id == BPFVM_HELPER_ID_LD_PKT_H ||
	    id == BPFVM_HELPER_ID_LD_PKT_W) {
		out->fn = id == BPFVM_HELPER_ID_LD_PKT_B ? bpfvm_helper_ld_pkt_b
			  : id == BPFVM_HELPER_ID_LD_PKT_H ? bpfvm_helper_ld_pkt_h
			  : bpfvm_helper_ld_pkt_w;
		out->kind = BPFVM_HELPER_LD_PKT;
		return 0;
	}
	if (proto) {
		out->fn = proto->fn;
		out->kind = proto->kind;
		return 0;
	}
	name = bpfvm_helper_linux_name(id);
	if (name)
		return bpfvm_errorf(-ENOENT, "helper %d (bpf_%s) is not supported", id, name);
	return bpfvm_errorf(-ENOENT, "helper %d is not supported (not a Linux helper id)", id);
}
