/* The hash table shared by the hash-shaped map types: see maps/htab.h for the
 * concurrency scheme. Linux's rules (kernel/bpf/hashtab.c): -E2BIG when a new
 * key does not fit, -EEXIST / -ENOENT for BPF_NOEXIST / BPF_EXIST, LRU maps
 * evict instead of failing, BPF_F_LOCK updates a value in place under its
 * spin lock, per-CPU updates of an existing key happen in place. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "maps/htab.h"
#include "util/error.h"

#define NULLS(b) (((uintptr_t)(b) << 1) | 1)
#define IS_NULLS(p) ((p) & 1)
#define MAX_BPF_STACK 512
#define HTAB_VALUE_MAX ((1u << 22) - 64) /* KMALLOC_MAX_SIZE less the element header */
#define PERCPU_VALUE_MAX (32u << 10)

static bool type_percpu(uint32_t t)
{
	return t == BPFVM_MAP_TYPE_PERCPU_HASH || t == BPFVM_MAP_TYPE_LRU_PERCPU_HASH;
}

static bool type_lru(uint32_t t)
{
	return t == BPFVM_MAP_TYPE_LRU_HASH || t == BPFVM_MAP_TYPE_LRU_PERCPU_HASH;
}

int bpfvm_htab_check(const struct bpfvm_map_create_opts *o)
{
	uint32_t allowed = BPFVM_F_NO_PREALLOC | BPFVM_F_NO_COMMON_LRU | BPFVM_F_NUMA_NODE |
			   BPFVM_F_RDONLY | BPFVM_F_WRONLY | BPFVM_F_RDONLY_PROG |
			   BPFVM_F_WRONLY_PROG | BPFVM_F_ZERO_SEED;
	bool lru = type_lru(o->map_type);

	if (o->map_type == BPFVM_MAP_TYPE_HASH_OF_MAPS) {
		allowed |= BPFVM_F_INNER_MAP;
		if (o->value_size != 4)
			return bpfvm_errorf(-EINVAL, "hash of maps needs value_size 4 (got %u)",
					    o->value_size);
	}
	if (o->map_flags & ~allowed)
		return bpfvm_errorf(-EINVAL, "unknown hash map flags 0x%x", o->map_flags & ~allowed);
	if (!lru && (o->map_flags & BPFVM_F_NO_COMMON_LRU))
		return bpfvm_errorf(-EINVAL, "BPF_F_NO_COMMON_LRU on a map that is not LRU");
	/* Linux answers ENOTSUPP (524), a kernel-internal code; EOPNOTSUPP here. */
	if (lru && (o->map_flags & BPFVM_F_NO_PREALLOC))
		return bpfvm_errorf(-EOPNOTSUPP, "LRU maps are always preallocated "
				    "(BPF_F_NO_PREALLOC)");
	if (o->max_entries == 0 || o->key_size == 0 || o->value_size == 0)
		return bpfvm_errorf(-EINVAL, "hash maps need key_size, value_size and "
				    "max_entries > 0 (got %u/%u/%u)", o->key_size, o->value_size,
				    o->max_entries);
	if (o->key_size > MAX_BPF_STACK)
		return bpfvm_errorf(-E2BIG, "key_size %u is above %u", o->key_size, MAX_BPF_STACK);
	if ((uint64_t)o->key_size + o->value_size >= HTAB_VALUE_MAX)
		return bpfvm_errorf(-E2BIG, "key and value sizes %u+%u are too large", o->key_size,
				    o->value_size);
	if (type_percpu(o->map_type) && ((o->value_size + 7) & ~7u) > PERCPU_VALUE_MAX)
		return bpfvm_errorf(-E2BIG, "per-CPU value_size %u is above %u", o->value_size,
				    PERCPU_VALUE_MAX);
	return 0;
}

