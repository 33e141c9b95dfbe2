/* The map layer's inside: struct bpfvm_map and the ops table each map type
 * fills in (one file per type), as the kernel's struct bpf_map_ops.
 *
 * Program-side ops are what helpers call: lookup returns a pointer into the
 * value storage that stays valid memory for the map's lifetime (elements are
 * recycled, never freed, so a racing reader never touches freed memory); for
 * per-CPU maps it is the calling thread's slot. User-space ops copy values and
 * gather or scatter all CPUs' slots. map.c validates what is common (flags,
 * frozen, read-only) and dispatches; batch operations are built there on top of
 * get_next_key, so a type only provides the single-element ops. */
#ifndef BPFVM_MAPS_MAP_H
#define BPFVM_MAPS_MAP_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bpfvm/map.h"
#include "maps/inner.h"

struct bpfvm_map;

/* Called by for_each for every element: non-zero stops the walk. */
typedef int (*bpfvm_map_elem_fn)(struct bpfvm_map *map, void *key, void *value, void *ctx);

struct bpfvm_map_ops {
	/* Checks the type's rules on sizes and flags; creates the map (the
	 * common fields are set) or returns a negative errno with a message. */
	int (*check)(const struct bpfvm_map_create_opts *opts);
	int (*create)(struct bpfvm_map **out, const struct bpfvm_map_create_opts *opts);
	void (*free)(struct bpfvm_map *map);

	/* Program side (helpers). NULL entries mean the operation is not
	 * available for this type: map.c answers -EINVAL / NULL, as Linux. */
	void *(*lookup)(struct bpfvm_map *map, const void *key);
	long (*update)(struct bpfvm_map *map, const void *key, const void *value, uint64_t flags);
	long (*delete)(struct bpfvm_map *map, const void *key);
	long (*push)(struct bpfvm_map *map, const void *value, uint64_t flags);
	long (*pop)(struct bpfvm_map *map, void *value);
	long (*peek)(struct bpfvm_map *map, void *value);
	/* Calls fn on each element (this CPU's slot for per-CPU maps) and
	 * returns how many it visited, including the one that stopped it. */
	long (*for_each)(struct bpfvm_map *map, bpfvm_map_elem_fn fn, void *ctx);

	/* User side. value is bpfvm_map_user_value_size() bytes. */
	int (*get_next_key)(struct bpfvm_map *map, const void *key, void *next_key);
	int (*user_lookup)(struct bpfvm_map *map, const void *key, void *value, uint64_t flags);
	int (*user_update)(struct bpfvm_map *map, const void *key, const void *value,
			   uint64_t flags);
	int (*user_delete)(struct bpfvm_map *map, const void *key);
	/* Prog arrays and map-in-map, whose slots hold an object pointer
	 * (Linux takes a file descriptor); map.c checks the object first. */
	int (*update_ptr)(struct bpfvm_map *map, const void *key, const void *ptr,
			  uint64_t flags);
	int (*lookup_ptr)(struct bpfvm_map *map, const void *key, const void **ptr);
	/* NULL: not supported (-EOPNOTSUPP), as Linux for most types. */
	int (*user_lookup_and_delete)(struct bpfvm_map *map, const void *key, void *value,
				      uint64_t flags);
};

struct bpfvm_map {
	const struct bpfvm_map_ops *ops;
	uint32_t type, key_size, value_size, max_entries, map_flags;
	int32_t spin_lock_off;     /* -1 without a struct bpf_spin_lock */
	uint32_t id;
	uint32_t percpu_stride;    /* round_up(value_size, 8) for per-CPU maps, else 0 */
	atomic_uint refcnt;
	atomic_bool frozen;
	/* Map-in-map template (a copy of the inner map's parameters). */
	bool has_inner;
	uint32_t inner_type, inner_key_size, inner_value_size, inner_max_entries,
		inner_flags;
	int32_t inner_spin_lock_off;
	char name[BPFVM_MAP_NAME_LEN];
	struct bpfvm_map_holder held; /* map-in-map: inner maps kept alive */
};

/* Sets the common fields of a freshly allocated map from opts. */
void bpfvm_map_init(struct bpfvm_map *map, const struct bpfvm_map_create_opts *opts);
void bpfvm_map_get(struct bpfvm_map *map);

/* The per-CPU slot of the calling thread: a thread-local id assigned on first
 * use, modulo bpfvm_num_possible_cpus(). Stable for the thread's lifetime. */
uint32_t bpfvm_map_this_cpu(void);

/* Value copies that skip the struct bpf_spin_lock field, as Linux's
 * copy_map_value(), and the locked forms for BPFVM_F_LOCK. */
void bpfvm_map_copy_value(const struct bpfvm_map *map, void *dst, const void *src);
void bpfvm_map_copy_value_locked(const struct bpfvm_map *map, void *dst, const void *src,
				 bool lock_src);
