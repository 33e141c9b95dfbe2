/* The legacy packet loads (BPF_LD | BPF_ABS / BPF_IND) in every engine: the
 * big-endian value of 1, 2 or 4 bytes of the skb's packet, zero-extended into
 * r0; the 32-bit offset arithmetic of IND (negative and huge index registers);
 * Linux's SKF_NET_OFF/SKF_LL_OFF header-relative offsets; and any read outside
 * the packet doing `r0 = 0; exit` in its own frame (the program, a
 * subprogram, a bpf_loop callback). Also that the
 * loads are bound only through a resolver that has them, and never as calls. */
#include <errno.h>
#include <string.h>

#include "bpfvm/bpfvm.h"
#include "progtype/ctx.h"
#include "util/error.h"
#include "test.h"

#define PKT_LEN 64

struct vector {
	const char *what;
	const char *text;
	uint64_t r0;
};

/* r6 = the context as every program here starts; packet byte i is 0x80 + i
 * for i < 64, so bytes have their top bit set and a word load must still be
 * a positive 64-bit value. */
static const struct vector vectors[] = {
	{ "abs byte 0", "ldabsb 0\nexit\n", 0x80 },
	{ "abs half 12", "ldabsh 12\nexit\n", 0x8c8d },
	{ "abs word, last 4 bytes", "ldabsw 60\nexit\n", 0xbcbdbebf },
	{ "abs byte, last byte", "ldabsb 63\nexit\n", 0xbf },
	{ "abs word 1 byte past the end", "mov %r0, 7\nldabsw 61\nmov %r0, 99\nexit\n", 0 },
	{ "abs byte at the end", "mov %r0, 7\nldabsb 64\nmov %r0, 99\nexit\n", 0 },
	{ "abs huge offset", "ldabsh 0x7fffffff\nmov %r0, 99\nexit\n", 0 },
	{ "abs -1 (from the network header + 0xfffff)", "ldabsb -1\nmov %r0, 99\nexit\n", 0 },
	{ "abs SKF_NET_OFF", "ldabsb -1048576\nexit\n", 0x8e },
	{ "abs SKF_NET_OFF + 46, last word", "ldabsw -1048530\nexit\n", 0xbcbdbebf },
	{ "abs SKF_NET_OFF + 47", "ldabsw -1048529\nmov %r0, 99\nexit\n", 0 },
	{ "abs SKF_LL_OFF + 12", "ldabsh -2097140\nexit\n", 0x8c8d },
	{ "abs SKF_LL_OFF - 1", "ldabsb -2097153\nmov %r0, 99\nexit\n", 0 },
	{ "ind reg + imm", "mov %r2, 10\nldindh %r2, 2\nexit\n", 0x8c8d },
	{ "ind negative reg, 32-bit sum 0", "mov %r2, -1\nldindb %r2, 1\nexit\n", 0x80 },
	{ "ind negative sum", "mov %r2, -1\nldindb %r2, 0\nmov %r0, 99\nexit\n", 0 },
	{ "ind huge reg, low 32 bits count", "lddw %r2, 0x100000005\nldindb %r2, 0\nexit\n",
	  0x85 },
	{ "ind reg + imm wraps to INT32_MIN",
	  "mov32 %r3, 0x7fffffff\nldindb %r3, 1\nmov %r0, 99\nexit\n", 0 },
	{ "ind reg + imm wraps past 2^32", "lddw %r4, 0xffffffff\nldindw %r4, 5\nexit\n",
	  0x84858687 },
	{ "ind r0 as the index", "mov %r0, 3\nldindb %r0, 0\nldindb %r0, -131\nexit\n", 0x80 },
	{ "r6-r9 survive, r0 is replaced",
	  "mov %r7, 5\nmov %r0, -1\nldabsb 1\nadd %r0, %r7\nexit\n", 0x86 },
	{ "a subprogram's failed load returns 0 to its caller",
	  "call local sub\nadd %r0, 7\nexit\nsub:\nldabsb 100\nmov %r0, 3\nexit\n", 7 },
	{ "two frames down, only the failing frame returns",
	  "call local a\nadd %r0, 100\nexit\na:\ncall local b\nadd %r0, 10\nexit\n"
	  "b:\nmov %r1, 62\nldindh %r1, 1\nmov %r0, 3\nexit\n", 110 },
	{ "a callback's failed load returns 0: bpf_loop goes on",
	  "mov %r1, 3\nld_func %r2, cb\nmov %r3, %r6\nmov %r4, 0\ncall 181\nexit\n"
	  "cb:\nmov %r6, %r2\nldabsb 100\nmov %r0, 1\nexit\n", 3 },
	{ "a callback's good load: bpf_loop stops when it returns 1",
	  "mov %r1, 3\nld_func %r2, cb\nmov %r3, %r6\nmov %r4, 0\ncall 181\nexit\n"
	  "cb:\nmov %r6, %r2\nldabsb 0\nmov %r0, 1\nexit\n", 1 },
	{ "a subprogram's good load returns",
	  "call local sub\nadd %r0, 1\nexit\nsub:\nldabsb 2\nexit\n", 0x83 },
};

