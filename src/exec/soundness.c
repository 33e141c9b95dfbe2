/* The soundness generator and checked runner (see soundness.h).
 *
 * A program is a few blocks, each a pattern from real packet parsers with one
 * random detail that decides whether it is safe: which of the four shapes of
 * the data_end comparison and whether it is strict, 32 or 64 bits, signed or
 * not; how many bytes the access after it touches; the mask or bound on an
 * offset and the arithmetic done on it after the bound; which copy of a map
 * lookup's result is checked for null and which is used; whether a spilled
 * pointer is partly overwritten before it is filled; whether packet pointers
 * from before a helper that moves the packet are used after it; whether a
 * legacy packet load's width alone bounds an index. Most variants
 * are safe and the rest one step away, where an unsound rule shows first.
 * Registers: r6 = data, r7 = data_end, r8 = a scalar from the context or the
 * packet, r9 = a context field (ingress_ifindex for XDP, mark for tc); tc
 * programs keep r1 at fp-440. Every failed check jumps to the common exit. */
#include "exec/soundness.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "bpfvm/map.h"
#include "bpfvm/prog.h"
#include "isa/opcodes.h"
#include "progtype/ctx.h"
#include "util/error.h"

#define MAX_FIXUPS 64
#define VALUE_SIZE 16
#define MAX_PACKET 96
#define XDP_PASS 2
#define CTX_SLOT -440 /* where SCHED_CLS programs keep r1 */

struct bpfvm_soundness {
	struct bpfvm_map *maps[2];
};

struct gen {
	uint64_t rng;
	struct bpfvm_insn *p;
	uint32_t n, cap;
	bool oom;
	uint32_t outs[MAX_FIXUPS], nout; /* jumps to the common exit */
	uint32_t calls[MAX_FIXUPS], ncall; /* calls to the subprogram */
	int sub;                         /* which subprogram body (-1: none) */
	uint32_t sub_k, sub_bound, sub_size, sub_ret_max;
	bool sub_clobber;
	uint32_t cbs[MAX_FIXUPS], ncb;   /* lddw of the bpf_loop callback */
	uint32_t cb_k, cb_bound, cb_size, cb_ret;
	/* the callback also stores its index at ctx[index + cb_wk] */
	bool cb_write;
	uint32_t cb_wk, cb_wsize;
	bool skb; /* SCHED_CLS: the context is spilled at CTX_SLOT */
};

static uint64_t rnd(struct gen *g)
{
	g->rng ^= g->rng << 13;
	g->rng ^= g->rng >> 7;
	g->rng ^= g->rng << 17;
	return g->rng;
}

static uint32_t pick(struct gen *g, uint32_t n)
{
	return (uint32_t)(rnd(g) % n);
}

static bool chance(struct gen *g, uint32_t one_in)
{
	return pick(g, one_in) == 0;
}

static void emit(struct gen *g, uint8_t code, uint8_t dst, uint8_t src, int16_t off, int32_t imm)
{
	if (g->n == g->cap) {
		uint32_t cap = g->cap ? g->cap * 2 : 64;
		struct bpfvm_insn *p = realloc(g->p, cap * sizeof(*p));

		if (!p) {
			g->oom = true;
			return;
		}
		g->p = p;
		g->cap = cap;
	}
	g->p[g->n++] = (struct bpfvm_insn){ code, dst, src, off, imm };
}

static void alu(struct gen *g, uint8_t cls, uint8_t op, uint8_t dst, int32_t imm)
{
	emit(g, (uint8_t)(cls | BPF_K | op), dst, 0, 0, imm);
}

static void mov_reg(struct gen *g, uint8_t dst, uint8_t src)
{
	emit(g, BPF_ALU64 | BPF_X | BPF_MOV, dst, src, 0, 0);
}

static void add_reg(struct gen *g, uint8_t dst, uint8_t src)
{
	emit(g, BPF_ALU64 | BPF_X | BPF_ADD, dst, src, 0, 0);
}

/* A conditional jump to the common exit. */
static void jump_out(struct gen *g, uint8_t code, uint8_t dst, uint8_t src, int32_t imm)
{
	if (g->nout == MAX_FIXUPS) {
		g->oom = true;
		return;
	}
	g->outs[g->nout++] = g->n;
	emit(g, code, dst, src, 0, imm);
}

static const uint8_t sizes[] = { BPF_B, BPF_H, BPF_W, BPF_DW };

static uint32_t size_bytes(uint8_t size)
{
	return size == BPF_B ? 1 : size == BPF_H ? 2 : size == BPF_W ? 4 : 8;
}

/* A load (into r0) or a store of `size` at [reg + off]. */
static void access(struct gen *g, uint8_t reg, int16_t off, uint8_t size)
{
	switch (pick(g, 3)) {
	case 0:
		emit(g, (uint8_t)(BPF_ST | BPF_MEM | size), reg, 0, off, 0x5a);
		break;
	case 1:
		emit(g, (uint8_t)(BPF_STX | BPF_MEM | size), reg, 8, off, 0);
		break;
	default:
		emit(g, (uint8_t)(BPF_LDX | BPF_MEM | size), 0, reg, off, 0);
	}
}

/* An offset for an access of `size` into a region proven `len` bytes long:
 * usually the last one that fits, sometimes one byte further, sometimes just
 * before the start. */
static int16_t edge_off(struct gen *g, int32_t len, uint8_t size)
{
	int32_t k = len - (int32_t)size_bytes(size);

	switch (pick(g, 8)) {
	case 0:
		k++;
		break;
	case 1:
		k = -1;
		break;
	case 2:
	case 3:
		k = k > 0 ? (int32_t)pick(g, (uint32_t)k + 1) : k;
		break;
	}
	return (int16_t)k;
}

/* `if p + n is beyond data_end goto out`, p in `reg`, n already added into
 * r3: the four shapes, each sometimes made non-strict, 32-bit or signed. */
static void check_end(struct gen *g)
{
	uint8_t cls = chance(g, 10) ? BPF_JMP32 : BPF_JMP;
	bool sign = chance(g, 10), loose = chance(g, 6);
	uint8_t op;

	switch (pick(g, 4)) {
	case 0: /* p + n > end: out */
		op = loose ? BPF_JGE : BPF_JGT;
		if (sign)
			op = op == BPF_JGT ? BPF_JSGT : BPF_JSGE;
		jump_out(g, (uint8_t)(cls | BPF_X | op), 3, 7, 0);
		break;
	case 1: /* end < p + n: out */
		op = loose ? BPF_JLE : BPF_JLT;
		if (sign)
			op = op == BPF_JLT ? BPF_JSLT : BPF_JSLE;
		jump_out(g, (uint8_t)(cls | BPF_X | op), 7, 3, 0);
		break;
	case 2: /* p + n <= end: in, else out */
		op = loose ? BPF_JLT : BPF_JLE;
		if (sign)
			op = op == BPF_JLE ? BPF_JSLE : BPF_JSLT;
		emit(g, (uint8_t)(cls | BPF_X | op), 3, 7, 1, 0);
		jump_out(g, BPF_JMP | BPF_JA, 0, 0, 0);
		break;
	default: /* end >= p + n: in, else out */
		op = loose ? BPF_JGT : BPF_JGE;
		if (sign)
			op = op == BPF_JGE ? BPF_JSGE : BPF_JSGT;
		emit(g, (uint8_t)(cls | BPF_X | op), 7, 3, 1, 0);
		jump_out(g, BPF_JMP | BPF_JA, 0, 0, 0);
		break;
	}
}

/* r2 (a packet pointer) proven to have `n` bytes, then accessed near the edge. */
static void packet_access(struct gen *g, int32_t n)
{
	uint8_t size = sizes[pick(g, 4)];

	mov_reg(g, 3, 2);
	alu(g, BPF_ALU64, BPF_ADD, 3, n);
	check_end(g);
	if (chance(g, 5)) {
		/* the proven range through a copy */
		mov_reg(g, 4, 2);
		access(g, 4, edge_off(g, n, size), size);
	} else {
		access(g, 2, edge_off(g, n, size), size);
	}
}

