/* The reference interpreter: the exact semantics of RFC 9669 that every other
 * engine is tested against, and a fast one.
 *
 * Speed comes from doing the work once, at prepare time: each instruction is
 * decoded into a compact form with its handler, absolute jump target,
 * sign-extended immediate and bound helper function, so the run loop does no
 * decoding, no table lookups and no per-instruction checks (the structural
 * checker and the verifier have proved what needs proving). Dispatch is by
 * direct threading (each decoded instruction holds its handler's address,
 * jumped to with computed goto) where the compiler has it, else by a switch.
 * A run allocates nothing: registers and the 8 x 512-byte stack live in the C
 * frame, so any number of threads may run one program at once. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "exec/engine.h"
#include "isa/opcodes.h"
#include "util/error.h"

#if (defined(__GNUC__) || defined(__clang__)) && !defined(BPFVM_INTERP_SWITCH)
/* Direct threading: each decoded instruction holds its handler's address.
 * BPFVM_INTERP_SWITCH builds the portable switch dispatch instead (the
 * sanitizer build in CI does, so both stay tested). */
#define INTERP_COMPUTED_GOTO 1
#endif

/* Every handler, in one list so that the enum and the dispatch table agree. */
#define INTERP_OPS(X)                                                                   \
	X(ADD64_IMM) X(ADD64_REG) X(SUB64_IMM) X(SUB64_REG) X(MUL64_IMM) X(MUL64_REG)   \
	X(DIV64_IMM) X(DIV64_REG) X(SDIV64_IMM) X(SDIV64_REG) X(OR64_IMM) X(OR64_REG)   \
	X(AND64_IMM) X(AND64_REG) X(LSH64_IMM) X(LSH64_REG) X(RSH64_IMM) X(RSH64_REG)   \
	X(NEG64) X(MOD64_IMM) X(MOD64_REG) X(SMOD64_IMM) X(SMOD64_REG) X(XOR64_IMM)     \
	X(XOR64_REG) X(MOV64_IMM) X(MOV64_REG) X(ARSH64_IMM) X(ARSH64_REG)              \
	X(MOVSX64_8) X(MOVSX64_16) X(MOVSX64_32) X(BSWAP16) X(BSWAP32) X(BSWAP64)       \
	X(ADD32_IMM) X(ADD32_REG) X(SUB32_IMM) X(SUB32_REG) X(MUL32_IMM) X(MUL32_REG)   \
	X(DIV32_IMM) X(DIV32_REG) X(SDIV32_IMM) X(SDIV32_REG) X(OR32_IMM) X(OR32_REG)   \
	X(AND32_IMM) X(AND32_REG) X(LSH32_IMM) X(LSH32_REG) X(RSH32_IMM) X(RSH32_REG)   \
	X(NEG32) X(MOD32_IMM) X(MOD32_REG) X(SMOD32_IMM) X(SMOD32_REG) X(XOR32_IMM)     \
	X(XOR32_REG) X(MOV32_IMM) X(MOV32_REG) X(ARSH32_IMM) X(ARSH32_REG)              \
	X(MOVSX32_8) X(MOVSX32_16) X(LE16) X(LE32) X(LE64) X(BE16) X(BE32) X(BE64)      \
	X(JA) X(JEQ_IMM) X(JEQ_REG) X(JGT_IMM) X(JGT_REG) X(JGE_IMM) X(JGE_REG)         \
	X(JSET_IMM) X(JSET_REG) X(JNE_IMM) X(JNE_REG) X(JSGT_IMM) X(JSGT_REG)           \
	X(JSGE_IMM) X(JSGE_REG) X(JLT_IMM) X(JLT_REG) X(JLE_IMM) X(JLE_REG)             \
	X(JSLT_IMM) X(JSLT_REG) X(JSLE_IMM) X(JSLE_REG)                                 \
	X(JEQ32_IMM) X(JEQ32_REG) X(JGT32_IMM) X(JGT32_REG) X(JGE32_IMM) X(JGE32_REG)   \
	X(JSET32_IMM) X(JSET32_REG) X(JNE32_IMM) X(JNE32_REG) X(JSGT32_IMM)             \
	X(JSGT32_REG) X(JSGE32_IMM) X(JSGE32_REG) X(JLT32_IMM) X(JLT32_REG)             \
	X(JLE32_IMM) X(JLE32_REG) X(JSLT32_IMM) X(JSLT32_REG) X(JSLE32_IMM)             \
	X(JSLE32_REG)                                                                   \
	X(CALL) X(CALL_UNWIND) X(CALL_TAIL) X(CALLX) X(CALL_LOCAL) X(EXIT) X(LDDW)      \
	X(LD_ABS) X(LD_IND)                                                             \
	X(LDXB) X(LDXH) X(LDXW) X(LDXDW) X(LDXSB) X(LDXSH) X(LDXSW)                     \
	X(STB) X(STH) X(STW) X(STDW) X(STXB) X(STXH) X(STXW) X(STXDW)                   \
	X(AADD32) X(AOR32) X(AAND32) X(AXOR32) X(AFADD32) X(AFOR32) X(AFAND32)          \
	X(AFXOR32) X(AXCHG32) X(ACMPXCHG32)                                             \
	X(F3_ADD_IMM) X(F3_ADD_REG) X(F3_SUB_IMM) X(F3_SUB_REG) X(F3_MUL_IMM)           \
	X(F3_MUL_REG) X(F3_OR_IMM) X(F3_OR_REG) X(F3_AND_IMM) X(F3_AND_REG)             \
	X(F3_LSH_IMM) X(F3_LSH_REG) X(F3_RSH_IMM) X(F3_RSH_REG) X(F3_XOR_IMM)           \
	X(F3_XOR_REG) X(F_BOUND_JGT) X(F_ADDI_JNE) X(F_ADDI_JEQ) X(F_ADDI_JLT)          \
	X(F_ADDI_JGT) X(F_LDXB_ADD) X(F_LDXH_ADD) X(F_LDXW_ADD) X(F_LDXDW_ADD)          \
	X(AADD64) X(AOR64) X(AAND64) X(AXOR64) X(AFADD64) X(AFOR64) X(AFAND64)          \
	X(AFXOR64) X(AXCHG64) X(ACMPXCHG64)

enum interp_op {
#define ENUM_OP(name) OP_##name,
	INTERP_OPS(ENUM_OP)
#undef ENUM_OP
	OP_COUNT
};

_Static_assert(OP_ARSH32_REG - OP_ADD32_IMM == OP_ARSH64_REG - OP_ADD64_IMM,
	       "ALU32 and ALU64 handlers must run in parallel");
