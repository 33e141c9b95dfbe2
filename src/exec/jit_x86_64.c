/* The x86-64 JIT: translates a structurally checked eBPF program into native
 * code with exactly the interpreter's semantics (interp.c is the reference).
 *
 * Shape of the generated code:
 *  - eBPF registers live in host registers for the whole run (jit_abi.h), so
 *    most instructions become one x86 instruction, and helper calls are a
 *    plain `call` (rel32 when the helper is within reach of the code, which
 *    execmem.c arranges when it can) with the arguments already in place.
 *  - Every frame (the entry frame, each bpf-to-bpf callee, a callback's
 *    trampoline) has the same layout: the six saved registers, then the
 *    512-byte eBPF stack under rbp (= r10). Because all frames look alike, a
 *    tail call continues in whatever frame it was made from, an unwind resets
 *    rbp to the entry frame and returns from there, and one epilogue fits all.
 *  - The per-run block (struct jit_block, on the C caller's stack, pointed to
 *    by r12) carries the struct bpfvm_run pointer for helpers, the entry frame
 *    for unwinds, the call-depth limit, and a scratch word for the C runtime.
 *  - Beyond one-for-one translation: a few sequences clang emits all the time
 *    become fewer x86 instructions (emit_fused), and lookups in maps known at
 *    compile time skip the helper: inlined for arrays, a direct call of the
 *    map's own lookup otherwise (struct jit_lookup), as Linux's verifier
 *    arranges for its JIT.
 *
 * Layout is found by passes: the first pass assumes every branch long and
 * every call indirect; the code then only shrinks from pass to pass, as
 * branches become short and calls direct, until a pass changes nothing. That
 * pass's bytes are final and are copied into W^X memory (execmem.c). */
#include "exec/engine.h"
#include "exec/jit.h"

#if defined(__x86_64__)

#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "exec/execmem.h"
#include "exec/jit_abi.h"
#include "exec/x86_emit.h"
#include "helpers/helpers.h"
#include "isa/opcodes.h"
#include "maps/array.h"
#include "util/error.h"

struct jit_block {
	struct bpfvm_run *run;
	uint64_t entry_rbp;   /* rbp of the entry frame, for unwinding */
	uint64_t depth_limit; /* a local call from a frame with rbp below this is too deep */
	uint64_t scratch;     /* callx id and verdict; r1 and result across tail calls */
};

#define BLK_RUN ((int32_t)offsetof(struct jit_block, run))
#define BLK_ENTRY_RBP ((int32_t)offsetof(struct jit_block, entry_rbp))
#define BLK_DEPTH ((int32_t)offsetof(struct jit_block, depth_limit))
#define BLK_SCRATCH ((int32_t)offsetof(struct jit_block, scratch))

#define NO_ENTRY UINT32_MAX
#define MAX_PASSES 32

struct jit_image {
	uint8_t *code;
	size_t mapped;
	uint32_t len;
	uint32_t body;     /* insn 0's code after the entry: where tail calls land */
	uint32_t cb_entry; /* the callback trampoline */
	uint32_t cnt;
	uint32_t *fentry;  /* per insn: its function entry (with prologue), or NO_ENTRY */
};

typedef uint64_t (*jit_entry_fn)(const uint64_t *args, struct jit_block *blk);
typedef uint64_t (*jit_cb_fn)(const uint64_t *args, struct jit_block *blk, const void *target);

/* Offsets of everything a branch or call can target, for one pass. */
struct jit_layout {
	uint32_t *addrs;  /* per insn: start of its own code */
	uint32_t *ends;   /* per insn: end of its code */
	uint32_t *fentry; /* per insn: function entry, or NO_ENTRY */
	uint32_t body, unwind, too_deep, tail_ret, ret0, cb_entry, len;
};

/* How bpf_map_lookup_elem on a map known at compile time is done: inline for
 * a plain array, else by a direct call of the map type's own lookup, which
 * takes (map, key) in the registers that already hold them. */
struct jit_lookup {
	const struct bpfvm_array *array;
	uintptr_t fn;
};

struct jit_ctx {
	const struct bpfvm_exec *exec;
	const struct bpfvm_insn *insns;
	uint32_t cnt;
	struct x86_buf b;
	struct jit_layout cur, prev;       /* prev is meaningless in the first pass */
	bool first;
	bool *is_func;                     /* per insn: a function starts here */
	bool *is_target;                   /* per insn: some branch or call lands here */
	struct bpfvm_helper_binding *bind; /* per helper call and legacy packet load */
	struct jit_lookup *lookup;         /* per helper call: a known map's lookup */
	uintptr_t base;                    /* where the code will live (after pass 1) */
	size_t base_size;
	bool harden;
	uint64_t seed;
};

const struct bpfvm_engine_ops bpfvm_jit_x86_64_ops;

/* ------------------------------------------------------- the C runtime */

/* callx: the helper id is in the block's scratch word. Resolves it the way
 * the interpreter does and leaves in scratch whether the run must end. */
static uint64_t jit_callx(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4, uint64_t r5,
			  struct jit_block *blk)
{
	struct bpfvm_run *run = blk->run;
	const struct bpfvm_exec *self = run->exec;
	struct bpfvm_helper_binding b;
	uint64_t r0;

	if (!self->resolve_helper ||
	    self->resolve_helper(self->resolver_cookie, (int32_t)blk->scratch, &b) ||
	    b.kind == BPFVM_HELPER_TAIL_CALL || b.kind == BPFVM_HELPER_LD_PKT) {
		run->error = -ENOENT;
		blk->scratch = 1;
		return 0;
	}
	r0 = b.fn(r1, r2, r3, r4, r5, run);
	blk->scratch = b.kind == BPFVM_HELPER_UNWIND && r0 == 0;
	return r0;
}

/* After a tail-call helper returned `ret`: 0 to continue with r0 = 0, the
 * address to jump to for a JIT target, or 1 when a target in another engine
 * has run to completion with its result in scratch. */
static uintptr_t jit_tail(struct jit_block *blk, uint64_t ret)
{
	const struct bpfvm_exec *target = bpfvm_exec_tail_target(blk->run, ret);

	if (!target)
		return 0;
	if (target->ops == &bpfvm_jit_x86_64_ops) {
		const struct jit_image *img = target->state;

		return (uintptr_t)img->code + img->body;
	}
	{
		const uint64_t args[5] = { blk->scratch };

		blk->scratch = target->ops->run(target, args, blk->run);
	}
	return 1;
}

