/* ELF64 relocatable files, read defensively: see elf.h for why. */
#include "obj/elf.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/error.h"

#define EHDR_SIZE 64
#define SHDR_SIZE 64
#define SYM_SIZE 24
#define REL_SIZE 16
#define RELA_SIZE 24
/* More sections than any compiler emits for one object; keeps allocations sane. */
#define MAX_SECTIONS 65280u

int elf_sec_errorf(const struct elf_file *e, uint32_t idx, int err, const char *fmt, ...)
{
	char msg[384];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (idx < e->sec_cnt && e->secs && e->secs[idx].name)
		return bpfvm_errorf(err, "%s: section %u (%s): %s", e->name, idx, e->secs[idx].name,
				    msg);
	return bpfvm_errorf(err, "%s: section %u: %s", e->name, idx, msg);
}

/* A NUL-terminated string at `off` of a string table, or NULL. */
static const char *strtab_str(const uint8_t *tab, uint64_t size, uint64_t off)
{
	if (!tab || off >= size)
		return NULL;
	if (!memchr(tab + off, '\0', size - off))
		return NULL;
	return (const char *)tab + off;
}

/* Why strtab_str failed, for messages. */
static const char *strtab_why(uint64_t size, uint64_t off)
{
	return off >= size ? "beyond" : "not NUL-terminated within";
}

static int read_sections(struct elf_file *e, uint64_t shoff, uint32_t shnum, uint32_t shstrndx)
{
	const struct elf_sec *strsec;

	if (shnum == 0)
		return bpfvm_errorf(-EINVAL, "%s: no section headers", e->name);
	if (shnum > MAX_SECTIONS)
		return bpfvm_errorf(-EINVAL, "%s: %u sections, at most %u supported", e->name,
				    shnum, MAX_SECTIONS);
	if (!in_bounds(shoff, (uint64_t)shnum * SHDR_SIZE, e->len))
		return bpfvm_errorf(-EINVAL,
				    "%s: section headers (%u at offset %llu) beyond end of file (%zu bytes)",
				    e->name, shnum, (unsigned long long)shoff, e->len);
	e->secs = calloc(shnum, sizeof(*e->secs));
	if (!e->secs)
		return bpfvm_errorf(-ENOMEM, "%s: out of memory", e->name);
	e->sec_cnt = shnum;
	for (uint32_t i = 0; i < shnum; i++) {
		const uint8_t *h = e->buf + shoff + (uint64_t)i * SHDR_SIZE;
		struct elf_sec *s = &e->secs[i];
		uint64_t off = rd64(h + 24);

		s->type = rd32(h + 4);
		s->flags = rd64(h + 8);
		s->size = rd64(h + 32);
		s->link = rd32(h + 40);
		s->info = rd32(h + 44);
		s->entsize = rd64(h + 56);
		if (i == 0 || s->type == ELF_SHT_NOBITS || s->type == 0)
			continue;
		if (!in_bounds(off, s->size, e->len))
			return bpfvm_errorf(-EINVAL,
					    "%s: section %u: data (%llu bytes at offset %llu) beyond end of file (%zu bytes)",
					    e->name, i, (unsigned long long)s->size,
					    (unsigned long long)off, e->len);
		s->data = e->buf + off;
	}
	if (shstrndx == 0 || shstrndx >= shnum)
		return bpfvm_errorf(-EINVAL, "%s: section name table index %u out of range (%u sections)",
				    e->name, shstrndx, shnum);
	strsec = &e->secs[shstrndx];
	if (strsec->type != ELF_SHT_STRTAB || !strsec->data)
		return bpfvm_errorf(-EINVAL, "%s: section %u, the section name table, is not a string table",
				    e->name, shstrndx);
	for (uint32_t i = 0; i < shnum; i++) {
		const uint8_t *h = e->buf + shoff + (uint64_t)i * SHDR_SIZE;
		uint32_t noff = rd32(h);
		const char *name = strtab_str(strsec->data, strsec->size, noff);

		if (!name)
			return bpfvm_errorf(-EINVAL,
					    "%s: section %u: name at offset %u %s section name table of %llu bytes",
					    e->name, i, noff, strtab_why(strsec->size, noff),
					    (unsigned long long)strsec->size);
		e->secs[i].name = name;
	}
	return 0;
}

