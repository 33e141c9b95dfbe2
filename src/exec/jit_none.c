/* Hosts without a JIT back end run everything in the interpreter. */
#include <errno.h>

#include "exec/engine.h"
#include "exec/jit.h"
#include "util/error.h"

#if !defined(__x86_64__)
const struct bpfvm_engine_ops *const bpfvm_jit_ops = NULL;

int bpfvm_jit_image(const struct bpfvm_exec *exec, const uint8_t **code, size_t *len)
{
	return bpfvm_errorf(-EINVAL, "this host has no JIT");
}
#endif
