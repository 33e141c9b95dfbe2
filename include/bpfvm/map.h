/* Maps: the key/value stores programs share with each other and with user
 * space. Types, flags and error codes are Linux's (enum bpf_map_type, BPF_ANY,
 * ...), and the user-space calls have the shapes of libbpf's bpf_map_*_elem, so
 * code written against libbpf ports by renaming. A program sees a map as the
 * `struct bpfvm_map *` its lddw loads; the helpers take it as is.
 *
 * Every call is safe from any number of threads at once, concurrently with
 * programs running on the same map. */
#ifndef BPFVM_MAP_H
#define BPFVM_MAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Linux's enum bpf_map_type values; bpfvm implements the ones listed. */
enum bpfvm_map_type {
	BPFVM_MAP_TYPE_HASH = 1,
	BPFVM_MAP_TYPE_ARRAY = 2,
	BPFVM_MAP_TYPE_PROG_ARRAY = 3,
	BPFVM_MAP_TYPE_PERF_EVENT_ARRAY = 4,
	BPFVM_MAP_TYPE_PERCPU_HASH = 5,
	BPFVM_MAP_TYPE_PERCPU_ARRAY = 6,
	BPFVM_MAP_TYPE_STACK_TRACE = 7,
	BPFVM_MAP_TYPE_CGROUP_ARRAY = 8,
	BPFVM_MAP_TYPE_LRU_HASH = 9,
	BPFVM_MAP_TYPE_LRU_PERCPU_HASH = 10,
	BPFVM_MAP_TYPE_LPM_TRIE = 11,
	BPFVM_MAP_TYPE_ARRAY_OF_MAPS = 12,
	BPFVM_MAP_TYPE_HASH_OF_MAPS = 13,
	BPFVM_MAP_TYPE_DEVMAP = 14,
	BPFVM_MAP_TYPE_CPUMAP = 16,
	BPFVM_MAP_TYPE_XSKMAP = 17,
	BPFVM_MAP_TYPE_QUEUE = 22,
	BPFVM_MAP_TYPE_STACK = 23,
	BPFVM_MAP_TYPE_DEVMAP_HASH = 25,
	BPFVM_MAP_TYPE_RINGBUF = 27,
};

/* Update flags (Linux's BPF_ANY, BPF_NOEXIST, BPF_EXIST, BPF_F_LOCK). */
#define BPFVM_ANY 0
#define BPFVM_NOEXIST 1
#define BPFVM_EXIST 2
#define BPFVM_F_LOCK 4

/* Creation flags (Linux's map_flags bits). */
#define BPFVM_F_NO_PREALLOC (1u << 0)
#define BPFVM_F_NO_COMMON_LRU (1u << 1)
#define BPFVM_F_NUMA_NODE (1u << 2)
#define BPFVM_F_RDONLY (1u << 3)
#define BPFVM_F_WRONLY (1u << 4)
#define BPFVM_F_ZERO_SEED (1u << 6)
#define BPFVM_F_RDONLY_PROG (1u << 7)
#define BPFVM_F_WRONLY_PROG (1u << 8)
#define BPFVM_F_MMAPABLE (1u << 10)
#define BPFVM_F_PRESERVE_ELEMS (1u << 11)
#define BPFVM_F_INNER_MAP (1u << 12)

/* bpf_ringbuf_* flags and bpf_ringbuf_query() selectors (Linux's values). */
#define BPFVM_RB_NO_WAKEUP (1u << 0)
#define BPFVM_RB_FORCE_WAKEUP (1u << 1)
#define BPFVM_RB_AVAIL_DATA 0
#define BPFVM_RB_RING_SIZE 1
#define BPFVM_RB_CONS_POS 2
#define BPFVM_RB_PROD_POS 3

/* bpf_perf_event_output flags (Linux's BPF_F_INDEX_MASK, BPF_F_CURRENT_CPU,
 * BPF_F_CTXLEN_MASK). */
#define BPFVM_F_INDEX_MASK 0xffffffffull
#define BPFVM_F_CURRENT_CPU BPFVM_F_INDEX_MASK
#define BPFVM_F_CTXLEN_MASK (0xfffffull << 32)

#define BPFVM_MAP_NAME_LEN 16

struct bpfvm_map;
struct bpfvm_exec;

