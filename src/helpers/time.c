/* bpf_ktime_get_ns (CLOCK_MONOTONIC, as the kernel's ktime_get_mono_fast_ns)
 * and bpf_ktime_get_boot_ns (which also counts suspend: CLOCK_BOOTTIME). */
#include <time.h>

#include "helpers/helpers.h"

static uint64_t clock_ns(clockid_t clock)
{
	struct timespec ts;

	clock_gettime(clock, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

BPFVM_HELPER(ktime_get_ns)
{
	return clock_ns(CLOCK_MONOTONIC);
}

BPFVM_HELPER(ktime_get_boot_ns)
{
#ifdef CLOCK_BOOTTIME
	return clock_ns(CLOCK_BOOTTIME);
#else
	return clock_ns(CLOCK_MONOTONIC);
#endif
}
