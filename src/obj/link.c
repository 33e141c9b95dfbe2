/* Linking: turns functions of code sections into self-contained programs as
 * libbpf does before load. Each program gets its own function, then every
 * subprogram it reaches by bpf-to-bpf calls or BPF_PSEUDO_FUNC loads (appended,
 * offsets fixed up), with map references resolved to map indexes (see
 * include/bpfvm/object.h) and .BTF.ext records moved to the new positions. */
#include "obj/obj.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "isa/opcodes.h"
#include "util/error.h"

#define LDDW (BPF_LD | BPF_IMM | BPF_DW)
#define CALL (BPF_JMP | BPF_CALL)

struct obj_code_sec *obj_code_sec(const struct bpfvm_object *obj, uint32_t sec)
{
	for (uint32_t i = 0; i < obj->code_cnt; i++)
		if (obj->code[i].sec == sec)
			return &obj->code[i];
	return NULL;
}

static int cmp_line(const void *a, const void *b)
{
	const struct bpfvm_line_info *x = a, *y = b;

	return x->insn_idx < y->insn_idx ? -1 : x->insn_idx > y->insn_idx;
}

static int cmp_finfo(const void *a, const void *b)
{
	const struct bpfvm_func_info *x = a, *y = b;

	return x->insn_idx < y->insn_idx ? -1 : x->insn_idx > y->insn_idx;
}

static int cmp_core(const void *a, const void *b)
{
	const struct bpfvm_core_relo *x = a, *y = b;

	return x->insn_idx < y->insn_idx ? -1 : x->insn_idx > y->insn_idx;
}

/* Checks an instruction offset of a .BTF.ext record against its section. */
static int ext_insn(const struct bpfvm_object *obj, const struct obj_code_sec *cs,
		    const char *what, uint32_t byte_off, uint32_t *insn)
{
	if (byte_off % BPFVM_INSN_SIZE || byte_off / BPFVM_INSN_SIZE >= cs->insn_cnt)
		return obj_errorf(obj, -EINVAL,
				  ".BTF.ext: %s record for %s at byte offset %u outside the section (%u insns)",
				  what, obj->elf.secs[cs->sec].name, byte_off, cs->insn_cnt);
	*insn = byte_off / BPFVM_INSN_SIZE;
	return 0;
}