/* Bounds r8 (a scalar) by a mask or by comparisons, then sometimes does
 * arithmetic on it; returns roughly the largest value the program's author
 * meant it to have. */
static int32_t bound_r8(struct gen *g)
{
	static const int32_t masks[] = { 1, 3, 7, 8, 15, 16, 31, 63 };
	uint8_t cls = chance(g, 3) ? BPF_ALU : BPF_ALU64;
	uint8_t jcls = chance(g, 3) ? BPF_JMP32 : BPF_JMP;
	int32_t max;

	switch (pick(g, 10)) {
	case 0:
	case 1:
		max = masks[pick(g, sizeof(masks) / sizeof(masks[0]))];
		alu(g, cls, BPF_AND, 8, max);
		break;
	case 8: /* against a register holding the bound, either operand order */
		max = (int32_t)pick(g, 40);
		emit(g, BPF_ALU64 | BPF_K | BPF_MOV, 5, 0, 0, max);
		if (chance(g, 2))
			jump_out(g, (uint8_t)(jcls | BPF_X | (chance(g, 4) ? BPF_JSGT : BPF_JGT)), 8, 5,
				 0);
		else
			jump_out(g, (uint8_t)(jcls | BPF_X | (chance(g, 4) ? BPF_JSLT : BPF_JLT)), 5, 8,
				 0);
		break;
	case 9: /* both ends against registers, the lower one signed */
		max = (int32_t)pick(g, 40);
		emit(g, BPF_ALU64 | BPF_K | BPF_MOV, 5, 0, 0, chance(g, 4) ? -1 : 0);
		jump_out(g, (uint8_t)(jcls | BPF_X | BPF_JSGT), 5, 8, 0);
		emit(g, BPF_ALU64 | BPF_K | BPF_MOV, 5, 0, 0, max);
		jump_out(g, (uint8_t)(jcls | BPF_X | (chance(g, 3) ? BPF_JSGE : BPF_JSGT)), 8, 5, 0);
		break;
	case 5: /* if r8 & ~mask goto out */
		max = masks[pick(g, sizeof(masks) / sizeof(masks[0]))];
		jump_out(g, (uint8_t)(jcls | BPF_K | BPF_JSET), 8, 0,
			 ~max ^ (chance(g, 4) ? 1 << pick(g, 6) : 0));
		break;
	case 6: /* a remainder, unsigned or signed */
		max = 1 + (int32_t)pick(g, 32);
		emit(g, (uint8_t)(cls | BPF_K | BPF_MOD), 8, 0, chance(g, 4) ? 1 : 0, max);
		max--;
		break;
	case 7: /* sign-extended low bits, then an unsigned or signed bound */
		emit(g, (uint8_t)(cls | BPF_X | BPF_MOV), 8, 8, chance(g, 2) ? 8 : 16, 0);
		max = (int32_t)pick(g, 40);
		jump_out(g, (uint8_t)(jcls | BPF_K | (chance(g, 3) ? BPF_JSGT : BPF_JGT)), 8, 0, max);
		break;
	case 2: /* if r8 > max goto out (or >=, signed: negative values pass) */
		max = (int32_t)pick(g, 40);
		jump_out(g, (uint8_t)(jcls | BPF_K |
				      (chance(g, 4) ? BPF_JSGT : chance(g, 5) ? BPF_JGE : BPF_JGT)),
			 8, 0, max);
		break;
	case 3: /* if r8 < max goto in, else out */
		max = (int32_t)pick(g, 40);
		emit(g, (uint8_t)(jcls | BPF_K | (chance(g, 4) ? BPF_JSLT : chance(g, 5) ? BPF_JLE : BPF_JLT)),
		     8, 0, 1, max + 1);
		jump_out(g, BPF_JMP | BPF_JA, 0, 0, 0);
		break;
	default: /* both ends, signed */
		max = (int32_t)pick(g, 40);
		jump_out(g, (uint8_t)(jcls | BPF_K | (chance(g, 3) ? BPF_JSLE : BPF_JSLT)), 8, 0,
			 chance(g, 4) ? -1 : 0);
		jump_out(g, (uint8_t)(jcls | BPF_K | BPF_JSGT), 8, 0, max);
		break;
	}
	for (uint32_t k = pick(g, 3); k; k--) {
		uint8_t c = chance(g, 3) ? BPF_ALU : BPF_ALU64;

		switch (pick(g, 11)) {
		case 0:
			alu(g, c, BPF_LSH, 8, 1 + (int32_t)pick(g, 3));
			max <<= 3;
			break;
		case 1:
			alu(g, c, BPF_RSH, 8, 1);
			break;
		case 2:
			alu(g, c, BPF_MUL, 8, 3);
			max *= 3;
			break;
		case 3:
			alu(g, c, BPF_SUB, 8, 1 + (int32_t)pick(g, 4));
			break;
		case 4:
			alu(g, c, BPF_ADD, 8, 1 + (int32_t)pick(g, 4));
			max += 4;
			break;
		case 5:
			emit(g, (uint8_t)(c | BPF_K | BPF_NEG), 8, 0, 0, 0);
			break;
		case 6:
			alu(g, c, BPF_ARSH, 8, 1);
			break;
		case 7:
			alu(g, c, BPF_XOR, 8, 1);
			break;
		case 8:
			emit(g, (uint8_t)(BPF_ALU | BPF_END | BPF_TO_BE), 8, 0, 0,
			     chance(g, 2) ? 16 : 32);
			break;
		case 9:
			alu(g, c, BPF_DIV, 8, 1 + (int32_t)pick(g, 4));
			break;
		default:
			alu(g, c, BPF_OR, 8, 1);
			max |= 1;
			break;
		}
	}
	return max;
}

/* r8 = a scalar the program cannot know: a context field or packet bytes. */
static void load_r8(struct gen *g)
{
	if (chance(g, 2)) {
		emit(g, BPF_ALU64 | BPF_X | BPF_MOV, 8, 9, 0, 0);
		return;
	}
	mov_reg(g, 2, 6);
	mov_reg(g, 3, 6);
	alu(g, BPF_ALU64, BPF_ADD, 3, 4);
	jump_out(g, BPF_JMP | BPF_X | BPF_JGT, 3, 7, 0);
	emit(g, (uint8_t)(BPF_LDX | BPF_MEM | (chance(g, 2) ? BPF_B : BPF_H)), 8, 2,
	     (int16_t)pick(g, 2), 0);
}

static void block_packet_const(struct gen *g)
{
	int32_t base = chance(g, 2) ? 0 : (int32_t)pick(g, 20);

	mov_reg(g, 2, 6);
	if (base)
		alu(g, BPF_ALU64, BPF_ADD, 2, base);
	packet_access(g, 1 + (int32_t)pick(g, 40));
}

static void block_packet_var(struct gen *g)
{
	uint8_t size = sizes[pick(g, 4)];
	int32_t max, n;

	load_r8(g);
	max = bound_r8(g);
	if (chance(g, 3)) {
		/* checked first, the offset added after: the range must not follow */
		n = 1 + (int32_t)pick(g, 24);
		mov_reg(g, 2, 6);
		mov_reg(g, 3, 6);
		alu(g, BPF_ALU64, BPF_ADD, 3, n);
		check_end(g);
		add_reg(g, 2, 8);
		access(g, 2, edge_off(g, n - max, size), size);
		return;
	}
	if (chance(g, 2)) {
		mov_reg(g, 2, 6);
		add_reg(g, 2, 8);
	} else {
		mov_reg(g, 2, 8);
		add_reg(g, 2, 6);
	}
	packet_access(g, 1 + (int32_t)pick(g, 16));
}

/* r0 = lookup(map, key), checked for null (or not) in one of many ways, and
 * the value pointer left in `*use`. */