/* ------------------------------------------------------- emitting */

static int R(int bpf_reg)
{
	return jit_bpf_reg[bpf_reg];
}

static bool fits8(int64_t v)
{
	return v >= -128 && v <= 127;
}

static void emit_frame_enter(struct x86_buf *b)
{
	for (int k = 0; k < 6; k++)
		x86_push(b, jit_saved_regs[k]);
	x86_alu_rr(b, X86_MOV, true, X86_RBP, X86_RSP);
	x86_alu_ri(b, X86_SUB, true, X86_RSP, JIT_FRAME_LOCALS);
}

static void emit_frame_leave(struct x86_buf *b)
{
	x86_alu_rr(b, X86_MOV, true, X86_RSP, X86_RBP);
	for (int k = 5; k >= 0; k--)
		x86_pop(b, jit_saved_regs[k]);
	x86_ret(b);
}

/* The block pointer, the entry frame and the depth limit (in frames that
 * may still be entered below this one), then r1-r5 from args and the other
 * registers zeroed, as the interpreter starts. */
static void emit_entry_setup(struct x86_buf *b, int frames_allowed)
{
	x86_alu_rr(b, X86_MOV, true, JIT_BLOCK, JIT_ENTRY_BLOCK);
	x86_store(b, X86_S64, JIT_BLOCK, BLK_ENTRY_RBP, X86_RBP);
	x86_lea(b, JIT_AX, X86_RBP, -frames_allowed * JIT_FRAME_BYTES);
	x86_store(b, X86_S64, JIT_BLOCK, BLK_DEPTH, JIT_AX);
}

static void emit_load_args(struct x86_buf *b)
{
	for (int k = 5; k >= 1; k--)
		x86_load(b, X86_S64, false, R(k), JIT_ENTRY_ARGS, 8 * (k - 1));
	x86_alu_rr(b, X86_XOR, false, R(0), R(0));
	for (int k = 6; k <= 9; k++)
		x86_alu_rr(b, X86_XOR, false, R(k), R(k));
}

/* A call to C code at an absolute address: rel32 when every byte of the
 * code is within reach of it, else through a register. */
static void emit_call_abs(struct jit_ctx *c, uintptr_t fn)
{
	if (!c->first && x86_rel32_reaches(c->base, c->base + c->base_size, fn)) {
		x86_call_rel32(&c->b, c->base, fn);
	} else {
		x86_mov_ri64(&c->b, JIT_AX, fn);
		x86_call_reg(&c->b, JIT_AX);
	}
}

/* A branch that ends instruction i's code, to an offset of the previous
 * pass (equal to this pass's in the final one). cc < 0: unconditional. */
static void emit_branch_end(struct jit_ctx *c, uint32_t i, int cc, uint32_t target)
{
	bool short_form = !c->first && fits8((int64_t)target - c->prev.ends[i]);

	if (cc < 0)
		x86_jmp(&c->b, target, short_form);
	else
		x86_jcc(&c->b, cc, target, short_form);
}

static uint64_t blind_value(const struct jit_ctx *c, uint32_t i)
{
	uint64_t x = c->seed ^ ((uint64_t)i * 0x9e3779b97f4a7c15ull);

	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdull;
	x ^= x >> 33;
	return x;
}

/* JIT_AX = imm (sign-extended when w64) without imm appearing in the code. */
static void emit_blinded_imm(struct jit_ctx *c, uint32_t i, bool w64, int32_t imm)
{
	int32_t r = (int32_t)(uint32_t)blind_value(c, i);

	x86_mov_ri(&c->b, w64, JIT_AX, imm ^ r);
	x86_alu_ri(&c->b, X86_XOR, w64, JIT_AX, r);
}

static void emit_shift_reg(struct x86_buf *b, enum x86_shift op, bool w, int dst, int src)
{
	if (src == X86_RCX) {
		x86_shift_cl(b, op, w, dst);
	} else if (dst == X86_RCX) {
		x86_alu_rr(b, X86_MOV, true, JIT_TMP1, X86_RCX);
		x86_alu_rr(b, X86_MOV, true, X86_RCX, src);
		x86_shift_cl(b, op, w, JIT_TMP1);
		x86_alu_rr(b, X86_MOV, true, X86_RCX, JIT_TMP1);
	} else {
		x86_alu_rr(b, X86_MOV, true, JIT_TMP2, X86_RCX);
		x86_alu_rr(b, X86_MOV, true, X86_RCX, src);
		x86_shift_cl(b, op, w, dst);
		x86_alu_rr(b, X86_MOV, true, X86_RCX, JIT_TMP2);
	}
}

/* Division and modulo with the interpreter's results where x86 would trap
 * or differ: x / 0 = 0, x % 0 = x, INT_MIN / -1 = INT_MIN (as 0 - x), x % -1
 * = 0. The divisor goes to JIT_AX; rax and rdx are saved in the temps. */
