/* bpfvm-difftest: the interpreter-versus-JIT differential test for as long
 * as asked (the ctest runs a short fixed-seed slice of the same stream).
 *
 *   bpfvm-difftest [--seed N] [--programs N] [--seconds T] [--harden-every K]
 *
 * Stops at the first mismatch and prints the program as assembly, ready to be
 * turned into a test vector. Exit 0: no mismatch; 1: a mismatch; 2: usage or
 * an engine refused a generated program (a generator bug). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bpfvm/bpfvm.h"
#include "exec/jit_difftest.h"

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int usage(void)
{
	fprintf(stderr, "usage: bpfvm-difftest [--seed N] [--programs N] [--seconds T] "
		"[--harden-every K]\n");
	return 2;
}

int main(int argc, char **argv)
{
	uint64_t seed = 1, programs = 0, harden_every = 4, insns_total = 0, i;
	double seconds = 0, t0 = now_s(), elapsed;

	for (int a = 1; a < argc; a++) {
		if (a + 1 >= argc)
			return usage();
		if (!strcmp(argv[a], "--seed"))
			seed = strtoull(argv[++a], NULL, 0);
		else if (!strcmp(argv[a], "--programs"))
			programs = strtoull(argv[++a], NULL, 0);
		else if (!strcmp(argv[a], "--seconds"))
			seconds = strtod(argv[++a], NULL);
		else if (!strcmp(argv[a], "--harden-every"))
			harden_every = strtoull(argv[++a], NULL, 0);
		else
			return usage();
	}
	if (!programs && seconds <= 0)
		programs = 10000;
	for (i = 0; (!programs || i < programs) && (seconds <= 0 || now_s() - t0 < seconds); i++) {
		struct bpfvm_insn *insns;
		uint32_t cnt;
		char why[256];
		bool harden = harden_every && i % harden_every == harden_every - 1;
		int r;

		if (bpfvm_difftest_generate(seed, i, &insns, &cnt)) {
			fprintf(stderr, "bpfvm-difftest: %s\n", bpfvm_last_error());
			return 2;
		}
		insns_total += cnt;
		r = bpfvm_difftest_check(insns, cnt, seed ^ i, harden, why, sizeof(why));
		if (r) {
			char *listing = bpfvm_difftest_listing(insns, cnt);

			if (r < 0)
				printf("seed %" PRIu64 " program %" PRIu64 ": refused: %s\n", seed, i,
				       bpfvm_last_error());
			else
				printf("seed %" PRIu64 " program %" PRIu64 "%s: MISMATCH: %s\n", seed, i,
				       harden ? " (hardened)" : "", why);
			printf("%s", listing ? listing : "(out of memory)\n");
			free(listing);
			free(insns);
			return r < 0 ? 2 : 1;
		}
		free(insns);
		if (i && i % 1000000 == 0)
			fprintf(stderr, "%" PRIu64 " programs, %.0f s\n", i, now_s() - t0);
	}
	elapsed = now_s() - t0;
	printf("%" PRIu64 " programs (%" PRIu64 " instructions, seed %" PRIu64 ") in %.1f s: "
	       "0 mismatches\n", i, insns_total, seed, elapsed);
	return 0;
}
