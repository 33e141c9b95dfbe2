/* What every map type shares: creation and reference counting, the rules
 * Linux applies before a type sees a call (frozen maps, read-only flags,
 * BPF_F_LOCK), per-CPU slot assignment, spin-locked value copies, and the
 * batch operations, built on each type's single-element ops as Linux's
 * generic_map_*_batch. */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bpfvm/exec.h"
#include "maps/map.h"
#include "util/error.h"

const struct bpfvm_map_ops *bpfvm_map_ops_get(uint32_t type)
{
	switch (type) {
	case BPFVM_MAP_TYPE_HASH: return &bpfvm_hash_ops;
	case BPFVM_MAP_TYPE_ARRAY: return &bpfvm_array_ops;
	case BPFVM_MAP_TYPE_PROG_ARRAY: return &bpfvm_prog_array_ops;
	case BPFVM_MAP_TYPE_PERF_EVENT_ARRAY: return &bpfvm_perf_event_array_ops;
	case BPFVM_MAP_TYPE_PERCPU_HASH: return &bpfvm_percpu_hash_ops;
	case BPFVM_MAP_TYPE_PERCPU_ARRAY: return &bpfvm_percpu_array_ops;
	case BPFVM_MAP_TYPE_STACK_TRACE: return &bpfvm_stack_trace_ops;
	case BPFVM_MAP_TYPE_CGROUP_ARRAY: return &bpfvm_cgroup_array_ops;
	case BPFVM_MAP_TYPE_LRU_HASH: return &bpfvm_lru_hash_ops;
	case BPFVM_MAP_TYPE_LRU_PERCPU_HASH: return &bpfvm_lru_percpu_hash_ops;
	case BPFVM_MAP_TYPE_LPM_TRIE: return &bpfvm_lpm_trie_ops;
	case BPFVM_MAP_TYPE_ARRAY_OF_MAPS: return &bpfvm_array_of_maps_ops;
	case BPFVM_MAP_TYPE_HASH_OF_MAPS: return &bpfvm_hash_of_maps_ops;
	case BPFVM_MAP_TYPE_QUEUE: return &bpfvm_queue_ops;
	case BPFVM_MAP_TYPE_STACK: return &bpfvm_stack_ops;
	case BPFVM_MAP_TYPE_RINGBUF: return &bpfvm_ringbuf_ops;
	case BPFVM_MAP_TYPE_DEVMAP: return &bpfvm_devmap_ops;
	case BPFVM_MAP_TYPE_DEVMAP_HASH: return &bpfvm_devmap_hash_ops;
	case BPFVM_MAP_TYPE_CPUMAP: return &bpfvm_cpumap_ops;
	case BPFVM_MAP_TYPE_XSKMAP: return &bpfvm_xskmap_ops;
	default: return NULL;
	}
}

static bool is_percpu(uint32_t type)
{
	return type == BPFVM_MAP_TYPE_PERCPU_ARRAY || type == BPFVM_MAP_TYPE_PERCPU_HASH ||
	       type == BPFVM_MAP_TYPE_LRU_PERCPU_HASH;
}

static int ncpus;
static pthread_once_t ncpus_once = PTHREAD_ONCE_INIT;

static void ncpus_init(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	ncpus = n > 0 ? (int)n : 1;
}

int bpfvm_num_possible_cpus(void)
{
	pthread_once(&ncpus_once, ncpus_init);
	return ncpus;
}

uint32_t bpfvm_map_this_cpu(void)
{
	static atomic_uint next_thread;
	static _Thread_local int slot = -1;

	if (slot < 0)
		slot = (int)(atomic_fetch_add_explicit(&next_thread, 1, memory_order_relaxed) %
			     (unsigned)bpfvm_num_possible_cpus());
	return (uint32_t)slot;
}

