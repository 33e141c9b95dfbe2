/* The structural checker: the first gate every program passes, before the
 * verifier or any engine looks at it. It proves only that the bytes are a
 * well-formed RFC 9669 program, which is what lets the engines decode without
 * per-instruction checks: every opcode known, every reserved field zero, every
 * register and jump target valid, no write to the frame pointer, no way to run
 * off the end. */
#include <errno.h>
#include <stdbool.h>

#include "bpfvm/isa.h"
#include "isa/opcodes.h"
#include "util/error.h"

/* REJECT("fmt", insn_index, args...) */
#define REJECT(...) bpfvm_errorf(-EINVAL, "insn %u: " __VA_ARGS__)

static bool is_lddw(const struct bpfvm_insn *insn)
{
	return insn->code == (BPF_LD | BPF_IMM | BPF_DW);
}

static int check_reserved(uint32_t i, const struct bpfvm_insn *insn, bool src, bool off, bool imm)
{
	if (src && insn->src_reg)
		return REJECT("reserved field src_reg is %u, must be 0", i, insn->src_reg);
	if (off && insn->off)
		return REJECT("reserved field off is %d, must be 0", i, insn->off);
	if (imm && insn->imm)
		return REJECT("reserved field imm is %d, must be 0", i, insn->imm);
	return 0;
}

static int check_dst_writable(uint32_t i, const struct bpfvm_insn *insn)
{
	if (insn->dst_reg == BPF_REG_10)
		return REJECT("r10 is read-only (the frame pointer)", i);
	return 0;
}

static int check_alu(uint32_t i, const struct bpfvm_insn *insn)
{
	bool is64 = BPF_CLASS(insn->code) == BPF_ALU64;
	bool reg = BPF_SRC(insn->code) == BPF_X;
	int op = BPF_OP(insn->code);
	int err;

	switch (op) {
	case BPF_ADD: case BPF_SUB: case BPF_MUL: case BPF_OR: case BPF_AND:
	case BPF_LSH: case BPF_RSH: case BPF_XOR: case BPF_ARSH:
		err = check_reserved(i, insn, !reg, true, reg);
		break;
	case BPF_DIV: case BPF_MOD:
		if (insn->off != 0 && insn->off != 1)
			return REJECT("%s with off %d (0 = unsigned, 1 = signed)", i,
				      op == BPF_DIV ? "div" : "mod", insn->off);
		err = check_reserved(i, insn, !reg, false, reg);
		break;
	case BPF_NEG:
		if (reg)
			return REJECT("unknown opcode 0x%02x (neg takes no source)", i, insn->code);
		err = check_reserved(i, insn, true, true, true);
		break;
	case BPF_MOV:
		if (reg && insn->off != 0 && insn->off != 8 && insn->off != 16 &&
		    !(is64 && insn->off == 32))
			return REJECT("movsx with invalid source width %d", i, insn->off);
		err = check_reserved(i, insn, !reg, !reg, reg);
		break;
	case BPF_END:
		if (is64 && reg)
			return REJECT("unknown opcode 0x%02x", i, insn->code);
		if (insn->imm != 16 && insn->imm != 32 && insn->imm != 64)
			return REJECT("byte swap width %d (expected 16, 32 or 64)", i, insn->imm);
		err = check_reserved(i, insn, true, true, false);
		break;
	default:
		return REJECT("unknown opcode 0x%02x", i, insn->code);
	}
	return err ? err : check_dst_writable(i, insn);
}

static int check_target(uint32_t i, const struct bpfvm_insn *insns, uint32_t cnt, int64_t rel,
			const char *what)
{
	int64_t target = (int64_t)i + rel + 1;

	if (target < 0 || target >= (int64_t)cnt)
		return REJECT("%s target %lld out of range [0, %u)", i, what, (long long)target,
			      cnt);
	if (target > 0 && is_lddw(&insns[target - 1]))
		return REJECT("%s into the middle of lddw at insn %lld", i, what,
			      (long long)target - 1);
	return 0;
}