_Static_assert(OP_JSLE32_REG - OP_JEQ32_IMM == OP_JSLE_REG - OP_JEQ_IMM,
	       "JMP32 and JMP handlers must run in parallel");
_Static_assert(OP_LDXDW - OP_LDXB == 3 && OP_F_LDXDW_ADD - OP_F_LDXB_ADD == 3,
	       "loads and their fused forms must run in parallel");

/* One decoded instruction. `off` is the memory offset, or for jumps and local
 * calls the absolute target index; `imm` is the sign-extended immediate, the
 * full lddw value, or the bound helper function. */
struct interp_insn {
#ifdef INTERP_COMPUTED_GOTO
	const void *handler;
#endif
	uint8_t op;
	uint8_t dst;
	uint8_t src;
	int32_t off;
	union {
		int64_t imm;
		bpfvm_helper_fn fn;
	};
};

struct interp_prog {
	uint32_t cnt;
	struct interp_insn insns[];
};

/* In an ASan build the frames below the running function's are poisoned, so
 * that an access outside the 512-byte frame an accepted program was proven to
 * stay in (it would land in the 4 KiB array, not in a redzone) aborts: the
 * verifier's soundness tests rely on it. */
#if defined(__SANITIZE_ADDRESS__)
#define INTERP_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define INTERP_ASAN 1
#endif
#endif
#ifdef INTERP_ASAN
#include <sanitizer/asan_interface.h>
#define FRAME_POISON_RANGE(p, n) ASAN_POISON_MEMORY_REGION(p, n)
#define FRAME_UNPOISON_RANGE(p, n) ASAN_UNPOISON_MEMORY_REGION(p, n)
#else
#define FRAME_POISON_RANGE(p, n) ((void)(p), (void)(n))
#define FRAME_UNPOISON_RANGE(p, n) ((void)(p), (void)(n))
#endif
#define FRAME_POISON(lo) FRAME_POISON_RANGE((void *)(uintptr_t)(lo), BPFVM_STACK_SIZE)
#define FRAME_UNPOISON(lo) FRAME_UNPOISON_RANGE((void *)(uintptr_t)(lo), BPFVM_STACK_SIZE)

struct frame {
	const struct interp_insn *ret_pc;
	const struct interp_prog *prog;
	uint64_t saved[5]; /* r6-r9, r10 */
};

static uint64_t interp_exec(const struct interp_prog *prog, uint32_t start,
			    const uint64_t args[5], struct bpfvm_run *run);

/* ---------------------------------------------------------------- decoding */

static int decode_alu(const struct bpfvm_insn *in, struct interp_insn *out)
{
	static const uint8_t ops64[16][2] = {
		[BPF_ADD >> 4] = { OP_ADD64_IMM, OP_ADD64_REG },
		[BPF_SUB >> 4] = { OP_SUB64_IMM, OP_SUB64_REG },
		[BPF_MUL >> 4] = { OP_MUL64_IMM, OP_MUL64_REG },
		[BPF_DIV >> 4] = { OP_DIV64_IMM, OP_DIV64_REG },
		[BPF_OR >> 4] = { OP_OR64_IMM, OP_OR64_REG },
		[BPF_AND >> 4] = { OP_AND64_IMM, OP_AND64_REG },
		[BPF_LSH >> 4] = { OP_LSH64_IMM, OP_LSH64_REG },
		[BPF_RSH >> 4] = { OP_RSH64_IMM, OP_RSH64_REG },
		[BPF_NEG >> 4] = { OP_NEG64, OP_NEG64 },
		[BPF_MOD >> 4] = { OP_MOD64_IMM, OP_MOD64_REG },
		[BPF_XOR >> 4] = { OP_XOR64_IMM, OP_XOR64_REG },
		[BPF_MOV >> 4] = { OP_MOV64_IMM, OP_MOV64_REG },
		[BPF_ARSH >> 4] = { OP_ARSH64_IMM, OP_ARSH64_REG },
	};
	/* The 32-bit handlers from ADD to ARSH sit at a fixed distance from the
	 * 64-bit ones (INTERP_OPS keeps both runs in the same order). */
	const int to32 = OP_ADD32_IMM - OP_ADD64_IMM;
	bool is64 = BPF_CLASS(in->code) == BPF_ALU64, reg = BPF_SRC(in->code) == BPF_X;
	int op = BPF_OP(in->code);

	if (op == BPF_END) {
		if (is64)
			out->op = in->imm == 16 ? OP_BSWAP16 : in->imm == 32 ? OP_BSWAP32 : OP_BSWAP64;
		else if (reg)
			out->op = in->imm == 16 ? OP_BE16 : in->imm == 32 ? OP_BE32 : OP_BE64;
		else
			out->op = in->imm == 16 ? OP_LE16 : in->imm == 32 ? OP_LE32 : OP_LE64;
		return 0;
	}
	if (op == BPF_MOV && reg && in->off) {
		if (is64)
			out->op = in->off == 8 ? OP_MOVSX64_8 : in->off == 16 ? OP_MOVSX64_16 : OP_MOVSX64_32;
		else
			out->op = in->off == 8 ? OP_MOVSX32_8 : OP_MOVSX32_16;
		return 0;
	}
	out->op = ops64[op >> 4][reg];
	if ((op == BPF_DIV || op == BPF_MOD) && in->off == 1)
		out->op += (op == BPF_DIV ? OP_SDIV64_IMM - OP_DIV64_IMM : OP_SMOD64_IMM - OP_MOD64_IMM);
	if (!is64) {
		if (out->op == OP_NEG64)
			out->op = OP_NEG32;
		else
			out->op += to32;
	}
	return 0;
}