void bpfvm_map_init(struct bpfvm_map *map, const struct bpfvm_map_create_opts *opts)
{
	static atomic_uint next_id;

	map->type = opts->map_type;
	map->key_size = opts->key_size;
	map->value_size = opts->value_size;
	map->max_entries = opts->max_entries;
	map->map_flags = opts->map_flags;
	map->spin_lock_off = opts->has_spin_lock ? (int32_t)opts->spin_lock_off : -1;
	map->id = atomic_fetch_add(&next_id, 1) + 1;
	map->percpu_stride = is_percpu(opts->map_type) ? (opts->value_size + 7) & ~7u : 0;
	atomic_init(&map->refcnt, 1);
	atomic_init(&map->frozen, false);
	bpfvm_holder_init(&map->held);
	if (opts->inner_map) {
		map->has_inner = true;
		map->inner_type = opts->inner_map->type;
		map->inner_key_size = opts->inner_map->key_size;
		map->inner_value_size = opts->inner_map->value_size;
		map->inner_max_entries = opts->inner_map->max_entries;
		map->inner_flags = opts->inner_map->map_flags;
		map->inner_spin_lock_off = opts->inner_map->spin_lock_off;
	}
	if (opts->name) {
		strncpy(map->name, opts->name, sizeof(map->name) - 1);
		map->name[sizeof(map->name) - 1] = 0;
	}
}

int bpfvm_map_create(const struct bpfvm_map_create_opts *opts, struct bpfvm_map **out)
{
	const struct bpfvm_map_ops *ops;
	uint32_t f;
	int err;

	*out = NULL;
	if (!opts || opts->sz < sizeof(*opts))
		return bpfvm_errorf(-EINVAL, "map create: opts missing or too old (sz)");
	ops = bpfvm_map_ops_get(opts->map_type);
	if (!ops)
		return bpfvm_errorf(-EOPNOTSUPP, "map type %u is not supported", opts->map_type);
	f = opts->map_flags;
	if ((f & BPFVM_F_RDONLY && f & BPFVM_F_WRONLY) ||
	    (f & BPFVM_F_RDONLY_PROG && f & BPFVM_F_WRONLY_PROG))
		return bpfvm_errorf(-EINVAL, "map '%s': read-only and write-only flags together",
				    opts->name ? opts->name : "");
	if (opts->has_spin_lock) {
		if (opts->map_type != BPFVM_MAP_TYPE_HASH && opts->map_type != BPFVM_MAP_TYPE_ARRAY)
			return bpfvm_errorf(-EOPNOTSUPP, "map '%s': bpf_spin_lock is only allowed "
					    "in hash and array map values",
					    opts->name ? opts->name : "");
		if (opts->spin_lock_off % 4 || (uint64_t)opts->spin_lock_off + 4 > opts->value_size)
			return bpfvm_errorf(-EINVAL, "map '%s': bpf_spin_lock at offset %u does "
					    "not fit an aligned place in a %u-byte value",
					    opts->name ? opts->name : "", opts->spin_lock_off,
					    opts->value_size);
	}
	if ((err = ops->check(opts)))
		return bpfvm_error_prefix("map '%s': ", opts->name ? opts->name : ""), err;
	if ((err = ops->create(out, opts)))
		return err;
	(*out)->ops = ops;
	return 0;
}

void bpfvm_map_get(struct bpfvm_map *map)
{
	atomic_fetch_add_explicit(&map->refcnt, 1, memory_order_relaxed);
}

void bpfvm_map_free(struct bpfvm_map *map)
{
	if (map && atomic_fetch_sub_explicit(&map->refcnt, 1, memory_order_acq_rel) == 1) {
		bpfvm_holder_release(&map->held);
		map->ops->free(map);
	}
}

uint32_t bpfvm_map_type(const struct bpfvm_map *map) { return map->type; }
uint32_t bpfvm_map_key_size(const struct bpfvm_map *map) { return map->key_size; }
uint32_t bpfvm_map_value_size(const struct bpfvm_map *map) { return map->value_size; }
uint32_t bpfvm_map_max_entries(const struct bpfvm_map *map) { return map->max_entries; }
uint32_t bpfvm_map_flags(const struct bpfvm_map *map) { return map->map_flags; }
const char *bpfvm_map_name(const struct bpfvm_map *map) { return map->name; }
uint32_t bpfvm_map_id(const struct bpfvm_map *map) { return map->id; }

