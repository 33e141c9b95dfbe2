/* Where the x86-64 JIT keeps eBPF state, and what the host's C ABI requires
 * of it: the one place to change for another calling convention.
 *
 * System V (Linux, BSD, macOS): eBPF's r1-r5 live in the first five C argument
 * registers, so a helper call needs no argument moves at all, r0 is the
 * return register, and r6-r9 and the frame pointer r10 sit in callee-saved
 * registers, so they survive helper calls for free. The sixth helper argument
 * (struct bpfvm_run *) travels in r9, loaded from the per-run block whose
 * address lives in callee-saved r12 for the whole run.
 *
 * For the Windows x64 ABI the mapping would change here (arguments in rcx,
 * rdx, r8, r9 then the stack, 32 bytes of shadow space, rdi/rsi callee-saved);
 * jit_x86_64.c reads only these names. */
#ifndef BPFVM_EXEC_JIT_ABI_H
#define BPFVM_EXEC_JIT_ABI_H

#include "bpfvm/insn.h"
#include "exec/x86_emit.h"

/* eBPF r0..r10 -> host register. */
static const uint8_t jit_bpf_reg[11] = {
	X86_RAX, /* r0: return value */
	X86_RDI, /* r1-r5: C arguments 1-5 */
	X86_RSI,
	X86_RDX,
	X86_RCX,
	X86_R8,
	X86_RBX, /* r6-r9: callee-saved */
	X86_R13,
	X86_R14,
	X86_R15,
	X86_RBP, /* r10: frame pointer, top of the 512-byte frame */
};

/* The per-run block (struct jit_block) for the whole run. Callee-saved. */
#define JIT_BLOCK X86_R12
/* Where a helper receives its sixth argument (struct bpfvm_run *). */
#define JIT_HELPER_ARG6 X86_R9
/* Scratch registers, free between eBPF instructions. JIT_AX also carries
 * blinded immediates into the instruction that uses them. */
#define JIT_TMP1 X86_R9
#define JIT_TMP2 X86_R10
#define JIT_AX X86_R11

/* The C entry points of generated code take (args, block[, target]) in the
 * first C argument registers. */
#define JIT_ENTRY_ARGS X86_RDI
#define JIT_ENTRY_BLOCK X86_RSI
#define JIT_ENTRY_TARGET X86_RDX
/* First two C argument registers, for calls into the JIT's C runtime. */
#define JIT_C_ARG1 X86_RDI
#define JIT_C_ARG2 X86_RSI

/* Registers every frame saves, in push order. The set is the same in every
 * frame (entry, subprogram, callback trampoline) so that all frames have one
 * shape: a tail call can continue in any frame, and an unwind can pop the
 * entry frame from anywhere. */
static const uint8_t jit_saved_regs[6] = {
	X86_RBP, X86_RBX, X86_R12, X86_R13, X86_R14, X86_R15,
};

/* Bytes below the saved registers: the 512-byte eBPF stack, plus 8 so that
 * rsp is 16-byte aligned at every call (the return address and six pushes
 * leave it at 8 mod 16). */
#define JIT_FRAME_LOCALS (BPFVM_STACK_SIZE + 8)
/* One whole frame: return address, saved registers, locals. */
#define JIT_FRAME_BYTES (8 + 8 * 6 + JIT_FRAME_LOCALS)

#endif
