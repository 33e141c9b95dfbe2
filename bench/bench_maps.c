/* Map speed from C: nanoseconds per program-side lookup and update (what the
 * bpf_map_* helpers cost, minus the call) for array, hash, LRU hash and LPM
 * trie (best of 5 rounds), plus the hash lookup with 2 threads at once. Run
 * by hand:
 *   build/bench/bench_maps [entries] [ops]
 * The side-by-side with the kernel runs through test-run (bench/ programs). */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bpfvm/bpfvm.h"
#include "maps/map.h"

/* CPU time of the calling thread: on a shared machine, time spent
 * descheduled is not the map's. */
static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static uint32_t xorshift(uint32_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

struct lpm_key {
	uint32_t prefixlen;
	uint8_t addr[4];
};

static struct bpfvm_map *make(uint32_t type, uint32_t ks, uint32_t max, uint32_t flags)
{
	struct bpfvm_map_create_opts o = { .sz = sizeof(o), .map_type = type, .key_size = ks,
					   .value_size = 8, .max_entries = max, .map_flags = flags };
	struct bpfvm_map *m;

	if (bpfvm_map_create(&o, &m)) {
		fprintf(stderr, "create: %s\n", bpfvm_last_error());
		exit(2);
	}
	return m;
}

/* The key for op i: random within [0, n), or an IPv4 address for LPM. */
static void key_for(uint32_t type, uint32_t *seed, uint32_t n, void *key)
{
	uint32_t r = xorshift(seed);

	if (type == BPFVM_MAP_TYPE_LPM_TRIE) {
		struct lpm_key *k = key;

		k->prefixlen = 32;
		r %= n;
		k->addr[0] = 10;
		k->addr[1] = (uint8_t)(r >> 8);
		k->addr[2] = (uint8_t)r;
		k->addr[3] = (uint8_t)(r * 7);
	} else {
		*(uint32_t *)key = r % n;
	}
}

static void fill(struct bpfvm_map *m, uint32_t type, uint32_t n)
{
	uint64_t v = 1;
	uint32_t i;

	for (i = 0; i < n; i++) {
		if (type == BPFVM_MAP_TYPE_LPM_TRIE) {
			/* A /24 per (addr[1], addr[2]) pair and some /16s above them. */
			struct lpm_key k = { 24, { 10, (uint8_t)(i >> 8), (uint8_t)i, 0 } };

			bpfvm_map_prog_update(m, &k, &v, BPFVM_ANY);
			if (i % 256 == 0) {
				k.prefixlen = 16;
				bpfvm_map_prog_update(m, &k, &v, BPFVM_ANY);
			}
		} else {
			bpfvm_map_prog_update(m, &i, &v, BPFVM_ANY);
		}
	}
}

static volatile uint64_t sink;

static double bench_lookup(struct bpfvm_map *m, uint32_t type, uint32_t n, uint64_t ops)
{
	uint32_t seed = 2463534242u;
	uint8_t key[8];
	uint64_t i, t0, hits = 0;

	t0 = now_ns();
	for (i = 0; i < ops; i++) {
		key_for(type, &seed, n, key);
		hits += bpfvm_map_prog_lookup(m, key) != NULL;
	}
	sink = hits;
	return (double)(now_ns() - t0) / (double)ops;
}

static double bench_update(struct bpfvm_map *m, uint32_t type, uint32_t n, uint64_t ops)
{
	uint32_t seed = 88172645u;
	uint8_t key[8];
	uint64_t i, t0, v = 2;

	if (type == BPFVM_MAP_TYPE_LPM_TRIE)
		seed = 2463534242u; /* the same keys as the lookups */
	t0 = now_ns();
	for (i = 0; i < ops; i++) {
		key_for(type, &seed, type == BPFVM_MAP_TYPE_LRU_HASH ? 2 * n : n, key);
		if (type == BPFVM_MAP_TYPE_LPM_TRIE)
			((struct lpm_key *)key)->prefixlen = 24;
		bpfvm_map_prog_update(m, key, &v, BPFVM_ANY);
	}
	return (double)(now_ns() - t0) / (double)ops;
}

struct thread_arg {
	struct bpfvm_map *m;
	uint32_t n;
	uint64_t ops;
	double ns;
};

static void *lookup_thread(void *p)
{
	struct thread_arg *a = p;

	a->ns = bench_lookup(a->m, BPFVM_MAP_TYPE_HASH, a->n, a->ops);
	return NULL;
}

int main(int argc, char **argv)
{
	static const struct {
		const char *name;
		uint32_t type, key_size, flags;
	} maps[] = {
		{ "array", BPFVM_MAP_TYPE_ARRAY, 4, 0 },
		{ "hash", BPFVM_MAP_TYPE_HASH, 4, 0 },
		{ "lru_hash", BPFVM_MAP_TYPE_LRU_HASH, 4, 0 },
		{ "lpm_trie", BPFVM_MAP_TYPE_LPM_TRIE, 8, BPFVM_F_NO_PREALLOC },
	};
	uint32_t n = argc > 1 ? (uint32_t)strtoul(argv[1], NULL, 0) : 65536;
	uint64_t ops = argc > 2 ? strtoull(argv[2], NULL, 0) : 10000000;
	struct thread_arg ta[2];
	pthread_t t[2];
	size_t i;

	printf("%-10s %10s %12s %12s\n", "map", "entries", "lookup ns", "update ns");
	for (i = 0; i < sizeof(maps) / sizeof(maps[0]); i++) {
		uint32_t max = maps[i].type == BPFVM_MAP_TYPE_LPM_TRIE ? n + n / 256 + 1 : n;
		struct bpfvm_map *m = make(maps[i].type, maps[i].key_size, max, maps[i].flags);
		double l, u;

		fill(m, maps[i].type, n);
		/* The best of 5 rounds: the machine is shared, the minimum is the
		 * cost of the operation rather than of the neighbours. */
		l = u = 1e30;
		for (int r = 0; r < 5; r++) {
			double x = bench_lookup(m, maps[i].type, n, ops / 5);
			double y = bench_update(m, maps[i].type, n, ops / 20);

			l = x < l ? x : l;
			u = y < u ? y : u;
		}
		printf("%-10s %10u %12.1f %12.1f\n", maps[i].name, n, l, u);
		if (maps[i].type == BPFVM_MAP_TYPE_HASH) {
			for (int j = 0; j < 2; j++) {
				ta[j] = (struct thread_arg){ m, n, ops, 0 };
				pthread_create(&t[j], NULL, lookup_thread, &ta[j]);
			}
			for (int j = 0; j < 2; j++)
				pthread_join(t[j], NULL);
			printf("%-10s %10u %12.1f %12s  (2 threads, ns per lookup per thread)\n",
			       "hash x2", n, (ta[0].ns + ta[1].ns) / 2, "");
		}
		bpfvm_map_free(m);
	}
	return 0;
}
