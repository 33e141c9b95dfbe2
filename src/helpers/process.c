/* Helpers about "the current task", which in user space is the calling
 * process and thread: pid/tgid, uid/gid, comm (the thread's name), and the
 * "CPU" a program runs on, which is the per-CPU map slot of its thread. */
#include <errno.h>
#include <string.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/prctl.h>
#include <sys/syscall.h>
#endif

#include "helpers/helpers.h"
#include "maps/map.h"

BPFVM_HELPER(get_smp_processor_id)
{
	return bpfvm_map_this_cpu();
}

/* tgid (the process id) in the upper 32 bits, the thread id in the lower. */
BPFVM_HELPER(get_current_pid_tgid)
{
	uint64_t tgid = (uint64_t)getpid(), tid;

#if defined(__linux__) && defined(SYS_gettid)
	tid = (uint64_t)syscall(SYS_gettid);
#else
	tid = tgid;
#endif
	return tgid << 32 | (uint32_t)tid;
}

BPFVM_HELPER(get_current_uid_gid)
{
	return (uint64_t)getgid() << 32 | (uint32_t)getuid();
}

/* Copies the thread's name into buf[size], NUL-terminated and zero-padded,
 * as the kernel's strscpy_pad of task->comm (16 bytes at most). */
BPFVM_HELPER(get_current_comm)
{
	char comm[17] = "";
	char *buf = (char *)(uintptr_t)r1;
	uint32_t size = (uint32_t)r2;
	size_t len;

	if (!size)
		return (uint64_t)-EINVAL;
#ifdef __linux__
	prctl(PR_GET_NAME, comm, 0, 0, 0);
#endif
	comm[16] = 0;
	len = strlen(comm);
	if (len > size - 1)
		len = size - 1;
	memset(buf, 0, size);
	memcpy(buf, comm, len);
	return 0;
}
