/* What the JIT offers beyond struct bpfvm_engine_ops: a look at the machine
 * code it generated, for `bpfvm disasm --jited` and for tests. */
#ifndef BPFVM_EXEC_JIT_H
#define BPFVM_EXEC_JIT_H

#include <stddef.h>
#include <stdint.h>

#include "bpfvm/exec.h"

/* The generated code of a JIT-engine exec: *code points at *len bytes of
 * read-only, executable memory owned by the exec. -EINVAL (with a message)
 * when the exec does not run in the JIT. */
int bpfvm_jit_image(const struct bpfvm_exec *exec, const uint8_t **code, size_t *len);

#endif
