/* bpf_ktime_get_ns (CLOCK_MONOTONIC, as the kernel's ktime_get_mono_fast_ns),
 * bpf_ktime_get_boot_ns (which also counts suspend: CLOCK_BOOTTIME) and
 * bpf_jiffies64: the same monotonic clock in ticks of 1/HZ, HZ being Linux's
 * default CONFIG_HZ (250), counted from Linux's INITIAL_JIFFIES (the 32-bit
 * value 300 s before wrapping) as the kernel's get_jiffies_64() is. */
#include <time.h>

#include "helpers/helpers.h"

#define HZ 250
#define INITIAL_JIFFIES ((uint64_t)(uint32_t)(-300 * HZ))

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

BPFVM_HELPER(jiffies64)
{
	return INITIAL_JIFFIES + clock_ns(CLOCK_MONOTONIC) / (1000000000u / HZ);
}
