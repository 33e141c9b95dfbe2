/* Many threads at once on one hash map and one per-CPU array: program threads
 * run an eBPF program that looks a counter up (inserting it with BPF_NOEXIST
 * when missing) and adds 1 with an atomic instruction, and bumps a per-CPU
 * counter the same way; meanwhile a user-space thread churns other keys of the
 * same hash map (insert, update, delete, iterate), which recycles elements
 * under the readers. No increment may be lost. Then LPM lookups of stable
 * prefixes while a writer inserts and deletes prefixes around them: every
 * lookup must find its longest match. Last, threads inserting into a full LRU
 * map at once: eviction under contention, never an error or a deadlock, never
 * more than max_entries elements. Run it in a -DBPFVM_TSAN=ON
 * build for the data-race check. */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>

#include "bpfvm/bpfvm.h"
#include "maps/map.h"
#include "test.h"

enum { THREADS = 4, RUNS = 20000, KEYS = 64 };

static struct bpfvm_map *hash, *percpu;
static struct bpfvm_exec *prog;
static atomic_bool stop;

static void *runner(void *arg)
{
	uint32_t id = (uint32_t)(uintptr_t)arg, i;

	for (i = 0; i < RUNS; i++) {
		uint32_t key = (i * 7 + id) % KEYS;
		struct bpfvm_run r = { 0 };

		if (bpfvm_exec_run(prog, &key, &r) != 0 || r.error)
			return (void *)1;
	}
	return NULL;
}

static void *churner(void *arg)
{
	uint64_t v = 0, out;
	uint32_t k, next;
	unsigned n = 0;

	while (!atomic_load(&stop)) {
		k = 1000 + n % 200;
		bpfvm_map_update_elem(hash, &k, &v, BPFVM_ANY);
		v++;
		bpfvm_map_update_elem(hash, &k, &v, BPFVM_EXIST);
		if (n % 3 == 0) {
			k = 1000 + (n * 7) % 200;
			bpfvm_map_delete_elem(hash, &k);
		}
		bpfvm_map_lookup_elem(hash, &k, &out);
		if (n % 50 == 0)
			for (int err = bpfvm_map_get_next_key(hash, NULL, &next); !err;
			     err = bpfvm_map_get_next_key(hash, &k, &next))
				k = next;
		n++;
	}
	return NULL;
}