static void lookup(struct gen *g, uint8_t *use)
{
	uint32_t map = chance(g, 4) ? 1 : 0;

	switch (pick(g, 6)) {
	case 0:
		emit(g, BPF_ST | BPF_MEM | BPF_W, 10, 0, -4, chance(g, 4) ? 1 : 0);
		break;
	case 1:
		emit(g, BPF_STX | BPF_MEM | BPF_W, 10, 8, -4, 0);
		break;
	case 2: /* a constant in a register */
		emit(g, BPF_ALU64 | BPF_K | BPF_MOV, 5, 0, 0, chance(g, 2) ? 0 : chance(g, 2) ? 1 : -1);
		emit(g, BPF_STX | BPF_MEM | BPF_W, 10, 5, -4, 0);
		break;
	case 3: /* the key is the high half of a 64-bit constant */
		emit(g, BPF_ST | BPF_MEM | BPF_DW, 10, 0, -8, chance(g, 2) ? -1 : 1);
		break;
	case 4: { /* the key is the high half of a 64-bit register */
		uint64_t v = chance(g, 2) ? 1ull << 32 : 1;

		emit(g, BPF_LD | BPF_IMM | BPF_DW, 5, 0, 0, (int32_t)(uint32_t)v);
		emit(g, 0, 0, 0, 0, (int32_t)(uint32_t)(v >> 32));
		emit(g, BPF_STX | BPF_MEM | BPF_DW, 10, 5, -8, 0);
		break;
	}
	default:
		emit(g, BPF_STX | BPF_MEM | BPF_W, 10, 9, -4, 0);
	}
	emit(g, BPF_LD | BPF_IMM | BPF_DW, 1, BPF_PSEUDO_MAP_IDX, 0, (int32_t)map);
	emit(g, 0, 0, 0, 0, 0);
	mov_reg(g, 2, 10);
	alu(g, BPF_ALU64, BPF_ADD, 2, -4);
	emit(g, BPF_JMP | BPF_CALL, 0, 0, 0, 1);
	*use = 0;
	switch (pick(g, 10)) {
	case 0: /* no check */
		break;
	case 1: /* check a copy, use the original */
		mov_reg(g, 4, 0);
		jump_out(g, BPF_JMP | BPF_K | BPF_JEQ, 4, 0, 0);
		break;
	case 2: /* check the original, use a copy made before */
		mov_reg(g, 4, 0);
		jump_out(g, BPF_JMP | BPF_K | BPF_JEQ, 0, 0, 0);
		*use = 4;
		break;
	case 3: /* spilled, checked, filled */
		emit(g, BPF_STX | BPF_MEM | BPF_DW, 10, 0, -16, 0);
		jump_out(g, BPF_JMP | BPF_K | BPF_JEQ, 0, 0, 0);
		emit(g, BPF_LDX | BPF_MEM | BPF_DW, 4, 10, -16, 0);
		*use = 4;
		break;
	case 4: /* spilled, filled, the fill checked, the original used */
		emit(g, BPF_STX | BPF_MEM | BPF_DW, 10, 0, -16, 0);
		emit(g, BPF_LDX | BPF_MEM | BPF_DW, 4, 10, -16, 0);
		jump_out(g, BPF_JMP | BPF_K | BPF_JEQ, 4, 0, 0);
		break;
	case 5: /* the check inverted */
		emit(g, BPF_JMP | BPF_K | BPF_JNE, 0, 0, 1, 0);
		jump_out(g, BPF_JMP | BPF_JA, 0, 0, 0);
		break;
	case 6: /* a copy overwritten after the check */
		mov_reg(g, 4, 0);
		jump_out(g, BPF_JMP | BPF_K | BPF_JEQ, 4, 0, 0);
		if (chance(g, 2)) {
			emit(g, BPF_ALU64 | BPF_K | BPF_MOV, 0, 0, 0, 0);
			*use = 4;
		}
		break;
	case 7: /* 32-bit check */
		jump_out(g, BPF_JMP32 | BPF_K | BPF_JEQ, 0, 0, 0);
		break;
	case 8: /* checked against a register holding 0 */
		emit(g, BPF_ALU64 | BPF_K | BPF_MOV, 5, 0, 0, 0);
		jump_out(g, BPF_JMP | BPF_X | BPF_JEQ, 0, 5, 0);
		break;
	default:
		jump_out(g, BPF_JMP | BPF_K | BPF_JEQ, 0, 0, 0);
	}
}

static void block_map(struct gen *g)
{
	uint8_t use, size = sizes[pick(g, 4)];
	int32_t max;

	load_r8(g);
	lookup(g, &use);
	if (chance(g, 2)) {
		access(g, use, edge_off(g, VALUE_SIZE, size), size);
		return;
	}
	max = bound_r8(g);

	add_reg(g, use, 8);
	access(g, use, edge_off(g, VALUE_SIZE - max, size), size);
}

/* Stack at a computed offset: a 64-byte buffer at the top or the bottom of
 * the frame written, then accessed at its start + r8. */
static void block_stack(struct gen *g)
{
	uint8_t size = sizes[pick(g, 4)];
	int16_t base = chance(g, 3) ? -512 : -64;
	int32_t max;

	for (int16_t off = base; off < base + 64; off += 8)
		if (!chance(g, 16))
			emit(g, BPF_ST | BPF_MEM | BPF_DW, 10, 0, off, off);
	load_r8(g);
	max = bound_r8(g);
	mov_reg(g, 2, 10);
	alu(g, BPF_ALU64, BPF_ADD, 2, base);
	add_reg(g, 2, 8);
	access(g, 2, edge_off(g, 64 - max, size), size);
}

/* A checked packet pointer spilled, maybe partly overwritten, filled and
 * used. */
static void block_spill(struct gen *g)
{
	mov_reg(g, 2, 6);
	mov_reg(g, 3, 6);
	alu(g, BPF_ALU64, BPF_ADD, 3, 8);
	jump_out(g, BPF_JMP | BPF_X | BPF_JGT, 3, 7, 0);
	emit(g, BPF_STX | BPF_MEM | BPF_DW, 10, 2, -24, 0);
	switch (pick(g, 4)) {
	case 0: /* the top byte: a non-canonical address if used */
		emit(g, BPF_ST | BPF_MEM | BPF_B, 10, 0, -17, 0x7f);
		break;
	case 1:
		emit(g, BPF_ST | BPF_MEM | BPF_W, 10, 0, -20, 0x7f000000);
		break;
	case 2: /* the other half of the slot: nothing of the pointer changes */
		emit(g, BPF_ST | BPF_MEM | BPF_W, 10, 0, -28, 0);
		break;
	}
	if (chance(g, 2)) {
		emit(g, BPF_LDX | BPF_MEM | BPF_DW, 4, 10, -24, 0);
	} else {
		/* a narrow fill of the spilled pointer */
		emit(g, BPF_LDX | BPF_MEM | BPF_W, 4, 10, -24, 0);
		emit(g, BPF_LDX | BPF_MEM | BPF_W, 5, 10, -20, 0);
		alu(g, BPF_ALU64, BPF_LSH, 5, 32);
		emit(g, BPF_ALU64 | BPF_X | BPF_OR, 4, 5, 0, 0);
	}
	access(g, 4, edge_off(g, 8, BPF_W), BPF_W);
}

/* A call passing a pointer into this frame and an index; the subprogram
 * bounds the index and accesses the caller's buffer (see emit_sub). */