static int decode_jmp(const struct bpfvm_exec *exec, uint32_t i, struct interp_insn *out)
{
	const struct bpfvm_insn *in = &exec->insns[i];
	const int to32 = OP_JEQ32_IMM - OP_JEQ_IMM;
	bool reg = BPF_SRC(in->code) == BPF_X;
	int op = BPF_OP(in->code);
	struct bpfvm_helper_binding b;
	int err;

	switch (op) {
	case BPF_JA:
		out->op = OP_JA;
		out->off = (int32_t)i + 1 + (BPF_CLASS(in->code) == BPF_JMP32 ? in->imm : in->off);
		return 0;
	case BPF_EXIT:
		out->op = OP_EXIT;
		return 0;
	case BPF_CALL:
		if (reg) {
			out->op = OP_CALLX;
			return 0;
		}
		if (in->src_reg == BPF_PSEUDO_CALL) {
			out->op = OP_CALL_LOCAL;
			out->off = (int32_t)i + 1 + in->imm;
			return 0;
		}
		if (in->src_reg == BPF_PSEUDO_KFUNC_CALL)
			return bpfvm_errorf(-EOPNOTSUPP, "insn %u: kfunc calls are not supported", i);
		if ((err = bpfvm_exec_bind_helper(exec, i, in->imm, &b)))
			return err;
		out->fn = b.fn;
		out->op = b.kind == BPFVM_HELPER_UNWIND ? OP_CALL_UNWIND
			: b.kind == BPFVM_HELPER_TAIL_CALL ? OP_CALL_TAIL : OP_CALL;
		return 0;
	}
	/* Conditional jumps: BPF_JEQ..BPF_JSLE map onto consecutive IMM/REG pairs
	 * in the order of the opcode numbers, skipping CALL and EXIT. */
	{
		static const uint8_t base[16] = {
			[BPF_JEQ >> 4] = OP_JEQ_IMM, [BPF_JGT >> 4] = OP_JGT_IMM,
			[BPF_JGE >> 4] = OP_JGE_IMM, [BPF_JSET >> 4] = OP_JSET_IMM,
			[BPF_JNE >> 4] = OP_JNE_IMM, [BPF_JSGT >> 4] = OP_JSGT_IMM,
			[BPF_JSGE >> 4] = OP_JSGE_IMM, [BPF_JLT >> 4] = OP_JLT_IMM,
			[BPF_JLE >> 4] = OP_JLE_IMM, [BPF_JSLT >> 4] = OP_JSLT_IMM,
			[BPF_JSLE >> 4] = OP_JSLE_IMM,
		};
		out->op = base[op >> 4] + reg + (BPF_CLASS(in->code) == BPF_JMP32 ? to32 : 0);
		out->off = (int32_t)i + 1 + in->off;
	}
	return 0;
}

static int decode_mem(const struct bpfvm_insn *in, struct interp_insn *out)
{
	static const uint8_t ldx[4] = { OP_LDXW, OP_LDXH, OP_LDXB, OP_LDXDW };
	static const uint8_t ldxsx[3] = { OP_LDXSW, OP_LDXSH, OP_LDXSB };
	static const uint8_t st[4] = { OP_STW, OP_STH, OP_STB, OP_STDW };
	static const uint8_t stx[4] = { OP_STXW, OP_STXH, OP_STXB, OP_STXDW };
	int size = BPF_SIZE(in->code) >> 3;

	switch (BPF_CLASS(in->code)) {
	case BPF_LDX:
		out->op = BPF_MODE(in->code) == BPF_MEMSX ? ldxsx[size] : ldx[size];
		return 0;
	case BPF_ST:
		out->op = st[size];
		return 0;
	}
	if (BPF_MODE(in->code) == BPF_MEM) {
		out->op = stx[size];
		return 0;
	}
	{
		bool is64 = BPF_SIZE(in->code) == BPF_DW;
		int base = is64 ? OP_AADD64 : OP_AADD32;

		switch (in->imm) {
		case BPF_ADD: out->op = base + 0; break;
		case BPF_OR: out->op = base + 1; break;
		case BPF_AND: out->op = base + 2; break;
		case BPF_XOR: out->op = base + 3; break;
		case BPF_ADD | BPF_FETCH: out->op = base + 4; break;
		case BPF_OR | BPF_FETCH: out->op = base + 5; break;
		case BPF_AND | BPF_FETCH: out->op = base + 6; break;
		case BPF_XOR | BPF_FETCH: out->op = base + 7; break;
		case BPF_XCHG: out->op = base + 8; break;
		default: out->op = base + 9; break; /* BPF_CMPXCHG, per the checker */
		}
	}
	return 0;
}

static int decode_lddw(const struct bpfvm_exec *exec, uint32_t i, struct interp_insn *out)
{
	const struct bpfvm_insn *in = &exec->insns[i];

	out->op = OP_LDDW;
	switch (in->src_reg) {
	case 0:
		out->imm = (int64_t)((uint64_t)(uint32_t)in->imm |
				     (uint64_t)(uint32_t)exec->insns[i + 1].imm << 32);
		return 0;
	case BPF_PSEUDO_FUNC:
		out->imm = (int64_t)i + 1 + in->imm;
		return 0;
	}
	return bpfvm_errorf(-EINVAL, "insn %u: lddw with src_reg %u is an unresolved map or "
			    "BTF reference", i, in->src_reg);
}

/* The legacy packet loads: the bound load function in fn, imm in off. */
static int decode_ld_pkt(const struct bpfvm_exec *exec, uint32_t i, struct interp_insn *out)
{
	const struct bpfvm_insn *in = &exec->insns[i];
	int size = BPF_SIZE(in->code) == BPF_B ? 1 : BPF_SIZE(in->code) == BPF_H ? 2 : 4;

	out->op = BPF_MODE(in->code) == BPF_ABS ? OP_LD_ABS : OP_LD_IND;
	out->off = in->imm;
	return bpfvm_exec_bind_ld_pkt(exec, i, size, &out->fn);
}

/* ------------------------------------------------------------- fusion */

/* Superinstructions for the sequences clang emits most: `d = s; d op= x`
 * (three-operand arithmetic, pointer offsets), `d = s; d += k; if d > e goto`
 * (a packet bounds check), `d += k; if d cmp c goto` (a loop counter) and
 * `d = *(s + off); a += d` (summing loaded words, as checksums do).
 * Each runs as one dispatch and keeps the intermediate value in a host
 * register. The fused op sits on the sequence's first instruction and skips
 * the rest; the following instructions keep their own decoded form, so a jump
 * into the middle of a sequence still runs exactly what it should. */
static int fused_alu(int op)
{
	switch (op) {
	case OP_ADD64_IMM: return OP_F3_ADD_IMM;
	case OP_ADD64_REG: return OP_F3_ADD_REG;
	case OP_SUB64_IMM: return OP_F3_SUB_IMM;
	case OP_SUB64_REG: return OP_F3_SUB_REG;
	case OP_MUL64_IMM: return OP_F3_MUL_IMM;
	case OP_MUL64_REG: return OP_F3_MUL_REG;
	case OP_OR64_IMM: return OP_F3_OR_IMM;
	case OP_OR64_REG: return OP_F3_OR_REG;
	case OP_AND64_IMM: return OP_F3_AND_IMM;
	case OP_AND64_REG: return OP_F3_AND_REG;
	case OP_LSH64_IMM: return OP_F3_LSH_IMM;
	case OP_LSH64_REG: return OP_F3_LSH_REG;
	case OP_RSH64_IMM: return OP_F3_RSH_IMM;
	case OP_RSH64_REG: return OP_F3_RSH_REG;
	case OP_XOR64_IMM: return OP_F3_XOR_IMM;
	case OP_XOR64_REG: return OP_F3_XOR_REG;
	}
	return -1;
}