static int check_jmp(uint32_t i, const struct bpfvm_insn *insns, uint32_t cnt)
{
	const struct bpfvm_insn *insn = &insns[i];
	bool is32 = BPF_CLASS(insn->code) == BPF_JMP32;
	bool reg = BPF_SRC(insn->code) == BPF_X;
	int op = BPF_OP(insn->code);
	int err;

	switch (op) {
	case BPF_JA:
		if (reg)
			return REJECT("unknown opcode 0x%02x", i, insn->code);
		if (insn->dst_reg)
			return REJECT("reserved field dst_reg is %u, must be 0", i, insn->dst_reg);
		if (is32) { /* gotol: 32-bit offset in imm */
			if ((err = check_reserved(i, insn, true, true, false)))
				return err;
			return check_target(i, insns, cnt, insn->imm, "jump");
		}
		if ((err = check_reserved(i, insn, true, false, true)))
			return err;
		return check_target(i, insns, cnt, insn->off, "jump");
	case BPF_CALL:
		if (is32)
			return REJECT("unknown opcode 0x%02x", i, insn->code);
		if (reg) { /* callx: target helper id in dst_reg */
			if (insn->dst_reg > BPF_REG_10)
				return REJECT("invalid register r%u", i, insn->dst_reg);
			return check_reserved(i, insn, true, true, true);
		}
		if (insn->dst_reg)
			return REJECT("reserved field dst_reg is %u, must be 0", i, insn->dst_reg);
		if ((err = check_reserved(i, insn, false, true, false)))
			return err;
		if (insn->src_reg == BPF_PSEUDO_CALL)
			return check_target(i, insns, cnt, insn->imm, "call");
		if (insn->src_reg != 0 && insn->src_reg != BPF_PSEUDO_KFUNC_CALL)
			return REJECT("call with unknown src_reg %u", i, insn->src_reg);
		return 0;
	case BPF_EXIT:
		if (is32 || reg)
			return REJECT("unknown opcode 0x%02x", i, insn->code);
		if (insn->dst_reg)
			return REJECT("reserved field dst_reg is %u, must be 0", i, insn->dst_reg);
		return check_reserved(i, insn, true, true, true);
	case BPF_JEQ: case BPF_JGT: case BPF_JGE: case BPF_JSET: case BPF_JNE:
	case BPF_JSGT: case BPF_JSGE: case BPF_JLT: case BPF_JLE: case BPF_JSLT: case BPF_JSLE:
		if ((err = check_reserved(i, insn, !reg, false, reg)))
			return err;
		return check_target(i, insns, cnt, insn->off, "jump");
	default:
		return REJECT("unknown opcode 0x%02x", i, insn->code);
	}
}

static int check_mem(uint32_t i, const struct bpfvm_insn *insn)
{
	int size = BPF_SIZE(insn->code), mode = BPF_MODE(insn->code);
	int err;

	switch (BPF_CLASS(insn->code)) {
	case BPF_LDX:
		if (mode != BPF_MEM && !(mode == BPF_MEMSX && size != BPF_DW))
			return REJECT("unknown opcode 0x%02x", i, insn->code);
		if ((err = check_reserved(i, insn, false, false, true)))
			return err;
		return check_dst_writable(i, insn);
	case BPF_ST:
		if (mode != BPF_MEM)
			return REJECT("unknown opcode 0x%02x", i, insn->code);
		return check_reserved(i, insn, true, false, false);
	case BPF_STX:
		if (mode == BPF_MEM)
			return check_reserved(i, insn, false, false, true);
		if (mode != BPF_ATOMIC || (size != BPF_W && size != BPF_DW))
			return REJECT("unknown opcode 0x%02x", i, insn->code);
		switch (insn->imm) {
		case BPF_ADD: case BPF_OR: case BPF_AND: case BPF_XOR:
			return 0;
		case BPF_ADD | BPF_FETCH: case BPF_OR | BPF_FETCH:
		case BPF_AND | BPF_FETCH: case BPF_XOR | BPF_FETCH: case BPF_XCHG:
			if (insn->src_reg == BPF_REG_10)
				return REJECT("atomic fetch would write r10 (the frame pointer)", i);
			return 0;
		case BPF_CMPXCHG:
			return 0;
		default:
			return REJECT("unknown atomic operation 0x%02x", i, insn->imm);
		}
	}
	return REJECT("unknown opcode 0x%02x", i, insn->code);
}