/* A 64-bit multiply-xorshift hash over the key, 8 bytes at a time. */
static inline uint32_t hash_key(const void *key, uint32_t len, uint32_t seed)
{
	const unsigned char *p = key;
	uint64_t h = seed ^ (0x9e3779b97f4a7c15ull * (len + 1)), w;

	while (len >= 8) {
		memcpy(&w, p, 8);
		h = (h ^ w) * 0xbf58476d1ce4e5b9ull;
		h ^= h >> 31;
		p += 8;
		len -= 8;
	}
	if (len) {
		/* Constant-size loads: a variable-size copy here becomes a byte
		 * loop and a store-forwarding stall on every 4-byte key. */
		uint32_t x = 0, shift = 0;

		w = 0;
		if (len >= 4) {
			memcpy(&x, p, 4);
			w = x;
			p += 4;
			len -= 4;
			shift = 32;
		}
		for (; len; len--, shift += 8)
			w |= (uint64_t)*p++ << shift;
		h = (h ^ w) * 0xbf58476d1ce4e5b9ull;
	}
	h ^= h >> 29;
	h *= 0x94d049bb133111ebull;
	h ^= h >> 32;
	return (uint32_t)h;
}

static void pool_push(struct bpfvm_htab *h, struct htab_elem *e)
{
	struct htab_freelist *fl = &h->free[bpfvm_map_this_cpu() % h->n_free];

	bpfvm_spin_lock(&fl->lock);
	e->free_next = atomic_load_explicit(&fl->head, memory_order_relaxed);
	atomic_store_explicit(&fl->head, e, memory_order_relaxed);
	bpfvm_spin_unlock(&fl->lock);
}

/* An element from this CPU's free list, else from another's. */
static struct htab_elem *freelist_pop(struct bpfvm_htab *h)
{
	uint32_t first = bpfvm_map_this_cpu() % h->n_free, i;

	for (i = 0; i < h->n_free; i++) {
		struct htab_freelist *fl = &h->free[(first + i) % h->n_free];
		struct htab_elem *e;

		if (!atomic_load_explicit(&fl->head, memory_order_relaxed))
			continue;
		bpfvm_spin_lock(&fl->lock);
		e = atomic_load_explicit(&fl->head, memory_order_relaxed);
		if (e)
			atomic_store_explicit(&fl->head, e->free_next, memory_order_relaxed);
		bpfvm_spin_unlock(&fl->lock);
		if (e)
			return e;
	}
	return NULL;
}

/* A new zeroed block of n elements, handed out by bumping a pointer, so pages
 * of a large preallocated map are touched only when elements are first used.
 * Chunks (grown on demand) are linked for freeing; the preallocated block is
 * h->prealloc. */
static char *pool_add(struct bpfvm_htab *h, uint32_t n, bool chunk)
{
	size_t hdr = chunk ? 64 : 0;
	char *block = calloc(1, hdr + (size_t)n * h->elem_size);

	if (!block)
		return NULL;
	if (chunk) {
		((struct htab_chunk *)block)->next = h->chunks;
		h->chunks = (struct htab_chunk *)block;
	}
	h->bump = block + hdr;
	h->bump_left = n;
	return block + hdr;
}

static struct htab_elem *lru_evict(struct bpfvm_htab *h);

/* A free element, or NULL when the pool cannot grow (or, for LRU maps, no
 * element can be evicted). */
static struct htab_elem *pool_pop(struct bpfvm_htab *h)
{
	struct htab_elem *e = freelist_pop(h);

	if (!e) {
		bpfvm_spin_lock(&h->pool_lock);
		if (!h->bump_left && !h->prealloc && pool_add(h, h->grow, true) && h->grow < 4096)
			h->grow *= 2;
		if (h->bump_left) {
			e = (struct htab_elem *)h->bump;
			h->bump += h->elem_size;
			h->bump_left--;
		}
		bpfvm_spin_unlock(&h->pool_lock);
	}
	if (!e && h->lru)
		e = lru_evict(h);
	return e;
}

