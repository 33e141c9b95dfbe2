/* The x86-64 JIT, one test vector per behaviour that the conformance suite
 * does not pin down: register-allocation corners (rax/rdx in division, rcx in
 * shifts, r0 in atomic loops), frames and the call-depth limit, helpers with
 * the run pointer, unwinding, callx, tail calls across engines and their
 * limit, callbacks, constant blinding, W^X memory and compile time. Every
 * vector also runs in the interpreter, which defines the expected result. */
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <time.h>

#include "bpfvm/bpfvm.h"
#include "exec/jit.h"
#include "util/error.h"
#include "test.h"

#if !defined(__x86_64__)
int main(void)
{
	return test_skip("no JIT on this host");
}
#else

static struct bpfvm_run *expected_run;
static const struct bpfvm_exec *tail_table[4];

static uint64_t h_sum(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4, uint64_t r5,
		      struct bpfvm_run *run)
{
	return r1 + r2 + r3 + r4 + r5 + (run == expected_run ? 0x1000 : 0);
}

static uint64_t h_unwind(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4, uint64_t r5,
			 struct bpfvm_run *run)
{
	return r1;
}

static uint64_t h_tail(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4, uint64_t r5,
		       struct bpfvm_run *run)
{
	return r3 < 4 ? (uint64_t)(uintptr_t)tail_table[r3] : 0;
}

/* bpf_loop's shape: r1 iterations of callback r2 with (i, r3); stops when the
 * callback returns 1. */
static uint64_t h_loop(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4, uint64_t r5,
		       struct bpfvm_run *run)
{
	uint64_t i;

	for (i = 0; i < r1; i++)
		if (bpfvm_exec_call(run, (uint32_t)r2, i, r3, 0, 0, 0) == 1)
			return i + 1;
	return i;
}

static int resolve(void *cookie, int32_t id, struct bpfvm_helper_binding *out)
{
	switch (id) {
	case 1: *out = (struct bpfvm_helper_binding){ h_sum, BPFVM_HELPER_PLAIN }; return 0;
	case 5: *out = (struct bpfvm_helper_binding){ h_unwind, BPFVM_HELPER_UNWIND }; return 0;
	case 12: *out = (struct bpfvm_helper_binding){ h_tail, BPFVM_HELPER_TAIL_CALL }; return 0;
	case 181: *out = (struct bpfvm_helper_binding){ h_loop, BPFVM_HELPER_PLAIN }; return 0;
	}
	return bpfvm_errorf(-ENOENT, "unknown helper %d", id);
}

static struct bpfvm_exec *make(const char *text, enum bpfvm_engine engine, bool harden)
{
	struct bpfvm_exec_opts opts = { .sz = sizeof(opts), .engine = engine,
					.resolve_helper = resolve, .jit_harden = harden };
	struct bpfvm_insn *insns;
	struct bpfvm_exec *exec = NULL;
	uint32_t cnt;

	if (bpfvm_asm(text, &insns, &cnt)) {
		fprintf(stderr, "asm: %s\n", bpfvm_last_error());
		return NULL;
	}
	if (bpfvm_exec_create(insns, cnt, &opts, &exec))
		fprintf(stderr, "create: %s\n", bpfvm_last_error());
	free(insns);
	return exec;
}

struct outcome {
	uint64_t r0;
	int error;
	uint8_t mem[64];
};

static void run_one(const char *text, enum bpfvm_engine engine, bool harden, struct outcome *o)
{
	struct bpfvm_exec *exec = make(text, engine, harden);
	struct bpfvm_run run = { 0 };
	uint64_t args[5];

	CHECK(exec != NULL);
	if (!exec)
		return;
	CHECK(bpfvm_exec_engine(exec) == engine);
	for (int i = 0; i < 64; i++)
		o->mem[i] = (uint8_t)(i * 37 + 1);
	args[0] = (uint64_t)(uintptr_t)o->mem;
	args[1] = sizeof(o->mem);
	args[2] = 0x1111;
	args[3] = 0x2222;
	args[4] = 0x3333;
	expected_run = &run;
	o->r0 = bpfvm_exec_run_args(exec, args, &run);
	o->error = run.error;
	bpfvm_exec_free(exec);
}

