/* `bpfvm conformance-plugin`: the bpf_conformance plugin protocol, so that the
 * public ISA suite (and its runner, ../shared/tools/conformance.py) can drive
 * either engine. The program arrives as hex on stdin, the optional memory as a
 * hex argument; r0 goes to stdout in hex. Programs pass the structural check
 * only: this is an ISA test, not a safety one. */
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <unistd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bpfvm/bpfvm.h"
#include "cli/cli.h"
#include "helpers/conformance.h"

/* Unverified programs may loop forever; the plugin gives up after a while
 * instead of hanging its caller. */
static unsigned timeout_s = 10;

static void on_timeout(int sig)
{
	static const char msg[] = "bpfvm: the program did not finish in time (--timeout)\n";

	(void)sig;
	if (write(STDERR_FILENO, msg, sizeof(msg) - 1) < 0)
		_exit(CLI_USAGE);
	_exit(CLI_USAGE);
}

static int parse_args(int argc, char **argv, const char **mem_hex, int *engine)
{
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--timeout")) {
			char *end;
			unsigned long v;

			if (i + 1 >= argc)
				return cli_fail("--timeout needs a number of seconds");
			v = strtoul(argv[++i], &end, 10);
			if (*end || end == argv[i] || v == 0 || v > 86400)
				return cli_fail("--timeout: '%s' is not a number of seconds from 1 to "
						"86400", argv[i]);
			timeout_s = (unsigned)v;
		} else if (!strcmp(argv[i], "--engine")) {
			if (i + 1 >= argc)
				return cli_fail("--engine needs a value (interp or jit)");
			if (cli_parse_engine(argv[++i], engine))
				return cli_fail("%s", bpfvm_last_error());
		} else if (!strncmp(argv[i], "--", 2)) {
			return cli_fail("conformance-plugin: unknown option '%s'", argv[i]);
		} else if (*mem_hex) {
			return cli_fail("conformance-plugin: more than one memory argument");
		} else {
			*mem_hex = argv[i];
		}
	}
	return 0;
}

static int read_program(struct bpfvm_insn **insns, uint32_t *cnt)
{
	uint8_t *text, *code;
	size_t text_len, code_len;
	int err;

	if (cli_read_file("-", &text, &text_len))
		return cli_fail("stdin: %s", bpfvm_last_error());
	text = realloc(text, text_len + 1);
	if (!text)
		return cli_fail("out of memory");
	text[text_len] = '\0';
	err = cli_parse_hex((const char *)text, &code, &code_len);
	free(text);
	if (err)
		return cli_fail("program: %s", bpfvm_last_error());
	if (code_len % BPFVM_INSN_SIZE) {
		free(code);
		return cli_fail("program: %zu bytes is not a whole number of 8-byte instructions",
				code_len);
	}
	if (code_len / BPFVM_INSN_SIZE > BPFVM_MAX_INSNS) {
		free(code);
		return cli_fail("program: %zu instructions exceeds the limit of %u",
				code_len / BPFVM_INSN_SIZE, BPFVM_MAX_INSNS);
	}
	*insns = (struct bpfvm_insn *)code;
	*cnt = (uint32_t)(code_len / BPFVM_INSN_SIZE);
	return 0;
}

int cmd_conformance_plugin(int argc, char **argv)
{
	const char *mem_hex = NULL;
	int engine = BPFVM_ENGINE_DEFAULT, err;
	struct bpfvm_exec_opts opts = { .sz = sizeof(opts) };
	struct bpfvm_insn *insns = NULL;
	struct bpfvm_exec *exec;
	struct bpfvm_run run = { 0 };
	uint8_t *mem = NULL;
	size_t mem_len = 0;
	uint32_t cnt = 0;
	uint64_t r0;

	if ((err = parse_args(argc, argv, &mem_hex, &engine)))
		return err;
	if (mem_hex && cli_parse_hex(mem_hex, &mem, &mem_len))
		return cli_fail("memory: %s", bpfvm_last_error());
	if ((err = read_program(&insns, &cnt))) {
		free(mem);
		return err;
	}
	opts.engine = engine;
	opts.resolve_helper = bpfvm_conformance_resolve;
	err = bpfvm_exec_create(insns, cnt, &opts, &exec);
	free(insns);
	if (err) {
		free(mem);
		return cli_fail("%s", bpfvm_last_error());
	}
	{
		const uint64_t args[5] = { (uint64_t)(uintptr_t)mem, mem_len };

		signal(SIGALRM, on_timeout);
		alarm(timeout_s);
		r0 = bpfvm_exec_run_args(exec, args, &run);
		alarm(0);
	}
	bpfvm_exec_free(exec);
	free(mem);
	if (run.error)
		return cli_fail("program aborted: %s", strerror(-run.error));
	printf("%" PRIx64 "\n", r0);
	return CLI_OK;
}
