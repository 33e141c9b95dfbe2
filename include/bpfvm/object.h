/* The object model: what a clang-built eBPF ELF object holds, as every later
 * layer reads it.
 *
 * Opening an object parses the ELF file, its BTF and .BTF.ext, finds programs by
 * libbpf's SEC() conventions, appends the .text subprograms each program calls
 * (fixing bpf-to-bpf call offsets as libbpf does) and resolves map references.
 * The result is an immutable description; only the initial values of global
 * data (.data, .rodata, .bss, ...) and a program's type may be changed between
 * open and load, as libbpf skeletons do.
 *
 * Map references in the instructions are left symbolic, by index into the
 * object's map list, so that the verifier can read the definitions and the
 * runtime can rewrite them to real pointers once it has created the maps:
 *   lddw with src_reg BPF_PSEUDO_MAP_IDX (5): imm = map index;
 *   lddw with src_reg BPF_PSEUDO_MAP_IDX_VALUE (6): imm = map index, imm of the
 *   second slot = byte offset in the map's value (global data);
 *   lddw with src_reg BPF_PSEUDO_FUNC (4): imm = pc-relative instruction offset
 *   of a subprogram (callbacks), target = pc + imm + 1, as a bpf-to-bpf call.
 *
 * Numbers are Linux's: program types are enum bpf_prog_type, attach types enum
 * bpf_attach_type, map types enum bpf_map_type. */
#ifndef BPFVM_OBJECT_H
#define BPFVM_OBJECT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bpfvm/insn.h"

