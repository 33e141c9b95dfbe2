/* The probe_read family (bpf_probe_read, _str, and the _kernel/_user forms):
 * tracing programs read memory they have no proof about — pointers from
 * pt_regs or from other reads — and the helper, not the verifier, makes that
 * safe. Linux uses non-faulting copies; bpfvm reads its own address space
 * through process_vm_readv(2) on its own pid, which reports an unmapped or
 * unreadable source as EFAULT instead of raising SIGSEGV. As in Linux, a
 * failed read returns a negative errno and zeroes the whole destination, and
 * the _str forms stop after the first NUL and return the length including it.
 *
 * In user space there is one address space: the _kernel and _user forms read
 * the same memory, the process's. Their errors follow x86-64 Linux where an
 * address is bad in both worlds: the _kernel forms refuse with -ERANGE what
 * copy_from_kernel_nofault_allowed() refuses and no process ever maps (below
 * mmap_min_addr's 64 KiB, non-canonical), before reading; other failures are
 * -EFAULT; the legacy bpf_probe_read(_str) takes the _user path below
 * TASK_SIZE and the _kernel one above, as Linux on x86. Without
 * process_vm_readv (not Linux) no address can be checked, so every read
 * fails with -EFAULT. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdbool.h>
#include <string.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/uio.h>
#endif

#include "helpers/helpers.h"

/* A chunk inside an aligned block of this size never crosses a page. */
#define STR_CHUNK 512
/* Linux's default vm.mmap_min_addr, and x86-64's TASK_SIZE_MAX. */
#define MMAP_MIN_ADDR 0x10000ull
#define TASK_SIZE 0x7ffffffff000ull
/* The end of what a process can map (x86-64 with 4-level page tables; with
 * 5 levels a process must ask for higher addresses explicitly). Elsewhere no
 * bound is assumed. */
#if defined(__x86_64__)
#define USER_TOP TASK_SIZE
#else
#define USER_TOP UINT64_MAX
#endif

static int read_nofault(void *dst, uint64_t src, uint64_t len)
{
#ifdef __linux__
	struct iovec local = { dst, (size_t)len };
	struct iovec remote = { (void *)(uintptr_t)src, (size_t)len };

	if (!len)
		return 0;
	/* Nothing can be mapped there: answered without the system call,
	 * which costs microseconds (reads of kernel pointers are common). */
	if (src < MMAP_MIN_ADDR || src + len < src || src + len > USER_TOP)
		return -EFAULT;
	return process_vm_readv(getpid(), &local, 1, &remote, 1, 0) == (ssize_t)len ? 0 : -EFAULT;
#else
	(void)dst;
	(void)src;
	return len ? -EFAULT : 0;
#endif
}

static uint64_t probe_read(uint64_t dst, uint64_t size, uint64_t src)
{
	if (read_nofault((void *)(uintptr_t)dst, src, (uint32_t)size)) {
		memset((void *)(uintptr_t)dst, 0, (uint32_t)size);
		return (uint64_t)-EFAULT;
	}
	return 0;
}

/* Copies up to size - 1 bytes and a NUL, byte-exact as Linux's
 * strncpy_from_kernel_nofault: nothing after the string's NUL is written. */
static uint64_t probe_read_str(uint64_t dst, uint64_t size, uint64_t src)
{
	char *out = (char *)(uintptr_t)dst;
	uint32_t cap = (uint32_t)size, done = 0;
	char chunk[STR_CHUNK];

	if (!cap)
		return 0;
	while (done < cap - 1) {
		uint64_t at = src + done;
		uint32_t n = STR_CHUNK - (uint32_t)(at % STR_CHUNK);
		const char *nul;

		if (n > cap - 1 - done)
			n = cap - 1 - done;
		if (read_nofault(chunk, at, n)) {
			memset(out, 0, cap);
			return (uint64_t)-EFAULT;
		}
		nul = memchr(chunk, 0, n);
		if (nul) {
			memcpy(out + done, chunk, (size_t)(nul - chunk) + 1);
			return done + (uint64_t)(nul - chunk) + 1;
		}
		memcpy(out + done, chunk, n);
		done += n;
	}
	out[cap - 1] = 0;
	return cap;
}

/* Addresses the _kernel forms refuse before reading. */
static bool kernel_addr_refused(uint64_t addr)
{
	return addr < MMAP_MIN_ADDR || (uint64_t)((int64_t)(addr << 16) >> 16) != addr;
}

BPFVM_HELPER(probe_read_user)
{
	return probe_read(r1, r2, r3);
}

BPFVM_HELPER(probe_read_user_str)
{
	return probe_read_str(r1, r2, r3);
}

BPFVM_HELPER(probe_read_kernel)
{
	if (kernel_addr_refused(r3)) {
		memset((void *)(uintptr_t)r1, 0, (uint32_t)r2);
		return (uint64_t)-ERANGE;
	}
	return probe_read(r1, r2, r3);
}

BPFVM_HELPER(probe_read_kernel_str)
{
	if ((uint32_t)r2 && kernel_addr_refused(r3)) {
		memset((void *)(uintptr_t)r1, 0, (uint32_t)r2);
		return (uint64_t)-ERANGE;
	}
	return probe_read_str(r1, r2, r3);
}

BPFVM_HELPER(probe_read)
{
	return r3 < TASK_SIZE ? bpfvm_helper_probe_read_user(r1, r2, r3, r4, r5, run)
			      : bpfvm_helper_probe_read_kernel(r1, r2, r3, r4, r5, run);
}

BPFVM_HELPER(probe_read_str)
{
	return r3 < TASK_SIZE ? bpfvm_helper_probe_read_user_str(r1, r2, r3, r4, r5, run)
			      : bpfvm_helper_probe_read_kernel_str(r1, r2, r3, r4, r5, run);
}

/* There is no task_struct in user space: 0, so that reads through it fail
 * cleanly (-EFAULT, zeroed destination) instead of reading unrelated memory. */
BPFVM_HELPER(get_current_task)
{
	return 0;
}
