/* BPF_MAP_TYPE_LPM_TRIE: longest-prefix match over keys `struct { u32
 * prefixlen; u8 data[]; }`, the binary Patricia trie of Linux's lpm_trie.c
 * (intermediate nodes where two prefixes diverge, at most two children), with
 * its rules: BPF_F_NO_PREALLOC required, data 1..256 bytes, -ENOSPC when full,
 * get_next_key in post-order (more specific prefixes first).
 *
 * Writers serialise on a lock and bump a sequence count around each change;
 * lookups take no lock: they walk the trie and retry when the count says a
 * writer ran meanwhile. Nodes are recycled through a free list and freed only
 * with the map, so a racing walk never touches freed memory. */
#include <errno.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>

#include "maps/map.h"
#include "util/error.h"

#define LPM_DATA_SIZE_MAX 256
#define LPM_KEY_SIZE_MIN (4 + 1)
#define LPM_KEY_SIZE_MAX (4 + LPM_DATA_SIZE_MAX)
#define NODE_IM 1u /* intermediate: holds no value */

#if defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define UNDER_TSAN 1
#endif
#endif
#if defined(__SANITIZE_THREAD__)
#define UNDER_TSAN 1
#endif

struct lpm_node {
	_Atomic(struct lpm_node *) child[2];
	struct lpm_node *free_next;
	/* Fields a lock-free walk reads are atomic (relaxed data bytes), so a
	 * walk racing the recycling of a node is a retry, not a data race. */
	_Atomic uint32_t prefixlen;
	_Atomic uint32_t flags;
	/* data[data_size], then the value at value_off */
};

struct lpm_chunk {
	struct lpm_chunk *next;
};

struct bpfvm_lpm {
	struct bpfvm_map map;
	_Atomic(struct lpm_node *) root;
	_Atomic uint64_t seq;     /* odd while a writer changes the trie */
	uint32_t lock;
	uint32_t data_size, max_prefixlen, value_off, node_size;
	uint32_t n_entries;
	struct lpm_node *free;
	struct lpm_chunk *chunks;
	uint32_t grow;
};

static struct bpfvm_lpm *to_lpm(struct bpfvm_map *map)
{
	return (struct bpfvm_lpm *)map;
}

_Static_assert(sizeof(struct lpm_node) % 4 == 0, "node data must be 4-aligned for prefix_match");

static uint8_t *node_data(struct lpm_node *n)
{
	return (uint8_t *)(n + 1);
}

static void *node_value(const struct bpfvm_lpm *t, struct lpm_node *n)
{
	return (char *)n + t->value_off;
}

static int lpm_check(const struct bpfvm_map_create_opts *o)
{
	uint32_t allowed = BPFVM_F_NO_PREALLOC | BPFVM_F_NUMA_NODE | BPFVM_F_RDONLY |
			   BPFVM_F_WRONLY | BPFVM_F_RDONLY_PROG | BPFVM_F_WRONLY_PROG;

	if (o->max_entries == 0 || !(o->map_flags & BPFVM_F_NO_PREALLOC) ||
	    (o->map_flags & ~allowed) || o->key_size < LPM_KEY_SIZE_MIN ||
	    o->key_size > LPM_KEY_SIZE_MAX || o->value_size < 1 || o->value_size > (1u << 22) - 512)
		return bpfvm_errorf(-EINVAL, "LPM tries need BPF_F_NO_PREALLOC, key_size %d..%d, "
				    "value_size > 0 and max_entries > 0 (got %u/%u/%u, flags 0x%x)",
				    LPM_KEY_SIZE_MIN, LPM_KEY_SIZE_MAX, o->key_size, o->value_size,
				    o->max_entries, o->map_flags);
	return 0;
}

static int lpm_create(struct bpfvm_map **out, const struct bpfvm_map_create_opts *o)
{
	struct bpfvm_lpm *t = calloc(1, sizeof(*t));

	if (!t)
		return bpfvm_errorf(-ENOMEM, "out of memory");
	bpfvm_map_init(&t->map, o);
	t->data_size = o->key_size - 4;
	t->max_prefixlen = t->data_size * 8;
	t->value_off = ((uint32_t)sizeof(struct lpm_node) + t->data_size + 7) & ~7u;
	t->node_size = (t->value_off + o->value_size + 7) & ~7u;
	t->grow = 16;
	*out = &t->map;
	return 0;
}

