/* The runtime context structs that programs see through r1, one per family of
 * program types. Each starts with a byte-exact mirror of Linux's UAPI struct
 * (asserted against <linux/bpf.h> in tests/unit/test_progtype.c), followed by
 * the real 64-bit packet pointers that rewritten loads read, followed by what
 * helpers need and programs cannot see. */
#ifndef BPFVM_PROGTYPE_CTX_H
#define BPFVM_PROGTYPE_CTX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "progtype/sock.h"

struct bpfvm_uapi_xdp_md {
	uint32_t data;
	uint32_t data_end;
	uint32_t data_meta;
	uint32_t ingress_ifindex;
	uint32_t rx_queue_index;
	uint32_t egress_ifindex;
};

struct bpfvm_uapi_sk_buff {
	uint32_t len;
	uint32_t pkt_type;
	uint32_t mark;
	uint32_t queue_mapping;
	uint32_t protocol;
	uint32_t vlan_present;
	uint32_t vlan_tci;
	uint32_t vlan_proto;
	uint32_t priority;
	uint32_t ingress_ifindex;
	uint32_t ifindex;
	uint32_t tc_index;
	uint32_t cb[5];
	uint32_t hash;
	uint32_t tc_classid;
	uint32_t data;
	uint32_t data_end;
	uint32_t napi_id;
	uint32_t family;
	uint32_t remote_ip4;
	uint32_t local_ip4;
	uint32_t remote_ip6[4];
	uint32_t local_ip6[4];
	uint32_t remote_port;
	uint32_t local_port;
	uint32_t data_meta;
	uint64_t flow_keys;
	uint64_t tstamp;
	uint32_t wire_len;
	uint32_t gso_segs;
	uint64_t sk;
	uint32_t gso_size;
	uint8_t tstamp_type;
	uint8_t pad[3];
	uint64_t hwtstamp;
};

struct bpfvm_uapi_sock_addr {
	uint32_t user_family;
	uint32_t user_ip4;
	uint32_t user_ip6[4];
	uint32_t user_port;
	uint32_t family;
	uint32_t type;
	uint32_t protocol;
	uint32_t msg_src_ip4;
	uint32_t msg_src_ip6[4];
	uint64_t sk;
};

/* The packet a program works on, shared by the XDP and skb contexts so that
 * packet helpers (adjust_head, load_bytes, ...) have one implementation.
 * [buf, buf_end) is the whole allocation: headroom, packet, tailroom. */
struct bpfvm_pkt {
	uint8_t *buf;
	uint8_t *buf_end;
};

struct bpfvm_xdp_ctx {
	struct bpfvm_uapi_xdp_md md;
	uint64_t data;
	uint64_t data_end;
	uint64_t data_meta;
	struct bpfvm_pkt pkt;
};

/* The tunnel metadata bpf_skb_set_tunnel_key attaches to an skb (Linux's
 * struct ip_tunnel_info of its metadata dst), addresses in network order. */
struct bpfvm_tunnel_info {
	uint64_t tun_id;
	uint8_t src[16];
	uint8_t dst[16];
	uint32_t label; /* flow label, host order */
	uint16_t tun_flags; /* IP_TUNNEL_*_BIT bits below 16 */
	uint8_t tos;
	uint8_t ttl;
	bool ipv6;
	uint8_t opts_len;  /* bpf_skb_set_tunnel_opt's options (Geneve, VXLAN GBP, ...) */
	uint8_t opts[255];
};

/* The skb helpers that move or resize the packet (helpers/skb.c) may replace
 * pkt.buf with a larger allocation (malloc'd, as Linux's pskb_expand_head
 * reallocates the head): whoever builds the context frees pkt.buf, not the
 * buffer it started with. */
struct bpfvm_skb_ctx {
	struct bpfvm_uapi_sk_buff skb;
	uint64_t data;
	uint64_t data_end;
	uint64_t data_meta;
	struct bpfvm_pkt pkt;
	uint32_t mac_len; /* bytes from data to the network header (skb_mac_header_len) */
	uint32_t state;   /* BPFVM_SKB_* bits: what Linux keeps in sk_buff bit fields */
	struct bpfvm_tunnel_info tun; /* valid with BPFVM_SKB_TUNNEL */
};

#define BPFVM_SKB_HASH_VALID 1u /* skb->hash is set (sw_hash/l4_hash): not recomputed */
#define BPFVM_SKB_ENCAP 2u      /* skb->encapsulation: adjust_room pushed an outer header */
#define BPFVM_SKB_TUNNEL 4u     /* tunnel metadata attached (skb_tunnel_info() != NULL) */

struct bpfvm_sock_addr_ctx {
	struct bpfvm_uapi_sock_addr sa;
};

/* A BPF_PROG_TYPE_CGROUP_SOCK program sees the socket being created, bound
 * or released as a struct bpf_sock (progtype/sock.h). */
