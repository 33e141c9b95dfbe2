/* bpf_skb_set/get_tunnel_key and bpf_skb_set/get_tunnel_opt: the tunnel
 * metadata (and its options) a tc program attaches to an skb for a
 * collect_md tunnel device to encapsulate with, and reads back. Linux keeps it in a metadata dst (struct
 * ip_tunnel_info); bpfvm keeps the same fields in the skb context. As in
 * Linux, set writes a transmit key (remote = destination) and get reads it as
 * a receive key (remote = source), so the addresses swap on a read back; a
 * test-run skb has no metadata until a program sets it (get: -EINVAL).
 * struct bpf_tunnel_key's older, shorter layouts are accepted as Linux does. */
#include <errno.h>
#include <string.h>

#include "helpers/helpers.h"
#include "progtype/ctx.h"

#define TUNINFO_IPV6 (1ull << 0)
#define TUNINFO_FLAGS (1ull << 4)
#define F_ZERO_CSUM_TX (1ull << 1)
#define F_DONT_FRAGMENT (1ull << 2)
#define F_SEQ_NUMBER (1ull << 3)
#define F_NO_TUNNEL_KEY (1ull << 4)

#define TUN_CSUM_BIT 0
#define TUN_KEY_BIT 2
#define TUN_SEQ_BIT 3
#define TUN_DONT_FRAGMENT_BIT 8
#define TUN_NOCACHE_BIT 13
/* TUNNEL_OPTIONS_PRESENT: the Geneve, VXLAN, ERSPAN and GTP option bits. */
#define TUN_OPTIONS_PRESENT (1u << 11 | 1u << 12 | 1u << 14 | 1u << 15)

/* struct bpf_tunnel_key (UAPI) */
struct tunnel_key {
	uint32_t tunnel_id;
	uint32_t remote[4]; /* remote_ipv4 in [0], host order; or remote_ipv6 */
	uint8_t tunnel_tos;
	uint8_t tunnel_ttl;
	uint16_t tunnel_ext; /* tunnel_flags with BPF_F_TUNINFO_FLAGS */
	uint32_t tunnel_label;
	uint32_t local[4];
};

_Static_assert(sizeof(struct tunnel_key) == 44, "struct bpf_tunnel_key layout");

/* The older layouts: up to local_ipv4/6, up to tunnel_label, up to
 * tunnel_ext, and up to remote_ipv4 only. */
static bool compat_size(uint32_t size)
{
	return size == offsetof(struct tunnel_key, local) ||
	       size == offsetof(struct tunnel_key, tunnel_label) ||
	       size == offsetof(struct tunnel_key, tunnel_ext) ||
	       size == offsetof(struct tunnel_key, remote) + 4;
}

static uint32_t be32(uint32_t v)
{
	return __builtin_bswap32(v);
}

BPFVM_HELPER(skb_set_tunnel_key)
{
	struct bpfvm_skb_ctx *s = (struct bpfvm_skb_ctx *)(uintptr_t)r1;
	uint32_t size = (uint32_t)r3;
	struct tunnel_key k = { 0 };
	struct bpfvm_tunnel_info *t = &s->tun;

	if (r4 & ~(TUNINFO_IPV6 | F_ZERO_CSUM_TX | F_DONT_FRAGMENT | F_SEQ_NUMBER |
		   F_NO_TUNNEL_KEY))
		return (uint64_t)-EINVAL;
	if (size != sizeof(k) && !compat_size(size))
		return (uint64_t)-EINVAL;
	memcpy(&k, (const void *)(uintptr_t)r2, size);
	if ((!(r4 & TUNINFO_IPV6) && k.tunnel_label) || k.tunnel_ext)
		return (uint64_t)-EINVAL;
	memset(t, 0, sizeof(*t));
	t->tun_id = k.tunnel_id;
	t->tos = k.tunnel_tos;
	t->ttl = k.tunnel_ttl;
	t->tun_flags = (uint16_t)(1u << TUN_NOCACHE_BIT);
	if (r4 & F_DONT_FRAGMENT)
		t->tun_flags |= 1u << TUN_DONT_FRAGMENT_BIT;
	if (!(r4 & F_ZERO_CSUM_TX))
		t->tun_flags |= 1u << TUN_CSUM_BIT;
	if (r4 & F_SEQ_NUMBER)
		t->tun_flags |= 1u << TUN_SEQ_BIT;
	if (!(r4 & F_NO_TUNNEL_KEY))
		t->tun_flags |= 1u << TUN_KEY_BIT;
	if (r4 & TUNINFO_IPV6) {
		t->ipv6 = true;
		memcpy(t->dst, k.remote, 16);
		memcpy(t->src, k.local, 16);
		t->label = k.tunnel_label & 0xfffff;
	} else {
		uint32_t dst = be32(k.remote[0]), src = be32(k.local[0]);

		memcpy(t->dst, &dst, 4);
		memcpy(t->src, &src, 4);
	}
	s->state |= BPFVM_SKB_TUNNEL;
	return 0;
}

