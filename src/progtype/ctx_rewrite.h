/* Load-time rewriting of context accesses (see ctx_rewrite.c). */
#ifndef BPFVM_PROGTYPE_CTX_REWRITE_H
#define BPFVM_PROGTYPE_CTX_REWRITE_H

#include "bpfvm/insn.h"
#include "progtype/progtype.h"

/* Checks every context access of the program against the type's field table
 * and rewrites loads of packet-pointer fields into 64-bit loads of the runtime
 * context's pointers, in place. Fails with -EACCES and "insn N: ..." on an
 * invalid or undecidable access. The program must have passed the structural
 * check. */
int bpfvm_ctx_rewrite(struct bpfvm_insn *insns, uint32_t cnt, const struct bpfvm_progtype *pt,
		      uint32_t attach_type);

#endif