static void emit_divmod(struct x86_buf *b, bool w, bool mod, bool sgn, int dst, bool k, int src,
			int32_t imm)
{
	uint32_t jzero = 0, jminus1 = 0, jdone1, jdone2 = 0;

	if (k) {
		if (imm == 0) {
			if (!mod)
				x86_alu_rr(b, X86_XOR, false, dst, dst);
			else if (!w)
				x86_alu_rr(b, X86_MOV, false, dst, dst);
			return;
		}
		if (sgn && imm == -1) {
			if (!mod)
				x86_unary(b, X86_NEG, w, dst);
			else
				x86_alu_rr(b, X86_XOR, false, dst, dst);
			return;
		}
		x86_mov_ri(b, w, JIT_AX, imm);
	} else if (src != JIT_AX) {
		x86_alu_rr(b, X86_MOV, true, JIT_AX, src);
	}
	if (dst != X86_RAX)
		x86_alu_rr(b, X86_MOV, true, JIT_TMP1, X86_RAX);
	if (dst != X86_RDX)
		x86_alu_rr(b, X86_MOV, true, JIT_TMP2, X86_RDX);
	if (dst != X86_RAX)
		x86_alu_rr(b, X86_MOV, true, X86_RAX, dst);
	if (!k) {
		x86_alu_rr(b, X86_TEST, w, JIT_AX, JIT_AX);
		jzero = x86_jcc_fwd(b, X86_CC_E);
		if (sgn) {
			x86_alu_ri(b, X86_CMP, w, JIT_AX, -1);
			jminus1 = x86_jcc_fwd(b, X86_CC_E);
		}
	}
	if (sgn) {
		x86_cqo(b, w);
		x86_unary(b, X86_IDIV, w, JIT_AX);
	} else {
		x86_alu_rr(b, X86_XOR, false, X86_RDX, X86_RDX);
		x86_unary(b, X86_DIV, w, JIT_AX);
	}
	x86_alu_rr(b, X86_MOV, w, JIT_AX, mod ? X86_RDX : X86_RAX);
	if (!k) {
		jdone1 = x86_jmp_fwd(b);
		x86_patch_here(b, jzero);
		if (mod)
			x86_alu_rr(b, X86_MOV, w, JIT_AX, X86_RAX);
		else
			x86_alu_rr(b, X86_XOR, false, JIT_AX, JIT_AX);
		if (sgn) {
			jdone2 = x86_jmp_fwd(b);
			x86_patch_here(b, jminus1);
			if (mod) {
				x86_alu_rr(b, X86_XOR, false, JIT_AX, JIT_AX);
			} else {
				x86_alu_rr(b, X86_MOV, w, JIT_AX, X86_RAX);
				x86_unary(b, X86_NEG, w, JIT_AX);
			}
			x86_patch_here(b, jdone2);
		}
		x86_patch_here(b, jdone1);
	}
	if (dst != X86_RAX)
		x86_alu_rr(b, X86_MOV, true, X86_RAX, JIT_TMP1);
	if (dst != X86_RDX)
		x86_alu_rr(b, X86_MOV, true, X86_RDX, JIT_TMP2);
	x86_alu_rr(b, X86_MOV, true, dst, JIT_AX);
}

static void emit_end(struct x86_buf *b, const struct bpfvm_insn *in, int dst)
{
	bool to_le = BPF_CLASS(in->code) == BPF_ALU && BPF_SRC(in->code) == BPF_TO_LE;

	switch (in->imm) {
	case 16:
		if (!to_le)
			x86_rol16_8(b, dst);
		x86_movzx_rr(b, X86_S16, dst, dst);
		break;
	case 32:
		if (to_le)
			x86_alu_rr(b, X86_MOV, false, dst, dst);
		else
			x86_bswap(b, false, dst);
		break;
	default:
		if (!to_le)
			x86_bswap(b, true, dst);
		break;
	}
}

static void emit_alu(struct jit_ctx *c, uint32_t i, const struct bpfvm_insn *in)
{
	static const enum x86_alu alu_ops[16] = {
		[BPF_ADD >> 4] = X86_ADD, [BPF_SUB >> 4] = X86_SUB, [BPF_OR >> 4] = X86_OR,
		[BPF_AND >> 4] = X86_AND, [BPF_XOR >> 4] = X86_XOR,
	};
	static const enum x86_shift shift_ops[16] = {
		[BPF_LSH >> 4] = X86_SHL, [BPF_RSH >> 4] = X86_SHR, [BPF_ARSH >> 4] = X86_SAR,
	};
	struct x86_buf *b = &c->b;
	bool w = BPF_CLASS(in->code) == BPF_ALU64, k = BPF_SRC(in->code) == BPF_K;
	int op = BPF_OP(in->code), dst = R(in->dst_reg), src = R(in->src_reg);
	int32_t imm = in->imm;

	if (k && c->harden && op != BPF_END && op != BPF_NEG) {
		emit_blinded_imm(c, i, w, imm);
		src = JIT_AX;
		k = false;
	}
	switch (op) {
	case BPF_ADD: case BPF_SUB: case BPF_OR: case BPF_AND: case BPF_XOR:
		if (k)
			x86_alu_ri(b, alu_ops[op >> 4], w, dst, imm);
		else
			x86_alu_rr(b, alu_ops[op >> 4], w, dst, src);
		break;
	case BPF_MOV:
		if (k)
			x86_mov_ri(b, w, dst, imm);
		else if (in->off)
			x86_movsx_rr(b, in->off == 8 ? X86_S8 : in->off == 16 ? X86_S16 : X86_S32,
				     w, dst, src);
		else if (!w || dst != src)
			x86_alu_rr(b, X86_MOV, w, dst, src);
		break;
	case BPF_MUL:
		if (k)
			x86_imul_rri(b, w, dst, dst, imm);
		else
			x86_imul_rr(b, w, dst, src);
		break;
	case BPF_NEG:
		x86_unary(b, X86_NEG, w, dst);
		break;
	case BPF_LSH: case BPF_RSH: case BPF_ARSH:
		if (!k) {
			emit_shift_reg(b, shift_ops[op >> 4], w, dst, src);
		} else if (imm & (w ? 63 : 31)) {
			x86_shift_ri(b, shift_ops[op >> 4], w, dst, (uint8_t)(imm & (w ? 63 : 31)));
		} else if (!w) {
			x86_alu_rr(b, X86_MOV, false, dst, dst);
		}
		break;
	case BPF_DIV: case BPF_MOD:
		emit_divmod(b, w, op == BPF_MOD, in->off == 1, dst, k, src, imm);
		break;
	case BPF_END:
		emit_end(b, in, dst);
		break;
	}
}

static enum x86_size mem_size(const struct bpfvm_insn *in)
{
	switch (BPF_SIZE(in->code)) {
	case BPF_B: return X86_S8;
	case BPF_H: return X86_S16;
	case BPF_W: return X86_S32;
	default: return X86_S64;
	}
}

/* and/or/xor with fetch: x86 has no fetching form, so a cmpxchg loop with
 * the old value in rax (r0, saved in a temp unless it is the fetch target). */