/* Runs in the interpreter, the JIT and the hardened JIT; all must agree and
 * give r0 == want and run.error == want_err. */
static void vector(const char *name, const char *text, uint64_t want, int want_err)
{
	struct outcome in, jit, hard;

	run_one(text, BPFVM_ENGINE_INTERP, false, &in);
	run_one(text, BPFVM_ENGINE_JIT, false, &jit);
	run_one(text, BPFVM_ENGINE_JIT, true, &hard);
	if (in.r0 != want || jit.r0 != want || hard.r0 != want || in.error != want_err ||
	    jit.error != want_err || hard.error != want_err ||
	    memcmp(in.mem, jit.mem, sizeof(in.mem)) || memcmp(in.mem, hard.mem, sizeof(in.mem)))
		fprintf(stderr, "vector %s: want r0 0x%llx error %d; interp 0x%llx/%d, jit "
			"0x%llx/%d, hardened 0x%llx/%d%s\n", name, (unsigned long long)want,
			want_err, (unsigned long long)in.r0, in.error, (unsigned long long)jit.r0,
			jit.error, (unsigned long long)hard.r0, hard.error,
			memcmp(in.mem, jit.mem, sizeof(in.mem)) ? ", memory differs" : "");
	CHECK_EQ_U64(in.r0, want);
	CHECK_EQ_U64(jit.r0, want);
	CHECK_EQ_U64(hard.r0, want);
	CHECK(in.error == want_err && jit.error == want_err && hard.error == want_err);
	CHECK(!memcmp(in.mem, jit.mem, sizeof(in.mem)));
	CHECK(!memcmp(in.mem, hard.mem, sizeof(in.mem)));
}

