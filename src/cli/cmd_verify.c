/* `bpfvm verify`: runs the verifier over an object's programs without loading
 * anything (CLI contract in DESIGN.md). Exit 0 when every (or the named)
 * program is accepted, 1 when one is rejected (one diagnostic per rejected
 * program on stderr), 2 on unreadable input or bad usage. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bpfvm/bpfvm.h"
#include "cli/cli.h"

struct verify_args {
	const char *obj, *prog, *type;
	bool json, stats;
};

static int parse_args(int argc, char **argv, struct verify_args *a)
{
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--json"))
			a->json = true;
		else if (!strcmp(argv[i], "--stats"))
			a->stats = true;
		else if (!strcmp(argv[i], "--prog") && i + 1 < argc)
			a->prog = argv[++i];
		else if (!strcmp(argv[i], "--type") && i + 1 < argc)
			a->type = argv[++i];
		else if (argv[i][0] == '-' && argv[i][1])
			return cli_fail("verify: unknown option or missing value: '%s'", argv[i]);
		else if (!a->obj)
			a->obj = argv[i];
		else
			return cli_fail("verify: unexpected argument '%s'", argv[i]);
	}
	if (!a->obj)
		return cli_fail("usage: bpfvm verify OBJ [--prog NAME] [--type PROGTYPE] [--json] "
				"[--stats]");
	return 0;
}

static void print_json(const struct bpfvm_program *p, const struct bpfvm_verify_result *r,
		       bool first)
{
	const char *type = bpfvm_prog_type_name(bpfvm_program_type(p));
	bool ok = r->verdict == BPFVM_VERIFY_ACCEPTED;

	printf("%s{\"name\": ", first ? "" : ", ");
	cli_json_string(stdout, bpfvm_program_name(p));
	printf(", \"section\": ");
	cli_json_string(stdout, bpfvm_program_section(p));
	printf(", \"type\": ");
	cli_json_string(stdout, type ? type : "unknown");
	printf(", \"verdict\": \"%s\"", ok ? "accepted" : "rejected");
	if (ok) {
		printf(", \"insn\": null, \"line\": null, \"message\": null");
	} else {
		printf(", \"insn\": %u, \"line\": ", r->insn);
		if (r->line[0])
			cli_json_string(stdout, r->line);
		else
			printf("null");
		printf(", \"message\": ");
		cli_json_string(stdout, r->message);
	}
	printf(", \"insns_processed\": %" PRIu64 ", \"states\": %" PRIu64
	       ", \"peak_bytes\": %" PRIu64 ", \"time_us\": %.1f}",
	       r->insns_processed, r->states, r->peak_bytes, r->time_ns / 1000.0);
}

static int verify_program(const char *obj_path, const struct bpfvm_object *obj,
			  const struct bpfvm_program *p, struct bpfvm_verify_result *r)
{
	bpfvm_object_verify_program(obj, p, r);
	if (r->verdict == BPFVM_VERIFY_ACCEPTED)
		return 0;
	if (bpfvm_program_error(p))
		fprintf(stderr, "%s\n", r->message);
	else
		fprintf(stderr, "%s: %s: %s%s%s\n", obj_path, bpfvm_program_name(p), r->line,
			r->line[0] ? ": " : "", r->message);
	return CLI_REJECTED;
}

int cmd_verify(int argc, char **argv)
{
	struct verify_args a = { 0 };
	struct bpfvm_object *obj = NULL;
	uint32_t checked = 0;
	int err, status = CLI_OK;

	if ((err = parse_args(argc, argv, &a)))
		return err;
	if (bpfvm_object_open(a.obj, NULL, &obj))
		return cli_fail("%s", bpfvm_last_error());
	if (a.prog && !bpfvm_object_find_program(obj, a.prog)) {
		bpfvm_object_free(obj);
		return cli_fail("%s: no program named '%s'", a.obj, a.prog);
	}
	if (a.json)
		printf("{\"programs\": [");
	for (uint32_t i = 0; i < bpfvm_object_program_count(obj); i++) {
		struct bpfvm_program *p = bpfvm_object_program(obj, i);
		struct bpfvm_verify_result r;

		if (a.prog && strcmp(a.prog, bpfvm_program_name(p)))
			continue;
		if (a.type) {
			int type = bpfvm_prog_type_by_name(a.type);

			if (type < 0) {
				status = cli_fail("--type: unknown program type '%s'", a.type);
				break;
			}
			bpfvm_program_set_type(p, (uint32_t)type);
		} else if (!bpfvm_program_type(p) && bpfvm_program_legacy_type(p)) {
			/* an old section name libbpf 0.x typed by prefix */
			bpfvm_program_set_type(p, bpfvm_program_legacy_type(p));
		}
		if (verify_program(a.obj, obj, p, &r))
			status = CLI_REJECTED;
		if (a.json)
			print_json(p, &r, checked == 0);
		else if (a.stats)
			printf("%s: %s, %" PRIu64 " insns processed, %" PRIu64 " states, peak %"
			       PRIu64 " KiB, %.1f us\n", bpfvm_program_name(p),
			       r.verdict == BPFVM_VERIFY_ACCEPTED ? "accepted" : "rejected",
			       r.insns_processed, r.states, (r.peak_bytes + 1023) / 1024,
			       r.time_ns / 1000.0);
		bpfvm_verify_result_free(&r);
		checked++;
	}
	if (a.json)
		printf("]}\n");
	bpfvm_object_free(obj);
	return status;
}