static void block_call(struct gen *g)
{
	if (g->sub < 0) {
		g->sub = (int)pick(g, 2);
		g->sub_size = sizes[pick(g, 4)];
		g->sub_bound = pick(g, 32);
		g->sub_k = (uint32_t)edge_off(g, 32 - (int32_t)g->sub_bound, (uint8_t)g->sub_size);
		g->sub_ret_max = pick(g, 32);
		g->sub_clobber = chance(g, 2);
	}
	for (int16_t off = -32; off < 0; off += 8)
		emit(g, BPF_ST | BPF_MEM | BPF_DW, 10, 0, off, 0);
	load_r8(g);
	mov_reg(g, 1, 10);
	alu(g, BPF_ALU64, BPF_ADD, 1, -32);
	mov_reg(g, 2, 8);
	if (g->ncall == MAX_FIXUPS) {
		g->oom = true;
		return;
	}
	g->calls[g->ncall++] = g->n;
	emit(g, BPF_JMP | BPF_CALL, 0, BPF_PSEUDO_CALL, 0, 0);
	if (chance(g, 2)) {
		/* the caller's buffer at an offset the callee returned (or at
		 * the caller's r8, which the callee may have set in its frame) */
		uint8_t size = sizes[pick(g, 4)];
		uint8_t off_reg = chance(g, 3) ? 8 : 0;

		mov_reg(g, 2, 10);
		alu(g, BPF_ALU64, BPF_ADD, 2, -32);
		add_reg(g, 2, off_reg);
		access(g, 2, edge_off(g, 32 - (int32_t)g->sub_ret_max, size), size);
	}
}

static void emit_sub(struct gen *g)
{
	uint8_t size = (uint8_t)g->sub_size;

	if (g->sub == 0) {
		emit(g, BPF_JMP | BPF_K | BPF_JGT, 2, 0, 2, (int32_t)g->sub_bound);
	} else {
		emit(g, BPF_ALU64 | BPF_K | BPF_AND, 2, 0, 0, 31);
		emit(g, BPF_JMP | BPF_K | BPF_JGT, 2, 0, 2, (int32_t)g->sub_bound);
	}
	add_reg(g, 1, 2);
	emit(g, (uint8_t)(BPF_LDX | BPF_MEM | size), 0, 1, (int16_t)g->sub_k, 0);
	/* return r2 & mask (the caller indexes its buffer with it); the
	 * callee's r8 is its own: the caller's comes back */
	if (g->sub_clobber)
		emit(g, BPF_ALU64 | BPF_K | BPF_MOV, 8, 0, 0, 0);
	emit(g, BPF_ALU64 | BPF_X | BPF_MOV, 0, 2, 0, 0);
	alu(g, BPF_ALU64, BPF_AND, 0, (int32_t)g->sub_ret_max);
	emit(g, BPF_JMP | BPF_EXIT, 0, 0, 0, 0);
}

/* bpf_loop over a 32-byte buffer of this frame: the callback bounds the
 * index it is given, reads the buffer and may write it (see emit_callback).
 * The caller may keep a pointer (to fp-48) in the buffer and store through it
 * after the call: only safe when no run of the callback can overwrite it. */
static void block_bpf_loop(struct gen *g)
{
	int16_t spill = 0;

	if (!g->ncb) {
		g->cb_size = sizes[pick(g, 4)];
		g->cb_bound = pick(g, 32);
		g->cb_k = (uint32_t)edge_off(g, 32 - (int32_t)g->cb_bound, (uint8_t)g->cb_size);
		g->cb_ret = chance(g, 8) ? 2 : pick(g, 2);
		g->cb_write = chance(g, 2);
		g->cb_wsize = sizes[pick(g, 4)];
		g->cb_wk = (uint32_t)edge_off(g, 32 - (int32_t)g->cb_bound, (uint8_t)g->cb_wsize);
	}
	for (int16_t off = -32; off < 0; off += 8)
		if (!chance(g, 16))
			emit(g, BPF_ST | BPF_MEM | BPF_DW, 10, 0, off, 0);
	if (chance(g, 2)) {
		spill = (int16_t)(-32 + 8 * (int16_t)pick(g, 4));
		mov_reg(g, 0, 10);
		alu(g, BPF_ALU64, BPF_ADD, 0, -48);
		emit(g, BPF_STX | BPF_MEM | BPF_DW, 10, 0, spill, 0);
	}
	load_r8(g);
	if (chance(g, 2)) {
		emit(g, BPF_ALU64 | BPF_K | BPF_MOV, 1, 0, 0, 1 + (int32_t)pick(g, 40));
	} else {
		mov_reg(g, 1, 8);
		alu(g, BPF_ALU64, BPF_AND, 1, 63);
	}
	if (g->ncb == MAX_FIXUPS) {
		g->oom = true;
		return;
	}
	g->cbs[g->ncb++] = g->n;
	emit(g, BPF_LD | BPF_IMM | BPF_DW, 2, BPF_PSEUDO_FUNC, 0, 0);
	emit(g, 0, 0, 0, 0, 0);
	mov_reg(g, 3, 10);
	alu(g, BPF_ALU64, BPF_ADD, 3, -32);
	emit(g, BPF_ALU64 | BPF_K | BPF_MOV, 4, 0, 0, 0);
	emit(g, BPF_JMP | BPF_CALL, 0, 0, 0, 181);
	if (spill) {
		emit(g, BPF_LDX | BPF_MEM | BPF_DW, 0, 10, spill, 0);
		emit(g, BPF_ST | BPF_MEM | BPF_DW, 0, 0, 0, 0);
	}
}

/* callback(index r1, ctx r2): if index > bound return; read ctx[index + k],
 * maybe write ctx[index + wk] */
static void emit_callback(struct gen *g)
{
	emit(g, BPF_JMP | BPF_K | BPF_JGT, 1, 0, g->cb_write ? 3 : 2, (int32_t)g->cb_bound);
	add_reg(g, 2, 1);
	emit(g, (uint8_t)(BPF_LDX | BPF_MEM | g->cb_size), 0, 2, (int16_t)g->cb_k, 0);
	if (g->cb_write)
		emit(g, (uint8_t)(BPF_STX | BPF_MEM | g->cb_wsize), 2, 1, (int16_t)g->cb_wk, 0);
	emit(g, BPF_ALU64 | BPF_K | BPF_MOV, 0, 0, 0, (int32_t)g->cb_ret);
	emit(g, BPF_JMP | BPF_EXIT, 0, 0, 0, 0);
}

/* tc: bpf_skb_load_bytes into a buffer of this frame, or a helper that
 * reshapes the packet (the test context's packet is exactly sized, so most
 * calls move it to a new buffer and free the old one) followed by uses of
 * packet pointers from before the call: in r6, in a copy, or spilled. Stale
 * pointers are use-after-free under ASan. */
