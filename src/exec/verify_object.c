/* Verifying a program of an ELF object without creating anything: what
 * `bpfvm verify` and the kernel-verdict tool both need, so that the two can
 * never disagree about how an object's programs are put to the verifier (map
 * descriptions from the object's definitions as verify_maps.c lays them out,
 * source lines, the loader's own refusals). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bpfvm/object.h"
#include "bpfvm/verify.h"
#include "util/error.h"

/* "file.c:42" for the verifier's messages; the verifier copies the text
 * before asking again, so one buffer per thread is enough. */
static const char *line_of(void *cookie, uint32_t insn)
{
	static _Thread_local char buf[256];

	return bpfvm_program_source_pos(cookie, insn, buf, sizeof(buf));
}

int bpfvm_object_verify_program(const struct bpfvm_object *obj,
				const struct bpfvm_program *prog,
				struct bpfvm_verify_result *out)
{
	struct bpfvm_verify_input in = { 0 };
	struct bpfvm_verify_maps maps;
	const char *link_error = bpfvm_program_error(prog);
	int err;

	memset(out, 0, sizeof(*out));
	if (link_error) {
		/* The loader could not link it (an extern, a bad relocation):
		 * nothing to verify, and the reason already names it. */
		out->verdict = BPFVM_VERIFY_REJECTED;
		snprintf(out->message, sizeof(out->message), "%s", link_error);
		return bpfvm_errorf(-ENOEXEC, "%s", link_error);
	}
	err = bpfvm_verify_maps_from_object(obj, &maps);
	if (err) {
		out->verdict = BPFVM_VERIFY_REJECTED;
		snprintf(out->message, sizeof(out->message), "%s", bpfvm_last_error());
		return err;
	}
	in.insns = bpfvm_program_insns(prog);
	in.insn_cnt = bpfvm_program_insn_cnt(prog);
	in.prog_type = bpfvm_program_type(prog);
	in.expected_attach_type = bpfvm_program_expected_attach_type(prog);
	in.maps = maps.maps;
	in.map_cnt = maps.cnt;
	in.map_values = maps.values;
	in.line_of = line_of;
	in.cookie = (void *)(uintptr_t)prog;
	err = bpfvm_verify(&in, out);
	if (err && out->verdict != BPFVM_VERIFY_REJECTED) {
		/* The verifier could not run at all (unknown program type, out
		 * of memory): that is a rejection too, with its reason. */
		out->verdict = BPFVM_VERIFY_REJECTED;
		snprintf(out->message, sizeof(out->message), "%s", bpfvm_last_error());
	}
	bpfvm_verify_maps_free(&maps);
	return err;
}