BPFVM_HELPER(skb_get_tunnel_key)
{
	struct bpfvm_skb_ctx *s = (struct bpfvm_skb_ctx *)(uintptr_t)r1;
	const struct bpfvm_tunnel_info *t = &s->tun;
	uint8_t *to = (uint8_t *)(uintptr_t)r2;
	uint32_t size = (uint32_t)r3, src, dst;
	struct tunnel_key k = { 0 };
	int err = -EINVAL;

	if (!(s->state & BPFVM_SKB_TUNNEL) || (r4 & ~(TUNINFO_IPV6 | TUNINFO_FLAGS)))
		goto clear;
	if (size != sizeof(k) && !compat_size(size))
		goto clear;
	if (size == offsetof(struct tunnel_key, remote) + 4 && t->ipv6)
		goto clear;
	if (t->ipv6 != !!(r4 & TUNINFO_IPV6)) {
		err = -EPROTO;
		goto clear;
	}
	k.tunnel_id = (uint32_t)t->tun_id;
	k.tunnel_tos = t->tos;
	k.tunnel_ttl = t->ttl;
	if (r4 & TUNINFO_FLAGS)
		k.tunnel_ext = __builtin_bswap16(t->tun_flags);
	if (t->ipv6) {
		memcpy(k.remote, t->src, 16);
		memcpy(k.local, t->dst, 16);
		k.tunnel_label = t->label;
	} else {
		memcpy(&src, t->src, 4);
		memcpy(&dst, t->dst, 4);
		k.remote[0] = be32(src);
		k.local[0] = be32(dst);
	}
	memcpy(to, &k, size);
	return 0;
clear:
	memset(to, 0, size);
	return (uint64_t)(int64_t)err;
}

/* Options belong to the metadata set_tunnel_key attached; they replace any
 * earlier ones and mark the key as carrying options (unless empty). */
BPFVM_HELPER(skb_set_tunnel_opt)
{
	struct bpfvm_skb_ctx *s = (struct bpfvm_skb_ctx *)(uintptr_t)r1;
	uint32_t size = (uint32_t)r3;

	if (!(s->state & BPFVM_SKB_TUNNEL) || (size & 3))
		return (uint64_t)-EINVAL;
	if (size > sizeof(s->tun.opts))
		return (uint64_t)-ENOMEM;
	s->tun.opts_len = (uint8_t)size;
	if (size) {
		memcpy(s->tun.opts, (const void *)(uintptr_t)r2, size);
		s->tun.tun_flags |= TUN_OPTIONS_PRESENT;
	}
	return 0;
}

/* Returns the options' length; the rest of the buffer is zeroed. */
BPFVM_HELPER(skb_get_tunnel_opt)
{
	const struct bpfvm_skb_ctx *s = (const struct bpfvm_skb_ctx *)(uintptr_t)r1;
	uint8_t *to = (uint8_t *)(uintptr_t)r2;
	uint32_t size = (uint32_t)r3, len = s->tun.opts_len;
	int err = -ENOENT;

	if (!(s->state & BPFVM_SKB_TUNNEL) || !(s->tun.tun_flags & TUN_OPTIONS_PRESENT))
		goto clear;
	err = -ENOMEM;
	if (size < len)
		goto clear;
	memcpy(to, s->tun.opts, len);
	memset(to + len, 0, size - len);
	return len;
clear:
	memset(to, 0, size);
	return (uint64_t)(int64_t)err;
}