static void lpm_free(struct bpfvm_map *map)
{
	struct bpfvm_lpm *t = to_lpm(map);
	struct lpm_chunk *c, *next;

	for (c = t->chunks; c; c = next) {
		next = c->next;
		free(c);
	}
	free(t);
}

/* Under the lock. */
static struct lpm_node *node_alloc(struct bpfvm_lpm *t)
{
	struct lpm_node *n;

	if (!t->free) {
		size_t hdr = 64, i;
		char *block = malloc(hdr + (size_t)t->grow * t->node_size);

		if (!block)
			return NULL;
		((struct lpm_chunk *)block)->next = t->chunks;
		t->chunks = (struct lpm_chunk *)block;
		for (i = t->grow; i-- > 0;) {
			n = (struct lpm_node *)(block + hdr + i * t->node_size);
			n->free_next = t->free;
			t->free = n;
		}
		if (t->grow < 4096)
			t->grow *= 2;
	}
	n = t->free;
	t->free = n->free_next;
	atomic_store_explicit(&n->child[0], NULL, memory_order_relaxed);
	atomic_store_explicit(&n->child[1], NULL, memory_order_relaxed);
	atomic_store_explicit(&n->flags, 0, memory_order_relaxed);
	return n;
}

static void node_free(struct bpfvm_lpm *t, struct lpm_node *n)
{
	n->free_next = t->free;
	t->free = n;
}

static void store_data(uint8_t *dst, const uint8_t *src, uint32_t n)
{
	uint32_t i;

	for (i = 0; i < n; i++)
		__atomic_store_n(&dst[i], src[i], __ATOMIC_RELAXED);
}

static uint32_t be32_to_host(uint32_t x)
{
	const uint8_t *b = (const uint8_t *)&x;

	return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
}

static int extract_bit(const uint8_t *data, uint32_t index)
{
	return !!(data[index / 8] & (1u << (7 - index % 8)));
}

/* Leading bits that node and key share, up to the shorter prefix. Compares a
 * 32-bit big-endian word at a time (node data is 4-aligned) and counts the
 * matching bits of the first differing word, as Linux's longest_prefix_match. */
static inline uint32_t prefix_match(const struct bpfvm_lpm *t, struct lpm_node *n,
				    uint32_t prefixlen,
			     const uint8_t *data)
{
	uint32_t limit = n->prefixlen < prefixlen ? n->prefixlen : prefixlen, len = 0, i = 0;
	const uint8_t *nd = node_data(n);

	if (limit > t->max_prefixlen)
		limit = t->max_prefixlen;
	for (; i + 4 <= t->data_size && len < limit; i += 4) {
		uint32_t a = __atomic_load_n((const uint32_t *)(const void *)(nd + i),
					     __ATOMIC_RELAXED), b, diff;

		memcpy(&b, data + i, 4);
		diff = a ^ b;
		if (diff) {
			/* the first differing bit in memory order is the most
			 * significant of the big-endian word */
			len += (uint32_t)__builtin_clz(be32_to_host(diff));
			return len < limit ? len : limit;
		}
		len += 32;
	}
	for (; i < t->data_size && len < limit; i++) {
		uint8_t diff = __atomic_load_n(&nd[i], __ATOMIC_RELAXED) ^ data[i];

		if (diff) {
			len += (uint32_t)__builtin_clz((uint32_t)diff) - 24;
			break;
		}
		len += 8;
	}
	return len < limit ? len : limit;
}

static struct lpm_node *load(_Atomic(struct lpm_node *) *p)
{
	return atomic_load_explicit(p, memory_order_acquire);
}

/* The seqlock reader's check: the walk's loads are ordered before the second
 * read of the count by an acquire fence. ThreadSanitizer does not model
 * fences, so under it a read-modify-write (which orders the same loads, at the
 * price of a shared cache line) stands in. */
static bool seq_unchanged(struct bpfvm_lpm *t, uint64_t seq)
{
#ifdef UNDER_TSAN
	return atomic_fetch_add_explicit(&t->seq, 0, memory_order_acq_rel) == seq;
#else
	atomic_thread_fence(memory_order_acquire);
	return atomic_load_explicit(&t->seq, memory_order_relaxed) == seq;
#endif
}

/* The walk for 4-byte data (IPv4, the common case): the key's bits as one
 * host-order word, each node's compared in one step. Same walk as below. */
