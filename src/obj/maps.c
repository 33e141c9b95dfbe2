/* Map definitions, in libbpf's order: legacy SEC("maps") definitions first, then
 * BTF-defined SEC(".maps"), then one single-entry array per global-data section.
 * Also the static slots of prog arrays and maps-of-maps (__array(values, ...)). */
#include "obj/obj.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "obj/ids.h"
#include "util/error.h"

#define OBJ_NAME_LEN 16 /* the kernel's BPF_OBJ_NAME_LEN */

static struct obj_map *new_map(struct bpfvm_object *obj)
{
	struct obj_map *nm = realloc(obj->maps, (obj->map_cnt + 1) * sizeof(*nm));

	if (!nm)
		return NULL;
	obj->maps = nm;
	nm = &obj->maps[obj->map_cnt++];
	memset(nm, 0, sizeof(*nm));
	nm->def.spin_lock_off = -1;
	nm->def.timer_off = -1;
	nm->def.inner_map_idx = -1;
	return nm;
}

static int cmp_sym_off(const void *a, const void *b)
{
	const struct elf_sym *x = *(const struct elf_sym *const *)a;
	const struct elf_sym *y = *(const struct elf_sym *const *)b;

	return x->value < y->value ? -1 : x->value > y->value;
}

/* struct bpf_map_def and its old variants: the first five words are common.
 * samples/bpf added inner_map_idx and numa_node (28 bytes); iproute2's struct
 * bpf_elf_map has id and pinning there (28 bytes), then inner_id and
 * inner_idx (36 bytes). A 28-byte definition is read as samples/bpf's when
 * its flags ask for a NUMA node (BPF_F_NUMA_NODE), else as iproute2's.
 * iproute2's inner_id names the template by the id of another definition;
 * its inner_idx is the slot an inner map takes in its outer map, not an
 * index of the object's maps. */
static int legacy_maps(struct bpfvm_object *obj, uint32_t sec)
{
	const struct elf_file *e = &obj->elf;
	const struct elf_sec *s = &e->secs[sec];
	const struct elf_sym **syms;
	uint32_t n = 0;
	int err = 0;

	syms = calloc(e->sym_cnt ? e->sym_cnt : 1, sizeof(*syms));
	if (!syms)
		return obj_errorf(obj, -ENOMEM, "out of memory");
	for (uint32_t i = 0; i < e->sym_cnt; i++)
		if (e->syms[i].shndx == sec && e->syms[i].type != ELF_STT_SECTION &&
		    e->syms[i].name[0] && !(e->syms[i].bind == ELF_STB_LOCAL &&
					     e->syms[i].type == ELF_STT_NOTYPE &&
					     e->syms[i].name[0] == '.'))
			syms[n++] = &e->syms[i];
	if (n == 0 && s->size) {
		free(syms);
		return elf_sec_errorf(e, sec, -EINVAL, "legacy maps section without map symbols");
	}
	qsort(syms, n, sizeof(*syms), cmp_sym_off);
	for (uint32_t i = 0; i < n; i++) {
		uint64_t off = syms[i]->value;
		uint64_t end = i + 1 < n ? syms[i + 1]->value : s->size;
		const uint8_t *d;
		struct obj_map *m;
		uint64_t size;

		if (off > s->size || end > s->size || end <= off) {
			err = elf_sec_errorf(e, sec, -EINVAL, "map %s at offset %llu: bad extent",
					     syms[i]->name, (unsigned long long)off);
			break;
		}
		size = end - off;
		if (size < 20 || !s->data) {
			err = elf_sec_errorf(e, sec, -EINVAL,
					     "map %s: definition of %llu bytes, struct bpf_map_def needs 20",
					     syms[i]->name, (unsigned long long)size);
			break;
		}
		m = new_map(obj);
		if (!m) {
			err = obj_errorf(obj, -ENOMEM, "out of memory");
			break;
		}
		d = s->data + off;
		m->sec = sec;
		m->off = off;
		m->size = size;
		m->def.name = syms[i]->name;
		m->def.origin = BPFVM_MAP_LEGACY;
		m->def.type = rd32(d);
		m->def.key_size = rd32(d + 4);
		m->def.value_size = rd32(d + 8);
		m->def.max_entries = rd32(d + 12);
		m->def.map_flags = rd32(d + 16);
		if (size >= 36) {
			m->def.pinning = rd32(d + 24);
			m->elf_map_ids = true;
			m->elf_id = rd32(d + 20);
			m->elf_inner_id = rd32(d + 28);
		} else if (size >= 28) {
			if (m->def.type == MT_ARRAY_OF_MAPS || m->def.type == MT_HASH_OF_MAPS)
				m->def.inner_map_idx = (int32_t)rd32(d + 20);
			if (m->def.map_flags & BPF_F_NUMA_NODE)
				m->def.numa_node = rd32(d + 24);
			else
				m->def.pinning = rd32(d + 24);
		}
		/* Old loaders gave maps-of-maps their fd-sized value themselves. */
		if ((m->def.type == MT_ARRAY_OF_MAPS || m->def.type == MT_HASH_OF_MAPS) &&
		    m->def.value_size == 0)
			m->def.value_size = 4;
	}
	free(syms);
	return err;
}