static void block_skb(struct gen *g)
{
	static const int32_t helpers[] = { 43, 38, 39, 50, 9 };
	int32_t id = helpers[pick(g, 5)], n = 1 + (int32_t)pick(g, 16);
	uint32_t stale;

	if (chance(g, 3)) {
		int32_t len = 1 + (int32_t)pick(g, 32);

		for (int16_t off = -32; off < 0; off += 8)
			emit(g, BPF_ST | BPF_MEM | BPF_DW, 10, 0, off, 0);
		load_r8(g);
		emit(g, BPF_LDX | BPF_MEM | BPF_DW, 1, 10, CTX_SLOT, 0);
		if (chance(g, 2)) {
			emit(g, BPF_ALU64 | BPF_K | BPF_MOV, 2, 0, 0, (int32_t)pick(g, 20));
		} else {
			mov_reg(g, 2, 8);
			alu(g, BPF_ALU64, BPF_AND, 2, 15);
		}
		mov_reg(g, 3, 10);
		alu(g, BPF_ALU64, BPF_ADD, 3, -32);
		if (chance(g, 2)) {
			if (chance(g, 4))
				len++;
			emit(g, BPF_ALU64 | BPF_K | BPF_MOV, 4, 0, 0, len);
		} else {
			mov_reg(g, 4, 9);
			alu(g, BPF_ALU64, BPF_AND, 4, chance(g, 4) ? 63 : 31);
			jump_out(g, BPF_JMP | BPF_K | BPF_JEQ, 4, 0, 0);
			if (chance(g, 2))
				jump_out(g, BPF_JMP | BPF_K | (chance(g, 4) ? BPF_JGE : BPF_JGT), 4, 0,
					 32);
		}
		emit(g, BPF_JMP | BPF_CALL, 0, 0, 0, 26);
		return;
	}
	mov_reg(g, 2, 6);
	mov_reg(g, 3, 6);
	alu(g, BPF_ALU64, BPF_ADD, 3, n);
	jump_out(g, BPF_JMP | BPF_X | BPF_JGT, 3, 7, 0);
	emit(g, BPF_STX | BPF_MEM | BPF_DW, 10, 2, -24, 0);
	mov_reg(g, 9, 2);
	emit(g, BPF_LDX | BPF_MEM | BPF_DW, 1, 10, CTX_SLOT, 0);
	switch (id) {
	case 43: /* change_head(skb, room, 0) */
		emit(g, BPF_ALU64 | BPF_K | BPF_MOV, 2, 0, 0, 14);
		emit(g, BPF_ALU64 | BPF_K | BPF_MOV, 3, 0, 0, 0);
		break;
	case 38: /* change_tail(skb, 256, 0) */
		emit(g, BPF_ALU64 | BPF_K | BPF_MOV, 2, 0, 0, 256);
		emit(g, BPF_ALU64 | BPF_K | BPF_MOV, 3, 0, 0, 0);
		break;
	case 39: /* pull_data(skb, 0) */
		emit(g, BPF_ALU64 | BPF_K | BPF_MOV, 2, 0, 0, 0);
		break;
	case 50: /* adjust_room(skb, 8, MAC, 0) */
		emit(g, BPF_ALU64 | BPF_K | BPF_MOV, 2, 0, 0, 8);
		emit(g, BPF_ALU64 | BPF_K | BPF_MOV, 3, 0, 0, 1);
		emit(g, BPF_ALU64 | BPF_K | BPF_MOV, 4, 0, 0, 0);
		break;
	default: /* store_bytes(skb, 0, fp - 24, 1, 0) */
		emit(g, BPF_ALU64 | BPF_K | BPF_MOV, 2, 0, 0, 0);
		mov_reg(g, 3, 10);
		alu(g, BPF_ALU64, BPF_ADD, 3, -24);
		emit(g, BPF_ALU64 | BPF_K | BPF_MOV, 4, 0, 0, 1);
		emit(g, BPF_ALU64 | BPF_K | BPF_MOV, 5, 0, 0, 0);
		break;
	}
	emit(g, BPF_JMP | BPF_CALL, 0, 0, 0, id);
	stale = pick(g, 4);
	if (stale == 1) {
		emit(g, BPF_LDX | BPF_MEM | BPF_DW, 4, 10, -24, 0);
		emit(g, BPF_LDX | BPF_MEM | BPF_B, 0, 4, 0, 0);
	} else if (stale == 2) {
		emit(g, BPF_LDX | BPF_MEM | BPF_B, 0, 9, 0, 0);
	} else if (stale == 3) {
		emit(g, BPF_ST | BPF_MEM | BPF_B, 6, 0, 0, 1);
	}
	/* the pointers a correct program takes again after the call */
	emit(g, BPF_LDX | BPF_MEM | BPF_DW, 1, 10, CTX_SLOT, 0);
	if (chance(g, 8)) {
		emit(g, BPF_LDX | BPF_MEM | BPF_W, 7, 1, 80, 0);
	} else {
		emit(g, BPF_LDX | BPF_MEM | BPF_W, 6, 1, 76, 0);
		emit(g, BPF_LDX | BPF_MEM | BPF_W, 7, 1, 80, 0);
	}
	emit(g, BPF_LDX | BPF_MEM | BPF_W, 9, 1, 8, 0);
}

/* A legacy packet load (tc only): the context in r6 for it, sometimes past
 * the packet (the program then ends) or from the network header
 * (SKF_NET_OFF), the index masked from the mark; the result in r8 indexes
 * the stack, bounded as block_stack does or only by the load's width: a byte
 * fits 256 bytes below the frame pointer, one byte more or a wider load does
 * not. The packet pointers are taken again after it, as after block_skb. */
static void block_ld_pkt(struct gen *g)
{
	static const uint8_t ld_sizes[] = { BPF_B, BPF_H, BPF_W };
	uint8_t size = ld_sizes[pick(g, 3)];
	int32_t imm = chance(g, 4) ? -0x100000 + (int32_t)pick(g, 24)
				   : (int32_t)pick(g, MAX_PACKET + 8);

	emit(g, BPF_LDX | BPF_MEM | BPF_DW, 6, 10, CTX_SLOT, 0);
	if (chance(g, 2)) {
		emit(g, (uint8_t)(BPF_LD | BPF_ABS | size), 0, 0, 0, imm);
	} else {
		mov_reg(g, 2, 9);
		alu(g, BPF_ALU64, BPF_AND, 2, 63);
		emit(g, (uint8_t)(BPF_LD | BPF_IND | size), 0, 2, 0, imm);
	}
	mov_reg(g, 8, 0);
	emit(g, BPF_LDX | BPF_MEM | BPF_DW, 1, 10, CTX_SLOT, 0);
	emit(g, BPF_LDX | BPF_MEM | BPF_W, 6, 1, 76, 0);
	emit(g, BPF_LDX | BPF_MEM | BPF_W, 7, 1, 80, 0);
	mov_reg(g, 2, 10);
	if (chance(g, 2) && (size == BPF_B || chance(g, 4))) {
		alu(g, BPF_ALU64, BPF_ADD, 2, -256);
		add_reg(g, 2, 8);
		emit(g, BPF_ST | BPF_MEM | BPF_B, 2, 0, chance(g, 4) ? 1 : 0, 0x5a);
		return;
	}
	{
		uint8_t asize = sizes[pick(g, 4)];
		int32_t max = bound_r8(g);

		for (int16_t off = -64; off < 0; off += 8)
			emit(g, BPF_ST | BPF_MEM | BPF_DW, 10, 0, off, off);
		alu(g, BPF_ALU64, BPF_ADD, 2, -64);
		add_reg(g, 2, 8);
		access(g, 2, edge_off(g, 64 - max, asize), asize);
	}
}

/* A loop over packet bytes with a data-dependent bound. */
static void block_loop(struct gen *g)
{
	uint32_t head;
	uint8_t op;

	load_r8(g);
	alu(g, BPF_ALU64, BPF_AND, 8, chance(g, 2) ? 15 : 63);
	emit(g, BPF_ALU64 | BPF_K | BPF_MOV, 4, 0, 0, 0);
	head = g->n;
	mov_reg(g, 2, 6);
	add_reg(g, 2, 4);
	mov_reg(g, 3, 2);
	alu(g, BPF_ALU64, BPF_ADD, 3, 1);
	check_end(g);
	emit(g, (uint8_t)(BPF_LDX | BPF_MEM | BPF_B), 0, 2, chance(g, 5) ? 1 : 0, 0);
	alu(g, BPF_ALU64, BPF_ADD, 4, 1);
	/* `!=` only against a constant: against r8 the verifier walks the loop
	 * to the 64 KiB packet limit before it rejects, a second per program */
	if (chance(g, 4)) {
		emit(g, BPF_JMP | BPF_K | BPF_JNE, 4, 0,
		     (int16_t)((int32_t)head - (int32_t)g->n - 1), 1 + (int32_t)pick(g, 16));
		return;
	}
	op = chance(g, 3) ? BPF_JLE : BPF_JLT;
	emit(g, (uint8_t)(BPF_JMP | BPF_X | op), 4, 8, (int16_t)((int32_t)head - (int32_t)g->n - 1),
	     0);
}

/* Points the forward jump at `at` to the next instruction. */
static void land_here(struct gen *g, uint32_t at)
{
	if (at < g->n)
		g->p[at].off = (int16_t)(g->n - at - 1);
}

/* A bound learnt on a copy of r8 offset by a constant (linked scalars):
 * sometimes r8 changes after the copy, or the offset wraps. */