/* The legacy packet loads (RFC 9669 "Legacy BPF Packet access instructions"):
 * r0 = the 1, 2 or 4 bytes at imm (+ src_reg for IND) of the packet. Linux
 * insists on r0 as the destination, off 0 and, for ABS, src_reg 0. */
static int check_ld_pkt(uint32_t i, const struct bpfvm_insn *insn)
{
	int mode = BPF_MODE(insn->code);

	if ((mode != BPF_ABS && mode != BPF_IND) || BPF_SIZE(insn->code) == BPF_DW)
		return REJECT("unknown opcode 0x%02x", i, insn->code);
	if (insn->dst_reg)
		return REJECT("reserved field dst_reg is %u, must be 0 (legacy packet loads "
			      "write r0)", i, insn->dst_reg);
	return check_reserved(i, insn, mode == BPF_ABS, true, false);
}

static int check_lddw(uint32_t i, const struct bpfvm_insn *insns, uint32_t cnt)
{
	const struct bpfvm_insn *insn = &insns[i], *next;
	int err;

	if (i + 1 >= cnt)
		return REJECT("lddw is truncated (its second half is missing)", i);
	next = &insns[i + 1];
	if (next->code || next->dst_reg || next->src_reg || next->off)
		return REJECT("second half of lddw must have code, registers and off 0",
			      i + 1);
	if (insn->src_reg > BPF_PSEUDO_MAP_IDX_VALUE)
		return REJECT("lddw with unknown src_reg %u", i, insn->src_reg);
	if ((err = check_reserved(i, insn, false, true, false)))
		return err;
	if (insn->src_reg == BPF_PSEUDO_FUNC &&
	    (err = check_target(i, insns, cnt, insn->imm, "function reference")))
		return err;
	return check_dst_writable(i, insn);
}

int bpfvm_isa_check(const struct bpfvm_insn *insns, uint32_t cnt)
{
	const struct bpfvm_insn *last;
	int err;

	if (cnt == 0)
		return bpfvm_errorf(-EINVAL, "program is empty");
	if (cnt > BPFVM_MAX_INSNS)
		return bpfvm_errorf(-E2BIG, "program of %u instructions exceeds the limit of %u",
				    cnt, BPFVM_MAX_INSNS);
	for (uint32_t i = 0; i < cnt; i++) {
		const struct bpfvm_insn *insn = &insns[i];

		if (insn->dst_reg > BPF_REG_10)
			return REJECT("invalid register r%u", i, insn->dst_reg);
		if (insn->src_reg > BPF_REG_10)
			return REJECT("invalid register r%u", i, insn->src_reg);
		switch (BPF_CLASS(insn->code)) {
		case BPF_ALU: case BPF_ALU64:
			err = check_alu(i, insn);
			break;
		case BPF_JMP: case BPF_JMP32:
			err = check_jmp(i, insns, cnt);
			break;
		case BPF_LD:
			if (!is_lddw(insn)) {
				err = check_ld_pkt(i, insn);
				break;
			}
			err = check_lddw(i, insns, cnt);
			i++;
			break;
		default:
			err = check_mem(i, insn);
			break;
		}
		if (err)
			return err;
	}
	last = &insns[cnt - 1];
	if (cnt >= 2 && is_lddw(&insns[cnt - 2]))
		return REJECT("program can fall off its end after lddw", cnt - 1);
	if (last->code != (BPF_JMP | BPF_EXIT) && last->code != (BPF_JMP | BPF_JA) &&
	    last->code != (BPF_JMP32 | BPF_JA))
		return REJECT("program can fall off its end (the last instruction is "
			      "not exit or an unconditional jump)", cnt - 1);
	return 0;
}
