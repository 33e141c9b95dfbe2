/* bpfvm: the command-line front end; dispatches to one cmd_*.c per command. */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"

int cmd_asm(int argc, char **argv);
int cmd_disasm(int argc, char **argv);
int cmd_conformance_plugin(int argc, char **argv);
int cmd_show(int argc, char **argv);
int cmd_run(int argc, char **argv);
int cmd_verify(int argc, char **argv);

static const struct cli_command commands[] = {
	{ "asm", "asm FILE.s -o FILE.bin", cmd_asm },
	{ "disasm", "disasm FILE.bin [--asm|--jited] | disasm OBJ [--prog NAME] [--jited]", cmd_disasm },
	{ "conformance-plugin", "conformance-plugin [MEMHEX] [--engine interp|jit] [--timeout S]",
	  cmd_conformance_plugin },
	{ "show", "show OBJ [--json]", cmd_show },
	{ "verify", "verify OBJ [--prog NAME] [--type PROGTYPE] [--json] [--stats]", cmd_verify },
	{ "run", "run OBJ --prog NAME [--data FILE] [--ctx FILE] [--repeat N] "
		 "[--engine interp|jit] [--map NAME KEYHEX VALUEHEX]... [--type T] [--fib FILE] "
		 "[--sockets FILE] [--json]\n"
		 "      --fib FILE: devices, routes and neighbours for bpf_fib_lookup, a line each:\n"
		 "        iface IFINDEX [mtu N] [mac MAC] [addr IP]... [noforward]\n"
		 "        route [local|blackhole|unreachable|prohibit] PREFIX [via IP] [dev IFINDEX]\n"
		 "              [metric N] [mtu N] [table N] [src IP]\n"
		 "        neigh IP lladdr MAC dev IFINDEX\n"
		 "      (without it: only the loopback device, ifindex 1, and no routes)\n"
		 "      --sockets FILE: the sockets bpf_sk_lookup_tcp/udp find, a line each:\n"
		 "        tcp listen ADDR:PORT | tcp established ADDR:PORT ADDR:PORT |\n"
		 "        udp ADDR:PORT [ADDR:PORT], then [mark N] [priority N]; [IPV6]:PORT\n"
		 "      (without it: no sockets, every lookup returns NULL)",
	  cmd_run },
};

static void usage(FILE *f)
{
	fprintf(f, "usage: bpfvm COMMAND [ARGS]\n\ncommands:\n");
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(f, "  bpfvm %s\n", commands[i].usage);
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return CLI_USAGE;
	}
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help") || !strcmp(argv[1], "help")) {
		usage(stdout);
		return CLI_OK;
	}
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(argv[1], commands[i].name))
			return commands[i].run(argc - 1, argv + 1);
	fprintf(stderr, "bpfvm: unknown command '%s'\n", argv[1]);
	usage(stderr);
	return CLI_USAGE;
}
