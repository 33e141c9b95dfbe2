/* Many instruction kinds in one clang-built object, for the disassembler test
 * (tests/cli/disasm_llvm.sh compares `bpfvm disasm` with llvm-objdump on its
 * code sections): 64-bit atomics of every kind, byte swaps, divisions and
 * modulo, sign extension by shifts, a bpf-to-bpf call, a map load, and, in
 * inline assembly, every ALU and jump operation LLVM 14 can encode in both
 * widths and both source forms, legacy packet loads, loads and stores of every
 * size. Self-contained (no kernel headers): it only has to compile. */
typedef unsigned char __u8;
typedef signed char __s8;
typedef unsigned short __u16;
typedef short __s16;
typedef unsigned int __u32;
typedef int __s32;
typedef unsigned long long __u64;
typedef long long __s64;
typedef __u16 __be16;
typedef __u32 __be32;
typedef __u32 __wsum;

#include <bpf/bpf_helpers.h>

struct ctx {
	__u32 len, mark, hash;
};

struct {
	__uint(type, 2 /* BPF_MAP_TYPE_ARRAY */);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, __u64);
} counters SEC(".maps");

static __attribute__((noinline)) __u64 mix(__u64 a, __u64 b)
{
	return (a * 31) ^ (b >> 3) ^ (a / (b | 1)) ^ (a % (b | 3));
}

SEC("socket")
int isa_mix(struct ctx *skb)
{
	__u32 key = skb->len & 3;
	__u64 *v = bpf_map_lookup_elem(&counters, &key);
	__s64 s = (__s8)skb->mark;
	__u32 w = skb->hash;
	__u64 r;

	if (!v)
		return 0;
	__sync_fetch_and_add(v, 1);
	r = __sync_fetch_and_add(v, 2);
	r += __sync_lock_test_and_set(v, 3);
	r += __sync_val_compare_and_swap(v, 3, 4);
	__sync_fetch_and_or(v, 8);
	__sync_fetch_and_and(v, ~1ull);
	__sync_fetch_and_xor(v, 16);
	r += __sync_fetch_and_or(v, 32) + __sync_fetch_and_and(v, 64) + __sync_fetch_and_xor(v, 128);
	r += __builtin_bswap16(w) + __builtin_bswap32(w) + __builtin_bswap64(r);
	r += (__u64)(s >> 3) + (__u64)((__s16)w >> 2) + w / 7 + w % 13 + (w << 5);
	r += mix(r, w) - (r & 0xffffffff00000000ull) + 0x123456789abcdefull;
	if ((__s64)r < -5 || r > 1000 || (w & 0x80))
		r = -r;
	return r;
}

