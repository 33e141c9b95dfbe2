/* The verifier's soundness through the real pipeline: a fixed-seed slice of
 * bpfvm-vfuzz's stream (src/exec/soundness.h). Almost-safe XDP programs are
 * loaded with bpfvm_prog_load and every accepted one runs in the interpreter
 * on exactly-sized packets and a one-entry array map's value. In the ASan
 * build (BPFVM_SANITIZE) an out-of-bounds access or a NULL dereference by an
 * accepted program aborts the test with the program printed; in other builds
 * only faults and hangs show. A run longer than 5 s (an accepted loop that
 * does not end) fails too. */
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bpfvm/bpfvm.h"
#include "exec/jit_difftest.h"
#include "exec/soundness.h"
#include "test.h"

#if defined(__SANITIZE_ADDRESS__)
#define SOUND_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SOUND_ASAN 1
#endif
#endif

#ifdef SOUND_ASAN
void __asan_set_death_callback(void (*callback)(void));
#endif

#define PROGRAMS 20000
#define SEED 0x5eed

static char *current;

static void print_current(void)
{
	if (current && write(2, current, strlen(current)) < 0)
		current = NULL;
}

static void on_signal(int sig)
{
	static const char msg[] = "accepted program faulted or did not end:\n";

	(void)sig;
	if (write(2, msg, sizeof(msg) - 1) < 0)
		_exit(1);
	print_current();
	_exit(1);
}

int main(void)
{
	struct bpfvm_soundness *s;
	int accepted = 0;

#ifdef SOUND_ASAN
	__asan_set_death_callback(print_current);
#else
	signal(SIGSEGV, on_signal);
	signal(SIGBUS, on_signal);
#endif
	signal(SIGALRM, on_signal);
	CHECK(bpfvm_soundness_new(&s) == 0);
	for (uint64_t i = 0; i < PROGRAMS; i++) {
		struct bpfvm_insn *insns;
		uint32_t cnt, type;
		int r;

		if (bpfvm_soundness_generate(SEED, i, &insns, &cnt, &type)) {
			CHECK(!"generate");
			break;
		}
		free(current);
		current = bpfvm_difftest_listing(insns, cnt);
		alarm(5);
		r = bpfvm_soundness_check(s, insns, cnt, type, SEED ^ i, 32);
		alarm(0);
		free(insns);
		if (r < 0) {
			fprintf(stderr, "program %llu: load failed: %s\n", (unsigned long long)i,
				bpfvm_last_error());
			print_current();
			CHECK(r >= 0);
			break;
		}
		accepted += r;
	}
	free(current);
	bpfvm_soundness_free(s);
	printf("%d programs, %d accepted, no violation\n", PROGRAMS, accepted);
	/* the generator must keep most shapes within reach of the verifier */
	CHECK(accepted > PROGRAMS / 10);
	return test_exit();
}
