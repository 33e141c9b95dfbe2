/* bpf_ringbuf_output/reserve/submit/discard/query over the ring buffer map. */
#include "helpers/helpers.h"
#include "maps/map.h"

#define MAP(r) ((struct bpfvm_map *)(uintptr_t)(r))
#define PTR(r) ((void *)(uintptr_t)(r))

BPFVM_HELPER(ringbuf_output)
{
	return (uint64_t)bpfvm_ringbuf_output(MAP(r1), PTR(r2), r3, r4);
}

BPFVM_HELPER(ringbuf_reserve)
{
	return (uint64_t)(uintptr_t)bpfvm_ringbuf_reserve(MAP(r1), r2, r3);
}

BPFVM_HELPER(ringbuf_submit)
{
	bpfvm_ringbuf_submit(PTR(r1), r2, false);
	return 0;
}

BPFVM_HELPER(ringbuf_discard)
{
	bpfvm_ringbuf_submit(PTR(r1), r2, true);
	return 0;
}

BPFVM_HELPER(ringbuf_query)
{
	return bpfvm_ringbuf_query(MAP(r1), r2);
}
