/* The assembler's inverse: one instruction back in the conformance suite's
 * dialect, so that bytes can be edited as text and reassembled unchanged
 * (asm -> bytes -> text -> asm gives the same bytes).
 *
 * Not every encoding has a spelling: non-zero reserved fields, unknown
 * opcodes, legacy packet loads; every program bpfvm_isa_check() accepts has
 * one (lddw with any source through asm.c's ld_* extensions). Each result is checked by assembling it again, so
 * that such instructions are refused rather than printed wrongly. */
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bpfvm/isa.h"
#include "isa/opcodes.h"
#include "util/error.h"

static const char *const alu_names[16] = {
	[BPF_ADD >> 4] = "add", [BPF_SUB >> 4] = "sub", [BPF_MUL >> 4] = "mul",
	[BPF_DIV >> 4] = "div", [BPF_OR >> 4] = "or",	[BPF_AND >> 4] = "and",
	[BPF_LSH >> 4] = "lsh", [BPF_RSH >> 4] = "rsh", [BPF_NEG >> 4] = "neg",
	[BPF_MOD >> 4] = "mod", [BPF_XOR >> 4] = "xor", [BPF_MOV >> 4] = "mov",
	[BPF_ARSH >> 4] = "arsh",
};

static const char *const jmp_names[16] = {
	[BPF_JEQ >> 4] = "jeq",	  [BPF_JGT >> 4] = "jgt",   [BPF_JGE >> 4] = "jge",
	[BPF_JSET >> 4] = "jset", [BPF_JNE >> 4] = "jne",   [BPF_JSGT >> 4] = "jsgt",
	[BPF_JSGE >> 4] = "jsge", [BPF_JLT >> 4] = "jlt",   [BPF_JLE >> 4] = "jle",
	[BPF_JSLT >> 4] = "jslt", [BPF_JSLE >> 4] = "jsle",
};

static const char *size_suffix(int size)
{
	switch (size) {
	case BPF_W: return "w";
	case BPF_H: return "h";
	case BPF_B: return "b";
	default: return "dw";
	}
}

static void mem(char *out, size_t len, unsigned reg, int16_t off)
{
	if (off)
		snprintf(out, len, "[%%r%u%+d]", reg, off);
	else
		snprintf(out, len, "[%%r%u]", reg);
}