static void test_vectors(void)
{
	/* Division with the dividend, divisor or both in rax (r0) and rdx (r3). */
	vector("div r0 by r3", "mov %r0, 100\nmov %r3, 7\ndiv %r0, %r3\nexit\n", 14, 0);
	vector("div r3 by r0", "mov %r3, 100\nmov %r0, 7\ndiv %r3, %r0\nmov %r0, %r3\nexit\n", 14, 0);
	vector("mod r3 by r3", "mov %r3, 100\nmod %r3, %r3\nmov %r0, %r3\nexit\n", 0, 0);
	vector("div keeps r0 and r3",
	       "mov %r0, 5\nmov %r3, 6\nmov %r6, 100\nmov %r7, 9\nmod %r6, %r7\n"
	       "add %r0, %r3\nadd %r0, %r6\nexit\n", 12, 0);
	vector("div32 by zero reg in r3", "mov %r0, -1\nmov %r3, 0\ndiv32 %r0, %r3\nexit\n", 0, 0);
	vector("mod32 by zero keeps low half", "lddw %r0, 0x123456789\nmov %r3, 0\nmod32 %r0, %r3\n"
	       "exit\n", 0x23456789, 0);
	vector("mod32 by zero imm", "lddw %r0, 0x123456789\nmod32 %r0, 0\nexit\n", 0x23456789, 0);
	vector("mod64 by zero imm", "lddw %r0, 0x123456789\nmod %r0, 0\nexit\n", 0x123456789, 0);
	vector("sdiv64 intmin by -1 in r3",
	       "lddw %r3, 0x8000000000000000\nmov %r0, -1\nsdiv %r3, %r0\nmov %r0, %r3\nexit\n",
	       0x8000000000000000ull, 0);
	vector("smod32 -7 by 2 reg", "mov32 %r0, -7\nmov %r3, 2\nsmod32 %r0, %r3\nexit\n",
	       0xffffffff, 0);
	vector("sdiv32 imm -1", "mov32 %r0, 0x80000000\nsdiv32 %r0, -1\nexit\n", 0x80000000, 0);
	vector("div64 by negative imm", "mov %r0, -1\ndiv %r0, -2\nexit\n", 1, 0);

	/* Shifts with rcx (r4) as destination, source or both. */
	vector("lsh r4 by r1", "mov %r4, 3\nmov %r1, 4\nlsh %r4, %r1\nmov %r0, %r4\nexit\n", 48, 0);
	vector("lsh r1 by r4, r4 kept",
	       "mov %r1, 3\nmov %r4, 68\nlsh %r1, %r4\nmov %r0, %r1\nadd %r0, %r4\nexit\n",
	       48 + 68, 0);
	vector("rsh r4 by r4", "mov %r4, 65\nrsh %r4, %r4\nmov %r0, %r4\nexit\n", 32, 0);
	vector("arsh32 r6 by r7", "mov %r6, -64\nmov %r7, 35\narsh32 %r6, %r7\nmov %r0, %r6\nexit\n",
	       0xfffffff8, 0);
	vector("lsh32 by 0 zero-extends (imm)", "mov %r0, -1\nlsh32 %r0, 0\nexit\n", 0xffffffff, 0);
	vector("lsh32 by 0 zero-extends (reg)", "mov %r0, -1\nmov %r2, 32\nlsh32 %r0, %r2\nexit\n",
	       0xffffffff, 0);
	vector("mov32 self zero-extends", "mov %r0, -1\nmov32 %r0, %r0\nexit\n", 0xffffffff, 0);
	/* Copy then operate with the copy itself (fused by both engines). */
	vector("copy, xor self", "mov %r0, -1\nmov %r4, %r0\nxor %r4, %r4\nmov %r0, %r4\nexit\n",
	       0, 0);
	vector("copy, add self", "mov %r0, 5\nmov %r4, %r0\nadd %r4, %r4\nmov %r0, %r4\nexit\n",
	       10, 0);
	vector("copy, lsh self", "mov %r0, 3\nmov %r4, %r0\nlsh %r4, %r4\nmov %r0, %r4\nexit\n",
	       24, 0);
	vector("copy, add, add imm", "mov %r1, 5\nmov %r0, %r1\nadd %r0, %r1\nadd %r0, 7\nexit\n",
	       17, 0);

	/* Atomics where r0 is the address, the operand, or both. */
	vector("fetch or, r0 as operand",
	       "stdw [%r10-8], 0x0f\nmov %r0, 0xf0\nlock fetch or [%r10-8], %r0\n"
	       "ldxdw %r1, [%r10-8]\nlsh %r0, 16\nadd %r0, %r1\nexit\n", (0x0full << 16) + 0xff, 0);
	vector("fetch xor32, r0 as address",
	       "mov %r0, %r10\nadd %r0, -8\nstdw [%r10-8], -1\nmov %r2, 0xff\n"
	       "lock fetch xor32 [%r0+0], %r2\nldxdw %r3, [%r10-8]\nsub %r0, %r10\nadd %r0, %r2\n"
	       "add %r0, %r3\nexit\n", (uint64_t)-8 + 0xffffffff + 0xffffffffffffff00ull, 0);
	vector("fetch and, r0 as address and operand",
	       "mov %r0, %r10\nadd %r0, -16\nstxdw [%r10-16], %r0\nlock fetch and [%r0+0], %r0\n"
	       "ldxdw %r1, [%r10-16]\nsub %r1, %r0\nmov %r0, %r1\nexit\n", 0, 0);
	vector("cmpxchg with r0 as address",
	       "mov %r0, %r10\nadd %r0, -8\nstxdw [%r10-8], %r0\nmov %r1, 5\n"
	       "lock cmpxchg [%r0+0], %r1\nldxdw %r1, [%r10-8]\nadd %r0, %r1\nsub %r0, %r10\nexit\n",
	       (uint64_t)-8 + 5, 0);
	vector("xadd32 zero-extends the fetched value",
	       "stdw [%r10-8], -1\nmov %r1, -1\nlock fetch add32 [%r10-8], %r1\nmov %r0, %r1\nexit\n",
	       0xffffffff, 0);
	vector("atomics on the given buffer",
	       "mov %r2, 3\nlock add [%r1+8], %r2\nlock or32 [%r1+16], %r2\nlock xchg [%r1+24], %r2\n"
	       "ldxdw %r0, [%r1+8]\nexit\n", 0x2c07e2bd98734e2cull, 0);

	/* Sign extensions and byte swaps into and out of the awkward registers. */
	vector("movsx8 of r6 (no REX byte register)", "mov %r6, 0x80\nmovsx864 %r0, %r6\nexit\n",
	       0xffffffffffffff80ull, 0);
	vector("movsx32 of sil", "mov %r2, 0x1ff\nmovsx832 %r0, %r2\nexit\n", 0xffffffff, 0);
	vector("ldxsb from the buffer", "ldxsb %r0, [%r1+7]\nexit\n", (uint64_t)(int8_t)(7 * 37 + 1),
	       0);
	vector("stxb from sil", "mov %r2, 0x1ab\nstxb [%r10-1], %r2\nldxb %r0, [%r10-1]\nexit\n",
	       0xab, 0);
	vector("be16 of r2", "mov %r2, 0x12345678\nbe16 %r2\nmov %r0, %r2\nexit\n", 0x7856, 0);
	vector("le16 truncates", "mov %r0, -1\nle16 %r0\nexit\n", 0xffff, 0);
	vector("bswap64 of r9", "lddw %r9, 0x0102030405060708\nbswap64 %r9\nmov %r0, %r9\nexit\n",
	       0x0807060504030201ull, 0);

	/* Immediates in every width, blinded or not. */
	vector("lddw halves", "lddw %r0, 0xdeadbeefcafef00d\nexit\n", 0xdeadbeefcafef00dull, 0);
	vector("lddw small", "lddw %r0, 0xffffffff\nexit\n", 0xffffffff, 0);
	vector("jset imm sign-extended", "lddw %r1, 0x8000000000000000\nmov %r0, 1\n"
	       "jset %r1, -1, +1\nmov %r0, 2\nexit\n", 1, 0);
	vector("jgt32 ignores high half", "lddw %r1, 0x100000001\nmov %r0, 1\n"
	       "jgt32 %r1, 1, +1\nmov %r0, 2\nexit\n", 2, 0);
	vector("stdw sign-extends", "stdw [%r10-8], -2\nldxdw %r0, [%r10-8]\nexit\n",
	       (uint64_t)-2, 0);
	vector("sth imm", "sth [%r10-2], 0x12345\nldxh %r0, [%r10-2]\nexit\n", 0x2345, 0);

	/* Registers at entry: r1-r5 are the arguments, r0 and r6-r9 are zero. */
	vector("entry registers", "mov %r0, %r2\nadd %r0, %r3\nadd %r0, %r4\nadd %r0, %r5\n"
	       "add %r0, %r6\nadd %r0, %r7\nadd %r0, %r8\nadd %r0, %r9\nexit\n",
	       64 + 0x1111 + 0x2222 + 0x3333, 0);

	/* Long and short branches both ways around a long body. */
	{
		char text[16384];
		int n = snprintf(text, sizeof(text), "mov %%r0, 0\nmov %%r1, 0\nloop:\n");

		for (int i = 0; i < 200; i++)
			n += snprintf(text + n, sizeof(text) - n, "add %%r0, %d\n", i);
		snprintf(text + n, sizeof(text) - n, "add %%r1, 1\njlt %%r1, 3, loop\n"
			 "jgt %%r0, 0, end\nmov %%r0, 0\nend:\nexit\n");
		vector("long backward branch", text, 3 * (199 * 200 / 2), 0);
	}
}

