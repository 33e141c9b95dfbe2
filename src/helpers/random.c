/* bpf_get_prandom_u32: a fast per-thread generator (xorshift64*), seeded from
 * the clock and the thread's address so concurrent threads differ. Not for
 * cryptography, as the kernel's is not either. */
#include <time.h>

#include "helpers/helpers.h"

static _Thread_local uint64_t state;

BPFVM_HELPER(get_prandom_u32)
{
	uint64_t x = state;

	if (!x) {
		struct timespec ts;

		clock_gettime(CLOCK_MONOTONIC, &ts);
		x = ((uint64_t)ts.tv_nsec << 20) ^ (uint64_t)ts.tv_sec ^
		    (uint64_t)(uintptr_t)&state ^ 0x9e3779b97f4a7c15ull;
		if (!x)
			x = 1;
	}
	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	state = x;
	return (uint32_t)((x * 0x2545f4914f6cdd1dull) >> 32);
}
