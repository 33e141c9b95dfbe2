/* The tc helpers that reshape an skb or change what Linux keeps beside it:
 * the flow hash (get_hash_recalc, set_hash, set_hash_invalid), checksum state
 * (csum_update), the packet type, and the helpers that move or resize the
 * packet (pull_data, change_tail, change_head, change_proto, adjust_room,
 * vlan_push, vlan_pop).
 * Cilium's tc programs call all of them.
 *
 * Semantics follow Linux's net/core/filter.c: the same flags, limits and
 * error codes (ENOTSUPP is the kernel's 524, which programs do see). Where
 * Linux would reallocate the skb head (pskb_expand_head), bpfvm reallocates
 * the packet buffer of the context, so growth is limited by Linux's limit
 * (SKB_MAX_ALLOC bytes of packet) and not by the room the hook gave. Bytes
 * a helper adds are zero, as Linux makes them (also after a trim).
 * Test-run skbs are linear and CHECKSUM_NONE, never GSO, as Linux's. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "helpers/helpers.h"
#include "progtype/ctx.h"

#define ENOTSUPP 524
#define ETH_HLEN 14
#define IPV4_HLEN 20
#define IPV6_HLEN 40
/* Linux's BPF_SKB_MAX_LEN: SKB_MAX_ALLOC, four pages less the shared info. */
#define SKB_MAX_LEN (16384 - 320)
#define SKB_PAD 64 /* NET_SKB_PAD: headroom kept when the head is reallocated */
#define PACKET_OTHERHOST 3

#define ADJ_ROOM_NET 0
#define ADJ_ROOM_MAC 1
#define F_FIXED_GSO (1ull << 0)
#define F_ENCAP_L3_IPV4 (1ull << 1)
#define F_ENCAP_L3_IPV6 (1ull << 2)
#define F_ENCAP_L4_GRE (1ull << 3)
#define F_ENCAP_L4_UDP (1ull << 4)
#define F_NO_CSUM_RESET (1ull << 5)
#define F_ENCAP_L2_ETH (1ull << 6)
#define F_DECAP_L3_IPV4 (1ull << 7)
#define F_DECAP_L3_IPV6 (1ull << 8)
#define F_ENCAP_L2_SHIFT 56
#define F_ENCAP_L3_MASK (F_ENCAP_L3_IPV4 | F_ENCAP_L3_IPV6)
#define F_DECAP_L3_MASK (F_DECAP_L3_IPV4 | F_DECAP_L3_IPV6)
#define F_ADJ_ROOM_ALL                                                                  \
	(F_FIXED_GSO | F_ENCAP_L3_MASK | F_ENCAP_L4_GRE | F_ENCAP_L4_UDP | F_NO_CSUM_RESET | \
	 F_ENCAP_L2_ETH | (0xffull << F_ENCAP_L2_SHIFT) | F_DECAP_L3_MASK)

/* skb->protocol as __sk_buff holds it: the big-endian EtherType read from memory. */
#define PROTO_IP 0x0008u
#define PROTO_IPV6 0xdd86u
#define PROTO_8021Q 0x0081u
#define PROTO_8021AD 0xa888u
#define PROTO_802_3 0x0100u /* ETH_P_802_3, for encapsulated type 0xffff */
#define PROTO_802_2 0x0400u /* ETH_P_802_2, for encapsulated lengths */
#define VLAN_HLEN 4
#define ETH_ALEN 6

static struct bpfvm_skb_ctx *skb_of(uint64_t r1)
{
	return (struct bpfvm_skb_ctx *)(uintptr_t)r1;
}

static uint8_t *data_of(const struct bpfvm_skb_ctx *s)
{
	return (uint8_t *)(uintptr_t)s->data;
}

static uint32_t len_of(const struct bpfvm_skb_ctx *s)
{
	return (uint32_t)(s->data_end - s->data);
}

/* Points data/data_end at [data, data + len) and keeps __sk_buff in step, as
 * Linux's bpf_compute_data_pointers after every change. Test-run skbs carry
 * no metadata, so data_meta is data. */
static void set_data(struct bpfvm_skb_ctx *s, uint8_t *data, uint32_t len)
{
	s->data = s->data_meta = (uint64_t)(uintptr_t)data;
	s->data_end = s->data + len;
	s->skb.len = len;
}

