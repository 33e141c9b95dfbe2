/* The load-time context rewrite: loads of packet-pointer fields become 64-bit
 * loads of the runtime context's pointers, through copies and stack spills;
 * scalar fields stay in place; invalid and undecidable accesses are refused. */
#include <errno.h>
#include <stddef.h>

#include "bpfvm/bpfvm.h"
#include "isa/opcodes.h"
#include "progtype/ctx.h"
#include "progtype/ctx_rewrite.h"
#include "test.h"

static int rewrite(const char *text, uint32_t type, uint32_t attach, struct bpfvm_insn **out,
		   uint32_t *cnt)
{
	int err = bpfvm_asm(text, out, cnt);

	if (err) {
		fprintf(stderr, "asm: %s\n", bpfvm_last_error());
		return err;
	}
	return bpfvm_ctx_rewrite(*out, *cnt, bpfvm_progtype_get(type), attach);
}

static void expect_load(const struct bpfvm_insn *in, int size, int off)
{
	CHECK_EQ_U64(in->code, BPF_LDX | BPF_MEM | size);
	CHECK_EQ_U64((uint16_t)in->off, (uint16_t)off);
}

static void test_xdp_pointers(void)
{
	struct bpfvm_insn *p;
	uint32_t n;

	CHECK(rewrite("ldxw %r2, [%r1]\n"
		      "ldxw %r3, [%r1+4]\n"
		      "ldxw %r4, [%r1+8]\n"
		      "ldxw %r5, [%r1+12]\n"
		      "mov %r0, 0\n"
		      "exit\n", BPFVM_PROG_XDP, 0, &p, &n) == 0);
	expect_load(&p[0], BPF_DW, offsetof(struct bpfvm_xdp_ctx, data));
	expect_load(&p[1], BPF_DW, offsetof(struct bpfvm_xdp_ctx, data_end));
	expect_load(&p[2], BPF_DW, offsetof(struct bpfvm_xdp_ctx, data_meta));
	expect_load(&p[3], BPF_W, 12); /* ingress_ifindex: in place */
	free(p);
}

static void test_copies_spills_and_offsets(void)
{
	struct bpfvm_insn *p;
	uint32_t n;

	/* ctx copied to r6, spilled to the stack, filled into r7, and moved by
	 * a constant: every load still finds the field. */
	CHECK(rewrite("mov %r6, %r1\n"
		      "stxdw [%r10-16], %r6\n"
		      "call 7\n"
		      "ldxdw %r7, [%r10-16]\n"
		      "add %r7, 4\n"
		      "ldxw %r2, [%r7]\n"
		      "ldxw %r3, [%r6]\n"
		      "mov %r0, 0\n"
		      "exit\n", BPFVM_PROG_XDP, 0, &p, &n) == 0);
	expect_load(&p[5], BPF_DW, offsetof(struct bpfvm_xdp_ctx, data_end) - 4);
	expect_load(&p[6], BPF_DW, offsetof(struct bpfvm_xdp_ctx, data));
	free(p);

	/* __sk_buff.data through a branch where both sides keep ctx in r1. */
	CHECK(rewrite("jeq %r2, 0, +1\n"
		      "mov %r3, 1\n"
		      "ldxw %r2, [%r1+76]\n"
		      "ldxw %r3, [%r1+0]\n"
		      "mov %r0, 0\n"
		      "exit\n", BPFVM_PROG_SCHED_CLS, 0, &p, &n) == 0);
	expect_load(&p[2], BPF_DW, offsetof(struct bpfvm_skb_ctx, data));
	expect_load(&p[3], BPF_W, 0);
	free(p);
}

static void test_subprogram_and_ambiguity(void)
{
	struct bpfvm_insn *p;
	uint32_t n;

	/* ctx passed to a subprogram in r1 */
	CHECK(rewrite("call local f\n"
		      "exit\n"
		      "f:\n"
		      "ldxw %r0, [%r1+4]\n"
		      "exit\n", BPFVM_PROG_XDP, 0, &p, &n) == 0);
	expect_load(&p[2], BPF_DW, offsetof(struct bpfvm_xdp_ctx, data_end));
	free(p);

	/* r2 is ctx on one path and the stack on the other: refused. */
	CHECK(rewrite("mov %r2, %r10\n"
		      "add %r2, -8\n"
		      "stdw [%r2], 0\n"
		      "jeq %r3, 0, +1\n"
		      "mov %r2, %r1\n"
		      "ldxw %r0, [%r2]\n"
		      "exit\n", BPFVM_PROG_XDP, 0, &p, &n) == -EACCES);
	CHECK(strstr(bpfvm_last_error(), "insn 5: cannot tell whether r2") != NULL);
	free(p);
}

static void test_invalid_accesses(void)
{
	struct bpfvm_insn *p;
	uint32_t n;

	CHECK(rewrite("stw [%r1], 0\nmov %r0, 0\nexit\n", BPFVM_PROG_XDP, 0, &p, &n) == -EACCES);
	CHECK(strstr(bpfvm_last_error(), "insn 0: invalid write context access") != NULL);
	free(p);
	CHECK(rewrite("ldxh %r0, [%r1]\nexit\n", BPFVM_PROG_XDP, 0, &p, &n) == -EACCES);
	free(p);
	CHECK(rewrite("ldxw %r0, [%r1+24]\nexit\n", BPFVM_PROG_XDP, 0, &p, &n) == -EACCES);
	free(p);
	CHECK(rewrite("ldxw %r0, [%r1-4]\nexit\n", BPFVM_PROG_XDP, 0, &p, &n) == -EACCES);
	free(p);
	/* __sk_buff.data is not readable by socket filters */
	CHECK(rewrite("ldxw %r0, [%r1+76]\nexit\n", BPFVM_PROG_SOCKET_FILTER, 0, &p, &n) == -EACCES);
	free(p);
	/* mark is writable for tc */
	CHECK(rewrite("stw [%r1+8], 7\nmov %r0, 0\nexit\n", BPFVM_PROG_SCHED_CLS, 0, &p, &n) == 0);
	free(p);
}

int main(void)
{
	test_xdp_pointers();
	test_copies_spills_and_offsets();
	test_subprogram_and_ambiguity();
	test_invalid_accesses();
	return test_exit();
}
