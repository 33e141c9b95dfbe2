/* Load-time rewriting of context accesses (see ctx_rewrite.c). */
#ifndef BPFVM_PROGTYPE_CTX_REWRITE_H
#define BPFVM_PROGTYPE_CTX_REWRITE_H

#include "bpfvm/insn.h"
#include "bpfvm/verify.h"
#include "progtype/progtype.h"

/* Rewrites loads of packet-pointer fields into 64-bit loads of the runtime
 * context's pointers, in place, from the context accesses the verifier proved
 * (`access`: cnt entries, bpfvm_verify_result.ctx_access of an accepted
 * program of type `pt`). Fails with -EINVAL when an entry cannot come from
 * the verifier (a field beyond the table, a write or partial read of a
 * pointer field). */
int bpfvm_ctx_rewrite(struct bpfvm_insn *insns, uint32_t cnt, const struct bpfvm_progtype *pt,
		      const struct bpfvm_ctx_access *access);

#endif
