/* bpf_skb_under_cgroup (33) and bpf_current_task_under_cgroup (37): is the
 * packet's socket, or the running task, in the cgroup of a cgroup array's
 * slot or below it?
 *
 * bpfvm answers for its own process, live, from cgroup v2: the process's
 * cgroup (/proc/self/cgroup's "0::" line) under the cgroup2 mount
 * (/proc/self/mountinfo), and each ancestor directory up to the mount's root,
 * compared by inode number with the slot's cgroup (maps/cgroup_array.c). The
 * packet of a test-run belongs to a socket of the running process, as the
 * dummy socket of Linux's test-run belongs to the task running it, so both
 * helpers give the same answer here. Linux's errors: -E2BIG past the array's
 * end, -EAGAIN for an empty slot. Without cgroup v2 the process is in no
 * cgroup a slot can name: 0. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "helpers/helpers.h"
#include "maps/map.h"

/* The cgroup2 mount point and its root within the hierarchy. */
static bool cgroup2_mount(char *mnt, size_t mnt_len, char *root, size_t root_len)
{
	FILE *f = fopen("/proc/self/mountinfo", "r");
	char line[1024];
	bool found = false;

	if (!f)
		return false;
	while (!found && fgets(line, sizeof(line), f)) {
		char r[PATH_MAX], m[PATH_MAX], fstype[64];
		const char *dash = strstr(line, " - ");

		if (!dash || sscanf(dash, " - %63s", fstype) != 1 || strcmp(fstype, "cgroup2"))
			continue;
		if (sscanf(line, "%*s %*s %*s %4095s %4095s", r, m) != 2)
			continue;
		found = snprintf(mnt, mnt_len, "%s", m) < (int)mnt_len &&
			snprintf(root, root_len, "%s", r) < (int)root_len;
	}
	fclose(f);
	return found;
}

static bool self_cgroup(char *path, size_t len)
{
	FILE *f = fopen("/proc/self/cgroup", "r");
	char line[PATH_MAX + 8];
	bool found = false;

	if (!f)
		return false;
	while (!found && fgets(line, sizeof(line), f)) {
		if (strncmp(line, "0::", 3))
			continue;
		line[strcspn(line, "\n")] = '\0';
		found = snprintf(path, len, "%s", line + 3) < (int)len;
	}
	fclose(f);
	return found;
}

static uint64_t under_cgroup(uint64_t ino)
{
	char mnt[PATH_MAX], root[PATH_MAX], cg[PATH_MAX], dir[2 * PATH_MAX + 2];
	const char *rel;
	size_t rlen, base;

	if (!cgroup2_mount(mnt, sizeof(mnt), root, sizeof(root)) || !self_cgroup(cg, sizeof(cg)))
		return 0;
	/* the process's cgroup as a path below the mount's root */
	rlen = strcmp(root, "/") ? strlen(root) : 0;
	if (strncmp(cg, root, rlen) || (cg[rlen] && cg[rlen] != '/'))
		return 0;
	rel = cg + rlen;
	base = (size_t)snprintf(dir, sizeof(dir), "%s", mnt);
	snprintf(dir + base, sizeof(dir) - base, "%s", rel);
	for (;;) {
		struct stat st;
		char *slash;

		if (!stat(dir, &st) && (uint64_t)st.st_ino == ino)
			return 1;
		slash = strrchr(dir + base, '/');
		if (!slash)
			return 0;
		*slash = '\0';
	}
}

static uint64_t slot_test(struct bpfvm_map *map, uint32_t index)
{
	uint64_t ino;

	if (index >= map->max_entries)
		return (uint64_t)-E2BIG;
	ino = bpfvm_cgroup_array_get(map, index);
	if (!ino)
		return (uint64_t)-EAGAIN;
	return under_cgroup(ino);
}

BPFVM_HELPER(skb_under_cgroup)
{
	(void)r1;
	(void)r4;
	(void)r5;
	(void)run;
	return slot_test((struct bpfvm_map *)(uintptr_t)r2, (uint32_t)r3);
}

BPFVM_HELPER(current_task_under_cgroup)
{
	(void)r3;
	(void)r4;
	(void)r5;
	(void)run;
	return slot_test((struct bpfvm_map *)(uintptr_t)r1, (uint32_t)r2);
}