static void emit_atomic_fetch_loop(struct x86_buf *b, enum x86_alu op, bool w, int dst,
				   int32_t off, int src)
{
	int addr = dst == X86_RAX ? JIT_TMP1 : dst;
	int val = src == X86_RAX ? JIT_TMP1 : src;
	uint32_t loop;

	x86_alu_rr(b, X86_MOV, true, JIT_TMP1, X86_RAX);
	x86_load(b, w ? X86_S64 : X86_S32, false, X86_RAX, addr, off);
	loop = b->len;
	x86_alu_rr(b, X86_MOV, w, JIT_AX, X86_RAX);
	x86_alu_rr(b, op, w, JIT_AX, val);
	x86_lock_cmpxchg(b, w, addr, off, JIT_AX);
	x86_jcc(b, X86_CC_NE, loop, true);
	if (src != X86_RAX) {
		x86_alu_rr(b, X86_MOV, w, src, X86_RAX);
		x86_alu_rr(b, X86_MOV, true, X86_RAX, JIT_TMP1);
	}
}

static void emit_atomic(struct x86_buf *b, const struct bpfvm_insn *in)
{
	bool w = BPF_SIZE(in->code) == BPF_DW;
	int dst = R(in->dst_reg), src = R(in->src_reg);
	enum x86_alu op;

	switch (in->imm & ~BPF_FETCH) {
	case BPF_ADD: op = X86_ADD; break;
	case BPF_OR: op = X86_OR; break;
	case BPF_AND: op = X86_AND; break;
	case BPF_XOR: op = X86_XOR; break;
	case BPF_XCHG & ~BPF_FETCH:
		x86_xchg_mem(b, w, dst, in->off, src);
		return;
	default: /* BPF_CMPXCHG, per the checker */
		x86_lock_cmpxchg(b, w, dst, in->off, src);
		if (!w)
			x86_alu_rr(b, X86_MOV, false, X86_RAX, X86_RAX);
		return;
	}
	if (!(in->imm & BPF_FETCH))
		x86_lock_alu(b, op, w, dst, in->off, src);
	else if (op == X86_ADD)
		x86_lock_xadd(b, w, dst, in->off, src);
	else
		emit_atomic_fetch_loop(b, op, w, dst, in->off, src);
}

static void emit_mem(struct jit_ctx *c, uint32_t i, const struct bpfvm_insn *in)
{
	struct x86_buf *b = &c->b;
	enum x86_size size = mem_size(in);

	switch (BPF_CLASS(in->code)) {
	case BPF_LDX:
		x86_load(b, size, BPF_MODE(in->code) == BPF_MEMSX, R(in->dst_reg), R(in->src_reg),
			 in->off);
		break;
	case BPF_ST:
		if (c->harden) {
			emit_blinded_imm(c, i, size == X86_S64, in->imm);
			x86_store(b, size, R(in->dst_reg), in->off, JIT_AX);
		} else {
			x86_store_imm(b, size, R(in->dst_reg), in->off, in->imm);
		}
		break;
	default:
		if (BPF_MODE(in->code) == BPF_MEM)
			x86_store(b, size, R(in->dst_reg), in->off, R(in->src_reg));
		else
			emit_atomic(b, in);
		break;
	}
}

static void emit_lddw(struct jit_ctx *c, uint32_t i, const struct bpfvm_insn *in)
{
	uint64_t v;
	int dst = R(in->dst_reg);

	if (in->src_reg == BPF_PSEUDO_FUNC)
		v = (uint64_t)((int64_t)i + 1 + in->imm);
	else
		v = (uint64_t)(uint32_t)in->imm | (uint64_t)(uint32_t)c->insns[i + 1].imm << 32;
	if (c->harden) {
		uint64_t r = blind_value(c, i);

		x86_mov_ri64(&c->b, dst, v ^ r);
		x86_mov_ri64(&c->b, JIT_AX, r);
		x86_alu_rr(&c->b, X86_XOR, true, dst, JIT_AX);
	} else {
		x86_mov_ri64(&c->b, dst, v);
	}
}

/* bpf_map_lookup_elem on an array map known at compile time, as Linux's
 * array_map_gen_lookup: r0 = key < max_entries ? values + key * elem_size :
 * NULL, without a call. Only r0 (and the scratch register) change; r1-r5 are
 * left as they were, which the eBPF calling convention allows. */
static void emit_inline_array_lookup(struct x86_buf *b, const struct bpfvm_array *a)
{
	uint32_t jnull, jdone;

	x86_load(b, X86_S32, false, X86_RAX, R(2), 0);
	x86_alu_ri(b, X86_CMP, false, X86_RAX, (int32_t)a->map.max_entries);
	jnull = x86_jcc_fwd(b, X86_CC_AE);
	if (!(a->elem_size & (a->elem_size - 1)))
		x86_shift_ri(b, X86_SHL, true, X86_RAX, (uint8_t)__builtin_ctz(a->elem_size));
	else
		x86_imul_rri(b, true, X86_RAX, X86_RAX, (int32_t)a->elem_size);
	x86_mov_ri64(b, JIT_AX, (uint64_t)(uintptr_t)a->values);
	x86_alu_rr(b, X86_ADD, true, X86_RAX, JIT_AX);
	jdone = x86_jmp_fwd(b);
	x86_patch_here(b, jnull);
	x86_alu_rr(b, X86_XOR, false, X86_RAX, X86_RAX);
	x86_patch_here(b, jdone);
}

