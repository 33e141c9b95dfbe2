/* struct bpfvm_prog: a loaded program, shared by the loader (prog.c) and the
 * hooks that run it. */
#ifndef BPFVM_EXEC_PROG_INTERNAL_H
#define BPFVM_EXEC_PROG_INTERNAL_H

#include <stdio.h>

#include "bpfvm/prog.h"
#include "progtype/progtype.h"

struct bpfvm_prog {
	char *name;
	const struct bpfvm_progtype *type;
	uint32_t attach_type;
	struct bpfvm_exec *exec;
};

#endif
