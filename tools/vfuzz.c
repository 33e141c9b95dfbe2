/* bpfvm-vfuzz: the verifier's soundness by execution for as long as asked
 * (the ctest test_verify_soundness runs a short fixed-seed slice of the same
 * stream). Build it with -DBPFVM_SANITIZE=ON: what catches a wrongly accepted
 * program is ASan (see src/exec/soundness.h).
 *
 *   bpfvm-vfuzz [--seed N] [--programs N] [--seconds T] [--start I] [--runs R]
 *
 * Before running an accepted program its listing is kept, so that when ASan
 * aborts, the process faults, or a run exceeds 5 s (an accepted loop that does
 * not end), the program is printed as assembly with its seed and index.
 * Exit 0: no violation; 2: usage or a generator bug; otherwise the process
 * dies with the violation. */
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bpfvm/bpfvm.h"
#include "exec/jit_difftest.h"
#include "exec/soundness.h"

#if defined(__SANITIZE_ADDRESS__)
#define VFUZZ_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define VFUZZ_ASAN 1
#endif
#endif

#ifdef VFUZZ_ASAN
void __asan_set_death_callback(void (*callback)(void));
#endif

static char *current; /* the program being run, as printed on a violation */

static void print_current(void)
{
	if (current && write(2, current, strlen(current)) < 0)
		current = NULL;
}

static void on_signal(int sig)
{
	static const char timeout[] = "bpfvm-vfuzz: a run did not end in 5 s: accepted loop "
				      "that does not terminate\n";
	static const char fault[] = "bpfvm-vfuzz: fault in an accepted program\n";

	if (sig == SIGALRM) {
		if (write(2, timeout, sizeof(timeout) - 1) < 0)
			_exit(1);
	} else if (write(2, fault, sizeof(fault) - 1) < 0) {
		_exit(1);
	}
	print_current();
	_exit(1);
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int usage(void)
{
	fprintf(stderr, "usage: bpfvm-vfuzz [--seed N] [--programs N] [--seconds T] [--start I] "
		"[--runs R]\n");
	return 2;
}

int main(int argc, char **argv)
{
	uint64_t seed = 1, programs = 0, start = 0, accepted = 0, i;
	uint32_t runs = 64;
	double seconds = 0, t0 = now_s(), last = t0;
	struct bpfvm_soundness *s;

	for (int a = 1; a < argc; a++) {
		if (a + 1 >= argc)
			return usage();
		if (!strcmp(argv[a], "--seed"))
			seed = strtoull(argv[++a], NULL, 0);
		else if (!strcmp(argv[a], "--programs"))
			programs = strtoull(argv[++a], NULL, 0);
		else if (!strcmp(argv[a], "--seconds"))
			seconds = strtod(argv[++a], NULL);
		else if (!strcmp(argv[a], "--start"))
			start = strtoull(argv[++a], NULL, 0);
		else if (!strcmp(argv[a], "--runs"))
			runs = (uint32_t)strtoul(argv[++a], NULL, 0);
		else
			return usage();
	}
	if (!programs && seconds <= 0)
		programs = 10000;
#ifdef VFUZZ_ASAN
	__asan_set_death_callback(print_current);
#else
	fprintf(stderr, "bpfvm-vfuzz: not an ASan build: only faults and hangs are caught\n");
	signal(SIGSEGV, on_signal);
	signal(SIGBUS, on_signal);
#endif
	signal(SIGALRM, on_signal);
	if (bpfvm_soundness_new(&s)) {
		fprintf(stderr, "bpfvm-vfuzz: %s\n", bpfvm_last_error());
		return 2;
	}
	for (i = start; (!programs || i < start + programs) &&
			(seconds <= 0 || now_s() - t0 < seconds); i++) {
		struct bpfvm_insn *insns;
		uint32_t cnt, type;
		char head[96];
		char *listing;
		int r;

		if (bpfvm_soundness_generate(seed, i, &insns, &cnt, &type)) {
			fprintf(stderr, "bpfvm-vfuzz: %s\n", bpfvm_last_error());
			return 2;
		}
		listing = bpfvm_difftest_listing(insns, cnt);
		snprintf(head, sizeof(head), "seed %" PRIu64 " program %" PRIu64 ":\n", seed, i);
		free(current);
		current = malloc(strlen(head) + (listing ? strlen(listing) : 0) + 1);
		if (current) {
			strcpy(current, head);
			strcat(current, listing ? listing : "");
		}
		free(listing);
		alarm(5);
		r = bpfvm_soundness_check(s, insns, cnt, type, seed ^ i, runs);
		alarm(0);
		free(insns);
		if (r < 0) {
			fprintf(stderr, "bpfvm-vfuzz: load failed (generator bug): %s\n",
				bpfvm_last_error());
			print_current();
			return 2;
		}
		accepted += (uint64_t)r;
		if (now_s() - last >= 60) {
			last = now_s();
			printf("%.0f s: %" PRIu64 " programs, %" PRIu64 " accepted\n", last - t0,
			       i + 1 - start, accepted);
			fflush(stdout);
		}
	}
	printf("seed %" PRIu64 ": %" PRIu64 " programs, %" PRIu64 " accepted, no violation, "
	       "%.1f s\n", seed, i - start, accepted, now_s() - t0);
	free(current);
	bpfvm_soundness_free(s);
	return 0;
}