struct bpfvm_map_create_opts {
	size_t sz; /* sizeof(struct bpfvm_map_create_opts) */
	uint32_t map_type;    /* enum bpfvm_map_type */
	uint32_t key_size;
	uint32_t value_size;
	uint32_t max_entries;
	uint32_t map_flags;   /* BPFVM_F_* */
	const char *name;     /* may be NULL; truncated to BPFVM_MAP_NAME_LEN - 1 */
	/* A struct bpf_spin_lock (4 bytes, 4-aligned) at this offset of every
	 * value, as BTF tells Linux. Programs lock it with bpf_spin_lock(), user
	 * space with BPFVM_F_LOCK; copies never touch it. */
	bool has_spin_lock;
	uint32_t spin_lock_off;
	/* Map-in-map: the template inner maps must match (type, key and value
	 * size, and max_entries unless it has BPFVM_F_INNER_MAP). NULL accepts
	 * any inner map. Not referenced after create. */
	const struct bpfvm_map *inner_map;
};

/* Creates a map. Fails with -EINVAL (bad sizes or flags), -E2BIG (sizes above
 * Linux's limits), -ENOMEM, or -EOPNOTSUPP (a type bpfvm lacks), each with a
 * message. The map holds one reference, dropped by bpfvm_map_free(). */
int bpfvm_map_create(const struct bpfvm_map_create_opts *opts, struct bpfvm_map **out);
/* Drops the caller's reference; the map goes when no outer map holds it. */
void bpfvm_map_free(struct bpfvm_map *map);

uint32_t bpfvm_map_type(const struct bpfvm_map *map);
uint32_t bpfvm_map_key_size(const struct bpfvm_map *map);
uint32_t bpfvm_map_value_size(const struct bpfvm_map *map);
uint32_t bpfvm_map_max_entries(const struct bpfvm_map *map);
uint32_t bpfvm_map_flags(const struct bpfvm_map *map);
const char *bpfvm_map_name(const struct bpfvm_map *map);
/* A process-unique id, as Linux's map ids (what map-in-map lookups return). */
uint32_t bpfvm_map_id(const struct bpfvm_map *map);
/* The "CPU" count per-CPU maps have slots for: the number of online CPUs. */
int bpfvm_num_possible_cpus(void);
/* The size of the value buffer user-space calls take: value_size, or for
 * per-CPU maps round_up(value_size, 8) * bpfvm_num_possible_cpus(). */
size_t bpfvm_map_user_value_size(const struct bpfvm_map *map);

/* Linux's BPF_MAP_FREEZE: user-space updates fail with -EPERM afterwards
 * (programs still write unless the map has BPFVM_F_RDONLY_PROG). */
int bpfvm_map_freeze(struct bpfvm_map *map);
/* The address of byte `off` of a single-value array (global data: .data,
 * .rodata, .bss), what an lddw BPF_PSEUDO_MAP_VALUE loads; Linux's
 * map_direct_value_addr. -EINVAL for other maps or off >= value_size. */
int bpfvm_map_direct_value_addr(struct bpfvm_map *map, uint32_t off, void **addr);

/* The elements, as libbpf's bpf_map_*_elem: 0 or a negative errno. Per-CPU
 * maps take and give all CPUs' values (bpfvm_map_user_value_size bytes).
 * Queue and stack maps take key NULL: update pushes, lookup peeks,
 * lookup_and_delete pops. */
int bpfvm_map_lookup_elem(struct bpfvm_map *map, const void *key, void *value);
int bpfvm_map_lookup_elem_flags(struct bpfvm_map *map, const void *key, void *value,
				uint64_t flags);
int bpfvm_map_update_elem(struct bpfvm_map *map, const void *key, const void *value,
			  uint64_t flags);
int bpfvm_map_delete_elem(struct bpfvm_map *map, const void *key);
int bpfvm_map_lookup_and_delete_elem(struct bpfvm_map *map, const void *key, void *value);
int bpfvm_map_lookup_and_delete_elem_flags(struct bpfvm_map *map, const void *key,
					   void *value, uint64_t flags);
/* The key after `key` (the first with key NULL or a key not in the map);
 * -ENOENT after the last. */
int bpfvm_map_get_next_key(struct bpfvm_map *map, const void *key, void *next_key);

/* Where Linux's update takes a file descriptor (prog arrays, map-in-map) bpfvm
 * takes the object. The array does not own the program: clear its slot before
 * freeing it. An outer map keeps each inner map it held alive until the outer
 * map goes. User-space lookups in map-in-map give the inner map's id (u32). */