static void block_linked(struct gen *g)
{
	static const int32_t deltas[] = { 1, 2, -1, -4, 8, 0x7fffffff, (int32_t)0x80000000, -16 };
	uint8_t size = sizes[pick(g, 4)];
	int32_t d = deltas[pick(g, sizeof(deltas) / sizeof(deltas[0]))], max;
	uint8_t jcls = chance(g, 4) ? BPF_JMP32 : BPF_JMP;

	load_r8(g);
	switch (pick(g, 5)) {
	case 0:
		alu(g, BPF_ALU64, BPF_AND, 8, 0xffff);
		break;
	case 1: /* upper bits set: a 32-bit copy is not the same value */
		alu(g, BPF_ALU64, BPF_SUB, 8, 8);
		break;
	case 2:
		alu(g, BPF_ALU64, BPF_LSH, 8, 28);
		break;
	case 3:
		emit(g, BPF_ALU64 | BPF_X | BPF_MOV, 8, 8, 32, 0); /* sign-extended from 32 */
		break;
	}
	emit(g, (uint8_t)((chance(g, 4) ? BPF_ALU : BPF_ALU64) | BPF_X | BPF_MOV), 5, 8, 0, 0);
	alu(g, chance(g, 5) ? BPF_ALU : BPF_ALU64, BPF_ADD, 5, d);
	if (chance(g, 5))
		alu(g, BPF_ALU64, BPF_ADD, 8, 1);
	if (chance(g, 6))
		emit(g, BPF_ALU64 | BPF_X | BPF_MOV, 4, 5, 0, 0);
	max = (int32_t)pick(g, 24);
	switch (pick(g, 3)) {
	case 0: /* r5 in [d, d + max] */
		jump_out(g, (uint8_t)(jcls | BPF_K | BPF_JSLT), 5, 0, d);
		jump_out(g, (uint8_t)(jcls | BPF_K | BPF_JSGT), 5, 0, (int32_t)((uint32_t)d + (uint32_t)max));
		break;
	case 1:
		jump_out(g, (uint8_t)(jcls | BPF_K | BPF_JLT), 5, 0, d);
		jump_out(g, (uint8_t)(jcls | BPF_K | BPF_JGT), 5, 0, (int32_t)((uint32_t)d + (uint32_t)max));
		break;
	default:
		jump_out(g, (uint8_t)(jcls | BPF_K | BPF_JGT), 5, 0, (int32_t)((uint32_t)d + (uint32_t)max));
		break;
	}
	if (chance(g, 2)) {
		uint8_t use;

		lookup(g, &use);
		add_reg(g, use, 8);
		access(g, use, edge_off(g, VALUE_SIZE - max, size), size);
		return;
	}
	mov_reg(g, 2, 6);
	add_reg(g, 2, 8);
	packet_access(g, 1 + (int32_t)pick(g, 8));
}

/* Two paths that prove different things join before an access: what the
 * one verified first must not cover the other when pruning. */
static void block_join(struct gen *g)
{
	uint8_t size = sizes[pick(g, 4)];
	int32_t a = 1 + (int32_t)pick(g, 16), b = 1 + (int32_t)pick(g, 16);
	uint32_t skip, over;

	switch (pick(g, 5)) {
	case 3: /* a packet pointer checked on one path only */
		mov_reg(g, 2, 6);
		skip = g->n;
		emit(g, BPF_JMP | BPF_K | BPF_JSET, 9, 0, 0, 1 << pick(g, 3));
		mov_reg(g, 3, 6);
		alu(g, BPF_ALU64, BPF_ADD, 3, a);
		jump_out(g, BPF_JMP | BPF_X | BPF_JGT, 3, 7, 0);
		land_here(g, skip);
		access(g, 2, edge_off(g, a, size), size);
		break;
	case 4: { /* a stack slot holding a pointer on one path, a scalar on the other */
		static const int32_t junk[] = { 0, 0x7f000000, 1 };

		mov_reg(g, 2, 6);
		mov_reg(g, 3, 6);
		alu(g, BPF_ALU64, BPF_ADD, 3, a);
		jump_out(g, BPF_JMP | BPF_X | BPF_JGT, 3, 7, 0);
		skip = g->n;
		emit(g, BPF_JMP | BPF_K | BPF_JSET, 9, 0, 0, 1 << pick(g, 3));
		emit(g, BPF_STX | BPF_MEM | BPF_DW, 10, 2, -48, 0);
		over = g->n;
		emit(g, BPF_JMP | BPF_JA, 0, 0, 0, 0);
		land_here(g, skip);
		if (chance(g, 2)) {
			emit(g, BPF_ST | BPF_MEM | BPF_DW, 10, 0, -48, junk[pick(g, 3)]);
		} else {
			/* the same pointer moved: a different offset in the slot */
			mov_reg(g, 4, 2);
			alu(g, BPF_ALU64, BPF_ADD, 4, b);
			emit(g, BPF_STX | BPF_MEM | BPF_DW, 10, 4, -48, 0);
		}
		land_here(g, over);
		emit(g, BPF_LDX | BPF_MEM | BPF_DW, 4, 10, -48, 0);
		access(g, 4, edge_off(g, a, size), size);
		break;
	}
	case 0: /* packet ranges a and b */
		mov_reg(g, 2, 6);
		mov_reg(g, 3, 6);
		skip = g->n;
		emit(g, BPF_JMP | BPF_K | BPF_JSET, 9, 0, 0, 1 << pick(g, 3));
		alu(g, BPF_ALU64, BPF_ADD, 3, a);
		over = g->n;
		emit(g, BPF_JMP | BPF_JA, 0, 0, 0, 0);
		land_here(g, skip);
		alu(g, BPF_ALU64, BPF_ADD, 3, b);
		land_here(g, over);
		check_end(g);
		access(g, 2, edge_off(g, a < b ? a : b, size), size);
		break;
	case 1: { /* a value pointer checked on one path only */
		uint8_t use;

		lookup(g, &use);
		skip = g->n;
		emit(g, BPF_JMP | BPF_K | BPF_JSET, 9, 0, 0, 1 << pick(g, 3));
		jump_out(g, BPF_JMP | BPF_K | BPF_JEQ, use, 0, 0);
		land_here(g, skip);
		access(g, use, edge_off(g, VALUE_SIZE, size), size);
		break;
	}
	default: /* r8 masked differently on each path */
		load_r8(g);
		mov_reg(g, 2, 10);
		alu(g, BPF_ALU64, BPF_ADD, 2, -32);
		for (int16_t off = -32; off < 0; off += 8)
			emit(g, BPF_ST | BPF_MEM | BPF_DW, 10, 0, off, 0);
		skip = g->n;
		emit(g, BPF_JMP | BPF_K | BPF_JSET, 9, 0, 0, 1 << pick(g, 3));
		alu(g, BPF_ALU64, BPF_AND, 8, a);
		over = g->n;
		emit(g, BPF_JMP | BPF_JA, 0, 0, 0, 0);
		land_here(g, skip);
		alu(g, BPF_ALU64, BPF_AND, 8, b);
		land_here(g, over);
		add_reg(g, 2, 8);
		access(g, 2, edge_off(g, 32 - (a > b ? a : b), size), size);
		break;
	}
}

/* r1 = a pointer to memory proven `*len` bytes long (packet, stack or map
 * value), maybe moved by a bounded r8; r6-r9 kept. */
static void memory_arg(struct gen *g, int32_t *len)
{
	int32_t max = 0;

	switch (pick(g, 4)) {
	case 0:
		*len = 4 + (int32_t)pick(g, 40);
		mov_reg(g, 1, 6);
		mov_reg(g, 3, 6);
		alu(g, BPF_ALU64, BPF_ADD, 3, *len);
		check_end(g);
		break;
	case 1: {
		uint8_t use;

		lookup(g, &use);
		mov_reg(g, 1, use);
		*len = VALUE_SIZE;
		break;
	}
	case 2:
		*len = 32;
		for (int16_t off = -32; off < 0; off += 8)
			if (!chance(g, 16))
				emit(g, BPF_ST | BPF_MEM | BPF_DW, 10, 0, off, 0);
		mov_reg(g, 1, 10);
		alu(g, BPF_ALU64, BPF_ADD, 1, -32);
		break;
	default:
		*len = 0;
		emit(g, BPF_ALU64 | BPF_K | BPF_MOV, 1, 0, 0, 0);
		return;
	}
	if (chance(g, 3)) {
		load_r8(g);
		max = bound_r8(g);
		add_reg(g, 1, 8);
		*len -= max;
	}
}

