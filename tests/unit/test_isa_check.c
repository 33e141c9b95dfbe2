/* The structural checker (src/isa/check.c), one test per rejection class, each
 * checking that the message names the right instruction and says why, plus
 * programs it must accept, and the suite's unused-* programs (non-zero
 * reserved fields) refused. */
#include <errno.h>

#include "bpfvm/bpfvm.h"
#include "conformance_data.h"
#include "test.h"

#define I(c, d, s, o, i) { .code = (c), .dst_reg = (d), .src_reg = (s), .off = (o), .imm = (i) }
#define EXIT I(0x95, 0, 0, 0, 0)
#define MOV0 I(0xb7, 0, 0, 0, 0)

struct reject {
	const char *what;
	struct bpfvm_insn insns[4];
	uint32_t cnt;
	const char *message; /* the whole expected message */
};

static const struct reject rejects[] = {
	/* unknown opcodes */
	{ "code 0", { I(0x00, 0, 0, 0, 0), EXIT }, 2, "insn 0: unknown opcode 0x00" },
	{ "neg with X", { I(0x8c, 1, 2, 0, 0), EXIT }, 2, "insn 0: unknown opcode 0x8c (neg takes no source)" },
	{ "alu op 0xe0", { I(0xe4, 1, 0, 0, 0), EXIT }, 2, "insn 0: unknown opcode 0xe4" },
	{ "alu64 op 0xf0", { I(0xf7, 1, 0, 0, 0), EXIT }, 2, "insn 0: unknown opcode 0xf7" },
	{ "bswap with X", { I(0xdf, 1, 0, 0, 16), EXIT }, 2, "insn 0: unknown opcode 0xdf" },
	{ "ja with X", { MOV0, I(0x0d, 0, 0, 0, 0), EXIT }, 3, "insn 1: unknown opcode 0x0d" },
	{ "call in JMP32", { I(0x86, 0, 0, 0, 1), EXIT }, 2, "insn 0: unknown opcode 0x86" },
	{ "exit in JMP32", { MOV0, I(0x96, 0, 0, 0, 0) }, 2, "insn 1: unknown opcode 0x96" },
	{ "jmp op 0xe0", { I(0xe5, 1, 0, 0, 0), EXIT }, 2, "insn 0: unknown opcode 0xe5" },
	{ "LD_ABS DW", { I(0x38, 0, 0, 0, 4), EXIT }, 2, "insn 0: unknown opcode 0x38" },
	{ "LD_IND DW", { I(0x58, 0, 1, 0, 4), EXIT }, 2, "insn 0: unknown opcode 0x58" },
	{ "LD MEM mode", { I(0x60, 0, 0, 0, 4), EXIT }, 2, "insn 0: unknown opcode 0x60" },
	{ "LD W IMM", { I(0x00 | 0x08, 1, 0, 0, 4), EXIT }, 2, "insn 0: unknown opcode 0x08" },
	{ "ldxsdw", { I(0x99, 1, 2, 0, 0), EXIT }, 2, "insn 0: unknown opcode 0x99" },
	{ "ldx ABS mode", { I(0x21, 1, 2, 0, 0), EXIT }, 2, "insn 0: unknown opcode 0x21" },
	{ "st MEMSX", { I(0x82, 1, 0, 0, 0), EXIT }, 2, "insn 0: unknown opcode 0x82" },
	{ "stx MEMSX", { I(0x83, 1, 2, 0, 0), EXIT }, 2, "insn 0: unknown opcode 0x83" },
	{ "atomic u16", { I(0xcb, 1, 2, 0, 0), EXIT }, 2, "insn 0: unknown opcode 0xcb" },
	{ "atomic sub", { I(0xdb, 1, 2, 0, 0x10), EXIT }, 2, "insn 0: unknown atomic operation 0x10" },
	{ "atomic xchg w/o fetch", { I(0xdb, 1, 2, 0, 0xe0), EXIT }, 2, "insn 0: unknown atomic operation 0xe0" },
	/* reserved fields */
	{ "add imm with src", { I(0x07, 1, 2, 0, 1), EXIT }, 2, "insn 0: reserved field src_reg is 2, must be 0" },
	{ "add imm with off", { I(0x07, 1, 0, 3, 1), EXIT }, 2, "insn 0: reserved field off is 3, must be 0" },
	{ "add reg with imm", { I(0x0f, 1, 2, 0, 1), EXIT }, 2, "insn 0: reserved field imm is 1, must be 0" },
	{ "add reg with off", { I(0x0c, 1, 2, 1, 0), EXIT }, 2, "insn 0: reserved field off is 1, must be 0" },
	{ "div off 2", { I(0x3f, 1, 2, 2, 0), EXIT }, 2, "insn 0: div with off 2 (0 = unsigned, 1 = signed)" },
	{ "mod off -1", { I(0x94, 1, 0, -1, 3), EXIT }, 2, "insn 0: mod with off -1 (0 = unsigned, 1 = signed)" },
	{ "sdiv imm with src", { I(0x37, 1, 3, 1, 3), EXIT }, 2, "insn 0: reserved field src_reg is 3, must be 0" },
	{ "movsx32 from 32", { I(0xbc, 1, 2, 32, 0), EXIT }, 2, "insn 0: movsx with invalid source width 32" },
	{ "movsx 7", { I(0xbf, 1, 2, 7, 0), EXIT }, 2, "insn 0: movsx with invalid source width 7" },
	{ "mov imm with off", { I(0xb7, 1, 0, 8, 0), EXIT }, 2, "insn 0: reserved field off is 8, must be 0" },
	{ "mov reg with imm", { I(0xbf, 1, 2, 0, 5), EXIT }, 2, "insn 0: reserved field imm is 5, must be 0" },
	{ "neg with imm", { I(0x87, 1, 0, 0, 1), EXIT }, 2, "insn 0: reserved field imm is 1, must be 0" },
	{ "neg with src", { I(0x84, 1, 1, 0, 0), EXIT }, 2, "insn 0: reserved field src_reg is 1, must be 0" },
	{ "le16 with off", { I(0xd4, 1, 0, 1, 16), EXIT }, 2, "insn 0: reserved field off is 1, must be 0" },
	{ "be16 with src", { I(0xdc, 1, 1, 0, 16), EXIT }, 2, "insn 0: reserved field src_reg is 1, must be 0" },
	{ "le8", { I(0xd4, 1, 0, 0, 8), EXIT }, 2, "insn 0: byte swap width 8 (expected 16, 32 or 64)" },
	{ "ja with dst", { I(0x05, 1, 0, 0, 0), EXIT }, 2, "insn 0: reserved field dst_reg is 1, must be 0" },
	{ "ja with imm", { I(0x05, 0, 0, 0, 1), EXIT }, 2, "insn 0: reserved field imm is 1, must be 0" },
	{ "gotol with off", { I(0x06, 0, 0, 1, 0), EXIT }, 2, "insn 0: reserved field off is 1, must be 0" },
	{ "jeq imm with src", { I(0x15, 1, 2, 0, 0), EXIT }, 2, "insn 0: reserved field src_reg is 2, must be 0" },
	{ "jeq reg with imm", { I(0x1d, 1, 2, 0, 1), EXIT }, 2, "insn 0: reserved field imm is 1, must be 0" },
	{ "call with dst", { I(0x85, 1, 0, 0, 1), EXIT }, 2, "insn 0: reserved field dst_reg is 1, must be 0" },
	{ "call with off", { I(0x85, 0, 0, 1, 1), EXIT }, 2, "insn 0: reserved field off is 1, must be 0" },
	{ "call src 3", { I(0x85, 0, 3, 0, 1), EXIT }, 2, "insn 0: call with unknown src_reg 3" },
	{ "callx with imm", { I(0x8d, 1, 0, 0, 1), EXIT }, 2, "insn 0: reserved field imm is 1, must be 0" },
	{ "exit with dst", { I(0x95, 1, 0, 0, 0) }, 1, "insn 0: reserved field dst_reg is 1, must be 0" },
	{ "exit with imm", { I(0x95, 0, 0, 0, 1) }, 1, "insn 0: reserved field imm is 1, must be 0" },
	{ "ldxw with imm", { I(0x61, 1, 2, 0, 1), EXIT }, 2, "insn 0: reserved field imm is 1, must be 0" },
	{ "stw with src", { I(0x62, 1, 2, 0, 1), EXIT }, 2, "insn 0: reserved field src_reg is 2, must be 0" },
	{ "stxw with imm", { I(0x63, 1, 2, 0, 1), EXIT }, 2, "insn 0: reserved field imm is 1, must be 0" },
	{ "lddw with off", { I(0x18, 1, 0, 1, 0), I(0, 0, 0, 0, 0), EXIT }, 3, "insn 0: reserved field off is 1, must be 0" },
	{ "lddw src 7", { I(0x18, 1, 7, 0, 0), I(0, 0, 0, 0, 0), EXIT }, 3, "insn 0: lddw with unknown src_reg 7" },
	{ "lddw second half code", { I(0x18, 1, 0, 0, 0), I(0x95, 0, 0, 0, 0), EXIT }, 3, "insn 1: second half of lddw must have code, registers and off 0" },
	{ "lddw second half dst", { I(0x18, 1, 0, 0, 0), I(0, 1, 0, 0, 0), EXIT }, 3, "insn 1: second half of lddw must have code, registers and off 0" },
	{ "lddw second half off", { I(0x18, 1, 0, 0, 0), I(0, 0, 0, 1, 0), EXIT }, 3, "insn 1: second half of lddw must have code, registers and off 0" },
	{ "LD_ABS into r1", { I(0x30, 1, 0, 0, 4), EXIT }, 2, "insn 0: reserved field dst_reg is 1, must be 0 (legacy packet loads write r0)" },
	{ "LD_ABS with src", { I(0x20, 0, 2, 0, 4), EXIT }, 2, "insn 0: reserved field src_reg is 2, must be 0" },
	{ "LD_ABS with off", { I(0x28, 0, 0, 1, 4), EXIT }, 2, "insn 0: reserved field off is 1, must be 0" },
	{ "LD_IND with off", { I(0x50, 0, 3, -1, 4), EXIT }, 2, "insn 0: reserved field off is -1, must be 0" },
	{ "LD_IND src r11", { I(0x40, 0, 11, 0, 0), EXIT }, 2, "insn 0: invalid register r11" },
	/* bad registers */
	{ "dst r11", { I(0xb7, 11, 0, 0, 0), EXIT }, 2, "insn 0: invalid register r11" },
	{ "src r11", { I(0xbf, 0, 11, 0, 0), EXIT }, 2, "insn 0: invalid register r11" },
	{ "dst r15 load", { MOV0, I(0x61, 15, 1, 0, 0), EXIT }, 3, "insn 1: invalid register r15" },
	{ "callx r12", { I(0x8d, 12, 0, 0, 0), EXIT }, 2, "insn 0: invalid register r12" },
	/* writes to r10 */
	{ "mov r10", { I(0xb7, 10, 0, 0, 0), EXIT }, 2, "insn 0: r10 is read-only (the frame pointer)" },
	{ "add32 r10", { I(0x0c, 10, 1, 0, 0), EXIT }, 2, "insn 0: r10 is read-only (the frame pointer)" },
	{ "neg r10", { I(0x87, 10, 0, 0, 0), EXIT }, 2, "insn 0: r10 is read-only (the frame pointer)" },
	{ "be r10", { I(0xdc, 10, 0, 0, 32), EXIT }, 2, "insn 0: r10 is read-only (the frame pointer)" },
	{ "ldx into r10", { I(0x79, 10, 1, 0, 0), EXIT }, 2, "insn 0: r10 is read-only (the frame pointer)" },
	{ "lddw into r10", { I(0x18, 10, 0, 0, 0), I(0, 0, 0, 0, 0), EXIT }, 3, "insn 0: r10 is read-only (the frame pointer)" },
	{ "fetch add into r10", { I(0xdb, 1, 10, 0, 0x01), EXIT }, 2, "insn 0: atomic fetch would write r10 (the frame pointer)" },
	{ "xchg into r10", { I(0xc3, 1, 10, 0, 0xe1), EXIT }, 2, "insn 0: atomic fetch would write r10 (the frame pointer)" },
	/* jumps and calls out of range or into lddw */
	{ "jump past the end", { I(0x05, 0, 0, 1, 0), EXIT }, 2, "insn 0: jump target 2 out of range [0, 2)" },
	{ "jump before 0", { MOV0, I(0x15, 0, 0, -3, 0), EXIT }, 3, "insn 1: jump target -1 out of range [0, 3)" },
	{ "gotol past the end", { I(0x06, 0, 0, 0, 100000), EXIT }, 2, "insn 0: jump target 100001 out of range [0, 2)" },
	{ "jump32 past the end", { I(0x16, 1, 0, 5, 0), EXIT }, 2, "insn 0: jump target 6 out of range [0, 2)" },
	{ "call local past the end", { I(0x85, 0, 1, 0, 1), EXIT }, 2, "insn 0: call target 2 out of range [0, 2)" },
	{ "call local before 0", { I(0x85, 0, 1, 0, -2), EXIT }, 2, "insn 0: call target -1 out of range [0, 2)" },
	{ "ld_func out of range", { I(0x18, 1, 4, 0, 5), I(0, 0, 0, 0, 0), EXIT }, 3, "insn 0: function reference target 6 out of range [0, 3)" },
	{ "jump into lddw", { I(0x05, 0, 0, 1, 0), I(0x18, 1, 0, 0, 0), I(0, 0, 0, 0, 0), EXIT }, 4, "insn 0: jump into the middle of lddw at insn 1" },
	{ "jump back into lddw", { I(0x18, 1, 0, 0, 0), I(0, 0, 0, 0, 0), I(0x05, 0, 0, -2, 0), EXIT }, 4, "insn 2: jump into the middle of lddw at insn 0" },
	{ "call into lddw", { I(0x85, 0, 1, 0, 1), I(0x18, 1, 0, 0, 0), I(0, 0, 0, 0, 0), EXIT }, 4, "insn 0: call into the middle of lddw at insn 1" },
	/* truncated lddw, falling off the end */
	{ "truncated lddw", { MOV0, I(0x18, 1, 0, 0, 0) }, 2, "insn 1: lddw is truncated (its second half is missing)" },
	{ "ends with lddw", { I(0x18, 1, 0, 0, 0), I(0, 0, 0, 0, 0) }, 2, "insn 1: program can fall off its end after lddw" },
	{ "ends with mov", { MOV0 }, 1, "insn 0: program can fall off its end (the last instruction is not exit or an unconditional jump)" },
	{ "ends with jeq", { MOV0, I(0x15, 0, 0, -2, 0) }, 2, "insn 1: program can fall off its end (the last instruction is not exit or an unconditional jump)" },
	{ "ends with call", { I(0x85, 0, 0, 0, 1) }, 1, "insn 0: program can fall off its end (the last instruction is not exit or an unconditional jump)" },
};

