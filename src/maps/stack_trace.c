/* BPF_MAP_TYPE_STACK_TRACE: bpf_get_stackid's store. Keys are u32 stack ids,
 * values arrays of u64 instruction pointers (value_size / 8 frames). As in
 * Linux, a stack's id is its hash masked to the bucket count (max_entries
 * rounded up to a power of two, so ids may reach past max_entries), a bucket
 * holds one stack, a different stack hashing to a taken bucket is -EEXIST
 * unless BPF_F_REUSE_STACKID replaces it, and user space can only read (the
 * frames, zero past the stack's depth), delete and iterate; programs reach
 * the map through get_stackid alone. The hash is bpfvm's, so ids differ from
 * Linux's. One mutex per map: get_stackid is rare next to lookups. */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "maps/map.h"
#include "util/error.h"

/* Linux's sysctl_perf_event_max_stack default (PERF_MAX_STACK_DEPTH). */
#define MAX_STACK_DEPTH 127

struct stack_bucket {
	uint32_t nr; /* frames; 0 = empty */
	uint32_t hash;
	uint64_t ips[];
};

struct stack_map {
	struct bpfvm_map map;
	pthread_mutex_t lock;
	uint32_t n_buckets;
	size_t bucket_size;
	uint8_t *buckets;
};

static struct stack_map *to_smap(struct bpfvm_map *map)
{
	return (struct stack_map *)map;
}

static struct stack_bucket *bucket(struct stack_map *s, uint32_t id)
{
	return (struct stack_bucket *)(s->buckets + (size_t)id * s->bucket_size);
}

static int stack_check(const struct bpfvm_map_create_opts *opts)
{
	uint32_t allowed = BPFVM_F_NUMA_NODE | BPFVM_F_RDONLY | BPFVM_F_WRONLY;

	if (opts->max_entries == 0 || opts->key_size != 4 || opts->value_size < 8 ||
	    opts->value_size % 8 || (opts->map_flags & ~allowed))
		return bpfvm_errorf(-EINVAL, "stack trace maps need key_size 4, a value_size that "
				    "is a multiple of 8, max_entries > 0 and known flags (got "
				    "%u/%u/%u, flags 0x%x)", opts->key_size, opts->value_size,
				    opts->max_entries, opts->map_flags);
	if (opts->value_size / 8 > MAX_STACK_DEPTH)
		return bpfvm_errorf(-EINVAL, "value_size %u holds more than %d frames",
				    opts->value_size, MAX_STACK_DEPTH);
	if (opts->max_entries > (1u << 31))
		return bpfvm_errorf(-E2BIG, "%u entries are too many", opts->max_entries);
	return 0;
}

static int stack_create(struct bpfvm_map **out, const struct bpfvm_map_create_opts *opts)
{
	struct stack_map *s = calloc(1, sizeof(*s));
	uint32_t n = 1;

	while (n < opts->max_entries)
		n <<= 1;
	if (s) {
		s->n_buckets = n;
		s->bucket_size = sizeof(struct stack_bucket) + opts->value_size;
		s->buckets = calloc(n, s->bucket_size);
	}
	if (!s || !s->buckets) {
		free(s);
		return bpfvm_errorf(-ENOMEM, "out of memory for map '%s'",
				    opts->name ? opts->name : "");
	}
	pthread_mutex_init(&s->lock, NULL);
	bpfvm_map_init(&s->map, opts);
	*out = &s->map;
	return 0;
}

static void stack_free(struct bpfvm_map *map)
{
	struct stack_map *s = to_smap(map);

	pthread_mutex_destroy(&s->lock);
	free(s->buckets);
	free(s);
}

/* FNV-1a over the frames. */
static uint32_t stack_hash(const uint64_t *ips, uint32_t nr)
{
	uint32_t h = 2166136261u;

	for (uint32_t i = 0; i < nr; i++)
		for (int b = 0; b < 64; b += 8) {
			h ^= (uint8_t)(ips[i] >> b);
			h *= 16777619u;
		}
	return h;
}

long bpfvm_stack_trace_get_id(struct bpfvm_map *map, const uint64_t *ips, uint32_t nr,
			      bool reuse)
{
	struct stack_map *s = to_smap(map);
	uint32_t hash, id;
	struct stack_bucket *b;
	long ret;

	if (nr > map->value_size / 8)
		nr = map->value_size / 8;
	hash = stack_hash(ips, nr);
	id = hash & (s->n_buckets - 1);
	pthread_mutex_lock(&s->lock);
	b = bucket(s, id);
	if (b->nr && b->hash == hash && b->nr == nr && !memcmp(b->ips, ips, nr * 8ull)) {
		ret = id;
	} else if (b->nr && !reuse) {
		ret = -EEXIST;
	} else {
		b->nr = nr;
		b->hash = hash;
		memcpy(b->ips, ips, nr * 8ull);
		ret = id;
	}
	pthread_mutex_unlock(&s->lock);
	return ret;
}

static int stack_user_lookup(struct bpfvm_map *map, const void *key, void *value, uint64_t flags)
{
	struct stack_map *s = to_smap(map);
	uint32_t id;
	int err = 0;

	memcpy(&id, key, 4);
	if (id >= s->n_buckets)
		return bpfvm_errorf(-ENOENT, "map '%s': no stack id %u", map->name, id);
	pthread_mutex_lock(&s->lock);
	if (!bucket(s, id)->nr) {
		err = bpfvm_errorf(-ENOENT, "map '%s': no stack id %u", map->name, id);
	} else {
		memset(value, 0, map->value_size);
		memcpy(value, bucket(s, id)->ips, bucket(s, id)->nr * 8ull);
	}
	pthread_mutex_unlock(&s->lock);
	return err;
}

static int stack_user_update(struct bpfvm_map *map, const void *key, const void *value,
			     uint64_t flags)
{
	return bpfvm_errorf(-EINVAL, "map '%s': stack traces are written by bpf_get_stackid "
			    "only", map->name);
}

static int stack_user_delete(struct bpfvm_map *map, const void *key)
{
	struct stack_map *s = to_smap(map);
	uint32_t id;
	int err = 0;

	memcpy(&id, key, 4);
	if (id >= s->n_buckets)
		return bpfvm_errorf(-EINVAL, "map '%s': stack id %u is past the %u buckets",
				    map->name, id, s->n_buckets);
	pthread_mutex_lock(&s->lock);
	if (bucket(s, id)->nr)
		bucket(s, id)->nr = 0;
	else
		err = bpfvm_errorf(-ENOENT, "map '%s': no stack id %u", map->name, id);
	pthread_mutex_unlock(&s->lock);
	return err;
}

static int stack_get_next_key(struct bpfvm_map *map, const void *key, void *next_key)
{
	struct stack_map *s = to_smap(map);
	uint32_t id = 0;

	if (key) {
		memcpy(&id, key, 4);
		id = id >= s->n_buckets ? 0 : id + 1;
	}
	pthread_mutex_lock(&s->lock);
	while (id < s->n_buckets && !bucket(s, id)->nr)
		id++;
	pthread_mutex_unlock(&s->lock);
	if (id >= s->n_buckets)
		return -ENOENT;
	memcpy(next_key, &id, 4);
	return 0;
}

const struct bpfvm_map_ops bpfvm_stack_trace_ops = {
	.check = stack_check,
	.create = stack_create,
	.free = stack_free,
	.get_next_key = stack_get_next_key,
	.user_lookup = stack_user_lookup,
	.user_update = stack_user_update,
	.user_delete = stack_user_delete,
};