static int index_ext(struct bpfvm_object *obj, struct obj_code_sec *cs)
{
	const char *name = obj->elf.secs[cs->sec].name;
	const struct bpfvm_btf *btf = obj->btf;
	int err;

	for (uint32_t g = 0; g < obj->ext.line_cnt; g++) {
		const struct btf_ext_group *gr = &obj->ext.line[g];

		if (strcmp(gr->sec_name, name) || cs->lines)
			continue;
		cs->lines = calloc(gr->cnt ? gr->cnt : 1, sizeof(*cs->lines));
		if (!cs->lines)
			return obj_errorf(obj, -ENOMEM, "out of memory");
		for (uint32_t i = 0; i < gr->cnt; i++) {
			const uint8_t *r = gr->recs + (uint64_t)i * gr->rec_size;
			struct bpfvm_line_info *li = &cs->lines[i];
			uint32_t lc = rd32(r + 12);

			err = ext_insn(obj, cs, "line_info", rd32(r), &li->insn_idx);
			if (err)
				return err;
			li->file = btf_str(btf, rd32(r + 4));
			li->text = btf_str(btf, rd32(r + 8));
			li->line = lc >> 10;
			li->column = lc & 0x3ff;
		}
		cs->line_cnt = gr->cnt;
		qsort(cs->lines, cs->line_cnt, sizeof(*cs->lines), cmp_line);
	}
	for (uint32_t g = 0; g < obj->ext.func_cnt; g++) {
		const struct btf_ext_group *gr = &obj->ext.func[g];

		if (strcmp(gr->sec_name, name) || cs->finfo)
			continue;
		cs->finfo = calloc(gr->cnt ? gr->cnt : 1, sizeof(*cs->finfo));
		if (!cs->finfo)
			return obj_errorf(obj, -ENOMEM, "out of memory");
		for (uint32_t i = 0; i < gr->cnt; i++) {
			const uint8_t *r = gr->recs + (uint64_t)i * gr->rec_size;

			err = ext_insn(obj, cs, "func_info", rd32(r), &cs->finfo[i].insn_idx);
			if (err)
				return err;
			cs->finfo[i].btf_type_id = rd32(r + 4);
			cs->finfo[i].name = btf->types[rd32(r + 4)].name;
		}
		cs->finfo_cnt = gr->cnt;
		qsort(cs->finfo, cs->finfo_cnt, sizeof(*cs->finfo), cmp_finfo);
	}
	for (uint32_t g = 0; g < obj->ext.core_cnt; g++) {
		const struct btf_ext_group *gr = &obj->ext.core[g];

		if (strcmp(gr->sec_name, name) || cs->core)
			continue;
		cs->core = calloc(gr->cnt ? gr->cnt : 1, sizeof(*cs->core));
		if (!cs->core)
			return obj_errorf(obj, -ENOMEM, "out of memory");
		for (uint32_t i = 0; i < gr->cnt; i++) {
			const uint8_t *r = gr->recs + (uint64_t)i * gr->rec_size;

			err = ext_insn(obj, cs, "CO-RE", rd32(r), &cs->core[i].insn_idx);
			if (err)
				return err;
			cs->core[i].btf_type_id = rd32(r + 4);
			cs->core[i].access = btf_str(btf, rd32(r + 8));
			cs->core[i].kind = rd32(r + 12);
		}
		cs->core_cnt = gr->cnt;
		qsort(cs->core, cs->core_cnt, sizeof(*cs->core), cmp_core);
	}
	return 0;
}

int obj_index_code(struct bpfvm_object *obj)
{
	const struct elf_file *e = &obj->elf;
	int err;

	obj->code = calloc(e->sec_cnt, sizeof(*obj->code));
	if (!obj->code)
		return obj_errorf(obj, -ENOMEM, "out of memory");
	for (uint32_t i = 0; i < obj->func_cnt; i++) {
		uint32_t sec = obj->funcs[i].sec;
		struct obj_code_sec *cs;

		if (obj_code_sec(obj, sec))
			continue;
		cs = &obj->code[obj->code_cnt++];
		cs->sec = sec;
		cs->insn_cnt = (uint32_t)(e->secs[sec].size / BPFVM_INSN_SIZE);
		cs->rel_sym = malloc(cs->insn_cnt * sizeof(*cs->rel_sym));
		cs->rel_addend = calloc(cs->insn_cnt, sizeof(*cs->rel_addend));
		if (!cs->rel_sym || !cs->rel_addend)
			return obj_errorf(obj, -ENOMEM, "out of memory");
		memset(cs->rel_sym, 0xff, cs->insn_cnt * sizeof(*cs->rel_sym));
		err = index_ext(obj, cs);
		if (err)
			return err;
	}
	for (uint32_t r = 1; r < e->sec_cnt; r++) {
		const struct elf_sec *rs = &e->secs[r];
		struct obj_code_sec *cs;
		struct elf_rel *rels;
		uint32_t cnt;

		if (rs->type != ELF_SHT_REL && rs->type != ELF_SHT_RELA)
			continue;
		if (rs->info >= e->sec_cnt)
			return elf_sec_errorf(e, r, -EINVAL, "relocates section %u, out of range",
					      rs->info);
		cs = obj_code_sec(obj, rs->info);
		if (!cs)
			continue;
		err = elf_read_rels(e, r, &rels, &cnt);
		for (uint32_t i = 0; !err && i < cnt; i++) {
			uint64_t off = rels[i].offset;

			if (off % BPFVM_INSN_SIZE || off / BPFVM_INSN_SIZE >= cs->insn_cnt)
				err = elf_sec_errorf(e, r, -EINVAL,
						     "relocation %u at offset %llu outside section %s (%u insns) or misaligned",
						     i, (unsigned long long)off, e->secs[cs->sec].name,
						     cs->insn_cnt);
			else if (cs->rel_sym[off / BPFVM_INSN_SIZE] >= 0)
				err = elf_sec_errorf(e, r, -EINVAL, "two relocations at offset %llu",
						     (unsigned long long)off);
			else {
				cs->rel_sym[off / BPFVM_INSN_SIZE] = (int32_t)rels[i].sym;
				cs->rel_addend[off / BPFVM_INSN_SIZE] = rels[i].addend;
			}
		}
		free(rels);
		if (err)
			return err;
	}
	return 0;
}

