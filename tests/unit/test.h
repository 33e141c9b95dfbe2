/* A minimal test harness: CHECK macros that count failures and print where,
 * and helpers to find the files a test reads. A test's main() returns
 * test_exit(): 0 when every check passed, 1 otherwise, 77 when skipped. */
#ifndef BPFVM_TEST_H
#define BPFVM_TEST_H

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int test_failures;
static int test_checks;

#define CHECK(cond)                                                                      \
	do {                                                                             \
		test_checks++;                                                           \
		if (!(cond)) {                                                           \
			test_failures++;                                                 \
			fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); \
		}                                                                        \
	} while (0)

#define CHECK_EQ_U64(a, b)                                                               \
	do {                                                                             \
		uint64_t a_ = (uint64_t)(a), b_ = (uint64_t)(b);                         \
		test_checks++;                                                           \
		if (a_ != b_) {                                                          \
			test_failures++;                                                 \
			fprintf(stderr, "%s:%d: %s == %s failed: 0x%" PRIx64 " != 0x%" PRIx64 "\n", \
				__FILE__, __LINE__, #a, #b, a_, b_);                     \
		}                                                                        \
	} while (0)

#define CHECK_STR(a, b)                                                                  \
	do {                                                                             \
		const char *a_ = (a), *b_ = (b);                                         \
		test_checks++;                                                           \
		if (strcmp(a_, b_) != 0) {                                               \
			test_failures++;                                                 \
			fprintf(stderr, "%s:%d: \"%s\" != \"%s\"\n", __FILE__, __LINE__, a_, b_); \
		}                                                                        \
	} while (0)

static inline int test_skip(const char *why)
{
	printf("SKIP: %s\n", why);
	return 77;
}

static inline int test_exit(void)
{
	printf("%d checks, %d failed\n", test_checks, test_failures);
	return test_failures ? 1 : 0;
}

/* The directory of ../shared (BPFVM_SHARED), or NULL when it is absent. */
static inline const char *test_shared_dir(void)
{
	const char *d = getenv("BPFVM_SHARED");
	char path[4096];
	FILE *f;

	if (!d)
		return NULL;
	snprintf(path, sizeof(path), "%s/DESIGN.md", d);
	f = fopen(path, "r");
	if (!f)
		return NULL;
	fclose(f);
	return d;
}

#endif
