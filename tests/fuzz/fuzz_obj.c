/* libFuzzer target for the object loader: any byte string is handed to
 * bpfvm_object_open_mem, and whatever opens is walked through the whole
 * public API (programs, line info, maps, BTF), so that a hostile file can
 * neither crash the parser nor leave a model that crashes its readers. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "bpfvm/object.h"

static volatile uint64_t sink;

static void walk(struct bpfvm_object *obj)
{
	const struct bpfvm_btf *btf = bpfvm_object_btf(obj);

	for (uint32_t i = 0; i < bpfvm_object_program_count(obj); i++) {
		const struct bpfvm_program *p = bpfvm_object_program(obj, i);
		const struct bpfvm_insn *insns = bpfvm_program_insns(p);
		uint32_t n = bpfvm_program_insn_cnt(p);

		sink += strlen(bpfvm_program_name(p)) + strlen(bpfvm_program_section(p));
		for (uint32_t k = 0; k < n; k++) {
			const struct bpfvm_line_info *li = bpfvm_program_line_info(p, k);

			sink += insns[k].code;
			if (li)
				sink += strlen(li->file) + strlen(li->text) + li->line;
		}
		for (uint32_t k = 0; k < bpfvm_program_func_count(p); k++)
			sink += strlen(bpfvm_program_func(p, k)->name);
		for (uint32_t k = 0; k < bpfvm_program_core_relo_count(p); k++)
			sink += strlen(bpfvm_program_core_relo(p, k)->access);
	}
	for (uint32_t i = 0; i < bpfvm_object_map_count(obj); i++) {
		const struct bpfvm_map_def *m = bpfvm_object_map(obj, i);

		sink += strlen(m->name) + m->key_size + m->value_size;
		if (m->initial_value && m->value_size)
			sink += m->initial_value[m->value_size - 1];
		for (uint32_t k = 0; k < m->init_slot_cnt; k++)
			sink += m->init_slots[k].index;
	}
	for (uint32_t id = 0; id < bpfvm_btf_type_count(btf); id++) {
		sink += (uint64_t)bpfvm_btf_type_size(btf, id) + strlen(bpfvm_btf_type_name(btf, id));
		for (uint32_t k = 0; k < bpfvm_btf_type_vlen(btf, id); k++) {
			const char *name;

			if (!bpfvm_btf_member(btf, id, k, &name, NULL, NULL, NULL))
				sink += strlen(name);
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct bpfvm_object *obj;

	if (bpfvm_object_open_mem(data, size, NULL, &obj) == 0) {
		walk(obj);
		bpfvm_object_free(obj);
	}
	return 0;
}
