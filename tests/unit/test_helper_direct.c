/* The context-free helpers called as the engines call them (r1-r5, run):
 * the table's rows against Linux's ids and names, the resolver and its
 * message for unsupported ids, time, random, process identity, csum_diff,
 * trace_printk's formats and refusals, spin locks, and the map, queue and ring
 * buffer helpers on real maps. */
#include <errno.h>
#include <pthread.h>
#include <time.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/prctl.h>
#include <sys/syscall.h>
#endif

#include "bpfvm/bpfvm.h"
#include "helpers/helpers.h"
#include "helpers/proto.h"
#include "maps/map.h"
#include "test.h"

#define P(x) ((uint64_t)(uintptr_t)(x))

static void test_table(void)
{
	static const int32_t required[] = { 1, 2, 3, 5, 6, 7, 8, 12, 14, 15, 16, 28, 87, 88, 89,
					    93, 94, 125, 130, 131, 132, 133, 134, 164, 181 };
	struct bpfvm_helper_binding b;
	size_t i;
	int32_t id;

	for (i = 0; i < sizeof(required) / sizeof(required[0]); i++)
		CHECK(bpfvm_helper_proto(required[i]) != NULL);
	for (id = -1; id < 300; id++) {
		const struct bpfvm_helper_proto *p = bpfvm_helper_proto(id);

		if (!p)
			continue;
		CHECK_EQ_U64(p->id, id);
		CHECK(p->fn != NULL);
		CHECK(bpfvm_helper_linux_name(id) != NULL);
		if (bpfvm_helper_linux_name(id))
			CHECK_STR(p->name, bpfvm_helper_linux_name(id));
	}
	CHECK(bpfvm_helper_proto(0) == NULL);
	CHECK(bpfvm_helper_proto(1000000) == NULL);
	CHECK_EQ_U64(bpfvm_helper_proto(1)->ret, RET_PTR_TO_MAP_VALUE_OR_NULL);
	CHECK_EQ_U64(bpfvm_helper_proto(1)->args[0], ARG_CONST_MAP_PTR);
	CHECK_EQ_U64(bpfvm_helper_proto(12)->kind, BPFVM_HELPER_TAIL_CALL);
	CHECK_EQ_U64(bpfvm_helper_proto(12)->map_types, 1ull << BPFVM_MAP_TYPE_PROG_ARRAY);
	CHECK_EQ_U64(bpfvm_helper_proto(131)->ret, RET_PTR_TO_ALLOC_MEM_OR_NULL);
	CHECK(bpfvm_helper_proto(132)->flags & HELPER_F_RELEASE);
	CHECK(bpfvm_helper_proto(181)->flags & HELPER_F_CALLBACK);

	CHECK_EQ_U64(bpfvm_helper_resolve(NULL, 7, &b), 0);
	CHECK(b.fn == bpfvm_helper_get_prandom_u32);
	CHECK_EQ_U64(b.kind, BPFVM_HELPER_PLAIN);
	CHECK_EQ_U64(bpfvm_helper_resolve(NULL, 12, &b), 0);
	CHECK_EQ_U64(b.kind, BPFVM_HELPER_TAIL_CALL);
	for (id = 1; bpfvm_helper_proto(id) || !bpfvm_helper_linux_name(id); id++)
		;
	{
		char want[128];

		snprintf(want, sizeof(want), "helper %d (bpf_%s) is not supported", id,
			 bpfvm_helper_linux_name(id));
		CHECK_EQ_U64(bpfvm_helper_resolve(NULL, id, &b), -ENOENT);
		CHECK_STR(bpfvm_last_error(), want);
	}
	CHECK_EQ_U64(bpfvm_helper_resolve(NULL, 99999, &b), -ENOENT);
	CHECK(strstr(bpfvm_last_error(), "helper 99999") != NULL);
}

