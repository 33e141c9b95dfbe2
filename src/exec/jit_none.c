/* Hosts without a JIT back end run everything in the interpreter. The JIT for
 * a host (jit_x86_64.c) defines bpfvm_jit_ops itself and excludes its host
 * from this file. */
#include "exec/engine.h"

const struct bpfvm_engine_ops *const bpfvm_jit_ops = NULL;
