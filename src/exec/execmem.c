/* W^X executable memory (see execmem.h). Placement near helper code matters
 * for speed, not correctness: the JIT checks the reach of every direct call
 * against the address it actually got and falls back to indirect calls. */
#include "exec/execmem.h"

#include <errno.h>
#include <stdatomic.h>
#include <sys/mman.h>
#include <unistd.h>

#include "util/error.h"

/* Where to try the next mapping: just below the previous one, so that many
 * programs pack together under the code they call. Zero until first use. */
static _Atomic uintptr_t next_hint;

/* The first hint sits this far below the target: far enough to clear the
 * executable's own mappings, near enough for rel32 calls (±2 GiB). */
#define HINT_GAP ((uintptr_t)256 << 20)
#define REACH ((uintptr_t)1 << 31)

static size_t page_size(void)
{
	long p = sysconf(_SC_PAGESIZE);

	return p > 0 ? (size_t)p : 4096;
}

static uintptr_t distance(uintptr_t a, uintptr_t b)
{
	return a > b ? a - b : b - a;
}

void *bpfvm_execmem_alloc(size_t size, uintptr_t near, size_t *mapped)
{
	size_t page = page_size();
	uintptr_t hint = atomic_load(&next_hint);
	void *mem;

	size = (size + page - 1) & ~(page - 1);
	if (!hint || distance(hint, near) > REACH - HINT_GAP)
		hint = near > HINT_GAP ? (near - HINT_GAP) & ~(page - 1) : 0;
	if (hint > size)
		hint -= size;
	else
		hint = 0;
	mem = mmap((void *)hint, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (mem == MAP_FAILED) {
		bpfvm_errorf(-ENOMEM, "cannot map %zu bytes for JIT code", size);
		return NULL;
	}
	if (distance((uintptr_t)mem, near) < REACH - HINT_GAP)
		atomic_store(&next_hint, (uintptr_t)mem);
	*mapped = size;
	return mem;
}

int bpfvm_execmem_seal(void *mem, size_t mapped)
{
	if (mprotect(mem, mapped, PROT_READ | PROT_EXEC))
		return bpfvm_errorf(-errno, "cannot make JIT code executable");
	return 0;
}

void bpfvm_execmem_free(void *mem, size_t mapped)
{
	if (mem)
		munmap(mem, mapped);
}