static const struct {
	const char *what;
	struct bpfvm_insn insns[4];
	uint32_t cnt;
} accepts[] = {
	{ "exit", { EXIT }, 1 },
	{ "ja -1 at the end", { MOV0, I(0x05, 0, 0, -1, 0) }, 2 },
	{ "gotol at the end", { MOV0, I(0x06, 0, 0, 0, -2) }, 2 },
	{ "lddw src 0..6", { I(0x18, 1, 6, 0, 0), I(0, 0, 0, 0, 7), EXIT }, 3 },
	{ "ld_func", { I(0x18, 1, 4, 0, 1), I(0, 0, 0, 0, 0), EXIT, EXIT }, 4 },
	{ "jump over lddw", { I(0x05, 0, 0, 2, 0), I(0x18, 1, 0, 0, 0), I(0, 0, 0, 0, 0), EXIT }, 4 },
	{ "callx, kfunc, helper", { I(0x8d, 1, 0, 0, 0), I(0x85, 0, 2, 0, 9), I(0x85, 0, 0, 0, 1), EXIT }, 4 },
	{ "sdiv, movsx, bswap", { I(0x3f, 1, 2, 1, 0), I(0xbf, 1, 2, 32, 0), I(0xd7, 1, 0, 0, 64), EXIT }, 4 },
	{ "LD_ABS B/H/W", { I(0x30, 0, 0, 0, -1), I(0x28, 0, 0, 0, 12), I(0x20, 0, 0, 0, 0x7fffffff), EXIT }, 4 },
	{ "LD_IND B/H/W", { I(0x50, 0, 10, 0, 0), I(0x48, 0, 0, 0, -4), I(0x40, 0, 6, 0, 14), EXIT }, 4 },
	{ "stores to r10, cmpxchg", { I(0x7a, 10, 0, -8, 1), I(0xdb, 10, 1, -8, 0xf1), I(0x62, 10, 0, -4, 0), EXIT }, 4 },
};

