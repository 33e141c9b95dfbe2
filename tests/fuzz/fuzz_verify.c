/* libFuzzer target for the verifier's soundness: any byte string is taken as
 * instructions (8 bytes each) and loaded as an XDP or (odd sizes) tc program with the maps of
 * src/exec/soundness.h; whatever the verifier accepts runs in the interpreter
 * on exactly-sized packets, so an accepted program that reads or writes out
 * of bounds or dereferences NULL aborts under ASan. Run it with a timeout
 * (an accepted loop that never ends shows as one):
 *   build-fuzz/tests/fuzz/fuzz_verify -timeout=5 CORPUS_DIR
 * Seeds are best taken from bpfvm-vfuzz's programs. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "bpfvm/insn.h"
#include "exec/soundness.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct bpfvm_soundness *s;
	struct bpfvm_insn *insns;
	uint32_t cnt = (uint32_t)(size / sizeof(*insns));

	if (!s && bpfvm_soundness_new(&s))
		abort();
	if (!cnt || cnt > 4096)
		return 0;
	insns = malloc(cnt * sizeof(*insns));
	if (!insns)
		return 0;
	memcpy(insns, data, cnt * sizeof(*insns));
	bpfvm_soundness_check(s, insns, cnt, size % 2 ? 3 : 6, size, 8);
	free(insns);
	return 0;
}
