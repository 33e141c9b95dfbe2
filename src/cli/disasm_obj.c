/* `bpfvm disasm OBJ [--prog NAME]`: the programs of an ELF object as bpfvm
 * will run them (subprograms appended, calls fixed up, maps by index), with
 * the source lines of .BTF.ext interleaved as `llvm-objdump -d -l -S` does:
 * a `; file:line` and a `; source text` comment before the first instruction
 * of each source line. */
#include <stdio.h>
#include <string.h>

#include "bpfvm/error.h"
#include "bpfvm/isa.h"
#include "bpfvm/object.h"
#include "cli/cli.h"
#include "isa/opcodes.h"

/* What the instruction refers to, in words: a map, a data offset, a function. */
static void annotate(const struct bpfvm_object *obj, const struct bpfvm_program *prog,
		     const struct bpfvm_insn *in, uint32_t idx, char *buf, size_t len)
{
	const struct bpfvm_map_def *m;
	const struct bpfvm_func_info *f;

	buf[0] = '\0';
	if (in->code == (BPF_LD | BPF_IMM | BPF_DW)) {
		switch (in->src_reg) {
		case BPF_PSEUDO_MAP_IDX:
			m = bpfvm_object_map(obj, (uint32_t)in->imm);
			if (m)
				snprintf(buf, len, "map %s", m->name);
			return;
		case BPF_PSEUDO_MAP_IDX_VALUE:
			m = bpfvm_object_map(obj, (uint32_t)in->imm);
			if (m)
				snprintf(buf, len, "&%s + %d", m->section ? m->section : m->name,
					 in[1].imm);
			return;
		case BPF_PSEUDO_FUNC:
			f = bpfvm_program_func_at(prog, idx + (uint32_t)in->imm + 1);
			if (f)
				snprintf(buf, len, "&%s", f->name);
			return;
		default:
			return;
		}
	}
	if (in->code == (BPF_JMP | BPF_CALL) && in->src_reg == BPF_PSEUDO_CALL) {
		f = bpfvm_program_func_at(prog, idx + (uint32_t)in->imm + 1);
		if (f)
			snprintf(buf, len, "%s", f->name);
	}
}

static int disasm_program(const struct bpfvm_object *obj, const struct bpfvm_program *prog)
{
	const struct bpfvm_insn *insns = bpfvm_program_insns(prog);
	uint32_t cnt = bpfvm_program_insn_cnt(prog);
	const struct bpfvm_line_info *last = NULL;
	const char *type = bpfvm_prog_type_name(bpfvm_program_type(prog));

	printf("%s: section %s, type %s, %u instructions\n", bpfvm_program_name(prog),
	       bpfvm_program_section(prog), type ? type : "unknown", cnt);
	if (bpfvm_program_error(prog)) {
		printf("; cannot be loaded: %s\n\n", bpfvm_program_error(prog));
		return 0;
	}
	for (uint32_t idx = 0; idx < cnt;) {
		const struct bpfvm_func_info *f = bpfvm_program_func_at(prog, idx);
		const struct bpfvm_line_info *li = bpfvm_program_line_info(prog, idx);
		const uint8_t *bytes = (const uint8_t *)&insns[idx];
		char text[160], note[160];
		int slots;

		if (f && f->insn_idx == idx) {
			printf("\n%s:\n", f->name);
			last = NULL;
		}
		if (li && li->insn_idx == idx && li->line &&
		    (!last || last->line != li->line || strcmp(last->file, li->file))) {
			printf("; %s:%u\n", li->file, li->line);
			if (li->text[0])
				printf("; %s\n", li->text);
			last = li;
		}
		slots = bpfvm_disasm_insn(insns, cnt, idx, text, sizeof(text));
		if (slots < 0) {
			printf("%8u:\t<%s>\n", idx, bpfvm_last_error());
			slots = 1;
		}
		printf("%8u:\t", idx);
		for (int i = 0; i < slots * BPFVM_INSN_SIZE; i++)
			printf(i ? " %02x" : "%02x", bytes[i]);
		annotate(obj, prog, &insns[idx], idx, note, sizeof(note));
		printf("\t%s%s%s\n", text, note[0] ? "\t; " : "", note);
		idx += (uint32_t)slots;
	}
	putchar('\n');
	return 0;
}

int cli_disasm_object(const char *path, int argc, char **argv)
{
	const char *name = NULL;
	struct bpfvm_object *obj;
	int found = 0;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--prog") && i + 1 < argc)
			name = argv[++i];
		else if (!strcmp(argv[i], "--asm"))
			return cli_fail("disasm: --asm is for raw bytecode, not ELF objects");
	}
	if (bpfvm_object_open(path, NULL, &obj))
		return cli_fail("%s", bpfvm_last_error());
	for (uint32_t i = 0; i < bpfvm_object_program_count(obj); i++) {
		const struct bpfvm_program *p = bpfvm_object_program(obj, i);

		if (name && strcmp(bpfvm_program_name(p), name))
			continue;
		disasm_program(obj, p);
		found = 1;
	}
	bpfvm_object_free(obj);
	if (name && !found)
		return cli_fail("%s: no program named '%s'", path, name);
	return CLI_OK;
}