static void check_unused_files(void)
{
	const char *shared = test_shared_dir();
	char dir[4096], path[8192];
	size_t n, refused = 0, total = 0;
	char **names;

	if (!shared) {
		printf("note: ../shared is absent, negative/unused-*.data not checked\n");
		return;
	}
	snprintf(dir, sizeof(dir), "%s/conformance/negative", shared);
	names = data_list(dir, &n);
	CHECK(names != NULL);
	for (size_t i = 0; names && i < n; i++) {
		struct data_test t;

		if (strncmp(names[i], "unused-", 7))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		CHECK(data_test_load(path, &t) == 0);
		CHECK(t.raw && t.raw_len % 8 == 0);
		if (t.raw) {
			struct bpfvm_insn *insns = malloc(t.raw_len);

			if (!insns)
				abort();
			memcpy(insns, t.raw, t.raw_len);
			total++;
			if (bpfvm_isa_check(insns, (uint32_t)(t.raw_len / 8)) == -EINVAL &&
			    strstr(bpfvm_last_error(), "insn 0: "))
				refused++;
			else
				fprintf(stderr, "%s: not refused at insn 0: %s\n", names[i],
					bpfvm_last_error());
			free(insns);
		}
		data_test_free(&t);
	}
	printf("negative/unused-*: %zu of %zu refused\n", refused, total);
	CHECK(total >= 40 && refused == total);
	data_list_free(names);
}

