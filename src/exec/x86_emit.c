/* x86-64 instruction encodings for the JIT (see x86_emit.h for why this is
 * separate from the translator). References: Intel SDM vol. 2, chapter 2
 * (REX, ModRM, SIB) and the instruction pages. */
#include "exec/x86_emit.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

int x86_reserve(struct x86_buf *b, uint32_t bytes)
{
	uint32_t cap;
	uint8_t *code;

	if (b->cap - b->len >= bytes)
		return 0;
	cap = b->cap ? b->cap : 4096;
	while (cap - b->len < bytes) {
		if (cap > UINT32_MAX / 2)
			return -ENOMEM;
		cap *= 2;
	}
	code = realloc(b->code, cap);
	if (!code)
		return -ENOMEM;
	b->code = code;
	b->cap = cap;
	return 0;
}

static void emit_u16(struct x86_buf *b, uint16_t v)
{
	memcpy(b->code + b->len, &v, 2);
	b->len += 2;
}

static bool fits8(int64_t v)
{
	return v >= -128 && v <= 127;
}

/* REX with W, R (extends ModRM.reg) and B (extends ModRM.rm/base). byte_regs
 * forces a REX so that registers 4-7 mean spl/bpl/sil/dil, not ah/ch/dh/bh. */
static void rex(struct x86_buf *b, bool w, int reg, int rm, bool byte_regs)
{
	uint8_t v = 0x40 | (w << 3) | ((reg >> 3) & 1) << 2 | ((rm >> 3) & 1);

	if (v != 0x40 || (byte_regs && ((reg & 0xf) >= 4 || (rm & 0xf) >= 4)))
		x86_emit_byte(b, v);
}

static void modrm_reg(struct x86_buf *b, int reg, int rm)
{
	x86_emit_byte(b, 0xc0 | (reg & 7) << 3 | (rm & 7));
}

/* ModRM (+SIB, +displacement) for [base + disp]. rsp/r12 as base need a SIB
 * byte; rbp/r13 have no displacement-free form. */
static void modrm_mem(struct x86_buf *b, int reg, int base, int32_t disp)
{
	int rm = base & 7, mod;

	if (disp == 0 && rm != 5)
		mod = 0;
	else if (fits8(disp))
		mod = 1;
	else
		mod = 2;
	x86_emit_byte(b, mod << 6 | (reg & 7) << 3 | rm);
	if (rm == 4)
		x86_emit_byte(b, 0x24);
	if (mod == 1)
		x86_emit_byte(b, (uint8_t)disp);
	else if (mod == 2)
		x86_emit_u32(b, (uint32_t)disp);
}

void x86_alu_rr(struct x86_buf *b, enum x86_alu op, bool w64, int dst, int src)
{
	rex(b, w64, src, dst, false);
	x86_emit_byte(b, op);
	modrm_reg(b, src, dst);
}

void x86_alu_ri(struct x86_buf *b, enum x86_alu op, bool w64, int dst, int32_t imm)
{
	if (op == X86_MOV) {
		x86_mov_ri(b, w64, dst, imm);
		return;
	}
	if (op == X86_TEST) {
		rex(b, w64, 0, dst, false);
		x86_emit_byte(b, 0xf7);
		modrm_reg(b, 0, dst);
		x86_emit_u32(b, (uint32_t)imm);
		return;
	}
	/* The /ext digit of the 0x81/0x83 group is the op's 0x?1 opcode >> 3. */
	rex(b, w64, 0, dst, false);
	if (fits8(imm)) {
		x86_emit_byte(b, 0x83);
		modrm_reg(b, op >> 3, dst);
		x86_emit_byte(b, (uint8_t)imm);
	} else {
		x86_emit_byte(b, 0x81);
		modrm_reg(b, op >> 3, dst);
		x86_emit_u32(b, (uint32_t)imm);
	}
}

void x86_mov_ri(struct x86_buf *b, bool w64, int dst, int32_t imm)
{
	if (imm == 0) {
		x86_alu_rr(b, X86_XOR, false, dst, dst);
	} else if (!w64 || imm > 0) {
		rex(b, false, 0, dst, false);
		x86_emit_byte(b, 0xb8 + (dst & 7));
		x86_emit_u32(b, (uint32_t)imm);
	} else {
		rex(b, true, 0, dst, false);
		x86_emit_byte(b, 0xc7);
		modrm_reg(b, 0, dst);
		x86_emit_u32(b, (uint32_t)imm);
	}
}

void x86_mov_ri64(struct x86_buf *b, int dst, uint64_t imm)
{
	if (imm <= UINT32_MAX) {
		x86_mov_ri(b, false, dst, (int32_t)(uint32_t)imm);
	} else if ((int64_t)imm >= INT32_MIN && (int64_t)imm <= INT32_MAX) {
		x86_mov_ri(b, true, dst, (int32_t)imm);
	} else {
		rex(b, true, 0, dst, false);
		x86_emit_byte(b, 0xb8 + (dst & 7));
		x86_emit_u64(b, imm);
	}
}

