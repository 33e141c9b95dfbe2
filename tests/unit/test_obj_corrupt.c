/* Corrupted objects: every test object (and a sample of ../shared/ebpf-samples)
 * truncated at every section boundary, with bad section offsets and sizes,
 * string tables without NUL, bad header indexes, and thousands of random byte
 * flips. Each must be refused with a message or opened into a model that can
 * be walked; never a crash or an out-of-bounds read (run it under ASan). */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "bpfvm/error.h"
#include "bpfvm/object.h"
#include "test.h"

static int opened, refused;
static volatile uint64_t sink;

static uint64_t get64(const uint8_t *p)
{
	uint64_t v = 0;

	for (int i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

static void put64(uint8_t *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static void walk(struct bpfvm_object *obj)
{
	for (uint32_t i = 0; i < bpfvm_object_program_count(obj); i++) {
		const struct bpfvm_program *p = bpfvm_object_program(obj, i);

		for (uint32_t k = 0; k < bpfvm_program_insn_cnt(p); k++) {
			const struct bpfvm_line_info *li = bpfvm_program_line_info(p, k);

			sink += bpfvm_program_insns(p)[k].code;
			if (li)
				sink += strlen(li->file) + strlen(li->text);
		}
	}
	for (uint32_t i = 0; i < bpfvm_object_map_count(obj); i++) {
		const struct bpfvm_map_def *m = bpfvm_object_map(obj, i);

		sink += strlen(m->name);
		if (m->initial_value && m->value_size)
			sink += m->initial_value[m->value_size - 1];
	}
}

/* Opens a mutated copy; returns the error (0 when it opened). */
static int try_open(const uint8_t *data, size_t len)
{
	struct bpfvm_object_open_opts opts = { .sz = sizeof(opts), .name = "bad.o" };
	struct bpfvm_object *obj;
	int err = bpfvm_object_open_mem(data, len, &opts, &obj);

	if (err == 0) {
		walk(obj);
		bpfvm_object_free(obj);
		opened++;
		return 0;
	}
	refused++;
	/* A refusal always says why, naming the object. */
	if (strncmp(bpfvm_last_error(), "bad.o: ", 7) != 0) {
		fprintf(stderr, "unexpected message: %s\n", bpfvm_last_error());
		CHECK(!"message names the object");
	}
	return err;
}

static void corrupt(const char *path, const uint8_t *orig, size_t len, int flips)
{
	uint8_t *buf = malloc(len);
	uint64_t shoff = get64(orig + 40);
	uint32_t shnum = orig[60] | orig[61] << 8, shstrndx = orig[62] | orig[63] << 8;
	uint32_t seed = 2166136261u;

	CHECK(shoff + (uint64_t)shnum * 64 <= len);
	/* Truncation at every section boundary and inside the header table:
	 * section headers are at the end, so every cut must be refused. */
	for (uint32_t i = 0; i < shnum; i++) {
		const uint8_t *h = orig + shoff + 64ull * i;
		uint64_t cuts[3] = { get64(h + 24), get64(h + 24) + get64(h + 32), shoff + 64ull * i };

		for (int c = 0; c < 3; c++)
			if (cuts[c] < len)
				CHECK(try_open(orig, (size_t)cuts[c]) < 0);
	}
	/* Section data moved beyond the file, or grown past its end. */
	for (uint32_t i = 1; i < shnum; i++) {
		uint8_t *h = buf + shoff + 64ull * i;
		uint32_t type;

		memcpy(buf, orig, len);
		type = h[4] | h[5] << 8;
		if (type == 8 || type == 0 || get64(h + 32) == 0)
			continue;
		put64(h + 24, len);
		CHECK(try_open(buf, len) == -EINVAL);
		memcpy(buf, orig, len);
		put64(h + 32, (uint64_t)1 << 62);
		CHECK(try_open(buf, len) == -EINVAL);
		memcpy(buf, orig, len);
		/* a section name offset beyond the section name table */
		h[0] = h[1] = h[2] = 0xff;
		CHECK(try_open(buf, len) == -EINVAL);
	}
	/* String tables without a terminating NUL. */
	for (uint32_t i = 1; i < shnum; i++) {
		uint8_t *h = buf + shoff + 64ull * i;
		uint64_t off, size;

		memcpy(buf, orig, len);
		if ((h[4] | h[5] << 8) != 3)
			continue;
		off = get64(h + 24);
		size = get64(h + 32);
		for (uint64_t k = 0; k < size; k++)
			if (buf[off + k] == 0)
				buf[off + k] = 'A';
		CHECK(try_open(buf, len) == -EINVAL);
		if (i == shstrndx)
			CHECK(strstr(bpfvm_last_error(), "section name table") != NULL);
	}
	/* Header fields: section name table index, header entry size. */
	memcpy(buf, orig, len);
	buf[62] = (uint8_t)shnum;
	buf[63] = (uint8_t)(shnum >> 8);
	CHECK(try_open(buf, len) == -EINVAL);
	memcpy(buf, orig, len);
	buf[58] = 63;
	CHECK(try_open(buf, len) == -EINVAL);
	/* Random byte flips anywhere in the file. */
	for (int it = 0; it < flips; it++) {
		int n = 1 + (int)(seed % 8);

		memcpy(buf, orig, len);
		for (int k = 0; k < n; k++) {
			seed = seed * 1103515245u + 12345u;
			buf[(seed >> 4) % len] ^= (uint8_t)(1u << ((seed >> 1) & 7));
		}
		seed = seed * 1103515245u + 12345u;
		try_open(buf, len);
	}
	free(buf);
	(void)path;
}

static int read_file(const char *path, uint8_t **data, size_t *len)
{
	FILE *f = fopen(path, "rb");
	long n;

	if (!f)
		return -1;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	*data = malloc((size_t)n);
	*len = fread(*data, 1, (size_t)n, f);
	fclose(f);
	return 0;
}

static void corrupt_dir(const char *dir, size_t max_size, int flips)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	char path[4096];

	if (!d)
		return;
	while ((de = readdir(d))) {
		size_t n = strlen(de->d_name), len;
		uint8_t *data;

		if (n < 3 || strcmp(de->d_name + n - 2, ".o"))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		if (read_file(path, &data, &len))
			continue;
		if (len <= max_size) {
			struct bpfvm_object *obj;

			/* only objects that open as they are */
			if (!bpfvm_object_open_mem(data, len, NULL, &obj)) {
				bpfvm_object_free(obj);
				corrupt(path, data, len, flips);
			}
		}
		free(data);
	}
	closedir(d);
}

int main(void)
{
	const char *shared = test_shared_dir();
	char dir[4096];

	if (!(getenv("BPFVM_PROGS_SKIP") && *getenv("BPFVM_PROGS_SKIP")))
		corrupt_dir(getenv("BPFVM_PROGS"), 1 << 20, 1500);
	if (shared) {
		static const char *const dirs[] = { "build", "linux", "cilium-examples",
						    "new_linux", "bpf_cilium_test" };

		for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
			snprintf(dir, sizeof(dir), "%s/ebpf-samples/%s", shared, dirs[i]);
			corrupt_dir(dir, 64 << 10, 150);
		}
	}
	if (opened + refused == 0)
		return test_skip("no objects (no clang and no ../shared)");
	printf("%d corrupted objects opened, %d refused\n", opened, refused);
	CHECK(refused > 0);
	return test_exit();
}