#ifdef __cplusplus
extern "C" {
#endif

struct bpfvm_object;
struct bpfvm_program;
struct bpfvm_btf;

struct bpfvm_object_open_opts {
	size_t sz; /* sizeof(struct bpfvm_object_open_opts) */
	/* Name used in messages; default: the path, or "<memory>" for buffers. */
	const char *name;
	/* Name libbpf would give the object (prefix of global-data map names);
	 * default: the file name up to its first '.', as libbpf. */
	const char *obj_name;
};

/* Opens an object. On failure returns a negative errno and a message of the form
 * "prog.o: section 7 (.BTF): string offset 4096 beyond string table of 312 bytes". */
int bpfvm_object_open(const char *path, const struct bpfvm_object_open_opts *opts,
		      struct bpfvm_object **out);
/* Same from memory; the buffer is copied and may be freed after the call. */
int bpfvm_object_open_mem(const void *data, size_t size, const struct bpfvm_object_open_opts *opts,
			  struct bpfvm_object **out);
void bpfvm_object_free(struct bpfvm_object *obj);

const char *bpfvm_object_name(const struct bpfvm_object *obj); /* as in messages */
const char *bpfvm_object_license(const struct bpfvm_object *obj); /* "" when absent */
uint32_t bpfvm_object_kern_version(const struct bpfvm_object *obj); /* "version" section, or 0 */
/* The object's BTF, or NULL when it has none. */
const struct bpfvm_btf *bpfvm_object_btf(const struct bpfvm_object *obj);

/* ---- programs ---- */

uint32_t bpfvm_object_program_count(const struct bpfvm_object *obj);
struct bpfvm_program *bpfvm_object_program(const struct bpfvm_object *obj, uint32_t idx);
struct bpfvm_program *bpfvm_object_find_program(const struct bpfvm_object *obj, const char *name);

const char *bpfvm_program_name(const struct bpfvm_program *prog);
const char *bpfvm_program_section(const struct bpfvm_program *prog);
/* The program type (enum bpf_prog_type) and expected attach type derived from
 * the section name exactly as libbpf 1.x does; BPF_PROG_TYPE_UNSPEC (0) when
 * libbpf 1.x knows no such section (old names: "socket1", "xdp_prog", "2/7"). */
uint32_t bpfvm_program_type(const struct bpfvm_program *prog);
uint32_t bpfvm_program_expected_attach_type(const struct bpfvm_program *prog);
/* For sections libbpf 1.x does not know: the type libbpf 0.x's prefix rules
 * gave them ("socket1" -> socket_filter, "xdp_prog" -> xdp), else 0. A loader
 * may adopt it with bpfvm_program_set_type() when the user gives no type. */
uint32_t bpfvm_program_legacy_type(const struct bpfvm_program *prog);
/* True when the program was found by bpfvm's rules for old objects, which
 * libbpf 1.x does not list: code sections without FUNC symbols (their global
 * symbols, or the whole section, are the programs) and objects with code only
 * in .text (their global functions are the programs). */
bool bpfvm_program_from_legacy_symbol(const struct bpfvm_program *prog);
/* Overrides the type (e.g. `--type`); the expected attach type becomes that of
 * the type's plain SEC() entry (BPF_XDP for xdp), else of its first, or 0. */
void bpfvm_program_set_type(struct bpfvm_program *prog, uint32_t prog_type);
/* True for SEC("...s") sleepable programs (fentry.s, lsm.s, syscall, ...). */
bool bpfvm_program_sleepable(const struct bpfvm_program *prog);
/* Name of the function/target after the section's prefix ("kprobe/do_sys_open"
 * -> "do_sys_open"), "" when none. */
const char *bpfvm_program_attach_target(const struct bpfvm_program *prog);

/* NULL for a usable program; otherwise why it cannot be loaded (a call of an
 * extern function or kfunc, an unsupported extern, a bad relocation), in the
 * usual "obj: prog: ..." form. Such a program has no instructions, and the
 * rest of the object is still usable, as for the kernel. */
const char *bpfvm_program_error(const struct bpfvm_program *prog);

/* The instructions: the program's own function first, then every subprogram it
 * calls (transitively), with calls and BPF_PSEUDO_FUNC loads fixed up. */
const struct bpfvm_insn *bpfvm_program_insns(const struct bpfvm_program *prog);
uint32_t bpfvm_program_insn_cnt(const struct bpfvm_program *prog);
/* Length of the program's own function (what libbpf reports before load). */
uint32_t bpfvm_program_func_insn_cnt(const struct bpfvm_program *prog);

/* Functions in the instruction array: index 0 is the program itself. */
struct bpfvm_func_info {
	uint32_t insn_idx;    /* first instruction */
	uint32_t insn_cnt;
	uint32_t btf_type_id; /* BTF FUNC type from .BTF.ext, 0 when unknown */
	const char *name;
};
uint32_t bpfvm_program_func_count(const struct bpfvm_program *prog);
const struct bpfvm_func_info *bpfvm_program_func(const struct bpfvm_program *prog, uint32_t idx);
/* The function containing instruction insn_idx, or NULL when out of range. */
const struct bpfvm_func_info *bpfvm_program_func_at(const struct bpfvm_program *prog,
						     uint32_t insn_idx);

/* Source positions from .BTF.ext line_info, ordered by instruction. */
struct bpfvm_line_info {
	uint32_t insn_idx;  /* first instruction of this source position */
	uint32_t line;
	uint32_t column;
	const char *file;   /* "" when unknown */
	const char *text;   /* the source line as compiled, "" when unknown */
};
uint32_t bpfvm_program_line_info_count(const struct bpfvm_program *prog);
const struct bpfvm_line_info *bpfvm_program_line_info_at(const struct bpfvm_program *prog,
							  uint32_t idx);
/* The position covering instruction insn_idx (the last record at or before it
 * within the same function), or NULL when the object has no line info for it. */
const struct bpfvm_line_info *bpfvm_program_line_info(const struct bpfvm_program *prog,
						       uint32_t insn_idx);
/* "file.c:42" (the file's base name) for the instruction, written into buf,
 * or NULL when line info does not cover it; what diagnostics print. */
const char *bpfvm_program_source_pos(const struct bpfvm_program *prog, uint32_t insn_idx,
				     char *buf, size_t len);

/* CO-RE relocation records (.BTF.ext), parsed but not applied here. */
struct bpfvm_core_relo {
	uint32_t insn_idx;
	uint32_t btf_type_id; /* root type in the object's BTF */
	uint32_t kind;        /* enum bpf_core_relo_kind */
	const char *access;   /* access string, e.g. "0:1:2" */
};
uint32_t bpfvm_program_core_relo_count(const struct bpfvm_program *prog);
const struct bpfvm_core_relo *bpfvm_program_core_relo(const struct bpfvm_program *prog,
						       uint32_t idx);

/* ---- maps ---- */

enum bpfvm_map_origin {
	BPFVM_MAP_BTF = 0,     /* SEC(".maps") */
	BPFVM_MAP_LEGACY,      /* SEC("maps"), struct bpf_map_def and its variants */
	BPFVM_MAP_GLOBAL_DATA, /* .data, .rodata, .bss, .data.*, .rodata.*, ... */
};

/* A static initial slot of a prog array or map-of-maps (__array(values, ...)). */
struct bpfvm_map_init_slot {
	uint32_t slot;
	bool is_prog;    /* program index in the object, else map index */
	uint32_t index;
};

struct bpfvm_map_def {
	const char *name;
	uint32_t type;           /* enum bpf_map_type */
	uint32_t key_size;
	uint32_t value_size;
	uint32_t max_entries;
	uint32_t map_flags;
	uint32_t pinning;        /* LIBBPF_PIN_* (or iproute2's PIN_* for legacy maps) */
	uint32_t numa_node;
	uint64_t map_extra;
	uint32_t btf_key_type_id;   /* 0 when unknown */
	uint32_t btf_value_type_id; /* 0 when unknown; a DATASEC for global data */
	int32_t spin_lock_off;   /* offset of struct bpf_spin_lock in the value, -1: none */
	int32_t timer_off;       /* offset of struct bpf_timer in the value, -1: none */
	enum bpfvm_map_origin origin;
	/* Map-of-maps: the template of the inner maps (NULL otherwise); for
	 * legacy definitions the map at inner_map_idx. */
	const struct bpfvm_map_def *inner;
	/* Legacy definitions name their inner map by index in the object. */
	int32_t inner_map_idx;   /* -1: none */
	const struct bpfvm_map_init_slot *init_slots;
	uint32_t init_slot_cnt;
	/* Global data: ELF section and initial value (value_size bytes; zeroes
	 * for .bss). Programs may not write a frozen map (.rodata*). */
	const char *section;
	const uint8_t *initial_value;
	bool frozen;
};

uint32_t bpfvm_object_map_count(const struct bpfvm_object *obj);
const struct bpfvm_map_def *bpfvm_object_map(const struct bpfvm_object *obj, uint32_t idx);
/* Index of the map named `name` (libbpf's name; global data also by section
 * name), or -ENOENT. */
int bpfvm_object_find_map(const struct bpfvm_object *obj, const char *name);

/* The initial value of a global-data section (".rodata", ".data.foo", ...),
 * writable until the maps are created; NULL when the object has no such map. */
void *bpfvm_object_global_data(struct bpfvm_object *obj, const char *section, size_t *size);

/* ---- names ---- */

/* libbpf's names ("xdp", "sched_cls", "hash", "lpm_trie", "cgroup_inet4_bind"),
 * NULL for unknown numbers. */
const char *bpfvm_prog_type_name(uint32_t prog_type);
const char *bpfvm_map_type_name(uint32_t map_type);
const char *bpfvm_attach_type_name(uint32_t attach_type);
/* The program type for a libbpf type name or a SEC() name ("xdp", "sched_cls",
 * "tc", "kprobe/foo"), or -ENOENT. */
int bpfvm_prog_type_by_name(const char *name);

/* ---- BTF ---- */

enum bpfvm_btf_kind {
	BPFVM_BTF_KIND_UNKN = 0,
	BPFVM_BTF_KIND_INT,
	BPFVM_BTF_KIND_PTR,
	BPFVM_BTF_KIND_ARRAY,
	BPFVM_BTF_KIND_STRUCT,
	BPFVM_BTF_KIND_UNION,
	BPFVM_BTF_KIND_ENUM,
	BPFVM_BTF_KIND_FWD,
	BPFVM_BTF_KIND_TYPEDEF,
	BPFVM_BTF_KIND_VOLATILE,
	BPFVM_BTF_KIND_CONST,
	BPFVM_BTF_KIND_RESTRICT,
	BPFVM_BTF_KIND_FUNC,
	BPFVM_BTF_KIND_FUNC_PROTO,
	BPFVM_BTF_KIND_VAR,
	BPFVM_BTF_KIND_DATASEC,
	BPFVM_BTF_KIND_FLOAT,
	BPFVM_BTF_KIND_DECL_TAG,
	BPFVM_BTF_KIND_TYPE_TAG,
	BPFVM_BTF_KIND_ENUM64,
};

/* Number of type ids (ids 1..count-1 are types; 0 is void). */
uint32_t bpfvm_btf_type_count(const struct bpfvm_btf *btf);
/* Kind, name ("" for anonymous), vlen and the resolved size in bytes (sizes of
 * typedefs, modifiers and arrays followed; 0 for void, functions, fwd). */
int bpfvm_btf_type_kind(const struct bpfvm_btf *btf, uint32_t id);
const char *bpfvm_btf_type_name(const struct bpfvm_btf *btf, uint32_t id);
uint32_t bpfvm_btf_type_vlen(const struct bpfvm_btf *btf, uint32_t id);
int64_t bpfvm_btf_type_size(const struct bpfvm_btf *btf, uint32_t id);
/* The type a PTR/TYPEDEF/modifier/VAR/FUNC/ARRAY element/... refers to. */
uint32_t bpfvm_btf_type_ref(const struct bpfvm_btf *btf, uint32_t id);
/* Member i of a STRUCT/UNION: name, type, offset in bits, bitfield size (0: none). */
int bpfvm_btf_member(const struct bpfvm_btf *btf, uint32_t id, uint32_t i, const char **name,
		     uint32_t *type, uint32_t *bit_off, uint32_t *bitfield_size);
/* First type id with that kind and name, or -ENOENT. */
int bpfvm_btf_find(const struct bpfvm_btf *btf, int kind, const char *name);
/* Offset in the BTF string table of a string the object handed out (a line
 * info's file or text, a type's name), or -1 when it is not from that table;
 * what the kernel's line_info records name strings by. */
int64_t bpfvm_btf_str_offset(const struct bpfvm_btf *btf, const char *s);

/* The object's .BTF as a kernel's BPF_BTF_LOAD takes it: the section's bytes
 * with the sizes of DATASECs and the offsets of their variables filled in
 * from the ELF file, as libbpf does before loading (type ids unchanged, so
 * func_info and map type ids stay valid). *data is malloc'd. -ENOENT when the
 * object has no BTF. */
int bpfvm_object_btf_raw(const struct bpfvm_object *obj, void **data, size_t *size);

#ifdef __cplusplus
}
#endif
#endif