static void test_calls(void)
{
	static const char nested[] =
		"mov %r6, 8\ncall local f\nadd %r0, %r6\nexit\n"
		"f:\nmov %r0, 1\njeq %r6, 0, +4\nstxdw [%r10-8], %r6\nmov %r6, 0\ncall local f\n"
		"ldxdw %r6, [%r10-8]\nadd %r0, %r6\nexit\n";

	vector("helper gets args and run", "mov %r1, 1\nmov %r2, 2\nmov %r3, 3\nmov %r4, 4\n"
	       "mov %r5, 5\ncall 1\nexit\n", 0x1000 + 15, 0);
	vector("helper keeps r6-r9", "mov %r6, 6\nmov %r7, 7\nmov %r8, 8\nmov %r9, 9\ncall 1\n"
	       "mov %r0, %r6\nadd %r0, %r7\nadd %r0, %r8\nadd %r0, %r9\nexit\n", 30, 0);
	vector("unwind from a nested call", "call local f\nmov %r0, 7\nexit\n"
	       "f:\nmov %r1, 0\ncall 5\nmov %r0, 9\nexit\n", 0, 0);
	vector("no unwind on nonzero", "call local f\nexit\nf:\nmov %r1, 3\ncall 5\nexit\n", 3, 0);
	vector("callx helper by register", "mov %r1, 2\nmov %r2, 3\nmov %r3, 0\nmov %r4, 0\n"
	       "mov %r5, 0\nmov %r7, 1\ncall %r7\nexit\n", 0x1000 + 5, 0);
	vector("callx unknown aborts", "mov %r7, 99\ncall %r7\nmov %r0, 1\nexit\n", 0, -ENOENT);
	vector("callx unwind", "mov %r1, 0\nmov %r7, 5\ncall %r7\nmov %r0, 1\nexit\n", 0, 0);
	/* Seven nested calls make eight frames, the limit; each frame's r6 and
	 * stack slot survive the calls below it. */
	vector("8 frames", "mov %r6, 7\ncall local f\nexit\n"
	       "f:\nmov %r0, 1\njeq %r6, 1, +6\nstxdw [%r10-8], %r6\nsub %r6, 1\ncall local f\n"
	       "ldxdw %r6, [%r10-8]\nadd %r0, %r6\nexit\nexit\n", 1 + 2 + 3 + 4 + 5 + 6 + 7, 0);
	vector("9 frames abort", "mov %r6, 8\ncall local f\nmov %r0, 5\nexit\n"
	       "f:\nmov %r0, 1\njeq %r6, 1, +6\nstxdw [%r10-8], %r6\nsub %r6, 1\ncall local f\n"
	       "ldxdw %r6, [%r10-8]\nadd %r0, %r6\nexit\nexit\n", 0, -E2BIG);
	vector("r6 restored after local call", nested, 1 + 8 + 8, 0);
	vector("callback through a helper",
	       "mov %r1, 10\nld_func %r2, cb\nmov %r3, 100\ncall 181\nexit\n"
	       "cb:\nmov %r0, 0\njne %r1, 4, +1\nmov %r0, 1\nexit\n", 5, 0);
	vector("callback frames are fresh",
	       "mov %r6, 77\nstdw [%r10-8], 5\nmov %r1, 3\nld_func %r2, cb\nmov %r3, 0\ncall 181\n"
	       "ldxdw %r1, [%r10-8]\nadd %r0, %r1\nadd %r0, %r6\nexit\n"
	       "cb:\nstdw [%r10-8], 9\nmov %r0, %r6\nexit\n", 3 + 5 + 77, 0);
	vector("fall into a function body", "mov %r0, 1\nf:\nadd %r0, 1\njgt %r0, 3, +1\n"
	       "call local f\nexit\n", 4, 0);
}