/* Writes the text, or returns false when the opcode has no spelling. */
static bool format(const struct bpfvm_insn *insn, const struct bpfvm_insn *next, char *buf,
		   size_t len)
{
	int cls = BPF_CLASS(insn->code), op = BPF_OP(insn->code), size = BPF_SIZE(insn->code);
	bool reg = BPF_SRC(insn->code) == BPF_X;
	unsigned dst = insn->dst_reg, src = insn->src_reg;
	const char *w32;
	char m[32];

	switch (cls) {
	case BPF_ALU: case BPF_ALU64:
		w32 = cls == BPF_ALU ? "32" : "";
		if (op == BPF_END) {
			snprintf(buf, len, "%s%d %%r%u",
				 cls == BPF_ALU64 ? "bswap" : reg ? "be" : "le", insn->imm, dst);
		} else if (!alu_names[op >> 4]) {
			return false;
		} else if (op == BPF_NEG) {
			snprintf(buf, len, "neg%s %%r%u", w32, dst);
		} else if (op == BPF_MOV && reg && insn->off) {
			snprintf(buf, len, "movsx%d%s %%r%u, %%r%u", insn->off,
				 cls == BPF_ALU ? "32" : "64", dst, src);
		} else {
			const char *sign = (op == BPF_DIV || op == BPF_MOD) && insn->off == 1 ? "s" : "";

			if (reg)
				snprintf(buf, len, "%s%s%s %%r%u, %%r%u", sign, alu_names[op >> 4], w32,
					 dst, src);
			else
				snprintf(buf, len, "%s%s%s %%r%u, %d", sign, alu_names[op >> 4], w32,
					 dst, insn->imm);
		}
		return true;
	case BPF_JMP: case BPF_JMP32:
		w32 = cls == BPF_JMP32 ? "32" : "";
		if (op == BPF_JA && cls == BPF_JMP32)
			snprintf(buf, len, "ja32 %+d", insn->imm);
		else if (op == BPF_JA)
			snprintf(buf, len, "ja %+d", insn->off);
		else if (op == BPF_EXIT)
			snprintf(buf, len, "exit");
		else if (op == BPF_CALL && reg)
			snprintf(buf, len, "call %%r%u", dst);
		else if (op == BPF_CALL && src == BPF_PSEUDO_CALL)
			snprintf(buf, len, "call local %+d", insn->imm);
		else if (op == BPF_CALL && src == BPF_PSEUDO_KFUNC_CALL)
			snprintf(buf, len, "call runtime %d", insn->imm);
		else if (op == BPF_CALL)
			snprintf(buf, len, "call %d", insn->imm);
		else if (!jmp_names[op >> 4])
			return false;
		else if (reg)
			snprintf(buf, len, "%s%s %%r%u, %%r%u, %+d", jmp_names[op >> 4], w32, dst, src,
				 insn->off);
		else
			snprintf(buf, len, "%s%s %%r%u, %d, %+d", jmp_names[op >> 4], w32, dst,
				 insn->imm, insn->off);
		return true;
	case BPF_LD:
		if (BPF_MODE(insn->code) == BPF_ABS) {
			snprintf(buf, len, "ldabs%s %d", size_suffix(size), insn->imm);
			return true;
		}
		if (BPF_MODE(insn->code) == BPF_IND) {
			snprintf(buf, len, "ldind%s %%r%u, %d", size_suffix(size), src, insn->imm);
			return true;
		}
		if (insn->code != (BPF_LD | BPF_IMM | BPF_DW) || !next)
			return false;
		if (src == 0)
			snprintf(buf, len, "lddw %%r%u, 0x%" PRIx64, dst,
				 (uint64_t)(uint32_t)insn->imm | (uint64_t)(uint32_t)next->imm << 32);
		else if (src == BPF_PSEUDO_FUNC && !next->imm)
			snprintf(buf, len, "ld_func %%r%u, %+d", dst, insn->imm);
		else if (src == BPF_PSEUDO_MAP_IDX && !next->imm)
			snprintf(buf, len, "ld_map_fd %%r%u, %d", dst, insn->imm);
		else if (src == BPF_PSEUDO_MAP_IDX_VALUE)
			snprintf(buf, len, "ld_map_value %%r%u, %d, %d", dst, insn->imm, next->imm);
		else
			snprintf(buf, len, "ld_pseudo %%r%u, %u, %d, %d", dst, src, insn->imm,
				 next->imm);
		return true;
	case BPF_LDX:
		mem(m, sizeof(m), src, insn->off);
		snprintf(buf, len, "ldx%s%s %%r%u, %s", BPF_MODE(insn->code) == BPF_MEMSX ? "s" : "",
			 size_suffix(size), dst, m);
		return true;
	case BPF_ST:
		mem(m, sizeof(m), dst, insn->off);
		snprintf(buf, len, "st%s %s, %d", size_suffix(size), m, insn->imm);
		return true;
	case BPF_STX:
		mem(m, sizeof(m), dst, insn->off);
		if (BPF_MODE(insn->code) != BPF_ATOMIC) {
			snprintf(buf, len, "stx%s %s, %%r%u", size_suffix(size), m, src);
			return true;
		}
		w32 = size == BPF_W ? "32" : "";
		if (insn->imm == BPF_XCHG)
			snprintf(buf, len, "lock xchg%s %s, %%r%u", w32, m, src);
		else if (insn->imm == BPF_CMPXCHG)
			snprintf(buf, len, "lock cmpxchg%s %s, %%r%u", w32, m, src);
		else if (insn->imm >= 0 && insn->imm < 256 && alu_names[insn->imm >> 4])
			snprintf(buf, len, "lock %s%s%s %s, %%r%u",
				 insn->imm & BPF_FETCH ? "fetch " : "", alu_names[insn->imm >> 4], w32,
				 m, src);
		else
			return false;
		return true;
	}
	return false;
}

int bpfvm_asm_format_insn(const struct bpfvm_insn *insns, uint32_t cnt, uint32_t idx, char *buf,
			  size_t len)
{
	const struct bpfvm_insn *next;
	char text[128];
	struct bpfvm_insn *back;
	uint32_t back_cnt;
	int slots;

	if (!buf || len == 0)
		return bpfvm_errorf(-EINVAL, "no output buffer");
	buf[0] = '\0';
	if (!insns || idx >= cnt)
		return bpfvm_errorf(-EINVAL, "instruction %u out of range (program has %u)", idx,
				    cnt);
	next = idx + 1 < cnt ? &insns[idx + 1] : NULL;
	slots = insns[idx].code == (BPF_LD | BPF_IMM | BPF_DW) ? 2 : 1;
	if (!format(&insns[idx], next, text, sizeof(text)))
		return bpfvm_errorf(-EINVAL, "insn %u: opcode 0x%02x has no assembler syntax", idx,
				    insns[idx].code);
	if (bpfvm_asm(text, &back, &back_cnt) == 0) {
		bool same = back_cnt == (uint32_t)slots &&
			    !memcmp(back, &insns[idx], (size_t)slots * sizeof(*back));

		free(back);
		if (same) {
			snprintf(buf, len, "%s", text);
			return slots;
		}
	}
	return bpfvm_errorf(-EINVAL, "insn %u: cannot be written in assembler syntax as it is "
			    "(reserved fields set or operands out of range): %s", idx, text);
}
