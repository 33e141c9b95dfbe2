/* The load-time context rewrite, fed by what the verifier proved: loads of
 * packet-pointer fields become 64-bit loads of the runtime context's pointers
 * wherever the context pointer travelled (copies, spills and fills, subprogram
 * arguments, a caller's frame read by a callee); scalar fields stay in place;
 * an instruction reached with the context and with other memory is refused,
 * naming it. The programs that travel far are also run, interpreted and
 * JIT-compiled, to see the rewritten loads find the packet. */
#include <errno.h>
#include <stddef.h>

#include "bpfvm/bpfvm.h"
#include "isa/opcodes.h"
#include "progtype/ctx.h"
#include "progtype/ctx_rewrite.h"
#include "test.h"

/* Assembles and verifies; on acceptance *acc is the verifier's record. */
static int verified(const char *text, uint32_t type, uint32_t attach, struct bpfvm_insn **out,
		    uint32_t *cnt, struct bpfvm_ctx_access **acc)
{
	struct bpfvm_verify_input in = { 0 };
	struct bpfvm_verify_result res;
	int err = bpfvm_asm(text, out, cnt);

	*acc = NULL;
	if (err) {
		fprintf(stderr, "asm: %s\n", bpfvm_last_error());
		return err;
	}
	in.insns = *out;
	in.insn_cnt = *cnt;
	in.prog_type = type;
	in.expected_attach_type = attach;
	err = bpfvm_verify(&in, &res);
	*acc = res.ctx_access;
	CHECK(err ? res.ctx_access == NULL : res.ctx_access != NULL);
	return err;
}

