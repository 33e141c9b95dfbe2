/* Builds small ELF64 BPF objects and BTF blobs in memory, for tests that need
 * exact control over every byte (hand-made BTF kinds, broken headers). */
#ifndef BPFVM_TEST_OBJ_ELF_BUILD_H
#define BPFVM_TEST_OBJ_ELF_BUILD_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

struct tsec {
	const char *name;
	uint32_t type, link, info;
	uint64_t flags, entsize;
	const void *data;
	size_t size;
};

struct tbuf {
	uint8_t *p;
	size_t len, cap;
};

static inline void tb_put(struct tbuf *b, const void *d, size_t n)
{
	if (b->len + n > b->cap) {
		b->cap = (b->len + n) * 2 + 64;
		b->p = realloc(b->p, b->cap);
	}
	if (d)
		memcpy(b->p + b->len, d, n);
	else
		memset(b->p + b->len, 0, n);
	b->len += n;
}

static inline void tb_u16(struct tbuf *b, uint16_t v)
{
	uint8_t x[2] = { (uint8_t)v, (uint8_t)(v >> 8) };

	tb_put(b, x, 2);
}

static inline void tb_u32(struct tbuf *b, uint32_t v)
{
	uint8_t x[4] = { (uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24) };

	tb_put(b, x, 4);
}

static inline void tb_u64(struct tbuf *b, uint64_t v)
{
	tb_u32(b, (uint32_t)v);
	tb_u32(b, (uint32_t)(v >> 32));
}

static inline void tb_align(struct tbuf *b, size_t a)
{
	while (b->len % a)
		tb_put(b, NULL, 1);
}

/* An ELF file with a null section, secs[0..n) as sections 1..n, then
 * .shstrtab as section n+1. Returns its size; *out is malloc'd. */
static inline size_t elf_build(const struct tsec *secs, int n, uint8_t **out)
{
	struct tbuf b = { 0 }, names = { 0 };
	uint64_t *offs = calloc((size_t)n + 2, sizeof(*offs));
	uint32_t *name_offs = calloc((size_t)n + 2, sizeof(*name_offs));
	uint64_t shoff;

	tb_put(&names, "", 1);
	for (int i = 0; i < n; i++) {
		name_offs[i + 1] = (uint32_t)names.len;
		tb_put(&names, secs[i].name, strlen(secs[i].name) + 1);
	}
	name_offs[n + 1] = (uint32_t)names.len;
	tb_put(&names, ".shstrtab", 10);
	tb_put(&b, NULL, 64);
	for (int i = 0; i < n; i++) {
		tb_align(&b, 8);
		offs[i + 1] = b.len;
		if (secs[i].type != 8 && secs[i].size)
			tb_put(&b, secs[i].data, secs[i].size);
	}
	offs[n + 1] = b.len;
	tb_put(&b, names.p, names.len);
	tb_align(&b, 8);
	shoff = b.len;
	for (int i = 0; i < n + 2; i++) {
		const struct tsec *s = i >= 1 && i <= n ? &secs[i - 1] : NULL;

		tb_u32(&b, name_offs[i]);
		tb_u32(&b, i == 0 ? 0 : s ? s->type : 3);
		tb_u64(&b, s ? s->flags : 0);
		tb_u64(&b, 0);
		tb_u64(&b, i ? offs[i] : 0);
		tb_u64(&b, i == 0 ? 0 : s ? s->size : names.len);
		tb_u32(&b, s ? s->link : 0);
		tb_u32(&b, s ? s->info : 0);
		tb_u64(&b, 8);
		tb_u64(&b, s ? s->entsize : 0);
	}
	memcpy(b.p, "\177ELF\002\001\001", 7);
	b.p[16] = 1;      /* ET_REL */
	b.p[18] = 247;    /* EM_BPF */
	b.p[20] = 1;      /* EV_CURRENT */
	for (int k = 0; k < 8; k++)
		b.p[40 + k] = (uint8_t)(shoff >> (8 * k));
	b.p[52] = 64;     /* e_ehsize */
	b.p[58] = 64;     /* e_shentsize */
	b.p[60] = (uint8_t)(n + 2);
	b.p[62] = (uint8_t)(n + 1);
	free(offs);
	free(name_offs);
	free(names.p);
	*out = b.p;
	return b.len;
}

/* A symbol table entry (24 bytes). */
static inline void tb_sym(struct tbuf *b, uint32_t name, uint8_t bind, uint8_t type,
			  uint16_t shndx, uint64_t value, uint64_t size)
{
	uint8_t info = (uint8_t)(bind << 4 | type), other = 0;

	tb_u32(b, name);
	tb_put(b, &info, 1);
	tb_put(b, &other, 1);
	tb_u16(b, shndx);
	tb_u64(b, value);
	tb_u64(b, size);
}

/* A BTF blob from raw type words and a string table (which must start with
 * "\0"). */
static inline size_t btf_build(const uint32_t *types, size_t type_words, const char *strs,
			       size_t str_len, uint8_t **out)
{
	struct tbuf b = { 0 };

	tb_u16(&b, 0xeb9f);
	tb_put(&b, "\001\000", 2);
	tb_u32(&b, 24);
	tb_u32(&b, 0);
	tb_u32(&b, (uint32_t)(type_words * 4));
	tb_u32(&b, (uint32_t)(type_words * 4));
	tb_u32(&b, (uint32_t)str_len);
	for (size_t i = 0; i < type_words; i++)
		tb_u32(&b, types[i]);
	tb_put(&b, strs, str_len);
	*out = b.p;
	return b.len;
}

#define BTF_INFO(kind, kflag, vlen) ((uint32_t)(kflag) << 31 | (uint32_t)(kind) << 24 | (vlen))

#endif
