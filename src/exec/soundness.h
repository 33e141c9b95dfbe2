/* Soundness of the verifier by execution, through the real pipeline: random
 * XDP and tc programs that are almost safe (bounds checks that are sometimes off by
 * one, null checks sometimes missing or on the wrong copy, offsets sometimes
 * one mask bit too wide) go through bpfvm_prog_load, and every accepted one
 * runs in the interpreter on random packets.
 *
 * What makes a wrong acceptance visible is the memory the runs get: the
 * packet and the context are malloc'd at exactly their size (so tc helpers
 * that grow the packet move it and free the old buffer: stale packet pointers
 * become use-after-free), the map value
 * programs index is the whole allocation of a one-entry array map, and the
 * other map is an always-empty hash map (its lookups return NULL). In an ASan
 * build (BPFVM_SANITIZE) any access beyond the packet, the value or the top
 * frame, and any dereference of NULL, aborts; an accepted loop that does not
 * end is left to the caller's timer. Reads of uninitialised stack and
 * overruns of a value into the next element of a larger map are not seen.
 *
 * In the library, not in a test, so that the ctest (a fixed seed) and the
 * long-running tool (tools/vfuzz.c) generate the same programs from a seed. */
#ifndef BPFVM_EXEC_SOUNDNESS_H
#define BPFVM_EXEC_SOUNDNESS_H

#include <stdint.h>

#include "bpfvm/insn.h"

struct bpfvm_soundness;

/* The maps generated programs use (index 0: array, 1 entry, 16-byte value;
 * index 1: hash, always empty). Returns 0 or a negative errno. */
int bpfvm_soundness_new(struct bpfvm_soundness **out);
void bpfvm_soundness_free(struct bpfvm_soundness *s);

/* Program `index` of the stream of `seed` and its program type (XDP = 6, or
 * SCHED_CLS = 3 for every third); *insns is malloc'd. Returns 0 or -ENOMEM. */
int bpfvm_soundness_generate(uint64_t seed, uint64_t index, struct bpfvm_insn **insns,
			     uint32_t *cnt, uint32_t *prog_type);

/* Loads the program (interpreter) and, when the verifier accepts it, runs it
 * on `runs` packets derived from `seed`. Returns 1 when it was accepted and
 * every run returned, 0 when the verifier rejected it, or a negative errno
 * when loading failed otherwise (a generator bug). */
int bpfvm_soundness_check(struct bpfvm_soundness *s, const struct bpfvm_insn *insns,
			  uint32_t cnt, uint32_t prog_type, uint64_t seed, uint32_t runs);

#endif
