/* Soundness by execution: random small programs (scalar arithmetic of both
 * widths, forward branches of every kind, stack spills and fills, pointer
 * arithmetic with variable offsets into the stack and into a map value, map
 * lookups with and without null checks, XDP packet pointers checked against
 * data_end in every comparison shape, functions working on their caller's
 * stack, ring buffer records released on some paths, spin locks) go through
 * the verifier, and every
 * accepted one runs in a checked interpreter written here, on many random
 * inputs. The interpreter tracks what each register really points to and
 * which stack bytes were written; any out-of-bounds or uninitialised access,
 * dereference of a scalar or null, or pointer left in r0 at exit is a
 * verifier soundness bug, and the program is printed. */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "bpfvm/isa.h"
#include "bpfvm/verify.h"
#include "isa/opcodes.h"
#include "progtype/progtype.h"
#include "test.h"

#define MAXI 64
#define VALUE_SIZE 16

static uint64_t rng = 0x243f6a8885a308d3ull;

static uint64_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static struct bpfvm_insn prog[MAXI];
static uint32_t n;

static void emit(uint8_t code, uint8_t dst, uint8_t src, int16_t off, int32_t imm)
{
	prog[n++] = (struct bpfvm_insn){ code, dst, src, off, imm };
}

static const int32_t imms[] = { 0, 1, 2, 3, 4, 7, 8, 15, 16, 31, 32, 63, 255, -1, -2, -8, -16,
				0x7fffffff, (int32_t)0x80000000, 0xffff, 0x10000 };

static int32_t rimm(void)
{
	return imms[rnd() % (sizeof(imms) / sizeof(imms[0]))];
}

/* Any register but r1 (the context) and r10. */
static uint8_t rreg(void)
{
	static const uint8_t regs[] = { 0, 2, 3, 4, 5, 6, 7, 8, 9 };

	return regs[rnd() % sizeof(regs)];
}

static uint8_t last_ptr = 10; /* register most recently made fp + var */

static const uint8_t alu_ops_t[] = { BPF_ADD, BPF_SUB, BPF_MUL, BPF_DIV, BPF_OR, BPF_AND,
				     BPF_LSH, BPF_RSH, BPF_MOD, BPF_XOR, BPF_ARSH, BPF_NEG };
static const uint8_t jmp_ops_t[] = { BPF_JEQ, BPF_JGT, BPF_JGE, BPF_JSET, BPF_JNE, BPF_JSGT,
				     BPF_JSGE, BPF_JLT, BPF_JLE, BPF_JSLT, BPF_JSLE };

/* An index computed from context values by a few ALU operations, bounded (or
 * not) by branches, then used to access the stack or a map value: the shape
 * in which unsound arithmetic or refinement becomes an out-of-bounds access. */
static void generate_index(void)
{
	static const uint8_t sizes[] = { BPF_B, BPF_H, BPF_W, BPF_DW };
	bool map = rnd() % 2;
	uint32_t skip_at[5], nskip = 0;
	uint8_t cmp_reg;

	n = 0;
	emit(BPF_LDX | BPF_MEM | BPF_W, 6, 1, 0, 0);
	emit(BPF_LDX | BPF_MEM | BPF_W, 7, 1, 4, 0);
	for (int16_t off = -8; off >= -48; off -= 8)
		emit(BPF_ST | BPF_MEM | BPF_DW, 10, 0, off, rimm());
	/* sometimes the branches test a copy of the index plus a constant */
	cmp_reg = 6;
	if (rnd() % 3 == 0) {
		cmp_reg = 8;
		emit(BPF_ALU64 | BPF_X | BPF_MOV, 8, 6, 0, 0);
		emit(BPF_ALU64 | BPF_K | (rnd() % 2 ? BPF_ADD : BPF_SUB), 8, 0, 0, rimm());
	}
	for (uint32_t k = 1 + (uint32_t)(rnd() % 5); k > 0; k--) {
		uint32_t what = (uint32_t)(rnd() % 4);

		if (what < 3) {
			uint8_t op = alu_ops_t[rnd() % sizeof(alu_ops_t)];
			uint8_t cls = rnd() % 3 ? BPF_ALU64 : BPF_ALU;
			bool x = rnd() % 3 == 0;
			int32_t imm = rimm();

			if ((op == BPF_LSH || op == BPF_RSH || op == BPF_ARSH) && !x)
				imm &= cls == BPF_ALU64 ? 63 : 31;
			emit((uint8_t)(cls | (x ? BPF_X : BPF_K) | op), 6, x ? 7 : 0, 0,
			     op == BPF_NEG ? 0 : (x ? 0 : imm));
		} else {
			uint8_t op = jmp_ops_t[rnd() % sizeof(jmp_ops_t)];
			uint8_t cls = rnd() % 3 ? BPF_JMP : BPF_JMP32;
			bool x = rnd() % 4 == 0;

			skip_at[nskip++] = n;
			emit((uint8_t)(cls | (x ? BPF_X : BPF_K) | op), cmp_reg, x ? 7 : 0, 0,
			     x ? 0 : rimm());
			if (nskip == 4)
				break;
		}
	}
	if (map) {
		emit(BPF_ST | BPF_MEM | BPF_W, 10, 0, -52, 0);
		emit(BPF_LD | BPF_IMM | BPF_DW, 1, BPF_PSEUDO_MAP_IDX, 0, 0);
		emit(0, 0, 0, 0, 0);
		emit(BPF_ALU64 | BPF_X | BPF_MOV, 2, 10, 0, 0);
		emit(BPF_ALU64 | BPF_K | BPF_ADD, 2, 0, 0, -52);
		emit(BPF_JMP | BPF_CALL, 0, 0, 0, 1);
		skip_at[nskip++] = n;
		emit(BPF_JMP | BPF_K | BPF_JEQ, 0, 0, 0, 0);
		emit(BPF_ALU64 | BPF_X | BPF_MOV, 2, 0, 0, 0);
	} else {
		emit(BPF_ALU64 | BPF_X | BPF_MOV, 2, 10, 0, 0);
		emit(BPF_ALU64 | BPF_K | BPF_ADD, 2, 0, 0, -(int32_t)(8 + rnd() % 48));
	}
	emit(rnd() % 2 ? BPF_ALU64 | BPF_X | BPF_ADD : BPF_ALU64 | BPF_X | BPF_SUB, 2, 6, 0, 0);
	if (rnd() % 2)
		emit((uint8_t)(BPF_LDX | BPF_MEM | sizes[rnd() % 4]), 3, 2, (int16_t)(rnd() % 8 - 2), 0);
	else
		emit((uint8_t)(BPF_STX | BPF_MEM | sizes[rnd() % 4]), 2, 7, (int16_t)(rnd() % 8 - 2), 0);
	emit(BPF_ALU64 | BPF_K | BPF_MOV, 0, 0, 0, 0);
	emit(BPF_JMP | BPF_EXIT, 0, 0, 0, 0);
	/* branches skip to the final mov */
	for (uint32_t i = 0; i < nskip; i++)
		prog[skip_at[i]].off = (int16_t)(n - 2 - skip_at[i] - 1);
}