size_t bpfvm_map_user_value_size(const struct bpfvm_map *map)
{
	if (map->percpu_stride)
		return (size_t)map->percpu_stride * (size_t)bpfvm_num_possible_cpus();
	return map->value_size;
}

int bpfvm_map_freeze(struct bpfvm_map *map)
{
	atomic_store(&map->frozen, true);
	return 0;
}

int bpfvm_map_direct_value_addr(struct bpfvm_map *map, uint32_t off, void **addr)
{
	uint32_t zero = 0;

	if (map->type != BPFVM_MAP_TYPE_ARRAY || map->max_entries != 1)
		return bpfvm_errorf(-EINVAL, "map '%s': direct value access needs a "
				    "single-entry array", map->name);
	if (off >= map->value_size)
		return bpfvm_errorf(-EINVAL, "map '%s': direct value offset %u is past its "
				    "%u-byte value", map->name, off, map->value_size);
	*addr = (char *)map->ops->lookup(map, &zero) + off;
	return 0;
}

void bpfvm_spin_lock(uint32_t *lock)
{
	unsigned spins = 0;

	while (__atomic_exchange_n(lock, 1, __ATOMIC_ACQUIRE)) {
		while (__atomic_load_n(lock, __ATOMIC_RELAXED))
			if (++spins % 128 == 0)
				sched_yield();
	}
}

void bpfvm_spin_unlock(uint32_t *lock)
{
	__atomic_store_n(lock, 0, __ATOMIC_RELEASE);
}

void bpfvm_map_copy_value(const struct bpfvm_map *map, void *dst, const void *src)
{
	uint32_t off = (uint32_t)map->spin_lock_off;

	if (map->spin_lock_off < 0) {
		memcpy(dst, src, map->value_size);
		return;
	}
	memcpy(dst, src, off);
	memcpy((char *)dst + off + 4, (const char *)src + off + 4, map->value_size - off - 4);
}

void bpfvm_map_copy_value_locked(const struct bpfvm_map *map, void *dst, const void *src,
				 bool lock_src)
{
	uint32_t *lock = (uint32_t *)((char *)(lock_src ? (void *)src : dst) + map->spin_lock_off);

	bpfvm_spin_lock(lock);
	bpfvm_map_copy_value(map, dst, src);
	bpfvm_spin_unlock(lock);
}

int bpfvm_map_check_update_flags(const struct bpfvm_map *map, uint64_t flags)
{
	if ((flags & ~(uint64_t)BPFVM_F_LOCK) > BPFVM_EXIST)
		return -EINVAL;
	if ((flags & BPFVM_F_LOCK) && map->spin_lock_off < 0)
		return -EINVAL;
	return 0;
}

/* User space. */

int bpfvm_map_lookup_elem_flags(struct bpfvm_map *map, const void *key, void *value,
				uint64_t flags)
{
	int err;

	if (flags & ~(uint64_t)BPFVM_F_LOCK)
		return bpfvm_errorf(-EINVAL, "map '%s': lookup flags 0x%llx", map->name,
				    (unsigned long long)flags);
	if ((flags & BPFVM_F_LOCK) && map->spin_lock_off < 0)
		return bpfvm_errorf(-EINVAL, "map '%s': BPF_F_LOCK on a map without a "
				    "bpf_spin_lock", map->name);
	if (map->map_flags & BPFVM_F_WRONLY)
		return bpfvm_errorf(-EPERM, "map '%s' is write-only", map->name);
	if (!map->ops->user_lookup)
		return bpfvm_errorf(-EOPNOTSUPP, "map '%s': lookup is not supported for this "
				    "map type", map->name);
	err = map->ops->user_lookup(map, key, value, flags);
	if (!err && map->spin_lock_off >= 0)
		memset((char *)value + map->spin_lock_off, 0, 4);
	return err;
}