SEC("socket")
int isa_asm(void *ctx)
{
	int ret;

	asm volatile(
		"r0 = *(u8 *)skb[23]\n"
		"r0 = *(u16 *)skb[r6]\n"
		"r0 = *(u32 *)skb[12]\n"
		"r1 = be16 r1\n"
		"r1 = be32 r1\n"
		"r1 = be64 r1\n"
		"r1 = le16 r1\n"
		"r1 = le32 r1\n"
		"r1 = le64 r1\n"
		"r1 = -r1\n"
		"w1 = -w1\n"
		"r2 = 0x7fffffff\n"
		"r2 = -2147483648\n"
		"w2 = 5\n"
		"w2 += w3\n"
		"w2 s>>= 3\n"
		"r2 s>>= r4\n"
		"w2 = w4\n"
		"if w1 > w2 goto +1\n"
		"if w1 s<= -3 goto +1\n"
		"if r1 s< r2 goto +0\n"
		"if r1 <= 7 goto -1\n"
		"*(u8 *)(r10 - 1) = r1\n"
		"*(u16 *)(r10 - 2) = r1\n"
		"*(u32 *)(r10 - 8) = r1\n"
		"r3 = *(u16 *)(r10 - 2)\n"
		"lock *(u32 *)(r10 - 8) += r1\n"
		"lock *(u64 *)(r10 - 16) += r1\n"
		"r1 = 0x1122334455667788 ll\n"
		"call 1\n"
		"r3 += r4\n"
		"r3 += -7\n"
		"r3 -= r4\n"
		"r3 -= -7\n"
		"r3 *= r4\n"
		"r3 *= -7\n"
		"r3 /= r4\n"
		"r3 /= -7\n"
		"r3 |= r4\n"
		"r3 |= -7\n"
		"r3 &= r4\n"
		"r3 &= -7\n"
		"r3 <<= r4\n"
		"r3 <<= 5\n"
		"r3 >>= r4\n"
		"r3 >>= 5\n"
		"r3 ^= r4\n"
		"r3 ^= -7\n"
		"r3 s>>= r4\n"
		"r3 s>>= 5\n"
		"r3 = r4\n"
		"r3 = -r3\n"
		"r3 = -1\n"
		"w3 += w4\n"
		"w3 += -7\n"
		"w3 -= w4\n"
		"w3 -= -7\n"
		"w3 *= w4\n"
		"w3 *= -7\n"
		"w3 /= w4\n"
		"w3 /= -7\n"
		"w3 |= w4\n"
		"w3 |= -7\n"
		"w3 &= w4\n"
		"w3 &= -7\n"
		"w3 <<= w4\n"
		"w3 <<= 5\n"
		"w3 >>= w4\n"
		"w3 >>= 5\n"
		"w3 ^= w4\n"
		"w3 ^= -7\n"
		"w3 s>>= w4\n"
		"w3 s>>= 5\n"
		"w3 = w4\n"
		"w3 = -w3\n"
		"w3 = -1\n"
		"if r3 == r4 goto +0\n"
		"if r3 == -100 goto -1\n"
		"if r3 != r4 goto +0\n"
		"if r3 != -100 goto -1\n"
		"if r3 > r4 goto +0\n"
		"if r3 > -100 goto -1\n"
		"if r3 >= r4 goto +0\n"
		"if r3 >= -100 goto -1\n"
		"if r3 < r4 goto +0\n"
		"if r3 < -100 goto -1\n"
		"if r3 <= r4 goto +0\n"
		"if r3 <= -100 goto -1\n"
		"if r3 s> r4 goto +0\n"
		"if r3 s> -100 goto -1\n"
		"if r3 s>= r4 goto +0\n"
		"if r3 s>= -100 goto -1\n"
		"if r3 s< r4 goto +0\n"
		"if r3 s< -100 goto -1\n"
		"if r3 s<= r4 goto +0\n"
		"if r3 s<= -100 goto -1\n"
		"if w3 == w4 goto +0\n"
		"if w3 == -100 goto -1\n"
		"if w3 != w4 goto +0\n"
		"if w3 != -100 goto -1\n"
		"if w3 > w4 goto +0\n"
		"if w3 > -100 goto -1\n"
		"if w3 >= w4 goto +0\n"
		"if w3 >= -100 goto -1\n"
		"if w3 < w4 goto +0\n"
		"if w3 < -100 goto -1\n"
		"if w3 <= w4 goto +0\n"
		"if w3 <= -100 goto -1\n"
		"if w3 s> w4 goto +0\n"
		"if w3 s> -100 goto -1\n"
		"if w3 s>= w4 goto +0\n"
		"if w3 s>= -100 goto -1\n"
		"if w3 s< w4 goto +0\n"
		"if w3 s< -100 goto -1\n"
		"if w3 s<= w4 goto +0\n"
		"if w3 s<= -100 goto -1\n"
		"r3 = *(u8 *)(r10 - 32)\n"
		"*(u8 *)(r10 - 32) = r3\n"
		"r4 = *(u8 *)(r1 + 32767)\n"
		"r3 = *(u16 *)(r10 - 32)\n"
		"*(u16 *)(r10 - 32) = r3\n"
		"r4 = *(u16 *)(r1 + 32767)\n"
		"r3 = *(u32 *)(r10 - 32)\n"
		"*(u32 *)(r10 - 32) = r3\n"
		"r4 = *(u32 *)(r1 + 32767)\n"
		"r3 = *(u64 *)(r10 - 32)\n"
		"*(u64 *)(r10 - 32) = r3\n"
		"r4 = *(u64 *)(r1 + 32767)\n"
		"goto +0\n"
		"r5 = -1 ll\n"
		"r5 = 0 ll\n"
		"call 12\n"
		"%0 = r0\n"
		: "=r"(ret) :: "r0", "r1", "r2", "r3", "r4", "r5", "memory");
	return ret;
}

char _license[] SEC("license") = "GPL";