static void test_time_random_process(void)
{
	uint64_t a, b, pt, ug;
	uint32_t r[8];
	char comm[16];
	int i, distinct = 0;

	a = bpfvm_helper_ktime_get_ns(0, 0, 0, 0, 0, NULL);
	b = bpfvm_helper_ktime_get_ns(0, 0, 0, 0, 0, NULL);
	CHECK(b >= a && a > 0);
	CHECK(bpfvm_helper_ktime_get_boot_ns(0, 0, 0, 0, 0, NULL) >= a);
	/* jiffies64: the monotonic clock in 4 ms ticks (HZ 250) from INITIAL_JIFFIES,
	 * the relation Linux's 6.18 kernel shows between the two helpers. */
	a = bpfvm_helper_ktime_get_ns(0, 0, 0, 0, 0, NULL) / 4000000;
	b = bpfvm_helper_jiffies64(0, 0, 0, 0, 0, NULL) - (4294967296ull - 300 * 250);
	CHECK(b >= a && b <= a + 1);
	for (i = 0; i < 8; i++)
		r[i] = (uint32_t)bpfvm_helper_get_prandom_u32(0, 0, 0, 0, 0, NULL);
	for (i = 1; i < 8; i++)
		distinct += r[i] != r[0];
	CHECK(distinct >= 6);
	CHECK(bpfvm_helper_get_smp_processor_id(0, 0, 0, 0, 0, NULL) <
	      (uint64_t)bpfvm_num_possible_cpus());
	pt = bpfvm_helper_get_current_pid_tgid(0, 0, 0, 0, 0, NULL);
	CHECK_EQ_U64(pt >> 32, (uint64_t)getpid());
#if defined(__linux__) && defined(SYS_gettid)
	CHECK_EQ_U64((uint32_t)pt, (uint64_t)syscall(SYS_gettid));
#endif
	ug = bpfvm_helper_get_current_uid_gid(0, 0, 0, 0, 0, NULL);
	CHECK_EQ_U64((uint32_t)ug, getuid());
	CHECK_EQ_U64(ug >> 32, getgid());
#ifdef __linux__
	prctl(PR_SET_NAME, "bpfvm-comm-test", 0, 0, 0);
	memset(comm, 'x', sizeof(comm));
	CHECK_EQ_U64(bpfvm_helper_get_current_comm(P(comm), sizeof(comm), 0, 0, 0, NULL), 0);
	CHECK_STR(comm, "bpfvm-comm-test");
	memset(comm, 'x', sizeof(comm));
	CHECK_EQ_U64(bpfvm_helper_get_current_comm(P(comm), 6, 0, 0, 0, NULL), 0);
	CHECK_STR(comm, "bpfvm");
	CHECK_EQ_U64(comm[6], 'x');
#endif
	CHECK_EQ_U64(bpfvm_helper_get_current_comm(P(comm), 0, 0, 0, 0, NULL), (uint64_t)-EINVAL);
}

static void test_csum_diff(void)
{
	uint32_t from[2] = { 0x11223344, 0x55667788 }, to[2] = { 0x11223344, 0x55667789 };
	uint64_t r;

	/* Only to: the plain sum; only from: the sum of complements. */
	CHECK_EQ_U64(bpfvm_helper_csum_diff(0, 0, P(to), 4, 0, NULL), 0x11223344);
	CHECK_EQ_U64(bpfvm_helper_csum_diff(0, 0, P(to), 4, 5, NULL), 0x11223349);
	CHECK_EQ_U64(bpfvm_helper_csum_diff(P(from), 4, 0, 0, 0, NULL), ~0x11223344u);
	CHECK_EQ_U64(bpfvm_helper_csum_diff(0, 0, 0, 0, 77, NULL), 77);
	/* End-around carry: 0xffffffff + 0xffffffff = 0x1fffffffe -> 0xffffffff. */
	from[0] = 0xffffffff;
	CHECK_EQ_U64(bpfvm_helper_csum_diff(0, 0, P(from), 4, 0xffffffff, NULL), 0xffffffff);
	/* Replacing a word by itself changes nothing modulo 0xffff. */
	from[0] = 0x11223344;
	r = bpfvm_helper_csum_diff(P(from), 8, P(to), 8, 0, NULL);
	CHECK_EQ_U64(r % 0xffff, 1);
	CHECK_EQ_U64(bpfvm_helper_csum_diff(P(from), 3, P(to), 4, 0, NULL), (uint64_t)-EINVAL);
	CHECK_EQ_U64(bpfvm_helper_csum_diff(P(from), 260, P(to), 256, 0, NULL), (uint64_t)-EINVAL);
}

