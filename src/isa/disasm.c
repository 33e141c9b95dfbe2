/* The disassembler: LLVM's BPF syntax, character for character as
 * `llvm-objdump -d` (LLVM 14) prints it, so that our listings, the compiler's
 * and the kernel verifier's logs (which use the same syntax) read alike and a
 * test can compare them byte for byte.
 *
 * Where LLVM 14 prints something, we print the same, including its quirks:
 * fields an instruction does not use are ignored (`04 31 ...` is `w1 += 5`),
 * except exit, which is <unknown> with a non-zero imm; r11 is printed, r12-r15
 * are <unknown>; lddw with a pseudo source is `ld_pseudo\tr1, SRC, IMM`; the
 * legacy packet loads are `r0 = *(u32 *)skb[K]`; jump targets carry no
 * `<sym+off>` annotation (that comes from the object's symbols, not the bytes).
 * We print the default `llvm-objdump -d` dialect (no +alu32): 32-bit loads,
 * stores and the 32-bit atomic add name r registers.
 *
 * Where LLVM 14 cannot print an instruction of RFC 9669, or prints it wrongly,
 * we print what newer LLVM (18 and later) prints:
 *   - mod: `r1 %= r2` (LLVM 14 has no BPF mod at all: <unknown>)
 *   - sdiv/smod (off 1): `r1 s/= r2`, `w1 s%= 5` (LLVM 14 ignores off: `/=`);
 *     div/mod with another off is <unknown>
 *   - movsx (off 8/16/32): `r1 = (s8)r2`, `w1 = (s16)w2` (LLVM 14: `r1 = r2`);
 *     mov with another off (or w with 32) is <unknown>
 *   - bswap (ALU64 END): `r1 = bswap16 r1`
 *   - jset: `if r1 & r2 goto +3`, `if w1 & 5 goto +3`
 *   - gotol (JMP32 JA): `gotol +5`
 *   - callx: `callx r1` with the register in dst_reg as the RFC says (LLVM 14
 *     reads it from imm: `8d 01 ...` would be `callx r0` there)
 *   - store immediate (BPF_ST): `*(u32 *)(r1 - 8) = 7`
 *   - sign-extending loads: `r1 = *(s16 *)(r2 + 4)`
 *   - 32-bit atomics other than add, which LLVM 14 prints only with
 *     --mattr=+alu32, in that dialect: `w2 = atomic_fetch_or((u32 *)(r1 - 8), w2)`,
 *     `lock *(u32 *)(r1 - 8) |= w2`, `w2 = xchg32_32(r1 - 8, w2)`,
 *     `w0 = cmpxchg32_32(r1 - 8, w0, w2)`. LLVM 14 without +alu32 prints the
 *     32-bit fetch-add (imm 1) as a plain `lock ... += r2`, losing the fetch;
 *     we print the fetch form. */
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>

#include "bpfvm/isa.h"
#include "isa/opcodes.h"
#include "util/error.h"

#define LLVM_MAX_REG 11 /* LLVM's BPF target has an r11 it prints */

static const char *const alu_ops[16] = {
	[BPF_ADD >> 4] = "+=", [BPF_SUB >> 4] = "-=", [BPF_MUL >> 4] = "*=",
	[BPF_DIV >> 4] = "/=", [BPF_OR >> 4] = "|=",  [BPF_AND >> 4] = "&=",
	[BPF_LSH >> 4] = "<<=", [BPF_RSH >> 4] = ">>=", [BPF_MOD >> 4] = "%=",
	[BPF_XOR >> 4] = "^=", [BPF_ARSH >> 4] = "s>>=",
};

static const char *const jmp_ops[16] = {
	[BPF_JEQ >> 4] = "==", [BPF_JGT >> 4] = ">",   [BPF_JGE >> 4] = ">=",
	[BPF_JSET >> 4] = "&", [BPF_JNE >> 4] = "!=",  [BPF_JSGT >> 4] = "s>",
	[BPF_JSGE >> 4] = "s>=", [BPF_JLT >> 4] = "<", [BPF_JLE >> 4] = "<=",
	[BPF_JSLT >> 4] = "s<", [BPF_JSLE >> 4] = "s<=",
};

static const char *size_name(int size)
{
	switch (size) {
	case BPF_W: return "32";
	case BPF_H: return "16";
	case BPF_B: return "8";
	default: return "64";
	}
}

/* "r2 + 4" / "r2 - 8", as LLVM prints memory operands. */
static void mem_operand(char *out, size_t len, unsigned reg, int16_t off)
{
	if (off < 0)
		snprintf(out, len, "r%u - %d", reg, -(int)off);
	else
		snprintf(out, len, "r%u + %d", reg, off);
}

static int unknown(char *buf, size_t len)
{
	snprintf(buf, len, "<unknown>");
	return 1;
}