int bpfvm_htab_create(struct bpfvm_map **out, const struct bpfvm_map_create_opts *o)
{
	uint32_t key_room = (o->key_size + 7) & ~7u, n_buckets = 1, i;
	bool percpu = type_percpu(o->map_type);
	struct bpfvm_htab *h;
	uint64_t elem_size;

	h = calloc(1, sizeof(*h));
	if (!h)
		return bpfvm_errorf(-ENOMEM, "out of memory");
	bpfvm_map_init(&h->map, o);
	h->percpu = percpu;
	h->lru = type_lru(o->map_type);
	h->of_maps = o->map_type == BPFVM_MAP_TYPE_HASH_OF_MAPS;
	if (h->of_maps)
		h->vsize = sizeof(struct bpfvm_map *);
	else if (percpu)
		h->vsize = h->map.percpu_stride * (uint32_t)bpfvm_num_possible_cpus();
	else
		h->vsize = (o->value_size + 7) & ~7u;
	h->value_off = (uint32_t)sizeof(struct htab_elem) + key_room;
	elem_size = ((uint64_t)h->value_off + h->vsize + 7) & ~(uint64_t)7;
	while (n_buckets < o->max_entries && n_buckets < (1u << 31))
		n_buckets <<= 1;
	h->elem_size = (uint32_t)elem_size;
	h->n_buckets = n_buckets;
	h->seed = (o->map_flags & BPFVM_F_ZERO_SEED) ? 0 : (uint32_t)time(NULL) * 2654435761u;
	h->grow = 16;
	pthread_mutex_init(&h->lru_lock, NULL);
	h->n_free = (uint32_t)bpfvm_num_possible_cpus();
	h->free = aligned_alloc(64, h->n_free * sizeof(*h->free));
	if (!h->free)
		goto nomem;
	memset(h->free, 0, h->n_free * sizeof(*h->free));
	h->buckets = calloc(n_buckets, sizeof(*h->buckets));
	if (!h->buckets)
		goto nomem;
	for (i = 0; i < n_buckets; i++)
		atomic_init(&h->buckets[i].head, NULLS(i));
	if (!(o->map_flags & BPFVM_F_NO_PREALLOC)) {
		/* Spares beyond max_entries let a replacing update of a full map
		 * link the new element before it unlinks the old one. */
		uint64_t n = (uint64_t)o->max_entries + (h->lru ? 0 : (uint32_t)bpfvm_num_possible_cpus());

		if (n * elem_size > (1ull << 40))
			goto nomem;
		h->prealloc_cnt = (uint32_t)n;
		h->prealloc = pool_add(h, (uint32_t)n, false);
		if (!h->prealloc)
			goto nomem;
	}
	*out = &h->map;
	return 0;
nomem:
	free(h->free);
	free(h->buckets);
	pthread_mutex_destroy(&h->lru_lock);
	free(h);
	return bpfvm_errorf(-ENOMEM, "out of memory for map '%s' (%u entries)",
			    o->name ? o->name : "", o->max_entries);
}

void bpfvm_htab_free(struct bpfvm_map *map)
{
	struct bpfvm_htab *h = to_htab(map);
	struct htab_chunk *c, *next;
	for (c = h->chunks; c; c = next) {
		next = c->next;
		free(c);
	}
	free(h->prealloc);
	free(h->free);
	free(h->buckets);
	pthread_mutex_destroy(&h->lru_lock);
	free(h);
}

/* An element's key is read by lock-free lookups while a recycling writer may
 * rewrite it, so it is stored and loaded as relaxed atomic 8-byte words (its
 * room is 8-aligned and padded): a racing reader sees old or new words and
 * fails the compare, with no data race. Short keys compare as one word. */
static inline bool key_equal(const void *elem_key, const void *key, uint32_t size)
{
	const uint64_t *ek = elem_key;
	uint64_t w, kw = 0;
	uint32_t i;

	if (size == 4) {
		memcpy(&kw, key, 4);
		return __atomic_load_n(ek, __ATOMIC_RELAXED) == kw;
	}
	if (size == 8) {
		memcpy(&kw, key, 8);
		return __atomic_load_n(ek, __ATOMIC_RELAXED) == kw;
	}
	for (i = 0; i + 8 <= size; i += 8) {
		memcpy(&kw, (const char *)key + i, 8);
		if (__atomic_load_n(&ek[i / 8], __ATOMIC_RELAXED) != kw)
			return false;
	}
	if (i == size)
		return true;
	/* key_store zeroes the padding after the key. */
	w = __atomic_load_n(&ek[i / 8], __ATOMIC_RELAXED);
	kw = 0;
	memcpy(&kw, (const char *)key + i, size - i);
	return w == kw;
}

