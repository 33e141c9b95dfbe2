/* The public eBPF conformance suite run through the project's own code: each
 * .data program of ../shared/conformance/tests is assembled by bpfvm_asm (or
 * taken from its raw section), run by every engine listed in `engines` with the
 * suite's helper set (bpfvm_conformance_resolve) and its memory in r1/r2, as
 * `bpfvm conformance-plugin` does, and r0 is compared with the expected result.
 * The unused-* programs of ../shared/conformance/negative (non-zero reserved
 * fields) must be refused by the structural checker before they run. */
#include <errno.h>

#include "bpfvm/bpfvm.h"
#include "conformance_data.h"
#include "helpers/conformance.h"
#include "test.h"

/* The engines under test; an engine is added here once it passes the suite. */
static const struct {
	enum bpfvm_engine engine;
	const char *name;
} engines[] = {
	{ BPFVM_ENGINE_INTERP, "interp" },
#if defined(__x86_64__)
	{ BPFVM_ENGINE_JIT, "jit" },
#endif
};

#define N_ENGINES (sizeof(engines) / sizeof(engines[0]))

/* The program of a test: its raw section if any (as the runner prefers), else
 * its assembled asm section. Returns false when the test has neither. */
static bool program(const char *name, const struct data_test *t, struct bpfvm_insn **insns,
		    uint32_t *cnt)
{
	if (t->raw) {
		*insns = malloc(t->raw_len + 1);
		if (!*insns)
			abort();
		memcpy(*insns, t->raw, t->raw_len);
		*cnt = (uint32_t)(t->raw_len / sizeof(**insns));
		return true;
	}
	if (!t->asm_text)
		return false;
	if (bpfvm_asm(t->asm_text, insns, cnt)) {
		fprintf(stderr, "%s: %s\n", name, bpfvm_last_error());
		CHECK(!"assembles");
		return false;
	}
	return true;
}

/* Runs one program; returns 0 with *r0, or the negative errno of the refusal. */
static int run(enum bpfvm_engine engine, const struct bpfvm_insn *insns, uint32_t cnt,
	       const uint8_t *mem, size_t mem_len, uint64_t *r0)
{
	struct bpfvm_exec_opts opts = { .sz = sizeof(opts), .engine = engine,
					.resolve_helper = bpfvm_conformance_resolve };
	struct bpfvm_run state = { 0 };
	struct bpfvm_exec *exec;
	uint8_t *copy = malloc(mem_len + 1);
	int err;

	if (!copy)
		abort();
	if (mem_len)
		memcpy(copy, mem, mem_len);
	err = bpfvm_exec_create(insns, cnt, &opts, &exec);
	if (!err) {
		const uint64_t args[5] = { mem_len ? (uint64_t)(uintptr_t)copy : 0, mem_len };

		*r0 = bpfvm_exec_run_args(exec, args, &state);
		err = state.error;
		bpfvm_exec_free(exec);
	}
	free(copy);
	return err;
}

static void run_dir(const char *dir, bool negative)
{
	size_t n, passed[N_ENGINES] = { 0 }, total = 0;
	char **names = data_list(dir, &n), path[8192];

	CHECK(names != NULL && n > 0);
	for (size_t i = 0; names && i < n; i++) {
		struct data_test t;
		struct bpfvm_insn *insns;
		uint32_t cnt;

		if (negative && strncmp(names[i], "unused-", 7))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		CHECK(data_test_load(path, &t) == 0);
		if (t.skip || !program(names[i], &t, &insns, &cnt)) {
			data_test_free(&t);
			continue;
		}
		total++;
		for (size_t e = 0; e < N_ENGINES; e++) {
			uint64_t r0 = 0;
			int err = run(engines[e].engine, insns, cnt, t.mem, t.mem_len, &r0);
			bool ok;

			if (negative)
				ok = err != 0 && !strncmp(bpfvm_last_error(), "insn ", 5);
			else if (t.has_error)
				ok = err != 0;
			else
				ok = err == 0 && r0 == t.result;
			if (!ok) {
				if (err)
					fprintf(stderr, "FAIL %s [%s]: %s\n", names[i], engines[e].name,
						bpfvm_last_error());
				else if (t.has_error || negative)
					fprintf(stderr, "FAIL %s [%s]: ran (r0 0x%" PRIx64
						") but must be refused\n", names[i], engines[e].name, r0);
				else
					fprintf(stderr, "FAIL %s [%s]: r0 0x%" PRIx64 ", expected 0x%" PRIx64
						"\n", names[i], engines[e].name, r0, t.result);
			}
			CHECK(ok);
			passed[e] += ok;
		}
		free(insns);
		data_test_free(&t);
	}
	for (size_t e = 0; e < N_ENGINES; e++)
		printf("%s %s: %zu of %zu %s\n", dir, engines[e].name, passed[e], total,
		       negative ? "refused" : "passed");
	CHECK(total > 0);
	data_list_free(names);
}

int main(void)
{
	const char *shared = test_shared_dir();
	char dir[4096];

	if (!shared)
		return test_skip("../shared (BPFVM_SHARED) is absent: no conformance suite");
	snprintf(dir, sizeof(dir), "%s/conformance/tests", shared);
	run_dir(dir, false);
	snprintf(dir, sizeof(dir), "%s/conformance/negative", shared);
	run_dir(dir, true);
	return test_exit();
}
