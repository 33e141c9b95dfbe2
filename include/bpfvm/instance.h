/* An object brought to life: its maps created (global data filled with the
 * object's initial values, .rodata frozen, prog arrays and maps-of-maps given
 * their static slots) and its programs loaded against them — what libbpf's
 * bpf_object__load does. The object (object.h) stays an immutable description;
 * any number of instances may be made from one object. */
#ifndef BPFVM_INSTANCE_H
#define BPFVM_INSTANCE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bpfvm/exec.h"

#ifdef __cplusplus
extern "C" {
#endif

struct bpfvm_object;
struct bpfvm_instance;
struct bpfvm_prog;
struct bpfvm_map;

struct bpfvm_instance_opts {
	size_t sz; /* sizeof(struct bpfvm_instance_opts) */
	enum bpfvm_engine engine;
	bool jit_harden;
	/* Programs whose type bpfvm cannot run (kprobe, tracepoint, ...) are
	 * left unloaded instead of failing the whole load. */
	bool skip_unrunnable;
};

/* Fails, as libbpf does, when any map cannot be created or any program fails
 * to load; the message names the object, the program or map, and why. */
int bpfvm_object_load(const struct bpfvm_object *obj, const struct bpfvm_instance_opts *opts,
		      struct bpfvm_instance **out);
void bpfvm_instance_free(struct bpfvm_instance *inst);

/* The loaded program named `name` (libbpf's program name), or NULL. */
struct bpfvm_prog *bpfvm_instance_prog(const struct bpfvm_instance *inst, const char *name);
/* The loaded program whose code is `exec` (what a prog array slot holds), or NULL. */
struct bpfvm_prog *bpfvm_instance_prog_of(const struct bpfvm_instance *inst,
					  const struct bpfvm_exec *exec);
/* The maps, in the object's order (bpfvm_object_map()). */
uint32_t bpfvm_instance_map_count(const struct bpfvm_instance *inst);
struct bpfvm_map *bpfvm_instance_map(const struct bpfvm_instance *inst, uint32_t idx);
/* The map named `name` (libbpf's name, or a global-data section name), or NULL. */
struct bpfvm_map *bpfvm_instance_find_map(const struct bpfvm_instance *inst, const char *name);

#ifdef __cplusplus
}
#endif
#endif
