/* What the legacy packet loads (BPF_LD | BPF_ABS / BPF_IND, RFC 9669) read:
 * Linux's bpf_skb_load_helper_8/16/32, which its verifier calls in their place
 * (bpf_gen_ld_abs). The engines call these for the instructions and do
 * `r0 = 0; exit` when they return a negative value (see
 * BPFVM_HELPER_LD_PKT); the verifier allows the instructions only in the
 * program types whose context is a struct bpfvm_skb_ctx.
 *
 * Offsets are the low 32 bits of r2, signed, counted from skb->data: the
 * Ethernet header for tc and (in bpfvm) socket filters. As in Linux, two
 * ranges of negative offsets address headers instead (SKF_NET_OFF: from the
 * network header, data + mac_len; SKF_LL_OFF: from the link-layer header,
 * which for these program types is data); any other negative offset fails.
 * Linux bounds those two by the skb's whole buffer, headroom included;
 * bpfvm bounds every read by the packet, [data, data_end), as Linux bounds
 * non-negative offsets, so no headroom byte is ever readable. */
#include "helpers/helpers.h"
#include "progtype/ctx.h"

#define SKF_NET_OFF (-0x100000)
#define SKF_LL_OFF (-0x200000)

static uint64_t ld_pkt(uint64_t r1, uint64_t r2, uint32_t size)
{
	const struct bpfvm_skb_ctx *s = (const struct bpfvm_skb_ctx *)(uintptr_t)r1;
	const uint8_t *p = (const uint8_t *)(uintptr_t)s->data;
	uint64_t len = s->data_end - s->data, at, v = 0;
	int32_t k = (int32_t)(uint32_t)r2;

	if (k >= 0)
		at = (uint64_t)k;
	else if (k >= SKF_NET_OFF)
		at = (uint64_t)s->mac_len + (uint64_t)(k - SKF_NET_OFF);
	else if (k >= SKF_LL_OFF)
		at = (uint64_t)(k - SKF_LL_OFF);
	else
		return UINT64_MAX;
	if (at > len || len - at < size)
		return UINT64_MAX;
	for (uint32_t i = 0; i < size; i++)
		v = v << 8 | p[at + i];
	return v;
}

BPFVM_HELPER(ld_pkt_b)
{
	(void)r3, (void)r4, (void)r5, (void)run;
	return ld_pkt(r1, r2, 1);
}

BPFVM_HELPER(ld_pkt_h)
{
	(void)r3, (void)r4, (void)r5, (void)run;
	return ld_pkt(r1, r2, 2);
}

BPFVM_HELPER(ld_pkt_w)
{
	(void)r3, (void)r4, (void)r5, (void)run;
	return ld_pkt(r1, r2, 4);
}