static void test_tail_calls(void)
{
	/* Counts its runs in the buffer, then tail-calls itself until the chain
	 * limit makes the call fall through. */
	static const char self[] = "ldxdw %r2, [%r1+0]\nadd %r2, 1\nstxdw [%r1+0], %r2\n"
				   "mov %r3, 0\ncall 12\nmov %r0, 7\nexit\n";
	static const char to_other[] = "mov %r6, %r1\nmov %r3, 1\ncall 12\nmov %r0, 3\nexit\n";
	static const char other[] = "ldxdw %r0, [%r1+0]\nadd %r0, 1000\nexit\n";
	enum bpfvm_engine engines[2] = { BPFVM_ENGINE_INTERP, BPFVM_ENGINE_JIT };

	for (int e = 0; e < 2; e++) {
		struct bpfvm_exec *p = make(self, engines[e], false);
		struct bpfvm_run run = { 0 };
		uint64_t count = 0, r0;

		CHECK(p != NULL);
		if (!p)
			continue;
		tail_table[0] = p;
		r0 = bpfvm_exec_run(p, &count, &run);
		CHECK_EQ_U64(r0, 7);
		CHECK_EQ_U64(count, 1 + BPFVM_MAX_TAIL_CALLS);
		CHECK_EQ_U64(run.tail_calls, BPFVM_MAX_TAIL_CALLS);
		bpfvm_exec_free(p);
	}
	/* Every pair of engines: the target sees r1 = ctx and its r0 is final. */
	for (int from = 0; from < 2; from++) {
		for (int to = 0; to < 2; to++) {
			struct bpfvm_exec *a = make(to_other, engines[from], false);
			struct bpfvm_exec *b = make(other, engines[to], false);
			struct bpfvm_run run = { 0 };
			uint64_t v = 5;

			CHECK(a && b);
			if (a && b) {
				tail_table[1] = b;
				CHECK_EQ_U64(bpfvm_exec_run(a, &v, &run), 1005);
				CHECK(run.exec == b);
				tail_table[1] = NULL;
				CHECK_EQ_U64(bpfvm_exec_run(a, &v, &run), 3);
			}
			bpfvm_exec_free(a);
			bpfvm_exec_free(b);
		}
	}
}