int main(void)
{
	for (size_t i = 0; i < sizeof(rejects) / sizeof(rejects[0]); i++) {
		int err = bpfvm_isa_check(rejects[i].insns, rejects[i].cnt);

		if (err != -EINVAL || strcmp(bpfvm_last_error(), rejects[i].message))
			fprintf(stderr, "%s: got %d '%s'\n", rejects[i].what, err, bpfvm_last_error());
		CHECK(err == -EINVAL);
		CHECK_STR(bpfvm_last_error(), rejects[i].message);
	}
	for (size_t i = 0; i < sizeof(accepts) / sizeof(accepts[0]); i++) {
		int err = bpfvm_isa_check(accepts[i].insns, accepts[i].cnt);

		if (err)
			fprintf(stderr, "%s: %s\n", accepts[i].what, bpfvm_last_error());
		CHECK(err == 0);
	}

	/* Empty, and the length cap (exactly BPFVM_MAX_INSNS is allowed). */
	struct bpfvm_insn one = EXIT;
	CHECK(bpfvm_isa_check(&one, 0) == -EINVAL);
	CHECK_STR(bpfvm_last_error(), "program is empty");

	struct bpfvm_insn *big = calloc(BPFVM_MAX_INSNS + 1, sizeof(*big));
	if (!big)
		abort();
	for (uint32_t i = 0; i <= BPFVM_MAX_INSNS; i++)
		big[i] = (struct bpfvm_insn)EXIT;
	CHECK(bpfvm_isa_check(big, BPFVM_MAX_INSNS) == 0);
	CHECK(bpfvm_isa_check(big, BPFVM_MAX_INSNS + 1) == -E2BIG);
	CHECK_STR(bpfvm_last_error(), "program of 1000001 instructions exceeds the limit of 1000000");
	free(big);

	check_unused_files();
	return test_exit();
}