/* __uint(name, v) is `int (*name)[v]`: a pointer to an array of v elements. */
static int map_int(const struct bpfvm_btf *btf, uint32_t type, uint32_t *val)
{
	const struct btf_type *t = &btf->types[btf_skip_mods(btf, type)];

	if (t->kind != BPFVM_BTF_KIND_PTR)
		return -EINVAL;
	t = &btf->types[btf_skip_mods(btf, t->size_type)];
	if (t->kind != BPFVM_BTF_KIND_ARRAY)
		return -EINVAL;
	*val = rd32(t->extra + 8);
	return 0;
}

struct btf_map_ctx {
	struct bpfvm_object *obj;
	const char *map_name;
};

static int btf_map_err(const struct btf_map_ctx *c, const char *what, const char *field)
{
	return obj_errorf(c->obj, -EINVAL, "map %s: %s%s%s", c->map_name, what, field ? " " : "",
			  field ? field : "");
}

/* Parses a BTF map definition struct (libbpf's parse_btf_map_def). */
static int parse_btf_map_def(const struct btf_map_ctx *c, uint32_t struct_id,
			     struct bpfvm_map_def *def, bool inner, uint32_t *values_off,
			     struct bpfvm_map_def **inner_out)
{
	const struct bpfvm_btf *btf = c->obj->btf;
	const struct btf_type *t = &btf->types[struct_id];
	bool have_key_size = false, have_value_size = false;
	uint32_t key_type = 0, value_type = 0;

