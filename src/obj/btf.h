/* BTF and BTF.ext as the loader keeps them: the raw sections validated once
 * (bounds, string offsets, type references, loops) and indexed, so that later
 * lookups never need to check again. */
#ifndef BPFVM_OBJ_BTF_H
#define BPFVM_OBJ_BTF_H

#include <stdint.h>

#include "bpfvm/object.h"
#include "obj/elf.h"

#define BTF_MAX_CHAIN 64

struct btf_type {
	uint32_t kind, vlen;
	uint32_t kflag;
	uint32_t size_type;     /* size or referenced type, by kind */
	const char *name;
	const uint8_t *extra;   /* kind-specific records following the header */
	int64_t size;           /* resolved size in bytes */
};

struct bpfvm_btf {
	const char *strs;
	uint32_t str_len;
	uint32_t nr_types;      /* including void (id 0) */
	struct btf_type *types;
};

/* Parses section `idx` of e as BTF; *out is malloc'd (btf_free). */
int btf_parse(const struct elf_file *e, uint32_t idx, struct bpfvm_btf **out);
void btf_free(struct bpfvm_btf *btf);

/* A string of the table or NULL when the offset is bad. */
const char *btf_str(const struct bpfvm_btf *btf, uint32_t off);
/* Skips typedefs, modifiers and type tags. Returns 0 (void) on a bad chain. */
uint32_t btf_skip_mods(const struct bpfvm_btf *btf, uint32_t id);

/* One record group of .BTF.ext: the records for one ELF section. */
struct btf_ext_group {
	const char *sec_name;
	uint32_t cnt;
	uint32_t rec_size;
	const uint8_t *recs;
};

struct btf_ext {
	struct btf_ext_group *func, *line, *core;
	uint32_t func_cnt, line_cnt, core_cnt;
};

/* Parses .BTF.ext section `idx` against btf (all strings and type ids checked). */
int btf_ext_parse(const struct elf_file *e, uint32_t idx, const struct bpfvm_btf *btf,
		  struct btf_ext *out);
void btf_ext_free(struct btf_ext *ext);

/* The offset of a member of type struct `type_name` (searched in nested
 * structs and arrays too) in type `id`; -1 when none. */
int32_t btf_find_struct_off(const struct bpfvm_btf *btf, uint32_t id, const char *type_name);

#endif
