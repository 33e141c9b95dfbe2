/* The hash table behind the hash-shaped maps (hash, per-CPU hash, LRU hash,
 * LRU per-CPU hash, hash of maps): one implementation, parameterised by the
 * map type, as the kernel's hashtab.c.
 *
 * Concurrency, as Linux's: readers walk bucket chains with no lock; writers
 * take a per-bucket spin lock. Elements are carved from chunks that live as
 * long as the map and are recycled through a free list, never freed, so a
 * reader racing a delete reads a stale or recycled element, never freed
 * memory. A chain ends in a "nulls" marker naming its bucket; a reader that
 * followed a recycled element into another chain sees the wrong marker and
 * restarts. */
#ifndef BPFVM_MAPS_HTAB_H
#define BPFVM_MAPS_HTAB_H

#include <pthread.h>

#include "maps/map.h"

struct htab_elem {
	_Atomic(uintptr_t) next;     /* element or nulls marker (bucket << 1 | 1) */
	struct htab_elem *free_next; /* free list link, apart from next for readers */
	_Atomic uint32_t hash;
	atomic_uchar ref;            /* LRU: looked up since the clock hand passed */
	atomic_uchar live;           /* linked in a bucket */
	/* key at key_off, value at value_off (8-aligned) */
};

struct htab_bucket {
	_Atomic(uintptr_t) head;
	uint32_t lock;
};

struct htab_freelist {
	_Alignas(64) uint32_t lock; /* one cache line per list */
	_Atomic(struct htab_elem *) head;
};

struct htab_chunk {
	struct htab_chunk *next;
};

struct bpfvm_htab {
	struct bpfvm_map map;
	struct htab_bucket *buckets;
	uint32_t n_buckets;      /* a power of 2 */
	uint32_t seed;
	uint32_t elem_size, value_off;
	uint32_t vsize;          /* bytes of value storage per element */
	bool percpu, lru, of_maps;
	atomic_uint count;       /* live elements */

	/* The element pool: a free list per CPU slot (as Linux's per-CPU
	 * freelists), so writers on different threads rarely share a lock;
	 * fresh elements come from the newest block under pool_lock. */
	struct htab_freelist *free;
	uint32_t n_free;
	uint32_t pool_lock;
	char *bump;              /* never used elements of the newest block */
	uint32_t bump_left;
	struct htab_chunk *chunks;
	char *prealloc;          /* all elements, when preallocated (always for LRU) */
	uint32_t prealloc_cnt;
	uint32_t grow;           /* elements per new chunk without prealloc */

	/* LRU: the clock hand over the preallocated elements. */
	pthread_mutex_t lru_lock;
	uint32_t hand;
};

static inline struct bpfvm_htab *to_htab(struct bpfvm_map *map)
{
	return (struct bpfvm_htab *)map;
}

static inline void *htab_elem_key(struct htab_elem *e)
{
	return (char *)e + sizeof(*e);
}

static inline void *htab_elem_value(const struct bpfvm_htab *h, struct htab_elem *e)
{
	return (char *)e + h->value_off;
}

int bpfvm_htab_check(const struct bpfvm_map_create_opts *opts);
int bpfvm_htab_create(struct bpfvm_map **out, const struct bpfvm_map_create_opts *opts);
void bpfvm_htab_free(struct bpfvm_map *map);

/* The element holding key, found without a lock, or NULL. */
struct htab_elem *bpfvm_htab_find(struct bpfvm_htab *h, const void *key);

void *bpfvm_htab_lookup(struct bpfvm_map *map, const void *key);
/* `all_cpus`: value holds every CPU's slot (user space) rather than this
 * CPU's (programs). For hash of maps, value is the inner map pointer. */
long bpfvm_htab_update(struct bpfvm_map *map, const void *key, const void *value,
		       uint64_t flags, bool all_cpus);
long bpfvm_htab_delete(struct bpfvm_map *map, const void *key);
long bpfvm_htab_for_each(struct bpfvm_map *map, bpfvm_map_elem_fn fn, void *ctx);
int bpfvm_htab_get_next_key(struct bpfvm_map *map, const void *key, void *next_key);
int bpfvm_htab_user_lookup(struct bpfvm_map *map, const void *key, void *value, uint64_t flags);
int bpfvm_htab_user_update(struct bpfvm_map *map, const void *key, const void *value,
			   uint64_t flags);
int bpfvm_htab_user_delete(struct bpfvm_map *map, const void *key);
int bpfvm_htab_user_lookup_and_delete(struct bpfvm_map *map, const void *key, void *value,
				      uint64_t flags);
/* Program-side update of this CPU's slot. */
long bpfvm_htab_prog_update(struct bpfvm_map *map, const void *key, const void *value,
			    uint64_t flags);

#endif
