/* The assembler against the reference assembler of ../shared/tools/conformance.py:
 * every construct of the dialect assembles to the bytes the Python assembler
 * produces (the expected bytes and messages below were generated with it), bad
 * input fails with "line N: " and the same message, the suite's bad-assembly
 * files are refused, and the extensions (labels on ja32/call local/ld_func,
 * map loads) encode as documented in src/isa/asm.c. */
#include <errno.h>

#include "bpfvm/bpfvm.h"
#include "conformance_data.h"
#include "test.h"

struct row {
	const char *text;
	const char *hex;
};

/* One line each; expected bytes from conformance.py's assemble(). */
static const struct row constructs[] = {
	{ "add %r1, %r2", "0f 21 00 00 00 00 00 00" },
	{ "add %r1, -5", "07 01 00 00 fb ff ff ff" },
	{ "add32 %r1, 0xffffffff", "04 01 00 00 ff ff ff ff" },
	{ "sub %r3, 7", "17 03 00 00 07 00 00 00" },
	{ "sub32 %r3, %r4", "1c 43 00 00 00 00 00 00" },
	{ "mul %r5, %r6", "2f 65 00 00 00 00 00 00" },
	{ "mul32 %r5, 3", "24 05 00 00 03 00 00 00" },
	{ "div %r1, %r2", "3f 21 00 00 00 00 00 00" },
	{ "div32 %r1, 2", "34 01 00 00 02 00 00 00" },
	{ "sdiv %r1, %r2", "3f 21 01 00 00 00 00 00" },
	{ "sdiv32 %r1, -3", "34 01 01 00 fd ff ff ff" },
	{ "mod %r1, 10", "97 01 00 00 0a 00 00 00" },
	{ "mod32 %r1, %r2", "9c 21 00 00 00 00 00 00" },
	{ "smod %r1, -7", "97 01 01 00 f9 ff ff ff" },
	{ "smod32 %r1, %r9", "9c 91 01 00 00 00 00 00" },
	{ "or %r0, 0x80000000", "47 00 00 00 00 00 00 80" },
	{ "or32 %r0, %r1", "4c 10 00 00 00 00 00 00" },
	{ "and %r1, 0xff", "57 01 00 00 ff 00 00 00" },
	{ "and32 %r1, %r2", "5c 21 00 00 00 00 00 00" },
	{ "lsh %r1, 63", "67 01 00 00 3f 00 00 00" },
	{ "lsh32 %r1, %r2", "6c 21 00 00 00 00 00 00" },
	{ "rsh %r1, %r2", "7f 21 00 00 00 00 00 00" },
	{ "rsh32 %r1, 31", "74 01 00 00 1f 00 00 00" },
	{ "arsh %r1, 1", "c7 01 00 00 01 00 00 00" },
	{ "arsh32 %r1, %r2", "cc 21 00 00 00 00 00 00" },
	{ "xor %r1, %r2", "af 21 00 00 00 00 00 00" },
	{ "xor32 %r1, -1", "a4 01 00 00 ff ff ff ff" },
	{ "mov %r0, 1", "b7 00 00 00 01 00 00 00" },
	{ "mov %r0, %r10", "bf a0 00 00 00 00 00 00" },
	{ "mov32 %r0, -2147483648", "b4 00 00 00 00 00 00 80" },
	{ "mov32 %r1, %r2", "bc 21 00 00 00 00 00 00" },
	{ "neg %r1", "87 01 00 00 00 00 00 00" },
	{ "neg32 %r2", "84 02 00 00 00 00 00 00" },
	{ "movsx832 %r1, %r2", "bc 21 08 00 00 00 00 00" },
	{ "movsx1632 %r1, %r2", "bc 21 10 00 00 00 00 00" },
	{ "movsx864 %r1, %r2", "bf 21 08 00 00 00 00 00" },
	{ "movsx1664 %r1, %r2", "bf 21 10 00 00 00 00 00" },
	{ "movsx3264 %r1, %r2", "bf 21 20 00 00 00 00 00" },
	{ "le16 %r1", "d4 01 00 00 10 00 00 00" },
	{ "le32 %r1", "d4 01 00 00 20 00 00 00" },
	{ "le64 %r1", "d4 01 00 00 40 00 00 00" },
	{ "be16 %r1", "dc 01 00 00 10 00 00 00" },
	{ "be32 %r1", "dc 01 00 00 20 00 00 00" },
	{ "be64 %r1", "dc 01 00 00 40 00 00 00" },
	{ "bswap16 %r1", "d7 01 00 00 10 00 00 00" },
	{ "bswap32 %r1", "d7 01 00 00 20 00 00 00" },
	{ "bswap64 %r1", "d7 01 00 00 40 00 00 00" },
	{ "swap16 %r1", "d7 01 00 00 10 00 00 00" },
	{ "swap64 %r1", "d7 01 00 00 40 00 00 00" },
	{ "ja +1", "05 00 01 00 00 00 00 00" },
	{ "ja -1", "05 00 ff ff 00 00 00 00" },
	{ "ja32 +5", "06 00 00 00 05 00 00 00" },
	{ "ja32 -3", "06 00 00 00 fd ff ff ff" },
	{ "jeq %r1, 5, +1", "15 01 01 00 05 00 00 00" },
	{ "jeq %r1, %r2, -1", "1d 21 ff ff 00 00 00 00" },
	{ "jeq32 %r1, 0x11, +1", "16 01 01 00 11 00 00 00" },
	{ "jgt %r1, %r2, +2", "2d 21 02 00 00 00 00 00" },
	{ "jgt32 %r1, 5, +2", "26 01 02 00 05 00 00 00" },
	{ "jge %r1, 5, +2", "35 01 02 00 05 00 00 00" },
	{ "jge32 %r1, %r2, +2", "3e 21 02 00 00 00 00 00" },
	{ "jset %r1, 1, +1", "45 01 01 00 01 00 00 00" },
	{ "jset32 %r1, %r2, +1", "4e 21 01 00 00 00 00 00" },
	{ "jne %r1, -1, +1", "55 01 01 00 ff ff ff ff" },
	{ "jne32 %r1, %r2, +1", "5e 21 01 00 00 00 00 00" },
	{ "jsgt %r1, -5, +1", "65 01 01 00 fb ff ff ff" },
	{ "jsgt32 %r1, %r2, +1", "6e 21 01 00 00 00 00 00" },
	{ "jsge %r1, %r2, +1", "7d 21 01 00 00 00 00 00" },
	{ "jsge32 %r1, 0, +1", "76 01 01 00 00 00 00 00" },
	{ "jlt %r1, 5, +1", "a5 01 01 00 05 00 00 00" },
	{ "jlt32 %r1, %r2, +1", "ae 21 01 00 00 00 00 00" },
	{ "jle %r1, %r2, +1", "bd 21 01 00 00 00 00 00" },
	{ "jle32 %r1, 5, +1", "b6 01 01 00 05 00 00 00" },
	{ "jslt %r1, 5, +1", "c5 01 01 00 05 00 00 00" },
	{ "jslt32 %r1, %r2, +1", "ce 21 01 00 00 00 00 00" },
	{ "jsle %r1, %r2, +1", "dd 21 01 00 00 00 00 00" },
	{ "jsle32 %r1, -1, +1", "d6 01 01 00 ff ff ff ff" },
	{ "call 5", "85 00 00 00 05 00 00 00" },
	{ "call helper 1", "85 00 00 00 01 00 00 00" },
	{ "call %r1", "8d 01 00 00 00 00 00 00" },
	{ "call local +2", "85 10 00 00 02 00 00 00" },
	{ "call local -4", "85 10 00 00 fc ff ff ff" },
	{ "call runtime 12", "85 20 00 00 0c 00 00 00" },
	{ "exit", "95 00 00 00 00 00 00 00" },
	{ "lddw %r1, 0x1122334455667788", "18 01 00 00 88 77 66 55 00 00 00 00 44 33 22 11" },
	{ "lddw %r0, -1", "18 00 00 00 ff ff ff ff 00 00 00 00 ff ff ff ff" },
	{ "lddw %r2, 18446744073709551615", "18 02 00 00 ff ff ff ff 00 00 00 00 ff ff ff ff" },
	{ "lddw %r3, 42", "18 03 00 00 2a 00 00 00 00 00 00 00 00 00 00 00" },
	{ "ldxw %r0, [%r1+4]", "61 10 04 00 00 00 00 00" },
	{ "ldxh %r0, [%r1-2]", "69 10 fe ff 00 00 00 00" },
	{ "ldxb %r0, [%r1]", "71 10 00 00 00 00 00 00" },
	{ "ldxdw %r0, [%r10-8]", "79 a0 f8 ff 00 00 00 00" },
	{ "ldxsw %r0, [%r1+4]", "81 10 04 00 00 00 00 00" },
	{ "ldxsh %r0, [%r1+0x10]", "89 10 10 00 00 00 00 00" },
	{ "ldxsb %r0, [%r1-1]", "91 10 ff ff 00 00 00 00" },
	{ "stw [%r1+4], 5", "62 01 04 00 05 00 00 00" },
	{ "sth [%r1], -1", "6a 01 00 00 ff ff ff ff" },
	{ "stb [%r1-1], 0xff", "72 01 ff ff ff 00 00 00" },
	{ "stdw [%r10-8], 0x7fffffff", "7a 0a f8 ff ff ff ff 7f" },
	{ "stxw [%r1+4], %r2", "63 21 04 00 00 00 00 00" },
	{ "stxh [%r1], %r2", "6b 21 00 00 00 00 00 00" },
	{ "stxb [%r1-1], %r2", "73 21 ff ff 00 00 00 00" },
	{ "stxdw [%r10-8], %r1", "7b 1a f8 ff 00 00 00 00" },
	{ "lock add [%r10-8], %r1", "db 1a f8 ff 00 00 00 00" },
	{ "lock add32 [%r10-8], %r1", "c3 1a f8 ff 00 00 00 00" },
	{ "lock or [%r1+4], %r2", "db 21 04 00 40 00 00 00" },
	{ "lock and32 [%r1], %r2", "c3 21 00 00 50 00 00 00" },
	{ "lock xor [%r1], %r2", "db 21 00 00 a0 00 00 00" },
	{ "lock fetch add [%r10-8], %r1", "db 1a f8 ff 01 00 00 00" },
	{ "lock fetch add32 [%r10-8], %r1", "c3 1a f8 ff 01 00 00 00" },
	{ "lock fetch or [%r1], %r2", "db 21 00 00 41 00 00 00" },
	{ "lock fetch and32 [%r1], %r2", "c3 21 00 00 51 00 00 00" },
	{ "lock fetch xor [%r1], %r2", "db 21 00 00 a1 00 00 00" },
	{ "lock xchg [%r1], %r2", "db 21 00 00 e1 00 00 00" },
	{ "lock xchg32 [%r1], %r2", "c3 21 00 00 e1 00 00 00" },
	{ "lock fetch xchg [%r1], %r2", "db 21 00 00 e1 00 00 00" },
	{ "lock cmpxchg [%r1+8], %r2", "db 21 08 00 f1 00 00 00" },
	{ "lock cmpxchg32 [%r1], %r2", "c3 21 00 00 f1 00 00 00" },
	{ "mov %r0, 4junk", "b7 00 00 00 04 00 00 00" },
	{ "mov %r0, 0X10", "b7 00 00 00 00 00 00 00" },
	{ "mov32 %r0, 0xg", "b4 00 00 00 00 00 00 00" },
	{ "mov %r0,   7", "b7 00 00 00 07 00 00 00" },
	{ "mov %r0,\t-0", "b7 00 00 00 00 00 00 00" },
	{ "ldxw %r0, [%r1+0xffff]", "61 10 ff ff 00 00 00 00" },
	{ "jeq %r1, 0x7fffffff, +0x7fff", "15 01 ff 7f ff ff ff 7f" },
	{ "mov %r15, %r11", "bf bf 00 00 00 00 00 00" },
	/* extensions */
	{ "ld_map_fd %r1, 3", "18 51 00 00 03 00 00 00 00 00 00 00 00 00 00 00" },
	{ "ld_map_value %r2, 1, 16", "18 62 00 00 01 00 00 00 00 00 00 00 10 00 00 00" },
	{ "ld_map_value %r2, 0x7fffffff, -8", "18 62 00 00 ff ff ff 7f 00 00 00 00 f8 ff ff ff" },
	{ "ld_func %r3, +5", "18 43 00 00 05 00 00 00 00 00 00 00 00 00 00 00" },
	{ "ld_pseudo %r1, 1, 7, 0", "18 11 00 00 07 00 00 00 00 00 00 00 00 00 00 00" },
	{ "ld_pseudo %r9, 15, -1, 0x80000000", "18 f9 00 00 ff ff ff ff 00 00 00 00 00 00 00 80" },
	{ "ldabsb -1", "30 00 00 00 ff ff ff ff" },
	{ "ldabsh 12", "28 00 00 00 0c 00 00 00" },
	{ "ldabsw 0x80000000", "20 00 00 00 00 00 00 80" },
	{ "ldindb %r9, 0", "50 90 00 00 00 00 00 00" },
	{ "ldindh %r1, -14", "48 10 00 00 f2 ff ff ff" },
	{ "ldindw %r0, 4", "40 00 00 00 04 00 00 00" },
	{ "ja32 +100000", "06 00 00 00 a0 86 01 00" },
	{ "call local -70000", "85 10 00 00 90 ee fe ff" },
};

