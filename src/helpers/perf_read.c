/* bpf_perf_event_read (22) and bpf_perf_event_read_value (55): a perf
 * counter's value from a perf event array; bpf_perf_prog_read_value (56): the
 * counter of the perf event that ran a perf_event program. bpfvm has no
 * hardware counters (maps/perf_event_array.c's slots are output streams, and
 * a perf_event program's context is bytes from its caller, with no event
 * behind it), so all three fail: with Linux's error for the slot, and
 * -EOPNOTSUPP for the missing event. The _value forms clear their struct
 * bpf_perf_event_value (counter, enabled, running: 24 bytes) on every error,
 * as Linux does. */
#include <errno.h>
#include <string.h>

#include "helpers/helpers.h"
#include "maps/map.h"

#define PERF_EVENT_VALUE_SIZE 24

BPFVM_HELPER(perf_event_read)
{
	return (uint64_t)bpfvm_perf_event_read((struct bpfvm_map *)(uintptr_t)r1, r2);
}

BPFVM_HELPER(perf_prog_read_value)
{
	memset((void *)(uintptr_t)r2, 0, (uint32_t)r3);
	return (uint64_t)(r3 == PERF_EVENT_VALUE_SIZE ? -EOPNOTSUPP : -EINVAL);
}

BPFVM_HELPER(perf_event_read_value)
{
	long err = -EINVAL;

	if (r4 == PERF_EVENT_VALUE_SIZE)
		err = bpfvm_perf_event_read((struct bpfvm_map *)(uintptr_t)r1, r2);
	memset((void *)(uintptr_t)r3, 0, (uint32_t)r4);
	return (uint64_t)err;
}