/* Which extern section (".kconfig", ".ksyms") declares `name`, from BTF. */
static const char *extern_kind(const struct bpfvm_object *obj, const char *name)
{
	const struct bpfvm_btf *btf = obj->btf;

	if (!btf)
		return "extern";
	for (uint32_t i = 1; i < btf->nr_types; i++) {
		const struct btf_type *t = &btf->types[i];

		if (t->kind != BPFVM_BTF_KIND_DATASEC)
			continue;
		for (uint32_t k = 0; k < t->vlen; k++) {
			uint32_t v = rd32(t->extra + 12ull * k);

			if (!strcmp(btf->types[v].name, name))
				return t->name;
		}
	}
	return "extern";
}

struct pending {
	uint32_t at;   /* instruction in the program */
	uint32_t func; /* target function */
};

struct linker {
	struct bpfvm_object *obj;
	struct bpfvm_program *prog;
	uint32_t insn_cap, line_cap, func_cap, core_cap;
	int32_t *func_pos;
	struct pending *pend;
	uint32_t pend_cnt, pend_cap;
	uint64_t total;  /* instructions linked so far, all programs */
};

/* Every program gets its own copy of the subprograms it calls; a file where
 * thousands of programs call one huge .text must not exhaust memory. */
#define OBJ_MAX_LINKED_INSNS (16u << 20)

static int link_errc(const struct linker *l, int err, uint32_t sec, uint32_t insn,
		     const char *fmt, const char *a, uint64_t b)
{
	const struct obj_code_sec *cs = obj_code_sec(l->obj, sec);
	char msg[256], where[160] = "";
	uint32_t lo = 0, hi = cs ? cs->line_cnt : 0;

	snprintf(msg, sizeof(msg), fmt, a, (unsigned long long)b);
	/* The source line, when .BTF.ext has one at or before the instruction. */
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;

		if (cs->lines[mid].insn_idx <= insn)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo && cs->lines[lo - 1].line) {
		const char *file = cs->lines[lo - 1].file, *base = strrchr(file, '/');

		snprintf(where, sizeof(where), "%s:%u: ", base ? base + 1 : file,
			 cs->lines[lo - 1].line);
	}
	return obj_errorf(l->obj, err, "%s: %ssection %s insn %u: %s", l->prog->name, where,
			  l->obj->elf.secs[sec].name, insn, msg);
}

static int link_err(const struct linker *l, uint32_t sec, uint32_t insn, const char *fmt,
		    const char *a, uint64_t b)
{
	return link_errc(l, -EINVAL, sec, insn, fmt, a, b);
}

static int add_pending(struct linker *l, uint32_t at, int func)
{
	if (l->pend_cnt == l->pend_cap) {
		uint32_t ncap = l->pend_cap ? l->pend_cap * 2 : 16;
		struct pending *np = realloc(l->pend, ncap * sizeof(*np));

		if (!np)
			return obj_errorf(l->obj, -ENOMEM, "out of memory");
		l->pend = np;
		l->pend_cap = ncap;
	}
	l->pend[l->pend_cnt].at = at;
	l->pend[l->pend_cnt].func = (uint32_t)func;
	l->pend_cnt++;
	return 0;
}

