/* bench_obj_open OBJ... : how long opening an object takes (ELF, BTF, BTF.ext,
 * maps, linking every program), best and mean of repeated opens from memory,
 * plus one open from the file. Opening a 1 MB object should take milliseconds. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "bpfvm/error.h"
#include "bpfvm/object.h"

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: bench_obj_open OBJ...\n");
		return 2;
	}
	for (int a = 1; a < argc; a++) {
		FILE *f = fopen(argv[a], "rb");
		struct bpfvm_object *obj;
		double best = 1e30, total = 0, t;
		uint64_t insns = 0;
		uint8_t *buf;
		long len;
		int runs = 20;

		if (!f) {
			perror(argv[a]);
			return 2;
		}
		fseek(f, 0, SEEK_END);
		len = ftell(f);
		fseek(f, 0, SEEK_SET);
		buf = malloc((size_t)len);
		if (!buf || fread(buf, 1, (size_t)len, f) != (size_t)len) {
			fprintf(stderr, "%s: read error\n", argv[a]);
			return 2;
		}
		fclose(f);
		t = now_ms();
		if (bpfvm_object_open(argv[a], NULL, &obj)) {
			fprintf(stderr, "%s\n", bpfvm_last_error());
			return 1;
		}
		t = now_ms() - t;
		for (uint32_t i = 0; i < bpfvm_object_program_count(obj); i++)
			insns += bpfvm_program_insn_cnt(bpfvm_object_program(obj, i));
		printf("%s: %ld bytes, %u programs (%llu linked insns), %u maps; from file %.2f ms\n",
		       argv[a], len, bpfvm_object_program_count(obj), (unsigned long long)insns,
		       bpfvm_object_map_count(obj), t);
		bpfvm_object_free(obj);
		for (int r = 0; r < runs; r++) {
			double t0 = now_ms();

			if (bpfvm_object_open_mem(buf, (size_t)len, NULL, &obj))
				return 1;
			t = now_ms() - t0;
			bpfvm_object_free(obj);
			total += t;
			if (t < best)
				best = t;
		}
		printf("  from memory: best %.2f ms, mean %.2f ms over %d opens\n", best, total / runs,
		       runs);
		free(buf);
	}
	return 0;
}
