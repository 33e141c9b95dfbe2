/* The verifier's optional entry state (bpfvm_verify_entry): each kind of
 * register and stack knowledge it can express, each with a twin that knows one
 * unit less and must be rejected, so that the entry state is shown to give
 * exactly what it says — the PREVAIL case suite relies on that. */
#include <errno.h>

#include "bpfvm/error.h"
#include "bpfvm/isa.h"
#include "bpfvm/verify.h"
#include "test.h"

static const struct bpfvm_verify_map array8 = { 2, 4, 8, 1, 0, -1, -1 };

static int verify(const char *text, const struct bpfvm_verify_entry *e, char *msg, size_t len)
{
	struct bpfvm_insn *insns = NULL;
	uint32_t cnt = 0;
	struct bpfvm_verify_input in = { 0 };
	struct bpfvm_verify_result res;
	int err;

	if (bpfvm_asm(text, &insns, &cnt)) {
		fprintf(stderr, "does not assemble: %s: %s\n", text, bpfvm_last_error());
		return -999;
	}
	in.insns = insns;
	in.insn_cnt = cnt;
	in.prog_type = 6; /* xdp */
	in.maps = &array8;
	in.map_cnt = 1;
	in.entry = e;
	err = bpfvm_verify(&in, &res);
	bpfvm_verify_result_free(&res);
	free(insns);
	snprintf(msg, len, "%s", res.message);
	if (getenv("VERBOSE"))
		fprintf(stderr, "%d: %s\n", err, res.message);
	return err;
}

static struct bpfvm_verify_entry_reg scalar(int64_t smin, int64_t smax)
{
	return (struct bpfvm_verify_entry_reg){ .kind = BPFVM_ENTRY_SCALAR, .smin = smin,
						.smax = smax, .umax = UINT64_MAX };
}

static struct bpfvm_verify_entry_reg ptr(uint32_t kind, int64_t lo, int64_t hi)
{
	return (struct bpfvm_verify_entry_reg){ .kind = kind, .off_min = lo, .off_max = hi };
}

static void packet(void)
{
	struct bpfvm_verify_entry e = { 0 };
	char m[768];

	e.regs[1] = ptr(BPFVM_ENTRY_PACKET, 0, 0);
	e.pkt_min = 4;
	CHECK(verify("ldxw %r0, [%r1+0]\nexit", &e, m, sizeof(m)) == 0);
	e.pkt_min = 3;
	CHECK(verify("ldxw %r0, [%r1+0]\nexit", &e, m, sizeof(m)) == -EACCES);
	CHECK(strstr(m, "only 3 bytes are proven") != NULL);

	/* a variable offset in [0, 10] of a packet of at least 14 bytes: 4 */
	e.regs[1] = ptr(BPFVM_ENTRY_PACKET, 0, 10);
	e.pkt_min = 14;
	CHECK(verify("ldxw %r0, [%r1+0]\nexit", &e, m, sizeof(m)) == 0);
	e.pkt_min = 13;
	CHECK(verify("ldxw %r0, [%r1+0]\nexit", &e, m, sizeof(m)) == -EACCES);

	/* data_end: a comparison proves more */
	e.regs[1] = ptr(BPFVM_ENTRY_PACKET, 0, 0);
	e.regs[2] = ptr(BPFVM_ENTRY_PACKET_END, 0, 0);
	e.pkt_min = 0;
	CHECK(verify("mov %r3, %r1\nadd %r3, 8\nmov %r0, 0\njgt %r3, %r2, +1\nldxdw %r0, [%r1+0]\n"
		     "exit", &e, m, sizeof(m)) == 0);
	CHECK(verify("mov %r3, %r1\nadd %r3, 7\nmov %r0, 0\njgt %r3, %r2, +1\nldxdw %r0, [%r1+0]\n"
		     "exit", &e, m, sizeof(m)) == -EACCES);
}

static void scalars_and_map_values(void)
{
	struct bpfvm_verify_entry e = { 0 };
	const char *prog = "add %r3, %r2\nldxb %r0, [%r3+0]\nexit";
	char m[768];

	e.regs[3] = ptr(BPFVM_ENTRY_MAP_VALUE, 0, 0);
	e.regs[2] = scalar(0, 7);
	CHECK(verify(prog, &e, m, sizeof(m)) == 0);
	e.regs[2] = scalar(0, 8);
	CHECK(verify(prog, &e, m, sizeof(m)) == -EACCES);
	/* the unsigned range alone bounds it too */
	e.regs[2] = scalar(INT64_MIN, INT64_MAX);
	e.regs[2].umax = 7;
	CHECK(verify(prog, &e, m, sizeof(m)) == 0);
	/* a map value pointer with a variable offset */
	e.regs[2] = scalar(0, 0);
	e.regs[3] = ptr(BPFVM_ENTRY_MAP_VALUE, 0, 7);
	CHECK(verify(prog, &e, m, sizeof(m)) == 0);
	e.regs[3] = ptr(BPFVM_ENTRY_MAP_VALUE, 0, 8);
	CHECK(verify(prog, &e, m, sizeof(m)) == -EACCES);
	/* a value pointer that may be null: usable after a null check */
	e.regs[3] = ptr(BPFVM_ENTRY_MAP_VALUE_OR_NULL, 4, 4);
	CHECK(verify("ldxw %r0, [%r3+0]\nexit", &e, m, sizeof(m)) == -EACCES);
	CHECK(strstr(m, "may be null") != NULL);
	CHECK(verify("mov %r0, 0\njeq %r3, 0, +1\nldxw %r0, [%r3+0]\nexit", &e, m, sizeof(m)) == 0);
	CHECK(verify("mov %r0, 0\njeq %r3, 0, +1\nldxw %r0, [%r3+1]\nexit", &e, m, sizeof(m)) ==
	      -EACCES);
	/* the map itself */
	e.regs[1] = ptr(BPFVM_ENTRY_MAP, 0, 0);
	e.regs[1].map = 0;
	e.regs[3] = ptr(BPFVM_ENTRY_STACK, -8, -8);
	e.regs[10] = ptr(BPFVM_ENTRY_STACK, 0, 0);
	e.stack_init[7] = 0xffull << 56; /* bytes -8..-1 */
	CHECK(verify("mov %r2, %r3\ncall 1\nmov %r0, 0\nexit", &e, m, sizeof(m)) == 0);
	e.regs[1] = scalar(0, 0);
	CHECK(verify("mov %r2, %r3\ncall 1\nmov %r0, 0\nexit", &e, m, sizeof(m)) == -EACCES);
}

