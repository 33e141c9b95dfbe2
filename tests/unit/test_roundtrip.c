/* Every program of the conformance suite (its asm and its raw sections)
 * survives bytes -> bpfvm_asm_format_insn text -> bpfvm_asm -> the same bytes,
 * and its asm section assembles (the bytes are checked against the Python
 * reference assembler by the conformance runs; here against themselves). Also
 * checks that every instruction disassembles in LLVM syntax without error, and,
 * over a grid of every opcode with interesting field values, that whatever the
 * structural checker accepts has both an LLVM text and an assembler spelling. */
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

/* Checker-accepted implies printable, over every opcode and a grid of fields. */
static void check_grid(void)
{
	static const uint8_t regs[] = { 0, 1, 10 };
	static const uint8_t srcs[] = { 0, 1, 2, 3, 4, 5, 6, 10 };
	static const int16_t offs[] = { 0, 1, 8, 16, 32, -1 };
	static const int32_t imms[] = { 0, 1, 16, 32, 64, 0x41, 0xa1, 0xe1, 0xf1, -1 };
	size_t accepted = 0, bad = 0;
	char text[128];

	const size_t nr = sizeof(regs), ns = sizeof(srcs), no = sizeof(offs) / sizeof(offs[0]),
		     ni = sizeof(imms) / sizeof(imms[0]);

	for (size_t n = 0; n < 256 * nr * ns * no * ni; n++) {
		size_t k = n, m = k % ni, o = (k /= ni) % no, s = (k /= no) % ns, d = (k /= ns) % nr;
		unsigned code = (unsigned)(k / nr);
		struct bpfvm_insn p[3] = {
			{ .code = (uint8_t)code, .dst_reg = regs[d], .src_reg = srcs[s],
			  .off = offs[o], .imm = imms[m] },
			{ .code = 0x95 }, { .code = 0x95 },
		};

		if (code == 0x18)
			p[1] = (struct bpfvm_insn){ .imm = imms[m] };
		if (bpfvm_isa_check(p, 3))
			continue;
		accepted++;
		int slots = bpfvm_disasm_insn(p, 3, 0, text, sizeof(text));
		bool ok = slots > 0 && strcmp(text, "<unknown>");

		if (ok)
			ok = bpfvm_asm_format_insn(p, 3, 0, text, sizeof(text)) == slots;
		if (!ok && bad++ < 10)
			fprintf(stderr, "accepted but not printable: %02x %u %u %d %d: %s\n", code,
				regs[d], srcs[s], offs[o], imms[m], text);
	}
	printf("%zu accepted encodings of the grid, %zu not printable\n", accepted, bad);
	CHECK(accepted > 1000);
	CHECK(bad == 0);
}

int main(void)
{
	const char *shared = test_shared_dir();
	char dir[4096], path[8192];
	size_t n, programs = 0, raws = 0;
	char **names;

	check_grid();
	if (!shared) {
		printf("SKIP: ../shared (BPFVM_SHARED) is absent: no conformance suite\n");
		return test_exit();
	}
	snprintf(dir, sizeof(dir), "%s/conformance/tests", shared);
	names = data_list(dir, &n);
	if (!names || n == 0) {
		printf("SKIP: no conformance tests in ../shared/conformance/tests\n");
		return test_exit();
	}
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
