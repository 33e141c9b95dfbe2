/* bench_prog_load [--type T] OBJ... : what loading an object's programs costs
 * after opening it, by phase — verification, and the context rewrite that
 * follows it (bpfvm_prog_load's order). CPU time of this thread, best of a
 * few passes, totals over the programs the verifier accepts (only those are
 * rewritten). Programs without a type get T (default: the section's). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bpfvm/bpfvm.h"
#include "progtype/ctx_rewrite.h"

static double cpu_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

struct pass {
	double verify_all, verify_ok, rewrite;
	uint32_t accepted;
	uint64_t insns;
};

static int one_pass(struct bpfvm_object *obj, const struct bpfvm_verify_maps *maps,
		    struct pass *p)
{
	memset(p, 0, sizeof(*p));
	for (uint32_t i = 0; i < bpfvm_object_program_count(obj); i++) {
		struct bpfvm_program *prog = bpfvm_object_program(obj, i);
		struct bpfvm_verify_input in = { 0 };
		struct bpfvm_verify_result r;
		struct bpfvm_insn *copy;
		double t0, t1, t2;
		int err;

		if (bpfvm_program_error(prog))
			continue;
		in.insns = bpfvm_program_insns(prog);
		in.insn_cnt = bpfvm_program_insn_cnt(prog);
		in.prog_type = bpfvm_program_type(prog);
		in.expected_attach_type = bpfvm_program_expected_attach_type(prog);
		in.maps = maps->maps;
		in.map_cnt = maps->cnt;
		in.map_values = maps->values;
		t0 = cpu_ms();
		err = bpfvm_verify(&in, &r);
		t1 = cpu_ms();
		p->verify_all += t1 - t0;
		if (err || !bpfvm_progtype_get(in.prog_type)) {
			bpfvm_verify_result_free(&r);
			continue;
		}
		copy = malloc(in.insn_cnt * sizeof(*copy));
		if (!copy)
			return -1;
		memcpy(copy, in.insns, in.insn_cnt * sizeof(*copy));
		t1 = cpu_ms();
		err = bpfvm_ctx_rewrite(copy, in.insn_cnt, bpfvm_progtype_get(in.prog_type),
					r.ctx_access);
		t2 = cpu_ms();
		free(copy);
		bpfvm_verify_result_free(&r);
		if (err) {
			fprintf(stderr, "%s: %s\n", bpfvm_program_name(prog), bpfvm_last_error());
			return -1;
		}
		p->verify_ok += t1 - t0;
		p->rewrite += t2 - t1;
		p->accepted++;
		p->insns += in.insn_cnt;
	}
	return 0;
}

int main(int argc, char **argv)
{
	int type = -1, first = 1;

	if (argc > 2 && !strcmp(argv[1], "--type")) {
		type = bpfvm_prog_type_by_name(argv[2]);
		first = 3;
	}
	if (argc <= first || (first == 3 && type < 0)) {
		fprintf(stderr, "usage: bench_prog_load [--type PROGTYPE] OBJ...\n");
		return 2;
	}
	for (int a = first; a < argc; a++) {
		struct bpfvm_object *obj;
		struct bpfvm_verify_maps maps;
		struct pass best = { 0 }, p;
		int passes = 3;

		if (bpfvm_object_open(argv[a], NULL, &obj) || bpfvm_verify_maps_from_object(obj, &maps)) {
			fprintf(stderr, "%s\n", bpfvm_last_error());
			return 1;
		}
		for (uint32_t i = 0; i < bpfvm_object_program_count(obj); i++) {
			struct bpfvm_program *prog = bpfvm_object_program(obj, i);

			if (!bpfvm_program_type(prog))
				bpfvm_program_set_type(prog, type >= 0 ? (uint32_t)type
								       : bpfvm_program_legacy_type(prog));
		}
		for (int r = 0; r < passes; r++) {
			if (one_pass(obj, &maps, &p))
				return 1;
			if (r == 0 || p.verify_all < best.verify_all)
				best.verify_all = p.verify_all;
			if (r == 0 || p.verify_ok < best.verify_ok)
				best.verify_ok = p.verify_ok;
			if (r == 0 || p.rewrite < best.rewrite)
				best.rewrite = p.rewrite;
			best.accepted = p.accepted;
			best.insns = p.insns;
		}
		printf("%s: %u programs, %u accepted (%llu insns); best of %d passes: verify all "
		       "%.1f ms, verify accepted %.2f ms, ctx rewrite of accepted %.3f ms\n",
		       argv[a], bpfvm_object_program_count(obj), best.accepted,
		       (unsigned long long)best.insns, passes, best.verify_all, best.verify_ok,
		       best.rewrite);
		bpfvm_verify_maps_free(&maps);
		bpfvm_object_free(obj);
	}
	return 0;
}
