/* The map helpers: thin calls into the map layer's program-side ops. The map
 * argument is the `struct bpfvm_map *` the program's lddw loaded. */
#include <errno.h>

#include "helpers/helpers.h"
#include "maps/map.h"

#define MAP(r) ((struct bpfvm_map *)(uintptr_t)(r))
#define PTR(r) ((void *)(uintptr_t)(r))

BPFVM_HELPER(map_lookup_elem)
{
	return (uint64_t)(uintptr_t)bpfvm_map_prog_lookup(MAP(r1), PTR(r2));
}

BPFVM_HELPER(map_update_elem)
{
	return (uint64_t)bpfvm_map_prog_update(MAP(r1), PTR(r2), PTR(r3), r4);
}

BPFVM_HELPER(map_delete_elem)
{
	return (uint64_t)bpfvm_map_prog_delete(MAP(r1), PTR(r2));
}

BPFVM_HELPER(map_push_elem)
{
	return (uint64_t)bpfvm_map_prog_push(MAP(r1), PTR(r2), r3);
}

BPFVM_HELPER(map_pop_elem)
{
	return (uint64_t)bpfvm_map_prog_pop(MAP(r1), PTR(r2));
}

BPFVM_HELPER(map_peek_elem)
{
	return (uint64_t)bpfvm_map_prog_peek(MAP(r1), PTR(r2));
}

/* r1 is the context, unchanged; the engine jumps to the program returned. */
BPFVM_HELPER(tail_call)
{
	return (uint64_t)(uintptr_t)bpfvm_prog_array_get(MAP(r2), (uint32_t)r3);
}

struct for_each_ctx {
	struct bpfvm_run *run;
	uint32_t insn_idx;
	uint64_t cb_ctx;
};

static int for_each_call(struct bpfvm_map *map, void *key, void *value, void *ctx)
{
	struct for_each_ctx *c = ctx;

	return bpfvm_exec_call(c->run, c->insn_idx, (uint64_t)(uintptr_t)map,
			       (uint64_t)(uintptr_t)key, (uint64_t)(uintptr_t)value, c->cb_ctx,
			       0) != 0 ||
	       c->run->error;
}

/* callback(map, key, value, ctx) returns 0 to go on, 1 to stop. */
BPFVM_HELPER(for_each_map_elem)
{
	struct for_each_ctx c = { run, (uint32_t)r2, r3 };

	if (r4)
		return (uint64_t)-EINVAL;
	return (uint64_t)bpfvm_map_prog_for_each(MAP(r1), for_each_call, &c);
}

BPFVM_HELPER(spin_lock)
{
	bpfvm_spin_lock(PTR(r1));
	return 0;
}

BPFVM_HELPER(spin_unlock)
{
	bpfvm_spin_unlock(PTR(r1));
	return 0;
}
