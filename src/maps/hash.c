/* BPF_MAP_TYPE_HASH: the plain hash map (maps/htab.c does the work). Full
 * maps refuse new keys with -E2BIG; BPF_F_NO_PREALLOC grows the element pool on
 * demand instead of allocating max_entries elements at create. */
#include "maps/htab.h"

const struct bpfvm_map_ops bpfvm_hash_ops = {
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