static char printed[1100];
static size_t printed_len;
static int printed_cnt;

static void sink(void *ctx, const char *msg, size_t len)
{
	memcpy(printed, msg, len);
	printed[len] = 0;
	printed_len = len;
	printed_cnt++;
}

static int64_t printk(const char *fmt, uint64_t a, uint64_t b, uint64_t c)
{
	printed[0] = 0;
	return (int64_t)bpfvm_helper_trace_printk(P(fmt), strlen(fmt) + 1, a, b, c, NULL);
}

static void test_trace_printk(void)
{
	uint8_t ip4[4] = { 10, 0, 0, 1 };
	uint8_t ip6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 };

	bpfvm_set_trace_printk(sink, NULL);
	CHECK_EQ_U64(printk("hello %d %u %x\n", (uint64_t)-5, 0xffffffffu, 255), 23);
	CHECK_STR(printed, "hello -5 4294967295 ff\n");
	CHECK_EQ_U64(printed_len, 23);
	printk("%ld %lu %lx", (uint64_t)-5, (uint64_t)-1, 1ull << 40);
	CHECK_STR(printed, "-5 18446744073709551615 10000000000");
	printk("%lld %llu %llx", (uint64_t)-7, 7, 0xabc);
	CHECK_STR(printed, "-7 7 abc");
	printk("%d", 0x100000005ull, 0, 0);
	CHECK_STR(printed, "5");
	printk("[%5d|%-4u|%05x]", 42, 7, 0xab);
	CHECK_STR(printed, "[   42|7   |000ab]");
	printk("%i", (uint64_t)-1, 0, 0);
	CHECK_STR(printed, "-1");
	printk("%s and %c%%", P("str"), 'Z', 0);
	CHECK_STR(printed, "str and Z%");
	printk("%p", 0x1234, 0, 0);
	CHECK_STR(printed, "0000000000001234");
	printk("%pI4 %pi4", P(ip4), P(ip4), 0);
	CHECK_STR(printed, "10.0.0.1 010.000.000.001");
	printk("%pI6", P(ip6), 0, 0);
	CHECK_STR(printed, "2001:0db8:0000:0000:0000:0000:0000:0001");
	printed_cnt = 0;
	CHECK_EQ_U64(printk("%d %d %d %d", 1, 2, 3), -EINVAL);
	CHECK_EQ_U64(printk("%q", 1, 2, 3), -EINVAL);
	CHECK_EQ_U64(printk("%hd", 1, 2, 3), -EINVAL);
	CHECK_EQ_U64(printk("bell\a", 1, 2, 3), -EINVAL);
	CHECK_EQ_U64(bpfvm_helper_trace_printk(P("abc"), 3, 0, 0, 0, NULL), (uint64_t)-EINVAL);
	CHECK_EQ_U64(printed_cnt, 0);
	bpfvm_set_trace_printk(NULL, NULL);
}