/* XDP: a packet pointer at a constant or variable offset checked against
 * data_end in one of the comparison shapes (either operand order, any
 * unsigned or signed operator), then an access on one side of the branch. */
static void generate_packet(void)
{
	static const uint8_t cmp_ops[] = { BPF_JGT, BPF_JGE, BPF_JLT, BPF_JLE, BPF_JEQ, BPF_JNE };
	static const uint8_t sizes[] = { BPF_B, BPF_H, BPF_W, BPF_DW };
	uint32_t c, j;

	n = 0;
	emit(BPF_LDX | BPF_MEM | BPF_W, 2, 1, 0, 0);   /* r2 = data */
	emit(BPF_LDX | BPF_MEM | BPF_W, 3, 1, 4, 0);   /* r3 = data_end */
	emit(BPF_ALU64 | BPF_X | BPF_MOV, 4, 2, 0, 0);
	if (rnd() % 2) {
		/* variable part: a context field masked, shifted */
		emit(BPF_LDX | BPF_MEM | BPF_W, 5, 1, 12, 0);
		emit(BPF_ALU64 | BPF_K | BPF_AND, 5, 0, 0, (int32_t)(rnd() % 64));
		if (rnd() % 2)
			emit(BPF_ALU64 | BPF_K | BPF_LSH, 5, 0, 0, (int32_t)(rnd() % 3));
		emit(BPF_ALU64 | BPF_X | BPF_ADD, 4, 5, 0, 0);
		emit(BPF_ALU64 | BPF_X | BPF_MOV, 2, 4, 0, 0);
	}
	emit(BPF_ALU64 | BPF_K | BPF_ADD, 4, 0, 0, (int32_t)(rnd() % 12));
	c = n;
	if (rnd() % 2)
		emit((uint8_t)(BPF_JMP | BPF_X | cmp_ops[rnd() % sizeof(cmp_ops)]), 4, 3, 0, 0);
	else
		emit((uint8_t)(BPF_JMP | BPF_X | cmp_ops[rnd() % sizeof(cmp_ops)]), 3, 4, 0, 0);
	if (rnd() % 2)
		emit((uint8_t)(BPF_LDX | BPF_MEM | sizes[rnd() % 4]), 0, 2, (int16_t)(rnd() % 12), 0);
	j = n;
	emit(BPF_JMP | BPF_JA, 0, 0, 0, 0);
	if (rnd() % 2)
		emit((uint8_t)(BPF_LDX | BPF_MEM | sizes[rnd() % 4]), 0, 2, (int16_t)(rnd() % 12), 0);
	prog[c].off = (int16_t)(j - c);
	prog[j].off = (int16_t)(n - j - 1);
	emit(BPF_ALU64 | BPF_K | BPF_MOV, 0, 0, 0, 2);
	emit(BPF_JMP | BPF_EXIT, 0, 0, 0, 0);
}

/* A function given a pointer into its caller's stack and an index: it
 * computes with the index, may spill and fill the pointer, and accesses the
 * caller's stack through it; or it returns a value the caller then uses. */