void x86_imul_rr(struct x86_buf *b, bool w64, int dst, int src)
{
	rex(b, w64, dst, src, false);
	x86_emit_byte(b, 0x0f);
	x86_emit_byte(b, 0xaf);
	modrm_reg(b, dst, src);
}

void x86_imul_rri(struct x86_buf *b, bool w64, int dst, int src, int32_t imm)
{
	rex(b, w64, dst, src, false);
	if (fits8(imm)) {
		x86_emit_byte(b, 0x6b);
		modrm_reg(b, dst, src);
		x86_emit_byte(b, (uint8_t)imm);
	} else {
		x86_emit_byte(b, 0x69);
		modrm_reg(b, dst, src);
		x86_emit_u32(b, (uint32_t)imm);
	}
}

void x86_unary(struct x86_buf *b, enum x86_unary op, bool w64, int reg)
{
	rex(b, w64, 0, reg, false);
	x86_emit_byte(b, 0xf7);
	modrm_reg(b, op, reg);
}

void x86_shift_ri(struct x86_buf *b, enum x86_shift op, bool w64, int reg, uint8_t count)
{
	rex(b, w64, 0, reg, false);
	if (count == 1) {
		x86_emit_byte(b, 0xd1);
		modrm_reg(b, op, reg);
	} else {
		x86_emit_byte(b, 0xc1);
		modrm_reg(b, op, reg);
		x86_emit_byte(b, count);
	}
}

void x86_shift_cl(struct x86_buf *b, enum x86_shift op, bool w64, int reg)
{
	rex(b, w64, 0, reg, false);
	x86_emit_byte(b, 0xd3);
	modrm_reg(b, op, reg);
}

void x86_movzx_rr(struct x86_buf *b, enum x86_size size, int dst, int src)
{
	if (size == X86_S32) {
		x86_alu_rr(b, X86_MOV, false, dst, src);
		return;
	}
	rex(b, false, dst, src, size == X86_S8);
	x86_emit_byte(b, 0x0f);
	x86_emit_byte(b, size == X86_S8 ? 0xb6 : 0xb7);
	modrm_reg(b, dst, src);
}

void x86_movsx_rr(struct x86_buf *b, enum x86_size size, bool w64, int dst, int src)
{
	rex(b, w64, dst, src, size == X86_S8);
	if (size == X86_S32) {
		x86_emit_byte(b, 0x63);
	} else {
		x86_emit_byte(b, 0x0f);
		x86_emit_byte(b, size == X86_S8 ? 0xbe : 0xbf);
	}
	modrm_reg(b, dst, src);
}

void x86_bswap(struct x86_buf *b, bool w64, int reg)
{
	rex(b, w64, 0, reg, false);
	x86_emit_byte(b, 0x0f);
	x86_emit_byte(b, 0xc8 + (reg & 7));
}

void x86_rol16_8(struct x86_buf *b, int reg)
{
	x86_emit_byte(b, 0x66);
	rex(b, false, 0, reg, false);
	x86_emit_byte(b, 0xc1);
	modrm_reg(b, X86_ROL, reg);
	x86_emit_byte(b, 8);
}

void x86_cqo(struct x86_buf *b, bool w64)
{
	if (w64)
		x86_emit_byte(b, 0x48);
	x86_emit_byte(b, 0x99);
}

void x86_load(struct x86_buf *b, enum x86_size size, bool signx, int dst, int base, int32_t disp)
{
	switch (size) {
	case X86_S8:
	case X86_S16:
		rex(b, signx, dst, base, false);
		x86_emit_byte(b, 0x0f);
		x86_emit_byte(b, (signx ? 0xbe : 0xb6) + (size == X86_S16));
		break;
	case X86_S32:
		rex(b, signx, dst, base, false);
		x86_emit_byte(b, signx ? 0x63 : 0x8b);
		break;
	case X86_S64:
		rex(b, true, dst, base, false);
		x86_emit_byte(b, 0x8b);
		break;
	}
	modrm_mem(b, dst, base, disp);
}

void x86_store(struct x86_buf *b, enum x86_size size, int base, int32_t disp, int src)
{
	if (size == X86_S16)
		x86_emit_byte(b, 0x66);
	rex(b, size == X86_S64, src, base, size == X86_S8);
	x86_emit_byte(b, size == X86_S8 ? 0x88 : 0x89);
	modrm_mem(b, src, base, disp);
}

void x86_store_imm(struct x86_buf *b, enum x86_size size, int base, int32_t disp, int32_t imm)
{
	if (size == X86_S16)
		x86_emit_byte(b, 0x66);
	rex(b, size == X86_S64, 0, base, false);
	x86_emit_byte(b, size == X86_S8 ? 0xc6 : 0xc7);
	modrm_mem(b, 0, base, disp);
	if (size == X86_S8)
		x86_emit_byte(b, (uint8_t)imm);
	else if (size == X86_S16)
		emit_u16(b, (uint16_t)imm);
	else
		x86_emit_u32(b, (uint32_t)imm);
}

void x86_lea(struct x86_buf *b, int dst, int base, int32_t disp)
{
	rex(b, true, dst, base, false);
	x86_emit_byte(b, 0x8d);
	modrm_mem(b, dst, base, disp);
}