static void test_map_helpers(void)
{
	struct bpfvm_map_create_opts o = { .sz = sizeof(o), .map_type = BPFVM_MAP_TYPE_HASH,
					   .key_size = 4, .value_size = 8, .max_entries = 2 };
	struct bpfvm_map *h, *q, *rb;
	uint32_t k = 1;
	uint64_t v = 9, out, *p;
	long page = sysconf(_SC_PAGESIZE);

	CHECK_EQ_U64(bpfvm_map_create(&o, &h), 0);
	CHECK_EQ_U64(bpfvm_helper_map_lookup_elem(P(h), P(&k), 0, 0, 0, NULL), 0);
	CHECK_EQ_U64(bpfvm_helper_map_update_elem(P(h), P(&k), P(&v), BPFVM_NOEXIST, 0, NULL), 0);
	p = (uint64_t *)(uintptr_t)bpfvm_helper_map_lookup_elem(P(h), P(&k), 0, 0, 0, NULL);
	CHECK(p && *p == 9);
	CHECK_EQ_U64(bpfvm_helper_map_update_elem(P(h), P(&k), P(&v), BPFVM_NOEXIST, 0, NULL),
		     (uint64_t)-EEXIST);
	CHECK_EQ_U64(bpfvm_helper_map_delete_elem(P(h), P(&k), 0, 0, 0, NULL), 0);
	CHECK_EQ_U64(bpfvm_helper_map_delete_elem(P(h), P(&k), 0, 0, 0, NULL), (uint64_t)-ENOENT);
	bpfvm_map_free(h);

	o.map_type = BPFVM_MAP_TYPE_QUEUE;
	o.key_size = 0;
	CHECK_EQ_U64(bpfvm_map_create(&o, &q), 0);
	CHECK_EQ_U64(bpfvm_helper_map_push_elem(P(q), P(&v), 0, 0, 0, NULL), 0);
	CHECK_EQ_U64(bpfvm_helper_map_peek_elem(P(q), P(&out), 0, 0, 0, NULL), 0);
	CHECK_EQ_U64(out, 9);
	CHECK_EQ_U64(bpfvm_helper_map_pop_elem(P(q), P(&out), 0, 0, 0, NULL), 0);
	CHECK_EQ_U64(bpfvm_helper_map_pop_elem(P(q), P(&out), 0, 0, 0, NULL), (uint64_t)-ENOENT);
	bpfvm_map_free(q);

	o.map_type = BPFVM_MAP_TYPE_RINGBUF;
	o.value_size = 0;
	o.max_entries = (uint32_t)page;
	CHECK_EQ_U64(bpfvm_map_create(&o, &rb), 0);
	p = (uint64_t *)(uintptr_t)bpfvm_helper_ringbuf_reserve(P(rb), 8, 0, 0, 0, NULL);
	CHECK(p != NULL);
	CHECK_EQ_U64(bpfvm_helper_ringbuf_query(P(rb), BPFVM_RB_AVAIL_DATA, 0, 0, 0, NULL), 16);
	bpfvm_helper_ringbuf_discard(P(p), 0, 0, 0, 0, NULL);
	CHECK_EQ_U64(bpfvm_helper_ringbuf_output(P(rb), P(&v), 8, 0, 0, NULL), 0);
	CHECK_EQ_U64(bpfvm_helper_ringbuf_query(P(rb), BPFVM_RB_PROD_POS, 0, 0, 0, NULL), 32);
	CHECK_EQ_U64(bpfvm_helper_ringbuf_query(P(rb), 99, 0, 0, 0, NULL), 0);
	bpfvm_map_free(rb);
}

static uint32_t lock_word;
static uint64_t guarded;

static void *locker(void *arg)
{
	int i;

	for (i = 0; i < 100000; i++) {
		bpfvm_helper_spin_lock(P(&lock_word), 0, 0, 0, 0, NULL);
		guarded++;
		bpfvm_helper_spin_unlock(P(&lock_word), 0, 0, 0, 0, NULL);
	}
	return NULL;
}

static void test_spin_lock(void)
{
	pthread_t t[3];
	int i;

	for (i = 0; i < 3; i++)
		pthread_create(&t[i], NULL, locker, NULL);
	for (i = 0; i < 3; i++)
		pthread_join(t[i], NULL);
	CHECK_EQ_U64(guarded, 300000);
	CHECK_EQ_U64(lock_word, 0);
}

int main(void)
{
	test_table();
	test_time_random_process();
	test_csum_diff();
	test_trace_printk();
	test_map_helpers();
	test_spin_lock();
	return test_exit();
}
