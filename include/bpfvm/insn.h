/* The eBPF instruction as it sits in an object file (RFC 9669, <linux/bpf.h>).
 *
 * Public because every layer and every user of the library speaks it: the loader
 * produces arrays of it, the verifier and the engines consume them, and tools
 * assemble and disassemble it. The opcode constants live in the private
 * src/isa/opcodes.h so that this header never clashes with <linux/bpf.h>. */
#ifndef BPFVM_INSN_H
#define BPFVM_INSN_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Layout identical to the kernel's struct bpf_insn on little-endian hosts:
 * 8 bytes, dst_reg in the low nibble of byte 1. */
struct bpfvm_insn {
	uint8_t code;
	uint8_t dst_reg : 4;
	uint8_t src_reg : 4;
	int16_t off;
	int32_t imm;
};

#define BPFVM_INSN_SIZE 8
/* A hard cap on program length, as Linux's BPF_COMPLEXITY_LIMIT_INSNS. */
#define BPFVM_MAX_INSNS 1000000u
#define BPFVM_STACK_SIZE 512
#define BPFVM_MAX_CALL_DEPTH 8

#ifdef __cplusplus
}
#endif
#endif
