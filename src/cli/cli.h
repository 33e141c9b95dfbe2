/* The bpfvm command line: one file per command (cmd_*.c), each a function in
 * the table of main.c. Exit codes follow the CLI contract of DESIGN.md:
 * 0 success, 1 a program was rejected (verify), 2 bad input or usage. */
#ifndef BPFVM_CLI_H
#define BPFVM_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdint.h>

#define CLI_OK 0
#define CLI_REJECTED 1
#define CLI_USAGE 2

struct cli_command {
	const char *name;
	const char *usage;
	int (*run)(int argc, char **argv); /* argv[0] is the command name */
};

/* Prints "bpfvm: <message>" to stderr and returns CLI_USAGE. */
int cli_fail(const char *fmt, ...)
#if defined(__GNUC__) || defined(__clang__)
	__attribute__((format(printf, 1, 2)))
#endif
	;

/* Reads a whole file (or "-" for stdin) into a malloc'd buffer. */
int cli_read_file(const char *path, uint8_t **data, size_t *len);

/* Parses hex bytes ("aa bb", "aabb", "aa  bb  ", "0x"-less) into a malloc'd buffer.
 * Returns 0 or -EINVAL with bpfvm_last_error() naming the bad character. */
int cli_parse_hex(const char *text, uint8_t **out, size_t *len);

/* `bpfvm disasm OBJ [--prog NAME]` for ELF objects (disasm_obj.c): argv as
 * cmd_disasm received it. */
int cli_disasm_object(const char *path, int argc, char **argv);
/* `disasm --jited` (disasm_jited.c): the JIT's machine code for raw bytecode
 * or for the programs of an object. */
int cli_disasm_jited(const char *path, const uint8_t *data, size_t len, bool is_elf,
		     const char *prog);

/* Writes s as a JSON string; bytes outside printable ASCII are escaped, so
 * the output is valid JSON whatever the object's names hold. */
void cli_json_string(FILE *f, const char *s);

/* Parses "interp" or "jit" (returns 0), else -EINVAL. */
int cli_parse_engine(const char *name, int *engine);

#endif
