/* Context stores rewritten into several instructions (progtype/ctx_store.c,
 * on isa/patch.c): __sk_buff.queue_mapping keeps only values below 0xffff
 * and only their low 16 bits, as Linux's convert_ctx_access, for register
 * and immediate stores (the immediate compared signed, so -1 stores 0xffff
 * in Linux too); jumps, calls and callback references across the longer
 * code still land where they did. Run in both engines. (Clang's register
 * stores are compared with the kernel in tests/cli/run_kernel_diff.sh.) */
#include <errno.h>

#include "bpfvm/bpfvm.h"
#include "isa/opcodes.h"
#include "isa/patch.h"
#include "test.h"

static void test_patch(void)
{
	struct bpfvm_insn *p = calloc(8, sizeof(*p));
	struct bpfvm_insn_patch patch = { .at = 2, .cnt = 3 };
	uint32_t n = 8;

	/* 0: if r1 == 0 goto 6; 1: call 5 (bpf-to-bpf); 2: replaced; 3: lddw of
	 * the function at 5; 5: exit; 6: goto 0; 7: exit */
	p[0] = (struct bpfvm_insn){ .code = BPF_JMP | BPF_JEQ | BPF_K, .dst_reg = 1, .off = 5 };
	p[1] = (struct bpfvm_insn){ .code = BPF_JMP | BPF_CALL, .src_reg = BPF_PSEUDO_CALL,
				    .imm = 3 };
	p[2] = (struct bpfvm_insn){ .code = BPF_ALU64 | BPF_MOV | BPF_K, .imm = 1 };
	p[3] = (struct bpfvm_insn){ .code = BPF_LD | BPF_IMM | BPF_DW, .dst_reg = 2,
				    .src_reg = BPF_PSEUDO_FUNC, .imm = 1 };
	p[5] = (struct bpfvm_insn){ .code = BPF_JMP | BPF_EXIT };
	p[6] = (struct bpfvm_insn){ .code = BPF_JMP | BPF_JA, .off = -7 };
	p[7] = (struct bpfvm_insn){ .code = BPF_JMP | BPF_EXIT };
	for (int i = 0; i < 3; i++)
		patch.insns[i] = (struct bpfvm_insn){ .code = BPF_ALU64 | BPF_MOV | BPF_K, .imm = i };
	CHECK_EQ_U64(bpfvm_insn_patch(&p, &n, &patch, 1), 0);
	CHECK_EQ_U64(n, 10);
	CHECK_EQ_U64(p[0].off, 7);            /* old 6 is new 8 */
	CHECK_EQ_U64(p[1].imm, 5);            /* old 5 is new 7 */
	CHECK_EQ_U64(p[4].code, BPF_ALU64 | BPF_MOV | BPF_K);
	CHECK_EQ_U64(p[4].imm, 2);
	CHECK_EQ_U64(p[5].imm, 1);            /* lddw at new 5 still names new 7 */
	CHECK_EQ_U64((uint64_t)(int64_t)p[8].off, (uint64_t)-9);
	patch.at = 20;
	CHECK_EQ_U64((uint64_t)(int64_t)bpfvm_insn_patch(&p, &n, &patch, 1), (uint64_t)-EINVAL);
	free(p);
}

/* Runs a sched_cls program on a 64-byte packet; returns r0. */
static uint64_t run_tc(const char *text, enum bpfvm_engine engine)
{
	struct bpfvm_prog_load_opts o = { .sz = sizeof(o), .name = "t", .prog_type = 3,
					  .engine = engine };
	struct bpfvm_test_run_opts t = { .sz = sizeof(t) };
	struct bpfvm_prog *prog;
	struct bpfvm_insn *insns;
	uint8_t pkt[64] = { 0 };
	uint32_t n;

	pkt[12] = 0x08;
	if (bpfvm_asm(text, &insns, &n) || bpfvm_prog_load(insns, n, &o, &prog)) {
		fprintf(stderr, "%s\n", bpfvm_last_error());
		return ~0ull;
	}
	free(insns);
	t.data_in = pkt;
	t.data_size_in = sizeof(pkt);
	CHECK_EQ_U64(bpfvm_prog_test_run(prog, &t), 0);
	bpfvm_prog_free(prog);
	return t.retval;
}

static void test_queue_mapping(void)
{
	static const struct {
		const char *text;
		uint64_t want;
	} cases[] = {
		/* immediates: 7 stored, 0xffff ignored, -1 stored as 0xffff */
		{ "stw [%r1+12], 7\nstw [%r1+12], 65535\nldxw %r0, [%r1+12]\nexit\n", 7 },
		{ "stw [%r1+12], -1\nldxw %r0, [%r1+12]\nexit\n", 0xffff },
		/* registers: the low half of a value below 0xffff; 0x10005 ignored */
		{ "mov %r2, 65534\nstxw [%r1+12], %r2\nmov %r2, 65541\nstxw [%r1+12], %r2\n"
		  "ldxw %r0, [%r1+12]\nexit\n", 0xfffe },
		/* a jump over two rewritten stores, and one back over them */
		{ "mov %r0, 0\nmov %r2, 3\nja +2\nstxw [%r1+12], %r2\nstxw [%r1+12], %r2\n"
		  "add %r0, 1\njlt %r0, 3, -4\nldxw %r0, [%r1+12]\nexit\n", 3 },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		CHECK_EQ_U64(run_tc(cases[i].text, BPFVM_ENGINE_INTERP), cases[i].want);
		CHECK_EQ_U64(run_tc(cases[i].text, BPFVM_ENGINE_DEFAULT), cases[i].want);
	}
}

int main(void)
{
	test_patch();
	test_queue_mapping();
	return test_exit();
}
