/* libbpf_describe OBJ: what libbpf itself says about an object, as JSON in the
 * shape of `bpfvm show --json` (programs: name, section, type, attach_type,
 * insns; maps: name, type, key_size, value_size, max_entries, flags), so that
 * the loader can be checked against the reference implementation. Opens
 * only (bpf_object__open_file), never loads. Exit 0, or 2 when libbpf refuses
 * the object (its reason on stderr). */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <bpf/libbpf.h>

static char last_warning[1024];

static int keep_warnings(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	if (level == LIBBPF_WARN)
		vsnprintf(last_warning, sizeof(last_warning), fmt, ap);
	return 0;
}

static void json_str(const char *s)
{
	putchar('"');
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			printf("\\%c", c);
		else if (c < 0x20 || c >= 0x7f)
			printf("\\u%04x", c);
		else
			putchar(c);
	}
	putchar('"');
}

static const char *or_unknown(const char *s)
{
	return s ? s : "unknown";
}

int main(int argc, char **argv)
{
	struct bpf_object *obj;
	struct bpf_program *prog;
	struct bpf_map *map;
	int first = 1;

	if (argc != 2) {
		fprintf(stderr, "usage: libbpf_describe OBJ\n");
		return 2;
	}
	libbpf_set_print(keep_warnings);
	obj = bpf_object__open_file(argv[1], NULL);
	if (libbpf_get_error(obj)) {
		fprintf(stderr, "libbpf refuses %s: %s", argv[1], last_warning);
		return 2;
	}
	printf("{\"programs\": [");
	bpf_object__for_each_program(prog, obj) {
		printf("%s\n  {\"name\": ", first ? "" : ",");
		json_str(bpf_program__name(prog));
		printf(", \"section\": ");
		json_str(bpf_program__section_name(prog));
		printf(", \"type\": \"%s\", \"attach_type\": \"%s\", \"insns\": %zu}",
		       or_unknown(libbpf_bpf_prog_type_str(bpf_program__type(prog))),
		       or_unknown(libbpf_bpf_attach_type_str(bpf_program__expected_attach_type(prog))),
		       bpf_program__insn_cnt(prog));
		first = 0;
	}
	printf("],\n \"maps\": [");
	first = 1;
	bpf_object__for_each_map(map, obj) {
		printf("%s\n  {\"name\": ", first ? "" : ",");
		json_str(bpf_map__name(map));
		printf(", \"type\": \"%s\", \"key_size\": %u, \"value_size\": %u, "
		       "\"max_entries\": %u, \"flags\": %u, \"numa_node\": %u}",
		       or_unknown(libbpf_bpf_map_type_str(bpf_map__type(map))), bpf_map__key_size(map),
		       bpf_map__value_size(map), bpf_map__max_entries(map), bpf_map__map_flags(map),
		       bpf_map__numa_node(map));
		first = 0;
	}
	printf("]}\n");
	bpf_object__close(obj);
	return 0;
}
