/* bpf_fib_lookup (id 69): Linux's bpf_xdp_fib_lookup and bpf_skb_fib_lookup
 * on the FIB the run was given (hooks/fib.c). The two differ only in the MTU
 * check: XDP always checks tot_len against the route's MTU; tc checks it when
 * tot_len is set, and otherwise checks the skb's length against the egress
 * device (is_skb_forwardable) and reports the device's MTU. */
#include <errno.h>

#include "helpers/helpers.h"
#include "hooks/fib.h"
#include "hooks/hook.h"
#include "progtype/ctx.h"
#include "progtype/progtype.h"

#define FIB_LOOKUP_FLAGS                                                                  \
	(BPFVM_FIB_LOOKUP_DIRECT | BPFVM_FIB_LOOKUP_OUTPUT | BPFVM_FIB_LOOKUP_SKIP_NEIGH |   \
	 BPFVM_FIB_LOOKUP_TBID | BPFVM_FIB_LOOKUP_SRC | BPFVM_FIB_LOOKUP_MARK)
#define ETH_HLEN 14
#define VLAN_HLEN 4

BPFVM_HELPER(fib_lookup)
{
	const struct bpfvm_hook_state *h = run->hook;
	const struct bpfvm_fib *fib = h ? h->fib : bpfvm_fib_empty();
	struct bpfvm_fib_params *p = (void *)(uintptr_t)r2;
	bool skb = h && h->prog_type != BPFVM_PROG_XDP;
	bool check_mtu;
	int rc;

	(void)r5;
	if ((int32_t)r3 < (int32_t)sizeof(*p))
		return (uint64_t)-EINVAL;
	if ((uint32_t)r4 & ~FIB_LOOKUP_FLAGS)
		return (uint64_t)-EINVAL;
	check_mtu = !skb || p->tot_len;
	rc = bpfvm_fib_lookup(fib, p, (uint32_t)r4, check_mtu);
	if (skb && rc == BPFVM_FIB_RET_SUCCESS && !check_mtu) {
		const struct bpfvm_skb_ctx *s = (const void *)(uintptr_t)r1;
		uint32_t mtu = bpfvm_fib_iface_mtu(fib, p->ifindex);

		if (s->skb.len > (uint64_t)mtu + ETH_HLEN + VLAN_HLEN)
			rc = BPFVM_FIB_RET_FRAG_NEEDED;
		p->tot_len = (uint16_t)mtu; /* mtu_result */
	}
	return (uint64_t)(int64_t)rc;
}