	if (t->kind != BPFVM_BTF_KIND_STRUCT)
		return btf_map_err(c, "definition is not a struct", NULL);
	for (uint32_t i = 0; i < t->vlen; i++) {
		const uint8_t *mem = t->extra + 12ull * i;
		const char *name = btf_str(btf, rd32(mem));
		uint32_t mtype = rd32(mem + 4), bit_off = rd32(mem + 8), v;

		if (t->kflag)
			bit_off &= 0xffffff;
		if (!name || !name[0])
			return btf_map_err(c, "unnamed field in definition", NULL);
		if (!strcmp(name, "key") || !strcmp(name, "value")) {
			const struct btf_type *pt = &btf->types[btf_skip_mods(btf, mtype)];
			int64_t sz;

			if (pt->kind != BPFVM_BTF_KIND_PTR)
				return btf_map_err(c, "field is not a pointer:", name);
			/* Zero-sized keys/values are the map layer's to refuse. */
			sz = btf->types[pt->size_type].size;
			if (sz < 0)
				return btf_map_err(c, "type of unknown size for", name);
			if (name[0] == 'k') {
				if (have_key_size && def->key_size != (uint64_t)sz)
					return btf_map_err(c, "key size conflicts with key_size", NULL);
				def->key_size = (uint32_t)sz;
				key_type = pt->size_type;
			} else {
				if (have_value_size && def->value_size != (uint64_t)sz)
					return btf_map_err(c, "value size conflicts with value_size", NULL);
				def->value_size = (uint32_t)sz;
				value_type = pt->size_type;
			}
			continue;
		}
		if (!strcmp(name, "values")) {
			const struct btf_type *at = &btf->types[btf_skip_mods(btf, mtype)];
			const struct btf_type *pt;
			uint32_t target;

			if (inner)
				return btf_map_err(c, "multi-level inner maps are not supported", NULL);
			if (i != t->vlen - 1)
				return btf_map_err(c, "'values' must be the last field", NULL);
			if (at->kind != BPFVM_BTF_KIND_ARRAY)
				return btf_map_err(c, "'values' is not an array", NULL);
			pt = &btf->types[btf_skip_mods(btf, rd32(at->extra))];
			if (pt->kind != BPFVM_BTF_KIND_PTR)
				return btf_map_err(c, "'values' elements are not pointers", NULL);
			target = btf_skip_mods(btf, pt->size_type);
			*values_off = bit_off / 8;
			if (def->type == MT_ARRAY_OF_MAPS || def->type == MT_HASH_OF_MAPS) {
				struct bpfvm_map_def *in;
				uint32_t unused = 0;
				int err;

				in = calloc(1, sizeof(*in));
				if (!in)
					return obj_errorf(c->obj, -ENOMEM, "out of memory");
				in->spin_lock_off = -1;
				in->timer_off = -1;
				in->inner_map_idx = -1;
				in->name = c->map_name;
				err = parse_btf_map_def(c, target, in, true, &unused, NULL);
				if (err) {
					free(in);
					return err;
				}
				free(*inner_out);
				*inner_out = in;
			} else if (def->type == MT_PROG_ARRAY) {
				if (btf->types[target].kind != BPFVM_BTF_KIND_FUNC_PROTO)
					return btf_map_err(c, "prog array 'values' must be functions", NULL);
			} else {
				return btf_map_err(c, "'values' only for prog arrays and maps-of-maps", NULL);
			}
			if (have_value_size && def->value_size != 4)
				return btf_map_err(c, "value_size must be 4 with 'values'", NULL);
			def->value_size = 4;
			have_value_size = true;
			continue;
		}
		if (map_int(btf, mtype, &v))
			return btf_map_err(c, "field is not __uint():", name);
		if (!strcmp(name, "type")) {
			def->type = v;
		} else if (!strcmp(name, "max_entries")) {
			def->max_entries = v;
		} else if (!strcmp(name, "map_flags")) {
			def->map_flags = v;
		} else if (!strcmp(name, "numa_node")) {
			def->numa_node = v;
		} else if (!strcmp(name, "key_size")) {
			if (key_type && def->key_size != v)
				return btf_map_err(c, "key_size conflicts with key type", NULL);
			def->key_size = v;
			have_key_size = true;
		} else if (!strcmp(name, "value_size")) {
			if (value_type && def->value_size != v)
				return btf_map_err(c, "value_size conflicts with value type", NULL);
			def->value_size = v;
			have_value_size = true;
		} else if (!strcmp(name, "pinning")) {
			if (inner)
				return btf_map_err(c, "inner map definitions cannot be pinned", NULL);
			def->pinning = v;
		} else if (!strcmp(name, "map_extra")) {
			def->map_extra = v;
		} else {
			return btf_map_err(c, "unknown field", name);
		}
	}
	if (def->type == 0)
		return btf_map_err(c, "map type is not set", NULL);
	def->btf_key_type_id = key_type;
	def->btf_value_type_id = value_type;
	if (value_type) {
		def->spin_lock_off = btf_find_struct_off(btf, value_type, "bpf_spin_lock");
		def->timer_off = btf_find_struct_off(btf, value_type, "bpf_timer");
	}
	return 0;
}

struct named_sym {
	const char *name;
	const struct elf_sym *sym;
};

static int cmp_named(const void *a, const void *b)
{
	return strcmp(((const struct named_sym *)a)->name, ((const struct named_sym *)b)->name);
}

