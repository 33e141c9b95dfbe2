/* The helper implementations behind the rows of helpers/table.c, one family per
 * file. Each has the engines' calling convention (bpfvm_helper_fn): the eBPF
 * argument registers r1-r5, then the run. */
#ifndef BPFVM_HELPERS_HELPERS_H
#define BPFVM_HELPERS_HELPERS_H

#include <stdint.h>

#include "bpfvm/exec.h"

#define BPFVM_HELPER(name)                                                              \
	uint64_t bpfvm_helper_##name(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4, \
				     uint64_t r5, struct bpfvm_run *run)

/* map_helpers.c */
BPFVM_HELPER(map_lookup_elem);
BPFVM_HELPER(map_update_elem);
BPFVM_HELPER(map_delete_elem);
BPFVM_HELPER(map_push_elem);
BPFVM_HELPER(map_pop_elem);
BPFVM_HELPER(map_peek_elem);
BPFVM_HELPER(tail_call);
BPFVM_HELPER(for_each_map_elem);
BPFVM_HELPER(spin_lock);
BPFVM_HELPER(spin_unlock);
/* ringbuf.c */
BPFVM_HELPER(ringbuf_output);
BPFVM_HELPER(ringbuf_reserve);
BPFVM_HELPER(ringbuf_submit);
BPFVM_HELPER(ringbuf_discard);
BPFVM_HELPER(ringbuf_query);
/* time.c */
BPFVM_HELPER(ktime_get_ns);
BPFVM_HELPER(ktime_get_boot_ns);
BPFVM_HELPER(jiffies64);
/* random.c */
BPFVM_HELPER(get_prandom_u32);
/* loop.c */
BPFVM_HELPER(loop);
/* process.c */
BPFVM_HELPER(get_smp_processor_id);
BPFVM_HELPER(get_current_pid_tgid);
BPFVM_HELPER(get_current_uid_gid);
BPFVM_HELPER(get_current_comm);
/* probe.c */
BPFVM_HELPER(probe_read);
BPFVM_HELPER(probe_read_str);
BPFVM_HELPER(probe_read_user);
BPFVM_HELPER(probe_read_user_str);
BPFVM_HELPER(probe_read_kernel);
BPFVM_HELPER(probe_read_kernel_str);
BPFVM_HELPER(get_current_task);
/* perf_read.c */
BPFVM_HELPER(perf_event_read);
BPFVM_HELPER(perf_event_read_value);
BPFVM_HELPER(perf_prog_read_value);
/* override.c */
BPFVM_HELPER(override_return);
/* stackid.c */
BPFVM_HELPER(get_stackid);
BPFVM_HELPER(get_stack);
/* printk.c */
BPFVM_HELPER(trace_printk);
/* packet.c */
BPFVM_HELPER(xdp_adjust_head);
BPFVM_HELPER(xdp_adjust_meta);
BPFVM_HELPER(xdp_adjust_tail);
BPFVM_HELPER(skb_load_bytes);
BPFVM_HELPER(skb_store_bytes);
BPFVM_HELPER(l3_csum_replace);
BPFVM_HELPER(l4_csum_replace);
BPFVM_HELPER(redirect);
BPFVM_HELPER(redirect_map);
BPFVM_HELPER(clone_redirect);
BPFVM_HELPER(redirect_neigh);
BPFVM_HELPER(redirect_peer);
/* cgroup.c */
BPFVM_HELPER(skb_under_cgroup);
BPFVM_HELPER(current_task_under_cgroup);
/* sock_ops.c */
BPFVM_HELPER(setsockopt);
BPFVM_HELPER(getsockopt);
BPFVM_HELPER(sock_ops_cb_flags_set);
/* skb.c */
BPFVM_HELPER(get_hash_recalc);
BPFVM_HELPER(set_hash_invalid);
BPFVM_HELPER(set_hash);
BPFVM_HELPER(csum_update);
BPFVM_HELPER(skb_change_type);
BPFVM_HELPER(skb_pull_data);
BPFVM_HELPER(skb_change_tail);
BPFVM_HELPER(skb_change_head);
BPFVM_HELPER(skb_change_proto);
BPFVM_HELPER(skb_adjust_room);
BPFVM_HELPER(skb_vlan_push);
BPFVM_HELPER(skb_vlan_pop);
/* tunnel.c */
BPFVM_HELPER(skb_get_tunnel_key);
BPFVM_HELPER(skb_set_tunnel_key);
BPFVM_HELPER(skb_get_tunnel_opt);
BPFVM_HELPER(skb_set_tunnel_opt);
/* perf_output.c */
BPFVM_HELPER(perf_event_output);
/* socket.c */
BPFVM_HELPER(get_socket_cookie);
BPFVM_HELPER(get_netns_cookie);
BPFVM_HELPER(sk_lookup_tcp);
BPFVM_HELPER(sk_lookup_udp);
BPFVM_HELPER(skc_lookup_tcp);
BPFVM_HELPER(sk_release);
BPFVM_HELPER(sk_assign);
/* fib_lookup.c */
BPFVM_HELPER(fib_lookup);
/* csum.c */
BPFVM_HELPER(csum_diff);
/* ld_pkt.c: the legacy packet loads, bound as BPFVM_HELPER_LD_PKT */
BPFVM_HELPER(ld_pkt_b);
BPFVM_HELPER(ld_pkt_h);
BPFVM_HELPER(ld_pkt_w);

/* Linux's name of helper id (without bpf_), or NULL (names.c). */
const char *bpfvm_helper_linux_name(int32_t id);

/* bpf_loop's limit on iterations, as Linux's BPF_MAX_LOOPS. */
#define BPFVM_MAX_LOOPS (1u << 23)

#endif
