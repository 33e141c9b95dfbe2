/* Helpers that read and rewrite the packet of XDP and tc programs: growing and
 * shrinking the XDP frame, copying bytes in and out of an skb, incremental
 * checksum updates, and redirects. They work on the runtime contexts of
 * progtype/ctx.h, whose bpfvm_pkt gives the bounds of the buffer. Every bound
 * Linux checks is checked here with Linux's error code. */
#include <errno.h>
#include <string.h>

#include "helpers/helpers.h"
#include "hooks/fib.h"
#include "hooks/hook.h"
#include "maps/map.h"
#include "progtype/ctx.h"
#include "progtype/progtype.h"

#define ETH_HLEN 14
/* Linux reserves a struct xdp_frame (40 bytes) at the start of the headroom. */
#define XDP_FRAME_RESERVE 40
#define XDP_META_MAX 32

#define XDP_ABORTED 0
#define XDP_REDIRECT 4
#define XDP_ACTION_MASK 3 /* XDP_ABORTED | XDP_DROP | XDP_PASS | XDP_TX */
#define BPF_F_BROADCAST (1ull << 3)
#define BPF_F_EXCLUDE_INGRESS (1ull << 4)
#define TC_ACT_SHOT 2
#define TC_ACT_REDIRECT 7
#define BPF_REDIR_NEIGH_SIZE 20 /* struct bpf_redir_neigh */
#define BPF_F_INGRESS 1

#define BPF_F_RECOMPUTE_CSUM 1
#define BPF_F_INVALIDATE_HASH 2
#define BPF_F_HDR_FIELD_MASK 0xf
#define BPF_F_PSEUDO_HDR 0x10
#define BPF_F_MARK_MANGLED_0 0x20
#define BPF_F_MARK_ENFORCE 0x40

static uint8_t *ptr(uint64_t v)
{
	return (uint8_t *)(uintptr_t)v;
}

BPFVM_HELPER(xdp_adjust_head)
{
	struct bpfvm_xdp_ctx *x = (void *)(uintptr_t)r1;
	uint8_t *data = ptr(x->data) + (int32_t)r2;
	uint64_t metalen = x->data - x->data_meta;

	if (data < x->pkt.buf + XDP_FRAME_RESERVE + metalen || data > ptr(x->data_end) - ETH_HLEN)
		return (uint64_t)-EINVAL;
	if (metalen)
		memmove(data - metalen, ptr(x->data_meta), metalen);
	x->data_meta = (uint64_t)(uintptr_t)(data - metalen);
	x->data = (uint64_t)(uintptr_t)data;
	return 0;
}

BPFVM_HELPER(xdp_adjust_meta)
{
	struct bpfvm_xdp_ctx *x = (void *)(uintptr_t)r1;
	uint8_t *meta = ptr(x->data_meta) + (int32_t)r2;
	uint64_t metalen;

	if (meta < x->pkt.buf + XDP_FRAME_RESERVE || meta > ptr(x->data))
		return (uint64_t)-EINVAL;
	metalen = x->data - (uint64_t)(uintptr_t)meta;
	if (metalen > XDP_META_MAX || (metalen & 3))
		return (uint64_t)-EACCES;
	x->data_meta = (uint64_t)(uintptr_t)meta;
	return 0;
}

BPFVM_HELPER(xdp_adjust_tail)
{
	struct bpfvm_xdp_ctx *x = (void *)(uintptr_t)r1;
	uint8_t *end = ptr(x->data_end) + (int32_t)r2;

	if (end > x->pkt.buf_end || end < ptr(x->data) + ETH_HLEN)
		return (uint64_t)-EINVAL;
	if (end > ptr(x->data_end))
		memset(ptr(x->data_end), 0, (size_t)(end - ptr(x->data_end)));
	x->data_end = (uint64_t)(uintptr_t)end;
	return 0;
}

/* The bytes [off, off + len) of the skb's packet, or NULL when out of bounds. */
static uint8_t *skb_range(const struct bpfvm_skb_ctx *s, uint64_t off, uint64_t len)
{
	uint64_t pkt_len = s->data_end - s->data;

	if (off > 0xffff || len > pkt_len || off > pkt_len - len)
		return NULL;
	return ptr(s->data) + off;
}

BPFVM_HELPER(skb_load_bytes)
{
	const struct bpfvm_skb_ctx *s = (const void *)(uintptr_t)r1;
	uint8_t *from = skb_range(s, (uint32_t)r2, (uint32_t)r4);

	if (!from) {
		memset(ptr(r3), 0, (uint32_t)r4);
		return (uint64_t)-EFAULT;
	}
	memcpy(ptr(r3), from, (uint32_t)r4);
	return 0;
}