static int disasm_alu(const struct bpfvm_insn *insn, char *buf, size_t len)
{
	char r = BPF_CLASS(insn->code) == BPF_ALU64 ? 'r' : 'w';
	bool is64 = r == 'r';
	bool reg = BPF_SRC(insn->code) == BPF_X;
	unsigned dst = insn->dst_reg, src = insn->src_reg;
	int op = BPF_OP(insn->code);

	if (reg && src > LLVM_MAX_REG)
		return unknown(buf, len);
	switch (op) {
	case BPF_NEG:
		if (reg)
			return unknown(buf, len);
		snprintf(buf, len, "%c%u = -%c%u", r, dst, r, dst);
		return 1;
	case BPF_END:
		if (insn->imm != 16 && insn->imm != 32 && insn->imm != 64)
			return unknown(buf, len);
		if (is64 && reg)
			return unknown(buf, len);
		snprintf(buf, len, "r%u = %s%d r%u", dst,
			 is64 ? "bswap" : reg ? "be" : "le", insn->imm, dst);
		return 1;
	case BPF_MOV:
		if (!reg) {
			snprintf(buf, len, "%c%u = %d", r, dst, insn->imm);
		} else if (insn->off == 0) {
			snprintf(buf, len, "%c%u = %c%u", r, dst, r, src);
		} else if (insn->off == 8 || insn->off == 16 || (is64 && insn->off == 32)) {
			snprintf(buf, len, "%c%u = (s%d)%c%u", r, dst, insn->off, r, src);
		} else {
			return unknown(buf, len);
		}
		return 1;
	case BPF_DIV: case BPF_MOD:
		if (insn->off != 0 && insn->off != 1)
			return unknown(buf, len);
		break;
	default:
		if (!alu_ops[op >> 4])
			return unknown(buf, len);
		break;
	}
	const char *sign = (op == BPF_DIV || op == BPF_MOD) && insn->off == 1 ? "s" : "";

	if (reg) {
		snprintf(buf, len, "%c%u %s%s %c%u", r, dst, sign, alu_ops[op >> 4], r, src);
	} else {
		snprintf(buf, len, "%c%u %s%s %d", r, dst, sign, alu_ops[op >> 4], insn->imm);
	}
	return 1;
}

static int disasm_jmp(const struct bpfvm_insn *insn, char *buf, size_t len)
{
	bool is32 = BPF_CLASS(insn->code) == BPF_JMP32;
	bool reg = BPF_SRC(insn->code) == BPF_X;
	char r = is32 ? 'w' : 'r';
	int op = BPF_OP(insn->code);

	switch (op) {
	case BPF_JA:
		if (reg)
			return unknown(buf, len);
		if (is32)
			snprintf(buf, len, "gotol %s%d", insn->imm >= 0 ? "+" : "", insn->imm);
		else
			snprintf(buf, len, "goto %s%d", insn->off >= 0 ? "+" : "", insn->off);
		return 1;
	case BPF_CALL:
		if (is32)
			return unknown(buf, len);
		if (reg) {
			if (insn->dst_reg > LLVM_MAX_REG)
				return unknown(buf, len);
			snprintf(buf, len, "callx r%u", insn->dst_reg);
		} else {
			snprintf(buf, len, "call %d", insn->imm);
		}
		return 1;
	case BPF_EXIT:
		if (is32 || reg || insn->imm)
			return unknown(buf, len);
		snprintf(buf, len, "exit");
		return 1;
	}
	if (!jmp_ops[op >> 4] || insn->dst_reg > LLVM_MAX_REG)
		return unknown(buf, len);
	const char *sign = insn->off >= 0 ? "+" : "";

	if (reg) {
		if (insn->src_reg > LLVM_MAX_REG)
			return unknown(buf, len);
		snprintf(buf, len, "if %c%u %s %c%u goto %s%d", r, insn->dst_reg, jmp_ops[op >> 4],
			 r, insn->src_reg, sign, insn->off);
	} else {
		snprintf(buf, len, "if %c%u %s %d goto %s%d", r, insn->dst_reg, jmp_ops[op >> 4],
			 insn->imm, sign, insn->off);
	}
	return 1;
}

static int disasm_atomic(const struct bpfvm_insn *insn, char *buf, size_t len)
{
	bool is64 = BPF_SIZE(insn->code) == BPF_DW;
	unsigned src = insn->src_reg;
	char r = is64 ? 'r' : 'w';
	const char *w = size_name(BPF_SIZE(insn->code));
	const char *name;
	char mem[32];

	mem_operand(mem, sizeof(mem), insn->dst_reg, insn->off);
	switch (insn->imm & ~BPF_FETCH) {
	case BPF_ADD: name = "add"; break;
	case BPF_OR: name = "or"; break;
	case BPF_AND: name = "and"; break;
	case BPF_XOR: name = "xor"; break;
	default: name = NULL; break;
	}
	if (name && !(insn->imm & BPF_FETCH)) {
		/* LLVM 14's default dialect names the 32-bit add's source rN. */
		if (insn->imm == BPF_ADD)
			r = 'r';
		snprintf(buf, len, "lock *(u%s *)(%s) %s %c%u", w, mem, alu_ops[insn->imm >> 4], r,
			 src);
	} else if (name) {
		snprintf(buf, len, "%c%u = atomic_fetch_%s((u%s *)(%s), %c%u)", r, src, name, w, mem,
			 r, src);
	} else if (insn->imm == BPF_XCHG) {
		snprintf(buf, len, "%c%u = xchg%s_%s(%s, %c%u)", r, src, is64 ? "" : "32", w, mem, r,
			 src);
	} else if (insn->imm == BPF_CMPXCHG) {
		snprintf(buf, len, "%c0 = cmpxchg%s_%s(%s, %c0, %c%u)", r, is64 ? "" : "32", w, mem,
			 r, r, src);
	} else {
		return unknown(buf, len);
	}
	return 1;
}

