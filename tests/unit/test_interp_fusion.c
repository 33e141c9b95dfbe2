/* The interpreter's superinstructions (see fuse() in src/exec/interp.c): each
 * fused sequence gives what its instructions give one by one, including when
 * a jump lands in the middle of a sequence and when operands alias. Every
 * program runs in every engine and must match the expected r0. */
#include "bpfvm/bpfvm.h"
#include "exec/engine.h"
#include "test.h"

struct fcase {
	const char *name, *text;
	uint64_t r0;
};

static const struct fcase cases[] = {
	{ "three-operand add, sub, mul, or, and, xor, shifts",
	  "mov %r1, 100\nmov %r2, 7\n"
	  "mov %r3, %r1\nadd %r3, 5\n"     /* 105 */
	  "mov %r4, %r1\nsub %r4, %r2\n"   /* 93 */
	  "mov %r5, %r2\nmul %r5, %r2\n"   /* 49 */
	  "mov %r6, %r2\nlsh %r6, 4\n"     /* 112 */
	  "mov %r7, %r1\nrsh %r7, %r2\n"   /* 0 */
	  "mov %r8, %r1\nxor %r8, 0xff\n"  /* 155 */
	  "mov %r9, %r1\nand %r9, %r2\n"   /* 4 */
	  "mov %r0, %r3\nadd %r0, %r4\nadd %r0, %r5\nadd %r0, %r6\nadd %r0, %r7\n"
	  "add %r0, %r8\nadd %r0, %r9\nexit\n", 105 + 93 + 49 + 112 + 0 + 155 + 4 },
	{ "second operand is the destination: not fused, still exact",
	  "mov %r1, 3\nmov %r2, 10\nmov %r2, %r1\nadd %r2, %r2\nmov %r0, %r2\nexit\n", 6 },
	{ "shift counts are masked in the fused form",
	  "mov %r1, 1\nmov %r2, 65\nmov %r3, %r1\nlsh %r3, %r2\nmov %r0, %r3\nexit\n", 2 },
	{ "jump into the middle of a fused pair",
	  "mov %r1, 40\nmov %r3, 1\nja +1\n"
	  "mov %r3, %r1\nadd %r3, 2\n"     /* the ja lands on the add: r3 = 1 + 2 */
	  "mov %r0, %r3\nexit\n", 3 },
	{ "bounds check taken and not taken",
	  "mov %r1, 10\nmov %r2, 20\nmov %r0, 0\n"
	  "mov %r3, %r1\nadd %r3, 10\njgt %r3, %r2, +1\n"  /* 20 > 20: no */
	  "add %r0, 1\n"
	  "mov %r3, %r1\nadd %r3, 11\njgt %r3, %r2, +1\n"  /* 21 > 20: yes */
	  "add %r0, 10\n"
	  "add %r0, %r3\nexit\n", 1 + 21 },
	{ "bounds check whose end register is the source",
	  "mov %r1, 5\nmov %r3, %r1\nadd %r3, -1\njgt %r3, %r1, +2\nmov %r0, %r3\nexit\n"
	  "mov %r0, 99\nexit\n", 4 },
	{ "loop counters: add then jne, jeq, jlt, jgt",
	  "mov %r0, 0\nmov %r1, 0\n"
	  "l1:\nadd %r0, 1\nadd %r1, 3\njne %r1, 30, l1\n"         /* 10 iterations */
	  "mov %r1, 0\n"
	  "l2:\nadd %r0, 1\nadd %r1, 1\njlt %r1, 5, l2\n"          /* 5 */
	  "mov %r1, 10\n"
	  "l3:\nadd %r0, 1\nadd %r1, -1\njgt %r1, 7, l3\n"         /* 3 */
	  "add %r1, 1\njeq %r1, 8, +1\nmov %r0, 0\nexit\n", 18 },
	{ "negative addend and a constant with the top bit set",
	  "mov %r1, 0\nadd %r1, -1\njeq %r1, -1, +2\nmov %r0, 0\nexit\nmov %r0, 1\nexit\n", 1 },
	{ "load and accumulate, every width",
	  "stdw [%r10-8], 0x01020304\nmov %r0, 0\n"
	  "ldxb %r2, [%r10-8]\nadd %r0, %r2\n"       /* 4 */
	  "ldxh %r2, [%r10-8]\nadd %r0, %r2\n"       /* 0x0304 */
	  "ldxw %r2, [%r10-8]\nadd %r0, %r2\n"       /* 0x01020304 */
	  "ldxdw %r2, [%r10-8]\nadd %r0, %r2\n"      /* 0x01020304 */
	  "mov %r1, %r2\nexit\n", 4 + 0x0304 + 2 * 0x01020304ull },
	{ "load then add into the loaded register: not fused",
	  "stdw [%r10-8], 5\nldxdw %r2, [%r10-8]\nadd %r2, %r2\nmov %r0, %r2\nexit\n", 10 },
};

int main(void)
{
	const enum bpfvm_engine engines[] = { BPFVM_ENGINE_INTERP, BPFVM_ENGINE_JIT };

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct bpfvm_insn *insns;
		uint32_t cnt;

		CHECK(bpfvm_asm(cases[i].text, &insns, &cnt) == 0);
		for (size_t e = 0; e < 2; e++) {
			struct bpfvm_exec_opts opts = { .sz = sizeof(opts), .engine = engines[e] };
			struct bpfvm_exec *exec;
			uint64_t r0;

			if (engines[e] == BPFVM_ENGINE_JIT && !bpfvm_jit_ops)
				continue;
			CHECK(bpfvm_exec_create(insns, cnt, &opts, &exec) == 0);
			r0 = bpfvm_exec_run(exec, NULL, NULL);
			if (r0 != cases[i].r0)
				fprintf(stderr, "%s (%s): r0 = %llu\n", cases[i].name,
					e ? "jit" : "interp", (unsigned long long)r0);
			CHECK_EQ_U64(r0, cases[i].r0);
			bpfvm_exec_free(exec);
		}
		free(insns);
	}
	return test_exit();
}