BPFVM_HELPER(skb_store_bytes)
{
	struct bpfvm_skb_ctx *s = (void *)(uintptr_t)r1;
	uint8_t *to;

	if (r5 & ~(uint64_t)(BPF_F_RECOMPUTE_CSUM | BPF_F_INVALIDATE_HASH))
		return (uint64_t)-EINVAL;
	to = skb_range(s, (uint32_t)r2, (uint32_t)r4);
	if (!to)
		return (uint64_t)-EFAULT;
	memmove(to, ptr(r3), (uint32_t)r4);
	if (r5 & BPF_F_INVALIDATE_HASH) {
		s->skb.hash = 0;
		s->state &= ~BPFVM_SKB_HASH_VALID;
	}
	return 0;
}

/* One's-complement arithmetic of RFC 1071/1624, on 32-bit partial sums. */
static uint32_t csum_add(uint32_t a, uint32_t b)
{
	a += b;
	return a + (a < b);
}

static uint16_t csum_fold(uint32_t sum)
{
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/* Replaces `from` by `to` (2 or 4 bytes in network order, or a 32-bit
 * checksum difference when size is 0) in the 16-bit checksum at `field`. */
static void csum_replace(uint8_t *field, uint32_t from, uint32_t to, int size)
{
	uint16_t old;
	uint32_t sum;

	memcpy(&old, field, 2);
	sum = (uint16_t)~old;
	if (size == 0) {
		sum = csum_add(sum, to);
	} else if (size == 2) {
		sum = csum_add(sum, (uint16_t)~from);
		sum = csum_add(sum, (uint16_t)to);
	} else {
		sum = csum_add(sum, ~from);
		sum = csum_add(sum, to);
	}
	old = csum_fold(sum);
	memcpy(field, &old, 2);
}

BPFVM_HELPER(l3_csum_replace)
{
	struct bpfvm_skb_ctx *s = (void *)(uintptr_t)r1;
	int size = (int)(r5 & BPF_F_HDR_FIELD_MASK);
	uint8_t *field;

	if (r5 & ~(uint64_t)BPF_F_HDR_FIELD_MASK)
		return (uint64_t)-EINVAL;
	if (size != 0 && size != 2 && size != 4)
		return (uint64_t)-EINVAL;
	field = skb_range(s, (uint32_t)r2, 2);
	if (!field)
		return (uint64_t)-EFAULT;
	csum_replace(field, (uint32_t)r3, (uint32_t)r4, size);
	return 0;
}

BPFVM_HELPER(l4_csum_replace)
{
	struct bpfvm_skb_ctx *s = (void *)(uintptr_t)r1;
	int size = (int)(r5 & BPF_F_HDR_FIELD_MASK);
	bool mangled_0 = r5 & BPF_F_MARK_MANGLED_0;
	uint8_t *field;
	uint16_t cur;

	if (r5 & ~(uint64_t)(BPF_F_HDR_FIELD_MASK | BPF_F_PSEUDO_HDR | BPF_F_MARK_MANGLED_0 |
			     BPF_F_MARK_ENFORCE))
		return (uint64_t)-EINVAL;
	if (size != 0 && size != 2 && size != 4)
		return (uint64_t)-EINVAL;
	field = skb_range(s, (uint32_t)r2, 2);
	if (!field)
		return (uint64_t)-EFAULT;
	memcpy(&cur, field, 2);
	/* A UDP checksum of 0 means "none": leave it so, as Linux does. */
	if (mangled_0 && cur == 0 && !(r5 & BPF_F_MARK_ENFORCE))
		return 0;
	csum_replace(field, (uint32_t)r3, (uint32_t)r4, size);
	memcpy(&cur, field, 2);
	if (mangled_0 && cur == 0) {
		cur = 0xffff;
		memcpy(field, &cur, 2);
	}
	return 0;
}

static uint64_t redirect_verdict(const struct bpfvm_run *run)
{
	const struct bpfvm_hook_state *h = run->hook;

	return h && h->prog_type == BPFVM_PROG_XDP ? XDP_REDIRECT : TC_ACT_REDIRECT;
}

BPFVM_HELPER(redirect)
{
	struct bpfvm_hook_state *h = run->hook;

	if (r2 & ~(uint64_t)BPF_F_INGRESS)
		return h && h->prog_type == BPFVM_PROG_XDP ? 0 : 2; /* XDP_ABORTED / TC_ACT_SHOT */
	if (h) {
		memset(&h->redirect, 0, sizeof(h->redirect));
		h->redirect.kind = BPFVM_REDIRECT_IFINDEX;
		h->redirect.ifindex = (uint32_t)r1;
		h->redirect.flags = r2;
	}
	return redirect_verdict(run);
}

/* A copy of the packet to device ifindex (its receive path with
 * BPF_F_INGRESS), the program going on with the original: Linux's checks
 * (known flags, a device that exists — the run's FIB's —, a link-layer
 * header), and 0 as Linux's loopback and veth devices answer, or
 * NET_RX_DROP (1) when the device's receive path refuses the length
 * (is_skb_forwardable). The copy is reported in the run's result. */
BPFVM_HELPER(clone_redirect)
{
	struct bpfvm_hook_state *h = run->hook;
	const struct bpfvm_skb_ctx *s = (const void *)(uintptr_t)r1;
	const struct bpfvm_fib *fib = h ? h->fib : bpfvm_fib_empty();
	uint32_t mtu = bpfvm_fib_iface_mtu(fib, (uint32_t)r2);

	(void)r4;
	(void)r5;
	if (r3 & ~(uint64_t)BPF_F_INGRESS || !mtu)
		return (uint64_t)-EINVAL;
	if (!s->mac_len || !s->skb.len)
		return (uint64_t)-ERANGE;
	if (h) {
		if (h->clone_cnt < BPFVM_TEST_RUN_MAX_CLONES)
			h->clones[h->clone_cnt] = (struct bpfvm_clone){ (uint32_t)r2, r3 };
		h->clone_cnt++;
	}
	return (r3 & BPF_F_INGRESS) && s->skb.len > (uint64_t)mtu + ETH_HLEN + 4 ? 1 : 0;
}

/* tc only: out of the device after a neighbour lookup, for the nexthop in
 * params (struct bpf_redir_neigh) or the packet's destination. */
BPFVM_HELPER(redirect_neigh)
{
	struct bpfvm_hook_state *h = run->hook;
	int32_t plen = (int32_t)r3;

	(void)r5;
	if ((plen && plen < BPF_REDIR_NEIGH_SIZE) || r4)
		return TC_ACT_SHOT;
	if (h) {
		memset(&h->redirect, 0, sizeof(h->redirect));
		h->redirect.kind = BPFVM_REDIRECT_NEIGH;
		h->redirect.ifindex = (uint32_t)r1;
		if (plen) {
			memcpy(&h->redirect.nh_family, (const void *)(uintptr_t)r2, 4);
			memcpy(h->redirect.nh_addr, (const uint8_t *)(uintptr_t)r2 + 4, 16);
		}
	}
	return TC_ACT_REDIRECT;
}

/* tc only: into the peer device of a veth/netkit pair, at its ingress. */
BPFVM_HELPER(redirect_peer)
{
	struct bpfvm_hook_state *h = run->hook;

	(void)r3;
	(void)r4;
	(void)r5;
	if (r2)
		return TC_ACT_SHOT;
	if (h) {
		memset(&h->redirect, 0, sizeof(h->redirect));
		h->redirect.kind = BPFVM_REDIRECT_PEER;
		h->redirect.ifindex = (uint32_t)r1;
	}
	return TC_ACT_REDIRECT;
}

/* Linux's __bpf_xdp_redirect_map: the low two bits of flags are the action
 * when the key holds no target, device maps also take BPF_F_BROADCAST and
 * BPF_F_EXCLUDE_INGRESS, other bits abort. The target is what the entry holds
 * (an ifindex first in a device map's value, the socket of an XSKMAP entry;
 * for a CPUMAP the CPU is the key). A failed lookup clears an earlier
 * redirect: the last call decides. */
BPFVM_HELPER(redirect_map)
{
	struct bpfvm_hook_state *h = run->hook;
	struct bpfvm_map *map = (void *)(uintptr_t)r1;
	uint32_t key = (uint32_t)r2, type = bpfvm_map_type(map), target = 0;
	bool devmap = type == BPFVM_MAP_TYPE_DEVMAP || type == BPFVM_MAP_TYPE_DEVMAP_HASH;
	uint64_t allowed = XDP_ACTION_MASK | (devmap ? BPF_F_BROADCAST | BPF_F_EXCLUDE_INGRESS : 0);
	const void *value;

	(void)r4;
	(void)r5;
	if (r3 & ~allowed)
		return XDP_ABORTED;
	value = bpfvm_map_prog_lookup(map, &key);
	if (!value && !(r3 & BPF_F_BROADCAST)) {
		if (h)
			memset(&h->redirect, 0, sizeof(h->redirect));
		return r3 & XDP_ACTION_MASK;
	}
	if (value)
		memcpy(&target, value, sizeof(target));
	if (h) {
		memset(&h->redirect, 0, sizeof(h->redirect));
		h->redirect.kind = BPFVM_REDIRECT_MAP;
		h->redirect.map_id = bpfvm_map_id(map);
		h->redirect.map_type = type;
		h->redirect.key = key;
		h->redirect.ifindex = target;
		h->redirect.flags = r3;
	}
	return XDP_REDIRECT;
}