void x86_lea_index(struct x86_buf *b, int dst, int base, int index, int32_t disp)
{
	int mod = disp == 0 && (base & 7) != 5 ? 0 : fits8(disp) ? 1 : 2;

	x86_emit_byte(b, 0x48 | ((dst >> 3) & 1) << 2 | ((index >> 3) & 1) << 1 | ((base >> 3) & 1));
	x86_emit_byte(b, 0x8d);
	x86_emit_byte(b, mod << 6 | (dst & 7) << 3 | 4);
	x86_emit_byte(b, (index & 7) << 3 | (base & 7));
	if (mod == 1)
		x86_emit_byte(b, (uint8_t)disp);
	else if (mod == 2)
		x86_emit_u32(b, (uint32_t)disp);
}

void x86_cmp_rm(struct x86_buf *b, int reg, int base, int32_t disp)
{
	rex(b, true, reg, base, false);
	x86_emit_byte(b, 0x3b);
	modrm_mem(b, reg, base, disp);
}

void x86_lock_alu(struct x86_buf *b, enum x86_alu op, bool w64, int base, int32_t disp, int src)
{
	x86_emit_byte(b, 0xf0);
	rex(b, w64, src, base, false);
	x86_emit_byte(b, op);
	modrm_mem(b, src, base, disp);
}

void x86_lock_xadd(struct x86_buf *b, bool w64, int base, int32_t disp, int src)
{
	x86_emit_byte(b, 0xf0);
	rex(b, w64, src, base, false);
	x86_emit_byte(b, 0x0f);
	x86_emit_byte(b, 0xc1);
	modrm_mem(b, src, base, disp);
}

void x86_xchg_mem(struct x86_buf *b, bool w64, int base, int32_t disp, int src)
{
	rex(b, w64, src, base, false);
	x86_emit_byte(b, 0x87);
	modrm_mem(b, src, base, disp);
}

void x86_lock_cmpxchg(struct x86_buf *b, bool w64, int base, int32_t disp, int src)
{
	x86_emit_byte(b, 0xf0);
	rex(b, w64, src, base, false);
	x86_emit_byte(b, 0x0f);
	x86_emit_byte(b, 0xb1);
	modrm_mem(b, src, base, disp);
}

void x86_push(struct x86_buf *b, int reg)
{
	rex(b, false, 0, reg, false);
	x86_emit_byte(b, 0x50 + (reg & 7));
}

void x86_pop(struct x86_buf *b, int reg)
{
	rex(b, false, 0, reg, false);
	x86_emit_byte(b, 0x58 + (reg & 7));
}

void x86_ret(struct x86_buf *b)
{
	x86_emit_byte(b, 0xc3);
}

void x86_call_reg(struct x86_buf *b, int reg)
{
	rex(b, false, 0, reg, false);
	x86_emit_byte(b, 0xff);
	modrm_reg(b, 2, reg);
}

void x86_jmp_reg(struct x86_buf *b, int reg)
{
	rex(b, false, 0, reg, false);
	x86_emit_byte(b, 0xff);
	modrm_reg(b, 4, reg);
}

void x86_jcc(struct x86_buf *b, enum x86_cc cc, int64_t target, bool short_form)
{
	if (short_form) {
		x86_emit_byte(b, 0x70 | cc);
		x86_emit_byte(b, (uint8_t)(target - (b->len + 1)));
	} else {
		x86_emit_byte(b, 0x0f);
		x86_emit_byte(b, 0x80 | cc);
		x86_emit_u32(b, (uint32_t)(target - (b->len + 4)));
	}
}

void x86_jmp(struct x86_buf *b, int64_t target, bool short_form)
{
	if (short_form) {
		x86_emit_byte(b, 0xeb);
		x86_emit_byte(b, (uint8_t)(target - (b->len + 1)));
	} else {
		x86_emit_byte(b, 0xe9);
		x86_emit_u32(b, (uint32_t)(target - (b->len + 4)));
	}
}

uint32_t x86_jcc_fwd(struct x86_buf *b, enum x86_cc cc)
{
	x86_emit_byte(b, 0x70 | cc);
	x86_emit_byte(b, 0);
	return b->len - 1;
}

uint32_t x86_jmp_fwd(struct x86_buf *b)
{
	x86_emit_byte(b, 0xeb);
	x86_emit_byte(b, 0);
	return b->len - 1;
}

void x86_patch_here(struct x86_buf *b, uint32_t at)
{
	b->code[at] = (uint8_t)(b->len - (at + 1));
}

void x86_call_rel32(struct x86_buf *b, uintptr_t code_base, uintptr_t target)
{
	x86_emit_byte(b, 0xe8);
	x86_emit_u32(b, (uint32_t)(target - (code_base + b->len + 4)));
}

bool x86_rel32_reaches(uintptr_t lo, uintptr_t hi, uintptr_t target)
{
	int64_t a = (int64_t)(target - lo), z = (int64_t)(target - hi);

	return a >= INT32_MIN && a <= INT32_MAX && z >= INT32_MIN && z <= INT32_MAX;
}
