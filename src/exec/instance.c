/* Loading an object into the runtime (see include/bpfvm/instance.h): maps
 * first, in the object's order, so that map-in-map templates exist; then
 * programs; then the static slots of prog arrays, which name programs. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bpfvm/instance.h"
#include "bpfvm/map.h"
#include "bpfvm/object.h"
#include "bpfvm/prog.h"
#include "progtype/progtype.h"
#include "util/error.h"

struct bpfvm_instance {
	const struct bpfvm_object *obj;
	struct bpfvm_map **maps;
	uint32_t map_cnt;
	struct bpfvm_prog **progs; /* by object program index; NULL when not loaded */
	uint32_t prog_cnt;
};

static int create_map(struct bpfvm_instance *inst, uint32_t idx)
{
	const struct bpfvm_map_def *def = bpfvm_object_map(inst->obj, idx);
	struct bpfvm_map_create_opts opts = { .sz = sizeof(opts) };
	struct bpfvm_map *inner = NULL, *map;
	uint32_t key = 0;
	int err;

	opts.map_type = def->type;
	opts.key_size = def->key_size;
	opts.value_size = def->value_size;
	opts.max_entries = def->max_entries;
	/* As libbpf: a perf event array without a size gets one slot per CPU. */
	if (def->type == BPFVM_MAP_TYPE_PERF_EVENT_ARRAY && !opts.max_entries)
		opts.max_entries = (uint32_t)bpfvm_num_possible_cpus();
	opts.map_flags = def->map_flags;
	opts.name = def->name;
	if (def->spin_lock_off >= 0) {
		opts.has_spin_lock = true;
		opts.spin_lock_off = (uint32_t)def->spin_lock_off;
	}
	if (def->inner) {
		struct bpfvm_map_create_opts iopts = { .sz = sizeof(iopts) };

		iopts.map_type = def->inner->type;
		iopts.key_size = def->inner->key_size;
		iopts.value_size = def->inner->value_size;
		iopts.max_entries = def->inner->max_entries;
		iopts.map_flags = def->inner->map_flags;
		iopts.name = def->inner->name;
		if (def->inner->spin_lock_off >= 0) {
			iopts.has_spin_lock = true;
			iopts.spin_lock_off = (uint32_t)def->inner->spin_lock_off;
		}
		if ((err = bpfvm_map_create(&iopts, &inner)))
			goto fail;
		opts.inner_map = inner;
	} else if (def->inner_map_idx >= 0 && (uint32_t)def->inner_map_idx < idx) {
		opts.inner_map = inst->maps[def->inner_map_idx];
	}
	err = bpfvm_map_create(&opts, &map);
	bpfvm_map_free(inner);
	if (err)
		goto fail;
	inst->maps[idx] = map;
	if (def->origin == BPFVM_MAP_GLOBAL_DATA) {
		if (def->initial_value &&
		    (err = bpfvm_map_update_elem(map, &key, def->initial_value, BPFVM_ANY)))
			goto fail;
		if (def->frozen && (err = bpfvm_map_freeze(map)))
			goto fail;
	}
	return 0;
fail:
	bpfvm_error_prefix("map '%s': ", def->name);
	return err;
}

static bool runnable(uint32_t prog_type)
{
	return bpfvm_progtype_get(prog_type) != NULL;
}

/* "file.c:42" for verifier messages, from the object's line info. The buffer
 * is per thread: the verifier copies the text before asking again. */
static const char *line_of(void *cookie, uint32_t insn)
{
	static _Thread_local char buf[256];

	return bpfvm_program_source_pos(cookie, insn, buf, sizeof(buf));
}

static int load_program(struct bpfvm_instance *inst, uint32_t idx,
			const struct bpfvm_instance_opts *opts)
{
	struct bpfvm_program *p = bpfvm_object_program(inst->obj, idx);
	struct bpfvm_prog_load_opts lopts = { .sz = sizeof(lopts) };
	int err;

	if (!bpfvm_program_type(p) && bpfvm_program_legacy_type(p))
		bpfvm_program_set_type(p, bpfvm_program_legacy_type(p));
	if (opts->skip_unrunnable && (bpfvm_program_error(p) || !runnable(bpfvm_program_type(p))))
		return 0;
	if (bpfvm_program_error(p))
		return bpfvm_errorf(-ENOEXEC, "%s", bpfvm_program_error(p));
	lopts.name = bpfvm_program_name(p);
	lopts.prog_type = bpfvm_program_type(p);
	lopts.expected_attach_type = bpfvm_program_expected_attach_type(p);
	lopts.engine = opts->engine;
	lopts.jit_harden = opts->jit_harden;
	lopts.maps = inst->maps;
	lopts.map_cnt = inst->map_cnt;
	lopts.line_of = line_of;
	lopts.line_cookie = p;
	err = bpfvm_prog_load(bpfvm_program_insns(p), bpfvm_program_insn_cnt(p), &lopts,
			      &inst->progs[idx]);
	if (err)
		bpfvm_error_prefix("%s: ", bpfvm_program_name(p));
	return err;
}