static void key_store(void *elem_key, const void *key, uint32_t size)
{
	uint64_t *ek = elem_key, w;
	uint32_t i;

	for (i = 0; i < size; i += 8) {
		w = 0;
		memcpy(&w, (const char *)key + i, size - i < 8 ? size - i : 8);
		__atomic_store_n(&ek[i / 8], w, __ATOMIC_RELAXED);
	}
}

static void key_load(void *key, const void *elem_key, uint32_t size)
{
	const uint64_t *ek = elem_key;
	uint64_t w;
	uint32_t i;

	for (i = 0; i < size; i += 8) {
		w = __atomic_load_n(&ek[i / 8], __ATOMIC_RELAXED);
		memcpy((char *)key + i, &w, size - i < 8 ? size - i : 8);
	}
}

static struct htab_elem *find_in(struct bpfvm_htab *h, uint32_t hash, const void *key)
{
	uint32_t b = hash & (h->n_buckets - 1);
	uintptr_t p;

again:
	for (p = atomic_load_explicit(&h->buckets[b].head, memory_order_acquire); !IS_NULLS(p);
	     p = atomic_load_explicit(&((struct htab_elem *)p)->next, memory_order_acquire)) {
		struct htab_elem *e = (struct htab_elem *)p;

		if (atomic_load_explicit(&e->hash, memory_order_relaxed) == hash &&
		    key_equal(htab_elem_key(e), key, h->map.key_size))
			return e;
	}
	if (p != NULLS(b))
		goto again;
	return NULL;
}

struct htab_elem *bpfvm_htab_find(struct bpfvm_htab *h, const void *key)
{
	return find_in(h, hash_key(key, h->map.key_size, h->seed), key);
}

void *bpfvm_htab_lookup(struct bpfvm_map *map, const void *key)
{
	struct bpfvm_htab *h = to_htab(map);
	struct htab_elem *e = bpfvm_htab_find(h, key);
	void *v;

	if (!e)
		return NULL;
	if (h->lru && !atomic_load_explicit(&e->ref, memory_order_relaxed))
		atomic_store_explicit(&e->ref, 1, memory_order_relaxed);
	v = htab_elem_value(h, e);
	if (h->percpu)
		return (char *)v + (size_t)bpfvm_map_this_cpu() * map->percpu_stride;
	if (h->of_maps)
		return *(struct bpfvm_map *const *)v;
	return v;
}

/* Under the bucket lock: the element holding key and the link pointing at it. */
static struct htab_elem *find_locked(struct bpfvm_htab *h, struct htab_bucket *bk,
				     uint32_t hash, const void *key, _Atomic(uintptr_t) **link)
{
	_Atomic(uintptr_t) *l = &bk->head;
	uintptr_t p;

	for (p = atomic_load_explicit(l, memory_order_relaxed); !IS_NULLS(p);
	     p = atomic_load_explicit(l, memory_order_relaxed)) {
		struct htab_elem *e = (struct htab_elem *)p;

		if (atomic_load_explicit(&e->hash, memory_order_relaxed) == hash &&
		    key_equal(htab_elem_key(e), key, h->map.key_size)) {
			*link = l;
			return e;
		}
		l = &e->next;
	}
	return NULL;
}

static void unlink_elem(struct htab_elem *e, _Atomic(uintptr_t) *link)
{
	atomic_store_explicit(&e->live, 0, memory_order_relaxed);
	atomic_store_explicit(link, atomic_load_explicit(&e->next, memory_order_relaxed),
			      memory_order_release);
}

static void release_elem(struct bpfvm_htab *h, struct htab_elem *e)
{
	pool_push(h, e);
}

/* Linux's LRU keeps lists per node; a clock over the preallocated elements
 * gives the same contract (the least recently looked-up go first) with
 * lookups that only set a flag. */