/* One BTF-defined map: the i-th variable of DATASEC .maps. */
static int btf_map(struct bpfvm_object *obj, uint32_t sec, int ds, uint32_t i,
		   const struct named_sym *by_name, uint32_t nsyms)
{
	const struct elf_file *e = &obj->elf;
	const struct bpfvm_btf *btf = obj->btf;
	const uint8_t *vi = btf->types[ds].extra + 12ull * i;
	const struct btf_type *var = &btf->types[rd32(vi)];
	struct btf_map_ctx c = { .obj = obj, .map_name = var->name };
	const struct elf_sym *sym;
	struct obj_map *m;
	uint32_t def_id;
	struct named_sym key = { .name = var->name }, *hit;
	int err;

	if (var->kind != BPFVM_BTF_KIND_VAR)
		return obj_errorf(obj, -EINVAL, ".maps entry %u (%s) is not a variable", i,
				  var->name);
	def_id = btf_skip_mods(btf, var->size_type);
	hit = bsearch(&key, by_name, nsyms, sizeof(*by_name), cmp_named);
	sym = hit ? hit->sym : NULL;
	m = new_map(obj);
	if (!m)
		return obj_errorf(obj, -ENOMEM, "out of memory");
	m->sec = sec;
	m->off = sym ? sym->value : rd32(vi + 4);
	m->size = btf->types[def_id].size > 0 ? (uint64_t)btf->types[def_id].size : 0;
	/* A definition with __array(values) initialisers extends past its
	 * struct (a flexible array): the symbol or DATASEC entry knows. */
	if (sym && sym->size > m->size)
		m->size = sym->size;
	if (rd32(vi + 8) > m->size)
		m->size = rd32(vi + 8);
	m->def.name = var->name;
	m->def.origin = BPFVM_MAP_BTF;
	if (!in_bounds(m->off, m->size, e->secs[sec].size))
		return elf_sec_errorf(e, sec, -EINVAL, "map %s at offset %llu beyond the section",
				      var->name, (unsigned long long)m->off);
	err = parse_btf_map_def(&c, def_id, &m->def, false, &m->values_off, &m->inner);
	if (err)
		return err;
	m->def.inner = m->inner;
	return 0;
}

static int btf_maps(struct bpfvm_object *obj, uint32_t sec)
{
	const struct elf_file *e = &obj->elf;
	const struct bpfvm_btf *btf = obj->btf;
	uint32_t from = obj->sec_sym_start[sec], nsyms = obj->sec_sym_start[sec + 1] - from;
	struct named_sym *by_name;
	int ds, err = 0;

	if (!btf)
		return elf_sec_errorf(e, sec, -EINVAL, "BTF-defined maps need a .BTF section");
	ds = bpfvm_btf_find(btf, BPFVM_BTF_KIND_DATASEC, ".maps");
	if (ds < 0)
		return elf_sec_errorf(e, sec, -EINVAL, "no DATASEC .maps in BTF");
	/* Map variables are found by name among the section's symbols. */
	by_name = calloc(nsyms ? nsyms : 1, sizeof(*by_name));
	if (!by_name)
		return obj_errorf(obj, -ENOMEM, "out of memory");
	for (uint32_t k = 0; k < nsyms; k++) {
		by_name[k].sym = &e->syms[obj->sec_syms[from + k]];
		by_name[k].name = by_name[k].sym->name;
	}
	qsort(by_name, nsyms, sizeof(*by_name), cmp_named);
	for (uint32_t i = 0; !err && i < btf->types[ds].vlen; i++)
		err = btf_map(obj, sec, ds, i, by_name, nsyms);
	free(by_name);
	return err;
}

/* The map name libbpf gives a global-data section: as much of the object
 * name as fits in front of .data/.rodata/.bss/.kconfig; custom sections
 * (".data.foo") keep their own name, truncated to 15 characters. */
static char *internal_map_name(const struct bpfvm_object *obj, const char *sec_name)
{
	char name[OBJ_NAME_LEN];
	size_t sfx = strlen(sec_name) > 7 ? strlen(sec_name) : 7, pfx;

	if (sfx >= OBJ_NAME_LEN)
		sfx = OBJ_NAME_LEN - 1;
	if (strchr(sec_name + 1, '.'))
		pfx = 0;
	else
		pfx = OBJ_NAME_LEN - sfx - 1 < strlen(obj->obj_name) ? OBJ_NAME_LEN - sfx - 1
								   : strlen(obj->obj_name);
	snprintf(name, sizeof(name), "%.*s%.*s", (int)pfx, obj->obj_name, (int)sfx, sec_name);
	for (char *p = name; *p; p++)
		if (!isalnum((unsigned char)*p) && *p != '_' && *p != '.')
			*p = '_';
	return strdup(name);
}

static bool has_prefix(const char *s, const char *pfx)
{
	return strncmp(s, pfx, strlen(pfx)) == 0;
}

