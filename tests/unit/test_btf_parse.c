/* BTF and .BTF.ext parsing on hand-made objects: every kind (incl. ENUM64,
 * FLOAT, DECL_TAG, TYPE_TAG) with sizes and member offsets resolved, and the
 * malformed cases (loops, bad strings, bad references, truncation, overflow)
 * refused with a message naming the section. */
#include <stdio.h>
#include <string.h>

#include "bpfvm/error.h"
#include "bpfvm/object.h"
#include "obj_elf_build.h"
#include "test.h"

struct strtab {
	char buf[512];
	uint32_t len;
};

static uint32_t str_add(struct strtab *t, const char *s)
{
	uint32_t off = t->len;

	if (!t->len) {
		t->buf[0] = '\0';
		t->len = off = 1;
	}
	memcpy(t->buf + t->len, s, strlen(s) + 1);
	t->len += (uint32_t)strlen(s) + 1;
	return off;
}

/* Opens an object holding just this BTF (and a .data section of 48 bytes). */
static int open_btf(const uint32_t *types, size_t words, const char *strs, size_t str_len,
		    struct bpfvm_object **obj)
{
	static const uint8_t data[48] = { 1 };
	uint8_t *btf, *elf;
	size_t btf_len = btf_build(types, words, strs, str_len, &btf), elf_len;
	struct tsec secs[] = {
		{ .name = ".BTF", .type = 1, .data = btf, .size = btf_len },
		{ .name = ".data", .type = 1, .flags = 3, .data = data, .size = sizeof(data) },
	};
	struct bpfvm_object_open_opts opts = { .sz = sizeof(opts), .name = "hand.o" };
	int err;

	elf_len = elf_build(secs, 2, &elf);
	err = bpfvm_object_open_mem(elf, elf_len, &opts, obj);
	free(btf);
	free(elf);
	return err;
}

