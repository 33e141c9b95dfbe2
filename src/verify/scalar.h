/* The abstract value of a scalar (and of a pointer's variable offset): known
 * bits plus signed and unsigned bounds of the full 64 bits and of the low 32
 * bits. The five views are kept consistent by scalar_sync(); each operation
 * computes what it can in each view and lets sync propagate. 32-bit ALU ops
 * compute in the 32-bit views and zero-extend, which is where verifiers went
 * wrong before (VERIFIER-NOTES.md), so tests/unit/test_verify_scalar.c checks
 * every transfer function against enumeration of concrete values. */
#ifndef BPFVM_VERIFY_SCALAR_H
#define BPFVM_VERIFY_SCALAR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "verify/tnum.h"

struct scalar {
	struct tnum var;
	int64_t smin, smax;
	uint64_t umin, umax;
	int32_t s32min, s32max;
	uint32_t u32min, u32max;
};

struct scalar scalar_const(uint64_t v);
struct scalar scalar_unknown(void);
/* [min, max] as unsigned 64-bit values. */
struct scalar scalar_urange(uint64_t min, uint64_t max);
bool scalar_is_const(const struct scalar *s);
/* Propagates information between the views; false when no value is left. */
bool scalar_sync(struct scalar *s);
bool scalar_contains(const struct scalar *s, uint64_t x);
/* Every value of b is a value of a. */
bool scalar_in(const struct scalar *a, const struct scalar *b);
bool scalar_equal(const struct scalar *a, const struct scalar *b);
/* An over-approximation of the union. */
struct scalar scalar_union(const struct scalar *a, const struct scalar *b);

/* dst = dst OP src for the ALU/ALU64 instruction `code` (off: signed div/mod,
 * movsx; imm: the width of BPF_END). For BPF_K the caller passes the immediate
 * as src, sign-extended to 64 bits. For BPF_END and BPF_NEG src is unused. */
struct scalar scalar_alu(uint8_t code, int16_t off, int32_t imm, const struct scalar *dst,
			 const struct scalar *src);
/* The concrete operation, as the ISA defines it (the tests' oracle). */
uint64_t scalar_alu_concrete(uint8_t code, int16_t off, int32_t imm, uint64_t dst, uint64_t src);

/* Narrows a and b to the values for which `a OP b` (a JMP/JMP32 op; JSET
 * included) is `taken`. Returns false when no pair of values is left: that
 * side of the branch is dead. */
bool scalar_refine(int op, bool is64, bool taken, struct scalar *a, struct scalar *b);
bool scalar_cmp_concrete(int op, bool is64, uint64_t a, uint64_t b);

/* Value loaded from memory of `size` bytes (zero-extended), or sign-extended
 * for BPF_MEMSX loads. */
struct scalar scalar_load(unsigned int size, bool sext);
/* The value truncated to its low `size` bytes, zero-extended. */
struct scalar scalar_truncate(const struct scalar *s, unsigned int size);

int scalar_format(const struct scalar *s, char *buf, size_t len);

#endif
