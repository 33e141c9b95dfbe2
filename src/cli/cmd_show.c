/* `bpfvm show OBJ [--json]`: what an object holds before anything runs, in
 * libbpf's words (program and map type names), so that its output can be
 * compared with what libbpf reports for the same file. */
#include <stdio.h>
#include <string.h>

#include "bpfvm/error.h"
#include "bpfvm/object.h"
#include "cli/cli.h"

static const char *prog_type_str(uint32_t t)
{
	const char *s = bpfvm_prog_type_name(t);

	return s ? s : "unknown";
}

static const char *map_type_str(uint32_t t)
{
	const char *s = bpfvm_map_type_name(t);

	return s ? s : "unknown";
}

static const char *origin_str(enum bpfvm_map_origin o)
{
	switch (o) {
	case BPFVM_MAP_BTF:
		return "btf";
	case BPFVM_MAP_LEGACY:
		return "legacy";
	default:
		return "data";
	}
}

static void json_map_def(const struct bpfvm_object *obj, const struct bpfvm_map_def *m)
{
	printf("{\"name\": ");
	cli_json_string(stdout, m->name);
	printf(", \"type\": \"%s\", \"key_size\": %u, \"value_size\": %u, \"max_entries\": %u, "
	       "\"flags\": %u, \"pinning\": %u, \"numa_node\": %u, \"origin\": \"%s\"",
	       map_type_str(m->type), m->key_size, m->value_size, m->max_entries, m->map_flags,
	       m->pinning, m->numa_node, origin_str(m->origin));
	if (m->section) {
		printf(", \"section\": ");
		cli_json_string(stdout, m->section);
		printf(", \"frozen\": %s", m->frozen ? "true" : "false");
	}
	if (m->spin_lock_off >= 0)
		printf(", \"spin_lock_off\": %d", m->spin_lock_off);
	if (m->timer_off >= 0)
		printf(", \"timer_off\": %d", m->timer_off);
	if (m->inner) {
		printf(", \"inner\": ");
		json_map_def(obj, m->inner);
	}
	if (m->init_slot_cnt) {
		printf(", \"init\": [");
		for (uint32_t i = 0; i < m->init_slot_cnt; i++) {
			const struct bpfvm_map_init_slot *s = &m->init_slots[i];

			printf("%s[%u, ", i ? ", " : "", s->slot);
			cli_json_string(stdout,
					s->is_prog ? bpfvm_program_name(bpfvm_object_program(obj, s->index))
						   : bpfvm_object_map(obj, s->index)->name);
			printf("]");
		}
		printf("]");
	}
	printf("}");
}

static void show_json(const struct bpfvm_object *obj)
{
	uint32_t n = bpfvm_object_program_count(obj);

	printf("{\"license\": ");
	cli_json_string(stdout, bpfvm_object_license(obj));
	printf(", \"programs\": [");
	for (uint32_t i = 0; i < n; i++) {
		const struct bpfvm_program *p = bpfvm_object_program(obj, i);
		const char *at = bpfvm_attach_type_name(bpfvm_program_expected_attach_type(p));

		printf("%s\n  {\"name\": ", i ? "," : "");
		cli_json_string(stdout, bpfvm_program_name(p));
		printf(", \"section\": ");
		cli_json_string(stdout, bpfvm_program_section(p));
		printf(", \"type\": \"%s\", \"attach_type\": \"%s\", \"insns\": %u, "
		       "\"insns_linked\": %u, \"legacy_symbol\": %s",
		       prog_type_str(bpfvm_program_type(p)), at ? at : "unknown",
		       bpfvm_program_func_insn_cnt(p), bpfvm_program_insn_cnt(p),
		       bpfvm_program_from_legacy_symbol(p) ? "true" : "false");
		if (bpfvm_program_legacy_type(p))
			printf(", \"legacy_type\": \"%s\"",
			       prog_type_str(bpfvm_program_legacy_type(p)));
		if (bpfvm_program_error(p)) {
			printf(", \"error\": ");
			cli_json_string(stdout, bpfvm_program_error(p));
		}
		printf("}");
	}
	printf("],\n \"maps\": [");
	for (uint32_t i = 0; i < bpfvm_object_map_count(obj); i++) {
		printf("%s\n  ", i ? "," : "");
		json_map_def(obj, bpfvm_object_map(obj, i));
	}
	printf("]}\n");
}

static void show_text(const struct bpfvm_object *obj)
{
	uint32_t n = bpfvm_object_program_count(obj), m = bpfvm_object_map_count(obj);

	printf("%s: license \"%s\", %u program%s, %u map%s\n", bpfvm_object_name(obj),
	       bpfvm_object_license(obj), n, n == 1 ? "" : "s", m, m == 1 ? "" : "s");
	if (n)
		printf("\n%-32s %-24s %-18s %8s\n", "PROGRAM", "SECTION", "TYPE", "INSNS");
	for (uint32_t i = 0; i < n; i++) {
		const struct bpfvm_program *p = bpfvm_object_program(obj, i);

		printf("%-32s %-24s %-18s %8u", bpfvm_program_name(p), bpfvm_program_section(p),
		       prog_type_str(bpfvm_program_type(p)), bpfvm_program_insn_cnt(p));
		if (bpfvm_program_legacy_type(p))
			printf("  (libbpf 0.x: %s)", prog_type_str(bpfvm_program_legacy_type(p)));
		putchar('\n');
		if (bpfvm_program_error(p))
			printf("    cannot be loaded: %s\n", bpfvm_program_error(p));
	}
	if (m)
		printf("\n%-24s %-20s %8s %8s %10s %8s\n", "MAP", "TYPE", "KEY", "VALUE",
		       "MAX", "FLAGS");
	for (uint32_t i = 0; i < m; i++) {
		const struct bpfvm_map_def *d = bpfvm_object_map(obj, i);

		printf("%-24s %-20s %8u %8u %10u %#8x\n", d->name, map_type_str(d->type),
		       d->key_size, d->value_size, d->max_entries, d->map_flags);
	}
}

int cmd_show(int argc, char **argv)
{
	const char *path = NULL;
	struct bpfvm_object *obj;
	int json = 0;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--json"))
			json = 1;
		else if (argv[i][0] == '-' && argv[i][1])
			return cli_fail("show: unknown option '%s' (usage: bpfvm show OBJ [--json])",
					argv[i]);
		else if (path)
			return cli_fail("show: more than one object");
		else
			path = argv[i];
	}
	if (!path)
		return cli_fail("usage: bpfvm show OBJ [--json]");
	if (bpfvm_object_open(path, NULL, &obj))
		return cli_fail("%s", bpfvm_last_error());
	if (json)
		show_json(obj);
	else
		show_text(obj);
	bpfvm_object_free(obj);
	return CLI_OK;
}
