/* The engine-differential generator and checker (see jit_difftest.h).
 *
 * Generated programs are valid by construction, not by filtering: r9 holds
 * the buffer for the whole program and is never written, r10 is used only as
 * an address, every stack slot a frame reads was written by that frame's
 * prologue, loops count down a register their body may not write, calls go
 * only to later functions (so depth stays small), and after a helper call
 * r1-r5 are given fresh values before anything reads them (the JIT, like
 * Linux, leaves them clobbered), as after a bpf-to-bpf call, whose callee may
 * return from a failed legacy packet load with r1-r5 clobbered. Whatever such
 * a program computes is thus defined by RFC 9669, identical for both engines,
 * and visible: main stores r0-r8 into the buffer before it exits. */
#include "exec/jit_difftest.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bpfvm/isa.h"
#include "isa/opcodes.h"
#include "util/error.h"

#define MAX_FUNCS 4
#define MAX_FIXUPS 64
#define DATA_BYTES (BPFVM_DIFFTEST_MEM / 2) /* the part programs read and write */
#define STACK_BYTES 64                        /* per frame, initialized first */
#define REG_BUF 9                             /* holds the buffer; never written */
#define REG_LOOP 8                            /* loop counter inside loops */

struct gen {
	uint64_t rng;
	struct bpfvm_insn *p;
	uint32_t n, cap;
	bool oom;
	uint16_t ro; /* registers that generated code must not write */
	int nfuncs, cur;
	uint32_t func_start[MAX_FUNCS];
	struct {
		uint32_t at;
		int func;
	} fixups[MAX_FIXUPS];
	int nfixups;
};