static void stack(void)
{
	struct bpfvm_verify_entry e = { 0 };
	struct bpfvm_verify_entry_value v = { -8, 8, 0, 7, 0, 7 };
	const char *idx = "ldxdw %r2, [%r10-8]\nadd %r3, %r2\nldxb %r0, [%r3+0]\nexit";
	char m[768];

	e.regs[10] = ptr(BPFVM_ENTRY_STACK, 0, 0);
	CHECK(verify("ldxdw %r0, [%r10-8]\nexit", &e, m, sizeof(m)) == -EACCES);
	CHECK(strstr(m, "uninitialised stack") != NULL);
	e.stack_init[7] = 0xffull << 56;
	CHECK(verify("ldxdw %r0, [%r10-8]\nexit", &e, m, sizeof(m)) == 0);
	CHECK(verify("ldxdw %r0, [%r10-16]\nexit", &e, m, sizeof(m)) == -EACCES);

	/* a known value in a slot */
	e.regs[3] = ptr(BPFVM_ENTRY_MAP_VALUE, 0, 0);
	e.values = &v;
	e.value_cnt = 1;
	CHECK(verify(idx, &e, m, sizeof(m)) == 0);
	v.smax = 8, v.umax = 8;
	CHECK(verify(idx, &e, m, sizeof(m)) == -EACCES);

	/* a stack pointer with a variable offset */
	e.value_cnt = 0;
	e.regs[2] = ptr(BPFVM_ENTRY_STACK, -8, -4);
	CHECK(verify("ldxw %r0, [%r2+0]\nexit", &e, m, sizeof(m)) == 0);
	e.regs[2] = ptr(BPFVM_ENTRY_STACK, -9, -4);
	CHECK(verify("ldxw %r0, [%r2+0]\nexit", &e, m, sizeof(m)) == -EACCES);
}

static void not_initialised_and_invalid(void)
{
	struct bpfvm_verify_entry e = { 0 };
	struct bpfvm_verify_entry_value two[2] = { { -8, 4, 0, 0, 0, 0 }, { -4, 4, 0, 0, 0, 0 } };
	char m[768];

	/* nothing known: even r1 and r10 are not initialised */
	CHECK(verify("mov %r0, %r1\nexit", &e, m, sizeof(m)) == -EACCES);
	CHECK(strstr(m, "r1 is not initialised") != NULL);
	CHECK(verify("mov %r0, 0\nexit", &e, m, sizeof(m)) == 0);

	e.regs[1] = ptr(BPFVM_ENTRY_CTX, 0, 4);
	CHECK(verify("mov %r0, 0\nexit", &e, m, sizeof(m)) == -EINVAL);
	e.regs[1] = scalar(5, 4);
	CHECK(verify("mov %r0, 0\nexit", &e, m, sizeof(m)) == -EINVAL);
	e.regs[1] = scalar(-5, -1);
	e.regs[1].umax = 100; /* negative numbers are above 2^63 unsigned */
	CHECK(verify("mov %r0, 0\nexit", &e, m, sizeof(m)) == -EINVAL);
	e.regs[1].kind = BPFVM_ENTRY_NONE;
	e.values = two;
	e.value_cnt = 2;
	CHECK(verify("mov %r0, 0\nexit", &e, m, sizeof(m)) == -EINVAL);
	CHECK(strstr(m, "two stack values in one slot") != NULL);
}

/* Pruning compares the stack slots a program may read, found from r10 and
 * from the stack pointers the entry state hands it: a slot read only through
 * r2 is still compared (the path storing 0 is explored first). */
static void stack_pointer_pruning(void)
{
	struct bpfvm_verify_entry e = { 0 };
	char m[768];
	char prog[256];

	e.regs[1] = scalar(0, 1);
	e.regs[2] = ptr(BPFVM_ENTRY_STACK, -16, -16);
	e.regs[3] = ptr(BPFVM_ENTRY_MAP_VALUE, 0, 0);
	e.regs[10] = ptr(BPFVM_ENTRY_STACK, 0, 0);
	for (int bad = 0; bad < 2; bad++) {
		snprintf(prog, sizeof(prog),
			 "stdw [%%r2+0], %d\njeq %%r1, 0, +1\nstdw [%%r2+0], 0\nldxdw %%r5, [%%r2+0]\n"
			 "add %%r3, %%r5\nldxb %%r0, [%%r3+0]\nexit", bad ? 8 : 7);
		CHECK(verify(prog, &e, m, sizeof(m)) == (bad ? -EACCES : 0));
	}
}

int main(void)
{
	packet();
	scalars_and_map_values();
	stack();
	stack_pointer_pruning();
	not_initialised_and_invalid();
	return test_exit();
}