static void generate_calls(void)
{
	static const uint8_t sizes[] = { BPF_B, BPF_H, BPF_W, BPF_DW };
	uint32_t call_at, skip = 0;
	bool branch = rnd() % 2;

	n = 0;
	emit(BPF_LDX | BPF_MEM | BPF_W, 6, 1, 0, 0);
	for (int16_t off = -8; off >= -48; off -= 8)
		if (rnd() % 6)
			emit(BPF_ST | BPF_MEM | BPF_DW, 10, 0, off, rimm());
	emit(BPF_ALU64 | BPF_X | BPF_MOV, 1, 10, 0, 0);
	emit(BPF_ALU64 | BPF_K | BPF_ADD, 1, 0, 0, -(int32_t)(8 + 8 * (rnd() % 6)));
	emit(BPF_ALU64 | BPF_X | BPF_MOV, 2, 6, 0, 0);
	if (rnd() % 2)
		emit(BPF_ALU64 | BPF_K | BPF_AND, 2, 0, 0, rimm());
	call_at = n;
	emit(BPF_JMP | BPF_CALL, 0, BPF_PSEUDO_CALL, 0, 0);
	if (rnd() % 2) {
		/* the result indexes the caller's stack */
		emit(BPF_ALU64 | BPF_X | BPF_MOV, 3, 10, 0, 0);
		emit(BPF_ALU64 | BPF_K | BPF_ADD, 3, 0, 0, -48);
		emit(BPF_ALU64 | BPF_X | BPF_ADD, 3, 0, 0, 0);
		emit((uint8_t)(BPF_LDX | BPF_MEM | sizes[rnd() % 4]), 4, 3, 0, 0);
	}
	emit(BPF_ALU64 | BPF_K | BPF_MOV, 0, 0, 0, 0);
	emit(BPF_JMP | BPF_EXIT, 0, 0, 0, 0);
	prog[call_at].imm = (int32_t)(n - call_at - 1);
	/* the function */
	if (rnd() % 2)
		emit(BPF_ALU64 | BPF_K | alu_ops_t[rnd() % 8], 2, 0, 0, rimm() & 63);
	if (branch) {
		skip = n;
		emit((uint8_t)(BPF_JMP | BPF_K | jmp_ops_t[rnd() % sizeof(jmp_ops_t)]), 2, 0, 0, rimm());
	}
	if (rnd() % 3 == 0) {
		emit(BPF_STX | BPF_MEM | BPF_DW, 10, 1, -8, 0);
		emit(BPF_LDX | BPF_MEM | (rnd() % 4 ? BPF_DW : BPF_W), 1, 10, -8, 0);
	}
	emit(BPF_ALU64 | BPF_X | BPF_MOV, 3, 1, 0, 0);
	emit(BPF_ALU64 | BPF_X | BPF_ADD, 3, 2, 0, 0);
	if (rnd() % 2)
		emit((uint8_t)(BPF_LDX | BPF_MEM | sizes[rnd() % 4]), 4, 3, (int16_t)(rnd() % 8), 0);
	else
		emit((uint8_t)(BPF_STX | BPF_MEM | sizes[rnd() % 4]), 3, 6, (int16_t)(rnd() % 8), 0);
	if (branch)
		prog[skip].off = (int16_t)(n - skip - 1);
	emit(BPF_ALU64 | BPF_X | BPF_MOV, 0, 2, 0, 0);
	emit(BPF_JMP | BPF_EXIT, 0, 0, 0, 0);
}

/* A ring buffer record: reserved, maybe checked for null (maybe through a
 * copy), written, submitted or discarded on some paths, maybe used after. */
static void generate_ringbuf(void)
{
	static const uint8_t sizes[] = { BPF_B, BPF_H, BPF_W, BPF_DW };
	uint32_t null_jmp = 0, side_jmp, out_jmp;
	bool check = rnd() % 4 != 0, via_copy = rnd() % 3 == 0;

	n = 0;
	emit(BPF_LDX | BPF_MEM | BPF_W, 6, 1, 12, 0); /* ingress_ifindex */
	emit(BPF_LD | BPF_IMM | BPF_DW, 1, BPF_PSEUDO_MAP_IDX, 0, 1);
	emit(0, 0, 0, 0, 0);
	emit(BPF_ALU64 | BPF_K | BPF_MOV, 2, 0, 0, rnd() % 2 ? 8 : 16);
	emit(BPF_ALU64 | BPF_K | BPF_MOV, 3, 0, 0, 0);
	emit(BPF_JMP | BPF_CALL, 0, 0, 0, 131);
	emit(BPF_ALU64 | BPF_X | BPF_MOV, 7, 0, 0, 0);
	if (check) {
		null_jmp = n;
		emit(BPF_JMP | BPF_K | BPF_JEQ, via_copy ? 7 : 0, 0, 0, 0);
	}
	if (rnd() % 3)
		emit((uint8_t)(BPF_ST | BPF_MEM | sizes[rnd() % 4]), 7, 0, (int16_t)(rnd() % 16), 1);
	/* one side releases; the other maybe releases too */
	side_jmp = n;
	emit(BPF_JMP | BPF_K | BPF_JEQ, 6, 0, 0, rimm());
	emit(BPF_ALU64 | BPF_X | BPF_MOV, 1, 7, 0, 0);
	emit(BPF_ALU64 | BPF_K | BPF_MOV, 2, 0, 0, 0);
	emit(BPF_JMP | BPF_CALL, 0, 0, 0, 132);
	out_jmp = n;
	emit(BPF_JMP | BPF_JA, 0, 0, 0, 0);
	prog[side_jmp].off = (int16_t)(n - side_jmp - 1);
	if (rnd() % 4) {
		emit(BPF_ALU64 | BPF_X | BPF_MOV, 1, 7, 0, 0);
		emit(BPF_ALU64 | BPF_K | BPF_MOV, 2, 0, 0, 0);
		emit(BPF_JMP | BPF_CALL, 0, 0, 0, 133);
	}
	prog[out_jmp].off = (int16_t)(n - out_jmp - 1);
	if (rnd() % 4 == 0)
		emit((uint8_t)(BPF_LDX | BPF_MEM | BPF_B), 3, 7, 0, 0);
	if (check)
		prog[null_jmp].off = (int16_t)(n - null_jmp - 1);
	emit(BPF_ALU64 | BPF_K | BPF_MOV, 0, 0, 0, 2);
	emit(BPF_JMP | BPF_EXIT, 0, 0, 0, 0);
}

/* A spin lock in a map value taken and released on some paths, maybe with
 * a helper call or an access to the lock word in between. */