/* bpf_csum_diff reads `size` bytes at r1 (a multiple of 4: the helper
 * refuses other sizes before reading). */
static void block_csum(struct gen *g)
{
	int32_t len;

	memory_arg(g, &len);
	if (chance(g, 2)) {
		int32_t size = len / 4 * 4;

		if (chance(g, 4))
			size += 4;
		else if (chance(g, 8))
			size = 4;
		emit(g, BPF_ALU64 | BPF_K | BPF_MOV, 2, 0, 0, size);
	} else {
		static const int32_t masks[] = { 12, 28, 60, 0x7c };

		mov_reg(g, 2, 9);
		alu(g, BPF_ALU64, BPF_AND, 2, masks[pick(g, 4)]);
		if (chance(g, 2))
			jump_out(g, (uint8_t)(BPF_JMP | BPF_K | (chance(g, 4) ? BPF_JGE : BPF_JGT)), 2,
				 0, len);
	}
	emit(g, BPF_ALU64 | BPF_K | BPF_MOV, 3, 0, 0, 0);
	emit(g, BPF_ALU64 | BPF_K | BPF_MOV, 4, 0, 0, 0);
	emit(g, BPF_ALU64 | BPF_K | BPF_MOV, 5, 0, 0, 0);
	emit(g, BPF_JMP | BPF_CALL, 0, 0, 0, 28);
}

/* bpf_map_update_elem of the array's only entry from memory that may be
 * shorter than the 16-byte value. */
static void block_update(struct gen *g)
{
	int32_t len;

	memory_arg(g, &len);
	mov_reg(g, 3, 1);
	emit(g, BPF_ST | BPF_MEM | BPF_W, 10, 0, -36, 0);
	emit(g, BPF_LD | BPF_IMM | BPF_DW, 1, BPF_PSEUDO_MAP_IDX, 0, 0);
	emit(g, 0, 0, 0, 0, 0);
	mov_reg(g, 2, 10);
	alu(g, BPF_ALU64, BPF_ADD, 2, -36);
	emit(g, BPF_ALU64 | BPF_K | BPF_MOV, 4, 0, 0, 0);
	emit(g, BPF_JMP | BPF_CALL, 0, 0, 0, 2);
}

/* A bounded scalar spilled to the stack, the slot maybe changed (a narrower
 * store, an atomic add or exchange), filled back at some width and offset,
 * then used as an offset into the map value. */
static void block_spill_scalar(struct gen *g)
{
	static const int16_t fill_offs[] = { -8, -8, -8, -4, -7 };
	uint8_t use, size = sizes[pick(g, 4)], spill = sizes[pick(g, 4)];
	uint8_t fill = chance(g, 2) ? spill : sizes[pick(g, 4)];
	int32_t max;

	load_r8(g);
	lookup(g, &use);
	if (use != 0)
		mov_reg(g, 0, use);
	max = bound_r8(g);
	if (size_bytes(spill) < 8 || chance(g, 3))
		emit(g, BPF_ST | BPF_MEM | BPF_DW, 10, 0, -8, chance(g, 2) ? 0 : -1);
	emit(g, (uint8_t)(BPF_STX | BPF_MEM | spill), 10, 8, -8, 0);
	switch (pick(g, 6)) {
	case 0:
		emit(g, BPF_ST | BPF_MEM | BPF_B, 10, 0, (int16_t)(-8 + (int32_t)pick(g, 8)), 0x40);
		break;
	case 1: /* lock add */
		emit(g, BPF_ALU64 | BPF_K | BPF_MOV, 5, 0, 0, 1 + (int32_t)pick(g, 64));
		emit(g, (uint8_t)(BPF_STX | BPF_ATOMIC | (chance(g, 2) ? BPF_DW : BPF_W)), 10, 5, -8,
		     BPF_ADD | (chance(g, 2) ? BPF_FETCH : 0));
		break;
	case 2: /* exchange, the old value then used from r5 or the new from the slot */
		emit(g, BPF_ALU64 | BPF_K | BPF_MOV, 5, 0, 0, 64 + (int32_t)pick(g, 64));
		emit(g, BPF_STX | BPF_ATOMIC | BPF_DW, 10, 5, -8, BPF_XCHG);
		if (chance(g, 2)) {
			mov_reg(g, 8, 5);
			add_reg(g, 0, 8);
			access(g, 0, edge_off(g, VALUE_SIZE - max, size), size);
			return;
		}
		break;
	case 3: /* compare-and-exchange against r0: the slot may change */
		emit(g, BPF_ALU64 | BPF_K | BPF_MOV, 5, 0, 0, 64 + (int32_t)pick(g, 64));
		mov_reg(g, 4, 0);
		emit(g, BPF_ALU64 | BPF_X | BPF_MOV, 0, 8, 0, 0);
		emit(g, BPF_STX | BPF_ATOMIC | BPF_DW, 10, 5, -8, BPF_CMPXCHG);
		mov_reg(g, 0, 4);
		break;
	}
	emit(g, (uint8_t)(BPF_LDX | BPF_MEM | fill), 8, 10, fill_offs[pick(g, 5)], 0);
	add_reg(g, 0, 8);
	access(g, 0, edge_off(g, VALUE_SIZE - max, size), size);
}

/* A packet range learnt from a comparison with something that is not
 * data_end: another packet pointer (checked or not), data_end moved by
 * arithmetic, or the length data_end - data. */
static void block_pkt_other(struct gen *g)
{
	uint8_t size = sizes[pick(g, 4)];
	int32_t n = 1 + (int32_t)pick(g, 24), m = 1 + (int32_t)pick(g, 24);

	switch (pick(g, 3)) {
	case 0:
		mov_reg(g, 4, 6);
		alu(g, BPF_ALU64, BPF_ADD, 4, m);
		if (chance(g, 2))
			jump_out(g, BPF_JMP | BPF_X | BPF_JGT, 4, 7, 0);
		mov_reg(g, 3, 6);
		alu(g, BPF_ALU64, BPF_ADD, 3, n);
		jump_out(g, BPF_JMP | BPF_X | BPF_JGT, 3, 4, 0);
		break;
	case 1:
		mov_reg(g, 4, 7);
		alu(g, BPF_ALU64, BPF_ADD, 4, chance(g, 2) ? -m : m);
		mov_reg(g, 3, 6);
		alu(g, BPF_ALU64, BPF_ADD, 3, n);
		jump_out(g, BPF_JMP | BPF_X | BPF_JGT, 3, 4, 0);
		break;
	default:
		mov_reg(g, 4, 7);
		emit(g, BPF_ALU64 | BPF_X | BPF_SUB, 4, 6, 0, 0);
		load_r8(g);
		jump_out(g, BPF_JMP | BPF_X | (chance(g, 3) ? BPF_JGT : BPF_JGE), 8, 4, 0);
		mov_reg(g, 3, 6);
		add_reg(g, 3, 8);
		access(g, 3, 0, BPF_B);
		return;
	}
	mov_reg(g, 2, 6);
	access(g, 2, edge_off(g, n, size), size);
}