/* Resolves the relocation of instruction `idx` of section cs, copied at
 * insn[0] (and insn[1] for lddw) of the program. */
static int relocate(struct linker *l, const struct obj_code_sec *cs, uint32_t idx,
		    struct bpfvm_insn *insn, uint32_t at)
{
	struct bpfvm_object *obj = l->obj;
	const struct elf_file *e = &obj->elf;
	const struct elf_sym *sym = &e->syms[cs->rel_sym[idx]];
	uint64_t value = sym->value + (uint64_t)cs->rel_addend[idx];
	uint32_t sec = cs->sec;
	int target, mi;

	if (sym->shndx == ELF_SHN_UNDEF) {
		char what[192];

		if (insn->code == CALL)
			return link_errc(l, -ENOTSUP, sec, idx,
					 "call of extern function %s (kfunc): not supported%.0llu",
					 sym->name, 0);
		snprintf(what, sizeof(what), "extern '%s' (%s)", sym->name,
			 extern_kind(obj, sym->name));
		return link_errc(l, -ENOTSUP, sec, idx, "%s is not supported%.0llu", what, 0);
	}
	if (sym->shndx >= e->sec_cnt)
		return link_err(l, sec, idx, "relocation against symbol %s in special section %llu",
				sym->name, sym->shndx);
	if (insn->code == CALL) {
		const struct obj_code_sec *tcs = obj_code_sec(obj, sym->shndx);
		int64_t t;

		if (insn->src_reg != BPF_PSEUDO_CALL || !tcs || value % BPFVM_INSN_SIZE)
			return link_err(l, sec, idx, "bad call relocation against %s%.0llu", sym->name, 0);
		t = (int64_t)(value / BPFVM_INSN_SIZE) + insn->imm + 1;
		if (t < 0 || t >= tcs->insn_cnt)
			return link_err(l, sec, idx, "call to %s lands outside its section (insn %lld)",
					sym->name, (uint64_t)t);
		target = obj_func_at(obj, tcs->sec, (uint32_t)t);
		if (target < 0)
			return link_err(l, sec, idx, "call to %s+%llu which is not a function start",
					sym->name, (uint64_t)t);
		return add_pending(l, at, target);
	}
	if (insn->code != LDDW)
		return link_err(l, sec, idx, "relocation against %s at an instruction (code 0x%02llx) that is neither a call nor lddw",
				sym->name, insn->code);
	if (obj_code_sec(obj, sym->shndx)) {
		uint64_t off = value + (uint64_t)(int64_t)insn[0].imm;

		if (off % BPFVM_INSN_SIZE || off / BPFVM_INSN_SIZE >= obj_code_sec(obj, sym->shndx)->insn_cnt)
			return link_err(l, sec, idx, "function address of %s at bad offset %llu",
					sym->name, off);
		target = obj_func_at(obj, sym->shndx, (uint32_t)(off / BPFVM_INSN_SIZE));
		if (target < 0)
			return link_err(l, sec, idx, "address of %s+%llu which is not a function start",
					sym->name, off);
		insn[0].src_reg = BPF_PSEUDO_FUNC;
		return add_pending(l, at, target);
	}
	if (obj_is_legacy_maps_sec(obj, sym->shndx) || sym->shndx == obj->btf_maps_sec) {
		uint64_t off = value;

		if (sym->type == ELF_STT_SECTION)
			off += (uint64_t)(int64_t)insn[0].imm;
		mi = obj_map_containing(obj, sym->shndx, off);
		if (mi >= 0 && obj->maps[mi].off != off)
			mi = -1;
		if (mi < 0)
			return link_err(l, sec, idx, "reference to %s: no map at offset %llu", sym->name,
					off);
		insn[0].src_reg = BPF_PSEUDO_MAP_IDX;
		insn[0].imm = mi;
		insn[1].imm = 0;
		return 0;
	}
	mi = obj_data_map(obj, sym->shndx);
	if (mi >= 0) {
		uint64_t off = value + (uint64_t)(int64_t)insn[0].imm;

		if (off > obj->maps[mi].def.value_size)
			return link_err(l, sec, idx, "reference to %s at offset %llu beyond the data",
					sym->name, off);
		insn[0].src_reg = BPF_PSEUDO_MAP_IDX_VALUE;
		insn[0].imm = mi;
		insn[1].imm = (int32_t)off;
		return 0;
	}
	return link_err(l, sec, idx, "reference to %s in section %llu, which holds no maps or data",
			sym->name, sym->shndx);
}