/* Whole programs whose error names the line; messages as conformance.py's. */
static const struct row errors[] = {
	{ "mov %r0, 1\nfoo %r1\nexit\n", "line 2: Invalid mnemonic: foo" },
	{ "mov %r0, %r16\n", "line 1: Invalid register: %r16" },
	{ "mov %r0, %rx\n", "line 1: Invalid register: %rx" },
	{ "# comment\n\nmov32 %r0, 2147483648 # too big\n", "line 3: Immediate out of 32-bit range: 2147483648" },
	{ "mov32 %r0, -2147483649\n", "line 1: Immediate out of 32-bit range: -2147483649" },
	{ "mov32 %r0, 0x100000000\n", "line 1: Immediate out of 32-bit range: 0x100000000" },
	{ "mov32 %r0, -0x1\n", "line 1: Immediate out of 32-bit range: -0x1" },
	{ "mov %r0, x\n", "line 1: invalid number: 'x'" },
	{ "mov %r0, 99999999999999999999\n", "line 1: number out of range: '99999999999999999999'" },
	{ "mov %r0\n", "line 1: Invalid number of operands for mnemonic: mov" },
	{ "exit %r0\n", "line 1: Invalid number of operands for mnemonic: exit" },
	{ "neg %r0, 1\n", "line 1: Invalid number of operands for mnemonic: neg" },
	{ "ldxw %r0, %r1\n", "line 1: Failed to decode register and offset: %r1" },
	{ "ldxw %r0, [%r1+32768]\n", "line 1: Offset out of 16-bit range: +32768]" },
	{ "ldxw %r0, [%r1-32769]\n", "line 1: Offset out of 16-bit range: -32769]" },
	{ "ldxb %r0, [%r1-0x1]\n", "line 1: Offset out of 16-bit range: -0x1]" },
	{ "ldxw %r0, [%r11x+1]\n", "line 1: Invalid register: %r11x" },
	{ "ja +32768\n", "line 1: Offset out of 16-bit range: +32768" },
	{ "mov %r0, 0\nja nowhere\nexit\n", "line 2: Invalid label: nowhere" },
	{ "a:\nmov %r0, 0\na:\nexit\n", "line 3: Duplicate label: a" },
	{ "lock or [%r10-8]\n", "line 1: Invalid number of operands for lock" },
	{ "lock\n", "line 1: Invalid number of operands for lock" },
	{ "lock fetch\n", "line 1: Invalid number of operands for lock" },
	{ "lock nand [%r1], %r2\n", "line 1: Invalid mnemonic: lock nand" },
	{ "call foo 1\n", "line 1: Invalid call mode: foo" },
	{ "call local nowhere\n", "line 1: Invalid label: nowhere" },
	{ "call\n", "line 1: Invalid number of operands for mnemonic: call" },
	{ "lddw %r0\n", "line 1: Invalid number of operands for mnemonic: lddw" },
	{ "lddw %r0, 0x10000000000000000\n", "line 1: number out of range: '0x10000000000000000'" },
	{ "jeq %r1, 1\n", "line 1: Invalid number of operands for mnemonic: jeq" },
	{ "jeq %r1, %r2, %r3\n", "line 1: Invalid label: %r3" },
	{ "stw [%r1], %r2\n", "line 1: invalid number: '%r2'" },
	{ "stxw [%r1], 5\n", "line 1: Invalid register: 5" },
	{ "be8 %r1\n", "line 1: Invalid mnemonic: be8" },
	{ "ldabsw %r1\n", "line 1: invalid number: '%r1'" },
	{ "ldindb 4, %r1\n", "line 1: Invalid register: 4" },
	{ "ldabsdw 0\n", "line 1: Invalid mnemonic: ldabsdw" },
	{ "movsx3232 %r1, %r2\n", "line 1: Invalid mnemonic: movsx3232" },
	{ "add64 %r1, 1\n", "line 1: Invalid mnemonic: add64" },
	{ "neg64 %r1\n", "line 1: Invalid mnemonic: neg64" },
	{ "ld_pseudo %r1, 16, 0, 0\n", "line 1: lddw source 16 is not a 4-bit src_reg" },
	{ "ld_pseudo %r1, 1, 0\n", "line 1: Invalid number of operands for mnemonic: ld_pseudo" },
	{ "ld_map_fd %r1\n", "line 1: Invalid number of operands for mnemonic: ld_map_fd" },
	{ "ld_func %r1, nowhere\nexit\n", "line 1: Invalid label: nowhere" },
	{ "mov %r0, 1, 2, 3, 4, 5, 6, 7, 8, 9\n", "line 1: Invalid number of operands for mnemonic: mov" },
	{ "lock add [%r1], %r2, 3, 4, 5, 6, 7, 8, 9\n", "line 1: Invalid number of operands for lock" },
	{ "ja32 +2147483648\n", "line 1: Immediate out of 32-bit range: +2147483648" },
};