static void test_all_kinds(void)
{
	struct strtab s = { .len = 0 };
	uint32_t n_int = str_add(&s, "int"), n_s = str_add(&s, "s"), n_a = str_add(&s, "a");
	uint32_t n_b = str_add(&s, "b"), n_c = str_add(&s, "c"), n_e = str_add(&s, "E64");
	uint32_t n_v1 = str_add(&s, "V1"), n_v2 = str_add(&s, "V2"), n_f = str_add(&s, "f32");
	uint32_t n_t = str_add(&s, "T"), n_tag = str_add(&s, "tag"), n_x = str_add(&s, "x");
	uint32_t n_fn = str_add(&s, "fn"), n_var = str_add(&s, "var");
	uint32_t n_data = str_add(&s, ".data");
	const uint32_t types[] = {
		/* 1 */ n_int, BTF_INFO(1, 0, 0), 4, 1u << 24 | 32,
		/* 2 */ 0, BTF_INFO(2, 0, 0), 1,
		/* 3 */ 0, BTF_INFO(3, 0, 0), 0, 1, 1, 10,
		/* 4 */ n_s, BTF_INFO(4, 1, 3), 48,
			n_a, 1, 0,
			n_b, 3, 32,
			n_c, 1, 5u << 24 | 352,
		/* 5 */ n_e, BTF_INFO(19, 0, 2), 8, n_v1, 1, 2, n_v2, 0xffffffff, 0xffffffff,
		/* 6 */ n_f, BTF_INFO(16, 0, 0), 4,
		/* 7 */ n_t, BTF_INFO(8, 0, 0), 4,
		/* 8 */ 0, BTF_INFO(10, 0, 0), 7,
		/* 9 */ n_tag, BTF_INFO(18, 0, 0), 2,
		/* 10 */ 0, BTF_INFO(13, 0, 1), 1, n_x, 9,
		/* 11 */ n_fn, BTF_INFO(12, 0, 1), 10,
		/* 12 */ n_tag, BTF_INFO(17, 0, 0), 4, 1,
		/* 13 */ n_tag, BTF_INFO(17, 0, 0), 11, 0,
		/* 14 */ n_var, BTF_INFO(14, 0, 0), 8, 1,
		/* 15 */ n_data, BTF_INFO(15, 0, 1), 48, 14, 0, 48,
	};
	struct bpfvm_object *obj;
	const struct bpfvm_btf *btf;
	const char *name;
	uint32_t type, off, bits;
	int err = open_btf(types, sizeof(types) / 4, s.buf, s.len, &obj);

	if (err)
		fprintf(stderr, "%s\n", bpfvm_last_error());
	CHECK(err == 0);
	if (err)
		return;
	btf = bpfvm_object_btf(obj);
	CHECK_EQ_U64(bpfvm_btf_type_count(btf), 16);
	CHECK_EQ_U64(bpfvm_btf_type_size(btf, 1), 4);
	CHECK_EQ_U64(bpfvm_btf_type_size(btf, 2), 8);
	CHECK_EQ_U64(bpfvm_btf_type_size(btf, 3), 40);
	CHECK_EQ_U64(bpfvm_btf_type_size(btf, 4), 48);
	CHECK_EQ_U64(bpfvm_btf_type_size(btf, 5), 8);
	CHECK_EQ_U64(bpfvm_btf_type_size(btf, 6), 4);
	CHECK_EQ_U64(bpfvm_btf_type_size(btf, 7), 48);
	CHECK_EQ_U64(bpfvm_btf_type_size(btf, 8), 48);
	CHECK_EQ_U64(bpfvm_btf_type_size(btf, 9), 8);
	CHECK_EQ_U64(bpfvm_btf_type_size(btf, 14), 48);
	CHECK_EQ_U64(bpfvm_btf_type_size(btf, 15), 48);
	CHECK_EQ_U64(bpfvm_btf_type_kind(btf, 5), BPFVM_BTF_KIND_ENUM64);
	CHECK_EQ_U64(bpfvm_btf_type_kind(btf, 9), BPFVM_BTF_KIND_TYPE_TAG);
	CHECK_EQ_U64(bpfvm_btf_type_kind(btf, 12), BPFVM_BTF_KIND_DECL_TAG);
	CHECK_EQ_U64(bpfvm_btf_type_kind(btf, 6), BPFVM_BTF_KIND_FLOAT);
	CHECK_EQ_U64(bpfvm_btf_type_vlen(btf, 5), 2);
	CHECK_EQ_U64(bpfvm_btf_type_ref(btf, 3), 1);
	CHECK_EQ_U64(bpfvm_btf_type_ref(btf, 12), 4);
	CHECK_STR(bpfvm_btf_type_name(btf, 5), "E64");
	CHECK_STR(bpfvm_btf_type_name(btf, 2), "");
	CHECK(!bpfvm_btf_member(btf, 4, 1, &name, &type, &off, &bits));
	CHECK_STR(name, "b");
	CHECK_EQ_U64(type, 3);
	CHECK_EQ_U64(off, 32);
	CHECK_EQ_U64(bits, 0);
	CHECK(!bpfvm_btf_member(btf, 4, 2, &name, &type, &off, &bits));
	CHECK_EQ_U64(off, 352);
	CHECK_EQ_U64(bits, 5);
	CHECK(bpfvm_btf_member(btf, 4, 3, &name, &type, &off, &bits) < 0);
	CHECK_EQ_U64(bpfvm_btf_find(btf, BPFVM_BTF_KIND_FUNC, "fn"), 11);
	CHECK(bpfvm_btf_find(btf, BPFVM_BTF_KIND_FUNC, "nope") < 0);
	/* The .data map is typed by its DATASEC, mmap-able for its global var. */
	CHECK_EQ_U64(bpfvm_object_map_count(obj), 1);
	CHECK_EQ_U64(bpfvm_object_map(obj, 0)->btf_value_type_id, 15);
	CHECK_EQ_U64(bpfvm_object_map(obj, 0)->map_flags, 0x400);
	CHECK_STR(bpfvm_object_map(obj, 0)->name, "hand.data");
	bpfvm_object_free(obj);
}

/* Expects the BTF to be refused with a message containing `want`. */
static void expect_bad(const char *what, const uint32_t *types, size_t words, const char *strs,
		       size_t str_len, const char *want)
{
	struct bpfvm_object *obj = NULL;
	int err = open_btf(types, words, strs, str_len, &obj);

	CHECK(err < 0);
	if (err >= 0) {
		fprintf(stderr, "%s: opened\n", what);
		bpfvm_object_free(obj);
		return;
	}
	if (!strstr(bpfvm_last_error(), want) || strncmp(bpfvm_last_error(), "hand.o: section 1 (.BTF): ", 26)) {
		fprintf(stderr, "%s: message '%s' lacks '%s'\n", what, bpfvm_last_error(), want);
		CHECK(!"message");
	}
}

