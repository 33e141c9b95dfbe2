/* `bpfvm asm FILE.s -o FILE.bin`: the conformance suite's assembly dialect to
 * raw little-endian bytecode, the input of `bpfvm disasm` and of the
 * conformance plugin (as hex). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bpfvm/error.h"
#include "bpfvm/isa.h"
#include "cli/cli.h"

#define USAGE "usage: bpfvm asm FILE.s -o FILE.bin"

int cmd_asm(int argc, char **argv)
{
	const char *in = NULL, *out = NULL;
	struct bpfvm_insn *insns;
	uint8_t *text;
	size_t len;
	uint32_t cnt;
	FILE *f;
	int err;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-o")) {
			if (i + 1 >= argc)
				return cli_fail("asm: -o needs a file name (" USAGE ")");
			out = argv[++i];
		} else if (argv[i][0] == '-' && argv[i][1]) {
			return cli_fail("asm: unknown option '%s' (" USAGE ")", argv[i]);
		} else if (in) {
			return cli_fail("asm: more than one input file (" USAGE ")");
		} else {
			in = argv[i];
		}
	}
	if (!in || !out)
		return cli_fail(USAGE);
	if (cli_read_file(in, &text, &len))
		return cli_fail("%s", bpfvm_last_error());
	if (memchr(text, '\0', len)) {
		free(text);
		return cli_fail("%s: not a text file (contains a NUL byte)", in);
	}
	uint8_t *terminated = realloc(text, len + 1);

	if (!terminated) {
		free(text);
		return cli_fail("out of memory");
	}
	terminated[len] = '\0';
	err = bpfvm_asm((const char *)terminated, &insns, &cnt);
	free(terminated);
	if (err)
		return cli_fail("%s: %s", in, bpfvm_last_error());
	if (cnt == 0)
		return cli_fail("%s: no instructions", in);
	f = strcmp(out, "-") ? fopen(out, "wb") : stdout;
	if (!f) {
		free(insns);
		return cli_fail("%s: cannot create: %s", out, strerror(errno));
	}
	size_t wrote = fwrite(insns, sizeof(*insns), cnt, f);

	free(insns);
	if ((f == stdout ? fflush(f) : fclose(f)) != 0 || wrote != cnt)
		return cli_fail("%s: write error", out);
	return CLI_OK;
}
