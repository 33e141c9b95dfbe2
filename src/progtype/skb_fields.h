/* Context fields of struct __sk_buff, shared by the program types that see it
 * (socket_filter, sched_cls/act, cgroup_skb); each type picks its rows. */
#ifndef BPFVM_PROGTYPE_SKB_FIELDS_H
#define BPFVM_PROGTYPE_SKB_FIELDS_H

#include <stddef.h>

#include "progtype/ctx.h"
#include "progtype/progtype.h"

#define SKB_OFF(name) offsetof(struct bpfvm_uapi_sk_buff, name)
#define SKB_SIZE(name) sizeof(((struct bpfvm_uapi_sk_buff *)0)->name)
/* A scalar u32 field: narrow reads of 1, 2 and 4 bytes as Linux allows. */
#define SKB_RO(name) \
	{ #name, SKB_OFF(name), SKB_SIZE(name), CTX_SZ_1 | CTX_SZ_2 | CTX_SZ_4, 0, \
	  CTX_FIELD_SCALAR, 0, 0 }
#define SKB_RW(name) \
	{ #name, SKB_OFF(name), SKB_SIZE(name), CTX_SZ_1 | CTX_SZ_2 | CTX_SZ_4, CTX_SZ_4, \
	  CTX_FIELD_SCALAR, 0, 0 }
#define SKB_PTR(name, kind) \
	{ #name, SKB_OFF(name), 4, CTX_SZ_4, 0, kind, offsetof(struct bpfvm_skb_ctx, name), 0 }

/* cb[5]: scratch space every __sk_buff program may read and write at any size. */
#define SKB_CB_FIELD                                                                      \
	{ "cb", SKB_OFF(cb), SKB_SIZE(cb), CTX_SZ_1 | CTX_SZ_2 | CTX_SZ_4 | CTX_SZ_8,    \
	  CTX_SZ_1 | CTX_SZ_2 | CTX_SZ_4 | CTX_SZ_8, CTX_FIELD_SCALAR, 0, 0 }

/* Fields every __sk_buff program may read (tc writes queue_mapping, so it
 * adds its own row). */
#define SKB_COMMON_RO_FIELDS_BUT_QUEUE                                                    \
	SKB_RO(len), SKB_RO(pkt_type), SKB_RO(protocol),                                  \
	SKB_RO(vlan_present), SKB_RO(vlan_tci), SKB_RO(vlan_proto),                       \
	SKB_RO(ingress_ifindex), SKB_RO(ifindex), SKB_RO(hash), SKB_RO(napi_id),          \
	SKB_RO(wire_len), SKB_RO(gso_segs), SKB_RO(gso_size)
#define SKB_COMMON_RO_FIELDS SKB_COMMON_RO_FIELDS_BUT_QUEUE, SKB_RO(queue_mapping)

#endif
