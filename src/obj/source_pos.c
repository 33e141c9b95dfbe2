/* The short source position ("parse.c:42") that every diagnostic naming an
 * instruction prints, so the verifier's CLI and the loader say it alike. */
#include <stdio.h>
#include <string.h>

#include "bpfvm/object.h"

const char *bpfvm_program_source_pos(const struct bpfvm_program *prog, uint32_t insn_idx,
				     char *buf, size_t len)
{
	const struct bpfvm_line_info *li = bpfvm_program_line_info(prog, insn_idx);
	const char *base;

	if (!li || !li->file[0] || !len)
		return NULL;
	base = strrchr(li->file, '/');
	snprintf(buf, len, "%s:%u", base ? base + 1 : li->file, li->line);
	return buf;
}