static void test_malformed(void)
{
	static const char strs[] = "\0int\0T";
	const uint32_t loop[] = { 5, BTF_INFO(8, 0, 0), 2, 5, BTF_INFO(8, 0, 0), 1 };
	const uint32_t self_array[] = { 0, BTF_INFO(3, 0, 0), 0, 1, 1, 4 };
	const uint32_t bad_name[] = { 4096, BTF_INFO(1, 0, 0), 4, 32 };
	const uint32_t bad_ref[] = { 1, BTF_INFO(2, 0, 0), 99 };
	const uint32_t bad_kind[] = { 1, BTF_INFO(25, 0, 0), 4 };
	const uint32_t truncated[] = { 1, BTF_INFO(4, 0, 5), 8, 1, 0, 0 };
	const uint32_t beyond[] = { 1, BTF_INFO(1, 0, 0), 4, 32, 0, BTF_INFO(4, 0, 1), 4, 1, 1, 32 };
	const uint32_t bad_enum[] = { 1, BTF_INFO(6, 0, 0), 3 };
	const uint32_t bad_int[] = { 1, BTF_INFO(1, 0, 0), 4, 64 };
	const uint32_t bad_tag[] = { 1, BTF_INFO(1, 0, 0), 4, 32, 5, BTF_INFO(17, 0, 0), 1, 0 };
	const uint32_t overflow[] = { 1, BTF_INFO(1, 0, 0), 4, 32, 0, BTF_INFO(3, 0, 0), 0, 1, 1,
				      0x10000, 0, BTF_INFO(3, 0, 0), 0, 2, 1, 0x10000 };
	const uint32_t bad_func[] = { 1, BTF_INFO(1, 0, 0), 4, 32, 5, BTF_INFO(12, 0, 0), 1 };
	uint32_t deep[3 * 70];

	expect_bad("typedef loop", loop, 6, strs, sizeof(strs), "loop");
	expect_bad("array of itself", self_array, 6, strs, sizeof(strs), "loop");
	expect_bad("name offset", bad_name, 4, strs, sizeof(strs),
		   "type 1: string offset 4096 beyond string table of 7 bytes");
	expect_bad("no NUL", bad_ref, 3, "\0intT", 5, "does not start and end with NUL");
	expect_bad("reference", bad_ref, 3, strs, sizeof(strs), "out of range");
	expect_bad("kind", bad_kind, 3, strs, sizeof(strs), "unknown kind 25");
	expect_bad("truncated struct", truncated, 6, strs, sizeof(strs), "truncated");
	expect_bad("member beyond", beyond, 10, strs, sizeof(strs), "beyond struct size 4");
	expect_bad("enum size", bad_enum, 3, strs, sizeof(strs), "ENUM size");
	expect_bad("int bits", bad_int, 4, strs, sizeof(strs), "INT bits");
	expect_bad("decl tag component", bad_tag, 8, strs, sizeof(strs), "DECL_TAG");
	expect_bad("array overflow", overflow, 16, strs, sizeof(strs), "overflows");
	expect_bad("func without proto", bad_func, 7, strs, sizeof(strs), "FUNC_PROTO");
	for (uint32_t i = 0; i < 70; i++) {
		deep[3 * i] = 5;
		deep[3 * i + 1] = BTF_INFO(8, 0, 0);
		deep[3 * i + 2] = i + 2 <= 70 ? i + 2 : 0;
	}
	deep[3 * 69 + 2] = 0;
	expect_bad("deep chain", deep, sizeof(deep) / 4, strs, sizeof(strs), "too deep");
}

/* An object with one program "prog" in section "xdp", BTF for it and the
 * given .BTF.ext. */
static int open_with_ext(const uint8_t *ext, size_t ext_len, struct bpfvm_object **obj,
			 uint32_t *file_off)
{
	struct strtab s = { .len = 0 };
	uint32_t n_int = str_add(&s, "int"), n_prog = str_add(&s, "prog");
	uint32_t n_file = str_add(&s, "a.c"), n_line = str_add(&s, "return 0;");
	uint32_t n_sec = str_add(&s, "xdp");
	const uint32_t types[] = {
		n_int, BTF_INFO(1, 0, 0), 4, 1u << 24 | 32,
		0, BTF_INFO(13, 0, 0), 1,
		n_prog, BTF_INFO(12, 0, 1), 2,
	};
	static const uint8_t code[24] = { 0xb7, 0, 0, 0, 0, 0, 0, 0, 0xb7, 0, 0, 0, 1, 0, 0, 0,
					  0x95 };
	struct tbuf syms = { 0 };
	static const char symstr[] = "\0prog";
	uint8_t *btf, *elf;
	size_t btf_len, elf_len;
	struct bpfvm_object_open_opts opts = { .sz = sizeof(opts), .name = "ext.o" };
	int err;

	(void)n_line;
	(void)n_sec;
	*file_off = n_file;
	btf_len = btf_build(types, sizeof(types) / 4, s.buf, s.len, &btf);
	tb_sym(&syms, 0, 0, 0, 0, 0, 0);
	tb_sym(&syms, 1, 1, 2, 1, 0, 24);
	struct tsec secs[] = {
		{ .name = "xdp", .type = 1, .flags = 6, .data = code, .size = sizeof(code) },
		{ .name = ".symtab", .type = 2, .link = 3, .info = 1, .entsize = 24,
		  .data = syms.p, .size = syms.len },
		{ .name = ".strtab", .type = 3, .data = symstr, .size = sizeof(symstr) },
		{ .name = ".BTF", .type = 1, .data = btf, .size = btf_len },
		{ .name = ".BTF.ext", .type = 1, .data = ext, .size = ext_len },
	};
	elf_len = elf_build(secs, 5, &elf);
	err = bpfvm_object_open_mem(elf, elf_len, &opts, obj);
	free(btf);
	free(elf);
	free(syms.p);
	return err;
}

