/* Opening an object: the ELF file, its BTF, the functions of its code sections
 * and which of them are programs; then maps (maps.c) and linking (link.c).
 * Also the accessors of the public object API. */
#include "obj/obj.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "obj/secdef.h"
#include "util/error.h"

int obj_errorf(const struct bpfvm_object *obj, int err, const char *fmt, ...)
{
	char msg[448];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return bpfvm_errorf(err, "%s: %s", obj->name, msg);
}

/* Groups symbol indexes by section with one counting pass. */
static int index_symbols(struct bpfvm_object *obj)
{
	const struct elf_file *e = &obj->elf;
	uint32_t *fill;

	obj->sec_sym_start = calloc((size_t)e->sec_cnt + 1, sizeof(*obj->sec_sym_start));
	obj->sec_syms = malloc((e->sym_cnt ? e->sym_cnt : 1) * sizeof(*obj->sec_syms));
	fill = calloc((size_t)e->sec_cnt + 1, sizeof(*fill));
	if (!obj->sec_sym_start || !obj->sec_syms || !fill) {
		free(fill);
		return obj_errorf(obj, -ENOMEM, "out of memory");
	}
	for (uint32_t i = 0; i < e->sym_cnt; i++)
		if (e->syms[i].shndx < e->sec_cnt)
			obj->sec_sym_start[e->syms[i].shndx + 1]++;
	for (uint32_t s = 0; s < e->sec_cnt; s++)
		obj->sec_sym_start[s + 1] += obj->sec_sym_start[s];
	for (uint32_t i = 0; i < e->sym_cnt; i++) {
		uint32_t s = e->syms[i].shndx;

		if (s < e->sec_cnt)
			obj->sec_syms[obj->sec_sym_start[s] + fill[s]++] = i;
	}
	free(fill);
	return 0;
}