/* Makes sure `head` bytes precede the packet and `tail` bytes follow it,
 * moving it to a larger buffer when they do not (pskb_expand_head). */
static int make_room(struct bpfvm_skb_ctx *s, uint32_t head, uint32_t tail)
{
	uint8_t *data = data_of(s), *buf;
	uint32_t len = len_of(s);
	size_t have_head = (size_t)(data - s->pkt.buf);
	size_t have_tail = (size_t)(s->pkt.buf_end - data) - len;

	if (have_head >= head && have_tail >= tail)
		return 0;
	head = head > have_head ? head + SKB_PAD : (uint32_t)have_head;
	tail = tail > have_tail ? tail : (uint32_t)have_tail;
	buf = calloc(1, (size_t)head + len + tail);
	if (!buf)
		return -ENOMEM;
	memcpy(buf + head, data, len);
	free(s->pkt.buf);
	s->pkt.buf = buf;
	s->pkt.buf_end = buf + head + len + tail;
	set_data(s, buf + head, len);
	return 0;
}

/* Inserts `len` zero bytes at offset `off` (bpf_skb_generic_push): the bytes
 * before `off` move to the front. */
static int push_at(struct bpfvm_skb_ctx *s, uint32_t off, uint32_t len)
{
	uint8_t *data;
	int err = make_room(s, len, 0);

	if (err)
		return err;
	data = data_of(s) - len;
	memmove(data, data + len, off);
	memset(data + off, 0, len);
	set_data(s, data, len_of(s) + len);
	return 0;
}

/* Removes the bytes [off, off + len) (bpf_skb_generic_pop). */
static int pop_at(struct bpfvm_skb_ctx *s, uint32_t off, uint32_t len)
{
	uint8_t *data = data_of(s);

	if ((uint64_t)off + len > len_of(s))
		return -ENOMEM;
	memmove(data + len, data, off);
	set_data(s, data + len, len_of(s) - len);
	return 0;
}

static uint32_t rotl32(uint32_t v, int n)
{
	return v << n | v >> (32 - n);
}

static uint32_t hash_word(uint32_t h, uint32_t k)
{
	k *= 0xcc9e2d51u;
	k = rotl32(k, 15) * 0x1b873593u;
	h ^= k;
	return rotl32(h, 13) * 5 + 0xe6546b64u;
}

static uint32_t hash_bytes(uint32_t h, const uint8_t *p, uint32_t n)
{
	uint32_t w;

	for (uint32_t i = 0; i < n; i += 4) {
		memcpy(&w, p + i, 4);
		h = hash_word(h, w);
	}
	return h;
}

static bool has_ports(uint8_t proto)
{
	return proto == 6 || proto == 17 || proto == 132 || proto == 136; /* TCP UDP SCTP UDPLITE */
}

/* The flow hash Linux's flow dissector computes: over the addresses, the L4
 * protocol and the ports, ordered so both directions of a flow hash alike,
 * never 0. The mixing differs from Linux's jhash with its per-boot random
 * seed, so values differ from Linux's but are stable across runs. */
static uint32_t flow_hash(const struct bpfvm_skb_ctx *s)
{
	const uint8_t *nh = data_of(s) + s->mac_len, *a = NULL, *b = NULL, *l4 = NULL;
	uint32_t avail = len_of(s) - s->mac_len, alen = 0, h = s->skb.protocol, ports = 0;
	uint8_t proto = 0;

	if (s->skb.protocol == PROTO_IP && avail >= IPV4_HLEN && (nh[0] >> 4) == 4) {
		uint32_t ihl = (nh[0] & 15u) * 4;
		bool frag = (nh[6] & 0x3f) || nh[7];

		a = nh + 12, b = nh + 16, alen = 4, proto = nh[9];
		if (ihl >= IPV4_HLEN && !frag && avail >= ihl + 4)
			l4 = nh + ihl;
	} else if (s->skb.protocol == PROTO_IPV6 && avail >= IPV6_HLEN && (nh[0] >> 4) == 6) {
		a = nh + 8, b = nh + 24, alen = 16, proto = nh[6];
		if (avail >= IPV6_HLEN + 4)
			l4 = nh + IPV6_HLEN;
	}
	if (l4 && has_ports(proto)) {
		uint16_t sport, dport;

		memcpy(&sport, l4, 2);
		memcpy(&dport, l4 + 2, 2);
		ports = (uint32_t)sport << 16 | dport;
	}
	if (a) {
		int order = memcmp(a, b, alen);

		if (order > 0 || (order == 0 && (ports >> 16) > (ports & 0xffff))) {
			const uint8_t *t = a;

			a = b, b = t;
			ports = ports << 16 | ports >> 16;
		}
		h = hash_bytes(h, a, alen);
		h = hash_bytes(h, b, alen);
	}
	h = hash_word(h, proto);
	h = hash_word(h, ports);
	h ^= h >> 16;
	h *= 0x85ebca6bu;
	h ^= h >> 13;
	return h ? h : 1;
}