static struct lpm_node *lookup_v4(struct bpfvm_lpm *t, uint32_t prefixlen, const uint8_t *data)
{
	uint32_t kw, steps = 0;
	struct lpm_node *node, *found = NULL;

	memcpy(&kw, data, 4);
	kw = be32_to_host(kw);
	for (node = load(&t->root); node && steps <= 33; steps++) {
		uint32_t plen = atomic_load_explicit(&node->prefixlen, memory_order_relaxed);
		uint32_t nw = be32_to_host(__atomic_load_n((const uint32_t *)(const void *)
							   node_data(node), __ATOMIC_RELAXED));
		uint32_t diff = nw ^ kw, limit = plen < prefixlen ? plen : prefixlen;
		uint32_t matchlen = diff ? (uint32_t)__builtin_clz(diff) : 32;

		if (matchlen > limit)
			matchlen = limit;
		if (matchlen == 32)
			return node;
		if (matchlen < plen)
			break;
		if (!(atomic_load_explicit(&node->flags, memory_order_relaxed) & NODE_IM))
			found = node;
		node = load(&node->child[(kw >> (31 - plen)) & 1]);
	}
	return found;
}

static void *lpm_lookup(struct bpfvm_map *map, const void *key)
{
	struct bpfvm_lpm *t = to_lpm(map);
	uint32_t prefixlen = *(const uint32_t *)key, steps;
	const uint8_t *data = (const uint8_t *)key + 4;
	struct lpm_node *node, *found;
	uint64_t seq;

	if (prefixlen > t->max_prefixlen)
		return NULL;
	for (;;) {
		seq = atomic_load_explicit(&t->seq, memory_order_acquire);
		if (seq & 1) {
			sched_yield();
			continue;
		}
		if (t->data_size == 4) {
			found = lookup_v4(t, prefixlen, data);
			if (seq_unchanged(t, seq))
				return found ? node_value(t, found) : NULL;
			continue;
		}
		found = NULL;
		for (node = load(&t->root), steps = 0; node && steps <= t->max_prefixlen + 1;
		     steps++) {
			uint32_t matchlen = prefix_match(t, node, prefixlen, data);

			if (matchlen == t->max_prefixlen) {
				found = node;
				break;
			}
			if (matchlen < node->prefixlen)
				break;
			if (!(atomic_load_explicit(&node->flags, memory_order_relaxed) & NODE_IM))
				found = node;
			node = load(&node->child[extract_bit(data, node->prefixlen)]);
		}
		if (seq_unchanged(t, seq))
			return found ? node_value(t, found) : NULL;
	}
}

static void write_begin(struct bpfvm_lpm *t)
{
	bpfvm_spin_lock(&t->lock);
	/* Stores of the change must not become visible before the odd count:
	 * the acq_rel increment keeps them after it. */
	atomic_fetch_add_explicit(&t->seq, 1, memory_order_acq_rel);
}

static void write_end(struct bpfvm_lpm *t)
{
	atomic_fetch_add_explicit(&t->seq, 1, memory_order_release);
	bpfvm_spin_unlock(&t->lock);
}

static void store(_Atomic(struct lpm_node *) *p, struct lpm_node *n)
{
	atomic_store_explicit(p, n, memory_order_release);
}