static int data_map(struct bpfvm_object *obj, uint32_t sec, bool rodata)
{
	const struct elf_sec *s = &obj->elf.secs[sec];
	struct obj_map *m;
	int ds;

	if (s->size > UINT32_MAX / 2)
		return elf_sec_errorf(&obj->elf, sec, -E2BIG, "global data of %llu bytes is too large",
				      (unsigned long long)s->size);
	m = new_map(obj);
	if (!m)
		return obj_errorf(obj, -ENOMEM, "out of memory");
	m->sec = sec;
	m->size = s->size;
	m->name_buf = internal_map_name(obj, s->name);
	m->value = calloc(1, s->size);
	if (!m->name_buf || !m->value)
		return obj_errorf(obj, -ENOMEM, "out of memory");
	if (s->data)
		memcpy(m->value, s->data, s->size);
	m->def.name = m->name_buf;
	m->def.origin = BPFVM_MAP_GLOBAL_DATA;
	m->def.type = MT_ARRAY;
	m->def.key_size = 4;
	m->def.value_size = (uint32_t)s->size;
	m->def.max_entries = 1;
	m->def.map_flags = rodata ? BPF_F_RDONLY_PROG : 0;
	m->def.section = s->name;
	m->def.initial_value = m->value;
	m->def.frozen = rodata;
	ds = obj->btf ? bpfvm_btf_find(obj->btf, BPFVM_BTF_KIND_DATASEC, s->name) : -1;
	if (ds > 0) {
		const struct btf_type *t = &obj->btf->types[ds];

		/* libbpf makes the map mmap-able when a non-static variable
		 * lives in it (the skeleton exposes those). */
		for (uint32_t i = 0; i < t->vlen; i++) {
			const struct btf_type *v = &obj->btf->types[rd32(t->extra + 12ull * i)];

			if (v->kind == BPFVM_BTF_KIND_VAR && rd32(v->extra) != 0)
				m->def.map_flags |= BPF_F_MMAPABLE;
		}
		m->def.btf_value_type_id = (uint32_t)ds;
		m->def.spin_lock_off = btf_find_struct_off(obj->btf, (uint32_t)ds, "bpf_spin_lock");
	}
	return 0;
}

struct map_pos {
	uint32_t sec;
	uint64_t off;
	uint32_t idx;
};

static int cmp_map_pos(const void *a, const void *b)
{
	const struct map_pos *x = a, *y = b;

	if (x->sec != y->sec)
		return x->sec < y->sec ? -1 : 1;
	if (x->off != y->off)
		return x->off < y->off ? -1 : 1;
	return x->idx < y->idx ? -1 : x->idx > y->idx;
}

/* Legacy and BTF definitions by position, for relocations to find them. */
static int order_maps(struct bpfvm_object *obj)
{
	struct map_pos *pos = calloc(obj->map_cnt ? obj->map_cnt : 1, sizeof(*pos));
	uint32_t n = 0;

	obj->map_order = calloc(obj->map_cnt ? obj->map_cnt : 1, sizeof(*obj->map_order));
	if (!pos || !obj->map_order) {
		free(pos);
		return obj_errorf(obj, -ENOMEM, "out of memory");
	}
	for (uint32_t i = 0; i < obj->map_cnt; i++)
		if (obj->maps[i].def.origin != BPFVM_MAP_GLOBAL_DATA)
			pos[n++] = (struct map_pos){ obj->maps[i].sec, obj->maps[i].off, i };
	qsort(pos, n, sizeof(*pos), cmp_map_pos);
	for (uint32_t i = 0; i < n; i++)
		obj->map_order[i] = pos[i].idx;
	obj->map_order_cnt = n;
	free(pos);
	return 0;
}

/* iproute2 map ids, sorted, to find a map-of-maps' template by its id. */
struct elf_id {
	uint32_t id, map;
};

static int cmp_elf_id(const void *a, const void *b)
{
	const struct elf_id *x = a, *y = b;

	if (x->id != y->id)
		return x->id < y->id ? -1 : 1;
	return x->map < y->map ? -1 : x->map > y->map;
}

/* The first map (by index) other than `self` with iproute2 id `id`, or -1. */
static int32_t map_by_elf_id(const struct elf_id *ids, uint32_t cnt, uint32_t id, uint32_t self)
{
	uint32_t lo = 0, hi = cnt;

	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;

		if (ids[mid].id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; lo < cnt && ids[lo].id == id; lo++)
		if (ids[lo].map != self)
			return (int32_t)ids[lo].map;
	return -1;
}