static bool contains(const uint8_t *hay, size_t n, const void *needle, size_t m)
{
	for (size_t i = 0; i + m <= n; i++)
		if (!memcmp(hay + i, needle, m))
			return true;
	return false;
}

static void test_image(void)
{
	static const char text[] = "mov %r0, 0x5a7e1ab5\nadd %r0, 0x31337\nexit\n";
	const int32_t secret = 0x5a7e1ab5;
	struct bpfvm_exec *plain = make(text, BPFVM_ENGINE_JIT, false);
	struct bpfvm_exec *hard = make(text, BPFVM_ENGINE_JIT, true);
	const uint8_t *code;
	size_t len;
	char line[512];
	FILE *maps;
	bool found = false;

	CHECK(plain && hard);
	if (!plain || !hard)
		return;
	CHECK(bpfvm_jit_image(plain, &code, &len) == 0);
	CHECK(contains(code, len, &secret, 4));
	CHECK(bpfvm_jit_image(hard, &code, &len) == 0);
	CHECK(!contains(code, len, &secret, 4));
	CHECK_EQ_U64(bpfvm_exec_run(hard, NULL, NULL), 0x5a7e1ab5 + 0x31337);

	/* W^X: the code's mapping is readable and executable, not writable. */
	maps = fopen("/proc/self/maps", "r");
	if (maps) {
		while (fgets(line, sizeof(line), maps)) {
			unsigned long lo, hi;
			char perms[5];

			if (sscanf(line, "%lx-%lx %4s", &lo, &hi, perms) == 3 &&
			    (uintptr_t)code >= lo && (uintptr_t)code < hi) {
				CHECK_STR(perms, "r-xp");
				found = true;
			}
		}
		fclose(maps);
		CHECK(found);
	}
	bpfvm_exec_free(plain);
	bpfvm_exec_free(hard);

	{
		struct bpfvm_insn in[2] = { { .code = 0x18, .src_reg = 1 }, { 0 } };
		struct bpfvm_insn prog[3];
		struct bpfvm_exec_opts opts = { .sz = sizeof(opts), .engine = BPFVM_ENGINE_JIT };
		struct bpfvm_exec *e = NULL;

		memcpy(prog, in, sizeof(in));
		prog[2] = (struct bpfvm_insn){ .code = 0x95 };
		CHECK(bpfvm_exec_create(prog, 3, &opts, &e) == -EINVAL);
		CHECK(e == NULL);
	}
}

static uint64_t run_with_helpers(const char *text, enum bpfvm_engine engine)
{
	struct bpfvm_exec_opts opts = { .sz = sizeof(opts), .engine = engine,
					.resolve_helper = bpfvm_helper_resolve };
	struct bpfvm_insn *insns;
	struct bpfvm_exec *exec = NULL;
	struct bpfvm_run run = { 0 };
	uint64_t r0 = UINT64_MAX;
	uint32_t cnt;

	CHECK(bpfvm_asm(text, &insns, &cnt) == 0);
	CHECK(bpfvm_exec_create(insns, cnt, &opts, &exec) == 0);
	if (exec)
		r0 = bpfvm_exec_run(exec, NULL, &run);
	CHECK(run.error == 0);
	bpfvm_exec_free(exec);
	free(insns);
	return r0;
}