BPFVM_HELPER(get_hash_recalc)
{
	struct bpfvm_skb_ctx *s = skb_of(r1);

	if (!(s->state & BPFVM_SKB_HASH_VALID)) {
		s->skb.hash = flow_hash(s);
		s->state |= BPFVM_SKB_HASH_VALID;
	}
	return s->skb.hash;
}

BPFVM_HELPER(set_hash_invalid)
{
	struct bpfvm_skb_ctx *s = skb_of(r1);

	s->skb.hash = 0;
	s->state &= ~BPFVM_SKB_HASH_VALID;
	return 0;
}

BPFVM_HELPER(set_hash)
{
	struct bpfvm_skb_ctx *s = skb_of(r1);

	s->skb.hash = (uint32_t)r2;
	s->state |= BPFVM_SKB_HASH_VALID;
	return 0;
}

/* Only a CHECKSUM_COMPLETE skb has a running checksum to update; test-run
 * skbs are CHECKSUM_NONE, as in Linux. */
BPFVM_HELPER(csum_update)
{
	return (uint64_t)-ENOTSUPP;
}

BPFVM_HELPER(skb_change_type)
{
	struct bpfvm_skb_ctx *s = skb_of(r1);

	if (s->skb.pkt_type > PACKET_OTHERHOST || (uint32_t)r2 > PACKET_OTHERHOST)
		return (uint64_t)-EINVAL;
	s->skb.pkt_type = (uint32_t)r2;
	return 0;
}

/* Makes the first `len` bytes (0: all of the head) directly accessible; a
 * linear skb has them all, unless it is shorter. */
BPFVM_HELPER(skb_pull_data)
{
	struct bpfvm_skb_ctx *s = skb_of(r1);

	return (uint32_t)r2 > len_of(s) ? (uint64_t)-ENOMEM : 0;
}

BPFVM_HELPER(skb_change_tail)
{
	struct bpfvm_skb_ctx *s = skb_of(r1);
	uint32_t new_len = (uint32_t)r2, len = len_of(s);
	int err;

	/* The shortest packet keeps its MAC header (Linux: the network offset). */
	if (r3 || new_len > SKB_MAX_LEN || new_len < s->mac_len)
		return (uint64_t)-EINVAL;
	if (new_len > len) {
		if ((err = make_room(s, 0, new_len - len)))
			return (uint64_t)(int64_t)err;
		memset(data_of(s) + len, 0, new_len - len);
	}
	set_data(s, data_of(s), new_len);
	return 0;
}

/* Pushes head_room zero bytes in front of the packet: a new MAC header, the
 * network header staying where it was relative to the payload. */
BPFVM_HELPER(skb_change_head)
{
	struct bpfvm_skb_ctx *s = skb_of(r1);
	uint32_t head_room = (uint32_t)r2, new_len = len_of(s) + head_room;
	int err;

	if (r3 || new_len > SKB_MAX_LEN || new_len < len_of(s))
		return (uint64_t)-EINVAL;
	if ((err = push_at(s, 0, head_room)))
		return (uint64_t)(int64_t)err;
	s->mac_len += head_room;
	return 0;
}

/* IPv4 <-> IPv6 translation room: 20 bytes more or fewer right after the MAC
 * header; the program writes the new header itself. */