static int fill_static_slots(struct bpfvm_instance *inst, uint32_t idx)
{
	const struct bpfvm_map_def *def = bpfvm_object_map(inst->obj, idx);

	for (uint32_t i = 0; i < def->init_slot_cnt; i++) {
		const struct bpfvm_map_init_slot *s = &def->init_slots[i];
		int err;

		if (s->is_prog) {
			const struct bpfvm_prog *target =
				s->index < inst->prog_cnt ? inst->progs[s->index] : NULL;

			if (!target)
				return bpfvm_errorf(-ENOENT, "map '%s': slot %u names a program "
						    "that is not loaded", def->name, s->slot);
			err = bpfvm_map_update_prog(inst->maps[idx], &s->slot,
						    bpfvm_prog_exec(target), BPFVM_ANY);
		} else {
			if (s->index >= inst->map_cnt)
				return bpfvm_errorf(-ENOENT, "map '%s': slot %u names map %u of %u",
						    def->name, s->slot, s->index, inst->map_cnt);
			err = bpfvm_map_update_inner(inst->maps[idx], &s->slot,
						     inst->maps[s->index], BPFVM_ANY);
		}
		if (err) {
			bpfvm_error_prefix("map '%s': slot %u: ", def->name, s->slot);
			return err;
		}
	}
	return 0;
}

int bpfvm_object_load(const struct bpfvm_object *obj, const struct bpfvm_instance_opts *opts,
		      struct bpfvm_instance **out)
{
	static const struct bpfvm_instance_opts defaults = { .sz = sizeof(defaults) };
	struct bpfvm_instance *inst;
	int err = 0;

	*out = NULL;
	if (!opts)
		opts = &defaults;
	inst = calloc(1, sizeof(*inst));
	if (!inst)
		return bpfvm_errorf(-ENOMEM, "out of memory");
	inst->obj = obj;
	inst->map_cnt = bpfvm_object_map_count(obj);
	inst->prog_cnt = bpfvm_object_program_count(obj);
	inst->maps = calloc(inst->map_cnt + 1, sizeof(*inst->maps));
	inst->progs = calloc(inst->prog_cnt + 1, sizeof(*inst->progs));
	if (!inst->maps || !inst->progs)
		err = bpfvm_errorf(-ENOMEM, "out of memory");
	for (uint32_t i = 0; i < inst->map_cnt && !err; i++)
		err = create_map(inst, i);
	for (uint32_t i = 0; i < inst->prog_cnt && !err; i++)
		err = load_program(inst, i, opts);
	for (uint32_t i = 0; i < inst->map_cnt && !err; i++)
		err = fill_static_slots(inst, i);
	if (err) {
		bpfvm_error_prefix("%s: ", bpfvm_object_name(obj));
		bpfvm_instance_free(inst);
		return err;
	}
	*out = inst;
	return 0;
}

void bpfvm_instance_free(struct bpfvm_instance *inst)
{
	if (!inst)
		return;
	/* Maps first: prog arrays hold pointers to the programs' code. */
	for (uint32_t i = 0; inst->maps && i < inst->map_cnt; i++)
		bpfvm_map_free(inst->maps[i]);
	for (uint32_t i = 0; inst->progs && i < inst->prog_cnt; i++)
		bpfvm_prog_free(inst->progs[i]);
	free(inst->maps);
	free(inst->progs);
	free(inst);
}

struct bpfvm_prog *bpfvm_instance_prog(const struct bpfvm_instance *inst, const char *name)
{
	for (uint32_t i = 0; i < inst->prog_cnt; i++)
		if (inst->progs[i] && !strcmp(bpfvm_prog_name(inst->progs[i]), name))
			return inst->progs[i];
	return NULL;
}

struct bpfvm_prog *bpfvm_instance_prog_of(const struct bpfvm_instance *inst,
					  const struct bpfvm_exec *exec)
{
	for (uint32_t i = 0; i < inst->prog_cnt; i++)
		if (inst->progs[i] && bpfvm_prog_exec(inst->progs[i]) == exec)
			return inst->progs[i];
	return NULL;
}

uint32_t bpfvm_instance_map_count(const struct bpfvm_instance *inst)
{
	return inst->map_cnt;
}

struct bpfvm_map *bpfvm_instance_map(const struct bpfvm_instance *inst, uint32_t idx)
{
	return idx < inst->map_cnt ? inst->maps[idx] : NULL;
}

struct bpfvm_map *bpfvm_instance_find_map(const struct bpfvm_instance *inst, const char *name)
{
	int idx = bpfvm_object_find_map(inst->obj, name);

	return idx < 0 ? NULL : bpfvm_instance_map(inst, (uint32_t)idx);
}