static void make_ctx(struct bpfvm_skb_ctx *s, uint8_t *pkt)
{
	memset(s, 0, sizeof(*s));
	for (int i = 0; i < PKT_LEN; i++)
		pkt[i] = (uint8_t)(0x80 + i);
	s->data = s->data_meta = (uint64_t)(uintptr_t)pkt;
	s->data_end = s->data + PKT_LEN;
	s->skb.len = PKT_LEN;
	s->mac_len = 14;
}

static void run_vectors(enum bpfvm_engine engine, bool harden, const char *name)
{
	for (size_t v = 0; v < sizeof(vectors) / sizeof(vectors[0]); v++) {
		struct bpfvm_exec_opts opts = { .sz = sizeof(opts), .engine = engine,
						.resolve_helper = bpfvm_helper_resolve,
						.jit_harden = harden };
		struct bpfvm_run run = { 0 };
		struct bpfvm_exec *exec = NULL;
		struct bpfvm_insn *insns;
		struct bpfvm_skb_ctx s;
		uint8_t pkt[PKT_LEN];
		char text[512];
		uint32_t cnt;
		uint64_t r0;

		snprintf(text, sizeof(text), "mov %%r6, %%r1\n%s", vectors[v].text);
		if (bpfvm_asm(text, &insns, &cnt)) {
			printf("FAIL %s: asm: %s\n", vectors[v].what, bpfvm_last_error());
			CHECK(false);
			continue;
		}
		if (bpfvm_exec_create(insns, cnt, &opts, &exec)) {
			printf("FAIL %s: create: %s\n", vectors[v].what, bpfvm_last_error());
			CHECK(false);
			free(insns);
			continue;
		}
		make_ctx(&s, pkt);
		r0 = bpfvm_exec_run(exec, &s, &run);
		if (r0 != vectors[v].r0)
			printf("FAIL %s (%s): r0 0x%llx, expected 0x%llx\n", vectors[v].what, name,
			       (unsigned long long)r0, (unsigned long long)vectors[v].r0);
		CHECK_EQ_U64(r0, vectors[v].r0);
		CHECK(run.error == 0);
		bpfvm_exec_free(exec);
		free(insns);
	}
}

static int no_helpers(void *cookie, int32_t id, struct bpfvm_helper_binding *out)
{
	(void)cookie;
	(void)out;
	return bpfvm_errorf(-ENOENT, "helper %d is not supported", id);
}

static void check_binding(enum bpfvm_engine engine)
{
	struct bpfvm_exec_opts opts = { .sz = sizeof(opts), .engine = engine,
					.resolve_helper = no_helpers };
	struct bpfvm_exec *exec = NULL;
	struct bpfvm_insn *insns;
	uint32_t cnt;

	/* a resolver without the loads: no packet to load from */
	CHECK(bpfvm_asm("mov %r6, %r1\nldabsb 0\nexit\n", &insns, &cnt) == 0);
	CHECK(bpfvm_exec_create(insns, cnt, &opts, &exec) == -ENOENT);
	CHECK(strstr(bpfvm_last_error(), "insn 1: legacy packet load") != NULL);
	CHECK(exec == NULL);
	free(insns);

	/* the loads' ids are not helpers a program may call */
	opts.resolve_helper = bpfvm_helper_resolve;
	CHECK(bpfvm_asm("call -1\nexit\n", &insns, &cnt) == 0);
	CHECK(bpfvm_exec_create(insns, cnt, &opts, &exec) == -ENOENT);
	CHECK(strstr(bpfvm_last_error(), "insn 0: helper -1 is not callable") != NULL);
	CHECK(exec == NULL);
	free(insns);

	/* nor through callx: the run is aborted */
	CHECK(bpfvm_asm("mov %r1, -2\ncall %r1\nmov %r0, 1\nexit\n", &insns, &cnt) == 0);
	CHECK(bpfvm_exec_create(insns, cnt, &opts, &exec) == 0);
	if (exec) {
		struct bpfvm_run run = { 0 };

		CHECK_EQ_U64(bpfvm_exec_run(exec, NULL, &run), 0);
		CHECK(run.error == -ENOENT);
	}
	bpfvm_exec_free(exec);
	free(insns);
}

int main(void)
{
	run_vectors(BPFVM_ENGINE_INTERP, false, "interp");
	check_binding(BPFVM_ENGINE_INTERP);
#if defined(__x86_64__)
	run_vectors(BPFVM_ENGINE_JIT, false, "jit");
	run_vectors(BPFVM_ENGINE_JIT, true, "jit, hardened");
	check_binding(BPFVM_ENGINE_JIT);
#endif
	return test_exit();
}
