/* `bpfvm disasm --jited`: the x86-64 code the JIT generates for a program, for
 * debugging the JIT and for seeing what a program costs. The bytes are
 * disassembled by binutils' objdump when it is installed (at the address the
 * code runs at, so call targets are real), else printed as hex. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bpfvm/bpfvm.h"
#include "cli/cli.h"
#include "exec/jit.h"

static void hex_dump(const uint8_t *code, size_t len)
{
	for (size_t i = 0; i < len; i += 16) {
		printf("%6zx:", i);
		for (size_t j = i; j < len && j < i + 16; j++)
			printf(" %02x", code[j]);
		putchar('\n');
	}
}

/* objdump's listing without its file header; false when it cannot run. */
static bool objdump(const uint8_t *code, size_t len)
{
	char path[] = "/tmp/bpfvm-jited-XXXXXX", cmd[256], line[512];
	bool body = false, any = false;
	FILE *f, *p;
	int fd = mkstemp(path);

	if (fd < 0)
		return false;
	f = fdopen(fd, "wb");
	if (!f || fwrite(code, 1, len, f) != len) {
		if (f)
			fclose(f);
		unlink(path);
		return false;
	}
	fclose(f);
	snprintf(cmd, sizeof(cmd), "objdump -b binary -m i386:x86-64 -D --adjust-vma=0x%" PRIxPTR
		 " %s 2>/dev/null", (uintptr_t)code, path);
	p = popen(cmd, "r");
	while (p && fgets(line, sizeof(line), p)) {
		if (body) {
			fputs(line, stdout);
			any = true;
		} else if (strstr(line, "<.data>:")) {
			body = true;
		}
	}
	if (p)
		pclose(p);
	unlink(path);
	return any;
}

static void show(const char *name, const struct bpfvm_exec *exec)
{
	const uint8_t *code;
	size_t len;

	if (bpfvm_jit_image(exec, &code, &len)) {
		printf("%s: %s\n", name, bpfvm_last_error());
		return;
	}
	printf("%s: %zu bytes of x86-64 at %p\n", name, len, (const void *)code);
	if (!objdump(code, len))
		hex_dump(code, len);
}

static int jited_raw(const char *path, const uint8_t *data, size_t len)
{
	struct bpfvm_exec_opts opts = { .sz = sizeof(opts), .engine = BPFVM_ENGINE_JIT,
					.resolve_helper = bpfvm_helper_resolve };
	struct bpfvm_exec *exec;

	if (len == 0 || len % BPFVM_INSN_SIZE)
		return cli_fail("%s: %zu bytes is not a program of 8-byte instructions", path, len);
	if (bpfvm_exec_create((const struct bpfvm_insn *)data, (uint32_t)(len / BPFVM_INSN_SIZE),
			      &opts, &exec))
		return cli_fail("%s: %s", path, bpfvm_last_error());
	show(path, exec);
	bpfvm_exec_free(exec);
	return CLI_OK;
}

static int jited_object(const char *path, const char *name)
{
	struct bpfvm_instance_opts opts = { .sz = sizeof(opts), .engine = BPFVM_ENGINE_JIT,
					    .skip_unrunnable = true };
	struct bpfvm_object *obj;
	struct bpfvm_instance *inst;
	int found = 0;

	if (bpfvm_object_open(path, NULL, &obj))
		return cli_fail("%s", bpfvm_last_error());
	if (bpfvm_object_load(obj, &opts, &inst)) {
		bpfvm_object_free(obj);
		return cli_fail("%s", bpfvm_last_error());
	}
	for (uint32_t i = 0; i < bpfvm_object_program_count(obj); i++) {
		const char *pname = bpfvm_program_name(bpfvm_object_program(obj, i));
		struct bpfvm_prog *prog = bpfvm_instance_prog(inst, pname);

		if ((name && strcmp(pname, name)) || !prog)
			continue;
		show(pname, bpfvm_prog_exec(prog));
		found = 1;
	}
	bpfvm_instance_free(inst);
	bpfvm_object_free(obj);
	if (name && !found)
		return cli_fail("%s: no loaded program named '%s'", path, name);
	return CLI_OK;
}

int cli_disasm_jited(const char *path, const uint8_t *data, size_t len, bool is_elf,
		     const char *prog)
{
	if (is_elf)
		return jited_object(path, prog);
	if (prog)
		return cli_fail("disasm: --prog needs an ELF object, %s is raw bytecode", path);
	return jited_raw(path, data, len);
}