int bpfvm_map_update_prog(struct bpfvm_map *prog_array, const void *key,
			  const struct bpfvm_exec *prog, uint64_t flags);
int bpfvm_map_lookup_prog(struct bpfvm_map *prog_array, const void *key,
			  const struct bpfvm_exec **prog);
int bpfvm_map_update_inner(struct bpfvm_map *outer, const void *key, struct bpfvm_map *inner,
			   uint64_t flags);

/* Batch operations, as libbpf's bpf_map_*_batch. `in_batch`/`out_batch` are an
 * opaque position of key_size bytes (in_batch NULL starts at the beginning);
 * *count is the capacity on entry and the number done on return. Lookups
 * return -ENOENT with the last elements when the map is exhausted. */
struct bpfvm_map_batch_opts {
	size_t sz;
	uint64_t elem_flags; /* per-element flags: BPFVM_F_LOCK, update flags */
	uint64_t flags;      /* must be 0 */
};
int bpfvm_map_lookup_batch(struct bpfvm_map *map, void *in_batch, void *out_batch, void *keys,
			   void *values, uint32_t *count, const struct bpfvm_map_batch_opts *opts);
int bpfvm_map_lookup_and_delete_batch(struct bpfvm_map *map, void *in_batch, void *out_batch,
				      void *keys, void *values, uint32_t *count,
				      const struct bpfvm_map_batch_opts *opts);
int bpfvm_map_update_batch(struct bpfvm_map *map, const void *keys, const void *values,
			   uint32_t *count, const struct bpfvm_map_batch_opts *opts);
int bpfvm_map_delete_batch(struct bpfvm_map *map, const void *keys, uint32_t *count,
			   const struct bpfvm_map_batch_opts *opts);

/* Consuming ring buffers, as libbpf's ring_buffer__*: one callback per
 * committed record, in order; a callback returning non-zero stops the
 * consumption and is returned. Discarded records are skipped. */
typedef int (*bpfvm_ring_buffer_sample_fn)(void *ctx, void *data, size_t size);
struct bpfvm_ring_buffer;

struct bpfvm_ring_buffer *bpfvm_ring_buffer_new(struct bpfvm_map *ringbuf,
						bpfvm_ring_buffer_sample_fn fn, void *ctx);
int bpfvm_ring_buffer_add(struct bpfvm_ring_buffer *rb, struct bpfvm_map *ringbuf,
			  bpfvm_ring_buffer_sample_fn fn, void *ctx);
/* Waits up to timeout_ms (-1: forever) for records, consumes all there are;
 * returns their number or a negative errno. */
int bpfvm_ring_buffer_poll(struct bpfvm_ring_buffer *rb, int timeout_ms);
/* Consumes what is there without waiting. */
int bpfvm_ring_buffer_consume(struct bpfvm_ring_buffer *rb);
void bpfvm_ring_buffer_free(struct bpfvm_ring_buffer *rb);

/* Consuming perf event arrays, as libbpf's perf_buffer__*: attaching a
 * consumer opens one slot per CPU (page_cnt pages each, a power of 2), so
 * that bpf_perf_event_output succeeds there instead of failing with -ENOENT;
 * one map has at most one consumer. sample gets each record with its CPU and
 * its size rounded as Linux's (size + 4 a multiple of 8, zero padding);
 * lost gets the number of records dropped because a slot was full. */
typedef void (*bpfvm_perf_buffer_sample_fn)(void *ctx, int cpu, void *data, uint32_t size);
typedef void (*bpfvm_perf_buffer_lost_fn)(void *ctx, int cpu, uint64_t cnt);
struct bpfvm_perf_buffer;

struct bpfvm_perf_buffer *bpfvm_perf_buffer_new(struct bpfvm_map *perf_array, size_t page_cnt,
						bpfvm_perf_buffer_sample_fn sample,
						bpfvm_perf_buffer_lost_fn lost, void *ctx);
/* Waits up to timeout_ms (-1: forever) for records, consumes all there are;
 * returns their number. */
int bpfvm_perf_buffer_poll(struct bpfvm_perf_buffer *pb, int timeout_ms);
/* Consumes what is there without waiting; returns the number of records. */
int bpfvm_perf_buffer_consume(struct bpfvm_perf_buffer *pb);
/* Detaches the consumer: the slots close and later output fails with -ENOENT. */
void bpfvm_perf_buffer_free(struct bpfvm_perf_buffer *pb);

#ifdef __cplusplus
}
#endif
#endif