static struct htab_elem *lru_evict(struct bpfvm_htab *h)
{
	uint32_t n = h->prealloc_cnt, tries;
	struct htab_elem *victim = NULL;

	pthread_mutex_lock(&h->lru_lock);
	for (tries = 0; tries < 3 * n && !victim; tries++) {
		struct htab_elem *e = (struct htab_elem *)(h->prealloc +
							  (size_t)(h->hand++ % n) * h->elem_size);
		struct htab_bucket *bk;
		_Atomic(uintptr_t) *link;
		uint32_t hash;

		if (!atomic_load_explicit(&e->live, memory_order_relaxed))
			continue;
		if (atomic_load_explicit(&e->ref, memory_order_relaxed)) {
			atomic_store_explicit(&e->ref, 0, memory_order_relaxed);
			continue;
		}
		hash = atomic_load_explicit(&e->hash, memory_order_relaxed);
		bk = &h->buckets[hash & (h->n_buckets - 1)];
		bpfvm_spin_lock(&bk->lock);
		if (atomic_load_explicit(&e->live, memory_order_relaxed) &&
		    find_locked(h, bk, hash, htab_elem_key(e), &link) == e) {
			unlink_elem(e, link);
			atomic_fetch_sub_explicit(&h->count, 1, memory_order_relaxed);
			victim = e;
		}
		bpfvm_spin_unlock(&bk->lock);
	}
	pthread_mutex_unlock(&h->lru_lock);
	return victim;
}

static void copy_in(struct bpfvm_htab *h, struct htab_elem *e, const void *value, bool all_cpus,
		    bool fresh)
{
	void *v = htab_elem_value(h, e);
	uint32_t stride = h->map.percpu_stride, cpu, n;

	if (h->of_maps) {
		memcpy(v, value, sizeof(struct bpfvm_map *));
	} else if (!h->percpu) {
		bpfvm_map_copy_value(&h->map, v, value);
	} else if (all_cpus) {
		n = (uint32_t)bpfvm_num_possible_cpus();
		for (cpu = 0; cpu < n; cpu++)
			memcpy((char *)v + (size_t)cpu * stride,
			       (const char *)value + (size_t)cpu * stride, h->map.value_size);
	} else {
		if (fresh)
			memset(v, 0, h->vsize);
		memcpy((char *)v + (size_t)bpfvm_map_this_cpu() * stride, value,
		       h->map.value_size);
	}
}

