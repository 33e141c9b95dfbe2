/* The disassembler against llvm-objdump: every row's text is what LLVM 14's
 * `llvm-objdump -d` printed for the same bytes (assembled with llvm-mc from
 * `.byte` lines), except the rows marked "newer LLVM", which LLVM 14 cannot
 * print (see the comment at the top of src/isa/disasm.c). */
#include <errno.h>

#include "bpfvm/isa.h"
#include "test.h"

struct row {
	const char *hex; /* 8 or 16 bytes */
	const char *text;
};

static const struct row rows[] = {
	/* ALU32 / ALU64, immediate and register forms */
	{ "04 01 00 00 fb ff ff ff", "w1 += -5" },
	{ "0c 21 00 00 00 00 00 00", "w1 += w2" },
	{ "14 01 00 00 fb ff ff ff", "w1 -= -5" },
	{ "1c 21 00 00 00 00 00 00", "w1 -= w2" },
	{ "24 01 00 00 fb ff ff ff", "w1 *= -5" },
	{ "2c 21 00 00 00 00 00 00", "w1 *= w2" },
	{ "34 01 00 00 fb ff ff ff", "w1 /= -5" },
	{ "3c 21 00 00 00 00 00 00", "w1 /= w2" },
	{ "44 01 00 00 fb ff ff ff", "w1 |= -5" },
	{ "4c 21 00 00 00 00 00 00", "w1 |= w2" },
	{ "54 01 00 00 fb ff ff ff", "w1 &= -5" },
	{ "5c 21 00 00 00 00 00 00", "w1 &= w2" },
	{ "64 01 00 00 fb ff ff ff", "w1 <<= -5" },
	{ "6c 21 00 00 00 00 00 00", "w1 <<= w2" },
	{ "74 01 00 00 fb ff ff ff", "w1 >>= -5" },
	{ "7c 21 00 00 00 00 00 00", "w1 >>= w2" },
	{ "84 01 00 00 fb ff ff ff", "w1 = -w1" },
	{ "a4 01 00 00 fb ff ff ff", "w1 ^= -5" },
	{ "ac 21 00 00 00 00 00 00", "w1 ^= w2" },
	{ "b4 01 00 00 fb ff ff ff", "w1 = -5" },
	{ "bc 21 00 00 00 00 00 00", "w1 = w2" },
	{ "c4 01 00 00 fb ff ff ff", "w1 s>>= -5" },
	{ "cc 21 00 00 00 00 00 00", "w1 s>>= w2" },
	{ "07 01 00 00 fb ff ff ff", "r1 += -5" },
	{ "0f 21 00 00 00 00 00 00", "r1 += r2" },
	{ "17 01 00 00 fb ff ff ff", "r1 -= -5" },
	{ "1f 21 00 00 00 00 00 00", "r1 -= r2" },
	{ "27 01 00 00 fb ff ff ff", "r1 *= -5" },
	{ "2f 21 00 00 00 00 00 00", "r1 *= r2" },
	{ "37 01 00 00 fb ff ff ff", "r1 /= -5" },
	{ "3f 21 00 00 00 00 00 00", "r1 /= r2" },
	{ "47 01 00 00 fb ff ff ff", "r1 |= -5" },
	{ "4f 21 00 00 00 00 00 00", "r1 |= r2" },
	{ "57 01 00 00 ff ff 00 00", "r1 &= 65535" },
	{ "5f 21 00 00 00 00 00 00", "r1 &= r2" },
	{ "67 01 00 00 fb ff ff ff", "r1 <<= -5" },
	{ "6f 21 00 00 00 00 00 00", "r1 <<= r2" },
	{ "77 01 00 00 fb ff ff ff", "r1 >>= -5" },
	{ "7f 21 00 00 00 00 00 00", "r1 >>= r2" },
	{ "87 01 00 00 fb ff ff ff", "r1 = -r1" },
	{ "a7 01 00 00 fb ff ff ff", "r1 ^= -5" },
	{ "af 21 00 00 00 00 00 00", "r1 ^= r2" },
	{ "b7 01 00 00 fb ff ff ff", "r1 = -5" },
	{ "b7 01 00 00 ff ff ff 7f", "r1 = 2147483647" },
	{ "b7 01 00 00 00 00 00 80", "r1 = -2147483648" },
	{ "bf 21 00 00 00 00 00 00", "r1 = r2" },
	{ "c7 01 00 00 fb ff ff ff", "r1 s>>= -5" },
	{ "cf 21 00 00 00 00 00 00", "r1 s>>= r2" },
	{ "b7 0a 00 00 01 00 00 00", "r10 = 1" },
	{ "bf 1b 00 00 00 00 00 00", "r11 = r1" },
	/* LLVM 14 ignores fields an instruction does not use */
	{ "04 31 00 00 05 00 00 00", "w1 += 5" },
	{ "04 01 07 00 05 00 00 00", "w1 += 5" },
	{ "0c 21 03 00 09 00 00 00", "w1 += w2" },
	{ "87 21 03 00 04 00 00 00", "r1 = -r1" },
	/* byte swaps */
	{ "d4 01 00 00 10 00 00 00", "r1 = le16 r1" },
	{ "d4 01 00 00 20 00 00 00", "r1 = le32 r1" },
	{ "d4 01 00 00 40 00 00 00", "r1 = le64 r1" },
	{ "dc 01 00 00 10 00 00 00", "r1 = be16 r1" },
	{ "dc 01 00 00 20 00 00 00", "r1 = be32 r1" },
	{ "dc 01 00 00 40 00 00 00", "r1 = be64 r1" },
	{ "d4 01 00 00 08 00 00 00", "<unknown>" },
	/* newer LLVM: mod, sdiv/smod, movsx, bswap */
	{ "94 01 00 00 05 00 00 00", "w1 %= 5" },
	{ "9c 21 00 00 00 00 00 00", "w1 %= w2" },
	{ "97 01 00 00 05 00 00 00", "r1 %= 5" },
	{ "9f 21 00 00 00 00 00 00", "r1 %= r2" },
	{ "34 01 01 00 05 00 00 00", "w1 s/= 5" },
	{ "3c 21 01 00 00 00 00 00", "w1 s/= w2" },
	{ "37 01 01 00 fb ff ff ff", "r1 s/= -5" },
	{ "3f 21 01 00 00 00 00 00", "r1 s/= r2" },
	{ "94 01 01 00 05 00 00 00", "w1 s%= 5" },
	{ "9f 21 01 00 00 00 00 00", "r1 s%= r2" },
	{ "3f 21 02 00 00 00 00 00", "<unknown>" },
	{ "bc 21 08 00 00 00 00 00", "w1 = (s8)w2" },
	{ "bc 21 10 00 00 00 00 00", "w1 = (s16)w2" },
	{ "bc 21 20 00 00 00 00 00", "<unknown>" },
	{ "bf 21 08 00 00 00 00 00", "r1 = (s8)r2" },
	{ "bf 21 10 00 00 00 00 00", "r1 = (s16)r2" },
	{ "bf 21 20 00 00 00 00 00", "r1 = (s32)r2" },
	{ "d7 01 00 00 10 00 00 00", "r1 = bswap16 r1" },
	{ "d7 01 00 00 20 00 00 00", "r1 = bswap32 r1" },
	{ "d7 01 00 00 40 00 00 00", "r1 = bswap64 r1" },
	{ "df 01 00 00 10 00 00 00", "<unknown>" },
	{ "8c 21 00 00 00 00 00 00", "<unknown>" },
	{ "bf f1 00 00 00 00 00 00", "<unknown>" },
	{ "e4 01 00 00 00 00 00 00", "<unknown>" },
	/* jumps */
	{ "05 01 03 00 fb ff ff ff", "goto +3" },
	{ "05 00 ff ff 00 00 00 00", "goto -1" },
	{ "05 00 00 00 00 00 00 00", "goto +0" },
	{ "0d 21 03 00 00 00 00 00", "<unknown>" },
	{ "15 01 03 00 fb ff ff ff", "if r1 == -5 goto +3" },
	{ "1d 21 03 00 00 00 00 00", "if r1 == r2 goto +3" },
	{ "25 01 03 00 fb ff ff ff", "if r1 > -5 goto +3" },
	{ "2d 21 03 00 00 00 00 00", "if r1 > r2 goto +3" },
	{ "35 01 03 00 fb ff ff ff", "if r1 >= -5 goto +3" },
	{ "3d 21 03 00 00 00 00 00", "if r1 >= r2 goto +3" },
	{ "55 01 03 00 fb ff ff ff", "if r1 != -5 goto +3" },
	{ "5d 21 03 00 00 00 00 00", "if r1 != r2 goto +3" },
	{ "65 01 03 00 fb ff ff ff", "if r1 s> -5 goto +3" },
	{ "6d 21 03 00 00 00 00 00", "if r1 s> r2 goto +3" },
	{ "75 01 03 00 fb ff ff ff", "if r1 s>= -5 goto +3" },
	{ "7d 21 03 00 00 00 00 00", "if r1 s>= r2 goto +3" },
	{ "a5 01 03 00 fb ff ff ff", "if r1 < -5 goto +3" },
	{ "ad 21 03 00 00 00 00 00", "if r1 < r2 goto +3" },
	{ "b5 01 03 00 fb ff ff ff", "if r1 <= -5 goto +3" },
	{ "bd 21 03 00 00 00 00 00", "if r1 <= r2 goto +3" },
	{ "c5 01 03 00 fb ff ff ff", "if r1 s< -5 goto +3" },
	{ "cd 21 03 00 00 00 00 00", "if r1 s< r2 goto +3" },
	{ "d5 01 03 00 fb ff ff ff", "if r1 s<= -5 goto +3" },
	{ "dd 21 03 00 00 00 00 00", "if r1 s<= r2 goto +3" },
	{ "15 01 fd ff ff ff ff 7f", "if r1 == 2147483647 goto -3" },
	{ "16 01 02 00 ff ff ff ff", "if w1 == -1 goto +2" },
	{ "1e 21 02 00 00 00 00 00", "if w1 == w2 goto +2" },
	{ "26 01 03 00 fb ff ff ff", "if w1 > -5 goto +3" },
	{ "3e 21 03 00 00 00 00 00", "if w1 >= w2 goto +3" },
	{ "56 01 03 00 fb ff ff ff", "if w1 != -5 goto +3" },
	{ "6e 21 03 00 00 00 00 00", "if w1 s> w2 goto +3" },
	{ "76 01 03 00 fb ff ff ff", "if w1 s>= -5 goto +3" },
	{ "ae 21 03 00 00 00 00 00", "if w1 < w2 goto +3" },
	{ "b6 01 03 00 fb ff ff ff", "if w1 <= -5 goto +3" },
	{ "ce 21 03 00 00 00 00 00", "if w1 s< w2 goto +3" },
	{ "d6 01 03 00 fb ff ff ff", "if w1 s<= -5 goto +3" },
	{ "e5 01 03 00 fb ff ff ff", "<unknown>" },
	{ "86 01 03 00 fb ff ff ff", "<unknown>" },
	{ "96 01 03 00 fb ff ff ff", "<unknown>" },
	/* newer LLVM: jset, gotol, callx with the register in dst */
	{ "45 01 03 00 fb ff ff ff", "if r1 & -5 goto +3" },
	{ "4d 21 03 00 00 00 00 00", "if r1 & r2 goto +3" },
	{ "46 01 03 00 05 00 00 00", "if w1 & 5 goto +3" },
	{ "4e 21 fe ff 00 00 00 00", "if w1 & w2 goto -2" },
	{ "06 00 00 00 05 00 00 00", "gotol +5" },
	{ "06 00 00 00 fd ff ff ff", "gotol -3" },
	{ "8d 01 00 00 00 00 00 00", "callx r1" },
	/* calls and exit */
	{ "85 00 00 00 01 00 00 00", "call 1" },
	{ "85 10 00 00 fe ff ff ff", "call -2" },
	{ "85 20 00 00 07 00 00 00", "call 7" },
	{ "85 00 00 00 ff ff ff 7f", "call 2147483647" },
	{ "85 00 05 00 01 00 00 00", "call 1" },
	{ "95 00 00 00 00 00 00 00", "exit" },
	{ "95 01 00 00 00 00 00 00", "exit" },
	{ "95 00 00 00 01 00 00 00", "<unknown>" },
	/* loads and stores */
	{ "61 21 f8 ff 00 00 00 00", "r1 = *(u32 *)(r2 - 8)" },
	{ "69 21 f8 ff 00 00 00 00", "r1 = *(u16 *)(r2 - 8)" },
	{ "71 21 f8 ff 00 00 00 00", "r1 = *(u8 *)(r2 - 8)" },
	{ "79 21 f8 ff 00 00 00 00", "r1 = *(u64 *)(r2 - 8)" },
	{ "61 21 00 00 00 00 00 00", "r1 = *(u32 *)(r2 + 0)" },
	{ "61 21 ff 7f 00 00 00 00", "r1 = *(u32 *)(r2 + 32767)" },
	{ "61 21 00 80 00 00 00 00", "r1 = *(u32 *)(r2 - 32768)" },
	{ "61 21 04 00 09 00 00 00", "r1 = *(u32 *)(r2 + 4)" },
	{ "63 21 f8 ff 00 00 00 00", "*(u32 *)(r1 - 8) = r2" },
	{ "6b 21 f8 ff 00 00 00 00", "*(u16 *)(r1 - 8) = r2" },
	{ "73 21 f8 ff 00 00 00 00", "*(u8 *)(r1 - 8) = r2" },
	{ "7b 21 f8 ff 00 00 00 00", "*(u64 *)(r1 - 8) = r2" },
	{ "99 21 f8 ff 00 00 00 00", "<unknown>" },
	{ "21 21 f8 ff 00 00 00 00", "<unknown>" },
	{ "23 21 f8 ff 00 00 00 00", "<unknown>" },
	{ "cb 21 f8 ff 00 00 00 00", "<unknown>" },
	{ "62 21 f8 ff 07 00 00 00", "*(u32 *)(r1 - 8) = 7" }, /* newer LLVM */
	{ "6a 01 04 00 ff ff ff ff", "*(u16 *)(r1 + 4) = -1" },
	{ "72 01 00 00 01 00 00 00", "*(u8 *)(r1 + 0) = 1" },
	{ "7a 0a f8 ff ff ff ff 7f", "*(u64 *)(r10 - 8) = 2147483647" },
	{ "81 21 f8 ff 00 00 00 00", "r1 = *(s32 *)(r2 - 8)" }, /* newer LLVM */
	{ "89 21 04 00 00 00 00 00", "r1 = *(s16 *)(r2 + 4)" },
	{ "91 21 00 00 00 00 00 00", "r1 = *(s8 *)(r2 + 0)" },
	{ "20 20 00 00 05 00 00 00", "r0 = *(u32 *)skb[5]" },
	{ "28 20 00 00 05 00 00 00", "r0 = *(u16 *)skb[5]" },
	{ "30 01 00 00 fb ff ff ff", "r0 = *(u8 *)skb[-5]" },
	{ "40 21 03 00 fb ff ff ff", "r0 = *(u32 *)skb[r2]" },
	{ "48 20 00 00 05 00 00 00", "r0 = *(u16 *)skb[r2]" },
	{ "50 20 00 00 05 00 00 00", "r0 = *(u8 *)skb[r2]" },
	{ "38 20 00 00 05 00 00 00", "<unknown>" },
	{ "10 01 00 00 05 00 00 00", "<unknown>" },
	{ "00 01 00 00 05 00 00 00", "<unknown>" },
	/* atomics */
	{ "c3 21 f8 ff 00 00 00 00", "lock *(u32 *)(r1 - 8) += r2" },
	{ "db 21 f8 ff 00 00 00 00", "lock *(u64 *)(r1 - 8) += r2" },
	{ "db 21 f8 ff 40 00 00 00", "lock *(u64 *)(r1 - 8) |= r2" },
	{ "db 21 f8 ff 50 00 00 00", "lock *(u64 *)(r1 - 8) &= r2" },
	{ "db 21 f8 ff a0 00 00 00", "lock *(u64 *)(r1 - 8) ^= r2" },
	{ "db 21 f8 ff 01 00 00 00", "r2 = atomic_fetch_add((u64 *)(r1 - 8), r2)" },
	{ "db 21 f8 ff 41 00 00 00", "r2 = atomic_fetch_or((u64 *)(r1 - 8), r2)" },
	{ "db 21 f8 ff 51 00 00 00", "r2 = atomic_fetch_and((u64 *)(r1 - 8), r2)" },
	{ "db 21 f8 ff a1 00 00 00", "r2 = atomic_fetch_xor((u64 *)(r1 - 8), r2)" },
	{ "db 21 f8 ff e1 00 00 00", "r2 = xchg_64(r1 - 8, r2)" },
	{ "db 21 f8 ff f1 00 00 00", "r0 = cmpxchg_64(r1 - 8, r0, r2)" },
	{ "db 21 f8 ff 10 00 00 00", "<unknown>" },
	{ "db 21 f8 ff e0 00 00 00", "<unknown>" },
	/* LLVM 14 prints these only with --mattr=+alu32 */
	{ "c3 21 f8 ff 40 00 00 00", "lock *(u32 *)(r1 - 8) |= w2" },
	{ "c3 21 f8 ff 50 00 00 00", "lock *(u32 *)(r1 - 8) &= w2" },
	{ "c3 21 f8 ff a0 00 00 00", "lock *(u32 *)(r1 - 8) ^= w2" },
	{ "c3 21 f8 ff 01 00 00 00", "w2 = atomic_fetch_add((u32 *)(r1 - 8), w2)" },
	{ "c3 21 f8 ff 41 00 00 00", "w2 = atomic_fetch_or((u32 *)(r1 - 8), w2)" },
	{ "c3 21 f8 ff 51 00 00 00", "w2 = atomic_fetch_and((u32 *)(r1 - 8), w2)" },
	{ "c3 21 f8 ff a1 00 00 00", "w2 = atomic_fetch_xor((u32 *)(r1 - 8), w2)" },
	{ "c3 21 f8 ff e1 00 00 00", "w2 = xchg32_32(r1 - 8, w2)" },
	{ "c3 21 f8 ff f1 00 00 00", "w0 = cmpxchg32_32(r1 - 8, w0, w2)" },
	/* lddw */
	{ "18 01 00 00 05 00 00 00 00 00 00 00 01 00 00 00", "r1 = 4294967301 ll" },
	{ "18 01 00 00 00 00 00 00 00 00 00 00 00 00 00 00", "r1 = 0 ll" },
	{ "18 01 00 00 ff ff ff ff 00 00 00 00 ff ff ff ff", "r1 = -1 ll" },
	{ "18 01 00 00 ff ff ff ff 00 00 00 00 00 00 00 00", "r1 = 4294967295 ll" },
	{ "18 01 00 00 00 00 00 00 00 00 00 00 00 00 00 80", "r1 = -9223372036854775808 ll" },
	{ "18 01 00 00 00 00 00 80 00 00 00 00 00 00 00 80", "r1 = -9223372034707292160 ll" },
	{ "18 11 00 00 05 00 00 00 00 00 00 00 01 00 00 00", "ld_pseudo\tr1, 1, 5" },
	{ "18 21 00 00 05 00 00 00 00 00 00 00 01 00 00 00", "ld_pseudo\tr1, 2, 5" },
	{ "18 41 00 00 05 00 00 00 00 00 00 00 01 00 00 00", "ld_pseudo\tr1, 4, 5" },
	{ "18 61 00 00 05 00 00 00 00 00 00 00 01 00 00 00", "ld_pseudo\tr1, 6, 5" },
	{ "18 01 03 00 00 00 00 00 00 33 03 00 00 00 00 00", "<unknown>" },
};