int obj_func_at(const struct bpfvm_object *obj, uint32_t sec, uint32_t insn)
{
	uint32_t lo = 0, hi = obj->func_cnt;

	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		const struct obj_func *f = &obj->funcs[mid];

		if (f->sec == sec && f->off == insn)
			return (int)mid;
		if (f->sec < sec || (f->sec == sec && f->off < insn))
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

static bool is_code_sec(const struct elf_sec *s)
{
	return s->type == ELF_SHT_PROGBITS && (s->flags & ELF_SHF_EXECINSTR) && s->size > 0;
}

static int cmp_func(const void *a, const void *b)
{
	const struct obj_func *x = a, *y = b;

	if (x->sec != y->sec)
		return x->sec < y->sec ? -1 : 1;
	if (x->off != y->off)
		return x->off < y->off ? -1 : 1;
	return 0;
}

static int add_func(struct bpfvm_object *obj, uint32_t *cap, const struct obj_func *f)
{
	if (obj->func_cnt == *cap) {
		uint32_t ncap = *cap ? *cap * 2 : 16;
		struct obj_func *nf = realloc(obj->funcs, ncap * sizeof(*nf));

		if (!nf)
			return obj_errorf(obj, -ENOMEM, "out of memory");
		obj->funcs = nf;
		*cap = ncap;
	}
	obj->funcs[obj->func_cnt++] = *f;
	return 0;
}

/* The functions of code section `sec`: its FUNC symbols as libbpf takes them,
 * or for old objects without them, its global symbols (or the whole section). */
static int collect_funcs(struct bpfvm_object *obj, uint32_t sec, uint32_t *cap)
{
	const struct elf_file *e = &obj->elf;
	const struct elf_sec *s = &e->secs[sec];
	uint32_t insns = (uint32_t)(s->size / BPFVM_INSN_SIZE), first = obj->func_cnt;
	bool have_func = false;
	int err;

	uint32_t from = obj->sec_sym_start[sec], to = obj->sec_sym_start[sec + 1];

	for (uint32_t k = from; k < to; k++)
		if (e->syms[obj->sec_syms[k]].type == ELF_STT_FUNC)
			have_func = true;
	for (uint32_t k = from; k < to; k++) {
		const struct elf_sym *sym = &e->syms[obj->sec_syms[k]];
		struct obj_func f = { .sec = sec, .name = sym->name, .prog = -1 };

		if (have_func ? sym->type != ELF_STT_FUNC
			      : (sym->type != ELF_STT_NOTYPE || sym->bind == ELF_STB_LOCAL))
			continue;
		if (sym->value % BPFVM_INSN_SIZE || sym->size % BPFVM_INSN_SIZE ||
		    !in_bounds(sym->value, sym->size, s->size))
			return elf_sec_errorf(e, sec, -EINVAL,
					      "function %s at offset %llu size %llu crosses the section (%llu bytes) or is misaligned",
					      sym->name, (unsigned long long)sym->value,
					      (unsigned long long)sym->size,
					      (unsigned long long)s->size);
		f.off = (uint32_t)(sym->value / BPFVM_INSN_SIZE);
		f.cnt = (uint32_t)(sym->size / BPFVM_INSN_SIZE);
		f.global = sym->bind != ELF_STB_LOCAL;
		f.legacy = !have_func;
		err = add_func(obj, cap, &f);
		if (err)
			return err;
	}
	if (obj->func_cnt == first) {
		struct obj_func f = { .sec = sec, .name = s->name, .cnt = insns, .global = true,
				      .legacy = true, .prog = -1 };

		return add_func(obj, cap, &f);
	}
	qsort(obj->funcs + first, obj->func_cnt - first, sizeof(*obj->funcs), cmp_func);
	/* Symbols without a size (old objects) end where the next one starts. */
	for (uint32_t i = first; i < obj->func_cnt; i++) {
		struct obj_func *f = &obj->funcs[i];
		uint32_t end = i + 1 < obj->func_cnt ? obj->funcs[i + 1].off : insns;

		if (i + 1 < obj->func_cnt && obj->funcs[i + 1].off == f->off)
			return elf_sec_errorf(e, sec, -EINVAL, "functions %s and %s both start at insn %u",
					      f->name, obj->funcs[i + 1].name, f->off);
		if (f->cnt == 0)
			f->cnt = end - f->off;
		if (f->off + f->cnt > end)
			return elf_sec_errorf(e, sec, -EINVAL, "function %s overlaps function %s",
					      f->name, obj->funcs[i + 1].name);
		if (f->cnt == 0)
			return elf_sec_errorf(e, sec, -EINVAL, "function %s is empty", f->name);
	}
	return 0;
}

static int collect_programs(struct bpfvm_object *obj)
{
	const struct elf_file *e = &obj->elf;
	uint32_t cap = 0, n = 0;
	bool only_text;
	int err;

	for (uint32_t i = 1; i < e->sec_cnt; i++) {
		const struct elf_sec *s = &e->secs[i];

		if (!is_code_sec(s))
			continue;
		if (s->size % BPFVM_INSN_SIZE)
			return elf_sec_errorf(e, i, -EINVAL, "code size %llu is not a multiple of 8",
					      (unsigned long long)s->size);
		if (s->size / BPFVM_INSN_SIZE > BPFVM_MAX_INSNS)
			return elf_sec_errorf(e, i, -E2BIG, "more than %u instructions",
					      BPFVM_MAX_INSNS);
		if (!strcmp(s->name, ".text"))
			obj->text_sec = i;
		err = collect_funcs(obj, i, &cap);
		if (err)
			return err;
	}
	/* .text holds subprograms, as for libbpf, unless it is the object's only
	 * function (then libbpf takes it as the program). bpfvm also takes the
	 * global functions of objects with code only in .text as programs. */
	only_text = true;
	for (uint32_t i = 0; i < obj->func_cnt; i++)
		if (obj->funcs[i].sec != obj->text_sec)
			only_text = false;
	for (uint32_t i = 0; i < obj->func_cnt; i++) {
		struct obj_func *f = &obj->funcs[i];

		if (f->sec == obj->text_sec) {
			if (obj->func_cnt == 1)
				f->legacy = false;
			else if (only_text && f->global)
				f->legacy = true;
			else
				continue;
		}
		f->prog = (int32_t)n++;
	}
	obj->progs = calloc(n ? n : 1, sizeof(*obj->progs));
	if (!obj->progs)
		return obj_errorf(obj, -ENOMEM, "out of memory");
	obj->prog_cnt = n;
	for (uint32_t i = 0; i < obj->func_cnt; i++) {
		const struct obj_func *f = &obj->funcs[i];
		struct bpfvm_program *p;
		struct secdef_match m;

		if (f->prog < 0)
			continue;
		p = &obj->progs[f->prog];
		p->obj = obj;
		p->name = f->name;
		p->section = e->secs[f->sec].name;
		p->func = i;
		p->target = "";
		p->legacy_symbol = f->legacy;
		if (secdef_match(p->section, &m)) {
			if (m.legacy) {
				p->legacy_type = m.prog_type;
			} else {
				p->prog_type = m.prog_type;
				p->attach_type = m.attach_type;
				p->sleepable = m.sleepable;
			}
			p->target = m.target;
		}
	}
	return 0;
}

static void read_license(struct bpfvm_object *obj)
{
	uint32_t idx = elf_find_sec(&obj->elf, "license");
	const struct elf_sec *s;
	size_t n;

	if (!idx || !obj->elf.secs[idx].data)
		return;
	s = &obj->elf.secs[idx];
	n = s->size < sizeof(obj->license) - 1 ? (size_t)s->size : sizeof(obj->license) - 1;
	memcpy(obj->license, s->data, n);
	obj->license[n] = '\0';
}

static int read_version(struct bpfvm_object *obj)
{
	uint32_t idx = elf_find_sec(&obj->elf, "version");
	const struct elf_sec *s;

	if (!idx)
		return 0;
	s = &obj->elf.secs[idx];
	if (!s->data || s->size != 4)
		return elf_sec_errorf(&obj->elf, idx, -EINVAL, "kernel version of %llu bytes, expected 4",
				      (unsigned long long)s->size);
	obj->kern_version = rd32(s->data);
	return 0;
}

static int read_btf(struct bpfvm_object *obj)
{
	uint32_t idx = elf_find_sec(&obj->elf, ".BTF"), ext;
	int err;

	if (!idx)
		return 0;
	err = btf_parse(&obj->elf, idx, &obj->btf);
	if (err)
		return err;
	ext = elf_find_sec(&obj->elf, ".BTF.ext");
	if (!ext)
		return 0;
	return btf_ext_parse(&obj->elf, ext, obj->btf, &obj->ext);
}

static char *default_obj_name(const char *path)
{
	const char *base = strrchr(path, '/');
	size_t n;
	char *s;

	base = base ? base + 1 : path;
	n = strcspn(base, ".");
	s = malloc(n + 1);
	if (s) {
		memcpy(s, base, n);
		s[n] = '\0';
	}
	return s;
}

static int open_buf(struct bpfvm_object *obj)
{
	int err;

	err = elf_open(&obj->elf, obj->name, obj->buf, obj->len);
	if (err)
		return err;
	read_license(obj);
	err = index_symbols(obj);
	if (!err)
		err = read_version(obj);
	if (!err)
		err = read_btf(obj);
	if (!err)
		err = collect_programs(obj);
	if (!err)
		err = obj_collect_maps(obj);
	if (!err)
		err = obj_index_code(obj);
	if (!err)
		err = obj_link_programs(obj);
	if (!err)
		err = obj_collect_map_inits(obj);
	return err;
}

int bpfvm_object_open_mem(const void *data, size_t size, const struct bpfvm_object_open_opts *opts,
			  struct bpfvm_object **out)
{
	const char *name = opts && opts->name ? opts->name : "<memory>";
	struct bpfvm_object *obj;
	int err;

	*out = NULL;
	obj = calloc(1, sizeof(*obj));
	if (!obj)
		return bpfvm_errorf(-ENOMEM, "%s: out of memory", name);
	obj->name = strdup(name);
	obj->obj_name = opts && opts->obj_name ? strdup(opts->obj_name) : default_obj_name(name);
	obj->buf = malloc(size ? size : 1);
	if (!obj->name || !obj->obj_name || !obj->buf) {
		bpfvm_object_free(obj);
		return bpfvm_errorf(-ENOMEM, "%s: out of memory", name);
	}
	if (size)
		memcpy(obj->buf, data, size);
	obj->len = size;
	err = open_buf(obj);
	if (err) {
		bpfvm_object_free(obj);
		return err;
	}
	*out = obj;
	return 0;
}

int bpfvm_object_open(const char *path, const struct bpfvm_object_open_opts *opts,
		      struct bpfvm_object **out)
{
	struct bpfvm_object_open_opts o = { .sz = sizeof(o) };
	FILE *f;
	uint8_t *buf = NULL;
	size_t len = 0, cap = 0;
	int err;

	*out = NULL;
	if (opts)
		o = *opts;
	if (!o.name)
		o.name = path;
	f = fopen(path, "rb");
	if (!f)
		return bpfvm_errorf(-errno, "%s: %s", path, strerror(errno));
	for (;;) {
		size_t got;

		if (len == cap) {
			uint8_t *nb;

			cap = cap ? cap * 2 : 1 << 16;
			nb = realloc(buf, cap);
			if (!nb) {
				free(buf);
				fclose(f);
				return bpfvm_errorf(-ENOMEM, "%s: out of memory", path);
			}
			buf = nb;
		}
		got = fread(buf + len, 1, cap - len, f);
		len += got;
		if (got == 0)
			break;
	}
	err = ferror(f) ? bpfvm_errorf(-EIO, "%s: read error", path) : 0;
	fclose(f);
	if (!err) {
		struct bpfvm_object_open_opts mo = o;

		if (!mo.obj_name) {
			char *on = default_obj_name(path);

			if (!on) {
				free(buf);
				return bpfvm_errorf(-ENOMEM, "%s: out of memory", path);
			}
			mo.obj_name = on;
			err = bpfvm_object_open_mem(buf, len, &mo, out);
			free(on);
		} else {
			err = bpfvm_object_open_mem(buf, len, &mo, out);
		}
	}
	free(buf);
	return err;
}

void bpfvm_object_free(struct bpfvm_object *obj)
{
	if (!obj)
		return;
	for (uint32_t i = 0; i < obj->prog_cnt; i++) {
		free(obj->progs[i].insns);
		free(obj->progs[i].error);
		free(obj->progs[i].funcs);
		free(obj->progs[i].lines);
		free(obj->progs[i].core);
	}
	free(obj->progs);
	for (uint32_t i = 0; i < obj->map_cnt; i++) {
		free(obj->maps[i].name_buf);
		free(obj->maps[i].value);
		free(obj->maps[i].slots);
		free(obj->maps[i].inner);
	}
	free(obj->maps);
	for (uint32_t i = 0; i < obj->code_cnt; i++) {
		free(obj->code[i].rel_sym);
		free(obj->code[i].rel_addend);
		free(obj->code[i].lines);
		free(obj->code[i].finfo);
		free(obj->code[i].core);
	}
	free(obj->code);
	free(obj->funcs);
	free(obj->sec_syms);
	free(obj->sec_sym_start);
	free(obj->map_order);
	btf_ext_free(&obj->ext);
	btf_free(obj->btf);
	elf_close(&obj->elf);
	free(obj->buf);
	free(obj->obj_name);
	free(obj->name);
	free(obj);
}

const char *bpfvm_object_name(const struct bpfvm_object *obj)
{
	return obj->name;
}

const char *bpfvm_object_license(const struct bpfvm_object *obj)
{
	return obj->license;
}

uint32_t bpfvm_object_kern_version(const struct bpfvm_object *obj)
{
	return obj->kern_version;
}

const struct bpfvm_btf *bpfvm_object_btf(const struct bpfvm_object *obj)
{
	return obj->btf;
}

uint32_t bpfvm_object_program_count(const struct bpfvm_object *obj)
{
	return obj->prog_cnt;
}

struct bpfvm_program *bpfvm_object_program(const struct bpfvm_object *obj, uint32_t idx)
{
	return idx < obj->prog_cnt ? &obj->progs[idx] : NULL;
}

struct bpfvm_program *bpfvm_object_find_program(const struct bpfvm_object *obj, const char *name)
{
	for (uint32_t i = 0; i < obj->prog_cnt; i++)
		if (!strcmp(obj->progs[i].name, name))
			return &obj->progs[i];
	return NULL;
}

const char *bpfvm_program_name(const struct bpfvm_program *prog)
{
	return prog->name;
}

const char *bpfvm_program_section(const struct bpfvm_program *prog)
{
	return prog->section;
}

uint32_t bpfvm_program_type(const struct bpfvm_program *prog)
{
	return prog->prog_type;
}

uint32_t bpfvm_program_expected_attach_type(const struct bpfvm_program *prog)
{
	return prog->attach_type;
}

uint32_t bpfvm_program_legacy_type(const struct bpfvm_program *prog)
{
	return prog->legacy_type;
}

bool bpfvm_program_from_legacy_symbol(const struct bpfvm_program *prog)
{
	return prog->legacy_symbol;
}

void bpfvm_program_set_type(struct bpfvm_program *prog, uint32_t prog_type)
{
	prog->prog_type = prog_type;
	prog->attach_type = secdef_default_attach(prog_type);
	prog->legacy_type = 0;
}

bool bpfvm_program_sleepable(const struct bpfvm_program *prog)
{
	return prog->sleepable;
}

const char *bpfvm_program_attach_target(const struct bpfvm_program *prog)
{
	return prog->target;
}

const char *bpfvm_program_error(const struct bpfvm_program *prog)
{
	return prog->error;
}

const struct bpfvm_insn *bpfvm_program_insns(const struct bpfvm_program *prog)
{
	return prog->insns;
}

uint32_t bpfvm_program_insn_cnt(const struct bpfvm_program *prog)
{
	return prog->insn_cnt;
}

uint32_t bpfvm_program_func_insn_cnt(const struct bpfvm_program *prog)
{
	return prog->obj->funcs[prog->func].cnt;
}

uint32_t bpfvm_program_func_count(const struct bpfvm_program *prog)
{
	return prog->func_cnt;
}

const struct bpfvm_func_info *bpfvm_program_func(const struct bpfvm_program *prog, uint32_t idx)
{
	return idx < prog->func_cnt ? &prog->funcs[idx] : NULL;
}

const struct bpfvm_func_info *bpfvm_program_func_at(const struct bpfvm_program *prog,
						     uint32_t insn_idx)
{
	uint32_t lo = 0, hi = prog->func_cnt;

	/* Functions are appended in order: the last one starting at or before
	 * insn_idx holds it. */
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;

		if (prog->funcs[mid].insn_idx <= insn_idx)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == 0 || insn_idx - prog->funcs[lo - 1].insn_idx >= prog->funcs[lo - 1].insn_cnt)
		return NULL;
	return &prog->funcs[lo - 1];
}

