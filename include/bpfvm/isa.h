/* The instruction-set layer: structural checking, disassembly, assembly.
 *
 * Everything here is about bytes and syntax, not safety: a program that passes
 * bpfvm_isa_check() is well-formed (every opcode known, reserved fields zero,
 * registers valid, jumps in range) but may still do anything at run time. */
#ifndef BPFVM_ISA_H
#define BPFVM_ISA_H

#include <stddef.h>
#include <stdint.h>

#include "bpfvm/insn.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Rejects a malformed program with -EINVAL and "insn N: <what is wrong>":
 * unknown opcodes, non-zero reserved fields, bad registers, writes to r10,
 * jumps/calls out of range or into the second half of lddw, a truncated lddw,
 * falling off the end, an empty or over-long program. */
int bpfvm_isa_check(const struct bpfvm_insn *insns, uint32_t cnt);

/* Disassembles the instruction at `idx` in LLVM's syntax, exactly as
 * `llvm-objdump -d` prints it (`r0 = *(u32 *)(r1 + 4)`, `if r1 == 0 goto +3`,
 * `r1 = 0 ll`). Writes at most `len` bytes to `buf` (always NUL-terminated) and
 * returns the number of slots consumed (2 for lddw), or a negative errno. */
int bpfvm_disasm_insn(const struct bpfvm_insn *insns, uint32_t cnt, uint32_t idx, char *buf,
		      size_t len);

/* Assembles text in the conformance suite's syntax (`mov32 %r0, 1`,
 * `ldxw %r0, [%r1+4]`, labels, `lock fetch add [%r10-8], %r1`, `#` comments).
 * On success *out is malloc'd and owned by the caller. On failure returns
 * -EINVAL with "line N: <what is wrong>". */
int bpfvm_asm(const char *text, struct bpfvm_insn **out, uint32_t *cnt);

/* Prints one instruction back in the assembler's syntax (the inverse of
 * bpfvm_asm), so that asm -> bytes -> text -> asm round-trips. Same return as
 * bpfvm_disasm_insn. Jump targets are printed as +N/-N offsets. */
int bpfvm_asm_format_insn(const struct bpfvm_insn *insns, uint32_t cnt, uint32_t idx, char *buf,
			  size_t len);

#ifdef __cplusplus
}
#endif
#endif
