/* The object model's private side: what bpfvm_object and bpfvm_program hold,
 * and the steps of opening shared by object.c (ELF, programs), maps.c (map
 * definitions, global data) and link.c (relocations, subprograms, line info). */
#ifndef BPFVM_OBJ_OBJ_H
#define BPFVM_OBJ_OBJ_H

#include <stdbool.h>
#include <stdint.h>

#include "bpfvm/object.h"
#include "obj/btf.h"
#include "obj/elf.h"

/* A function in a code section: a program or a subprogram. */
struct obj_func {
	uint32_t sec;       /* ELF section index */
	uint32_t off;       /* first instruction, in the section */
	uint32_t cnt;
	const char *name;
	bool global;
	bool legacy;        /* not a FUNC symbol, or a .text-only program */
	int32_t prog;       /* index in the program list, -1 for subprograms */
};

/* Source records of one code section, sorted by instruction. */
struct obj_code_sec {
	uint32_t sec;
	uint32_t insn_cnt;
	int32_t *rel_sym;   /* per instruction: relocated symbol or -1 */
	int64_t *rel_addend; /* per instruction: RELA addend (0 for REL) */
	struct bpfvm_line_info *lines;
	uint32_t line_cnt;
	struct bpfvm_func_info *finfo; /* insn_idx = section insn, btf_type_id */
	uint32_t finfo_cnt;
	struct bpfvm_core_relo *core;
	uint32_t core_cnt;
};

struct bpfvm_program {
	struct bpfvm_object *obj;
	const char *name;
	const char *section;
	uint32_t func;          /* index in obj->funcs */
	uint32_t prog_type, attach_type;
	uint32_t legacy_type;   /* libbpf 0.x's guess when prog_type is 0 */
	bool legacy_symbol, sleepable;
	const char *target;
	char *error;            /* why it could not be linked, or NULL */
	struct bpfvm_insn *insns;
	uint32_t insn_cnt;
	struct bpfvm_func_info *funcs;
	uint32_t func_cnt;
	struct bpfvm_line_info *lines;
	uint32_t line_cnt;
	struct bpfvm_core_relo *core;
	uint32_t core_cnt;
};

struct obj_map {
	struct bpfvm_map_def def;
	uint32_t sec;           /* ELF section the definition (or data) lives in */
	uint64_t off, size;     /* of the definition inside it */
	uint32_t values_off;    /* byte offset of __array(values) in the definition, or 0 */
	/* iproute2's struct bpf_elf_map names maps by an id of its own: a
	 * map-of-maps' template is the map whose id is its inner_id */
	bool elf_map_ids;
	uint32_t elf_id, elf_inner_id;
	char *name_buf;
	uint8_t *value;
	struct bpfvm_map_init_slot *slots;
	struct bpfvm_map_def *inner;
};

struct bpfvm_object {
	char *name;
	char *obj_name;
	uint8_t *buf;
	size_t len;
	struct elf_file elf;
	struct bpfvm_btf *btf;
	struct btf_ext ext;
	char license[128];
	uint32_t kern_version;
	uint32_t text_sec;
	struct obj_func *funcs;
	uint32_t func_cnt;
	struct obj_code_sec *code;
	uint32_t code_cnt;
	struct bpfvm_program *progs;
	uint32_t prog_cnt;
	struct obj_map *maps;
	uint32_t map_cnt;
	uint32_t btf_maps_sec;
	/* Symbols grouped by section (indexes into elf.syms), so that per-section
	 * lookups stay linear in the file size even for hostile files. */
	uint32_t *sec_syms;
	uint32_t *sec_sym_start; /* sec_cnt + 1 entries */
	/* Legacy and BTF map definitions ordered by (section, offset). */
	uint32_t *map_order;
	uint32_t map_order_cnt;
};

/* Reports "NAME: message". */
int obj_errorf(const struct bpfvm_object *obj, int err, const char *fmt, ...)
#if defined(__GNUC__) || defined(__clang__)
	__attribute__((format(printf, 3, 4)))
#endif
	;

/* maps.c: legacy maps, BTF maps, global data, in libbpf's order. */
int obj_collect_maps(struct bpfvm_object *obj);
/* maps.c: static slots of prog arrays / maps-of-maps, once programs exist. */
int obj_collect_map_inits(struct bpfvm_object *obj);
/* SEC("maps") or SEC("maps/NAME"): legacy map definitions. */
bool obj_is_legacy_maps_sec(const struct bpfvm_object *obj, uint32_t sec);
/* The map defined at `off` of section `sec` (legacy or BTF maps), or -1. */
int obj_map_at(const struct bpfvm_object *obj, uint32_t sec, uint64_t off);
/* The global-data map of section `sec`, or -1. */
int obj_data_map(const struct bpfvm_object *obj, uint32_t sec);

/* object.c: the function starting at instruction `insn` of section `sec`, or -1. */
int obj_func_at(const struct bpfvm_object *obj, uint32_t sec, uint32_t insn);
/* maps.c: the legacy or BTF map whose definition contains byte `off` of
 * section `sec`, or -1. */
int obj_map_containing(const struct bpfvm_object *obj, uint32_t sec, uint64_t off);

/* link.c: relocation tables and source records of the code sections. */
int obj_index_code(struct bpfvm_object *obj);
/* link.c: builds each program's instructions, functions and source records. */
int obj_link_programs(struct bpfvm_object *obj);
struct obj_code_sec *obj_code_sec(const struct bpfvm_object *obj, uint32_t sec);

#endif