static void emit_helper_call(struct jit_ctx *c, uint32_t i)
{
	struct x86_buf *b = &c->b;
	const struct bpfvm_helper_binding *hb = &c->bind[i];
	uint32_t jcont;

	if (c->lookup[i].array) {
		emit_inline_array_lookup(b, c->lookup[i].array);
		return;
	}
	if (c->lookup[i].fn) {
		emit_call_abs(c, c->lookup[i].fn);
		return;
	}
	if (hb->kind == BPFVM_HELPER_TAIL_CALL)
		x86_store(b, X86_S64, JIT_BLOCK, BLK_SCRATCH, R(1));
	x86_load(b, X86_S64, false, JIT_HELPER_ARG6, JIT_BLOCK, BLK_RUN);
	emit_call_abs(c, (uintptr_t)hb->fn);
	switch (hb->kind) {
	case BPFVM_HELPER_PLAIN:
	case BPFVM_HELPER_LD_PKT: /* never bound to a call (bpfvm_exec_bind_helper) */
		break;
	case BPFVM_HELPER_UNWIND:
		x86_alu_rr(b, X86_TEST, true, X86_RAX, X86_RAX);
		emit_branch_end(c, i, X86_CC_E, c->prev.unwind);
		break;
	case BPFVM_HELPER_TAIL_CALL:
		x86_alu_rr(b, X86_MOV, true, JIT_C_ARG1, JIT_BLOCK);
		x86_alu_rr(b, X86_MOV, true, JIT_C_ARG2, X86_RAX);
		emit_call_abs(c, (uintptr_t)jit_tail);
		x86_alu_rr(b, X86_TEST, true, X86_RAX, X86_RAX);
		jcont = x86_jcc_fwd(b, X86_CC_E);
		x86_alu_ri(b, X86_CMP, true, X86_RAX, 1);
		x86_jcc(b, X86_CC_E, c->prev.tail_ret, false);
		x86_alu_rr(b, X86_MOV, true, JIT_AX, X86_RAX);
		x86_load(b, X86_S64, false, R(1), JIT_BLOCK, BLK_SCRATCH);
		x86_jmp_reg(b, JIT_AX);
		x86_patch_here(b, jcont);
		break;
	}
}

/* The legacy packet loads (BPF_LD | BPF_ABS / BPF_IND): r0 = the load
 * function's result for (r6, offset), as a helper call with r1 and r2 set;
 * on a negative result the ret0 stub does `r0 = 0; exit` in this frame. */
static void emit_ld_pkt(struct jit_ctx *c, uint32_t i, const struct bpfvm_insn *in)
{
	struct x86_buf *b = &c->b;

	if (BPF_MODE(in->code) == BPF_IND && in->src_reg != 2)
		x86_alu_rr(b, X86_MOV, true, R(2), R(in->src_reg));
	if (c->harden && in->imm) {
		emit_blinded_imm(c, i, true, in->imm);
		if (BPF_MODE(in->code) == BPF_IND)
			x86_alu_rr(b, X86_ADD, true, R(2), JIT_AX);
		else
			x86_alu_rr(b, X86_MOV, true, R(2), JIT_AX);
	} else if (BPF_MODE(in->code) == BPF_ABS) {
		x86_mov_ri(b, true, R(2), in->imm);
	} else if (in->imm) {
		x86_alu_ri(b, X86_ADD, true, R(2), in->imm);
	}
	x86_alu_rr(b, X86_MOV, true, R(1), R(6));
	x86_load(b, X86_S64, false, JIT_HELPER_ARG6, JIT_BLOCK, BLK_RUN);
	emit_call_abs(c, (uintptr_t)c->bind[i].fn);
	x86_alu_rr(b, X86_TEST, true, X86_RAX, X86_RAX);
	emit_branch_end(c, i, X86_CC_S, c->prev.ret0);
}

static void emit_callx(struct jit_ctx *c, uint32_t i, const struct bpfvm_insn *in)
{
	struct x86_buf *b = &c->b;

	x86_store(b, X86_S64, JIT_BLOCK, BLK_SCRATCH, R(in->dst_reg));
	x86_alu_rr(b, X86_MOV, true, JIT_HELPER_ARG6, JIT_BLOCK);
	emit_call_abs(c, (uintptr_t)jit_callx);
	x86_load(b, X86_S64, false, JIT_AX, JIT_BLOCK, BLK_SCRATCH);
	x86_alu_rr(b, X86_TEST, true, JIT_AX, JIT_AX);
	emit_branch_end(c, i, X86_CC_NE, c->prev.unwind);
}

/* The flags-setting half of a conditional jump; returns the condition. */
static enum x86_cc emit_compare(struct jit_ctx *c, uint32_t i, const struct bpfvm_insn *in)
{
	static const int8_t cc[16] = {
		[BPF_JEQ >> 4] = X86_CC_E, [BPF_JNE >> 4] = X86_CC_NE,
		[BPF_JGT >> 4] = X86_CC_A, [BPF_JGE >> 4] = X86_CC_AE,
		[BPF_JLT >> 4] = X86_CC_B, [BPF_JLE >> 4] = X86_CC_BE,
		[BPF_JSGT >> 4] = X86_CC_G, [BPF_JSGE >> 4] = X86_CC_GE,
		[BPF_JSLT >> 4] = X86_CC_L, [BPF_JSLE >> 4] = X86_CC_LE,
		[BPF_JSET >> 4] = X86_CC_NE,
	};
	struct x86_buf *b = &c->b;
	bool w = BPF_CLASS(in->code) == BPF_JMP, k = BPF_SRC(in->code) == BPF_K;
	int op = BPF_OP(in->code), dst = R(in->dst_reg), src = R(in->src_reg);

	if (k && c->harden) {
		emit_blinded_imm(c, i, w, in->imm);
		src = JIT_AX;
		k = false;
	}
	if (op == BPF_JSET) {
		if (k)
			x86_alu_ri(b, X86_TEST, w, dst, in->imm);
		else
			x86_alu_rr(b, X86_TEST, w, dst, src);
	} else if (k && in->imm == 0 && (op == BPF_JEQ || op == BPF_JNE)) {
		x86_alu_rr(b, X86_TEST, w, dst, dst);
	} else if (k) {
		x86_alu_ri(b, X86_CMP, w, dst, in->imm);
	} else {
		x86_alu_rr(b, X86_CMP, w, dst, src);
	}
	return (enum x86_cc)cc[op >> 4];
}

static void emit_jmp(struct jit_ctx *c, uint32_t i, const struct bpfvm_insn *in)
{
	struct x86_buf *b = &c->b;
	bool w = BPF_CLASS(in->code) == BPF_JMP, k = BPF_SRC(in->code) == BPF_K;
	int op = BPF_OP(in->code);
	uint32_t t;

	switch (op) {
	case BPF_JA:
		t = i + 1 + (w ? in->off : in->imm);
		emit_branch_end(c, i, -1, c->prev.addrs[t]);
		return;
	case BPF_EXIT:
		emit_frame_leave(b);
		return;
	case BPF_CALL:
		if (!k) {
			emit_callx(c, i, in);
		} else if (in->src_reg == BPF_PSEUDO_CALL) {
			x86_cmp_rm(b, X86_RBP, JIT_BLOCK, BLK_DEPTH);
			x86_jcc(b, X86_CC_B, c->prev.too_deep, false);
			x86_call_rel32(b, 0, c->prev.fentry[i + 1 + in->imm]);
		} else {
			emit_helper_call(c, i);
		}
		return;
	}
	emit_branch_end(c, i, emit_compare(c, i, in), c->prev.addrs[i + 1 + in->off]);
}