int obj_collect_maps(struct bpfvm_object *obj)
{
	const struct elf_file *e = &obj->elf;
	struct elf_id *by_id;
	uint32_t id_cnt = 0;
	int err;

	obj->btf_maps_sec = elf_find_sec(e, ".maps");
	for (uint32_t i = 1; i < e->sec_cnt; i++) {
		if (!obj_is_legacy_maps_sec(obj, i))
			continue;
		err = legacy_maps(obj, i);
		if (err)
			return err;
	}
	if (obj->btf_maps_sec) {
		err = btf_maps(obj, obj->btf_maps_sec);
		if (err)
			return err;
	}
	for (uint32_t i = 1; i < e->sec_cnt; i++) {
		const struct elf_sec *s = &e->secs[i];

		if (s->size == 0 || (s->flags & ELF_SHF_EXECINSTR))
			continue;
		if (s->type == ELF_SHT_PROGBITS &&
		    (!strcmp(s->name, ".data") || has_prefix(s->name, ".data.")))
			err = data_map(obj, i, false);
		else if (s->type == ELF_SHT_PROGBITS &&
			 (!strcmp(s->name, ".rodata") || has_prefix(s->name, ".rodata.")))
			err = data_map(obj, i, true);
		else if (s->type == ELF_SHT_NOBITS &&
			 (!strcmp(s->name, ".bss") || has_prefix(s->name, ".bss.")))
			err = data_map(obj, i, false);
		else
			continue;
		if (err)
			return err;
	}
	by_id = malloc((obj->map_cnt ? obj->map_cnt : 1) * sizeof(*by_id));
	if (!by_id)
		return obj_errorf(obj, -ENOMEM, "out of memory");
	for (uint32_t i = 0; i < obj->map_cnt; i++)
		if (obj->maps[i].elf_map_ids)
			by_id[id_cnt++] = (struct elf_id){ obj->maps[i].elf_id, i };
	if (id_cnt)
		qsort(by_id, id_cnt, sizeof(*by_id), cmp_elf_id);
	/* Legacy maps-of-maps name their template by index or by iproute2 id
	 * (maps may have moved while the list grew, so pointers are taken
	 * only now). */
	for (uint32_t i = 0; i < obj->map_cnt; i++) {
		struct obj_map *mm = &obj->maps[i];
		int32_t in;

		if (mm->elf_map_ids && mm->elf_inner_id &&
		    (mm->def.type == MT_ARRAY_OF_MAPS || mm->def.type == MT_HASH_OF_MAPS))
			mm->def.inner_map_idx = map_by_elf_id(by_id, id_cnt, mm->elf_inner_id, i);
		in = mm->def.inner_map_idx;
		if (mm->def.origin == BPFVM_MAP_LEGACY && in >= 0 && (uint32_t)in < obj->map_cnt &&
		    (uint32_t)in != i && obj->maps[in].def.origin == BPFVM_MAP_LEGACY)
			mm->def.inner = &obj->maps[in].def;
	}
	free(by_id);
	return order_maps(obj);
}

bool obj_is_legacy_maps_sec(const struct bpfvm_object *obj, uint32_t sec)
{
	const char *name = obj->elf.secs[sec].name;

	return !(obj->elf.secs[sec].flags & ELF_SHF_EXECINSTR) &&
	       (!strcmp(name, "maps") || has_prefix(name, "maps/"));
}

int obj_map_containing(const struct bpfvm_object *obj, uint32_t sec, uint64_t off)
{
	uint32_t lo = 0, hi = obj->map_order_cnt;
	const struct obj_map *m;

	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		const struct obj_map *c = &obj->maps[obj->map_order[mid]];

		if (c->sec < sec || (c->sec == sec && c->off <= off))
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == 0)
		return -1;
	m = &obj->maps[obj->map_order[lo - 1]];
	if (m->sec != sec || off - m->off >= (m->size ? m->size : 1))
		return -1;
	return (int)obj->map_order[lo - 1];
}

int obj_map_at(const struct bpfvm_object *obj, uint32_t sec, uint64_t off)
{
	int i = obj_map_containing(obj, sec, off);

	return i >= 0 && obj->maps[i].off == off ? i : -1;
}



int obj_data_map(const struct bpfvm_object *obj, uint32_t sec)
{
	for (uint32_t i = 0; i < obj->map_cnt; i++)
		if (obj->maps[i].def.origin == BPFVM_MAP_GLOBAL_DATA && obj->maps[i].sec == sec)
			return (int)i;
	return -1;
}