static long lpm_update(struct bpfvm_map *map, const void *key, const void *value,
		       uint64_t flags)
{
	struct bpfvm_lpm *t = to_lpm(map);
	uint32_t prefixlen = *(const uint32_t *)key, matchlen = 0;
	const uint8_t *data = (const uint8_t *)key + 4;
	struct lpm_node *node, *new_node, *im;
	_Atomic(struct lpm_node *) *slot = &t->root;
	long err = 0;

	if (flags > BPFVM_EXIST || prefixlen > t->max_prefixlen)
		return -EINVAL;
	write_begin(t);
	new_node = node_alloc(t);
	if (!new_node) {
		err = -ENOMEM;
		goto out;
	}
	new_node->prefixlen = prefixlen;
	store_data(node_data(new_node), data, t->data_size);
	memcpy(node_value(t, new_node), value, map->value_size);

	while ((node = atomic_load_explicit(slot, memory_order_relaxed))) {
		matchlen = prefix_match(t, node, prefixlen, data);
		if (node->prefixlen != matchlen || node->prefixlen == prefixlen ||
		    node->prefixlen == t->max_prefixlen)
			break;
		slot = &node->child[extract_bit(data, node->prefixlen)];
	}
	if (node && node->prefixlen == matchlen && matchlen == prefixlen) {
		/* The same prefix: replace the node (or fill an intermediate). */
		bool im_node = atomic_load_explicit(&node->flags, memory_order_relaxed) & NODE_IM;

		if (!im_node && flags == BPFVM_NOEXIST) {
			err = -EEXIST;
			goto out_free;
		}
		if (im_node && flags == BPFVM_EXIST) {
			err = -ENOENT;
			goto out_free;
		}
		if (im_node && t->n_entries == map->max_entries) {
			err = -ENOSPC;
			goto out_free;
		}
		t->n_entries += im_node;
		store(&new_node->child[0], atomic_load_explicit(&node->child[0], memory_order_relaxed));
		store(&new_node->child[1], atomic_load_explicit(&node->child[1], memory_order_relaxed));
		store(slot, new_node);
		node_free(t, node);
		goto out;
	}
	if (flags == BPFVM_EXIST) {
		err = -ENOENT;
		goto out_free;
	}
	if (t->n_entries == map->max_entries) {
		err = -ENOSPC;
		goto out_free;
	}
	t->n_entries++;
	if (!node) {
		store(slot, new_node);
		goto out;
	}
	if (matchlen == prefixlen) {
		/* The new prefix covers node: it goes above it. */
		store(&new_node->child[extract_bit(node_data(node), matchlen)], node);
		store(slot, new_node);
		goto out;
	}
	im = node_alloc(t);
	if (!im) {
		t->n_entries--;
		err = -ENOMEM;
		goto out_free;
	}
	im->prefixlen = matchlen;
	atomic_store_explicit(&im->flags, NODE_IM, memory_order_relaxed);
	store_data(node_data(im), node_data(node), t->data_size);
	if (extract_bit(data, matchlen)) {
		store(&im->child[0], node);
		store(&im->child[1], new_node);
	} else {
		store(&im->child[0], new_node);
		store(&im->child[1], node);
	}
	store(slot, im);
	goto out;
out_free:
	node_free(t, new_node);
out:
	write_end(t);
	return err;
}

static long lpm_delete(struct bpfvm_map *map, const void *key)
{
	struct bpfvm_lpm *t = to_lpm(map);
	uint32_t prefixlen = *(const uint32_t *)key, matchlen = 0;
	const uint8_t *data = (const uint8_t *)key + 4;
	_Atomic(struct lpm_node *) *trim = &t->root, *trim2 = trim;
	struct lpm_node *node, *parent = NULL, *c0, *c1;

	if (prefixlen > t->max_prefixlen)
		return -EINVAL;
	write_begin(t);
	while ((node = atomic_load_explicit(trim, memory_order_relaxed))) {
		matchlen = prefix_match(t, node, prefixlen, data);
		if (node->prefixlen != matchlen || node->prefixlen == prefixlen)
			break;
		parent = node;
		trim2 = trim;
		trim = &node->child[extract_bit(data, node->prefixlen)];
	}
	if (!node || node->prefixlen != prefixlen || node->prefixlen != matchlen ||
	    (atomic_load_explicit(&node->flags, memory_order_relaxed) & NODE_IM)) {
		write_end(t);
		return -ENOENT;
	}
	t->n_entries--;
	c0 = atomic_load_explicit(&node->child[0], memory_order_relaxed);
	c1 = atomic_load_explicit(&node->child[1], memory_order_relaxed);
	if (c0 && c1) {
		atomic_store_explicit(&node->flags, NODE_IM, memory_order_relaxed);
	} else if (parent && (atomic_load_explicit(&parent->flags, memory_order_relaxed) & NODE_IM) &&
		   !c0 && !c1) {
		/* The intermediate parent has no reason left to exist. */
		bool left = atomic_load_explicit(&parent->child[0], memory_order_relaxed) == node;

		store(trim2, atomic_load_explicit(&parent->child[left ? 1 : 0], memory_order_relaxed));
		node_free(t, parent);
		node_free(t, node);
	} else {
		store(trim, c0 ? c0 : c1);
		node_free(t, node);
	}
	write_end(t);
	return 0;
}

/* Linux's post-order: the leftmost non-intermediate node first; after a
 * node, the leftmost of its parent's right subtree, else the parent. */
static struct lpm_node *leftmost(struct lpm_node *node)
{
	struct lpm_node *next = NULL;

