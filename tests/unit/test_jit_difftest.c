/* The interpreter-versus-JIT differential test on a fixed slice of the
 * generator's stream (tools/difftest.c runs it for as long as asked): every
 * program must give the same r0, run error and buffer in both engines, every
 * fourth with constant blinding. A mismatch prints the program as assembly. */
#include "bpfvm/bpfvm.h"
#include "exec/jit_difftest.h"
#include "test.h"

#define SEED 20261124
#define PROGRAMS 3000

int main(void)
{
#if !defined(__x86_64__)
	return test_skip("no JIT on this host");
#else
	uint64_t insns_total = 0;

	for (uint64_t i = 0; i < PROGRAMS; i++) {
		struct bpfvm_insn *insns = NULL;
		uint32_t cnt = 0;
		char why[256];
		int r;

		CHECK(bpfvm_difftest_generate(SEED, i, &insns, &cnt) == 0);
		if (!insns)
			break;
		insns_total += cnt;
		r = bpfvm_difftest_check(insns, cnt, SEED ^ i, i % 4 == 3, why, sizeof(why));
		if (r) {
			char *listing = bpfvm_difftest_listing(insns, cnt);

			fprintf(stderr, "program %llu: %s\n%s", (unsigned long long)i,
				r < 0 ? bpfvm_last_error() : why, listing ? listing : "");
			free(listing);
		}
		CHECK(r == 0);
		free(insns);
	}
	printf("%d programs, %llu instructions\n", PROGRAMS, (unsigned long long)insns_total);
	CHECK(insns_total > PROGRAMS * 20);
	return test_exit();
#endif
}