/* The bad-assembly files of ../shared/conformance/negative. */
static const char *const bad_files[] = {
	"invalid_imm32_dec_range.data", "invalid_imm32_hex_range.data", "invalid_label.data",
	"invalid_lock.data", "invalid_lock2.data", "invalid_mnemonic.data",
	"invalid_offset.data", "invalid_offset_range.data", "invalid_operand_count.data",
	"invalid_register.data",
};

static size_t parse_hex(const char *hex, uint8_t *out, size_t max)
{
	size_t n = 0;
	unsigned v;
	int used;

	while (n < max && sscanf(hex, " %2x%n", &v, &used) == 1) {
		out[n++] = (uint8_t)v;
		hex += used;
	}
	return n;
}

static void check_constructs(void)
{
	for (size_t i = 0; i < sizeof(constructs) / sizeof(constructs[0]); i++) {
		uint8_t want[16];
		size_t n = parse_hex(constructs[i].hex, want, sizeof(want));
		struct bpfvm_insn *insns;
		uint32_t cnt;
		int err = bpfvm_asm(constructs[i].text, &insns, &cnt);

		if (err) {
			fprintf(stderr, "'%s': %s\n", constructs[i].text, bpfvm_last_error());
			CHECK(!"assembles");
			continue;
		}
		if (cnt * 8 != n || memcmp(insns, want, n)) {
			fprintf(stderr, "'%s': wrong bytes\n", constructs[i].text);
			CHECK(!"bytes as conformance.py");
		}
		free(insns);
	}
}