static void generate_lock(void)
{
	uint32_t null_jmp, side_jmp;

	n = 0;
	emit(BPF_LDX | BPF_MEM | BPF_W, 6, 1, 0, 0);
	emit(BPF_ST | BPF_MEM | BPF_W, 10, 0, -4, 0);
	emit(BPF_LD | BPF_IMM | BPF_DW, 1, BPF_PSEUDO_MAP_IDX, 0, 2);
	emit(0, 0, 0, 0, 0);
	emit(BPF_ALU64 | BPF_X | BPF_MOV, 2, 10, 0, 0);
	emit(BPF_ALU64 | BPF_K | BPF_ADD, 2, 0, 0, -4);
	emit(BPF_JMP | BPF_CALL, 0, 0, 0, 1);
	null_jmp = n;
	emit(BPF_JMP | BPF_K | BPF_JEQ, 0, 0, 0, 0);
	emit(BPF_ALU64 | BPF_X | BPF_MOV, 7, 0, 0, 0);
	emit(BPF_ALU64 | BPF_X | BPF_MOV, 1, 7, 0, 0);
	emit(BPF_JMP | BPF_CALL, 0, 0, 0, 93);
	if (rnd() % 4 == 0)
		emit(BPF_JMP | BPF_CALL, 0, 0, 0, 7);
	if (rnd() % 3 == 0)
		emit(BPF_ST | BPF_MEM | BPF_W, 7, 0, (int16_t)(4 * (rnd() % 4)), 1);
	side_jmp = n;
	emit(BPF_JMP | BPF_K | BPF_JEQ, 6, 0, 0, rimm());
	emit(BPF_ALU64 | BPF_X | BPF_MOV, 1, 7, 0, 0);
	emit(BPF_JMP | BPF_CALL, 0, 0, 0, 94);
	if (rnd() % 3) {
		emit(BPF_JMP | BPF_JA, 0, 0, 2, 0);
		prog[side_jmp].off = (int16_t)(n - side_jmp - 1);
		emit(BPF_ALU64 | BPF_X | BPF_MOV, 1, 7, 0, 0);
		emit(BPF_JMP | BPF_CALL, 0, 0, 0, 94);
	} else {
		prog[side_jmp].off = (int16_t)(n - side_jmp - 1);
	}
	prog[null_jmp].off = (int16_t)(n - null_jmp - 1);
	emit(BPF_ALU64 | BPF_K | BPF_MOV, 0, 0, 0, 0);
	emit(BPF_JMP | BPF_EXIT, 0, 0, 0, 0);
}

