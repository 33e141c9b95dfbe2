/* The verifier's case suite: every tests/verifier/NAME.txt holds small programs
 * in the assembler's dialect, each with its program type, maps and expected
 * verdict (and, for rejections, a substring of the reason). Most unsafe
 * programs sit next to a safe twin that differs in one token, so that both
 * soundness and precision are pinned. The speed bar (no case over 100 ms) is
 * a benchmark's to measure, not a timed test's: here each case's work is held
 * to a deterministic proxy, at most 100,000 instructions processed, and the
 * times are only printed.
 *
 * Case format:
 *   == name
 *   type: xdp                     (libbpf's type name; default socket_filter)
 *   attach: 8                     (expected attach type id; optional)
 *   map: hash 4 8 16 [lock=0] [rdonly] [inner=1] [rodata=HEX]   (type key value
 *        entries; repeatable)
 *   expect: accept | reject SUBSTRING
 *   slow: WHY                     (exempt from the work bar, e.g. budget tests)
 *   max_insns: N                  (a tighter work bar: pruning that must work)
 *   max_compared: N               (a bar on comparisons with stored states, e.g.
 *                                 for budget tests, whose instructions are fixed)
 *   <assembly until the next "==">
 */
#include <errno.h>
#include <stdio.h>

#include "bpfvm/error.h"
#include "bpfvm/isa.h"
#include "helpers/proto.h"
#include "verify_cases.h"

/* Rows the helper table may not have yet; the built-in row wins when present. */
static const struct bpfvm_helper_proto test_adjust_head = {
	44, "xdp_adjust_head", NULL, BPFVM_HELPER_PLAIN, RET_INTEGER,
	{ ARG_PTR_TO_CTX, ARG_ANYTHING }, HELPER_F_PKT_INVALIDATE, 0
};

static const struct bpfvm_helper_proto *test_proto(int32_t id)
{
	const struct bpfvm_helper_proto *p = bpfvm_helper_proto(id);

	if (!p && id == 44)
		return &test_adjust_head;
	return p;
}

static int ncases, npassed, naccept, nreject;
static uint64_t total_processed, total_ns, max_ns;
static char slowest[128];

static void run_case(struct tcase *c)
{
	struct bpfvm_insn *insns = NULL;
	uint32_t cnt = 0;
	struct bpfvm_verify_input in = { 0 };
	struct bpfvm_verify_result res;
	int err;

	ncases++;
	test_checks++;
	if (bpfvm_asm(c->text ? c->text : "", &insns, &cnt)) {
		test_failures++;
		fprintf(stderr, "%s: %s: does not assemble: %s\n", c->file, c->name, bpfvm_last_error());
		return;
	}
	in.insns = insns;
	in.insn_cnt = cnt;
	in.prog_type = c->prog_type;
	in.expected_attach_type = c->attach;
	in.maps = c->maps;
	in.map_cnt = c->nmaps;
	in.map_values = c->values;
	in.helper_proto = test_proto;
	err = bpfvm_verify(&in, &res);
	bpfvm_verify_result_free(&res);
	free(insns);
	total_processed += res.insns_processed;
	total_ns += res.time_ns;
	if (res.time_ns > max_ns && !c->slow) {
		max_ns = res.time_ns;
		snprintf(slowest, sizeof(slowest), "%s", c->name);
	}
	if (c->accept) {
		naccept++;
		if (err) {
			test_failures++;
			fprintf(stderr, "%s: %s: expected accept, got: %s\n", c->file, c->name,
				res.message);
			return;
		}
	} else {
		nreject++;
		if (!err) {
			test_failures++;
			fprintf(stderr, "%s: %s: expected reject (%s), but accepted\n", c->file, c->name,
				c->reason);
			return;
		}
		if (err != -EACCES || !strstr(res.message, c->reason)) {
			test_failures++;
			fprintf(stderr, "%s: %s: expected reason \"%s\", got: %s\n", c->file, c->name,
				c->reason, res.message);
			return;
		}
	}
	if (c->max_compared && res.states_compared > c->max_compared) {
		test_failures++;
		fprintf(stderr, "%s: %s: compared %llu states\n", c->file, c->name,
			(unsigned long long)res.states_compared);
		return;
	}
	if ((res.insns_processed > 100000 && !c->slow) ||
	    (c->max_insns && res.insns_processed > c->max_insns)) {
		test_failures++;
		fprintf(stderr, "%s: %s: processed %llu instructions (took %llu ms)\n", c->file,
			c->name, (unsigned long long)res.insns_processed,
			(unsigned long long)(res.time_ns / 1000000));
		return;
	}
	npassed++;
	if (getenv("VERBOSE"))
		fprintf(stderr, "ok %s: %s (%llu insns, %llu states, %llu compared): %s\n", c->file,
			c->name, (unsigned long long)res.insns_processed,
			(unsigned long long)res.states, (unsigned long long)res.states_compared,
			res.message);
}

int main(void)
{
	if (cases_for_each(run_case) < 0)
		return test_skip("tests/verifier not found (BPFVM_SRC unset)");
	printf("%d cases (%d accept, %d reject), %d as expected; %llu insns processed, "
	       "%.1f ms total, slowest %.2f ms (%s)\n",
	       ncases, naccept, nreject, npassed, (unsigned long long)total_processed,
	       (double)total_ns / 1e6, (double)max_ns / 1e6, slowest);
	CHECK(ncases > 0);
	return test_exit();
}