/* Whether the second instruction of a `d = s; d op= x` pair reads register x:
 * then x must not be d, which the fused op reads before the copy. */
static bool fused_alu_reads_src(int op)
{
	switch (op) {
	case OP_ADD64_REG: case OP_SUB64_REG: case OP_MUL64_REG: case OP_OR64_REG:
	case OP_AND64_REG: case OP_LSH64_REG: case OP_RSH64_REG: case OP_XOR64_REG:
		return true;
	}
	return false;
}

static int fused_addi_jump(int op)
{
	switch (op) {
	case OP_JNE_IMM: return OP_F_ADDI_JNE;
	case OP_JEQ_IMM: return OP_F_ADDI_JEQ;
	case OP_JLT_IMM: return OP_F_ADDI_JLT;
	case OP_JGT_IMM: return OP_F_ADDI_JGT;
	}
	return -1;
}

static bool fits32(int64_t v)
{
	return v >= INT32_MIN && v <= INT32_MAX;
}

static void fuse(struct interp_prog *p)
{
	for (uint32_t i = 0; i + 1 < p->cnt; i++) {
		struct interp_insn *a = &p->insns[i], *b = &p->insns[i + 1];
		struct interp_insn *c = i + 2 < p->cnt ? &p->insns[i + 2] : NULL;
		int f;

		if (a->op == OP_MOV64_REG && b->op == OP_ADD64_IMM && b->dst == a->dst && c &&
		    c->op == OP_JGT_REG && c->dst == a->dst && c->src != a->dst) {
			/* imm: the addend in the low half, e's number in the high */
			a->imm = (int64_t)((uint64_t)(uint32_t)b->imm | (uint64_t)c->src << 32);
			a->off = c->off;
			a->op = OP_F_BOUND_JGT;
		} else if (a->op == OP_MOV64_REG && (f = fused_alu(b->op)) >= 0 &&
			   b->dst == a->dst && (!fused_alu_reads_src(b->op) || b->src != a->dst) &&
			   fits32(b->imm)) {
			/* off: the second operand's register; imm: the immediate */
			a->off = b->src;
			a->imm = b->imm;
			a->op = (uint8_t)f;
		} else if (a->op >= OP_LDXB && a->op <= OP_LDXDW && b->op == OP_ADD64_REG &&
			   b->src == a->dst && b->dst != a->dst) {
			/* imm: the accumulator's register */
			a->imm = b->dst;
			a->op = (uint8_t)(OP_F_LDXB_ADD + (a->op - OP_LDXB));
		} else if (a->op == OP_ADD64_IMM && (f = fused_addi_jump(b->op)) >= 0 &&
			   b->dst == a->dst && fits32(a->imm) && fits32(b->imm)) {
			/* imm: the addend in the low half, the constant in the high */
			a->imm = (int64_t)((uint64_t)(uint32_t)a->imm | (uint64_t)(uint32_t)b->imm << 32);
			a->off = b->off;
			a->op = (uint8_t)f;
		}
	}
}

static int interp_prepare(struct bpfvm_exec *exec, const struct bpfvm_exec_opts *opts)
{
	struct interp_prog *p;
	int err = 0;

	p = calloc(1, sizeof(*p) + (size_t)exec->insn_cnt * sizeof(p->insns[0]));
	if (!p)
		return bpfvm_errorf(-ENOMEM, "out of memory decoding %u instructions",
				    exec->insn_cnt);
	p->cnt = exec->insn_cnt;
	for (uint32_t i = 0; i < exec->insn_cnt && !err; i++) {
		const struct bpfvm_insn *in = &exec->insns[i];
		struct interp_insn *out = &p->insns[i];

		out->dst = in->dst_reg;
		out->src = in->src_reg;
		out->off = in->off;
		out->imm = in->imm;
		switch (BPF_CLASS(in->code)) {
		case BPF_ALU: case BPF_ALU64:
			err = decode_alu(in, out);
			break;
		case BPF_JMP: case BPF_JMP32:
			err = decode_jmp(exec, i, out);
			break;
		case BPF_LD:
			if (in->code != (BPF_LD | BPF_IMM | BPF_DW)) {
				err = decode_ld_pkt(exec, i, out);
				break;
			}
			err = decode_lddw(exec, i, out);
			p->insns[i + 1].op = OP_EXIT; /* never reached: the checker forbids it */
			i++;
			break;
		default:
			err = decode_mem(in, out);
			break;
		}
	}
	if (err) {
		free(p);
		return err;
	}
	fuse(p);
#ifdef INTERP_COMPUTED_GOTO
	{
		const void *const *labels =
			(const void *const *)(uintptr_t)interp_exec(NULL, 0, NULL, NULL);

		for (uint32_t i = 0; i < p->cnt; i++)
			p->insns[i].handler = labels[p->insns[i].op];
	}
#endif
	exec->state = p;
	return 0;
}

static void interp_release(struct bpfvm_exec *exec)
{
	free(exec->state);
	exec->state = NULL;
}

/* ---------------------------------------------------------------- running */

static inline uint64_t ld64(uint64_t addr)
{
	uint64_t v;
	memcpy(&v, (const void *)(uintptr_t)addr, 8);
	return v;
}

static inline uint32_t ld32(uint64_t addr)
{
	uint32_t v;
	memcpy(&v, (const void *)(uintptr_t)addr, 4);
	return v;
}

static inline uint16_t ld16(uint64_t addr)
{
	uint16_t v;
	memcpy(&v, (const void *)(uintptr_t)addr, 2);
	return v;
}

static inline void st64(uint64_t addr, uint64_t v) { memcpy((void *)(uintptr_t)addr, &v, 8); }
static inline void st32(uint64_t addr, uint32_t v) { memcpy((void *)(uintptr_t)addr, &v, 4); }
static inline void st16(uint64_t addr, uint16_t v) { memcpy((void *)(uintptr_t)addr, &v, 2); }

static inline uint16_t bswap16(uint16_t x) { return (uint16_t)(x >> 8 | x << 8); }
static inline uint32_t bswap32(uint32_t x)
{
	return x >> 24 | (x >> 8 & 0xff00) | (x << 8 & 0xff0000) | x << 24;
}
static inline uint64_t bswap64(uint64_t x)
{
	return (uint64_t)bswap32((uint32_t)x) << 32 | bswap32((uint32_t)(x >> 32));
}

