/* BPF_MAP_TYPE_CGROUP_ARRAY: the cgroups bpf_skb_under_cgroup and
 * bpf_current_task_under_cgroup test against. As in Linux, user space stores
 * a file descriptor of a cgroup v2 directory (4-byte values, BPF_ANY only,
 * -EBADF for anything else); the slot keeps the cgroup's id, the directory's
 * inode number (what bpf_get_current_cgroup_id reports for it). Programs
 * cannot look slots up, and neither can user space (Linux: -ENOTSUPP; here
 * -EOPNOTSUPP), so `bpfvm run --json` lists the map as []. From the CLI, open
 * the directory on a descriptor of bpfvm's and name it:
 * `bpfvm run ... --map cg 00000000 03000000 3</sys/fs/cgroup/foo`. */
#include <errno.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/vfs.h>

#include "maps/array.h"
#include "maps/map.h"
#include "util/error.h"

#define CGROUP2_SUPER_MAGIC 0x63677270

struct cg_array {
	struct bpfvm_map map;
	_Atomic uint64_t ino[]; /* 0: empty */
};

static struct cg_array *to_cg(struct bpfvm_map *map)
{
	return (struct cg_array *)map;
}

uint64_t bpfvm_cgroup_array_get(struct bpfvm_map *map, uint32_t index)
{
	if (map->type != BPFVM_MAP_TYPE_CGROUP_ARRAY || index >= map->max_entries)
		return 0;
	return atomic_load_explicit(&to_cg(map)->ino[index], memory_order_acquire);
}

static int cg_check(const struct bpfvm_map_create_opts *opts)
{
	if (opts->value_size != 4 || (opts->map_flags & (BPFVM_F_MMAPABLE | BPFVM_F_INNER_MAP)))
		return bpfvm_errorf(-EINVAL, "value_size must be 4 (a cgroup fd; got %u), without "
				    "BPF_F_MMAPABLE or BPF_F_INNER_MAP", opts->value_size);
	return bpfvm_array_check(opts);
}

static int cg_create(struct bpfvm_map **out, const struct bpfvm_map_create_opts *opts)
{
	struct cg_array *a = calloc(1, sizeof(*a) + (size_t)opts->max_entries * sizeof(a->ino[0]));

	if (!a)
		return bpfvm_errorf(-ENOMEM, "out of memory for map '%s'",
				    opts->name ? opts->name : "");
	for (uint32_t i = 0; i < opts->max_entries; i++)
		atomic_init(&a->ino[i], 0);
	bpfvm_map_init(&a->map, opts);
	*out = &a->map;
	return 0;
}

static void cg_free(struct bpfvm_map *map)
{
	free(map);
}

static int cg_user_lookup(struct bpfvm_map *map, const void *key, void *value, uint64_t flags)
{
	(void)key;
	(void)value;
	(void)flags;
	return bpfvm_errorf(-EOPNOTSUPP, "map '%s': cgroup array slots cannot be read",
			    map->name);
}

static int cg_user_update(struct bpfvm_map *map, const void *key, const void *value,
			  uint64_t flags)
{
	uint32_t index = *(const uint32_t *)key;
	int fd = *(const int32_t *)value;
	struct statfs sfs;
	struct stat st;

	if (flags != BPFVM_ANY)
		return bpfvm_errorf(-EINVAL, "map '%s': only BPF_ANY updates", map->name);
	if (index >= map->max_entries)
		return bpfvm_errorf(-E2BIG, "map '%s': index %u is past max_entries %u",
				    map->name, index, map->max_entries);
	if (fd < 0 || fstat(fd, &st) || fstatfs(fd, &sfs) || !S_ISDIR(st.st_mode) ||
	    sfs.f_type != CGROUP2_SUPER_MAGIC)
		return bpfvm_errorf(-EBADF, "map '%s': %d is not a file descriptor of a cgroup v2 "
				    "directory", map->name, fd);
	atomic_store_explicit(&to_cg(map)->ino[index], (uint64_t)st.st_ino, memory_order_release);
	return 0;
}

static long cg_delete(struct bpfvm_map *map, const void *key)
{
	uint32_t index = *(const uint32_t *)key;

	if (index >= map->max_entries)
		return -E2BIG;
	if (!atomic_exchange(&to_cg(map)->ino[index], 0))
		return -ENOENT;
	return 0;
}

static int cg_user_delete(struct bpfvm_map *map, const void *key)
{
	long err = cg_delete(map, key);

	if (err)
		return bpfvm_errorf((int)err, "map '%s': %s", map->name,
				    err == -ENOENT ? "slot is empty" : "index past max_entries");
	return 0;
}

const struct bpfvm_map_ops bpfvm_cgroup_array_ops = {
	.check = cg_check,
	.create = cg_create,
	.free = cg_free,
	.delete = cg_delete,
	.get_next_key = bpfvm_array_get_next_key,
	.user_lookup = cg_user_lookup,
	.user_update = cg_user_update,
	.user_delete = cg_user_delete,
};