/* A random program of mixed instructions. */
static void generate(void)
{
	static const uint8_t alu_ops[] = { BPF_ADD, BPF_SUB, BPF_MUL, BPF_DIV, BPF_OR, BPF_AND,
					   BPF_LSH, BPF_RSH, BPF_MOD, BPF_XOR, BPF_MOV, BPF_ARSH };
	static const uint8_t jmp_ops[] = { BPF_JEQ, BPF_JGT, BPF_JGE, BPF_JSET, BPF_JNE,
					   BPF_JSGT, BPF_JSGE, BPF_JLT, BPF_JLE, BPF_JSLT, BPF_JSLE };
	static const uint8_t sizes[] = { BPF_B, BPF_H, BPF_W, BPF_DW };
	uint32_t body = 6 + (uint32_t)(rnd() % 24);

	n = 0;
	last_ptr = 10;
	/* a few initialised registers to start from */
	emit(BPF_LDX | BPF_MEM | BPF_W, 6, 1, 0, 0);           /* r6 = skb->len */
	emit(BPF_LDX | BPF_MEM | BPF_W, 7, 1, 4, 0);           /* r7 = skb->pkt_type */
	emit(BPF_ALU64 | BPF_K | BPF_MOV, 8, 0, 0, rimm());
	for (uint8_t r = 2; r <= 5; r++)
		emit(BPF_ALU64 | BPF_K | BPF_MOV, r, 0, 0, rimm());
	emit(BPF_ALU64 | BPF_K | BPF_MOV, 0, 0, 0, 0);
	for (int16_t off = -8; off >= -48; off -= 8)
		if (rnd() % 4)
			emit(BPF_ST | BPF_MEM | BPF_DW, 10, 0, off, rimm());
	emit(BPF_ALU64 | BPF_X | BPF_MOV, 9, 6, 0, 0);
	emit(BPF_ALU64 | BPF_K | BPF_AND, 9, 0, 0, 31);
	body += n;
	while (n < body) {
		uint32_t kind = (uint32_t)(rnd() % 16);
		uint8_t d = rreg(), s = rreg();
		bool x = rnd() % 2;

		switch (kind) {
		case 0: case 1: case 2: case 3: {
			uint8_t op = alu_ops[rnd() % sizeof(alu_ops)];
			uint8_t cls = rnd() % 3 ? BPF_ALU64 : BPF_ALU;
			int32_t imm = rimm();

			if ((op == BPF_DIV || op == BPF_MOD) && !x && imm == 0)
				imm = 3;
			if ((op == BPF_LSH || op == BPF_RSH || op == BPF_ARSH) && !x)
				imm &= cls == BPF_ALU64 ? 63 : 31;
			emit((uint8_t)(cls | (x ? BPF_X : BPF_K) | op), d, x ? s : 0, 0, x ? 0 : imm);
			break;
		}
		case 4: case 5: { /* forward branch over 1-3 insns */
			uint8_t op = jmp_ops[rnd() % sizeof(jmp_ops)];
			uint8_t cls = rnd() % 3 ? BPF_JMP : BPF_JMP32;

			emit((uint8_t)(cls | (x ? BPF_X : BPF_K) | op), d, x ? s : 0,
			     (int16_t)(1 + rnd() % 3), x ? 0 : rimm());
			break;
		}
		case 6: case 7: { /* stack store */
			uint8_t sz = sizes[rnd() % 4];
			int16_t off = (int16_t)-(int)(1 + rnd() % 40);

			if (rnd() % 3 == 0)
				emit((uint8_t)(BPF_ST | BPF_MEM | sz), 10, 0, off, rimm());
			else
				emit((uint8_t)(BPF_STX | BPF_MEM | sz), 10, s, off, 0);
			break;
		}
		case 8: case 9: { /* load through r10, or through any register */
			uint8_t sz = sizes[rnd() % 4];
			int16_t off = (int16_t)-(int)(1 + rnd() % 40);

			if (rnd() % 2)
				emit((uint8_t)(BPF_LDX | BPF_MEM | sz), d, 10, off, 0);
			else
				emit((uint8_t)(BPF_LDX | BPF_MEM | sz), d, rnd() % 2 ? last_ptr : 0,
				     (int16_t)(rnd() % 16), 0);
			break;
		}
		case 10: /* pointer = fp + var, the variable often masked */
			if (rnd() % 2)
				emit(BPF_ALU64 | BPF_K | BPF_AND, s, 0, 0, rimm());
			emit(BPF_ALU64 | BPF_X | BPF_MOV, d, 10, 0, 0);
			emit(BPF_ALU64 | BPF_K | BPF_ADD, d, 0, 0, -(int32_t)(8 + rnd() % 32));
			emit(BPF_ALU64 | BPF_X | BPF_ADD, d, s, 0, 0);
			last_ptr = d;
			break;
		case 11: case 12: /* map lookup of key 0 or 1, maybe checked */
			emit(BPF_ST | BPF_MEM | BPF_W, 10, 0, -4, (int32_t)(rnd() % 2));
			emit(BPF_LD | BPF_IMM | BPF_DW, 1, BPF_PSEUDO_MAP_IDX, 0, 0);
			emit(0, 0, 0, 0, 0);
			emit(BPF_ALU64 | BPF_X | BPF_MOV, 2, 10, 0, 0);
			emit(BPF_ALU64 | BPF_K | BPF_ADD, 2, 0, 0, -4);
			emit(BPF_JMP | BPF_CALL, 0, 0, 0, 1);
			if (rnd() % 4)
				emit(BPF_JMP | BPF_K | BPF_JEQ, 0, 0, (int16_t)(1 + rnd() % 3), 0);
			break;
		case 13: /* map value + var, then access */
			emit(BPF_ALU64 | BPF_X | BPF_ADD, 0, s, 0, 0);
			emit((uint8_t)(BPF_LDX | BPF_MEM | sizes[rnd() % 4]), d, 0, (int16_t)(rnd() % 16), 0);
			break;
		case 14:
			emit((uint8_t)(BPF_STX | BPF_MEM | sizes[rnd() % 4]), 0, s, (int16_t)(rnd() % 16), 0);
			break;
		default:
			emit(BPF_ALU64 | BPF_X | BPF_MOV, d, s, 0, 0);
			break;
		}
	}
	emit(BPF_ALU64 | BPF_X | BPF_MOV, 0, rreg(), 0, 0);
	emit(BPF_JMP | BPF_EXIT, 0, 0, 0, 0);
	/* keep forward jumps inside the program and out of lddw's second half */
	for (uint32_t i = 0; i < n; i++) {
		uint8_t cls = BPF_CLASS(prog[i].code);

		if ((cls == BPF_JMP || cls == BPF_JMP32) && BPF_OP(prog[i].code) != BPF_CALL &&
		    BPF_OP(prog[i].code) != BPF_EXIT) {
			uint32_t t = i + 1 + (uint32_t)prog[i].off;

			if (t >= n - 1)
				prog[i].off = (int16_t)(n - 2 - i);
			else if (t > 0 && prog[t - 1].code == (BPF_LD | BPF_IMM | BPF_DW))
				prog[i].off++;
		}
	}
}

/* ---- the checked interpreter ---- */

enum tag { T_UNINIT, T_SCALAR, T_CTX, T_STACK, T_MAPVAL, T_PKT, T_PKT_END, T_REC };

struct val {
	enum tag tag;
	uint64_t v;    /* scalar value, or the offset from the region's start */
	uint8_t frame; /* T_STACK: whose frame */
};

#define FRAMES 8

struct machine {
	struct val r[11];
	uint8_t stack[FRAMES][512];
	bool init[FRAMES][512];
	struct val slot_ptr[FRAMES][64]; /* 8-byte aligned pointer spills */
	uint32_t depth;
	struct {
		uint32_t ret;
		struct val saved[4];
	} calls[FRAMES];
	uint8_t value[VALUE_SIZE];
	uint8_t ctx[192];
	uint32_t ptype;
	uint8_t pkt[128];
	uint32_t pkt_len;
	/* ring buffer records: T_REC's frame field is the record's index */
	uint8_t rec[4][16];
	uint32_t rec_size[4];
	bool rec_live[4];
	uint32_t nrec;
	bool reserve_fails;
	bool locked;
	const char *why;
};

static bool is_ptr(const struct val *v)
{
	return v->tag == T_CTX || v->tag == T_STACK || v->tag == T_MAPVAL || v->tag == T_PKT ||
	       v->tag == T_PKT_END || v->tag == T_REC;
}