static size_t parse_hex(const char *hex, struct bpfvm_insn *out, size_t max)
{
	uint8_t bytes[16];
	size_t n = 0;
	unsigned v;
	int used;

	while (n < sizeof(bytes) && sscanf(hex, " %2x%n", &v, &used) == 1) {
		bytes[n++] = (uint8_t)v;
		hex += used;
	}
	memcpy(out, bytes, n < max * 8 ? n : max * 8);
	return n / 8;
}

int main(void)
{
	char buf[128];

	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct bpfvm_insn insns[2];
		size_t cnt = parse_hex(rows[i].hex, insns, 2);
		int ret = bpfvm_disasm_insn(insns, (uint32_t)cnt, 0, buf, sizeof(buf));

		if (strcmp(buf, rows[i].text))
			fprintf(stderr, "row %zu (%s):\n", i, rows[i].hex);
		CHECK_STR(buf, rows[i].text);
		if (!strcmp(rows[i].text, "<unknown>"))
			CHECK(ret == 1);
		else
			CHECK(ret == (int)cnt);
	}

	/* A truncated lddw is <unknown>, one slot, as LLVM prints it. */
	struct bpfvm_insn lddw = { .code = 0x18, .dst_reg = 1 };
	CHECK(bpfvm_disasm_insn(&lddw, 1, 0, buf, sizeof(buf)) == 1);
	CHECK_STR(buf, "<unknown>");

	/* Out of range, and output truncated but terminated. */
	CHECK(bpfvm_disasm_insn(&lddw, 1, 1, buf, sizeof(buf)) == -EINVAL);
	CHECK_STR(buf, "");
	struct bpfvm_insn ld = { .code = 0x61, .dst_reg = 1, .src_reg = 2, .off = -8 };
	CHECK(bpfvm_disasm_insn(&ld, 1, 0, buf, 6) == 1);
	CHECK_STR(buf, "r1 = ");
	return test_exit();
}