uint32_t bpfvm_program_line_info_count(const struct bpfvm_program *prog)
{
	return prog->line_cnt;
}

const struct bpfvm_line_info *bpfvm_program_line_info_at(const struct bpfvm_program *prog,
							  uint32_t idx)
{
	return idx < prog->line_cnt ? &prog->lines[idx] : NULL;
}

const struct bpfvm_line_info *bpfvm_program_line_info(const struct bpfvm_program *prog,
						       uint32_t insn_idx)
{
	const struct bpfvm_func_info *f = bpfvm_program_func_at(prog, insn_idx);
	uint32_t lo = 0, hi = prog->line_cnt;

	if (!f)
		return NULL;
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;

		if (prog->lines[mid].insn_idx <= insn_idx)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == 0 || prog->lines[lo - 1].insn_idx < f->insn_idx)
		return NULL;
	return &prog->lines[lo - 1];
}

uint32_t bpfvm_program_core_relo_count(const struct bpfvm_program *prog)
{
	return prog->core_cnt;
}

const struct bpfvm_core_relo *bpfvm_program_core_relo(const struct bpfvm_program *prog,
						       uint32_t idx)
{
	return idx < prog->core_cnt ? &prog->core[idx] : NULL;
}

uint32_t bpfvm_object_map_count(const struct bpfvm_object *obj)
{
	return obj->map_cnt;
}

const struct bpfvm_map_def *bpfvm_object_map(const struct bpfvm_object *obj, uint32_t idx)
{
	return idx < obj->map_cnt ? &obj->maps[idx].def : NULL;
}

int bpfvm_object_find_map(const struct bpfvm_object *obj, const char *name)
{
	for (uint32_t i = 0; i < obj->map_cnt; i++)
		if (!strcmp(obj->maps[i].def.name, name))
			return (int)i;
	for (uint32_t i = 0; i < obj->map_cnt; i++)
		if (obj->maps[i].def.section && !strcmp(obj->maps[i].def.section, name))
			return (int)i;
	return -ENOENT;
}

void *bpfvm_object_global_data(struct bpfvm_object *obj, const char *section, size_t *size)
{
	for (uint32_t i = 0; i < obj->map_cnt; i++) {
		struct obj_map *m = &obj->maps[i];

		if (m->def.origin == BPFVM_MAP_GLOBAL_DATA && !strcmp(m->def.section, section)) {
			if (size)
				*size = m->def.value_size;
			return m->value;
		}
	}
	if (size)
		*size = 0;
	return NULL;
}