static void check_errors(void)
{
	for (size_t i = 0; i < sizeof(errors) / sizeof(errors[0]); i++) {
		struct bpfvm_insn *insns = (struct bpfvm_insn *)1;
		uint32_t cnt = 7;

		CHECK(bpfvm_asm(errors[i].text, &insns, &cnt) == -EINVAL);
		CHECK_STR(bpfvm_last_error(), errors[i].hex);
		CHECK(insns == NULL && cnt == 0);
	}
}

static struct bpfvm_insn *assemble(const char *text, uint32_t *cnt)
{
	struct bpfvm_insn *insns = NULL;

	if (bpfvm_asm(text, &insns, cnt)) {
		fprintf(stderr, "%s: %s\n", text, bpfvm_last_error());
		CHECK(!"assembles");
	}
	return insns;
}

static void check_labels(void)
{
	uint32_t cnt;
	struct bpfvm_insn *p;

	/* Forward and backward labels, "exit" as the first exit, CRLF, comments. */
	p = assemble("  mov %r0, 0   # zero\r\n"
		     "loop:\n"
		     "\tadd %r0, 1\n"
		     "\tjlt %r0, 10, loop\n"
		     "\tjeq %r0, 10, exit\n"
		     "\tja32 done\n"
		     "exit\n"
		     "done: # the end\n"
		     "call local sub\n"
		     "ld_func %r2, sub\n"
		     "exit\n"
		     "sub:\n"
		     "ja loop\n",
		     &cnt);
	CHECK(p && cnt == 11);
	if (p && cnt == 11) {
		CHECK(p[2].code == 0xa5 && p[2].off == -2);      /* jlt -> loop (1) */
		CHECK(p[3].code == 0x15 && p[3].off == 1);       /* jeq -> exit (5) */
		CHECK(p[4].code == 0x06 && p[4].imm == 1 && p[4].off == 0); /* gotol -> done (6) */
		CHECK(p[6].code == 0x85 && p[6].src_reg == 1 && p[6].imm == 3); /* -> sub (10) */
		CHECK(p[7].code == 0x18 && p[7].src_reg == 4 && p[7].imm == 2 && p[8].imm == 0);
		CHECK(p[10].code == 0x05 && p[10].off == -10);    /* ja -> loop */
	}
	free(p);

	/* A label to a jump more than 16 bits away is refused, not truncated. */
	size_t n = 40000 * 6 + 64;
	char *text = malloc(n);
	size_t len = 0;

	if (!text)
		abort();
	len += (size_t)snprintf(text, n, "ja far\n");
	for (int i = 0; i < 40000; i++)
		len += (size_t)snprintf(text + len, n - len, "exit\n");
	snprintf(text + len, n - len, "far:\nexit\n");
	CHECK(bpfvm_asm(text, &p, &cnt) == -EINVAL);
	CHECK_STR(bpfvm_last_error(),
		  "line 1: label far is 40000 instructions away, beyond a 16-bit jump offset");
	free(text);

	/* No instructions at all is not an assembler error. */
	CHECK(bpfvm_asm("# nothing\n\n", &p, &cnt) == 0);
	CHECK(cnt == 0 && p == NULL);
	CHECK(bpfvm_asm("", &p, &cnt) == 0);
	CHECK(cnt == 0);
}

static void check_negative_files(void)
{
	const char *shared = test_shared_dir();
	char path[4096];

	if (!shared) {
		printf("note: ../shared is absent, negative/*.data not checked\n");
		return;
	}
	for (size_t i = 0; i < sizeof(bad_files) / sizeof(bad_files[0]); i++) {
		struct data_test t;
		struct bpfvm_insn *insns;
		uint32_t cnt;

		snprintf(path, sizeof(path), "%s/conformance/negative/%s", shared, bad_files[i]);
		CHECK(data_test_load(path, &t) == 0);
		CHECK(t.asm_text != NULL);
		if (!t.asm_text)
			continue;
		CHECK(bpfvm_asm(t.asm_text, &insns, &cnt) == -EINVAL);
		CHECK(!strncmp(bpfvm_last_error(), "line 1: ", 8));
		if (t.error[0] && !strstr(bpfvm_last_error(), t.error)) {
			fprintf(stderr, "%s: '%s' does not contain '%s'\n", bad_files[i],
				bpfvm_last_error(), t.error);
			CHECK(!"the file's expected error");
		}
		data_test_free(&t);
	}
}

int main(void)
{
	check_constructs();
	check_errors();
	check_labels();
	check_negative_files();
	return test_exit();
}