static bool falls_through(const struct bpfvm_insn *in)
{
	return in->code != (BPF_JMP | BPF_EXIT) && in->code != (BPF_JMP | BPF_JA) &&
	       in->code != (BPF_JMP32 | BPF_JA);
}

static bool is_cond_jump(const struct bpfvm_insn *in)
{
	int cls = BPF_CLASS(in->code), op = BPF_OP(in->code);

	return (cls == BPF_JMP || cls == BPF_JMP32) && op != BPF_JA && op != BPF_CALL &&
	       op != BPF_EXIT;
}

/* Whether insn j may be folded into the code of the instruction before it:
 * nothing branches or calls to it. */
static bool foldable(const struct jit_ctx *c, uint32_t j)
{
	return j < c->cnt && !c->is_target[j];
}

/* Short sequences that clang emits all the time and that x86 does in fewer
 * instructions, or with a shorter dependency chain, than one-for-one:
 *   if cond goto +1; goto T   ->  j!cond T           (one taken branch less)
 *   d = a; d += b; d += k     ->  lea d, [a+k]; add d, b   (k off b's chain)
 *   d = a; d += b             ->  lea d, [a+b]
 *   d = a; d += k             ->  lea d, [a+k]
 * None of them needs flags between eBPF instructions, which have none.
 * Returns how many instructions were emitted (0: no pattern here). */
static uint32_t emit_fused(struct jit_ctx *c, uint32_t i)
{
	const struct bpfvm_insn *in = &c->insns[i], *n1, *n2;
	struct x86_buf *b = &c->b;
	int d, a;

	if (!foldable(c, i + 1))
		return 0;
	n1 = &c->insns[i + 1];
	if (is_cond_jump(in) && in->off == 1 &&
	    (n1->code == (BPF_JMP | BPF_JA) || n1->code == (BPF_JMP32 | BPF_JA))) {
		uint32_t t = i + 2 + (n1->code == (BPF_JMP | BPF_JA) ? n1->off : n1->imm);

		emit_branch_end(c, i, emit_compare(c, i, in) ^ 1, c->prev.addrs[t]);
		return 2;
	}
	if (in->code != (BPF_ALU64 | BPF_MOV | BPF_X) || in->off || in->dst_reg == in->src_reg)
		return 0;
	d = R(in->dst_reg);
	a = R(in->src_reg);
	if (n1->code == (BPF_ALU64 | BPF_ADD | BPF_K) && n1->dst_reg == in->dst_reg && !c->harden) {
		x86_lea(b, d, a, n1->imm);
		return 2;
	}
	if (n1->code != (BPF_ALU64 | BPF_ADD | BPF_X) || n1->dst_reg != in->dst_reg ||
	    n1->src_reg == in->dst_reg)
		return 0;
	n2 = foldable(c, i + 2) ? &c->insns[i + 2] : NULL;
	if (n2 && n2->code == (BPF_ALU64 | BPF_ADD | BPF_K) && n2->dst_reg == in->dst_reg &&
	    !c->harden) {
		x86_lea(b, d, a, n2->imm);
		x86_alu_rr(b, X86_ADD, true, d, R(n1->src_reg));
		return 3;
	}
	x86_lea_index(b, d, a, R(n1->src_reg), 0);
	return 2;
}

static void emit_stubs(struct jit_ctx *c)
{
	struct x86_buf *b = &c->b;
	uint32_t loop_back;

	c->cur.unwind = b->len;
	x86_load(b, X86_S64, false, X86_RBP, JIT_BLOCK, BLK_ENTRY_RBP);
	x86_alu_rr(b, X86_XOR, false, X86_RAX, X86_RAX);
	emit_frame_leave(b);

	c->cur.too_deep = b->len;
	x86_load(b, X86_S64, false, JIT_AX, JIT_BLOCK, BLK_RUN);
	x86_store_imm(b, X86_S32, JIT_AX, (int32_t)offsetof(struct bpfvm_run, error), -E2BIG);
	loop_back = c->cur.unwind;
	x86_jmp(b, loop_back, fits8((int64_t)loop_back - (b->len + 2)));

	c->cur.tail_ret = b->len;
	x86_load(b, X86_S64, false, X86_RAX, JIT_BLOCK, BLK_SCRATCH);
	emit_frame_leave(b);

	/* `r0 = 0; exit` from whichever frame jumps here: all frames look alike. */
	c->cur.ret0 = b->len;
	x86_alu_rr(b, X86_XOR, false, X86_RAX, X86_RAX);
	emit_frame_leave(b);

	/* Callbacks (bpfvm_exec_call): a trampoline frame that is the unwind
	 * target, then a native call of the subprogram, which is frame 1. */
	c->cur.cb_entry = b->len;
	emit_frame_enter(b);
	emit_entry_setup(b, BPFVM_MAX_CALL_DEPTH - 1);
	x86_alu_rr(b, X86_MOV, true, JIT_AX, JIT_ENTRY_TARGET);
	emit_load_args(b);
	x86_call_reg(b, JIT_AX);
	emit_frame_leave(b);
}