int bpfvm_map_lookup_elem(struct bpfvm_map *map, const void *key, void *value)
{
	return bpfvm_map_lookup_elem_flags(map, key, value, 0);
}

static int check_user_write(struct bpfvm_map *map)
{
	if (atomic_load(&map->frozen))
		return bpfvm_errorf(-EPERM, "map '%s' is frozen", map->name);
	if (map->map_flags & BPFVM_F_RDONLY)
		return bpfvm_errorf(-EPERM, "map '%s' is read-only", map->name);
	return 0;
}

int bpfvm_map_update_elem(struct bpfvm_map *map, const void *key, const void *value,
			  uint64_t flags)
{
	int err;

	if ((err = check_user_write(map)))
		return err;
	if ((flags & BPFVM_F_LOCK) && map->spin_lock_off < 0)
		return bpfvm_errorf(-EINVAL, "map '%s': BPF_F_LOCK on a map without a "
				    "bpf_spin_lock", map->name);
	if (!map->ops->user_update)
		return bpfvm_errorf(-EINVAL, "map '%s': update is not supported for this map "
				    "type", map->name);
	return map->ops->user_update(map, key, value, flags);
}

int bpfvm_map_delete_elem(struct bpfvm_map *map, const void *key)
{
	int err;

	if ((err = check_user_write(map)))
		return err;
	if (!map->ops->user_delete)
		return bpfvm_errorf(-EINVAL, "map '%s': delete is not supported for this map "
				    "type", map->name);
	return map->ops->user_delete(map, key);
}

int bpfvm_map_lookup_and_delete_elem_flags(struct bpfvm_map *map, const void *key,
					   void *value, uint64_t flags)
{
	int err;

	if ((err = check_user_write(map)))
		return err;
	if (flags & ~(uint64_t)BPFVM_F_LOCK)
		return bpfvm_errorf(-EINVAL, "map '%s': lookup_and_delete flags 0x%llx",
				    map->name, (unsigned long long)flags);
	if ((flags & BPFVM_F_LOCK) && map->spin_lock_off < 0)
		return bpfvm_errorf(-EINVAL, "map '%s': BPF_F_LOCK on a map without a "
				    "bpf_spin_lock", map->name);
	if (!map->ops->user_lookup_and_delete)
		return bpfvm_errorf(-EOPNOTSUPP, "map '%s': lookup_and_delete is not supported "
				    "for this map type", map->name);
	err = map->ops->user_lookup_and_delete(map, key, value, flags);
	if (!err && map->spin_lock_off >= 0)
		memset((char *)value + map->spin_lock_off, 0, 4);
	return err;
}

int bpfvm_map_lookup_and_delete_elem(struct bpfvm_map *map, const void *key, void *value)
{
	return bpfvm_map_lookup_and_delete_elem_flags(map, key, value, 0);
}

int bpfvm_map_get_next_key(struct bpfvm_map *map, const void *key, void *next_key)
{
	if (!map->ops->get_next_key)
		return bpfvm_errorf(-EINVAL, "map '%s': get_next_key is not supported for this "
				    "map type", map->name);
	return map->ops->get_next_key(map, key, next_key);
}

int bpfvm_map_update_prog(struct bpfvm_map *prog_array, const void *key,
			  const struct bpfvm_exec *prog, uint64_t flags)
{
	int err;

	if (prog_array->type != BPFVM_MAP_TYPE_PROG_ARRAY)
		return bpfvm_errorf(-EINVAL, "map '%s' is not a prog array", prog_array->name);
	if (!prog)
		return bpfvm_errorf(-EINVAL, "map '%s': no program given (delete the element "
				    "to clear a slot)", prog_array->name);
	if ((err = check_user_write(prog_array)))
		return err;
	if ((err = bpfvm_prog_array_claim(prog_array, bpfvm_exec_prog_type(prog))))
		return err;
	return prog_array->ops->update_ptr(prog_array, key, prog, flags);
}