static uint64_t alu(uint8_t code, int16_t off, int32_t imm, uint64_t a, uint64_t b)
{
	bool is64 = BPF_CLASS(code) == BPF_ALU64;
	uint64_t m = is64 ? ~0ull : 0xffffffffull;
	unsigned int sh = (unsigned int)(b & (is64 ? 63 : 31));

	(void)off;
	(void)imm;
	a &= m;
	b &= m;
	switch (BPF_OP(code)) {
	case BPF_ADD: return (a + b) & m;
	case BPF_SUB: return (a - b) & m;
	case BPF_MUL: return (a * b) & m;
	case BPF_DIV: return b ? a / b : 0;
	case BPF_OR: return a | b;
	case BPF_AND: return a & b;
	case BPF_LSH: return (a << sh) & m;
	case BPF_RSH: return a >> sh;
	case BPF_MOD: return b ? a % b : a;
	case BPF_XOR: return a ^ b;
	case BPF_MOV: return b;
	case BPF_NEG: return (0 - a) & m;
	case BPF_ARSH:
		if (is64)
			return (uint64_t)((int64_t)a < 0 ? ~(~(int64_t)a >> sh) : (int64_t)a >> sh);
		return (uint32_t)((int32_t)a < 0 ? ~(~(int32_t)a >> sh) : (int32_t)a >> sh);
	default: return 0;
	}
}

static bool cmp(uint8_t code, uint64_t a, uint64_t b)
{
	bool is64 = BPF_CLASS(code) == BPF_JMP;
	int64_t sa = is64 ? (int64_t)a : (int32_t)a, sb = is64 ? (int64_t)b : (int32_t)b;

	if (!is64) {
		a = (uint32_t)a;
		b = (uint32_t)b;
	}
	switch (BPF_OP(code)) {
	case BPF_JEQ: return a == b;
	case BPF_JGT: return a > b;
	case BPF_JGE: return a >= b;
	case BPF_JSET: return a & b;
	case BPF_JNE: return a != b;
	case BPF_JSGT: return sa > sb;
	case BPF_JSGE: return sa >= sb;
	case BPF_JLT: return a < b;
	case BPF_JLE: return a <= b;
	case BPF_JSLT: return sa < sb;
	case BPF_JSLE: return sa <= sb;
	default: return false;
	}
}

static uint32_t size_of(uint8_t code)
{
	switch (BPF_SIZE(code)) {
	case BPF_B: return 1;
	case BPF_H: return 2;
	case BPF_W: return 4;
	default: return 8;
	}
}

/* Checks an access and returns where the bytes are (NULL: violation). */
static uint8_t *address(struct machine *m, const struct val *p, int16_t off, uint32_t size,
			bool write, int64_t *stack_off)
{
	int64_t o;

	switch (p->tag) {
	case T_STACK:
		o = (int64_t)p->v + off;
		if (p->frame > m->depth) {
			m->why = "access to the stack of a function that returned";
			return NULL;
		}
		if (o < -512 || o + size > 0) {
			m->why = "stack access out of bounds";
			return NULL;
		}
		*stack_off = o;
		if (!write)
			for (uint32_t i = 0; i < size; i++)
				if (!m->init[p->frame][512 + o + i]) {
					m->why = "read of uninitialised stack";
					return NULL;
				}
		return &m->stack[p->frame][512 + o];
	case T_REC:
		o = (int64_t)p->v + off;
		if (!m->rec_live[p->frame]) {
			m->why = "access to a released ring buffer record";
			return NULL;
		}
		if (o < 0 || o + (int64_t)size > (int64_t)m->rec_size[p->frame]) {
			m->why = "ring buffer record access out of bounds";
			return NULL;
		}
		return &m->rec[p->frame][o];
	case T_PKT:
		o = (int64_t)p->v + off;
		if (o < 0 || o + (int64_t)size > (int64_t)m->pkt_len) {
			m->why = "packet access out of bounds";
			return NULL;
		}
		return &m->pkt[o];
	case T_MAPVAL:
		o = (int64_t)p->v + off;
		if (o < 0 || o + size > VALUE_SIZE) {
			m->why = "map value access out of bounds";
			return NULL;
		}
		return &m->value[o];
	case T_CTX: {
		const char *why;

		o = (int64_t)p->v + off;
		if (p->v || o < 0 || o + (int64_t)size > (int64_t)sizeof(m->ctx) ||
		    !bpfvm_progtype_ctx_access_ok(bpfvm_progtype_get(m->ptype), 0, (uint32_t)o, size, write,
						  &why)) {
			m->why = "context access the program type does not allow";
			return NULL;
		}
		return &m->ctx[o];
	}
	default:
		m->why = p->tag == T_UNINIT ? "access through uninitialised register" :
					      "access through a scalar (or null)";
		return NULL;
	}
}

