/* `bpfvm disasm FILE.bin [--asm]`: raw bytecode to text (--jited: the JIT's
 * machine code instead, see disasm_jited.c).
 *
 * The default listing has llvm-objdump's instruction-line layout (index, raw
 * bytes, LLVM text, tab separated) so that it can be compared with
 * `llvm-objdump -d` line by line. --asm prints the conformance suite's
 * dialect instead, one instruction a line, which `bpfvm asm` reads back. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bpfvm/isa.h"
#include "bpfvm/error.h"
#include "cli/cli.h"

static const uint8_t elf_magic[4] = { 0x7f, 'E', 'L', 'F' };

static void print_llvm_line(const struct bpfvm_insn *insns, uint32_t idx, int slots,
			    const char *text)
{
	const uint8_t *bytes = (const uint8_t *)&insns[idx];

	printf("%8u:\t", idx);
	for (int i = 0; i < slots * BPFVM_INSN_SIZE; i++)
		printf(i ? " %02x" : "%02x", bytes[i]);
	printf("\t%s\n", text);
}

int cmd_disasm(int argc, char **argv)
{
	const char *path = NULL;
	int as_asm = 0, jited = 0;
	uint8_t *data;
	size_t len;
	uint32_t cnt;

	const char *prog = NULL;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--asm"))
			as_asm = 1;
		else if (!strcmp(argv[i], "--jited"))
			jited = 1;
		else if (!strcmp(argv[i], "--prog") && i + 1 < argc)
			prog = argv[++i];
		else if (argv[i][0] == '-' && argv[i][1])
			return cli_fail("disasm: unknown option '%s' (usage: bpfvm disasm FILE.bin "
					"[--asm])", argv[i]);
		else if (path)
			return cli_fail("disasm: more than one input file");
		else
			path = argv[i];
	}
	if (!path)
		return cli_fail("usage: bpfvm disasm FILE.bin [--asm]");
	if (cli_read_file(path, &data, &len))
		return cli_fail("%s", bpfvm_last_error());
	if (jited) {
		int err = cli_disasm_jited(path, data, len, len >= sizeof(elf_magic) &&
					   !memcmp(data, elf_magic, sizeof(elf_magic)), prog);

		free(data);
		return err;
	}
	if (len >= sizeof(elf_magic) && !memcmp(data, elf_magic, sizeof(elf_magic))) {
		free(data);
		return cli_disasm_object(path, argc, argv);
	}
	if (prog) {
		free(data);
		return cli_fail("disasm: --prog needs an ELF object, %s is raw bytecode", path);
	}
	if (len == 0 || len % BPFVM_INSN_SIZE) {
		free(data);
		return cli_fail("%s: %zu bytes is %s, not a program of 8-byte instructions", path,
				len, len ? "not a multiple of 8" : "empty");
	}
	if (len / BPFVM_INSN_SIZE > BPFVM_MAX_INSNS) {
		free(data);
		return cli_fail("%s: %zu instructions exceed the limit of %u", path,
				len / BPFVM_INSN_SIZE, BPFVM_MAX_INSNS);
	}
	cnt = (uint32_t)(len / BPFVM_INSN_SIZE);

	const struct bpfvm_insn *insns = (const struct bpfvm_insn *)data;
	char text[160];

	for (uint32_t idx = 0; idx < cnt;) {
		int slots = as_asm ? bpfvm_asm_format_insn(insns, cnt, idx, text, sizeof(text))
				   : bpfvm_disasm_insn(insns, cnt, idx, text, sizeof(text));

		if (slots < 0) {
			free(data);
			return cli_fail("%s: %s", path, bpfvm_last_error());
		}
		if (as_asm)
			printf("%s\n", text);
		else
			print_llvm_line(insns, idx, slots, text);
		idx += (uint32_t)slots;
	}
	free(data);
	return CLI_OK;
}
