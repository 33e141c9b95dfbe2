/* BPF_MAP_TYPE_PERCPU_HASH: a hash map whose every element holds one value
 * per CPU; programs see their thread's slot, user space all of them
 * (round_up(value_size, 8) bytes each). */
#include "maps/htab.h"

const struct bpfvm_map_ops bpfvm_percpu_hash_ops = {
	.check = bpfvm_htab_check,
	.create = bpfvm_htab_create,
	.free = bpfvm_htab_free,
	.lookup = bpfvm_htab_lookup,
	.update = bpfvm_htab_prog_update,
	.delete = bpfvm_htab_delete,
	.for_each = bpfvm_htab_for_each,
	.get_next_key = bpfvm_htab_get_next_key,
	.user_lookup = bpfvm_htab_user_lookup,
	.user_update = bpfvm_htab_user_update,
	.user_delete = bpfvm_htab_user_delete,
	.user_lookup_and_delete = bpfvm_htab_user_lookup_and_delete,
};