static bool run(struct machine *m)
{
	uint32_t pc = 0;
	int steps = 0;

	while (steps++ < 1000) {
		const struct bpfvm_insn *in = &prog[pc];
		uint8_t cls = BPF_CLASS(in->code);
		struct val *d = &m->r[in->dst_reg], *s = &m->r[in->src_reg];
		struct val k = { T_SCALAR, (uint64_t)(int64_t)in->imm, 0 };
		struct val *src = BPF_SRC(in->code) == BPF_X ? s : &k;

		pc++;
		switch (cls) {
		case BPF_ALU:
		case BPF_ALU64: {
			int op = BPF_OP(in->code);

			if (src->tag == T_UNINIT || (op != BPF_MOV && d->tag == T_UNINIT)) {
				m->why = "read of uninitialised register";
				return false;
			}
			if (op == BPF_MOV) {
				if (cls == BPF_ALU64 && BPF_SRC(in->code) == BPF_X && !in->off) {
					*d = *src;
					break;
				}
				if (is_ptr(src)) {
					m->why = "partial copy of a pointer";
					return false;
				}
				*d = (struct val){ T_SCALAR, alu(in->code, 0, 0, 0, src->v), 0 };
				break;
			}
			if (is_ptr(d) || is_ptr(src)) {
				/* only 64-bit add/sub of a scalar survive the verifier */
				if (cls != BPF_ALU64 || (op != BPF_ADD && op != BPF_SUB)) {
					m->why = "pointer ALU the verifier must refuse";
					return false;
				}
				if (is_ptr(d) && is_ptr(src)) {
					*d = (struct val){ T_SCALAR, d->v - src->v, 0 };
					break;
				}
				if (is_ptr(d))
					d->v = op == BPF_ADD ? d->v + src->v : d->v - src->v;
				else
					*d = (struct val){ src->tag, src->v + d->v, src->frame };
				break;
			}
			d->tag = T_SCALAR;
			d->v = alu(in->code, in->off, in->imm, d->v, src->v);
			break;
		}
		case BPF_LD: { /* lddw map */
			*d = (struct val){ T_SCALAR, 0xdead0000, 0 };
			pc++;
			break;
		}
		case BPF_LDX: {
			uint32_t size = size_of(in->code);
			int64_t so = 1;
			uint8_t *p = address(m, s, in->off, size, false, &so);
			uint64_t v = 0;

			if (!p)
				return false;
			if (s->tag == T_CTX && m->ptype == 6 && (in->off == 0 || in->off == 4)) {
				*d = in->off == 0 ? (struct val){ T_PKT, 0, 0 } :
						    (struct val){ T_PKT_END, m->pkt_len, 0 };
				break;
			}
			if (so <= 0 && size == 8 && (so % 8) == 0 &&
			    m->slot_ptr[s->frame][(-so) / 8 - 1].tag != T_UNINIT) {
				*d = m->slot_ptr[s->frame][(-so) / 8 - 1];
				break;
			}
			memcpy(&v, p, size);
			*d = (struct val){ T_SCALAR, v, 0 };
			break;
		}
		case BPF_ST:
		case BPF_STX: {
			uint32_t size = size_of(in->code);
			int64_t so = 1;
			struct val *v = cls == BPF_ST ? &k : s;
			uint8_t *p;

			if (v->tag == T_UNINIT) {
				m->why = "store of uninitialised register";
				return false;
			}
			p = address(m, d, in->off, size, true, &so);
			if (!p)
				return false;
			if (is_ptr(v) && d->tag != T_STACK) {
				m->why = "pointer stored outside the stack";
				return false;
			}
			memcpy(p, &v->v, size);
			if (so <= 0) {
				uint8_t fr = d->frame;

				for (uint32_t i = 0; i < size; i++)
					m->init[fr][512 + so + i] = true;
				for (int64_t b = so; b < so + (int64_t)size; b++)
					m->slot_ptr[fr][(-b - 1) / 8].tag = T_UNINIT;
				if (is_ptr(v))
					m->slot_ptr[fr][(-so) / 8 - 1] = *v;
			}
			break;
		}
		default: {
			int op = BPF_OP(in->code);

			if (op == BPF_JA) {
				pc += (uint32_t)in->off;
				break;
			}
			if (op == BPF_EXIT && m->depth) {
				if (m->r[0].tag == T_UNINIT ||
				    (m->r[0].tag == T_STACK && m->r[0].frame == m->depth)) {
					m->why = "bad return value of a function";
					return false;
				}
				m->depth--;
				for (int r = 6; r <= 9; r++)
					m->r[r] = m->calls[m->depth].saved[r - 6];
				for (int r = 1; r <= 5; r++)
					m->r[r].tag = T_UNINIT;
				m->r[10] = (struct val){ T_STACK, 0, (uint8_t)m->depth };
				pc = m->calls[m->depth].ret;
				break;
			}
			if (op == BPF_CALL && in->src_reg == BPF_PSEUDO_CALL) {
				if (m->depth + 1 >= FRAMES) {
					m->why = "too many frames";
					return false;
				}
				m->calls[m->depth].ret = pc;
				for (int r = 6; r <= 9; r++) {
					m->calls[m->depth].saved[r - 6] = m->r[r];
					m->r[r].tag = T_UNINIT;
				}
				m->r[0].tag = T_UNINIT;
				m->depth++;
				memset(m->init[m->depth], 0, sizeof(m->init[0]));
				memset(m->slot_ptr[m->depth], 0, sizeof(m->slot_ptr[0]));
				m->r[10] = (struct val){ T_STACK, 0, (uint8_t)m->depth };
				pc += (uint32_t)in->imm;
				break;
			}
			if (op == BPF_EXIT && m->locked) {
				m->why = "exit while holding the spin lock";
				return false;
			}
			if (op == BPF_EXIT) {
				for (uint32_t q = 0; q < m->nrec; q++)
					if (m->rec_live[q]) {
						m->why = "ring buffer record leaked at exit";
						return false;
					}
				if (m->r[0].tag != T_SCALAR) {
					m->why = "r0 is not a scalar at exit";
					return false;
				}
				return true;
			}
			if (op == BPF_CALL && m->locked && in->imm != 94) {
				m->why = "helper call while holding the spin lock";
				return false;
			}
			if (op == BPF_CALL && (in->imm == 93 || in->imm == 94)) { /* spin_(un)lock */
				struct val *r = &m->r[1];

				if (r->tag != T_MAPVAL || r->v != 0 || m->locked == (in->imm == 93)) {
					m->why = "bad spin lock argument or state";
					return false;
				}
				m->locked = in->imm == 93;
				for (int q = 0; q <= 5; q++)
					m->r[q].tag = T_UNINIT;
				break;
			}
			if (op == BPF_CALL && in->imm == 131) { /* ringbuf_reserve(map, size, 0) */
				uint32_t size = (uint32_t)m->r[2].v;

				for (int r = 1; r <= 5; r++)
					m->r[r].tag = T_UNINIT;
				if (m->reserve_fails || m->nrec == 4 || size > 16) {
					m->r[0] = (struct val){ T_SCALAR, 0, 0 };
					break;
				}
				m->rec_size[m->nrec] = size;
				m->rec_live[m->nrec] = true;
				m->r[0] = (struct val){ T_REC, 0, (uint8_t)m->nrec++ };
				break;
			}
			if (op == BPF_CALL && (in->imm == 132 || in->imm == 133)) { /* submit/discard */
				struct val *r = &m->r[1];

				if (r->tag != T_REC || r->v != 0 || !m->rec_live[r->frame]) {
					m->why = "release of something that is not a held record";
					return false;
				}
				m->rec_live[r->frame] = false;
				for (int q = 1; q <= 5; q++)
					m->r[q].tag = T_UNINIT;
				m->r[0].tag = T_UNINIT;
				break;
			}
			if (op == BPF_CALL) { /* map_lookup_elem(map, &key) */
				uint8_t *p;
				int64_t so = 1;
				uint32_t key;

				p = address(m, &m->r[2], 0, 4, false, &so);
				if (!p)
					return false;
				memcpy(&key, p, 4);
				for (int r = 1; r <= 5; r++)
					m->r[r].tag = T_UNINIT;
				m->r[0] = key == 0 ? (struct val){ T_MAPVAL, 0, 0 } : (struct val){ T_SCALAR, 0, 0 };
				break;
			}
			if (d->tag == T_UNINIT || src->tag == T_UNINIT) {
				m->why = "comparison of uninitialised register";
				return false;
			}
			if ((is_ptr(d) || is_ptr(src)) && !(d->tag == T_SCALAR || src->tag == T_SCALAR) &&
			    !((d->tag == T_PKT || d->tag == T_PKT_END) &&
			      (src->tag == T_PKT || src->tag == T_PKT_END)) && d->tag != src->tag) {
				m->why = "comparison of pointers of different kinds";
				return false;
			}
			/* pointers are never null: compare them as addresses above 0 */
			if (cmp(in->code, is_ptr(d) ? d->v + 0x100000 : d->v,
				is_ptr(src) ? src->v + 0x100000 : src->v))
				pc += (uint32_t)in->off;
			break;
		}
		}
	}
	m->why = "did not terminate";
	return false;
}