int bpfvm_map_lookup_prog(struct bpfvm_map *prog_array, const void *key,
			  const struct bpfvm_exec **prog)
{
	if (prog_array->type != BPFVM_MAP_TYPE_PROG_ARRAY)
		return bpfvm_errorf(-EINVAL, "map '%s' is not a prog array", prog_array->name);
	return prog_array->ops->lookup_ptr(prog_array, key, (const void **)prog);
}

int bpfvm_map_update_inner(struct bpfvm_map *outer, const void *key, struct bpfvm_map *inner,
			   uint64_t flags)
{
	int err;

	if (outer->type != BPFVM_MAP_TYPE_ARRAY_OF_MAPS &&
	    outer->type != BPFVM_MAP_TYPE_HASH_OF_MAPS)
		return bpfvm_errorf(-EINVAL, "map '%s' is not a map of maps", outer->name);
	if ((err = check_user_write(outer)) || (err = bpfvm_inner_check(outer, inner)))
		return err;
	if ((err = bpfvm_holder_hold(&outer->held, inner)))
		return err;
	return outer->ops->update_ptr(outer, key, inner, flags);
}

/* Batches. */

static int check_batch_opts(struct bpfvm_map *map, const struct bpfvm_map_batch_opts *opts)
{
	if (opts && opts->flags)
		return bpfvm_errorf(-EINVAL, "map '%s': batch flags must be 0", map->name);
	if (!map->ops->get_next_key || !map->ops->user_lookup)
		return bpfvm_errorf(-EINVAL, "map '%s': batch operations are not supported for "
				    "this map type", map->name);
	return 0;
}

static int lookup_batch(struct bpfvm_map *map, void *in_batch, void *out_batch, void *keys,
			void *values, uint32_t *count, const struct bpfvm_map_batch_opts *opts,
			bool delete)
{
	uint64_t elem_flags = opts ? opts->elem_flags : 0;
	size_t vsize = bpfvm_map_user_value_size(map);
	uint32_t max = *count, done = 0;
	void *prev, *next;
	int err = 0, retry;

	*count = 0;
	if ((err = check_batch_opts(map, opts)))
		return err;
	if (delete && !map->ops->user_lookup_and_delete)
		return bpfvm_errorf(-EINVAL, "map '%s': lookup_and_delete_batch is not "
				    "supported for this map type", map->name);
	if (!max)
		return 0;
	prev = malloc((size_t)map->key_size * 2);
	if (!prev)
		return bpfvm_errorf(-ENOMEM, "out of memory");
	next = (char *)prev + map->key_size;
	if (in_batch && !delete)
		memcpy(prev, in_batch, map->key_size);
	for (retry = 0; done < max;) {
		void *k = (char *)keys + (size_t)done * map->key_size;
		void *v = (char *)values + (size_t)done * vsize;

		err = map->ops->get_next_key(map, (in_batch || done) && !delete ? prev : NULL,
					     next);
		if (err)
			break;
		if (delete)
			err = map->ops->user_lookup_and_delete(map, next, v, elem_flags);
		else
			err = bpfvm_map_lookup_elem_flags(map, next, v, elem_flags);
		if (err == -ENOENT && retry++ < 3)
			continue; /* deleted meanwhile: move on from the same place */
		if (err)
			break;
		memcpy(k, next, map->key_size);
		memcpy(prev, next, map->key_size);
		done++;
		retry = 0;
	}
	if (done && out_batch)
		memcpy(out_batch, prev, map->key_size);
	free(prev);
	*count = done;
	if (err == -ENOENT)
		return bpfvm_errorf(-ENOENT, "map '%s': no more elements", map->name);
	return err;
}

int bpfvm_map_lookup_batch(struct bpfvm_map *map, void *in_batch, void *out_batch, void *keys,
			   void *values, uint32_t *count, const struct bpfvm_map_batch_opts *opts)
{
	return lookup_batch(map, in_batch, out_batch, keys, values, count, opts, false);
}

