/* Hosts without a JIT back end run everything in the interpreter. */
#include "exec/engine.h"

#if !defined(__x86_64__)
const struct bpfvm_engine_ops *const bpfvm_jit_ops = NULL;
#endif