	while (node) {
		if (atomic_load_explicit(&node->flags, memory_order_relaxed) & NODE_IM) {
			node = load(&node->child[0]);
		} else {
			next = node;
			node = load(&node->child[0]);
			if (!node)
				node = load(&next->child[1]);
		}
	}
	return next;
}

static int lpm_get_next_key(struct bpfvm_map *map, const void *key, void *next_key)
{
	struct bpfvm_lpm *t = to_lpm(map);
	struct lpm_node *stack[LPM_DATA_SIZE_MAX * 8 + 2], *node, *next = NULL, *parent;
	uint32_t prefixlen = key ? *(const uint32_t *)key : 0;
	const uint8_t *data = key ? (const uint8_t *)key + 4 : NULL;
	int sp = -1;

	bpfvm_spin_lock(&t->lock);
	node = load(&t->root);
	if (!node)
		goto out;
	if (!key || prefixlen > t->max_prefixlen) {
		next = leftmost(node);
		goto out;
	}
	while (node) {
		uint32_t matchlen;

		stack[++sp] = node;
		matchlen = prefix_match(t, node, prefixlen, data);
		if (node->prefixlen != matchlen || node->prefixlen == prefixlen)
			break;
		node = load(&node->child[extract_bit(data, node->prefixlen)]);
	}
	if (!node || node->prefixlen != prefixlen ||
	    (atomic_load_explicit(&node->flags, memory_order_relaxed) & NODE_IM)) {
		next = leftmost(load(&t->root));
		goto out;
	}
	node = stack[sp];
	while (sp > 0) {
		parent = stack[sp - 1];
		if (load(&parent->child[0]) == node && load(&parent->child[1])) {
			next = leftmost(load(&parent->child[1]));
			goto out;
		}
		if (!(atomic_load_explicit(&parent->flags, memory_order_relaxed) & NODE_IM)) {
			next = parent;
			goto out;
		}
		node = parent;
		sp--;
	}
out:
	if (next) {
		*(uint32_t *)next_key = next->prefixlen;
		memcpy((char *)next_key + 4, node_data(next), t->data_size);
	}
	bpfvm_spin_unlock(&t->lock);
	return next ? 0 : -ENOENT;
}

static int lpm_user_lookup(struct bpfvm_map *map, const void *key, void *value, uint64_t flags)
{
	struct bpfvm_lpm *t = to_lpm(map);
	void *v;

	bpfvm_spin_lock(&t->lock);
	v = lpm_lookup(map, key);
	if (v)
		memcpy(value, v, map->value_size);
	bpfvm_spin_unlock(&t->lock);
	if (!v)
		return bpfvm_errorf(-ENOENT, "map '%s': no prefix matches", map->name);
	return 0;
}

static int lpm_user_update(struct bpfvm_map *map, const void *key, const void *value,
			   uint64_t flags)
{
	long err = lpm_update(map, key, value, flags);

	switch (err) {
	case 0:
		return 0;
	case -EINVAL:
		return bpfvm_errorf(-EINVAL, "map '%s': prefix length %u above %u or flags 0x%llx",
				    map->name, *(const uint32_t *)key, to_lpm(map)->max_prefixlen,
				    (unsigned long long)flags);
	case -ENOSPC:
		return bpfvm_errorf(-ENOSPC, "map '%s' is full (%u entries)", map->name,
				    map->max_entries);
	case -EEXIST:
		return bpfvm_errorf(-EEXIST, "map '%s': the prefix exists (BPF_NOEXIST)",
				    map->name);
	case -ENOENT:
		return bpfvm_errorf(-ENOENT, "map '%s': no such prefix (BPF_EXIST)", map->name);
	default:
		return bpfvm_errorf((int)err, "map '%s': out of memory", map->name);
	}
}

static int lpm_user_delete(struct bpfvm_map *map, const void *key)
{
	long err = lpm_delete(map, key);

	if (err)
		return bpfvm_errorf((int)err, "map '%s': no such prefix", map->name);
	return 0;
}

const struct bpfvm_map_ops bpfvm_lpm_trie_ops = {
	.check = lpm_check,
	.create = lpm_create,
	.free = lpm_free,
	.lookup = lpm_lookup,
	.update = lpm_update,
	.delete = lpm_delete,
	.get_next_key = lpm_get_next_key,
	.user_lookup = lpm_user_lookup,
	.user_update = lpm_user_update,
	.user_delete = lpm_user_delete,
};