static void test_engine(enum bpfvm_engine engine)
{
	struct bpfvm_map_create_opts o = { .sz = sizeof(o), .map_type = BPFVM_MAP_TYPE_HASH,
					   .key_size = 4, .value_size = 8, .max_entries = 512 };
	struct bpfvm_exec_opts eo = { .sz = sizeof(eo), .engine = engine,
				      .resolve_helper = bpfvm_helper_resolve };
	int ncpu = bpfvm_num_possible_cpus(), c;
	pthread_t t[THREADS], churn;
	struct bpfvm_insn *insns;
	uint64_t total = 0, *pc;
	uint32_t cnt, k;
	char text[2048];
	void *ret;
	int i;

	CHECK_EQ_U64(bpfvm_map_create(&o, &hash), 0);
	o.map_type = BPFVM_MAP_TYPE_PERCPU_ARRAY;
	o.max_entries = 1;
	CHECK_EQ_U64(bpfvm_map_create(&o, &percpu), 0);
	/* r6 = key (from ctx); counter = lookup(key) ?: (update NOEXIST, lookup) */
	snprintf(text, sizeof(text),
		 "ldxw %%r6, [%%r1]\n"
		 "stxw [%%r10-4], %%r6\n"
		 "lddw %%r1, %#llx\n"
		 "mov %%r2, %%r10\n"
		 "add %%r2, -4\n"
		 "call 1\n"
		 "jne %%r0, 0, found\n"
		 "stdw [%%r10-16], 0\n"
		 "lddw %%r1, %#llx\n"
		 "mov %%r2, %%r10\n"
		 "add %%r2, -4\n"
		 "mov %%r3, %%r10\n"
		 "add %%r3, -16\n"
		 "mov %%r4, 1\n"
		 "call 2\n"
		 "lddw %%r1, %#llx\n"
		 "mov %%r2, %%r10\n"
		 "add %%r2, -4\n"
		 "call 1\n"
		 "jeq %%r0, 0, fail\n"
		 "found:\n"
		 "mov %%r1, 1\n"
		 "lock add [%%r0], %%r1\n"
		 "stw [%%r10-4], 0\n"
		 "lddw %%r1, %#llx\n"
		 "mov %%r2, %%r10\n"
		 "add %%r2, -4\n"
		 "call 1\n"
		 "jeq %%r0, 0, fail\n"
		 "mov %%r1, 1\n"
		 "lock add [%%r0], %%r1\n"
		 "mov %%r0, 0\n"
		 "exit\n"
		 "fail:\n"
		 "mov %%r0, 1\n"
		 "exit\n",
		 (unsigned long long)(uintptr_t)hash, (unsigned long long)(uintptr_t)hash,
		 (unsigned long long)(uintptr_t)hash, (unsigned long long)(uintptr_t)percpu);
	CHECK_EQ_U64(bpfvm_asm(text, &insns, &cnt), 0);
	if (bpfvm_exec_create(insns, cnt, &eo, &prog)) {
		printf("engine %d: %s\n", engine, bpfvm_last_error());
		free(insns);
		bpfvm_map_free(hash);
		bpfvm_map_free(percpu);
		return;
	}
	free(insns);
	atomic_store(&stop, false);

	pthread_create(&churn, NULL, churner, NULL);
	for (i = 0; i < THREADS; i++)
		pthread_create(&t[i], NULL, runner, (void *)(uintptr_t)i);
	for (i = 0; i < THREADS; i++) {
		pthread_join(t[i], &ret);
		CHECK(ret == NULL);
	}
	atomic_store(&stop, true);
	pthread_join(churn, NULL);

	for (k = 0; k < KEYS; k++) {
		uint64_t v = 0;

		CHECK_EQ_U64(bpfvm_map_lookup_elem(hash, &k, &v), 0);
		total += v;
	}
	CHECK_EQ_U64(total, (uint64_t)THREADS * RUNS);
	pc = calloc((size_t)ncpu, 8);
	k = 0;
	CHECK_EQ_U64(bpfvm_map_lookup_elem(percpu, &k, pc), 0);
	for (total = 0, c = 0; c < ncpu; c++)
		total += pc[c];
	CHECK_EQ_U64(total, (uint64_t)THREADS * RUNS);
	free(pc);
	bpfvm_exec_free(prog);
	bpfvm_map_free(hash);
	bpfvm_map_free(percpu);
}

struct lpm_key {
	uint32_t prefixlen;
	uint8_t a[4];
};

static struct bpfvm_map *lpm;

static uint32_t lpm_get(uint8_t a, uint8_t b, uint8_t c, uint8_t d)
{
	struct lpm_key k = { 32, { a, b, c, d } };
	uint32_t *v = bpfvm_map_prog_lookup(lpm, &k);

	return v ? *v : 0;
}

static void *lpm_reader(void *arg)
{
	unsigned i, bad = 0;

	for (i = 0; i < 200000; i++) {
		bad += lpm_get(10, 1, 2, 50) != 24;
		bad += lpm_get(10, 1, 9, (uint8_t)i) != 16;
		bad += lpm_get(10, 5, 0, 1) != 8;
		bad += lpm_get(11, 0, 0, 1) != 0;
	}
	return (void *)(uintptr_t)bad;
}

static void *lpm_writer(void *arg)
{
	uint32_t v = 1;
	unsigned n = 0;

	while (!atomic_load(&stop)) {
		struct lpm_key k32 = { 32, { 10, 1, 2, (uint8_t)(100 + n % 100) } };
		struct lpm_key k24 = { 24, { 10, 3, (uint8_t)(n % 50), 0 } };

		bpfvm_map_update_elem(lpm, &k32, &v, BPFVM_ANY);
		bpfvm_map_update_elem(lpm, &k24, &v, BPFVM_ANY);
		k32.a[3] = (uint8_t)(100 + (n * 7) % 100);
		bpfvm_map_delete_elem(lpm, &k32);
		k24.a[2] = (uint8_t)((n * 3) % 50);
		bpfvm_map_delete_elem(lpm, &k24);
		n++;
	}
	return NULL;
}