long bpfvm_htab_update(struct bpfvm_map *map, const void *key, const void *value,
		       uint64_t flags, bool all_cpus)
{
	struct bpfvm_htab *h = to_htab(map);
	uint32_t hash = hash_key(key, map->key_size, h->seed);
	struct htab_bucket *bk = &h->buckets[hash & (h->n_buckets - 1)];
	struct htab_elem *old, *e = NULL;
	_Atomic(uintptr_t) *link;
	long err = 0;

	if ((flags & ~(uint64_t)BPFVM_F_LOCK) > BPFVM_EXIST ||
	    ((flags & BPFVM_F_LOCK) && map->spin_lock_off < 0))
		return -EINVAL;
	if (flags & BPFVM_F_LOCK) {
		/* In place under the value's lock, without the bucket lock. */
		old = find_in(h, hash, key);
		if (old) {
			if ((flags & ~(uint64_t)BPFVM_F_LOCK) == BPFVM_NOEXIST)
				return -EEXIST;
			bpfvm_map_copy_value_locked(map, htab_elem_value(h, old), value, false);
			return 0;
		}
	}
	if (h->lru) {
		/* Evicting takes other buckets' locks: never under ours. */
		e = pool_pop(h);
		if (!e)
			return -ENOMEM;
	}
	bpfvm_spin_lock(&bk->lock);
	old = find_locked(h, bk, hash, key, &link);
	if (old && (flags & 3) == BPFVM_NOEXIST) {
		err = -EEXIST;
		goto out;
	}
	if (!old && (flags & 3) == BPFVM_EXIST) {
		err = -ENOENT;
		goto out;
	}
	if (old && (flags & BPFVM_F_LOCK)) {
		bpfvm_map_copy_value_locked(map, htab_elem_value(h, old), value, false);
		goto out;
	}
	if (old && h->percpu) {
		copy_in(h, old, value, all_cpus, false);
		if (h->lru)
			atomic_store_explicit(&old->ref, 1, memory_order_relaxed);
		goto out;
	}
	if (!old && !h->lru) {
		if (atomic_fetch_add_explicit(&h->count, 1, memory_order_relaxed) >=
		    map->max_entries) {
			atomic_fetch_sub_explicit(&h->count, 1, memory_order_relaxed);
			err = -E2BIG;
			goto out;
		}
	}
	if (!e) {
		e = pool_pop(h);
		if (!e) {
			if (!old)
				atomic_fetch_sub_explicit(&h->count, 1, memory_order_relaxed);
			err = h->prealloc ? -E2BIG : -ENOMEM;
			goto out;
		}
	}
	key_store(htab_elem_key(e), key, map->key_size);
	atomic_store_explicit(&e->hash, hash, memory_order_relaxed);
	atomic_store_explicit(&e->ref, 0, memory_order_relaxed);
	copy_in(h, e, value, all_cpus, true);
	atomic_store_explicit(&e->next, atomic_load_explicit(&bk->head, memory_order_relaxed),
			      memory_order_relaxed);
	atomic_store_explicit(&e->live, 1, memory_order_relaxed);
	atomic_store_explicit(&bk->head, (uintptr_t)e, memory_order_release);
	if (old) {
		/* The new element is first in the chain: find old's link again. */
		find_locked(h, bk, hash, key, &link);
		while (atomic_load_explicit(link, memory_order_relaxed) != (uintptr_t)old)
			link = &((struct htab_elem *)atomic_load_explicit(link,
								  memory_order_relaxed))->next;
		unlink_elem(old, link);
	} else if (h->lru) {
		atomic_fetch_add_explicit(&h->count, 1, memory_order_relaxed);
	}
	bpfvm_spin_unlock(&bk->lock);
	if (old)
		release_elem(h, old);
	return 0;
out:
	bpfvm_spin_unlock(&bk->lock);
	if (e)
		release_elem(h, e);
	return err;
}

long bpfvm_htab_prog_update(struct bpfvm_map *map, const void *key, const void *value,
			    uint64_t flags)
{
	return bpfvm_htab_update(map, key, value, flags, false);
}

static long delete_elem(struct bpfvm_htab *h, const void *key, void *copy_out, uint64_t flags)
{
	uint32_t hash = hash_key(key, h->map.key_size, h->seed);
	struct htab_bucket *bk = &h->buckets[hash & (h->n_buckets - 1)];
	_Atomic(uintptr_t) *link;
	struct htab_elem *e;

	bpfvm_spin_lock(&bk->lock);
	e = find_locked(h, bk, hash, key, &link);
	if (!e) {
		bpfvm_spin_unlock(&bk->lock);
		return -ENOENT;
	}
	if (copy_out) {
		void *v = htab_elem_value(h, e);

		if (h->percpu)
			memcpy(copy_out, v, h->vsize);
		else if (h->of_maps)
			*(uint32_t *)copy_out = bpfvm_map_id(*(struct bpfvm_map **)v);
		else if (flags & BPFVM_F_LOCK)
			bpfvm_map_copy_value_locked(&h->map, copy_out, v, true);
		else
			bpfvm_map_copy_value(&h->map, copy_out, v);
	}
	unlink_elem(e, link);
	atomic_fetch_sub_explicit(&h->count, 1, memory_order_relaxed);
	bpfvm_spin_unlock(&bk->lock);
	release_elem(h, e);
	return 0;
}

long bpfvm_htab_delete(struct bpfvm_map *map, const void *key)
{
	return delete_elem(to_htab(map), key, NULL, 0);
}

