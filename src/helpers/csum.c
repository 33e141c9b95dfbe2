/* bpf_csum_diff: the one's-complement sum of the 32-bit words of `to` minus
 * those of `from`, added to seed, as the kernel's csum_partial() on x86-64
 * computes it (64-bit accumulation with end-around carry, folded to 32 bits),
 * so results compare bit for bit with Linux's. Sizes must be multiples of 4,
 * and at most 512 bytes together (the kernel's scratch buffer). */
#include <errno.h>
#include <string.h>

#include "helpers/helpers.h"

static uint64_t add_carry(uint64_t acc, uint64_t v)
{
	acc += v;
	return acc + (acc < v);
}

BPFVM_HELPER(csum_diff)
{
	const uint8_t *from = (const uint8_t *)(uintptr_t)r1, *to = (const uint8_t *)(uintptr_t)r3;
	uint32_t from_size = (uint32_t)r2, to_size = (uint32_t)r4, i, word;
	uint64_t acc = (uint32_t)r5, folded;

	if ((from_size | to_size) & 3 || from_size + (uint64_t)to_size > 512 ||
	    (from_size && !from) || (to_size && !to))
		return (uint64_t)-EINVAL;
	for (i = 0; i < from_size; i += 4) {
		memcpy(&word, from + i, 4);
		acc = add_carry(acc, (uint32_t)~word);
	}
	for (i = 0; i < to_size; i += 4) {
		memcpy(&word, to + i, 4);
		acc = add_carry(acc, word);
	}
	folded = (acc >> 32) + (uint32_t)acc;
	return (uint32_t)(folded + (folded >> 32));
}
