/* The probe_read family at the edges a CLI test cannot place: a string that
 * ends right before an unmapped page (read to its NUL, never past it), one
 * that runs into the unmapped page (-EFAULT, destination zeroed), a copy that
 * crosses into it, size 0, the _kernel forms' -ERANGE for addresses no
 * process maps, and the legacy forms' choice of path by address. */
#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "helpers/helpers.h"
#include "test.h"

#define P(x) ((uint64_t)(uintptr_t)(x))

int main(void)
{
	long page = sysconf(_SC_PAGESIZE);
	char *map, *end, buf[64];
	uint64_t r;

#ifndef __linux__
	return test_skip("probe_read needs process_vm_readv (Linux)");
#endif
	map = mmap(NULL, (size_t)page * 2, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
		   -1, 0);
	if (map == MAP_FAILED)
		return test_skip("mmap failed");
	munmap(map + page, (size_t)page);
	end = map + page;

	memcpy(end - 4, "abc", 4);
	memset(buf, 'x', sizeof(buf));
	r = bpfvm_helper_probe_read_kernel_str(P(buf), sizeof(buf), P(end - 4), 0, 0, NULL);
	CHECK_EQ_U64(r, 4);
	CHECK(!memcmp(buf, "abc\0xxxx", 8)); /* nothing written after the NUL */

	memset(end - 6, 'z', 6); /* no NUL before the unmapped page */
	memset(buf, 'x', sizeof(buf));
	r = bpfvm_helper_probe_read_user_str(P(buf), sizeof(buf), P(end - 6), 0, 0, NULL);
	CHECK_EQ_U64(r, (uint64_t)-EFAULT);
	CHECK(buf[0] == 0 && buf[63] == 0);

	/* the same bytes with room for only 5: truncated before the fault */
	r = bpfvm_helper_probe_read_str(P(buf), 6, P(end - 6), 0, 0, NULL);
	CHECK_EQ_U64(r, 6);
	CHECK(!memcmp(buf, "zzzzz\0", 6));

	memset(buf, 'x', sizeof(buf));
	r = bpfvm_helper_probe_read_kernel(P(buf), 8, P(end - 4), 0, 0, NULL);
	CHECK_EQ_U64(r, (uint64_t)-EFAULT);
	CHECK(!memcmp(buf, "\0\0\0\0\0\0\0\0x", 9));
	CHECK_EQ_U64(bpfvm_helper_probe_read_user(P(buf), 4, P(end - 4), 0, 0, NULL), 0);
	CHECK_EQ_U64(bpfvm_helper_probe_read_user(P(buf), 0, P(end), 0, 0, NULL), 0);
	CHECK_EQ_U64(bpfvm_helper_probe_read_kernel_str(P(buf), 0, P(end), 0, 0, NULL), 0);

	/* no process maps the null page or non-canonical addresses: the _kernel
	 * forms say -ERANGE as Linux, the _user forms -EFAULT */
	buf[0] = 'x';
	CHECK_EQ_U64(bpfvm_helper_probe_read_kernel(P(buf), 8, 0x100, 0, 0, NULL),
		     (uint64_t)-ERANGE);
	CHECK(buf[0] == 0);
	CHECK_EQ_U64(bpfvm_helper_probe_read_kernel_str(P(buf), 8, 0x8000000000000000ull, 0, 0,
							NULL), (uint64_t)-ERANGE);
	CHECK_EQ_U64(bpfvm_helper_probe_read_user(P(buf), 8, 0x100, 0, 0, NULL), (uint64_t)-EFAULT);
	/* legacy bpf_probe_read: user path below TASK_SIZE, kernel path above */
	CHECK_EQ_U64(bpfvm_helper_probe_read(P(buf), 8, 0x100, 0, 0, NULL), (uint64_t)-EFAULT);
	CHECK_EQ_U64(bpfvm_helper_probe_read(P(buf), 8, 0x8000000000000000ull, 0, 0, NULL),
		     (uint64_t)-ERANGE);
	CHECK_EQ_U64(bpfvm_helper_probe_read(P(buf), 8, 0xffffffff81000000ull, 0, 0, NULL),
		     (uint64_t)-EFAULT);
	CHECK_EQ_U64(bpfvm_helper_probe_read(P(buf), 4, P(end - 4), 0, 0, NULL), 0);
	CHECK(!memcmp(buf, "zzzz", 4));
	munmap(map, (size_t)page);
	return test_exit();
}