/* .BTF.ext with one func_info and one line_info record in section "xdp". */
static size_t ext_build(uint32_t func_type, uint32_t line_insn_off, uint32_t line_file,
			uint8_t **out)
{
	struct tbuf b = { 0 };
	uint32_t sec_name = 24; /* "xdp" in the table of open_with_ext */

	tb_u16(&b, 0xeb9f);
	tb_put(&b, "\001\000", 2);
	tb_u32(&b, 32);
	tb_u32(&b, 0);          /* func_info off */
	tb_u32(&b, 20);         /* func_info len: rec size + 8 + 8 */
	tb_u32(&b, 20);         /* line_info off */
	tb_u32(&b, 28);         /* line_info len: rec size + 8 + 16 */
	tb_u32(&b, 48);         /* core_relo off */
	tb_u32(&b, 0);
	tb_u32(&b, 8);
	tb_u32(&b, sec_name);
	tb_u32(&b, 1);
	tb_u32(&b, 0);
	tb_u32(&b, func_type);
	tb_u32(&b, 16);
	tb_u32(&b, sec_name);
	tb_u32(&b, 1);
	tb_u32(&b, line_insn_off);
	tb_u32(&b, line_file);
	tb_u32(&b, line_file + 4);
	tb_u32(&b, 7u << 10 | 3);
	*out = b.p;
	return b.len;
}

static void test_ext(void)
{
	struct bpfvm_object *obj;
	uint32_t file_off = 10;
	uint8_t *ext;
	size_t len = ext_build(3, 8, file_off, &ext);
	int err = open_with_ext(ext, len, &obj, &file_off);

	free(ext);
	if (err)
		fprintf(stderr, "%s\n", bpfvm_last_error());
	CHECK(err == 0);
	if (!err) {
		const struct bpfvm_program *p = bpfvm_object_program(obj, 0);
		const struct bpfvm_line_info *li;

		CHECK(p && !bpfvm_program_error(p));
		CHECK_EQ_U64(bpfvm_program_func(p, 0)->btf_type_id, 3);
		CHECK(bpfvm_program_line_info(p, 0) == NULL);
		li = bpfvm_program_line_info(p, 2);
		CHECK(li != NULL);
		if (li) {
			CHECK_EQ_U64(li->insn_idx, 1);
			CHECK_EQ_U64(li->line, 7);
			CHECK_EQ_U64(li->column, 3);
			CHECK_STR(li->file, "a.c");
			CHECK_STR(li->text, "return 0;");
		}
		bpfvm_object_free(obj);
	}
	len = ext_build(3, 800, file_off, &ext);
	err = open_with_ext(ext, len, &obj, &file_off);
	free(ext);
	CHECK(err < 0 && strstr(bpfvm_last_error(), "outside the section"));
	len = ext_build(2, 8, file_off, &ext);
	err = open_with_ext(ext, len, &obj, &file_off);
	free(ext);
	CHECK(err < 0 && strstr(bpfvm_last_error(), "is not a FUNC"));
	len = ext_build(3, 8, 5000, &ext);
	err = open_with_ext(ext, len, &obj, &file_off);
	free(ext);
	CHECK(err < 0 && strstr(bpfvm_last_error(), "ext.o: section 5 (.BTF.ext): line_info"));
	len = ext_build(3, 8, file_off, &ext);
	err = open_with_ext(ext, len - 4, &obj, &file_off);
	free(ext);
	CHECK(err < 0 && strstr(bpfvm_last_error(), "beyond section of 76 bytes"));
}

int main(void)
{
	test_all_kinds();
	test_malformed();
	test_ext();
	return test_exit();
}
