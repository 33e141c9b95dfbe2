/* Every program of the conformance suite (its asm and its raw sections)
 * survives bytes -> bpfvm_asm_format_insn text -> bpfvm_asm -> the same bytes,
 * and its asm section assembles (the bytes are checked against the Python
 * reference assembler by the conformance runs; here against themselves). Also
 * checks that every instruction disassembles in LLVM syntax without error. */
#include <errno.h>

#include "bpfvm/bpfvm.h"
#include "conformance_data.h"
#include "test.h"

static int failed_files;

/* Formats every instruction, reassembles the listing, compares. */
static void round_trip(const char *name, const struct bpfvm_insn *insns, uint32_t cnt)
{
	size_t cap = (size_t)cnt * 128 + 1, len = 0;
	char *text = malloc(cap), line[128];
	struct bpfvm_insn *back = NULL;
	uint32_t back_cnt = 0;
	bool ok = true;

	if (!text)
		abort();
	text[0] = '\0';
	for (uint32_t i = 0; i < cnt;) {
		int slots = bpfvm_asm_format_insn(insns, cnt, i, line, sizeof(line));

		if (slots <= 0) {
			fprintf(stderr, "%s: insn %u: format: %s\n", name, i, bpfvm_last_error());
			ok = false;
			break;
		}
		len += (size_t)snprintf(text + len, cap - len, "%s\n", line);
		char llvm[128];
		CHECK(bpfvm_disasm_insn(insns, cnt, i, llvm, sizeof(llvm)) == slots);
		i += (uint32_t)slots;
	}
	if (ok && bpfvm_asm(text, &back, &back_cnt)) {
		fprintf(stderr, "%s: reassembly: %s\n%s", name, bpfvm_last_error(), text);
		ok = false;
	}
	if (ok && (back_cnt != cnt || memcmp(back, insns, cnt * sizeof(*insns)))) {
		fprintf(stderr, "%s: bytes differ after the round trip:\n%s", name, text);
		ok = false;
	}
	CHECK(ok);
	failed_files += !ok;
	free(back);
	free(text);
}

int main(void)
{
	const char *shared = test_shared_dir();
	char dir[4096], path[8192];
	size_t n, programs = 0, raws = 0;
	char **names;

	if (!shared)
		return test_skip("../shared (BPFVM_SHARED) is absent: no conformance suite");
	snprintf(dir, sizeof(dir), "%s/conformance/tests", shared);
	names = data_list(dir, &n);
	if (!names || n == 0)
		return test_skip("no conformance tests in ../shared/conformance/tests");
	for (size_t i = 0; i < n; i++) {
		struct data_test t;

		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		CHECK(data_test_load(path, &t) == 0);
		if (t.asm_text) {
			struct bpfvm_insn *insns;
			uint32_t cnt;

			if (bpfvm_asm(t.asm_text, &insns, &cnt)) {
				fprintf(stderr, "%s: %s\n", names[i], bpfvm_last_error());
				CHECK(!"assembles");
				failed_files++;
			} else {
				round_trip(names[i], insns, cnt);
				free(insns);
				programs++;
			}
		}
		if (t.raw) {
			CHECK(t.raw_len % 8 == 0);
			struct bpfvm_insn *insns = malloc(t.raw_len);

			if (!insns)
				abort();
			memcpy(insns, t.raw, t.raw_len);
			round_trip(names[i], insns, (uint32_t)(t.raw_len / 8));
			free(insns);
			raws++;
		}
		data_test_free(&t);
	}
	printf("%zu files: %zu asm programs and %zu raw sections round-tripped, %d failed\n", n,
	       programs, raws, failed_files);
	CHECK(programs + raws >= n);
	data_list_free(names);
	return test_exit();
}