/* bpf_map_lookup_elem on a known map skips the helper in the JIT (inline for
 * an array, a direct call of the hash map's lookup): same values, same NULL
 * for missing keys, and the helper still used when the map is not known at
 * compile time or is write-only for programs. */
static void test_inline_lookup(void)
{
	struct bpfvm_map_create_opts mo = { .sz = sizeof(mo), .map_type = BPFVM_MAP_TYPE_ARRAY,
					    .key_size = 4, .value_size = 12, .max_entries = 7 };
	struct bpfvm_map *map = NULL, *wo = NULL, *hash = NULL;
	static const char *const shapes[] = {
		/* lddw right before the call: inlined */
		"stw [%%r10-4], %d\nmov %%r2, %%r10\nadd %%r2, -4\nlddw %%r1, 0x%llx\ncall 1\n"
		"jeq %%r0, 0, +2\nldxdw %%r0, [%%r0+0]\nexit\nmov %%r0, 1\nexit\n",
		/* a branch lands between the lddw and the call: the helper */
		"stw [%%r10-4], %d\nlddw %%r1, 0x%llx\nmov %%r2, %%r10\njeq %%r2, 0, +0\n"
		"add %%r2, -4\ncall 1\njeq %%r0, 0, +2\nldxdw %%r0, [%%r0+0]\nexit\n"
		"mov %%r0, 1\nexit\n",
	};
	const int keys[] = { 0, 3, 6, 7, -1, 100 };

	CHECK(bpfvm_map_create(&mo, &map) == 0);
	mo.map_flags = BPFVM_F_WRONLY_PROG;
	CHECK(bpfvm_map_create(&mo, &wo) == 0);
	mo.map_flags = 0;
	mo.map_type = BPFVM_MAP_TYPE_HASH;
	mo.max_entries = 16;
	CHECK(bpfvm_map_create(&mo, &hash) == 0);
	if (!map || !wo || !hash)
		return;
	for (uint32_t k = 0; k < 7; k++) {
		uint8_t v[12] = { 0 };
		uint64_t x = 0x1000 + k;

		memcpy(v, &x, 8);
		CHECK(bpfvm_map_update_elem(map, &k, v, BPFVM_ANY) == 0);
		CHECK(bpfvm_map_update_elem(wo, &k, v, BPFVM_ANY) == 0);
		CHECK(bpfvm_map_update_elem(hash, &k, v, BPFVM_ANY) == 0);
	}
	for (size_t s = 0; s < 2; s++) {
		for (size_t k = 0; k < sizeof(keys) / sizeof(keys[0]); k++) {
			for (int m = 0; m < 3; m++) {
				struct bpfvm_map *const maps[3] = { map, wo, hash };
				char text[1024];
				uint64_t want = m != 1 && keys[k] >= 0 && keys[k] < 7 ? 0x1000u + keys[k]
										 : 1;

				snprintf(text, sizeof(text), shapes[s], keys[k],
					 (unsigned long long)(uintptr_t)maps[m]);
				CHECK_EQ_U64(run_with_helpers(text, BPFVM_ENGINE_INTERP), want);
				CHECK_EQ_U64(run_with_helpers(text, BPFVM_ENGINE_JIT), want);
			}
		}
	}
	bpfvm_map_free(map);
	bpfvm_map_free(wo);
	bpfvm_map_free(hash);
}

/* One exec run by several threads at once: each run has its own frames and
 * block, and atomics on shared memory are atomic. */
struct thread_arg {
	const struct bpfvm_exec *exec;
	uint64_t *counter;
	uint64_t bad;
};