static inline bool host_is_le(void)
{
	const uint16_t one = 1;
	return *(const uint8_t *)&one == 1;
}

/* Signed division and remainder as RFC 9669 defines them: never a trap. */
static inline uint64_t sdiv64(uint64_t a, uint64_t b)
{
	if (b == 0)
		return 0;
	if ((int64_t)b == -1)
		return 0 - a;
	return (uint64_t)((int64_t)a / (int64_t)b);
}

static inline uint64_t smod64(uint64_t a, uint64_t b)
{
	if (b == 0)
		return a;
	if ((int64_t)b == -1)
		return 0;
	return (uint64_t)((int64_t)a % (int64_t)b);
}

static inline uint32_t sdiv32(uint32_t a, uint32_t b)
{
	if (b == 0)
		return 0;
	if ((int32_t)b == -1)
		return 0 - a;
	return (uint32_t)((int32_t)a / (int32_t)b);
}

static inline uint32_t smod32(uint32_t a, uint32_t b)
{
	if (b == 0)
		return a;
	if ((int32_t)b == -1)
		return 0;
	return (uint32_t)((int32_t)a % (int32_t)b);
}

#define STACK_BYTES (BPFVM_MAX_CALL_DEPTH * BPFVM_STACK_SIZE)

static uint64_t interp_exec_on(const struct interp_prog *prog, uint32_t start,
			       const uint64_t args[5], struct bpfvm_run *run, uint8_t *stack)
{
	uint64_t reg[11];
	struct frame frames[BPFVM_MAX_CALL_DEPTH];
	unsigned depth = 0;
	const struct interp_insn *pc;
	const struct interp_insn *base;

#define DST reg[pc->dst]
#define SRC reg[pc->src]
#define IMM ((uint64_t)pc->imm)
#define U32(x) ((uint32_t)(x))
#define MEM (DST + (uint64_t)(int64_t)pc->off)
#define SMEM (SRC + (uint64_t)(int64_t)pc->off)
#define JUMP_IF(cond) do { if (cond) { pc = base + pc->off; DISPATCH(); } NEXT(); } while (0)

#ifdef INTERP_COMPUTED_GOTO
	static const void *const labels[OP_COUNT] = {
#define LABEL_OP(name) &&L_##name,
		INTERP_OPS(LABEL_OP)
#undef LABEL_OP
	};
	/* How interp_prepare learns the handlers' addresses. */
	if (!prog)
		return (uint64_t)(uintptr_t)labels;
#define DISPATCH() goto *pc->handler
#define CASE(name) case OP_##name: L_##name
#else
#define DISPATCH() goto dispatch
#define CASE(name) case OP_##name
#endif
#define NEXT() do { pc++; DISPATCH(); } while (0)

	for (int i = 0; i < 5; i++)
		reg[i + 1] = args[i];
	reg[0] = 0;
	reg[6] = reg[7] = reg[8] = reg[9] = 0;
	reg[10] = (uint64_t)(uintptr_t)(stack + STACK_BYTES);
	pc = &prog->insns[start];
	base = prog->insns;
#ifndef INTERP_COMPUTED_GOTO
dispatch:
#endif
	switch ((enum interp_op)pc->op) {
	CASE(ADD64_IMM): DST += IMM; NEXT();
	CASE(ADD64_REG): DST += SRC; NEXT();
	CASE(SUB64_IMM): DST -= IMM; NEXT();
	CASE(SUB64_REG): DST -= SRC; NEXT();
	CASE(MUL64_IMM): DST *= IMM; NEXT();
	CASE(MUL64_REG): DST *= SRC; NEXT();
	CASE(DIV64_IMM): DST = IMM ? DST / IMM : 0; NEXT();
	CASE(DIV64_REG): DST = SRC ? DST / SRC : 0; NEXT();
	CASE(SDIV64_IMM): DST = sdiv64(DST, IMM); NEXT();
	CASE(SDIV64_REG): DST = sdiv64(DST, SRC); NEXT();
	CASE(OR64_IMM): DST |= IMM; NEXT();
	CASE(OR64_REG): DST |= SRC; NEXT();
	CASE(AND64_IMM): DST &= IMM; NEXT();
	CASE(AND64_REG): DST &= SRC; NEXT();
	CASE(LSH64_IMM): DST <<= IMM & 63; NEXT();
	CASE(LSH64_REG): DST <<= SRC & 63; NEXT();
	CASE(RSH64_IMM): DST >>= IMM & 63; NEXT();
	CASE(RSH64_REG): DST >>= SRC & 63; NEXT();
	CASE(NEG64): DST = 0 - DST; NEXT();
	CASE(MOD64_IMM): DST = IMM ? DST % IMM : DST; NEXT();
	CASE(MOD64_REG): DST = SRC ? DST % SRC : DST; NEXT();
	CASE(SMOD64_IMM): DST = smod64(DST, IMM); NEXT();
	CASE(SMOD64_REG): DST = smod64(DST, SRC); NEXT();
	CASE(XOR64_IMM): DST ^= IMM; NEXT();
	CASE(XOR64_REG): DST ^= SRC; NEXT();
	CASE(MOV64_IMM): DST = IMM; NEXT();
	CASE(MOV64_REG): DST = SRC; NEXT();
	CASE(MOVSX64_8): DST = (uint64_t)(int64_t)(int8_t)SRC; NEXT();
	CASE(MOVSX64_16): DST = (uint64_t)(int64_t)(int16_t)SRC; NEXT();
	CASE(MOVSX64_32): DST = (uint64_t)(int64_t)(int32_t)SRC; NEXT();
	CASE(ARSH64_IMM): DST = (uint64_t)((int64_t)DST >> (IMM & 63)); NEXT();
	CASE(ARSH64_REG): DST = (uint64_t)((int64_t)DST >> (SRC & 63)); NEXT();
	CASE(BSWAP16): DST = bswap16((uint16_t)DST); NEXT();
	CASE(BSWAP32): DST = bswap32(U32(DST)); NEXT();
	CASE(BSWAP64): DST = bswap64(DST); NEXT();

	CASE(ADD32_IMM): DST = U32(DST + IMM); NEXT();
	CASE(ADD32_REG): DST = U32(DST + SRC); NEXT();
	CASE(SUB32_IMM): DST = U32(DST - IMM); NEXT();
	CASE(SUB32_REG): DST = U32(DST - SRC); NEXT();
	CASE(MUL32_IMM): DST = U32(U32(DST) * U32(IMM)); NEXT();
	CASE(MUL32_REG): DST = U32(U32(DST) * U32(SRC)); NEXT();
	CASE(DIV32_IMM): DST = U32(IMM) ? U32(DST) / U32(IMM) : 0; NEXT();
	CASE(DIV32_REG): DST = U32(SRC) ? U32(DST) / U32(SRC) : 0; NEXT();
	CASE(SDIV32_IMM): DST = sdiv32(U32(DST), U32(IMM)); NEXT();
	CASE(SDIV32_REG): DST = sdiv32(U32(DST), U32(SRC)); NEXT();
	CASE(OR32_IMM): DST = U32(DST | IMM); NEXT();
	CASE(OR32_REG): DST = U32(DST | SRC); NEXT();
	CASE(AND32_IMM): DST = U32(DST & IMM); NEXT();
	CASE(AND32_REG): DST = U32(DST & SRC); NEXT();
	CASE(LSH32_IMM): DST = U32(U32(DST) << (IMM & 31)); NEXT();
	CASE(LSH32_REG): DST = U32(U32(DST) << (SRC & 31)); NEXT();
	CASE(RSH32_IMM): DST = U32(DST) >> (IMM & 31); NEXT();
	CASE(RSH32_REG): DST = U32(DST) >> (SRC & 31); NEXT();
	CASE(NEG32): DST = U32(0 - U32(DST)); NEXT();
	CASE(MOD32_IMM): DST = U32(IMM) ? U32(DST) % U32(IMM) : U32(DST); NEXT();
	CASE(MOD32_REG): DST = U32(SRC) ? U32(DST) % U32(SRC) : U32(DST); NEXT();
	CASE(SMOD32_IMM): DST = smod32(U32(DST), U32(IMM)); NEXT();
	CASE(SMOD32_REG): DST = smod32(U32(DST), U32(SRC)); NEXT();
	CASE(XOR32_IMM): DST = U32(DST ^ IMM); NEXT();
	CASE(XOR32_REG): DST = U32(DST ^ SRC); NEXT();
	CASE(MOV32_IMM): DST = U32(IMM); NEXT();
	CASE(MOV32_REG): DST = U32(SRC); NEXT();
	CASE(MOVSX32_8): DST = U32((int32_t)(int8_t)SRC); NEXT();
	CASE(MOVSX32_16): DST = U32((int32_t)(int16_t)SRC); NEXT();
	CASE(ARSH32_IMM): DST = U32((int32_t)U32(DST) >> (IMM & 31)); NEXT();
	CASE(ARSH32_REG): DST = U32((int32_t)U32(DST) >> (SRC & 31)); NEXT();
	CASE(LE16): DST = host_is_le() ? (uint16_t)DST : bswap16((uint16_t)DST); NEXT();
	CASE(LE32): DST = host_is_le() ? U32(DST) : bswap32(U32(DST)); NEXT();
	CASE(LE64): DST = host_is_le() ? DST : bswap64(DST); NEXT();
	CASE(BE16): DST = host_is_le() ? bswap16((uint16_t)DST) : (uint16_t)DST; NEXT();
	CASE(BE32): DST = host_is_le() ? bswap32(U32(DST)) : U32(DST); NEXT();
	CASE(BE64): DST = host_is_le() ? bswap64(DST) : DST; NEXT();

	CASE(JA): pc = base + pc->off; DISPATCH();
	CASE(JEQ_IMM): JUMP_IF(DST == IMM);
	CASE(JEQ_REG): JUMP_IF(DST == SRC);
	CASE(JGT_IMM): JUMP_IF(DST > IMM);
	CASE(JGT_REG): JUMP_IF(DST > SRC);
	CASE(JGE_IMM): JUMP_IF(DST >= IMM);
	CASE(JGE_REG): JUMP_IF(DST >= SRC);
	CASE(JSET_IMM): JUMP_IF(DST & IMM);
	CASE(JSET_REG): JUMP_IF(DST & SRC);
	CASE(JNE_IMM): JUMP_IF(DST != IMM);
	CASE(JNE_REG): JUMP_IF(DST != SRC);
	CASE(JSGT_IMM): JUMP_IF((int64_t)DST > (int64_t)IMM);
	CASE(JSGT_REG): JUMP_IF((int64_t)DST > (int64_t)SRC);
	CASE(JSGE_IMM): JUMP_IF((int64_t)DST >= (int64_t)IMM);
	CASE(JSGE_REG): JUMP_IF((int64_t)DST >= (int64_t)SRC);
	CASE(JLT_IMM): JUMP_IF(DST < IMM);
	CASE(JLT_REG): JUMP_IF(DST < SRC);
	CASE(JLE_IMM): JUMP_IF(DST <= IMM);
	CASE(JLE_REG): JUMP_IF(DST <= SRC);
	CASE(JSLT_IMM): JUMP_IF((int64_t)DST < (int64_t)IMM);
	CASE(JSLT_REG): JUMP_IF((int64_t)DST < (int64_t)SRC);
	CASE(JSLE_IMM): JUMP_IF((int64_t)DST <= (int64_t)IMM);
	CASE(JSLE_REG): JUMP_IF((int64_t)DST <= (int64_t)SRC);
	CASE(JEQ32_IMM): JUMP_IF(U32(DST) == U32(IMM));
	CASE(JEQ32_REG): JUMP_IF(U32(DST) == U32(SRC));
	CASE(JGT32_IMM): JUMP_IF(U32(DST) > U32(IMM));
	CASE(JGT32_REG): JUMP_IF(U32(DST) > U32(SRC));
	CASE(JGE32_IMM): JUMP_IF(U32(DST) >= U32(IMM));
	CASE(JGE32_REG): JUMP_IF(U32(DST) >= U32(SRC));
	CASE(JSET32_IMM): JUMP_IF(U32(DST) & U32(IMM));
	CASE(JSET32_REG): JUMP_IF(U32(DST) & U32(SRC));
	CASE(JNE32_IMM): JUMP_IF(U32(DST) != U32(IMM));
	CASE(JNE32_REG): JUMP_IF(U32(DST) != U32(SRC));
	CASE(JSGT32_IMM): JUMP_IF((int32_t)U32(DST) > (int32_t)U32(IMM));
	CASE(JSGT32_REG): JUMP_IF((int32_t)U32(DST) > (int32_t)U32(SRC));
	CASE(JSGE32_IMM): JUMP_IF((int32_t)U32(DST) >= (int32_t)U32(IMM));
	CASE(JSGE32_REG): JUMP_IF((int32_t)U32(DST) >= (int32_t)U32(SRC));
	CASE(JLT32_IMM): JUMP_IF(U32(DST) < U32(IMM));
	CASE(JLT32_REG): JUMP_IF(U32(DST) < U32(SRC));
	CASE(JLE32_IMM): JUMP_IF(U32(DST) <= U32(IMM));
	CASE(JLE32_REG): JUMP_IF(U32(DST) <= U32(SRC));
	CASE(JSLT32_IMM): JUMP_IF((int32_t)U32(DST) < (int32_t)U32(IMM));
	CASE(JSLT32_REG): JUMP_IF((int32_t)U32(DST) < (int32_t)U32(SRC));
	CASE(JSLE32_IMM): JUMP_IF((int32_t)U32(DST) <= (int32_t)U32(IMM));
	CASE(JSLE32_REG): JUMP_IF((int32_t)U32(DST) <= (int32_t)U32(SRC));

	CASE(CALL):
		reg[0] = pc->fn(reg[1], reg[2], reg[3], reg[4], reg[5], run);
		NEXT();
	CASE(CALL_UNWIND):
		reg[0] = pc->fn(reg[1], reg[2], reg[3], reg[4], reg[5], run);
		if (reg[0] == 0)
			return 0;
		NEXT();
	CASE(CALL_TAIL): {
		const struct bpfvm_exec *target = bpfvm_exec_tail_target(
			run, pc->fn(reg[1], reg[2], reg[3], reg[4], reg[5], run));

		if (!target) {
			reg[0] = 0;
			NEXT();
		}
		if (target->ops != &bpfvm_interp_ops) {
			{
				const uint64_t targs[5] = { reg[1] };

				reg[0] = target->ops->run(target, targs, run);
			}
			goto do_exit;
		}
		/* The target replaces the running function; its exit returns to
		 * this function's caller, as in Linux. */
		prog = target->state;
		base = prog->insns;
		pc = base;
		DISPATCH();
	}
	CASE(CALLX): {
		struct bpfvm_helper_binding b;
		const struct bpfvm_exec *self = run->exec;

		if (!self->resolve_helper ||
		    self->resolve_helper(self->resolver_cookie, (int32_t)DST, &b) ||
		    b.kind == BPFVM_HELPER_TAIL_CALL || b.kind == BPFVM_HELPER_LD_PKT) {
			run->error = -ENOENT;
			return 0;
		}
		reg[0] = b.fn(reg[1], reg[2], reg[3], reg[4], reg[5], run);
		if (b.kind == BPFVM_HELPER_UNWIND && reg[0] == 0)
			return 0;
		NEXT();
	}
	CASE(CALL_LOCAL):
		if (depth + 1 >= BPFVM_MAX_CALL_DEPTH) {
			run->error = -E2BIG;
			return 0;
		}
		frames[depth].ret_pc = pc + 1;
		frames[depth].prog = prog;
		memcpy(frames[depth].saved, &reg[6], sizeof(frames[depth].saved));
		depth++;
		reg[10] -= BPFVM_STACK_SIZE;
		FRAME_UNPOISON(reg[10] - BPFVM_STACK_SIZE);
		pc = base + pc->off;
		DISPATCH();
	CASE(EXIT):
	do_exit:
		if (depth == 0)
			return reg[0];
		FRAME_POISON(reg[10] - BPFVM_STACK_SIZE);
		depth--;
		memcpy(&reg[6], frames[depth].saved, sizeof(frames[depth].saved));
		prog = frames[depth].prog;
		base = prog->insns;
		pc = frames[depth].ret_pc;
		DISPATCH();
	CASE(LDDW): DST = IMM; pc += 2; DISPATCH();
	/* r0 = the packet bytes at r6's skb, or `r0 = 0; exit` where the load
	 * is; r1-r5 keep their values (the verifier treats them as clobbered). */
	CASE(LD_ABS): {
		uint64_t v = pc->fn(reg[6], (uint64_t)(int64_t)pc->off, 0, 0, 0, run);

		if ((int64_t)v < 0) {
			reg[0] = 0;
			goto do_exit;
		}
		reg[0] = v;
		NEXT();
	}
	CASE(LD_IND): {
		uint64_t v = pc->fn(reg[6], SRC + (uint64_t)(int64_t)pc->off, 0, 0, 0, run);

		if ((int64_t)v < 0) {
			reg[0] = 0;
			goto do_exit;
		}
		reg[0] = v;
		NEXT();
	}

#define F3(name, expr) CASE(name): DST = (expr); pc += 2; DISPATCH();
#define XREG reg[pc->off]
	F3(F3_ADD_IMM, SRC + IMM)
	F3(F3_ADD_REG, SRC + XREG)
	F3(F3_SUB_IMM, SRC - IMM)
	F3(F3_SUB_REG, SRC - XREG)
	F3(F3_MUL_IMM, SRC * IMM)
	F3(F3_MUL_REG, SRC * XREG)
	F3(F3_OR_IMM, SRC | IMM)
	F3(F3_OR_REG, SRC | XREG)
	F3(F3_AND_IMM, SRC & IMM)
	F3(F3_AND_REG, SRC & XREG)
	F3(F3_LSH_IMM, SRC << (IMM & 63))
	F3(F3_LSH_REG, SRC << (XREG & 63))
	F3(F3_RSH_IMM, SRC >> (IMM & 63))
	F3(F3_RSH_REG, SRC >> (XREG & 63))
	F3(F3_XOR_IMM, SRC ^ IMM)
	F3(F3_XOR_REG, SRC ^ XREG)
#undef F3
#undef XREG
	CASE(F_BOUND_JGT): {
		uint64_t v = SRC + (uint64_t)(int64_t)(int32_t)IMM;

		DST = v;
		if (v > reg[(uint64_t)pc->imm >> 32]) {
			pc = base + pc->off;
			DISPATCH();
		}
		pc += 3;
		DISPATCH();
	}
#define ADDI_JUMP(name, cmp)                                                              \
	CASE(name): {                                                                     \
		uint64_t v = DST + (uint64_t)(int64_t)(int32_t)IMM;                       \
		uint64_t k = (uint64_t)(int64_t)(int32_t)((uint64_t)pc->imm >> 32);       \
                                                                                          \
		DST = v;                                                                  \
		if (v cmp k) {                                                            \
			pc = base + pc->off;                                              \
			DISPATCH();                                                       \
		}                                                                         \
		pc += 2;                                                                  \
		DISPATCH();                                                               \
	}
	ADDI_JUMP(F_ADDI_JNE, !=)
	ADDI_JUMP(F_ADDI_JEQ, ==)
	ADDI_JUMP(F_ADDI_JLT, <)
	ADDI_JUMP(F_ADDI_JGT, >)
#undef ADDI_JUMP
#define LDX_ADD(name, load)                                                               \
	CASE(name): {                                                                     \
		uint64_t v = (load);                                                      \
                                                                                          \
		DST = v;                                                                  \
		reg[pc->imm] += v;                                                        \
		pc += 2;                                                                  \
		DISPATCH();                                                               \
	}
	LDX_ADD(F_LDXB_ADD, *(const uint8_t *)(uintptr_t)SMEM)
	LDX_ADD(F_LDXH_ADD, ld16(SMEM))
	LDX_ADD(F_LDXW_ADD, ld32(SMEM))
	LDX_ADD(F_LDXDW_ADD, ld64(SMEM))
#undef LDX_ADD

	CASE(LDXB): DST = *(const uint8_t *)(uintptr_t)SMEM; NEXT();
	CASE(LDXH): DST = ld16(SMEM); NEXT();
	CASE(LDXW): DST = ld32(SMEM); NEXT();
	CASE(LDXDW): DST = ld64(SMEM); NEXT();
	CASE(LDXSB): DST = (uint64_t)(int64_t)*(const int8_t *)(uintptr_t)SMEM; NEXT();
	CASE(LDXSH): DST = (uint64_t)(int64_t)(int16_t)ld16(SMEM); NEXT();
	CASE(LDXSW): DST = (uint64_t)(int64_t)(int32_t)ld32(SMEM); NEXT();
	CASE(STB): *(uint8_t *)(uintptr_t)MEM = (uint8_t)IMM; NEXT();
	CASE(STH): st16(MEM, (uint16_t)IMM); NEXT();
	CASE(STW): st32(MEM, U32(IMM)); NEXT();
	CASE(STDW): st64(MEM, IMM); NEXT();
	CASE(STXB): *(uint8_t *)(uintptr_t)MEM = (uint8_t)SRC; NEXT();
	CASE(STXH): st16(MEM, (uint16_t)SRC); NEXT();
	CASE(STXW): st32(MEM, U32(SRC)); NEXT();
	CASE(STXDW): st64(MEM, SRC); NEXT();

#define A32 ((uint32_t *)(uintptr_t)MEM)
#define A64 ((uint64_t *)(uintptr_t)MEM)
	CASE(AADD32): __atomic_fetch_add(A32, U32(SRC), __ATOMIC_SEQ_CST); NEXT();
	CASE(AOR32): __atomic_fetch_or(A32, U32(SRC), __ATOMIC_SEQ_CST); NEXT();
	CASE(AAND32): __atomic_fetch_and(A32, U32(SRC), __ATOMIC_SEQ_CST); NEXT();
	CASE(AXOR32): __atomic_fetch_xor(A32, U32(SRC), __ATOMIC_SEQ_CST); NEXT();
	CASE(AFADD32): SRC = __atomic_fetch_add(A32, U32(SRC), __ATOMIC_SEQ_CST); NEXT();
	CASE(AFOR32): SRC = __atomic_fetch_or(A32, U32(SRC), __ATOMIC_SEQ_CST); NEXT();
	CASE(AFAND32): SRC = __atomic_fetch_and(A32, U32(SRC), __ATOMIC_SEQ_CST); NEXT();
	CASE(AFXOR32): SRC = __atomic_fetch_xor(A32, U32(SRC), __ATOMIC_SEQ_CST); NEXT();
	CASE(AXCHG32): SRC = __atomic_exchange_n(A32, U32(SRC), __ATOMIC_SEQ_CST); NEXT();
	CASE(ACMPXCHG32): {
		uint32_t expected = U32(reg[0]);

		__atomic_compare_exchange_n(A32, &expected, U32(SRC), false, __ATOMIC_SEQ_CST,
					    __ATOMIC_SEQ_CST);
		reg[0] = expected;
		NEXT();
	}
	CASE(AADD64): __atomic_fetch_add(A64, SRC, __ATOMIC_SEQ_CST); NEXT();
	CASE(AOR64): __atomic_fetch_or(A64, SRC, __ATOMIC_SEQ_CST); NEXT();
	CASE(AAND64): __atomic_fetch_and(A64, SRC, __ATOMIC_SEQ_CST); NEXT();
	CASE(AXOR64): __atomic_fetch_xor(A64, SRC, __ATOMIC_SEQ_CST); NEXT();
	CASE(AFADD64): SRC = __atomic_fetch_add(A64, SRC, __ATOMIC_SEQ_CST); NEXT();
	CASE(AFOR64): SRC = __atomic_fetch_or(A64, SRC, __ATOMIC_SEQ_CST); NEXT();
	CASE(AFAND64): SRC = __atomic_fetch_and(A64, SRC, __ATOMIC_SEQ_CST); NEXT();
	CASE(AFXOR64): SRC = __atomic_fetch_xor(A64, SRC, __ATOMIC_SEQ_CST); NEXT();
	CASE(AXCHG64): SRC = __atomic_exchange_n(A64, SRC, __ATOMIC_SEQ_CST); NEXT();
	CASE(ACMPXCHG64): {
		uint64_t expected = reg[0];

		__atomic_compare_exchange_n(A64, &expected, SRC, false, __ATOMIC_SEQ_CST,
					    __ATOMIC_SEQ_CST);
		reg[0] = expected;
		NEXT();
	}
	case OP_COUNT:
		break;
	}
	/* Unreachable: every decoded op has a handler that dispatches onward. */
	return 0;
}

static uint64_t interp_exec(const struct interp_prog *prog, uint32_t start,
			    const uint64_t args[5], struct bpfvm_run *run)
{
	_Alignas(16) uint8_t stack[STACK_BYTES];
	uint64_t r0;

	/* only the top frame is live at the start */
	FRAME_POISON_RANGE(stack, STACK_BYTES - BPFVM_STACK_SIZE);
	r0 = interp_exec_on(prog, start, args, run, stack);
	FRAME_UNPOISON_RANGE(stack, STACK_BYTES);
	return r0;
}

static uint64_t interp_run(const struct bpfvm_exec *exec, const uint64_t args[5],
			   struct bpfvm_run *run)
{
	return interp_exec(exec->state, 0, args, run);
}

static uint64_t interp_call(struct bpfvm_run *run, uint32_t insn_idx, const uint64_t args[5])
{
	return interp_exec(run->exec->state, insn_idx, args, run);
}

const struct bpfvm_engine_ops bpfvm_interp_ops = {
	.name = "interp",
	.prepare = interp_prepare,
	.release = interp_release,
	.run = interp_run,
	.call = interp_call,
};
