/* bpfvm run tests for the legacy packet loads (BPF_LD | BPF_ABS / BPF_IND),
 * written as Linux's samples write them (bpf_legacy.h: load_byte/half/word
 * are LLVM's BPF intrinsics). Each program parses Ethernet, IPv4 (with
 * options: the transport header's offset is a register, so those loads are
 * IND) and UDP/TCP, and returns dport << 16 | the low byte of the source
 * address << 8 | the first payload byte; 1 for a non-IP frame, 6 for IPv6,
 * 2 for another IP protocol. A read past the packet (no payload) ends the
 * program with 0.
 *  - sf_ldabs, tc_ldabs: offsets from skb->data, which is the Ethernet
 *    header for tc and (in bpfvm) for socket filters;
 *  - sf_netoff: offsets from the headers (Linux's SKF_LL_OFF and SKF_NET_OFF),
 *    which mean the same bytes wherever a runtime starts skb->data, so this
 *    socket filter gives Linux's result in bpfvm too;
 *  - tc_ldsub: loads in a subprogram (below). */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

unsigned long long load_byte(void *skb, unsigned long long off) asm("llvm.bpf.load.byte");
unsigned long long load_half(void *skb, unsigned long long off) asm("llvm.bpf.load.half");
unsigned long long load_word(void *skb, unsigned long long off) asm("llvm.bpf.load.word");

#define SKF_NET_OFF (-0x100000)
#define SKF_LL_OFF (-0x200000)

static __always_inline __u32 parse(void *skb, long l2, long l3)
{
	__u64 proto = load_half(skb, l2 + 12), ihl, ip_proto, saddr, dport, payload;

	if (proto == 0x86dd)
		return 6;
	if (proto != 0x0800)
		return 1;
	ihl = (load_byte(skb, l3) & 0xf) * 4;
	ip_proto = load_byte(skb, l3 + 9);
	saddr = load_word(skb, l3 + 12);
	if (ip_proto != 17 && ip_proto != 6)
		return 2;
	dport = load_half(skb, l3 + ihl + 2);
	payload = load_byte(skb, l3 + ihl + (ip_proto == 17 ? 8 : 20));
	return dport << 16 | (saddr & 0xff) << 8 | payload;
}

SEC("socket")
int sf_ldabs(struct __sk_buff *skb)
{
	return parse(skb, 0, 14);
}

SEC("socket")
int sf_netoff(struct __sk_buff *skb)
{
	return parse(skb, SKF_LL_OFF, SKF_NET_OFF);
}

SEC("tc")
int tc_ldabs(struct __sk_buff *skb)
{
	return parse(skb, 0, 14);
}

/* A failed load in a subprogram returns 0 from it, not from the program:
 * tc_ldsub returns the UDP destination port * 65536 + the 16 bits at
 * offset `far` (0 when the packet is shorter) + 1. */
static __attribute__((noinline)) int half_at(struct __sk_buff *skb, int off)
{
	return load_half(skb, off);
}

SEC("tc")
int tc_ldsub(struct __sk_buff *skb)
{
	return half_at(skb, 36) * 65536 + half_at(skb, 60) + 1;
}

char LICENSE[] SEC("license") = "GPL";