static void dump(void)
{
	char buf[128];

	for (uint32_t i = 0; i < n; i++) {
		if (bpfvm_disasm_insn(prog, n, i, buf, sizeof(buf)) < 0)
			snprintf(buf, sizeof(buf), "?");
		fprintf(stderr, "  %2u: %s\n", i, buf);
	}
}

int main(void)
{
	struct bpfvm_verify_map maps[3] = { { 2, 4, VALUE_SIZE, 1, 0, -1, -1 },
					    { 27, 0, 0, 4096, 0, -1, -1 },
					    { 2, 4, VALUE_SIZE, 1, 0, 0, -1 } };
	int accepted = 0, rejected = 0, bugs = 0, iters = 50000;

	for (int it = 0; it < iters && bugs < 3; it++) {
		struct bpfvm_verify_input in = { 0 };
		struct bpfvm_verify_result res;
		int verdict;

		uint32_t ptype = 1; /* socket_filter */

		if (it % 6 == 1) {
			generate_index();
		} else if (it % 6 == 2) {
			generate_packet();
			ptype = 6; /* xdp */
		} else if (it % 6 == 3) {
			generate_calls();
		} else if (it % 6 == 4) {
			generate_ringbuf();
			ptype = 6;
		} else if (it % 6 == 5) {
			generate_lock();
			ptype = 3; /* sched_cls */
		} else {
			generate();
		}
		in.insns = prog;
		in.insn_cnt = n;
		in.prog_type = ptype;
		in.maps = maps;
		in.map_cnt = 3;
		verdict = bpfvm_verify(&in, &res);
		bpfvm_verify_result_free(&res);
		if (verdict) {
			rejected++;
			if (getenv("FUZZ_REASONS"))
				fprintf(stderr, "%s\n", res.message);
			continue;
		}
		accepted++;
		for (int trial = 0; trial < 64; trial++) {
			struct machine m;

			memset(&m, 0, sizeof(m));
			m.ptype = ptype;
			m.reserve_fails = trial % 2;
			m.pkt_len = trial < 24 ? (uint32_t)trial : (uint32_t)(rnd() % 100);
			m.r[1] = (struct val){ T_CTX, 0, 0 };
			m.r[10] = (struct val){ T_STACK, 0, 0 };
			for (size_t b = 0; b < sizeof(m.ctx); b++)
				m.ctx[b] = (uint8_t)rnd();
			/* fields near the edges of the ranges the verifier computes */
			for (size_t f = 0; f + 4 <= sizeof(m.ctx); f += 4)
				if (rnd() % 4) {
					uint32_t v = trial < 4 ? (uint32_t)trial : (uint32_t)rimm();

					if (rnd() % 2)
						v += (uint32_t)(rnd() % 3) - 1;
					memcpy(&m.ctx[f], &v, 4);
				}
			for (int b = 0; b < VALUE_SIZE; b++)
				m.value[b] = (uint8_t)rnd();
			for (int b = 0; b < 512; b++)
				m.stack[0][b] = (uint8_t)rnd();
			test_checks++;
			if (!run(&m)) {
				test_failures++;
				bugs++;
				fprintf(stderr, "accepted program fails at run time: %s (trial %d)\n",
					m.why, trial);
				dump();
				break;
			}
		}
	}
	printf("%d programs accepted, %d rejected\n", accepted, rejected);
	CHECK(accepted > 100);
	return test_exit();
}