void bpfvm_spin_lock(uint32_t *lock);
void bpfvm_spin_unlock(uint32_t *lock);

/* Checks the update flags every type shares: BPF_ANY/NOEXIST/EXIST, plus
 * BPF_F_LOCK only on maps with a spin lock. */
int bpfvm_map_check_update_flags(const struct bpfvm_map *map, uint64_t flags);

/* Program-side entry points used by the helpers; they honour
 * BPFVM_F_RDONLY_PROG / WRONLY_PROG and missing ops the way Linux's verified
 * programs would observe them. */
void *bpfvm_map_prog_lookup(struct bpfvm_map *map, const void *key);
long bpfvm_map_prog_update(struct bpfvm_map *map, const void *key, const void *value,
			   uint64_t flags);
long bpfvm_map_prog_delete(struct bpfvm_map *map, const void *key);
long bpfvm_map_prog_push(struct bpfvm_map *map, const void *value, uint64_t flags);
long bpfvm_map_prog_pop(struct bpfvm_map *map, void *value);
long bpfvm_map_prog_peek(struct bpfvm_map *map, void *value);
long bpfvm_map_prog_for_each(struct bpfvm_map *map, bpfvm_map_elem_fn fn, void *ctx);

/* Linux's prog array owner rule: the first program put into the array or
 * loaded with a tail call through it fixes the array's program type; a
 * program of another type is refused with -EINVAL (and a message). */
int bpfvm_prog_array_claim(struct bpfvm_map *map, uint32_t prog_type);

/* The tail-call target in slot `index` of a prog array, or NULL. */
const struct bpfvm_exec *bpfvm_prog_array_get(struct bpfvm_map *map, uint32_t index);

/* Ring buffer operations behind the bpf_ringbuf_* helpers. */
void *bpfvm_ringbuf_reserve(struct bpfvm_map *map, uint64_t size, uint64_t flags);
void bpfvm_ringbuf_submit(void *sample, uint64_t flags, bool discard);
long bpfvm_ringbuf_output(struct bpfvm_map *map, const void *data, uint64_t size,
			  uint64_t flags);
uint64_t bpfvm_ringbuf_query(struct bpfvm_map *map, uint64_t flags);

/* bpf_perf_event_output: one record of a_len bytes then b_len bytes (the
 * packet bytes a tc or XDP program asks for) into slot `flags` (its low 32
 * bits; BPFVM_F_CURRENT_CPU: the calling thread's CPU) of a perf event
 * array; Linux's errors (-E2BIG, -ENOENT, -EOPNOTSUPP, -ENOSPC). */
long bpfvm_perf_event_output(struct bpfvm_map *map, uint64_t flags, const void *a,
			     uint64_t a_len, const void *b, uint64_t b_len);

/* bpf_get_stackid's store (maps/stack_trace.c): the id of the stack ips[nr]
 * (at most value_size / 8 frames kept), -EEXIST when another stack holds its
 * bucket and `reuse` (BPF_F_REUSE_STACKID) is false. */
long bpfvm_stack_trace_get_id(struct bpfvm_map *map, const uint64_t *ips, uint32_t nr,
			      bool reuse);

/* bpf_perf_event_read on a perf event array: the counter in slot `flags`
 * (BPFVM_F_CURRENT_CPU: this CPU's), or Linux's errors; bpfvm has output
 * streams, not counters, so it is always an error (-E2BIG, -ENOENT, -EINVAL). */
long bpfvm_perf_event_read(struct bpfvm_map *map, uint64_t flags);

/* The cgroup id (directory inode number) in slot `index` of a cgroup array,
 * or 0 when the slot is empty or past the end. */
uint64_t bpfvm_cgroup_array_get(struct bpfvm_map *map, uint32_t index);

/* The ops of each implemented type, by Linux map type id. */
const struct bpfvm_map_ops *bpfvm_map_ops_get(uint32_t type);

extern const struct bpfvm_map_ops bpfvm_array_ops, bpfvm_percpu_array_ops, bpfvm_hash_ops,
	bpfvm_percpu_hash_ops, bpfvm_lru_hash_ops, bpfvm_lru_percpu_hash_ops, bpfvm_lpm_trie_ops,
	bpfvm_ringbuf_ops, bpfvm_prog_array_ops, bpfvm_array_of_maps_ops,
	bpfvm_hash_of_maps_ops, bpfvm_queue_ops, bpfvm_stack_ops, bpfvm_devmap_ops,
	bpfvm_devmap_hash_ops, bpfvm_perf_event_array_ops, bpfvm_stack_trace_ops,
	bpfvm_cpumap_ops, bpfvm_xskmap_ops, bpfvm_cgroup_array_ops;

#endif