static uint64_t splitmix(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static uint32_t below(struct gen *g, uint32_t n)
{
	return (uint32_t)(splitmix(&g->rng) % n);
}

static int32_t rnd_imm(struct gen *g)
{
	switch (below(g, 8)) {
	case 0: return (int32_t)below(g, 33) - 16;
	case 1: return 0;
	case 2: return -1;
	case 3: return INT32_MIN;
	case 4: return INT32_MAX;
	case 5: return (int32_t)(1u << below(g, 32));
	default: return (int32_t)(uint32_t)splitmix(&g->rng);
	}
}

static uint64_t rnd_imm64(struct gen *g)
{
	switch (below(g, 6)) {
	case 0: return 0x8000000000000000ull;
	case 1: return (uint64_t)-1;
	case 2: return 1ull << below(g, 64);
	case 3: return (uint64_t)(int64_t)rnd_imm(g);
	case 4: return 0xffffffffull;
	default: return splitmix(&g->rng);
	}
}

static uint32_t put(struct gen *g, uint8_t code, int dst, int src, int16_t off, int32_t imm)
{
	if (g->n == g->cap) {
		uint32_t cap = g->cap ? g->cap * 2 : 256;
		struct bpfvm_insn *p = realloc(g->p, cap * sizeof(*p));

		if (!p) {
			g->oom = true;
			return g->n;
		}
		g->p = p;
		g->cap = cap;
	}
	g->p[g->n] = (struct bpfvm_insn){ .code = code, .dst_reg = (uint8_t)dst,
					  .src_reg = (uint8_t)src, .off = off, .imm = imm };
	return g->n++;
}

static void put_lddw(struct gen *g, int dst, uint64_t v)
{
	put(g, BPF_LD | BPF_IMM | BPF_DW, dst, 0, 0, (int32_t)(uint32_t)v);
	put(g, 0, 0, 0, 0, (int32_t)(uint32_t)(v >> 32));
}

/* Any register whose value is the same in both engines (not r10). */
static int src_reg(struct gen *g)
{
	return (int)below(g, 10);
}

static int dst_reg(struct gen *g)
{
	int r;

	do
		r = (int)below(g, 9);
	while (g->ro & (1u << r));
	return r;
}

static void gen_alu(struct gen *g)
{
	static const uint8_t ops[] = {
		BPF_ADD, BPF_SUB, BPF_MUL, BPF_DIV, BPF_OR, BPF_AND, BPF_LSH, BPF_RSH, BPF_NEG,
		BPF_MOD, BPF_XOR, BPF_MOV, BPF_ARSH, BPF_END,
	};
	bool w = below(g, 2);
	uint8_t cls = w ? BPF_ALU64 : BPF_ALU, op = ops[below(g, sizeof(ops))];
	int dst = dst_reg(g);
	int16_t off = 0;

	if (op == BPF_NEG) {
		put(g, cls | op | BPF_K, dst, 0, 0, 0);
		return;
	}
	if (op == BPF_END) {
		static const int32_t widths[3] = { 16, 32, 64 };
		uint8_t src = w ? BPF_TO_LE : below(g, 2) ? BPF_TO_BE : BPF_TO_LE;

		put(g, cls | op | src, dst, 0, 0, widths[below(g, 3)]);
		return;
	}
	if (op == BPF_DIV || op == BPF_MOD)
		off = (int16_t)below(g, 2);
	if (op == BPF_MOV && below(g, 4) == 0) {
		static const int16_t sx[3] = { 8, 16, 32 };

		put(g, cls | op | BPF_X, dst, src_reg(g), sx[below(g, w ? 3 : 2)], 0);
		return;
	}
	if (below(g, 2))
		put(g, cls | op | BPF_K, dst, 0, off, rnd_imm(g));
	else
		put(g, cls | op | BPF_X, dst, src_reg(g), off, 0);
}

static uint8_t rnd_size(struct gen *g, int *bytes)
{
	static const uint8_t sizes[4] = { BPF_B, BPF_H, BPF_W, BPF_DW };
	static const int nbytes[4] = { 1, 2, 4, 8 };
	uint32_t k = below(g, 4);

	*bytes = nbytes[k];
	return sizes[k];
}

/* A base register and offset for `bytes` bytes, aligned when asked. */
static void rnd_addr(struct gen *g, int bytes, bool aligned, int *base, int16_t *off)
{
	if (below(g, 2)) {
		*base = REG_BUF;
		*off = (int16_t)below(g, DATA_BYTES - bytes + 1);
	} else {
		*base = BPF_REG_10;
		*off = (int16_t)-(int)(bytes + below(g, STACK_BYTES - bytes + 1));
	}
	if (aligned)
		*off = (int16_t)(*off & ~(bytes - 1));
}

static void gen_mem(struct gen *g)
{
	int bytes, base;
	int16_t off;
	uint8_t size = rnd_size(g, &bytes);

	rnd_addr(g, bytes, below(g, 2), &base, &off);
	switch (below(g, 3)) {
	case 0: {
		bool sx = size != BPF_DW && below(g, 3) == 0;

		put(g, BPF_LDX | (sx ? BPF_MEMSX : BPF_MEM) | size, dst_reg(g), base, off, 0);
		break;
	}
	case 1:
		put(g, BPF_ST | BPF_MEM | size, base, 0, off, rnd_imm(g));
		break;
	default:
		put(g, BPF_STX | BPF_MEM | size, base, src_reg(g), off, 0);
		break;
	}
}

static void gen_atomic(struct gen *g)
{
	static const int32_t ops[] = {
		BPF_ADD, BPF_OR, BPF_AND, BPF_XOR, BPF_ADD | BPF_FETCH, BPF_OR | BPF_FETCH,
		BPF_AND | BPF_FETCH, BPF_XOR | BPF_FETCH, BPF_XCHG, BPF_CMPXCHG,
	};
	bool w = below(g, 2);
	int32_t op = ops[below(g, sizeof(ops) / sizeof(ops[0]))];
	int base, src;
	int16_t off;

	rnd_addr(g, w ? 8 : 4, true, &base, &off);
	src = (op & BPF_FETCH) && op != BPF_CMPXCHG ? dst_reg(g) : src_reg(g);
	put(g, BPF_STX | BPF_ATOMIC | (w ? BPF_DW : BPF_W), base, src, off, op);
}

static void havoc_args(struct gen *g)
{
	for (int r = 1; r <= 5; r++)
		put(g, BPF_ALU64 | BPF_MOV | BPF_K, r, 0, 0, rnd_imm(g));
}

static void gen_block(struct gen *g, int count, int depth);

static void put_cond(struct gen *g, int16_t off)
{
	static const uint8_t ops[] = {
		BPF_JEQ, BPF_JGT, BPF_JGE, BPF_JSET, BPF_JNE, BPF_JSGT, BPF_JSGE, BPF_JLT,
		BPF_JLE, BPF_JSLT, BPF_JSLE,
	};
	uint8_t cls = below(g, 2) ? BPF_JMP : BPF_JMP32, op = ops[below(g, sizeof(ops))];

	if (below(g, 2))
		put(g, cls | op | BPF_K, src_reg(g), 0, off, rnd_imm(g));
	else
		put(g, cls | op | BPF_X, src_reg(g), src_reg(g), off, 0);
}

static void patch_off(struct gen *g, uint32_t at)
{
	if (g->oom)
		return;
	if (g->p[at].code == (BPF_JMP32 | BPF_JA))
		g->p[at].imm = (int32_t)(g->n - at - 1);
	else
		g->p[at].off = (int16_t)(g->n - at - 1);
}

/* if (cond) skip { A } or if (cond) { B } else { A }. */
static void gen_branch(struct gen *g, int depth)
{
	uint32_t cond = g->n, jend;

	put_cond(g, 0);
	gen_block(g, 1 + (int)below(g, 8), depth + 1);
	if (below(g, 3)) {
		patch_off(g, cond);
		return;
	}
	jend = below(g, 2) ? put(g, BPF_JMP | BPF_JA, 0, 0, 0, 0)
			   : put(g, BPF_JMP32 | BPF_JA, 0, 0, 0, 0);
	patch_off(g, cond);
	gen_block(g, 1 + (int)below(g, 8), depth + 1);
	patch_off(g, jend);
}

/* The shapes the engines fuse (the JIT's emit_fused, the interpreter's
 * superinstructions), including their corner cases: a second operand that is
 * the destination itself. */
static void gen_fusable(struct gen *g, int depth)
{
	static const uint8_t ops[] = {
		BPF_ADD, BPF_SUB, BPF_MUL, BPF_OR, BPF_AND, BPF_LSH, BPF_RSH, BPF_XOR,
	};
	int d = dst_reg(g), a = src_reg(g);
	uint32_t skip;

	switch (below(g, 4)) {
	case 0:
		put(g, BPF_ALU64 | BPF_MOV | BPF_X, d, a, 0, 0);
		put(g, BPF_ALU64 | ops[below(g, sizeof(ops))] | BPF_K, d, 0, 0, rnd_imm(g));
		break;
	case 1:
		put(g, BPF_ALU64 | BPF_MOV | BPF_X, d, a, 0, 0);
		put(g, BPF_ALU64 | ops[below(g, sizeof(ops))] | BPF_X, d,
		    below(g, 3) ? src_reg(g) : d, 0, 0);
		break;
	case 2:
		put(g, BPF_ALU64 | BPF_MOV | BPF_X, d, a, 0, 0);
		put(g, BPF_ALU64 | BPF_ADD | BPF_X, d, src_reg(g), 0, 0);
		put(g, BPF_ALU64 | BPF_ADD | BPF_K, d, 0, 0, rnd_imm(g));
		break;
	default:
		put_cond(g, 1);
		skip = below(g, 2) ? put(g, BPF_JMP | BPF_JA, 0, 0, 0, 0)
				   : put(g, BPF_JMP32 | BPF_JA, 0, 0, 0, 0);
		gen_block(g, 1 + (int)below(g, 6), depth + 1);
		patch_off(g, skip);
		break;
	}
}

static void gen_loop(struct gen *g, int depth)
{
	uint32_t head;

	put(g, BPF_ALU64 | BPF_MOV | BPF_K, REG_LOOP, 0, 0, 1 + (int32_t)below(g, 8));
	g->ro |= 1u << REG_LOOP;
	head = g->n;
	gen_block(g, 1 + (int)below(g, 10), depth + 1);
	put(g, BPF_ALU64 | BPF_ADD | BPF_K, REG_LOOP, 0, 0, -1);
	if (below(g, 2))
		put(g, BPF_JMP | BPF_JNE | BPF_K, REG_LOOP, 0, (int16_t)(head - g->n - 1), 0);
	else
		put(g, BPF_JMP32 | BPF_JSGT | BPF_K, REG_LOOP, 0, (int16_t)(head - g->n - 1), 0);
	g->ro &= (uint16_t)~(1u << REG_LOOP);
}

static void gen_call(struct gen *g)
{
	int kind = below(g, 6) ? (int)below(g, 3) : 3;

	if (kind == 0 && g->cur + 1 < g->nfuncs && g->nfixups < MAX_FIXUPS) {
		g->fixups[g->nfixups].func = g->cur + 1 + (int)below(g, g->nfuncs - g->cur - 1);
		g->fixups[g->nfixups++].at = put(g, BPF_JMP | BPF_CALL, 0, BPF_PSEUDO_CALL, 0, 0);
		/* a callee's failed packet load returns with r1-r5 clobbered */
		havoc_args(g);
		return;
	}
	if (kind == 1) {
		int r = dst_reg(g);

		put(g, BPF_ALU64 | BPF_MOV | BPF_K, r, 0, 0, 1);
		put(g, BPF_JMP | BPF_CALL | BPF_X, r, 0, 0, 0);
	} else if (kind == 3) {
		static const uint8_t sizes[] = { BPF_B, BPF_H, BPF_W };
		uint8_t size = sizes[below(g, 3)];

		if (below(g, 2))
			put(g, BPF_LD | BPF_ABS | size, 0, 0, 0, rnd_imm(g));
		else
			put(g, BPF_LD | BPF_IND | size, 0, src_reg(g), 0, rnd_imm(g));
	} else {
		put(g, BPF_JMP | BPF_CALL, 0, 0, 0, 1);
	}
	havoc_args(g);
}

static void gen_block(struct gen *g, int count, int depth)
{
	for (int k = 0; k < count && !g->oom; k++) {
		uint32_t roll = below(g, 100);

		if (roll < 45)
			gen_alu(g);
		else if (roll < 60)
			gen_mem(g);
		else if (roll < 67)
			gen_atomic(g);
		else if (roll < 77 && depth < 3)
			gen_branch(g, depth);
		else if (roll < 81 && depth < 2 && !(g->ro & (1u << REG_LOOP)))
			gen_loop(g, depth);
		else if (roll < 89)
			gen_call(g);
		else if (roll < 93)
			put_lddw(g, dst_reg(g), rnd_imm64(g));
		else if (roll < 97 && depth < 3)
			gen_fusable(g, depth);
		else
			put(g, BPF_ALU64 | BPF_MOV | BPF_K, dst_reg(g), 0, 0, rnd_imm(g));
	}
}

static void gen_function(struct gen *g, int k)
{
	g->cur = k;
	g->func_start[k] = g->n;
	if (k == 0) {
		put(g, BPF_ALU64 | BPF_MOV | BPF_X, REG_BUF, BPF_REG_1, 0, 0);
		put_lddw(g, 0, rnd_imm64(g));
		for (int r = 6; r <= 8; r++)
			put(g, BPF_ALU64 | BPF_MOV | BPF_K, r, 0, 0, rnd_imm(g));
	}
	for (int s = 1; s <= STACK_BYTES / 8; s++)
		put(g, BPF_ST | BPF_MEM | BPF_DW, BPF_REG_10, 0, (int16_t)(-8 * s), rnd_imm(g));
	gen_block(g, 5 + (int)below(g, 40), 0);
	if (k == 0)
		for (int r = 0; r <= 8; r++)
			put(g, BPF_STX | BPF_MEM | BPF_DW, REG_BUF, r, (int16_t)(DATA_BYTES + 8 * r), 0);
	put(g, BPF_JMP | BPF_EXIT, 0, 0, 0, 0);
}

int bpfvm_difftest_generate(uint64_t seed, uint64_t index, struct bpfvm_insn **insns,
			    uint32_t *cnt)
{
	struct gen g = { .rng = seed ^ (index * 0xd1b54a32d192ed03ull), .ro = 1u << REG_BUF };

	splitmix(&g.rng);
	g.nfuncs = 1 + (int)below(&g, MAX_FUNCS);
	for (int k = 0; k < g.nfuncs; k++)
		gen_function(&g, k);
	for (int f = 0; f < g.nfixups && !g.oom; f++)
		g.p[g.fixups[f].at].imm =
			(int32_t)g.func_start[g.fixups[f].func] - (int32_t)g.fixups[f].at - 1;
	if (g.oom) {
		free(g.p);
		return bpfvm_errorf(-ENOMEM, "out of memory generating a program");
	}
	*insns = g.p;
	*cnt = g.n;
	return 0;
}

static uint64_t h_mix(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4, uint64_t r5,
		      struct bpfvm_run *run)
{
	return (r1 * 3 + r2 * 5) ^ (r3 << 7) ^ (r4 >> 3) ^ (r5 * 0x9e3779b97f4a7c15ull) ^
	       (run ? 0x100 : 0);
}

/* The legacy packet loads read no packet here (r6 is any value): a number
 * of the load's width from r6 and the offset, or for one offset in 16 a
 * failure, after which the running function returns 0. */
static uint64_t ld_mix(uint64_t r1, uint64_t r2, int bytes)
{
	uint64_t h = (r1 ^ (uint64_t)(uint32_t)r2 * 0x9e3779b97f4a7c15ull) * 0xbf58476d1ce4e5b9ull;

	if ((uint32_t)r2 % 16 == 3)
		return UINT64_MAX;
	return h >> (64 - 8 * bytes);
}

static uint64_t ld_mix_b(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4, uint64_t r5,
			 struct bpfvm_run *run)
{
	(void)r3, (void)r4, (void)r5, (void)run;
	return ld_mix(r1, r2, 1);
}

static uint64_t ld_mix_h(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4, uint64_t r5,
			 struct bpfvm_run *run)
{
	(void)r3, (void)r4, (void)r5, (void)run;
	return ld_mix(r1, r2, 2);
}

static uint64_t ld_mix_w(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4, uint64_t r5,
			 struct bpfvm_run *run)
{
	(void)r3, (void)r4, (void)r5, (void)run;
	return ld_mix(r1, r2, 4);
}

int bpfvm_difftest_resolve(void *cookie, int32_t id, struct bpfvm_helper_binding *out)
{
	(void)cookie;
	switch (id) {
	case 1:
		out->fn = h_mix;
		out->kind = BPFVM_HELPER_PLAIN;
		return 0;
	case BPFVM_HELPER_ID_LD_PKT_B:
	case BPFVM_HELPER_ID_LD_PKT_H:
	case BPFVM_HELPER_ID_LD_PKT_W:
		out->fn = id == BPFVM_HELPER_ID_LD_PKT_B ? ld_mix_b
			  : id == BPFVM_HELPER_ID_LD_PKT_H ? ld_mix_h : ld_mix_w;
		out->kind = BPFVM_HELPER_LD_PKT;
		return 0;
	}
	return bpfvm_errorf(-ENOENT, "unknown helper %d", id);
}

struct outcome {
	uint64_t r0;
	int error;
	uint8_t mem[BPFVM_DIFFTEST_MEM];
};

static int run_engine(const struct bpfvm_insn *insns, uint32_t cnt, enum bpfvm_engine engine,
		      bool harden, const uint64_t args[5], uint8_t *mem, const uint8_t *init,
		      struct outcome *o)
{
	struct bpfvm_exec_opts opts = { .sz = sizeof(opts), .engine = engine,
					.resolve_helper = bpfvm_difftest_resolve,
					.jit_harden = harden };
	struct bpfvm_run run = { 0 };
	struct bpfvm_exec *exec;
	int err;

	if ((err = bpfvm_exec_create(insns, cnt, &opts, &exec)))
		return err;
	memcpy(mem, init, BPFVM_DIFFTEST_MEM);
	o->r0 = bpfvm_exec_run_args(exec, args, &run);
	o->error = run.error;
	memcpy(o->mem, mem, BPFVM_DIFFTEST_MEM);
	bpfvm_exec_free(exec);
	return 0;
}

int bpfvm_difftest_check(const struct bpfvm_insn *insns, uint32_t cnt, uint64_t seed,
			 bool harden, char *why, size_t why_len)
{
	_Alignas(16) uint8_t mem[BPFVM_DIFFTEST_MEM];
	uint8_t init[BPFVM_DIFFTEST_MEM];
	struct outcome ref, jit;
	uint64_t args[5], s = seed;
	int err;

	for (size_t i = 0; i < sizeof(init); i += 8) {
		uint64_t v = splitmix(&s);

		memcpy(init + i, &v, 8);
	}
	args[0] = (uint64_t)(uintptr_t)mem;
	args[1] = sizeof(mem);
	for (int i = 2; i < 5; i++)
		args[i] = splitmix(&s);
	if ((err = run_engine(insns, cnt, BPFVM_ENGINE_INTERP, false, args, mem, init, &ref)) ||
	    (err = run_engine(insns, cnt, BPFVM_ENGINE_JIT, harden, args, mem, init, &jit)))
		return err;
	if (ref.r0 != jit.r0 || ref.error != jit.error) {
		snprintf(why, why_len, "r0: interp 0x%" PRIx64 " jit 0x%" PRIx64
			 "; error: interp %d jit %d", ref.r0, jit.r0, ref.error, jit.error);
		return 1;
	}
	for (size_t i = 0; i < sizeof(mem); i++) {
		if (ref.mem[i] != jit.mem[i]) {
			uint64_t a, b;
			size_t q = i & ~(size_t)7;

			memcpy(&a, ref.mem + q, 8);
			memcpy(&b, jit.mem + q, 8);
			snprintf(why, why_len, "buffer differs at byte %zu (%s): interp 0x%016" PRIx64
				 " jit 0x%016" PRIx64, i, i >= DATA_BYTES ? "the register dump"
				 : "data", a, b);
			return 1;
		}
	}
	return 0;
}

char *bpfvm_difftest_listing(const struct bpfvm_insn *insns, uint32_t cnt)
{
	size_t cap = (size_t)cnt * 160 + 1, len = 0;
	char *out = malloc(cap), line[128];

	if (!out)
		return NULL;
	out[0] = '\0';
	for (uint32_t i = 0; i < cnt;) {
		int used = bpfvm_asm_format_insn(insns, cnt, i, line, sizeof(line));

		if (used <= 0) {
			snprintf(line, sizeof(line), "(unprintable: %s)", bpfvm_last_error());
			used = 1;
		}
		len += (size_t)snprintf(out + len, cap - len, "%5u: %s\n", i, line);
		i += (uint32_t)used;
	}
	return out;
}
