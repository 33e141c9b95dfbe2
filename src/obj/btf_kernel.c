/* The object's BTF in the form a kernel's BPF_BTF_LOAD takes. clang leaves
 * the layout of global-data and .maps sections to the loader: a DATASEC has
 * size 0 and its variables offset 0 until the section sizes and symbol
 * values of the ELF file are written in, which every loader must do before
 * the kernel sees the BTF (the kernel refuses a DATASEC of size 0). Tools
 * that load an object's programs into a kernel need this, and only the
 * object layer has the ELF file to do it. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "obj/obj.h"
#include "util/error.h"

static void wr32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

/* The value of the symbol `name` defined in section `sec`, or -1. */
static int64_t sym_value(const struct bpfvm_object *obj, uint32_t sec, const char *name)
{
	const struct elf_file *e = &obj->elf;

	for (uint32_t k = obj->sec_sym_start[sec]; k < obj->sec_sym_start[sec + 1]; k++) {
		const struct elf_sym *s = &e->syms[obj->sec_syms[k]];

		if (s->value <= UINT32_MAX && !strcmp(s->name, name))
			return (int64_t)s->value;
	}
	return -1;
}

/* Writes the size of a DATASEC and the offsets of its variables into `copy`
 * (the section's bytes, at the same offsets as `base`). */
static void fix_datasec(const struct bpfvm_object *obj, const struct btf_type *t,
			const uint8_t *base, uint8_t *copy)
{
	uint32_t sec = elf_find_sec(&obj->elf, t->name);
	uint8_t *hdr = copy + (t->extra - 12 - base);

	if (!sec || obj->elf.secs[sec].size > UINT32_MAX)
		return; /* .kconfig, .ksyms: externs, no ELF section to size them by */
	wr32(hdr + 8, (uint32_t)obj->elf.secs[sec].size);
	for (uint32_t i = 0; i < t->vlen; i++) {
		uint8_t *vsi = hdr + 12 + 12 * (size_t)i;
		uint32_t var = rd32(vsi);
		int64_t off;

		if (!var || var >= obj->btf->nr_types)
			continue;
		off = sym_value(obj, sec, obj->btf->types[var].name);
		if (off >= 0)
			wr32(vsi + 4, (uint32_t)off);
	}
}

int bpfvm_object_btf_raw(const struct bpfvm_object *obj, void **data, size_t *size)
{
	const uint16_t probe = 1;
	uint32_t idx = elf_find_sec(&obj->elf, ".BTF");
	const uint8_t *base;
	uint8_t *copy;

	*data = NULL;
	*size = 0;
	if (!obj->btf || !idx)
		return bpfvm_errorf(-ENOENT, "%s: no BTF", obj->name);
	if (*(const uint8_t *)&probe != 1)
		return bpfvm_errorf(-EOPNOTSUPP, "%s: BTF of a little-endian object on a "
				    "big-endian host", obj->name);
	base = obj->elf.secs[idx].data;
	copy = malloc(obj->elf.secs[idx].size);
	if (!copy)
		return bpfvm_errorf(-ENOMEM, "out of memory");
	memcpy(copy, base, obj->elf.secs[idx].size);
	for (uint32_t id = 1; id < obj->btf->nr_types; id++)
		if (obj->btf->types[id].kind == BPFVM_BTF_KIND_DATASEC)
			fix_datasec(obj, &obj->btf->types[id], base, copy);
	*data = copy;
	*size = obj->elf.secs[idx].size;
	return 0;
}

int64_t bpfvm_btf_str_offset(const struct bpfvm_btf *btf, const char *s)
{
	uintptr_t p = (uintptr_t)s, start = (uintptr_t)btf->strs;

	if (!s || p < start || p - start >= btf->str_len)
		return -1;
	return (int64_t)(p - start);
}