BPFVM_HELPER(skb_change_proto)
{
	struct bpfvm_skb_ctx *s = skb_of(r1);
	uint16_t to = (uint16_t)r2;
	uint32_t diff = IPV6_HLEN - IPV4_HLEN;
	int err;

	if (r3)
		return (uint64_t)-EINVAL;
	if (s->skb.protocol == PROTO_IP && to == PROTO_IPV6)
		err = push_at(s, s->mac_len, diff);
	else if (s->skb.protocol == PROTO_IPV6 && to == PROTO_IP)
		err = pop_at(s, s->mac_len, diff);
	else
		return (uint64_t)-ENOTSUPP;
	if (err)
		return (uint64_t)(int64_t)err;
	s->skb.protocol = to;
	s->skb.hash = 0;
	s->state &= ~BPFVM_SKB_HASH_VALID;
	return 0;
}

static uint32_t net_base_len(const struct bpfvm_skb_ctx *s)
{
	if (s->skb.protocol == PROTO_IP)
		return IPV4_HLEN;
	return s->skb.protocol == PROTO_IPV6 ? IPV6_HLEN : 0;
}

static int adjust_grow(struct bpfvm_skb_ctx *s, uint32_t off, uint32_t len, uint64_t flags)
{
	uint32_t inner_mac_len = (uint32_t)(flags >> F_ENCAP_L2_SHIFT) & 0xff;
	bool encap = flags & F_ENCAP_L3_MASK;
	int err;

	if (encap) {
		if ((flags & F_ENCAP_L3_MASK) == F_ENCAP_L3_MASK)
			return -EINVAL;
		if ((flags & F_ENCAP_L4_GRE) && (flags & F_ENCAP_L4_UDP))
			return -EINVAL;
		if ((flags & F_ENCAP_L2_ETH) && inner_mac_len != ETH_HLEN)
			return -EINVAL;
		if (s->state & BPFVM_SKB_ENCAP)
			return -EALREADY;
		if (inner_mac_len > len)
			return -EINVAL;
	}
	/* Linux would move bytes from past the packet's end here; bpfvm refuses. */
	if (off > len_of(s))
		return -EINVAL;
	if ((err = push_at(s, off, len)))
		return err;
	if (encap) {
		s->state |= BPFVM_SKB_ENCAP;
		if (s->skb.protocol == PROTO_IP && (flags & F_ENCAP_L3_IPV6))
			s->skb.protocol = PROTO_IPV6;
		else if (s->skb.protocol == PROTO_IPV6 && (flags & F_ENCAP_L3_IPV4))
			s->skb.protocol = PROTO_IP;
	}
	return 0;
}

static int adjust_shrink(struct bpfvm_skb_ctx *s, uint32_t off, uint32_t len, uint64_t flags)
{
	int err;

	if (flags & ~(F_FIXED_GSO | F_DECAP_L3_MASK | F_NO_CSUM_RESET))
		return -EINVAL;
	if ((err = pop_at(s, off, len)))
		return err;
	if (s->skb.protocol == PROTO_IP && (flags & F_DECAP_L3_IPV6))
		s->skb.protocol = PROTO_IPV6;
	else if (s->skb.protocol == PROTO_IPV6 && (flags & F_DECAP_L3_IPV4))
		s->skb.protocol = PROTO_IP;
	return 0;
}

/* Grows or shrinks the room after the MAC header (ADJ_ROOM_MAC) or after the
 * base network header (ADJ_ROOM_NET), for encapsulation and decapsulation. */
BPFVM_HELPER(skb_adjust_room)
{
	struct bpfvm_skb_ctx *s = skb_of(r1);
	int32_t len_diff = (int32_t)r2;
	uint32_t mode = (uint32_t)r3, diff, len_cur, len_min = net_base_len(s), off;
	uint64_t flags = r4;
	bool shrink = len_diff < 0;

	diff = shrink ? 0u - (uint32_t)len_diff : (uint32_t)len_diff;
	if (flags & ~F_ADJ_ROOM_ALL)
		return (uint64_t)-EINVAL;
	if (diff > 0xfff)
		return (uint64_t)-EFAULT;
	if (s->skb.protocol != PROTO_IP && s->skb.protocol != PROTO_IPV6)
		return (uint64_t)-ENOTSUPP;
	if (mode == ADJ_ROOM_NET)
		off = s->mac_len + net_base_len(s);
	else if (mode == ADJ_ROOM_MAC)
		off = s->mac_len;
	else
		return (uint64_t)-ENOTSUPP;
	if (flags & F_DECAP_L3_MASK) {
		if (!shrink)
			return (uint64_t)-EINVAL;
		if ((flags & F_DECAP_L3_MASK) == F_DECAP_L3_IPV4)
			len_min = IPV4_HLEN;
		else if ((flags & F_DECAP_L3_MASK) == F_DECAP_L3_IPV6)
			len_min = IPV6_HLEN;
		else
			return (uint64_t)-EINVAL;
	}
	len_cur = len_of(s) - s->mac_len;
	if (shrink && (diff >= len_cur || len_cur - diff < len_min))
		return (uint64_t)-ENOTSUPP;
	if (!shrink && len_of(s) + diff > SKB_MAX_LEN)
		return (uint64_t)-ENOTSUPP;
	return (uint64_t)(int64_t)(shrink ? adjust_shrink(s, off, diff, flags)
					  : adjust_grow(s, off, diff, flags));
}

