/* The whole public API of bpfvm. */
#ifndef BPFVM_BPFVM_H
#define BPFVM_BPFVM_H

#include "bpfvm/error.h"
#include "bpfvm/exec.h"
#include "bpfvm/fib.h"
#include "bpfvm/helpers.h"
#include "bpfvm/instance.h"
#include "bpfvm/insn.h"
#include "bpfvm/isa.h"
#include "bpfvm/map.h"
#include "bpfvm/object.h"
#include "bpfvm/prog.h"
#include "bpfvm/sockets.h"
#include "bpfvm/verify.h"

#endif