static int emit_pass(struct jit_ctx *c)
{
	struct x86_buf *b = &c->b;
	bool falls = false;
	uint32_t fused;

	b->len = 0;
	if (x86_reserve(b, 4 * X86_MAX_INSN_BYTES))
		return -ENOMEM;
	/* The entry frame is frame 1 of 8; frames 1-7 may make a local call. */
	emit_frame_enter(b);
	emit_entry_setup(b, BPFVM_MAX_CALL_DEPTH - 2);
	emit_load_args(b);
	falls = true;
	for (uint32_t i = 0; i < c->cnt; i++) {
		const struct bpfvm_insn *in = &c->insns[i];

		if (x86_reserve(b, 2 * X86_MAX_INSN_BYTES))
			return -ENOMEM;
		c->cur.fentry[i] = NO_ENTRY;
		if (c->is_func[i]) {
			uint32_t skip = 0;

			if (falls)
				skip = x86_jmp_fwd(b);
			c->cur.fentry[i] = b->len;
			emit_frame_enter(b);
			if (falls)
				x86_patch_here(b, skip);
		}
		c->cur.addrs[i] = b->len;
		fused = emit_fused(c, i);
		if (fused) {
			for (uint32_t k = 1; k < fused; k++) {
				c->cur.fentry[i + k] = NO_ENTRY;
				c->cur.addrs[i + k] = b->len;
				c->cur.ends[i + k] = b->len;
			}
			c->cur.ends[i] = b->len;
			i += fused - 1;
			falls = true;
			continue;
		}
		switch (BPF_CLASS(in->code)) {
		case BPF_ALU: case BPF_ALU64:
			emit_alu(c, i, in);
			break;
		case BPF_JMP: case BPF_JMP32:
			emit_jmp(c, i, in);
			break;
		case BPF_LD:
			if (in->code != (BPF_LD | BPF_IMM | BPF_DW)) {
				emit_ld_pkt(c, i, in);
				break;
			}
			emit_lddw(c, i, in);
			c->cur.ends[i] = b->len;
			i++;
			c->cur.fentry[i] = NO_ENTRY;
			c->cur.addrs[i] = b->len;
			break;
		default:
			emit_mem(c, i, in);
			break;
		}
		c->cur.ends[i] = b->len;
		falls = falls_through(in);
	}
	if (x86_reserve(b, 4 * X86_MAX_INSN_BYTES))
		return -ENOMEM;
	c->cur.body = c->cur.addrs[0];
	emit_stubs(c);
	c->cur.len = b->len;
	return 0;
}

/* ------------------------------------------------------- preparing */

/* The map in r1 at helper call i when an lddw in the same straight-line run
 * of code put it there, else NULL. */
static const struct bpfvm_map *const_map_arg(const struct jit_ctx *c, uint32_t i)
{
	for (uint32_t j = i; j > 0 && !c->is_target[j]; j--) {
		const struct bpfvm_insn *in = &c->insns[j - 1];
		int cls = BPF_CLASS(in->code);

		if (in->code == 0 && j >= 2 && c->insns[j - 2].code == (BPF_LD | BPF_IMM | BPF_DW)) {
			const struct bpfvm_insn *ld = &c->insns[j - 2];

			if (ld->dst_reg != 1)
				continue;
			if (ld->src_reg)
				return NULL;
			return (const struct bpfvm_map *)(uintptr_t)((uint64_t)(uint32_t)ld->imm |
								     (uint64_t)(uint32_t)in->imm << 32);
		}
		if (in->code == (BPF_JMP | BPF_CALL) || in->code == (BPF_JMP | BPF_CALL | BPF_X) ||
		    (cls == BPF_LD && in->code != (BPF_LD | BPF_IMM | BPF_DW)))
			return NULL;
		if ((cls == BPF_ALU || cls == BPF_ALU64 || cls == BPF_LDX) && in->dst_reg == 1)
			return NULL;
		if (cls == BPF_STX && BPF_MODE(in->code) == BPF_ATOMIC && (in->imm & BPF_FETCH) &&
		    in->imm != BPF_CMPXCHG && in->src_reg == 1)
			return NULL;
	}
	return NULL;
}

/* Lookups in maps known at compile time skip the helper (see struct
 * jit_lookup). The map is read here, at compile time: for a verified program
 * r1 of a map lookup is a map by proof; an unverified program that passes
 * something else would make the helper read the same bad pointer when it
 * runs. Maps that programs may not read keep the helper, which says NULL. */
static struct jit_lookup known_lookup(const struct jit_ctx *c, uint32_t i)
{
	struct jit_lookup l = { 0 };
	const struct bpfvm_map *m;

	if (c->bind[i].fn != bpfvm_helper_map_lookup_elem || c->bind[i].kind != BPFVM_HELPER_PLAIN)
		return l;
	m = const_map_arg(c, i);
	if (!m || !m->ops->lookup || (m->map_flags & BPFVM_F_WRONLY_PROG))
		return l;
	if (m->type == BPFVM_MAP_TYPE_ARRAY)
		l.array = (const struct bpfvm_array *)m;
	else
		l.fn = (uintptr_t)m->ops->lookup;
	return l;
}

static int scan_program(struct jit_ctx *c)
{
	const struct bpfvm_exec *exec = c->exec;
	int err;

	for (uint32_t i = 0; i < c->cnt; i++) {
		const struct bpfvm_insn *in = &c->insns[i];

		if (in->code == (BPF_LD | BPF_IMM | BPF_DW)) {
			if (in->src_reg == BPF_PSEUDO_FUNC) {
				c->is_func[i + 1 + in->imm] = true;
				c->is_target[i + 1 + in->imm] = true;
			} else if (in->src_reg) {
				return bpfvm_errorf(-EINVAL, "insn %u: lddw with src_reg %u is an "
						    "unresolved map or BTF reference", i,
						    in->src_reg);
			}
			i++;
			continue;
		}
		if (BPF_CLASS(in->code) == BPF_LD) {
			int size = BPF_SIZE(in->code) == BPF_B ? 1 : BPF_SIZE(in->code) == BPF_H ? 2 : 4;

			c->bind[i].kind = BPFVM_HELPER_LD_PKT;
			if ((err = bpfvm_exec_bind_ld_pkt(exec, i, size, &c->bind[i].fn)))
				return err;
			continue;
		}
		if (in->code == (BPF_JMP | BPF_JA))
			c->is_target[i + 1 + in->off] = true;
		else if (in->code == (BPF_JMP32 | BPF_JA))
			c->is_target[i + 1 + in->imm] = true;
		else if (is_cond_jump(in))
			c->is_target[i + 1 + in->off] = true;
		if (in->code != (BPF_JMP | BPF_CALL))
			continue;
		if (in->src_reg == BPF_PSEUDO_CALL) {
			c->is_func[i + 1 + in->imm] = true;
			c->is_target[i + 1 + in->imm] = true;
		} else if (in->src_reg == BPF_PSEUDO_KFUNC_CALL) {
			return bpfvm_errorf(-EOPNOTSUPP, "insn %u: kfunc calls are not supported", i);
		} else if ((err = bpfvm_exec_bind_helper(exec, i, in->imm, &c->bind[i]))) {
			return err;
		}
	}
	for (uint32_t i = 0; i < c->cnt; i++)
		if (c->bind[i].fn)
			c->lookup[i] = known_lookup(c, i);
	return 0;
}