static int grow(struct linker *l, void **arr, uint32_t *cap, uint32_t need, size_t elem)
{
	void *n;
	uint32_t ncap = *cap ? *cap : 16;

	if (need <= *cap)
		return 0;
	while (ncap < need)
		ncap *= 2;
	n = realloc(*arr, (size_t)ncap * elem);
	if (!n)
		return obj_errorf(l->obj, -ENOMEM, "out of memory");
	*arr = n;
	*cap = ncap;
	return 0;
}

static int append_func(struct linker *l, uint32_t fi)
{
	struct bpfvm_program *p = l->prog;
	const struct obj_func *f = &l->obj->funcs[fi];
	const struct obj_code_sec *cs = obj_code_sec(l->obj, f->sec);
	uint32_t pos = p->insn_cnt, lo, hi;
	struct bpfvm_func_info *fn;
	int err;

	if ((uint64_t)pos + f->cnt > BPFVM_MAX_INSNS)
		return obj_errorf(l->obj, -E2BIG, "%s: more than %u instructions with subprograms",
				  p->name, BPFVM_MAX_INSNS);
	if (l->total + f->cnt > OBJ_MAX_LINKED_INSNS)
		return obj_errorf(l->obj, -ENOMEM,
				  "%s: programs with their subprograms exceed %u instructions in total",
				  p->name, OBJ_MAX_LINKED_INSNS);
	l->total += f->cnt;
	err = grow(l, (void **)&p->insns, &l->insn_cap, pos + f->cnt, sizeof(*p->insns));
	if (err)
		return err;
	memcpy(p->insns + pos, l->obj->elf.secs[f->sec].data + (uint64_t)f->off * BPFVM_INSN_SIZE,
	       (size_t)f->cnt * BPFVM_INSN_SIZE);
	p->insn_cnt = pos + f->cnt;
	l->func_pos[fi] = (int32_t)pos;
	err = grow(l, (void **)&p->funcs, &l->func_cap, p->func_cnt + 1, sizeof(*p->funcs));
	if (err)
		return err;
	fn = &p->funcs[p->func_cnt++];
	fn->insn_idx = pos;
	fn->insn_cnt = f->cnt;
	fn->name = f->name;
	fn->btf_type_id = 0;
	lo = 0;
	hi = cs->finfo_cnt;
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;

		if (cs->finfo[mid].insn_idx < f->off)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < cs->finfo_cnt && cs->finfo[lo].insn_idx == f->off)
		fn->btf_type_id = cs->finfo[lo].btf_type_id;
	for (uint32_t j = 0; j < f->cnt; j++) {
		struct bpfvm_insn *insn = &p->insns[pos + j];
		uint32_t idx = f->off + j;

		if (insn->code == LDDW && j + 1 >= f->cnt)
			return link_err(l, f->sec, idx, "lddw at the end of function %s%.0llu", f->name, 0);
		if (cs->rel_sym[idx] >= 0) {
			err = relocate(l, cs, idx, insn, pos + j);
			if (err)
				return err;
		} else if (insn->code == CALL && insn->src_reg == BPF_PSEUDO_CALL) {
			int64_t t = (int64_t)idx + insn->imm + 1;
			int target;

			if (t < 0 || t >= cs->insn_cnt)
				return link_err(l, f->sec, idx, "call in %s lands outside its section (insn %lld)",
						f->name, (uint64_t)t);
			target = obj_func_at(l->obj, f->sec, (uint32_t)t);
			if (target < 0)
				return link_err(l, f->sec, idx, "call in %s to insn %llu which is not a function start",
						f->name, (uint64_t)t);
			err = add_pending(l, pos + j, target);
			if (err)
				return err;
		}
		if (insn->code == LDDW) {
			if (cs->rel_sym[idx + 1] >= 0)
				return link_err(l, f->sec, idx + 1, "relocation in the second half of lddw in %s%.0llu",
						f->name, 0);
			j++;
		}
	}
	/* Source records of the function, moved to its place in the program. */
	lo = 0;
	hi = cs->line_cnt;
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;

		if (cs->lines[mid].insn_idx < f->off)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (uint32_t i = lo; i < cs->line_cnt && cs->lines[i].insn_idx < f->off + f->cnt; i++) {
		err = grow(l, (void **)&p->lines, &l->line_cap, p->line_cnt + 1, sizeof(*p->lines));
		if (err)
			return err;
		p->lines[p->line_cnt] = cs->lines[i];
		p->lines[p->line_cnt++].insn_idx = pos + cs->lines[i].insn_idx - f->off;
	}
	lo = 0;
	hi = cs->core_cnt;
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;

		if (cs->core[mid].insn_idx < f->off)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (uint32_t i = lo; i < cs->core_cnt && cs->core[i].insn_idx < f->off + f->cnt; i++) {
		err = grow(l, (void **)&p->core, &l->core_cap, p->core_cnt + 1, sizeof(*p->core));
		if (err)
			return err;
		p->core[p->core_cnt] = cs->core[i];
		p->core[p->core_cnt++].insn_idx = pos + cs->core[i].insn_idx - f->off;
	}
	return 0;
}