static void *thread_main(void *p)
{
	struct thread_arg *a = p;

	for (int i = 0; i < 20; i++) {
		struct bpfvm_run run = { 0 };
		const uint64_t args[5] = { (uint64_t)(uintptr_t)a->counter, (uint64_t)i };

		if (bpfvm_exec_run_args(a->exec, args, &run) != (uint64_t)i * 3 + 1000)
			a->bad++;
	}
	return NULL;
}

static void test_threads(void)
{
	static const char text[] =
		"stxdw [%r10-8], %r2\nmov %r3, 1000\nmov %r4, 1\n"
		"loop:\nlock add [%r1+0], %r4\nsub %r3, 1\njne %r3, 0, loop\n"
		"ldxdw %r0, [%r10-8]\nmul %r0, 3\nadd %r0, 1000\nexit\n";
	struct bpfvm_exec *exec = make(text, BPFVM_ENGINE_JIT, false);
	struct thread_arg args[4];
	pthread_t t[4];
	uint64_t counter = 0;

	CHECK(exec != NULL);
	if (!exec)
		return;
	for (int i = 0; i < 4; i++) {
		args[i] = (struct thread_arg){ exec, &counter, 0 };
		CHECK(pthread_create(&t[i], NULL, thread_main, &args[i]) == 0);
	}
	for (int i = 0; i < 4; i++) {
		pthread_join(t[i], NULL);
		CHECK_EQ_U64(args[i].bad, 0);
	}
	CHECK_EQ_U64(counter, 4 * 20 * 1000);
	bpfvm_exec_free(exec);
}

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

/* A 4096-instruction program of mixed ALU, memory and branches. */
static void test_compile_time(void)
{
	enum { N = 4096, ROUNDS = 20 };
	struct bpfvm_insn *p = calloc(N, sizeof(*p));
	struct bpfvm_exec_opts opts = { .sz = sizeof(opts), .engine = BPFVM_ENGINE_JIT };
	double best = 1e18;

	for (int i = 0; i < N - 1; i++) {
		switch (i % 8) {
		case 0: p[i] = (struct bpfvm_insn){ .code = 0x07, .dst_reg = 0, .imm = i }; break;
		case 1: p[i] = (struct bpfvm_insn){ .code = 0x2f, .dst_reg = 2, .src_reg = 0 }; break;
		case 2: p[i] = (struct bpfvm_insn){ .code = 0x7b, .dst_reg = 10, .src_reg = 2,
						    .off = -8 }; break;
		case 3: p[i] = (struct bpfvm_insn){ .code = 0x79, .dst_reg = 3, .src_reg = 10,
						    .off = -8 }; break;
		case 4: p[i] = (struct bpfvm_insn){ .code = 0x15, .dst_reg = 3, .off = 1 }; break;
		case 5: p[i] = (struct bpfvm_insn){ .code = 0xdc, .dst_reg = 3, .imm = 32 }; break;
		case 6: p[i] = (struct bpfvm_insn){ .code = 0x3f, .dst_reg = 0, .src_reg = 3 }; break;
		default: p[i] = (struct bpfvm_insn){ .code = 0xa5, .dst_reg = 0, .imm = 1000,
						     .off = (int16_t)(i > 200 ? -150 : 2) }; break;
		}
	}
	p[N - 1] = (struct bpfvm_insn){ .code = 0x95 };
	for (int r = 0; r < ROUNDS; r++) {
		struct bpfvm_exec *e = NULL;
		double t0 = now_ns(), dt;

		CHECK(bpfvm_exec_create(p, N, &opts, &e) == 0);
		dt = now_ns() - t0;
		if (dt < best)
			best = dt;
		bpfvm_exec_free(e);
	}
	printf("JIT compile of %d instructions: %.1f us (best of %d)\n", N, best / 1e3, ROUNDS);
	/* About 0.3 ms in a normal build; the bound only catches a layout that
	 * fails to settle, with room for sanitizers and valgrind. */
	CHECK(best < 100e6);
	free(p);
}

int main(void)
{
	test_vectors();
	test_calls();
	test_tail_calls();
	test_image();
	test_inline_lookup();
	test_threads();
	test_compile_time();
	return test_exit();
}
#endif