static int read_symbols(struct elf_file *e)
{
	const struct elf_sec *symsec, *strsec;
	uint32_t idx = 0;

	for (uint32_t i = 1; i < e->sec_cnt; i++) {
		if (e->secs[i].type != ELF_SHT_SYMTAB)
			continue;
		if (idx)
			return elf_sec_errorf(e, i, -EINVAL, "second symbol table (first is section %u)",
					      idx);
		idx = i;
	}
	if (!idx)
		return 0;
	symsec = &e->secs[idx];
	if (symsec->entsize != SYM_SIZE || symsec->size % SYM_SIZE)
		return elf_sec_errorf(e, idx, -EINVAL,
				      "symbol table of %llu bytes with entry size %llu (expected multiples of %d)",
				      (unsigned long long)symsec->size,
				      (unsigned long long)symsec->entsize, SYM_SIZE);
	if (symsec->link == 0 || symsec->link >= e->sec_cnt ||
	    e->secs[symsec->link].type != ELF_SHT_STRTAB)
		return elf_sec_errorf(e, idx, -EINVAL, "string table index %u is not a string table",
				      symsec->link);
	strsec = &e->secs[symsec->link];
	e->symtab_idx = idx;
	e->sym_cnt = (uint32_t)(symsec->size / SYM_SIZE);
	if (symsec->size / SYM_SIZE > UINT32_MAX / 2)
		return elf_sec_errorf(e, idx, -EINVAL, "too many symbols");
	e->syms = calloc(e->sym_cnt ? e->sym_cnt : 1, sizeof(*e->syms));
	if (!e->syms)
		return bpfvm_errorf(-ENOMEM, "%s: out of memory", e->name);
	for (uint32_t i = 0; i < e->sym_cnt; i++) {
		const uint8_t *p = symsec->data + (uint64_t)i * SYM_SIZE;
		struct elf_sym *s = &e->syms[i];
		uint32_t noff = rd32(p);

		s->bind = p[4] >> 4;
		s->type = p[4] & 0xf;
		s->shndx = rd16(p + 6);
		s->value = rd64(p + 8);
		s->size = rd64(p + 16);
		s->name = strtab_str(strsec->data, strsec->size, noff);
		if (!s->name)
			return elf_sec_errorf(e, idx, -EINVAL,
					      "symbol %u: name at offset %u %s string table of %llu bytes",
					      i, noff, strtab_why(strsec->size, noff),
					      (unsigned long long)strsec->size);
		if (s->shndx != ELF_SHN_UNDEF && s->shndx < ELF_SHN_LORESERVE &&
		    s->shndx >= e->sec_cnt)
			return elf_sec_errorf(e, idx, -EINVAL,
					      "symbol %u (%s): section index %u out of range (%u sections)",
					      i, s->name, s->shndx, e->sec_cnt);
		if (s->shndx == 0xffff)
			return elf_sec_errorf(e, idx, -EINVAL,
					      "symbol %u (%s): extended section indexes are not supported",
					      i, s->name);
		if (s->type == ELF_STT_SECTION && !s->name[0] && s->shndx < e->sec_cnt)
			s->name = e->secs[s->shndx].name;
	}
	return 0;
}

