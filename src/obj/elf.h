/* A bounds-checked reader of ELF64 little-endian relocatable files (EM_BPF).
 *
 * Objects come from anywhere, so nothing here trusts the file: every header,
 * section, symbol, relocation and string is validated against the buffer once,
 * at parse time, and the rest of the loader only sees the checked copies. */
#ifndef BPFVM_OBJ_ELF_H
#define BPFVM_OBJ_ELF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ELF_SHT_PROGBITS 1
#define ELF_SHT_SYMTAB 2
#define ELF_SHT_STRTAB 3
#define ELF_SHT_RELA 4
#define ELF_SHT_NOBITS 8
#define ELF_SHT_REL 9

#define ELF_SHF_WRITE 0x1
#define ELF_SHF_ALLOC 0x2
#define ELF_SHF_EXECINSTR 0x4

#define ELF_STB_LOCAL 0
#define ELF_STB_GLOBAL 1
#define ELF_STB_WEAK 2

#define ELF_STT_NOTYPE 0
#define ELF_STT_OBJECT 1
#define ELF_STT_FUNC 2
#define ELF_STT_SECTION 3
#define ELF_STT_FILE 4

#define ELF_SHN_UNDEF 0
#define ELF_SHN_LORESERVE 0xff00
#define ELF_SHN_ABS 0xfff1
#define ELF_SHN_COMMON 0xfff2

#define ELF_EM_BPF 247

struct elf_sec {
	const char *name;       /* always a valid C string */
	uint32_t type, link, info;
	uint64_t flags, size, entsize;
	const uint8_t *data;    /* size bytes inside the file; NULL for SHT_NOBITS */
};

struct elf_sym {
	const char *name;       /* always a valid C string, "" when unnamed */
	uint8_t bind, type;
	uint16_t shndx;
	uint64_t value, size;
};

struct elf_rel {
	uint64_t offset;
	uint32_t sym;           /* < elf_file.sym_cnt */
	uint32_t type;
	int64_t addend;         /* 0 for SHT_REL */
};

struct elf_file {
	const char *name;       /* for messages */
	const uint8_t *buf;
	size_t len;
	uint32_t sec_cnt;
	struct elf_sec *secs;
	uint32_t symtab_idx;    /* 0 when the file has no symbol table */
	uint32_t sym_cnt;
	struct elf_sym *syms;
};

/* Parses the headers, sections and symbol table of buf (not copied; must
 * outlive the result). */
int elf_open(struct elf_file *e, const char *name, const uint8_t *buf, size_t len);
void elf_close(struct elf_file *e);

/* Reads and checks the relocations of REL or RELA section `idx`: *out is malloc'd. */
int elf_read_rels(const struct elf_file *e, uint32_t idx, struct elf_rel **out, uint32_t *cnt);

/* Index of the first section named `name`, or 0. */
uint32_t elf_find_sec(const struct elf_file *e, const char *name);

/* Reports an error about section idx: "NAME: section IDX (SEC): message". */
int elf_sec_errorf(const struct elf_file *e, uint32_t idx, int err, const char *fmt, ...)
#if defined(__GNUC__) || defined(__clang__)
	__attribute__((format(printf, 4, 5)))
#endif
	;

/* Little-endian reads from a buffer the caller has bounds-checked. */
static inline uint16_t rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static inline uint32_t rd32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static inline uint64_t rd64(const uint8_t *p)
{
	return (uint64_t)rd32(p) | (uint64_t)rd32(p + 4) << 32;
}

/* True when [off, off + size) lies within [0, limit). */
static inline bool in_bounds(uint64_t off, uint64_t size, uint64_t limit)
{
	return off <= limit && size <= limit - off;
}

#endif