static int alloc_layout(struct jit_layout *l, uint32_t cnt)
{
	l->addrs = calloc(cnt, sizeof(uint32_t));
	l->ends = calloc(cnt, sizeof(uint32_t));
	l->fentry = calloc(cnt, sizeof(uint32_t));
	return l->addrs && l->ends && l->fentry ? 0 : -ENOMEM;
}

static void free_layout(struct jit_layout *l)
{
	free(l->addrs);
	free(l->ends);
	free(l->fentry);
}

static uint64_t jit_seed(const struct bpfvm_exec *exec)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_nsec * 0x9e3779b97f4a7c15ull ^ (uint64_t)ts.tv_sec ^
	       (uint64_t)(uintptr_t)exec;
}

/* Where the code should live: near the helpers it calls, else near this
 * library (its runtime functions are called too). */
static uintptr_t placement_hint(const struct jit_ctx *c)
{
	for (uint32_t i = 0; i < c->cnt; i++)
		if (c->bind[i].fn)
			return (uintptr_t)c->bind[i].fn;
	return (uintptr_t)jit_callx;
}

static int layout_passes(struct jit_ctx *c, void **mem, size_t *mapped)
{
	struct jit_layout tmp;
	int err;

	c->first = true;
	if ((err = emit_pass(c)))
		return err;
	*mem = bpfvm_execmem_alloc(c->cur.len, placement_hint(c), mapped);
	if (!*mem)
		return -ENOMEM;
	c->base = (uintptr_t)*mem;
	c->base_size = *mapped;
	c->first = false;
	for (int pass = 1; pass < MAX_PASSES; pass++) {
		tmp = c->prev;
		c->prev = c->cur;
		c->cur = tmp;
		if ((err = emit_pass(c)))
			return err;
		if (c->cur.len == c->prev.len)
			return 0;
	}
	return bpfvm_errorf(-ELOOP, "JIT layout did not settle in %d passes", MAX_PASSES);
}

static int jit_prepare(struct bpfvm_exec *exec, const struct bpfvm_exec_opts *opts)
{
	struct jit_ctx c = {
		.exec = exec,
		.insns = exec->insns,
		.cnt = exec->insn_cnt,
		.harden = opts->jit_harden,
	};
	struct jit_image *img = NULL;
	void *mem = NULL;
	size_t mapped = 0;
	int err = -ENOMEM;

	c.is_func = calloc(c.cnt, sizeof(*c.is_func));
	c.is_target = calloc(c.cnt, sizeof(*c.is_target));
	c.bind = calloc(c.cnt, sizeof(*c.bind));
	c.lookup = calloc(c.cnt, sizeof(*c.lookup));
	img = calloc(1, sizeof(*img));
	if (!c.is_func || !c.is_target || !c.bind || !c.lookup || !img ||
	    alloc_layout(&c.cur, c.cnt) || alloc_layout(&c.prev, c.cnt)) {
		bpfvm_errorf(-ENOMEM, "out of memory compiling %u instructions", c.cnt);
		goto out;
	}
	if (c.harden)
		c.seed = jit_seed(exec);
	if ((err = scan_program(&c)))
		goto out;
	if ((err = layout_passes(&c, &mem, &mapped))) {
		if (err == -ENOMEM)
			bpfvm_errorf(err, "out of memory compiling %u instructions", c.cnt);
		goto out;
	}
	memcpy(mem, c.b.code, c.cur.len);
	if ((err = bpfvm_execmem_seal(mem, mapped)))
		goto out;
	img->code = mem;
	img->mapped = mapped;
	img->len = c.cur.len;
	img->body = c.cur.body;
	img->cb_entry = c.cur.cb_entry;
	img->cnt = c.cnt;
	img->fentry = c.cur.fentry;
	c.cur.fentry = NULL;
	exec->state = img;
	img = NULL;
	mem = NULL;
out:
	if (mem)
		bpfvm_execmem_free(mem, mapped);
	free(img);
	free(c.is_func);
	free(c.is_target);
	free(c.bind);
	free(c.lookup);
	free(c.b.code);
	free_layout(&c.cur);
	free_layout(&c.prev);
	return err;
}

static void jit_release(struct bpfvm_exec *exec)
{
	struct jit_image *img = exec->state;

	if (!img)
		return;
	bpfvm_execmem_free(img->code, img->mapped);
	free(img->fentry);
	free(img);
	exec->state = NULL;
}

static uint64_t jit_run(const struct bpfvm_exec *exec, const uint64_t args[5],
			struct bpfvm_run *run)
{
	const struct jit_image *img = exec->state;
	struct jit_block blk = { .run = run };

	return ((jit_entry_fn)(uintptr_t)img->code)(args, &blk);
}

static uint64_t jit_call(struct bpfvm_run *run, uint32_t insn_idx, const uint64_t args[5])
{
	const struct jit_image *img = run->exec->state;
	struct jit_block blk = { .run = run };

	if (insn_idx >= img->cnt || img->fentry[insn_idx] == NO_ENTRY) {
		run->error = -EINVAL;
		return 0;
	}
	return ((jit_cb_fn)(uintptr_t)(img->code + img->cb_entry))(args, &blk,
								  img->code + img->fentry[insn_idx]);
}

const struct bpfvm_engine_ops bpfvm_jit_x86_64_ops = {
	.name = "jit",
	.prepare = jit_prepare,
	.release = jit_release,
	.run = jit_run,
	.call = jit_call,
};

const struct bpfvm_engine_ops *const bpfvm_jit_ops = &bpfvm_jit_x86_64_ops;

int bpfvm_jit_image(const struct bpfvm_exec *exec, const uint8_t **code, size_t *len)
{
	const struct jit_image *img;

	if (exec->ops != &bpfvm_jit_x86_64_ops)
		return bpfvm_errorf(-EINVAL, "the program does not run in the JIT");
	img = exec->state;
	*code = img->code;
	*len = img->len;
	return 0;
}

#endif