static void test_lpm(void)
{
	struct bpfvm_map_create_opts o = { .sz = sizeof(o), .map_type = BPFVM_MAP_TYPE_LPM_TRIE,
					   .key_size = 8, .value_size = 4, .max_entries = 1000,
					   .map_flags = BPFVM_F_NO_PREALLOC };
	static const struct { struct lpm_key k; uint32_t v; } stable[] = {
		{ { 8, { 10, 0, 0, 0 } }, 8 },
		{ { 16, { 10, 1, 0, 0 } }, 16 },
		{ { 24, { 10, 1, 2, 0 } }, 24 },
	};
	pthread_t r[2], w;
	void *ret;
	int i;

	CHECK_EQ_U64(bpfvm_map_create(&o, &lpm), 0);
	for (i = 0; i < 3; i++)
		CHECK_EQ_U64(bpfvm_map_update_elem(lpm, &stable[i].k, &stable[i].v, BPFVM_ANY), 0);
	atomic_store(&stop, false);
	pthread_create(&w, NULL, lpm_writer, NULL);
	for (i = 0; i < 2; i++)
		pthread_create(&r[i], NULL, lpm_reader, NULL);
	for (i = 0; i < 2; i++) {
		pthread_join(r[i], &ret);
		CHECK_EQ_U64((uintptr_t)ret, 0);
	}
	atomic_store(&stop, true);
	pthread_join(w, NULL);
	bpfvm_map_free(lpm);
}

static struct bpfvm_map *lru;

static void *lru_worker(void *arg)
{
	uint32_t seed = (uint32_t)(uintptr_t)arg * 7919 + 1, i, errors = 0;

	for (i = 0; i < 50000; i++) {
		uint32_t k;
		uint64_t *p;

		seed = seed * 1103515245 + 12345;
		k = (seed >> 8) % 1000;
		p = bpfvm_map_prog_lookup(lru, &k);
		if (!p) {
			uint64_t v = k;

			errors += bpfvm_map_prog_update(lru, &k, &v, BPFVM_ANY) != 0;
		} else if (i % 64 == 0) {
			errors += bpfvm_map_delete_elem(lru, &k) == -EINVAL;
		}
	}
	return (void *)(uintptr_t)errors;
}

static void test_lru(void)
{
	struct bpfvm_map_create_opts o = { .sz = sizeof(o), .map_type = BPFVM_MAP_TYPE_LRU_HASH,
					   .key_size = 4, .value_size = 8, .max_entries = 64 };
	uint32_t k, next, n = 0;
	pthread_t t[THREADS];
	uint64_t v;
	void *ret;
	int i, err;

	CHECK_EQ_U64(bpfvm_map_create(&o, &lru), 0);
	for (i = 0; i < THREADS; i++)
		pthread_create(&t[i], NULL, lru_worker, (void *)(uintptr_t)i);
	for (i = 0; i < THREADS; i++) {
		pthread_join(t[i], &ret);
		CHECK_EQ_U64((uintptr_t)ret, 0);
	}
	for (err = bpfvm_map_get_next_key(lru, NULL, &next); !err;
	     err = bpfvm_map_get_next_key(lru, &k, &next)) {
		k = next;
		CHECK_EQ_U64(bpfvm_map_lookup_elem(lru, &k, &v), 0);
		CHECK_EQ_U64(v, k);
		n++;
	}
	CHECK(n > 0 && n <= 64);
	bpfvm_map_free(lru);
}

int main(void)
{
	test_lru();
	test_engine(BPFVM_ENGINE_INTERP);
	test_engine(BPFVM_ENGINE_JIT);
	test_lpm();
	return test_exit();
}