static bool is_vlan(uint32_t proto)
{
	return proto == PROTO_8021Q || proto == PROTO_8021AD;
}

/* __skb_vlan_pop: takes the 802.1Q header after the MACs out of the packet,
 * with skb->protocol set from the type it encapsulated (vlan_set_encap_proto). */
static int vlan_pop_packet(struct bpfvm_skb_ctx *s, uint16_t *tci)
{
	uint8_t *d = data_of(s);
	uint16_t encap;

	if (len_of(s) < ETH_HLEN + VLAN_HLEN)
		return -ENOMEM;
	*tci = (uint16_t)(d[14] << 8 | d[15]);
	memcpy(&encap, d + 16, 2);
	pop_at(s, 2 * ETH_ALEN, VLAN_HLEN);
	if ((uint16_t)(encap << 8 | encap >> 8) >= 0x600)
		s->skb.protocol = encap;
	else
		s->skb.protocol = encap == 0xffff ? PROTO_802_3 : PROTO_802_2;
	s->mac_len = s->mac_len >= ETH_HLEN + VLAN_HLEN ? s->mac_len - VLAN_HLEN : ETH_HLEN;
	return 0;
}

static void vlan_put_tag(struct bpfvm_skb_ctx *s, uint32_t proto, uint16_t tci)
{
	s->skb.vlan_present = 1;
	s->skb.vlan_proto = proto;
	s->skb.vlan_tci = tci;
}

/* The new tag goes beside the packet (the hardware-accelerated tag); a tag
 * already there moves into the packet first, as skb_vlan_push does. Unknown
 * protocols become 802.1Q. */
BPFVM_HELPER(skb_vlan_push)
{
	struct bpfvm_skb_ctx *s = skb_of(r1);
	uint32_t proto = (uint16_t)r2;
	int err;

	(void)r4;
	(void)r5;
	(void)run;
	if (!is_vlan(proto))
		proto = PROTO_8021Q;
	if (s->skb.vlan_present) {
		uint8_t *d;

		if ((err = push_at(s, 2 * ETH_ALEN, VLAN_HLEN)))
			return (uint64_t)(int64_t)err;
		d = data_of(s);
		memcpy(d + 12, &s->skb.vlan_proto, 2);
		d[14] = (uint8_t)(s->skb.vlan_tci >> 8);
		d[15] = (uint8_t)s->skb.vlan_tci;
		s->skb.protocol = s->skb.vlan_proto;
		s->mac_len += VLAN_HLEN;
	}
	vlan_put_tag(s, proto, (uint16_t)r3);
	return 0;
}

/* skb_vlan_pop: the accelerated tag goes, else the packet's outer tag; then
 * the next tag in the packet, if any, becomes the accelerated one. */
BPFVM_HELPER(skb_vlan_pop)
{
	struct bpfvm_skb_ctx *s = skb_of(r1);
	uint32_t proto;
	uint16_t tci;
	int err;

	(void)r2;
	(void)r3;
	(void)r4;
	(void)r5;
	(void)run;
	if (s->skb.vlan_present) {
		s->skb.vlan_present = s->skb.vlan_proto = s->skb.vlan_tci = 0;
	} else {
		if (!is_vlan(s->skb.protocol))
			return 0;
		if ((err = vlan_pop_packet(s, &tci)))
			return (uint64_t)(int64_t)err;
	}
	if (!is_vlan(s->skb.protocol))
		return 0;
	proto = s->skb.protocol;
	if ((err = vlan_pop_packet(s, &tci)))
		return (uint64_t)(int64_t)err;
	vlan_put_tag(s, proto, tci);
	return 0;
}
