/* An x86-64 instruction encoder for the JIT.
 *
 * The translator (jit_x86_64.c) thinks in eBPF terms; this file knows how the
 * bytes of each x86-64 instruction are laid out (REX prefixes, ModRM/SIB,
 * short and long immediates), so that encoding mistakes live in one place and
 * each function can be checked against a disassembler on its own. Registers
 * are hardware numbers; which eBPF register lives where is jit_abi.h's
 * business, not this file's. */
#ifndef BPFVM_EXEC_X86_EMIT_H
#define BPFVM_EXEC_X86_EMIT_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

enum x86_reg {
	X86_RAX, X86_RCX, X86_RDX, X86_RBX, X86_RSP, X86_RBP, X86_RSI, X86_RDI,
	X86_R8, X86_R9, X86_R10, X86_R11, X86_R12, X86_R13, X86_R14, X86_R15,
};

/* Two-operand ALU instructions, as the opcode of their `op r/m, reg` form. */
enum x86_alu {
	X86_ADD = 0x01, X86_OR = 0x09, X86_AND = 0x21, X86_SUB = 0x29,
	X86_XOR = 0x31, X86_CMP = 0x39, X86_MOV = 0x89, X86_TEST = 0x85,
};

/* Group-3 unary instructions (F7 /ext). */
enum x86_unary { X86_NOT = 2, X86_NEG = 3, X86_MUL = 4, X86_DIV = 6, X86_IDIV = 7 };

/* Group-2 shifts and rotates (C1/D3 /ext). */
enum x86_shift { X86_ROL = 0, X86_SHL = 4, X86_SHR = 5, X86_SAR = 7 };

/* Condition codes (the low nibble of Jcc). */
enum x86_cc {
	X86_CC_B = 0x2, X86_CC_AE = 0x3, X86_CC_E = 0x4, X86_CC_NE = 0x5,
	X86_CC_BE = 0x6, X86_CC_A = 0x7, X86_CC_S = 0x8, X86_CC_L = 0xc, X86_CC_GE = 0xd,
	X86_CC_LE = 0xe, X86_CC_G = 0xf,
};

/* Operand widths in bytes for memory accesses. */
enum x86_size { X86_S8 = 1, X86_S16 = 2, X86_S32 = 4, X86_S64 = 8 };

/* A growing code buffer. Callers reserve room for one eBPF instruction's worth
 * of code (x86_reserve) before emitting it, so emitting never checks bounds. */
struct x86_buf {
	uint8_t *code;
	uint32_t len;
	uint32_t cap;
};

/* Longest code emitted for any single eBPF instruction, with room to spare. */
#define X86_MAX_INSN_BYTES 128

int x86_reserve(struct x86_buf *b, uint32_t bytes);

/* Inline: they are most of the work of compiling. */
static inline void x86_emit_byte(struct x86_buf *b, uint8_t v)
{
	b->code[b->len++] = v;
}

static inline void x86_emit_u32(struct x86_buf *b, uint32_t v)
{
	memcpy(b->code + b->len, &v, 4);
	b->len += 4;
}

static inline void x86_emit_u64(struct x86_buf *b, uint64_t v)
{
	memcpy(b->code + b->len, &v, 8);
	b->len += 8;
}

/* reg-reg and reg-immediate ALU; w64 selects the 64-bit form (REX.W). In the
 * 32-bit forms the CPU zero-extends the destination, as eBPF's ALU32 needs. */
void x86_alu_rr(struct x86_buf *b, enum x86_alu op, bool w64, int dst, int src);
void x86_alu_ri(struct x86_buf *b, enum x86_alu op, bool w64, int dst, int32_t imm);
/* dst = imm, sign-extended to 64 bits when w64, zero-extended otherwise. */
void x86_mov_ri(struct x86_buf *b, bool w64, int dst, int32_t imm);
/* dst = imm64 in the shortest form. */
void x86_mov_ri64(struct x86_buf *b, int dst, uint64_t imm);
void x86_imul_rr(struct x86_buf *b, bool w64, int dst, int src);
void x86_imul_rri(struct x86_buf *b, bool w64, int dst, int src, int32_t imm);
void x86_unary(struct x86_buf *b, enum x86_unary op, bool w64, int reg);
void x86_shift_ri(struct x86_buf *b, enum x86_shift op, bool w64, int reg, uint8_t count);
void x86_shift_cl(struct x86_buf *b, enum x86_shift op, bool w64, int reg);
/* dst = zero- or sign-extension of the low `size` bytes of src. */
void x86_movzx_rr(struct x86_buf *b, enum x86_size size, int dst, int src);
void x86_movsx_rr(struct x86_buf *b, enum x86_size size, bool w64, int dst, int src);
void x86_bswap(struct x86_buf *b, bool w64, int reg);
void x86_rol16_8(struct x86_buf *b, int reg);
void x86_cqo(struct x86_buf *b, bool w64);

/* Memory operands are [base + disp]. Loads zero-extend (or sign-extend with
 * signx) into the whole 64-bit register. */
void x86_load(struct x86_buf *b, enum x86_size size, bool signx, int dst, int base, int32_t disp);
void x86_store(struct x86_buf *b, enum x86_size size, int base, int32_t disp, int src);
void x86_store_imm(struct x86_buf *b, enum x86_size size, int base, int32_t disp, int32_t imm);
void x86_lea(struct x86_buf *b, int dst, int base, int32_t disp);
/* dst = base + index + disp (index must not be rsp). */
void x86_lea_index(struct x86_buf *b, int dst, int base, int index, int32_t disp);
/* cmp reg, qword [base + disp] */
void x86_cmp_rm(struct x86_buf *b, int reg, int base, int32_t disp);

/* Atomic read-modify-writes of a dword or qword at [base + disp]. */
void x86_lock_alu(struct x86_buf *b, enum x86_alu op, bool w64, int base, int32_t disp, int src);
void x86_lock_xadd(struct x86_buf *b, bool w64, int base, int32_t disp, int src);
void x86_xchg_mem(struct x86_buf *b, bool w64, int base, int32_t disp, int src);
void x86_lock_cmpxchg(struct x86_buf *b, bool w64, int base, int32_t disp, int src);

void x86_push(struct x86_buf *b, int reg);
void x86_pop(struct x86_buf *b, int reg);
void x86_ret(struct x86_buf *b);
void x86_call_reg(struct x86_buf *b, int reg);
void x86_jmp_reg(struct x86_buf *b, int reg);

/* Branches to `target`, an offset in the same buffer, in the 2-byte form
 * when short_form (the caller's layout passes decide, see jit_x86_64.c; the
 * displacement is truncated in passes whose layout is not final yet). */
void x86_jcc(struct x86_buf *b, enum x86_cc cc, int64_t target, bool short_form);
void x86_jmp(struct x86_buf *b, int64_t target, bool short_form);
/* Short forward branches within one eBPF instruction's code: emit with the
 * target unknown, then x86_patch_here() once the target is reached. */
uint32_t x86_jcc_fwd(struct x86_buf *b, enum x86_cc cc);
uint32_t x86_jmp_fwd(struct x86_buf *b);
void x86_patch_here(struct x86_buf *b, uint32_t at);
/* call rel32 to an absolute address, given where the buffer will live. */
void x86_call_rel32(struct x86_buf *b, uintptr_t code_base, uintptr_t target);
/* Whether `target` is within rel32 reach of every byte in [lo, hi). */
bool x86_rel32_reaches(uintptr_t lo, uintptr_t hi, uintptr_t target);

#endif