static int disasm_mem(const struct bpfvm_insn *insn, char *buf, size_t len)
{
	int size = BPF_SIZE(insn->code), mode = BPF_MODE(insn->code);
	const char *w = size_name(size);
	char mem[32];

	if (insn->dst_reg > LLVM_MAX_REG || insn->src_reg > LLVM_MAX_REG)
		return unknown(buf, len);
	switch (BPF_CLASS(insn->code)) {
	case BPF_LDX:
		if (mode != BPF_MEM && !(mode == BPF_MEMSX && size != BPF_DW))
			return unknown(buf, len);
		mem_operand(mem, sizeof(mem), insn->src_reg, insn->off);
		snprintf(buf, len, "r%u = *(%c%s *)(%s)", insn->dst_reg,
			 mode == BPF_MEMSX ? 's' : 'u', w, mem);
		return 1;
	case BPF_ST:
		if (mode != BPF_MEM)
			return unknown(buf, len);
		mem_operand(mem, sizeof(mem), insn->dst_reg, insn->off);
		snprintf(buf, len, "*(u%s *)(%s) = %d", w, mem, insn->imm);
		return 1;
	case BPF_STX:
		if (mode == BPF_ATOMIC && (size == BPF_W || size == BPF_DW))
			return disasm_atomic(insn, buf, len);
		if (mode != BPF_MEM)
			return unknown(buf, len);
		mem_operand(mem, sizeof(mem), insn->dst_reg, insn->off);
		snprintf(buf, len, "*(u%s *)(%s) = r%u", w, mem, insn->src_reg);
		return 1;
	}
	return unknown(buf, len);
}

static int disasm_ld(const struct bpfvm_insn *insns, uint32_t cnt, uint32_t idx, char *buf,
		     size_t len)
{
	const struct bpfvm_insn *insn = &insns[idx];
	int size = BPF_SIZE(insn->code), mode = BPF_MODE(insn->code);

	if (insn->code == (BPF_LD | BPF_IMM | BPF_DW)) {
		/* LLVM decodes lddw only as a whole 16-byte unit with off 0. */
		if (idx + 1 >= cnt || insn->off || insn->dst_reg > LLVM_MAX_REG)
			return unknown(buf, len);
		uint64_t value = (uint32_t)insn->imm | (uint64_t)(uint32_t)insns[idx + 1].imm << 32;

		if (insn->src_reg)
			snprintf(buf, len, "ld_pseudo\tr%u, %u, %d", insn->dst_reg, insn->src_reg,
				 insn->imm);
		else
			snprintf(buf, len, "r%u = %" PRId64 " ll", insn->dst_reg, (int64_t)value);
		return 2;
	}
	if ((mode != BPF_ABS && mode != BPF_IND) || size == BPF_DW)
		return unknown(buf, len);
	if (mode == BPF_ABS) {
		snprintf(buf, len, "r0 = *(u%s *)skb[%d]", size_name(size), insn->imm);
	} else {
		if (insn->src_reg > LLVM_MAX_REG)
			return unknown(buf, len);
		snprintf(buf, len, "r0 = *(u%s *)skb[r%u]", size_name(size), insn->src_reg);
	}
	return 1;
}

int bpfvm_disasm_insn(const struct bpfvm_insn *insns, uint32_t cnt, uint32_t idx, char *buf,
		      size_t len)
{
	const struct bpfvm_insn *insn;

	if (!buf || len == 0)
		return bpfvm_errorf(-EINVAL, "no output buffer");
	buf[0] = '\0';
	if (!insns || idx >= cnt)
		return bpfvm_errorf(-EINVAL, "instruction %u out of range (program has %u)", idx,
				    cnt);
	insn = &insns[idx];
	switch (BPF_CLASS(insn->code)) {
	case BPF_ALU: case BPF_ALU64:
		if (insn->dst_reg > LLVM_MAX_REG)
			return unknown(buf, len);
		return disasm_alu(insn, buf, len);
	case BPF_JMP: case BPF_JMP32:
		return disasm_jmp(insn, buf, len);
	case BPF_LD:
		return disasm_ld(insns, cnt, idx, buf, len);
	default:
		return disasm_mem(insn, buf, len);
	}
}
