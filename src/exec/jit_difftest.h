/* Differential testing of the engines: random, structurally valid and
 * memory-safe programs run in the interpreter (the reference) and in the JIT,
 * whose results must be identical.
 *
 * In the library, not in a test, so that the ctest (a fixed seed, a few
 * thousand programs) and the long-running tool (tools/difftest.c, any number
 * of programs or seconds) generate exactly the same programs from a seed, and
 * so that a port of the JIT to a new host can run it there. */
#ifndef BPFVM_EXEC_JIT_DIFFTEST_H
#define BPFVM_EXEC_JIT_DIFFTEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bpfvm/exec.h"

/* The buffer every program gets in r1 (r2 is its size): the programs read and
 * write its first half and store their registers in the second. */
#define BPFVM_DIFFTEST_MEM 256

/* Program `index` of the stream of `seed`: straight-line ALU of every op and
 * width, forward branches, bounded loops, loads, stores and atomics on the
 * stack and the buffer, helper calls (id 1, bpfvm_difftest_resolve), callx,
 * legacy packet loads (bound to a stand-in that reads no packet) and
 * bpf-to-bpf calls. *insns is malloc'd. Returns 0 or -ENOMEM. */
int bpfvm_difftest_generate(uint64_t seed, uint64_t index, struct bpfvm_insn **insns,
			    uint32_t *cnt);

/* The helpers generated programs call. */
int bpfvm_difftest_resolve(void *cookie, int32_t id, struct bpfvm_helper_binding *out);

/* Runs the program in the interpreter and in the JIT (with constant blinding
 * when harden) on the same inputs, derived from `seed`. Returns 0 when r0,
 * the run's error and the buffer agree, 1 when they differ (with what differs
 * written to `why`), or a negative errno when an engine refused the program. */
int bpfvm_difftest_check(const struct bpfvm_insn *insns, uint32_t cnt, uint64_t seed,
			 bool harden, char *why, size_t why_len);

/* The program as assembly (bpfvm_asm's dialect), one instruction a line with
 * its index, in a malloc'd string; NULL when out of memory. */
char *bpfvm_difftest_listing(const struct bpfvm_insn *insns, uint32_t cnt);

#endif