static int rewrite(const char *text, uint32_t type, uint32_t attach, struct bpfvm_insn **out,
		   uint32_t *cnt)
{
	struct bpfvm_ctx_access *acc;
	int err = verified(text, type, attach, out, cnt, &acc);

	if (!err)
		err = bpfvm_ctx_rewrite(*out, *cnt, bpfvm_progtype_get(type), acc);
	free(acc);
	return err;
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

/* What the verifier hands over: field, offset, size and direction of each
 * context access; nothing for stack accesses. */
static void test_recorded_accesses(void)
{
	const struct bpfvm_progtype *pt = bpfvm_progtype_get(BPFVM_PROG_SCHED_CLS);
	struct bpfvm_ctx_access *acc;
	struct bpfvm_insn *p;
	uint32_t n;

	CHECK(verified("ldxw %r2, [%r1+76]\n"   /* data */
		       "stw [%r1+8], 7\n"       /* mark */
		       "ldxb %r3, [%r1+48]\n"   /* a byte of cb[0] */
		       "stdw [%r10-8], 0\n"
		       "ldxdw %r4, [%r10-8]\n"
		       "mov %r0, 0\n"
		       "exit\n", BPFVM_PROG_SCHED_CLS, 0, &p, &n, &acc) == 0);
	if (acc) {
		CHECK_EQ_U64(acc[0].size, 4);
		CHECK(!acc[0].write);
		CHECK_EQ_U64(acc[0].off, 76);
		CHECK_STR(pt->fields[acc[0].field].name, "data");
		CHECK_EQ_U64(acc[1].size, 4);
		CHECK(acc[1].write);
		CHECK_EQ_U64(acc[1].off, 8);
		CHECK_STR(pt->fields[acc[1].field].name, "mark");
		CHECK_EQ_U64(acc[2].size, 1);
		CHECK_EQ_U64(acc[2].off, 48);
		CHECK_EQ_U64(acc[3].size, 0);
		CHECK_EQ_U64(acc[4].size, 0);
		CHECK_EQ_U64(acc[6].size, 0);
		CHECK(bpfvm_ctx_rewrite(p, n, pt, acc) == 0);
		expect_load(&p[0], BPF_DW, offsetof(struct bpfvm_skb_ctx, data));
		CHECK_EQ_U64(p[1].code, BPF_ST | BPF_MEM | BPF_W);
		CHECK_EQ_U64(p[1].off, 8);
		expect_load(&p[2], BPF_B, 48);

		/* an entry the verifier cannot have produced is not obeyed */
		acc[1] = (struct bpfvm_ctx_access){ 4, true, 76, acc[0].field };
		CHECK(bpfvm_ctx_rewrite(p, n, pt, acc) == -EINVAL);
		CHECK(strstr(bpfvm_last_error(), "insn 1: write of 4 bytes at offset 76") != NULL);
	}
	free(acc);
	free(p);
}

static void test_copies_spills_and_branches(void)
{
	struct bpfvm_insn *p;
	uint32_t n;

	/* ctx copied to r6, spilled to the stack across a helper call, filled
	 * into r7: every load still finds the field. */
	CHECK(rewrite("mov %r6, %r1\n"
		      "stxdw [%r10-16], %r6\n"
		      "call 7\n"
		      "ldxdw %r7, [%r10-16]\n"
		      "ldxw %r2, [%r7+4]\n"
		      "ldxw %r3, [%r6]\n"
		      "mov %r0, 0\n"
		      "exit\n", BPFVM_PROG_XDP, 0, &p, &n) == 0);
	expect_load(&p[4], BPF_DW, offsetof(struct bpfvm_xdp_ctx, data_end));
	expect_load(&p[5], BPF_DW, offsetof(struct bpfvm_xdp_ctx, data));
	free(p);

	/* __sk_buff.data through a branch where both sides keep ctx in r1. */
	CHECK(rewrite("ldxw %r2, [%r1+8]\n"
		      "jeq %r2, 0, +1\n"
		      "mov %r3, 1\n"
		      "ldxw %r2, [%r1+76]\n"
		      "ldxw %r3, [%r1+0]\n"
		      "mov %r0, 0\n"
		      "exit\n", BPFVM_PROG_SCHED_CLS, 0, &p, &n) == 0);
	expect_load(&p[3], BPF_DW, offsetof(struct bpfvm_skb_ctx, data));
	expect_load(&p[4], BPF_W, 0);
	free(p);
}

/* r0 = data_end - data, computed by f(0, ctx). */
static const char *subprog_len =
	"mov %r2, %r1\n"
	"mov %r1, 0\n"
	"call local f\n"
	"exit\n"
	"f:\n"
	"ldxw %r3, [%r2]\n"
	"ldxw %r4, [%r2+4]\n"
	"mov %r0, %r4\n"
	"sub %r0, %r3\n"
	"exit\n";

/* r0 = first byte + 256 * length, through a ctx pointer spilled, the
 * register clobbered, and filled into another one. */
static const char *spill_fill =
	"stxdw [%r10-8], %r1\n"
	"mov %r1, 0\n"
	"ldxdw %r6, [%r10-8]\n"
	"ldxw %r2, [%r6]\n"
	"ldxw %r3, [%r6+4]\n"
	"mov %r0, 0\n"
	"mov %r4, %r2\n"
	"add %r4, 1\n"
	"jgt %r4, %r3, +5\n"
	"ldxb %r0, [%r2]\n"
	"mov %r5, %r3\n"
	"sub %r5, %r2\n"
	"lsh %r5, 8\n"
	"add %r0, %r5\n"
	"exit\n";

/* The caller spills ctx in its frame and passes a pointer to the slot; the
 * callee fills it from there. r0 = data_end - data. */
static const char *caller_slot =
	"stxdw [%r10-8], %r1\n"
	"mov %r1, %r10\n"
	"add %r1, -8\n"
	"call local f\n"
	"exit\n"
	"f:\n"
	"ldxdw %r6, [%r1]\n"
	"ldxw %r2, [%r6]\n"
	"ldxw %r3, [%r6+4]\n"
	"mov %r0, %r3\n"
	"sub %r0, %r2\n"
	"exit\n";

static void test_subprograms(void)
{
	struct bpfvm_insn *p;
	uint32_t n;

	CHECK(rewrite(subprog_len, BPFVM_PROG_XDP, 0, &p, &n) == 0);
	expect_load(&p[4], BPF_DW, offsetof(struct bpfvm_xdp_ctx, data));
	expect_load(&p[5], BPF_DW, offsetof(struct bpfvm_xdp_ctx, data_end));
	free(p);
	CHECK(rewrite(caller_slot, BPFVM_PROG_XDP, 0, &p, &n) == 0);
	expect_load(&p[6], BPF_DW, offsetof(struct bpfvm_xdp_ctx, data));
	expect_load(&p[7], BPF_DW, offsetof(struct bpfvm_xdp_ctx, data_end));
	free(p);

	/* f is called with ctx and with a stack pointer: its load cannot be
	 * rewritten one way, and is refused by name. */
	CHECK(rewrite("ldxw %r3, [%r1+12]\n"
		      "stdw [%r10-8], 0\n"
		      "jeq %r3, 0, +2\n"
		      "call local f\n"
		      "exit\n"
		      "mov %r1, %r10\n"
		      "add %r1, -8\n"
		      "call local f\n"
		      "exit\n"
		      "f:\n"
		      "ldxw %r0, [%r1+4]\n"
		      "mov %r0, 0\n"
		      "exit\n", BPFVM_PROG_XDP, 0, &p, &n) == -EACCES);
	CHECK(strstr(bpfvm_last_error(), "insn 9: ") != NULL);
	CHECK(strstr(bpfvm_last_error(), "same insn cannot be used with different pointers") !=
	      NULL);
	free(p);
}

static void test_refused(void)
{
	struct bpfvm_insn *p;
	uint32_t n;

	/* r2 is ctx on one path and the stack on the other */
	CHECK(rewrite("ldxw %r3, [%r1+12]\n"
		      "mov %r2, %r10\n"
		      "add %r2, -16\n"
		      "stdw [%r2], 0\n"
		      "stdw [%r2+8], 0\n"
		      "jeq %r3, 0, +1\n"
		      "mov %r2, %r1\n"
		      "ldxw %r0, [%r2+12]\n"
		      "exit\n", BPFVM_PROG_XDP, 0, &p, &n) == -EACCES);
	CHECK(strstr(bpfvm_last_error(), "insn 7: ") != NULL);
	CHECK(strstr(bpfvm_last_error(), "same insn cannot be used with different pointers") !=
	      NULL);
	free(p);

	CHECK(rewrite("stw [%r1], 0\nmov %r0, 0\nexit\n", BPFVM_PROG_XDP, 0, &p, &n) == -EACCES);
	CHECK(strstr(bpfvm_last_error(), "insn 0: ") != NULL);
	CHECK(strstr(bpfvm_last_error(), "invalid write context access") != NULL);
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

static uint32_t run(const char *text, enum bpfvm_engine engine, const uint8_t *pkt, uint32_t len)
{
	struct bpfvm_prog_load_opts lo = { .sz = sizeof(lo), .prog_type = BPFVM_PROG_XDP,
					   .expected_attach_type = BPFVM_ATTACH_XDP, .name = "t",
					   .engine = engine };
	struct bpfvm_test_run_opts ro = { .sz = sizeof(ro), .data_in = pkt, .data_size_in = len };
	struct bpfvm_prog *prog = NULL;
	struct bpfvm_insn *insns;
	uint32_t cnt, ret = UINT32_MAX;

	if (bpfvm_asm(text, &insns, &cnt))
		return ret;
	if (bpfvm_prog_load(insns, cnt, &lo, &prog))
		fprintf(stderr, "load: %s\n", bpfvm_last_error());
	else if (bpfvm_prog_test_run(prog, &ro))
		fprintf(stderr, "run: %s\n", bpfvm_last_error());
	else
		ret = ro.retval;
	bpfvm_prog_free(prog);
	free(insns);
	return ret;
}

static void test_run(void)
{
	static const enum bpfvm_engine engines[] = { BPFVM_ENGINE_INTERP, BPFVM_ENGINE_DEFAULT };
	uint8_t pkt[60];

	for (unsigned i = 0; i < sizeof(pkt); i++)
		pkt[i] = (uint8_t)(0x5a + i);
	for (unsigned e = 0; e < 2; e++) {
		CHECK_EQ_U64(run(subprog_len, engines[e], pkt, sizeof(pkt)), sizeof(pkt));
		CHECK_EQ_U64(run(subprog_len, engines[e], pkt, 17), 17);
		CHECK_EQ_U64(run(spill_fill, engines[e], pkt, sizeof(pkt)), 0x5a + 256 * sizeof(pkt));
		CHECK_EQ_U64(run(spill_fill, engines[e], pkt + 3, 20), 0x5d + 256 * 20);
		CHECK_EQ_U64(run(caller_slot, engines[e], pkt, sizeof(pkt)), sizeof(pkt));
		CHECK_EQ_U64(run(caller_slot, engines[e], pkt, 33), 33);
	}
}

int main(void)
{
	test_xdp_pointers();
	test_recorded_accesses();
	test_copies_spills_and_branches();
	test_subprograms();
	test_refused();
	test_run();
	return test_exit();
}