int elf_open(struct elf_file *e, const char *name, const uint8_t *buf, size_t len)
{
	uint64_t shoff;
	uint32_t shnum, shstrndx;
	int err;

	memset(e, 0, sizeof(*e));
	e->name = name;
	e->buf = buf;
	e->len = len;
	if (len < 4 || memcmp(buf, "\177ELF", 4) != 0)
		return bpfvm_errorf(-EINVAL, "%s: not an ELF file", name);
	if (len < EHDR_SIZE)
		return bpfvm_errorf(-EINVAL, "%s: truncated ELF header (%zu of %d bytes)", name, len,
				    EHDR_SIZE);
	if (buf[4] != 2)
		return bpfvm_errorf(-EINVAL, "%s: not a 64-bit ELF file", name);
	if (buf[5] != 1)
		return bpfvm_errorf(-EINVAL, "%s: big-endian ELF files are not supported", name);
	if (rd16(buf + 16) != 1)
		return bpfvm_errorf(-EINVAL, "%s: ELF type %u, expected a relocatable object (1)",
				    name, rd16(buf + 16));
	if (rd16(buf + 18) != ELF_EM_BPF && rd16(buf + 18) != 0)
		return bpfvm_errorf(-EINVAL, "%s: ELF machine %u, expected BPF (%d)", name,
				    rd16(buf + 18), ELF_EM_BPF);
	if (rd16(buf + 58) != SHDR_SIZE)
		return bpfvm_errorf(-EINVAL, "%s: section header size %u, expected %d", name,
				    rd16(buf + 58), SHDR_SIZE);
	shoff = rd64(buf + 40);
	shnum = rd16(buf + 60);
	shstrndx = rd16(buf + 62);
	if (shnum == 0 && shoff != 0)
		return bpfvm_errorf(-EINVAL, "%s: extended section numbering is not supported", name);
	err = read_sections(e, shoff, shnum, shstrndx);
	if (!err)
		err = read_symbols(e);
	if (err)
		elf_close(e);
	return err;
}

void elf_close(struct elf_file *e)
{
	free(e->secs);
	free(e->syms);
	e->secs = NULL;
	e->syms = NULL;
	e->sec_cnt = 0;
	e->sym_cnt = 0;
}

int elf_read_rels(const struct elf_file *e, uint32_t idx, struct elf_rel **out, uint32_t *cnt)
{
	const struct elf_sec *s = &e->secs[idx];
	uint32_t esz = s->type == ELF_SHT_RELA ? RELA_SIZE : REL_SIZE;
	struct elf_rel *rels;
	uint64_t n;

	*out = NULL;
	*cnt = 0;
	if (s->entsize != esz && s->entsize != 0)
		return elf_sec_errorf(e, idx, -EINVAL, "relocation entry size %llu, expected %u",
				      (unsigned long long)s->entsize, esz);
	if (!s->data || s->size % esz)
		return elf_sec_errorf(e, idx, -EINVAL, "size %llu is not a multiple of %u",
				      (unsigned long long)s->size, esz);
	if (s->link != e->symtab_idx || !e->symtab_idx)
		return elf_sec_errorf(e, idx, -EINVAL, "links section %u, not the symbol table",
				      s->link);
	n = s->size / esz;
	if (n == 0)
		return 0;
	rels = calloc(n, sizeof(*rels));
	if (!rels)
		return bpfvm_errorf(-ENOMEM, "%s: out of memory", e->name);
	for (uint64_t i = 0; i < n; i++) {
		const uint8_t *p = s->data + i * esz;
		uint64_t info = rd64(p + 8);

		rels[i].offset = rd64(p);
		rels[i].addend = esz == RELA_SIZE ? (int64_t)rd64(p + 16) : 0;
		rels[i].type = (uint32_t)info;
		if ((info >> 32) >= e->sym_cnt) {
			int err = elf_sec_errorf(e, idx, -EINVAL,
						 "relocation %llu: symbol %llu out of range (%u symbols)",
						 (unsigned long long)i,
						 (unsigned long long)(info >> 32), e->sym_cnt);

			free(rels);
			return err;
		}
		rels[i].sym = (uint32_t)(info >> 32);
	}
	*out = rels;
	*cnt = (uint32_t)n;
	return 0;
}

uint32_t elf_find_sec(const struct elf_file *e, const char *name)
{
	for (uint32_t i = 1; i < e->sec_cnt; i++)
		if (!strcmp(e->secs[i].name, name))
			return i;
	return 0;
}