static int link_program(struct linker *l)
{
	int err = append_func(l, l->prog->func);

	for (uint32_t i = 0; !err && i < l->pend_cnt; i++) {
		const struct pending *pd = &l->pend[i];

		if (l->func_pos[pd->func] < 0) {
			err = append_func(l, pd->func);
			if (err)
				break;
			pd = &l->pend[i];
		}
		l->prog->insns[pd->at].imm = l->func_pos[pd->func] - (int32_t)pd->at - 1;
	}
	return err;
}

int obj_link_programs(struct bpfvm_object *obj)
{
	struct linker l = { .obj = obj };
	int err = 0;

	l.func_pos = malloc((obj->func_cnt ? obj->func_cnt : 1) * sizeof(*l.func_pos));
	if (!l.func_pos)
		return obj_errorf(obj, -ENOMEM, "out of memory");
	for (uint32_t i = 0; i < obj->prog_cnt && !err; i++) {
		l.prog = &obj->progs[i];
		l.insn_cap = l.line_cap = l.func_cap = l.core_cap = 0;
		l.pend_cnt = 0;
		memset(l.func_pos, 0xff, obj->func_cnt * sizeof(*l.func_pos));
		err = link_program(&l);
		if (err && err != -ENOMEM) {
			/* One unlinkable program (a kfunc, an extern) does not make
			 * the others unusable: it keeps the reason and no code. */
			struct bpfvm_program *p = l.prog;

			p->error = strdup(bpfvm_last_error());
			free(p->insns);
			free(p->funcs);
			free(p->lines);
			free(p->core);
			p->insns = NULL;
			p->funcs = NULL;
			p->lines = NULL;
			p->core = NULL;
			p->insn_cnt = p->func_cnt = p->line_cnt = p->core_cnt = 0;
			err = p->error ? 0 : obj_errorf(obj, -ENOMEM, "out of memory");
		}
	}
	free(l.func_pos);
	free(l.pend);
	return err;
}