struct bpfvm_sock_ctx {
	struct bpfvm_uapi_bpf_sock sk;
};

/* struct bpf_sock_ops: a TCP socket's event (op), its arguments and reply, and
 * a snapshot of the connection's state. sk, skb_data and skb_data_end are
 * kernel pointers in the UAPI (8 bytes each). */
struct bpfvm_uapi_sock_ops {
	uint32_t op;
	uint32_t args[4]; /* args[0] is also `reply`, args[] also `replylong` */
	uint32_t family;
	uint32_t remote_ip4;
	uint32_t local_ip4;
	uint32_t remote_ip6[4];
	uint32_t local_ip6[4];
	uint32_t remote_port;
	uint32_t local_port;
	uint32_t is_fullsock;
	uint32_t snd_cwnd;
	uint32_t srtt_us;
	uint32_t bpf_sock_ops_cb_flags;
	uint32_t state;
	uint32_t rtt_min;
	uint32_t snd_ssthresh;
	uint32_t rcv_nxt;
	uint32_t snd_nxt;
	uint32_t snd_una;
	uint32_t mss_cache;
	uint32_t ecn_flags;
	uint32_t rate_delivered;
	uint32_t rate_interval_us;
	uint32_t packets_out;
	uint32_t retrans_out;
	uint32_t total_retrans;
	uint32_t segs_in;
	uint32_t data_segs_in;
	uint32_t segs_out;
	uint32_t data_segs_out;
	uint32_t lost_out;
	uint32_t sacked_out;
	uint32_t sk_txhash;
	uint64_t bytes_received;
	uint64_t bytes_acked;
	uint64_t sk;
	uint64_t skb_data;
	uint64_t skb_data_end;
	uint32_t skb_len;
	uint32_t skb_tcp_flags;
	uint64_t skb_hwtstamp;
};

/* The real pointers behind skb_data and skb_data_end (the TCP header and the
 * end of the segment, for the header-option callbacks) and sk follow the UAPI
 * bytes. */
struct bpfvm_sock_ops_ctx {
	struct bpfvm_uapi_sock_ops ops;
	uint64_t data;
	uint64_t data_end;
	uint64_t sk; /* always 0: no kernel socket behind the event */
};

/* struct pt_regs of x86-64 as the kernel lays it out (what a kprobe sees, and
 * the start of struct bpf_perf_event_data): bpfvm's tracing contexts describe
 * an x86-64 target whatever the host, as clang's -D__TARGET_ARCH_x86 and
 * bpf_tracing.h's PT_REGS_* macros expect. */
struct bpfvm_uapi_pt_regs {
	uint64_t r15, r14, r13, r12, bp, bx, r11, r10, r9, r8;
	uint64_t ax, cx, dx, si, di, orig_ax;
	uint64_t ip, cs, flags, sp, ss;
};

struct bpfvm_uapi_perf_event_data {
	struct bpfvm_uapi_pt_regs regs;
	uint64_t sample_period;
	uint64_t addr;
};

/* Linux's bounds on what tracing programs may read, which are also the sizes
 * of bpfvm's runtime contexts for them (zero past what the caller supplies):
 * a tracepoint record is read within PERF_MAX_TRACE_SIZE, a raw tracepoint's
 * u64 args[] within MAX_BPF_FUNC_ARGS. */
#define BPFVM_PERF_MAX_TRACE_SIZE 8192
#define BPFVM_MAX_BPF_FUNC_ARGS 12

_Static_assert(sizeof(struct bpfvm_uapi_xdp_md) == 24, "xdp_md layout");
_Static_assert(sizeof(struct bpfvm_uapi_sk_buff) == 192, "__sk_buff layout");
_Static_assert(offsetof(struct bpfvm_uapi_sk_buff, flow_keys) == 144, "__sk_buff layout");
_Static_assert(offsetof(struct bpfvm_uapi_sk_buff, hwtstamp) == 184, "__sk_buff layout");
_Static_assert(sizeof(struct bpfvm_uapi_sock_addr) == 72, "bpf_sock_addr layout");
_Static_assert(sizeof(struct bpfvm_uapi_bpf_sock) == 80, "bpf_sock layout");
_Static_assert(offsetof(struct bpfvm_uapi_bpf_sock, dst_ip4) == 52, "bpf_sock layout");
_Static_assert(sizeof(struct bpfvm_uapi_sock_ops) == 224, "bpf_sock_ops layout");
_Static_assert(offsetof(struct bpfvm_uapi_sock_ops, bytes_received) == 168, "bpf_sock_ops layout");
_Static_assert(offsetof(struct bpfvm_uapi_sock_ops, skb_data) == 192, "bpf_sock_ops layout");
_Static_assert(sizeof(struct bpfvm_uapi_pt_regs) == 168, "x86-64 pt_regs layout");
_Static_assert(sizeof(struct bpfvm_uapi_perf_event_data) == 184, "bpf_perf_event_data layout");

#endif