int bpfvm_soundness_generate(uint64_t seed, uint64_t index, struct bpfvm_insn **insns,
			     uint32_t *cnt, uint32_t *prog_type)
{
	static void (*const blocks[])(struct gen *) = { block_packet_const, block_packet_var,
							block_map, block_stack, block_spill,
							block_call, block_loop, block_linked,
							block_join, block_join, block_csum,
							block_update, block_spill_scalar,
							block_pkt_other, block_bpf_loop };
	struct gen g = { .rng = (seed * 0x9e3779b97f4a7c15ull) ^ (index + 1) * 0xbf58476d1ce4e5b9ull,
			 .sub = -1 };
	uint32_t out, sub, cb;

	if (!g.rng)
		g.rng = 1;
	for (int i = 0; i < 4; i++)
		rnd(&g);
	g.skb = index % 3 == 2;
	if (g.skb) {
		/* __sk_buff: data, data_end, mark */
		emit(&g, BPF_LDX | BPF_MEM | BPF_W, 6, 1, 76, 0);
		emit(&g, BPF_LDX | BPF_MEM | BPF_W, 7, 1, 80, 0);
		emit(&g, BPF_LDX | BPF_MEM | BPF_W, 9, 1, 8, 0);
		emit(&g, BPF_STX | BPF_MEM | BPF_DW, 10, 1, CTX_SLOT, 0);
	} else {
		/* xdp_md: data, data_end, ingress_ifindex */
		emit(&g, BPF_LDX | BPF_MEM | BPF_W, 6, 1, 0, 0);
		emit(&g, BPF_LDX | BPF_MEM | BPF_W, 7, 1, 4, 0);
		emit(&g, BPF_LDX | BPF_MEM | BPF_W, 9, 1, 12, 0);
	}
	emit(&g, BPF_ALU64 | BPF_K | BPF_MOV, 8, 0, 0, 0);
	for (uint32_t b = 1 + pick(&g, 4); b; b--) {
		uint32_t nb = sizeof(blocks) / sizeof(blocks[0]), k = pick(&g, nb + 3);

		if (k == nb + 2)
			(g.skb ? block_ld_pkt : block_packet_const)(&g);
		else if (k >= nb)
			(g.skb ? block_skb : block_packet_const)(&g);
		else
			blocks[k](&g);
	}
	out = g.n;
	emit(&g, BPF_ALU64 | BPF_K | BPF_MOV, 0, 0, 0, XDP_PASS);
	emit(&g, BPF_JMP | BPF_EXIT, 0, 0, 0, 0);
	sub = g.n;
	if (g.sub >= 0)
		emit_sub(&g);
	cb = g.n;
	if (g.ncb)
		emit_callback(&g);
	if (g.oom) {
		free(g.p);
		return bpfvm_errorf(-ENOMEM, "out of memory generating a program");
	}
	for (uint32_t i = 0; i < g.nout; i++)
		g.p[g.outs[i]].off = (int16_t)(out - g.outs[i] - 1);
	for (uint32_t i = 0; i < g.ncall; i++)
		g.p[g.calls[i]].imm = (int32_t)(sub - g.calls[i] - 1);
	for (uint32_t i = 0; i < g.ncb; i++)
		g.p[g.cbs[i]].imm = (int32_t)(cb - g.cbs[i] - 1);
	*insns = g.p;
	*cnt = g.n;
	*prog_type = g.skb ? 3 : 6;
	return 0;
}

int bpfvm_soundness_new(struct bpfvm_soundness **out)
{
	struct bpfvm_map_create_opts array = { .sz = sizeof(array), .map_type = 2, .key_size = 4,
					       .value_size = VALUE_SIZE, .max_entries = 1,
					       .name = "vfuzz_array" };
	struct bpfvm_map_create_opts hash = { .sz = sizeof(hash), .map_type = 1, .key_size = 4,
					      .value_size = VALUE_SIZE, .max_entries = 4,
					      .name = "vfuzz_hash" };
	struct bpfvm_soundness *s = calloc(1, sizeof(*s));
	int r;

	if (!s)
		return bpfvm_errorf(-ENOMEM, "out of memory");
	r = bpfvm_map_create(&array, &s->maps[0]);
	if (!r)
		r = bpfvm_map_create(&hash, &s->maps[1]);
	if (r) {
		bpfvm_soundness_free(s);
		return r;
	}
	*out = s;
	return 0;
}

void bpfvm_soundness_free(struct bpfvm_soundness *s)
{
	if (!s)
		return;
	for (int i = 0; i < 2; i++)
		if (s->maps[i])
			bpfvm_map_free(s->maps[i]);
	free(s);
}

/* Lengths near the ones programs check, values near their bounds. */
static uint32_t packet_len(struct gen *g, uint32_t run)
{
	if (run < 48)
		return run;
	return pick(g, MAX_PACKET + 1);
}

static uint8_t packet_byte(struct gen *g)
{
	switch (pick(g, 4)) {
	case 0:
		return (uint8_t)pick(g, 4);
	case 1:
		return (uint8_t)(0xff - pick(g, 4));
	default:
		return (uint8_t)rnd(g);
	}
}

static uint32_t ctx_scalar(struct gen *g)
{
	static const uint32_t edges[] = { 0, 1, 7, 8, 15, 16, 31, 32, 39, 40, 63, 64, 255,
					  0x7fffffff, 0x80000000, 0xfffffff0, 0xffffffff };
	uint32_t v = edges[pick(g, sizeof(edges) / sizeof(edges[0]))];

	return chance(g, 4) ? (uint32_t)rnd(g) : v + pick(g, 3) - 1;
}

/* The context of one run, with the packet at pkt (malloc'd, len bytes). */
static void *make_ctx(struct gen *g, uint32_t prog_type, uint8_t *pkt, uint32_t len)
{
	struct bpfvm_xdp_ctx *x;

	if (prog_type == 3) {
		struct bpfvm_skb_ctx *c = calloc(1, sizeof(*c));

		if (!c)
			return NULL;
		c->skb.len = len;
		c->skb.mark = ctx_scalar(g);
		c->skb.protocol = 8;
		c->data = c->data_meta = (uint64_t)(uintptr_t)pkt;
		c->data_end = (uint64_t)(uintptr_t)(pkt + len);
		c->pkt.buf = pkt;
		c->pkt.buf_end = pkt + len;
		c->mac_len = 14;
		return c;
	}
	x = calloc(1, sizeof(*x));
	if (!x)
		return NULL;
	x->md.ingress_ifindex = ctx_scalar(g);
	x->md.rx_queue_index = ctx_scalar(g);
	x->data = x->data_meta = (uint64_t)(uintptr_t)pkt;
	x->data_end = (uint64_t)(uintptr_t)(pkt + len);
	x->pkt.buf = pkt;
	x->pkt.buf_end = pkt + len;
	return x;
}

int bpfvm_soundness_check(struct bpfvm_soundness *s, const struct bpfvm_insn *insns,
			  uint32_t cnt, uint32_t prog_type, uint64_t seed, uint32_t runs)
{
	struct bpfvm_prog_load_opts opts = { .sz = sizeof(opts), .name = "vfuzz",
					     .prog_type = prog_type,
					     .engine = BPFVM_ENGINE_INTERP, .maps = s->maps,
					     .map_cnt = 2 };
	struct gen g = { .rng = seed | 1 };
	struct bpfvm_prog *prog;
	const struct bpfvm_exec *exec;
	int r = bpfvm_prog_load(insns, cnt, &opts, &prog);

	if (r == -EACCES)
		return 0;
	if (r)
		return r;
	exec = bpfvm_prog_exec(prog);
	for (uint32_t run = 0; run < runs; run++) {
		uint32_t len = packet_len(&g, run);
		uint8_t *pkt = malloc(len ? len : 1);
		void *ctx;
		struct bpfvm_run state = { 0 };
		uint32_t key = 0;
		uint8_t value[VALUE_SIZE];

		if (!pkt || !(ctx = make_ctx(&g, prog_type, pkt, len))) {
			free(pkt);
			bpfvm_prog_free(prog);
			return bpfvm_errorf(-ENOMEM, "out of memory");
		}
		for (uint32_t i = 0; i < len; i++)
			pkt[i] = packet_byte(&g);
		for (uint32_t i = 0; i < VALUE_SIZE; i++)
			value[i] = (uint8_t)rnd(&g);
		bpfvm_map_update_elem(s->maps[0], &key, value, 0);
		bpfvm_exec_run(exec, ctx, &state);
		/* tc helpers may have moved the packet to a new buffer */
		free(prog_type == 3 ? ((struct bpfvm_skb_ctx *)ctx)->pkt.buf
				    : ((struct bpfvm_xdp_ctx *)ctx)->pkt.buf);
		free(ctx);
	}
	bpfvm_prog_free(prog);
	return 1;
}