long bpfvm_htab_for_each(struct bpfvm_map *map, bpfvm_map_elem_fn fn, void *ctx)
{
	struct bpfvm_htab *h = to_htab(map);
	uint32_t b;
	long n = 0;

	for (b = 0; b < h->n_buckets; b++) {
		uintptr_t p;

		for (p = atomic_load_explicit(&h->buckets[b].head, memory_order_acquire);
		     !IS_NULLS(p);
		     p = atomic_load_explicit(&((struct htab_elem *)p)->next, memory_order_acquire)) {
			struct htab_elem *e = (struct htab_elem *)p;
			char *v = htab_elem_value(h, e);

			if (h->percpu)
				v += (size_t)bpfvm_map_this_cpu() * map->percpu_stride;
			n++;
			if (fn(map, htab_elem_key(e), v, ctx))
				return n;
		}
	}
	return n;
}

/* Linux's order: the rest of key's chain, then the following buckets; from
 * the start when key is NULL or gone. */
int bpfvm_htab_get_next_key(struct bpfvm_map *map, const void *key, void *next_key)
{
	struct bpfvm_htab *h = to_htab(map);
	uint32_t b = 0;
	uintptr_t p;

	if (key) {
		uint32_t hash = hash_key(key, map->key_size, h->seed);
		struct htab_elem *e = find_in(h, hash, key);

		if (e) {
			p = atomic_load_explicit(&e->next, memory_order_acquire);
			if (!IS_NULLS(p)) {
				key_load(next_key, htab_elem_key((struct htab_elem *)p), map->key_size);
				return 0;
			}
			b = (hash & (h->n_buckets - 1)) + 1;
		}
	}
	for (; b < h->n_buckets; b++) {
		p = atomic_load_explicit(&h->buckets[b].head, memory_order_acquire);
		if (!IS_NULLS(p)) {
			key_load(next_key, htab_elem_key((struct htab_elem *)p), map->key_size);
			return 0;
		}
	}
	return -ENOENT;
}

int bpfvm_htab_user_lookup(struct bpfvm_map *map, const void *key, void *value, uint64_t flags)
{
	struct bpfvm_htab *h = to_htab(map);
	struct htab_elem *e = bpfvm_htab_find(h, key);
	void *v;

	if (!e)
		return bpfvm_errorf(-ENOENT, "map '%s': no such key", map->name);
	v = htab_elem_value(h, e);
	if (h->percpu)
		memcpy(value, v, h->vsize);
	else if (h->of_maps)
		*(uint32_t *)value = bpfvm_map_id(*(struct bpfvm_map **)v);
	else if (flags & BPFVM_F_LOCK)
		bpfvm_map_copy_value_locked(map, value, v, true);
	else
		bpfvm_map_copy_value(map, value, v);
	return 0;
}

int bpfvm_htab_user_update(struct bpfvm_map *map, const void *key, const void *value,
			   uint64_t flags)
{
	long err = bpfvm_htab_update(map, key, value, flags, true);

	switch (err) {
	case 0:
		return 0;
	case -EEXIST:
		return bpfvm_errorf(-EEXIST, "map '%s': the key exists (BPF_NOEXIST)", map->name);
	case -ENOENT:
		return bpfvm_errorf(-ENOENT, "map '%s': no such key (BPF_EXIST)", map->name);
	case -E2BIG:
		return bpfvm_errorf(-E2BIG, "map '%s' is full (%u entries)", map->name,
				    map->max_entries);
	case -EINVAL:
		return bpfvm_errorf(-EINVAL, "map '%s': update flags 0x%llx are not valid",
				    map->name, (unsigned long long)flags);
	default:
		return bpfvm_errorf((int)err, "map '%s': out of memory", map->name);
	}
}

int bpfvm_htab_user_delete(struct bpfvm_map *map, const void *key)
{
	if (bpfvm_htab_delete(map, key))
		return bpfvm_errorf(-ENOENT, "map '%s': no such key", map->name);
	return 0;
}

int bpfvm_htab_user_lookup_and_delete(struct bpfvm_map *map, const void *key, void *value,
				      uint64_t flags)
{
	if (delete_elem(to_htab(map), key, value, flags))
		return bpfvm_errorf(-ENOENT, "map '%s': no such key", map->name);
	return 0;
}