int bpfvm_map_lookup_and_delete_batch(struct bpfvm_map *map, void *in_batch, void *out_batch,
				      void *keys, void *values, uint32_t *count,
				      const struct bpfvm_map_batch_opts *opts)
{
	int err = check_user_write(map);

	if (err) {
		*count = 0;
		return err;
	}
	return lookup_batch(map, in_batch, out_batch, keys, values, count, opts, true);
}

int bpfvm_map_update_batch(struct bpfvm_map *map, const void *keys, const void *values,
			   uint32_t *count, const struct bpfvm_map_batch_opts *opts)
{
	uint64_t elem_flags = opts ? opts->elem_flags : 0;
	size_t vsize = bpfvm_map_user_value_size(map);
	uint32_t i, max = *count;
	int err = 0;

	*count = 0;
	if (opts && opts->flags)
		return bpfvm_errorf(-EINVAL, "map '%s': batch flags must be 0", map->name);
	for (i = 0; i < max; i++) {
		err = bpfvm_map_update_elem(map, (const char *)keys + (size_t)i * map->key_size,
					    (const char *)values + (size_t)i * vsize, elem_flags);
		if (err)
			break;
	}
	*count = i;
	return err;
}

int bpfvm_map_delete_batch(struct bpfvm_map *map, const void *keys, uint32_t *count,
			   const struct bpfvm_map_batch_opts *opts)
{
	uint32_t i, max = *count;
	int err = 0;

	*count = 0;
	if (opts && (opts->flags || opts->elem_flags))
		return bpfvm_errorf(-EINVAL, "map '%s': delete batch flags must be 0", map->name);
	for (i = 0; i < max; i++) {
		err = bpfvm_map_delete_elem(map, (const char *)keys + (size_t)i * map->key_size);
		if (err)
			break;
	}
	*count = i;
	return err;
}

/* Program side. Linux's verifier keeps programs from calling an op their map
 * type lacks; for code that reached here without it, answer as the kernel's
 * default ops would. */

void *bpfvm_map_prog_lookup(struct bpfvm_map *map, const void *key)
{
	if (!map->ops->lookup || (map->map_flags & BPFVM_F_WRONLY_PROG))
		return NULL;
	return map->ops->lookup(map, key);
}

long bpfvm_map_prog_update(struct bpfvm_map *map, const void *key, const void *value,
			   uint64_t flags)
{
	if (!map->ops->update)
		return -EINVAL;
	if (map->map_flags & BPFVM_F_RDONLY_PROG)
		return -EPERM;
	return map->ops->update(map, key, value, flags);
}

long bpfvm_map_prog_delete(struct bpfvm_map *map, const void *key)
{
	if (!map->ops->delete)
		return -EINVAL;
	if (map->map_flags & BPFVM_F_RDONLY_PROG)
		return -EPERM;
	return map->ops->delete(map, key);
}

long bpfvm_map_prog_push(struct bpfvm_map *map, const void *value, uint64_t flags)
{
	if (!map->ops->push)
		return -EINVAL;
	if (map->map_flags & BPFVM_F_RDONLY_PROG)
		return -EPERM;
	return map->ops->push(map, value, flags);
}

long bpfvm_map_prog_pop(struct bpfvm_map *map, void *value)
{
	if (!map->ops->pop)
		return -EINVAL;
	if (map->map_flags & BPFVM_F_RDONLY_PROG)
		return -EPERM;
	return map->ops->pop(map, value);
}

long bpfvm_map_prog_peek(struct bpfvm_map *map, void *value)
{
	if (!map->ops->peek)
		return -EINVAL;
	return map->ops->peek(map, value);
}

long bpfvm_map_prog_for_each(struct bpfvm_map *map, bpfvm_map_elem_fn fn, void *ctx)
{
	if (!map->ops->for_each)
		return -EINVAL;
	return map->ops->for_each(map, fn, ctx);
}