static int cmp_slot(const void *a, const void *b)
{
	const struct bpfvm_map_init_slot *x = a, *y = b;

	return x->slot < y->slot ? -1 : x->slot > y->slot;
}

/* One relocation in .maps against a program or map fills a __array(values) slot. */
static int map_init_slot(struct bpfvm_object *obj, uint32_t sec, const struct elf_rel *rel)
{
	const struct elf_file *e = &obj->elf;
	const struct elf_sym *sym = &e->syms[rel->sym];
	struct bpfvm_map_init_slot slot = { 0 }, *ns;
	int mi = obj_map_containing(obj, sec, rel->offset);
	struct obj_map *m = mi >= 0 ? &obj->maps[mi] : NULL;
	uint64_t rel_off;

	if (!m || !m->values_off || rel->offset - m->off < m->values_off ||
	    (rel->offset - m->off - m->values_off) % 8)
		return elf_sec_errorf(e, sec, -EINVAL,
				      "relocation at offset %llu (%s) is not in a map's 'values'",
				      (unsigned long long)rel->offset, sym->name);
	rel_off = rel->offset - m->off - m->values_off;
	slot.slot = (uint32_t)(rel_off / 8);
	if (m->def.type == MT_PROG_ARRAY) {
		int f = sym->value % 8 || sym->value / 8 > UINT32_MAX
				? -1
				: obj_func_at(obj, sym->shndx, (uint32_t)(sym->value / 8));

		if (f >= 0 && obj->funcs[f].prog >= 0) {
			slot.is_prog = true;
			slot.index = (uint32_t)obj->funcs[f].prog;
		}
		if (!slot.is_prog)
			return obj_errorf(obj, -EINVAL,
					  "map %s: slot %u refers to %s, which is not a program",
					  m->def.name, slot.slot, sym->name);
	} else {
		mi = obj_map_at(obj, sym->shndx, sym->value);
		if (mi < 0 || sym->shndx != sec)
			return obj_errorf(obj, -EINVAL, "map %s: slot %u refers to %s, which is not a map",
					  m->def.name, slot.slot, sym->name);
		slot.index = (uint32_t)mi;
	}
	if (m->def.max_entries && slot.slot >= m->def.max_entries)
		return obj_errorf(obj, -EINVAL, "map %s: slot %u beyond max_entries %u", m->def.name,
				  slot.slot, m->def.max_entries);
	/* Capacity doubles at powers of two. */
	if ((m->def.init_slot_cnt & (m->def.init_slot_cnt - 1)) == 0) {
		ns = realloc(m->slots, (m->def.init_slot_cnt ? 2 * m->def.init_slot_cnt : 1) *
					       sizeof(*ns));
		if (!ns)
			return obj_errorf(obj, -ENOMEM, "out of memory");
		m->slots = ns;
	}
	m->slots[m->def.init_slot_cnt++] = slot;
	m->def.init_slots = m->slots;
	return 0;
}

/* Orders each map's slots and refuses a slot given twice. */
static int sort_slots(struct bpfvm_object *obj)
{
	for (uint32_t i = 0; i < obj->map_cnt; i++) {
		struct obj_map *m = &obj->maps[i];

		if (!m->def.init_slot_cnt)
			continue;
		qsort(m->slots, m->def.init_slot_cnt, sizeof(*m->slots), cmp_slot);
		for (uint32_t k = 1; k < m->def.init_slot_cnt; k++)
			if (m->slots[k].slot == m->slots[k - 1].slot)
				return obj_errorf(obj, -EINVAL, "map %s: slot %u initialised twice",
						  m->def.name, m->slots[k].slot);
	}
	return 0;
}

int obj_collect_map_inits(struct bpfvm_object *obj)
{
	const struct elf_file *e = &obj->elf;
	uint32_t sec = obj->btf_maps_sec;

	if (!sec)
		return 0;
	for (uint32_t r = 1; r < e->sec_cnt; r++) {
		struct elf_rel *rels;
		uint32_t cnt;
		int err;

		if ((e->secs[r].type != ELF_SHT_REL && e->secs[r].type != ELF_SHT_RELA) ||
		    e->secs[r].info != sec)
			continue;
		err = elf_read_rels(e, r, &rels, &cnt);
		for (uint32_t i = 0; !err && i < cnt; i++)
			err = map_init_slot(obj, sec, &rels[i]);
		free(rels);
		if (err)
			return err;
	}
	return sort_slots(obj);
}
