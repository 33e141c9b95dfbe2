/* Load-time rewriting of context stores into narrower, conditional ones (see
 * ctx_store.c). */
#ifndef BPFVM_PROGTYPE_CTX_STORE_H
#define BPFVM_PROGTYPE_CTX_STORE_H

#include "bpfvm/insn.h"
#include "bpfvm/verify.h"
#include "progtype/progtype.h"

/* Rewrites the proved writes (`access`, *cnt entries) of fields with a
 * store_size; *insns may be replaced by a longer program (the old array is
 * freed). -EINVAL for an access the verifier cannot have proved. */
int bpfvm_ctx_store_rewrite(struct bpfvm_insn **insns, uint32_t *cnt,
			    const struct bpfvm_progtype *pt, const struct bpfvm_ctx_access *access);

#endif
