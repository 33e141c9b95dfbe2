/* bpfvm-kverdict: the kernel's verifier as the yardstick of bpfvm's.
 *
 * Issue 7 asks bpfvm's verifier to accept the programs Linux accepts; this
 * measures it program by program. Each object is opened with bpfvm's own
 * loader (which also opens legacy `maps` sections and old Cilium objects that
 * libbpf refuses), then every program gets two verdicts:
 *  - the kernel's: the object's maps created with BPF_MAP_CREATE (inner-map
 *    templates, global data filled, .rodata frozen), its BTF loaded, the
 *    loader's symbolic map references (BPF_PSEUDO_MAP_IDX/_IDX_VALUE) patched
 *    to fds, BPF_PROG_LOAD with func_info/line_info; the reason of a refusal
 *    is the last line of the kernel's log;
 *  - bpfvm's: bpfvm_object_verify_program(), exactly what `bpfvm verify` runs.
 * Raw bpf(2) rather than libbpf, because libbpf cannot open half of the
 * objects worth comparing. Nothing is pinned or attached; every fd is closed.
 *
 *   bpfvm-kverdict [--type T] [--prog NAME] [--log] OBJ...
 *
 * One TSV row per program after a '#' header: object, program, section, type,
 * kernel verdict and reason, bpfvm verdict and reason, instructions processed
 * by bpfvm and by the kernel, and where the type came from (section, legacy,
 * guessed, forced, or retyped: the kernel refused the guess and accepted this
 * other usual type). Verdicts are accept, reject, or skip: the kernel's side
 * could not be tried (a program bpfvm's loader could not link, a struct_ops or
 * freplace program, a tracing or LSM program whose target is not in the
 * kernel's BTF, a program this kernel refuses before verifying it). Tracing
 * and LSM programs name their target by its id in /sys/kernel/btf/vmlinux.
 * A program using a map the kernel refuses to create is rejected with the
 * map's reason: Linux cannot load it.
 *
 * Sections no libbpf names get compare_samples.py's guess: xdp when "xdp" is
 * in the section or object name, sched_cls for Cilium objects, "tc*",
 * "*classifier*" and numbered "N/M" sections, else socket_filter; when the
 * kernel refuses the guess, sched_cls, xdp and socket_filter are tried. A
 * program refused for calling GPL-only helpers from an object without a GPL
 * license is judged again as GPL (its own loader supplies the license), and
 * the reason says so. --log prints the kernel's full log of every program it
 * rejects to stderr.
 * Exit 0 after the rows; 2 on bad usage or an object that cannot be read. */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <linux/bpf.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "bpfvm/bpfvm.h"

#define EXIT_BAD_INPUT 2
#define STATS_LOG_SIZE (1u << 20)
#define FULL_LOG_SIZE (16u << 20)
#define REASON_MAX 512
/* log_level bits of the kernel (include/linux/bpf_verifier.h, not UAPI) */
#define LOG_LEVEL1 1
#define LOG_STATS 4
/* newer than the UAPI headers some hosts have */
#define MAP_TYPE_CGRP_STORAGE 32

struct options {
	const char *type, *prog;
	bool log;
};

/* The kernel's view of one object: its BTF and its maps as fds. */
struct kobject {
	int btf_fd;
	char btf_note[REASON_MAX];
	uint32_t map_cnt;
	int *map_fds;
	char (*map_err)[REASON_MAX];  /* why the kernel refused a map, or "" */
	char (*map_note)[REASON_MAX]; /* what it took only in a different form */
	bool *creating;
};

struct verdict {
	const char *verdict; /* "accept", "reject", "skip" */
	char reason[REASON_MAX];
	uint64_t insns;      /* instructions processed, 0 when unknown */
};

static char *stats_log, *full_log;

static long sys_bpf(int cmd, union bpf_attr *attr)
{
	return syscall(__NR_bpf, cmd, attr, sizeof(*attr));
}

static uint64_t ptr(const void *p)
{
	return (uint64_t)(uintptr_t)p;
}

static int possible_cpus(void)
{
	FILE *f = fopen("/sys/devices/system/cpu/possible", "r");
	int lo = 0, hi = 0, n;

	if (!f)
		return 1;
	n = fscanf(f, "%d-%d", &lo, &hi);
	fclose(f);
	return n == 2 ? hi + 1 : lo + 1;
}

/* What the kernel accepts as an object name: up to 15 of [A-Za-z0-9_.]. */
static void kernel_name(char dst[BPF_OBJ_NAME_LEN], const char *src)
{
	size_t i = 0;

	for (; src && src[i] && i < BPF_OBJ_NAME_LEN - 1; i++)
		dst[i] = isalnum((unsigned char)src[i]) || src[i] == '.' ? src[i] : '_';
	dst[i] = '\0';
}

/* Text safe for one TSV field: tabs and line breaks become spaces. */
static void set_reason(char *dst, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(dst, REASON_MAX, fmt, ap);
	va_end(ap);
	for (char *p = dst; *p; p++)
		if (*p == '\t' || *p == '\n' || *p == '\r')
			*p = ' ';
}

static bool is_stats_line(const char *l)
{
	return !strncmp(l, "processed ", 10) || !strncmp(l, "verification time", 17) ||
	       !strncmp(l, "stack depth", 11);
}

/* The last line of a kernel log that is not its closing statistics. */
static void last_log_line(char *log, char *dst, const char *fallback)
{
	char *end = log + strlen(log);

	while (end > log) {
		char *line;

		while (end > log && (end[-1] == '\n' || end[-1] == ' '))
			*--end = '\0';
		line = end;
		while (line > log && line[-1] != '\n')
			line--;
		if (*line && !is_stats_line(line)) {
			/* some messages lack their newline, and the statistics
			 * follow on the same line */
			char *stats = strstr(line, "processed ");

			if (stats && stats > line && strstr(stats, " insns (limit "))
				*stats = '\0';
			set_reason(dst, "%s", line);
			return;
		}
		end = line;
	}
	set_reason(dst, "%s (empty log)", fallback);
}

static uint64_t processed_insns(const char *log)
{
	const char *p = strstr(log, "processed ");

	for (const char *q = p; q; q = strstr(q + 1, "processed "))
		p = q;
	return p ? strtoull(p + 10, NULL, 10) : 0;
}

static void load_btf(const struct bpfvm_object *obj, struct kobject *k)
{
	union bpf_attr a;
	void *raw;
	size_t size;
	char log[65536];

	k->btf_fd = -1;
	if (!bpfvm_object_btf(obj))
		return;
	if (bpfvm_object_btf_raw(obj, &raw, &size)) {
		set_reason(k->btf_note, "%s", bpfvm_last_error());
		return;
	}
	memset(&a, 0, sizeof(a));
	log[0] = '\0';
	a.btf = ptr(raw);
	a.btf_size = (uint32_t)size;
	a.btf_log_buf = ptr(log);
	a.btf_log_size = sizeof(log);
	a.btf_log_level = 1;
	k->btf_fd = (int)sys_bpf(BPF_BTF_LOAD, &a);
	if (k->btf_fd < 0) {
		char why[REASON_MAX];

		last_log_line(log, why, strerror(errno));
		set_reason(k->btf_note, "BTF refused: %s", why);
	}
	free(raw);
}

/* A ring buffer's size must be a power-of-two number of pages; libbpf
 * rounds up the same way. */
static uint32_t ringbuf_size(uint32_t n)
{
	uint32_t page = (uint32_t)sysconf(_SC_PAGESIZE), sz = page;

	while (sz < n && sz < (1u << 31))
		sz <<= 1;
	return sz;
}

/* Map types whose elements the kernel does not take a BTF description of
 * (libbpf creates them without it). */
static bool btf_describes(uint32_t type)
{
	switch (type) {
	case BPF_MAP_TYPE_PERF_EVENT_ARRAY:
	case BPF_MAP_TYPE_CGROUP_ARRAY:
	case BPF_MAP_TYPE_STACK_TRACE:
	case BPF_MAP_TYPE_ARRAY_OF_MAPS:
	case BPF_MAP_TYPE_HASH_OF_MAPS:
	case BPF_MAP_TYPE_DEVMAP:
	case BPF_MAP_TYPE_DEVMAP_HASH:
	case BPF_MAP_TYPE_CPUMAP:
	case BPF_MAP_TYPE_XSKMAP:
	case BPF_MAP_TYPE_SOCKMAP:
	case BPF_MAP_TYPE_SOCKHASH:
	case BPF_MAP_TYPE_QUEUE:
	case BPF_MAP_TYPE_STACK:
	case BPF_MAP_TYPE_RINGBUF:
		return false;
	default:
		return true;
	}
}

/* Per-object storage maps, which have no max_entries (the kernel wants 0). */
static bool is_storage(uint32_t type)
{
	return type == BPF_MAP_TYPE_CGROUP_STORAGE || type == BPF_MAP_TYPE_PERCPU_CGROUP_STORAGE ||
	       type == BPF_MAP_TYPE_SK_STORAGE || type == BPF_MAP_TYPE_INODE_STORAGE ||
	       type == BPF_MAP_TYPE_TASK_STORAGE || type == MAP_TYPE_CGRP_STORAGE;
}

/* *btf_err: why the kernel refused the map with its BTF description, 0 when
 * it did not. */
static int create_one(const struct bpfvm_map_def *d, int btf_fd, int inner_fd, int *btf_err)
{
	union bpf_attr a;
	int fd;

	memset(&a, 0, sizeof(a));
	a.map_type = d->type;
	a.key_size = d->key_size;
	a.value_size = d->value_size;
	a.max_entries = d->max_entries;
	/* max_entries 0 is filled in by the object's own loader (libbpf for a
	 * perf event array, Falco's for its per-CPU scratch arrays): one per
	 * CPU; storage maps keep their 0 */
	if (!a.max_entries && !is_storage(d->type))
		a.max_entries = (uint32_t)possible_cpus();
	/* what loaders make of the element types cilium/ebpf's bpf2go objects
	 * declare for event maps, which the kernel wants fixed: 4-byte cpu
	 * slots, a ring buffer without keys and values */
	if (d->type == BPF_MAP_TYPE_PERF_EVENT_ARRAY)
		a.key_size = a.value_size = 4;
	if (d->type == BPF_MAP_TYPE_RINGBUF) {
		a.max_entries = ringbuf_size(a.max_entries);
		a.key_size = a.value_size = 0;
	}
	a.map_flags = d->map_flags;
	if (d->map_flags & BPF_F_NUMA_NODE)
		a.numa_node = d->numa_node;
	a.map_extra = d->map_extra;
	a.inner_map_fd = inner_fd >= 0 ? (uint32_t)inner_fd : 0;
	kernel_name(a.map_name, d->name);
	if (btf_fd >= 0 && d->btf_value_type_id && btf_describes(d->type)) {
		a.btf_fd = (uint32_t)btf_fd;
		a.btf_key_type_id = d->btf_key_type_id;
		a.btf_value_type_id = d->btf_value_type_id;
		fd = (int)sys_bpf(BPF_MAP_CREATE, &a);
		if (fd >= 0)
			return fd;
		/* as libbpf: a map the kernel will not describe by this BTF
		 * is created without it */
		*btf_err = errno;
		a.btf_fd = a.btf_key_type_id = a.btf_value_type_id = 0;
	}
	return (int)sys_bpf(BPF_MAP_CREATE, &a);
}

static int fill_global_data(int fd, const struct bpfvm_map_def *d)
{
	union bpf_attr a;
	uint32_t key = 0;

	memset(&a, 0, sizeof(a));
	a.map_fd = (uint32_t)fd;
	a.key = ptr(&key);
	a.value = ptr(d->initial_value);
	if (sys_bpf(BPF_MAP_UPDATE_ELEM, &a))
		return -errno;
	if (!d->frozen)
		return 0;
	memset(&a, 0, sizeof(a));
	a.map_fd = (uint32_t)fd;
	return sys_bpf(BPF_MAP_FREEZE, &a) ? -errno : 0;
}

static void create_map(const struct bpfvm_object *obj, struct kobject *k, uint32_t i)
{
	const struct bpfvm_map_def *d = bpfvm_object_map(obj, i);
	int inner_fd = -1, fd, err, btf_err = 0;

	if (k->map_fds[i] >= 0 || k->map_err[i][0] || k->creating[i])
		return;
	k->creating[i] = true;
	if (d->type == BPF_MAP_TYPE_STRUCT_OPS) {
		set_reason(k->map_err[i], "map %s: struct_ops maps are not created here", d->name);
		return;
	}
	if (d->inner) {
		inner_fd = create_one(d->inner, k->btf_fd, -1, &btf_err);
		if (inner_fd < 0) {
			set_reason(k->map_err[i], "map %s: inner map template: BPF_MAP_CREATE: %s",
				   d->name, strerror(errno));
			return;
		}
	} else if (d->inner_map_idx >= 0 && (uint32_t)d->inner_map_idx < k->map_cnt) {
		create_map(obj, k, (uint32_t)d->inner_map_idx);
		inner_fd = k->map_fds[d->inner_map_idx];
		if (inner_fd < 0) {
			set_reason(k->map_err[i], "map %s: its inner map could not be created",
				   d->name);
			return;
		}
	}
	fd = create_one(d, k->btf_fd, inner_fd, &btf_err);
	err = errno;
	if (btf_err)
		set_reason(k->map_note[i], "map %s: created without BTF, refused with it: %s",
			   d->name, strerror(btf_err));
	if (d->inner)
		close(inner_fd);
	if (fd < 0) {
		set_reason(k->map_err[i], "map %s (%s): BPF_MAP_CREATE: %s", d->name,
			   bpfvm_map_type_name(d->type) ? bpfvm_map_type_name(d->type) : "?",
			   strerror(err));
		return;
	}
	if (d->initial_value && (err = fill_global_data(fd, d))) {
		set_reason(k->map_err[i], "map %s: filling its initial value: %s", d->name,
			   strerror(-err));
		close(fd);
		return;
	}
	k->map_fds[i] = fd;
}

static int kobject_open(const struct bpfvm_object *obj, struct kobject *k)
{
	memset(k, 0, sizeof(*k));
	k->btf_fd = -1;
	k->map_cnt = bpfvm_object_map_count(obj);
	k->map_fds = malloc((k->map_cnt + 1) * sizeof(*k->map_fds));
	k->map_err = calloc(k->map_cnt + 1, sizeof(*k->map_err));
	k->map_note = calloc(k->map_cnt + 1, sizeof(*k->map_note));
	k->creating = calloc(k->map_cnt + 1, sizeof(*k->creating));
	if (!k->map_fds || !k->map_err || !k->map_note || !k->creating)
		return -ENOMEM;
	for (uint32_t i = 0; i < k->map_cnt; i++)
		k->map_fds[i] = -1;
	load_btf(obj, k);
	for (uint32_t i = 0; i < k->map_cnt; i++)
		create_map(obj, k, i);
	return 0;
}

static void kobject_close(struct kobject *k)
{
	for (uint32_t i = 0; k->map_fds && i < k->map_cnt; i++)
		if (k->map_fds[i] >= 0)
			close(k->map_fds[i]);
	if (k->btf_fd >= 0)
		close(k->btf_fd);
	free(k->map_fds);
	free(k->map_err);
	free(k->map_note);
	free(k->creating);
}

/* The kernel's own BTF (/sys/kernel/btf/vmlinux), read once: tracing and
 * LSM programs name the function they attach to by its type id there. */
static uint8_t *vmlinux;
static size_t vmlinux_len;

static uint32_t rd32le(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void read_vmlinux_btf(void)
{
	FILE *f = fopen("/sys/kernel/btf/vmlinux", "rb");
	size_t cap = 0;

	if (!f)
		return;
	for (;;) {
		uint8_t *nb;

		if (vmlinux_len == cap) {
			nb = realloc(vmlinux, cap = cap ? 2 * cap : 1 << 22);
			if (!nb)
				break;
			vmlinux = nb;
		}
		size_t got = fread(vmlinux + vmlinux_len, 1, cap - vmlinux_len, f);

		if (!got)
			break;
		vmlinux_len += got;
	}
	fclose(f);
}

/* Bytes after the 12-byte header of a BTF type of `kind`, or -1 for a kind
 * this walk does not know. */
static int64_t btf_extra(uint32_t kind, uint32_t vlen)
{
	switch (kind) {
	case 1: case 14: case 17:       /* INT, VAR, DECL_TAG */
		return 4;
	case 3:                         /* ARRAY */
		return 12;
	case 4: case 5: case 15: case 19: /* STRUCT, UNION, DATASEC, ENUM64 */
		return 12 * (int64_t)vlen;
	case 6: case 13:                /* ENUM, FUNC_PROTO */
		return 8 * (int64_t)vlen;
	case 2: case 7: case 8: case 9: case 10: case 11: case 12: case 16: case 18:
		return 0;
	default:
		return -1;
	}
}

/* The id of the type of `kind` named `name` in the kernel's BTF, or 0. */
static uint32_t vmlinux_type(uint32_t kind, const char *name)
{
	uint32_t hdr, type_off, type_len, str_off, str_len, id = 1;
	const uint8_t *p, *end;

	if (!vmlinux)
		read_vmlinux_btf();
	if (vmlinux_len < 24 || vmlinux[0] != 0x9f || vmlinux[1] != 0xeb)
		return 0;
	hdr = rd32le(vmlinux + 4);
	type_off = rd32le(vmlinux + 8);
	type_len = rd32le(vmlinux + 12);
	str_off = rd32le(vmlinux + 16);
	str_len = rd32le(vmlinux + 20);
	if ((uint64_t)hdr + type_off + type_len > vmlinux_len ||
	    (uint64_t)hdr + str_off + str_len > vmlinux_len)
		return 0;
	p = vmlinux + hdr + type_off;
	end = p + type_len;
	for (; end - p >= 12; id++) {
		uint32_t name_off = rd32le(p), info = rd32le(p + 4);
		int64_t extra = btf_extra(info >> 24 & 0x1f, info & 0xffff);

		if (extra < 0 || end - p - 12 < extra)
			return 0;
		if ((info >> 24 & 0x1f) == kind && name_off < str_len &&
		    !strncmp((const char *)vmlinux + hdr + str_off + name_off, name,
			     str_len - name_off))
			return id;
		p += 12 + extra;
	}
	return 0;
}

/* The attach target of a tracing or LSM program as libbpf names it in the
 * kernel's BTF; 0 with *why set when there is none. */
static uint32_t attach_btf_id(const struct bpfvm_program *p, char *why)
{
	const char *target = bpfvm_program_attach_target(p);
	uint32_t kind = 12; /* FUNC */
	char name[256];

	switch (bpfvm_program_expected_attach_type(p)) {
	case BPF_TRACE_FENTRY:
	case BPF_TRACE_FEXIT:
	case BPF_MODIFY_RETURN:
		snprintf(name, sizeof(name), "%s", target);
		break;
	case BPF_TRACE_RAW_TP:
		kind = 8; /* TYPEDEF */
		snprintf(name, sizeof(name), "btf_trace_%s", target);
		break;
	case BPF_LSM_MAC:
		snprintf(name, sizeof(name), "bpf_lsm_%s", target);
		break;
	case BPF_TRACE_ITER:
		snprintf(name, sizeof(name), "bpf_iter_%s", target);
		break;
	default:
		set_reason(why, "%s programs of this attach type need a target not tried here",
			   bpfvm_prog_type_name(bpfvm_program_type(p)));
		return 0;
	}
	if (!*target) {
		set_reason(why, "no attach target in the section name");
		return 0;
	}
	kind = vmlinux_type(kind, name);
	if (!kind)
		set_reason(why, "no %s in the kernel's BTF (/sys/kernel/btf/vmlinux)", name);
	return kind;
}

/* Program types whose loading needs a target in the kernel's BTF
 * (attach_btf_id); struct_ops and freplace ones are not tried. */
static bool needs_attach_btf(uint32_t type)
{
	return type == BPF_PROG_TYPE_TRACING || type == BPF_PROG_TYPE_LSM ||
	       type == BPF_PROG_TYPE_EXT || type == BPF_PROG_TYPE_STRUCT_OPS;
}

/* The loader's map references by index become the kernel's by fd. */
static int patch_maps(struct bpfvm_insn *insns, uint32_t cnt, const struct kobject *k,
		      char *why)
{
	for (uint32_t i = 0; i + 1 < cnt; i++) {
		struct bpfvm_insn *x = &insns[i];
		uint32_t idx;

		if (x->code != (BPF_LD | BPF_IMM | BPF_DW))
			continue;
		idx = (uint32_t)x->imm;
		if (x->src_reg == 5 || x->src_reg == 6) {
			if (idx >= k->map_cnt) {
				set_reason(why, "insn %u: map index %u out of range", i, idx);
				return -EINVAL;
			}
			if (k->map_fds[idx] < 0) {
				set_reason(why, "%s", k->map_err[idx]);
				return -ENOENT;
			}
			x->src_reg = x->src_reg == 5 ? BPF_PSEUDO_MAP_FD : BPF_PSEUDO_MAP_VALUE;
			x->imm = k->map_fds[idx];
		}
		i++;
	}
	return 0;
}

/* func_info when every function has its BTF FUNC type (the kernel needs it
 * for callbacks and global functions). */
static struct bpf_func_info *func_infos(const struct bpfvm_program *p, uint32_t *cnt)
{
	uint32_t n = bpfvm_program_func_count(p);
	struct bpf_func_info *fi;

	*cnt = 0;
	for (uint32_t i = 0; i < n; i++)
		if (!bpfvm_program_func(p, i)->btf_type_id)
			return NULL;
	fi = n ? calloc(n, sizeof(*fi)) : NULL;
	if (!fi)
		return NULL;
	for (uint32_t i = 0; i < n; i++) {
		fi[i].insn_off = bpfvm_program_func(p, i)->insn_idx;
		fi[i].type_id = bpfvm_program_func(p, i)->btf_type_id;
	}
	*cnt = n;
	return fi;
}

/* line_info when it satisfies the kernel's rules (strictly increasing, one
 * record at the start of every function, strings from the BTF), else none:
 * it only makes the kernel's log quote source lines. */
static struct bpf_line_info *line_infos(const struct bpfvm_object *obj,
					const struct bpfvm_program *p, uint32_t *cnt)
{
	const struct bpfvm_btf *btf = bpfvm_object_btf(obj);
	uint32_t n = bpfvm_program_line_info_count(p), f = 0;
	struct bpf_line_info *li;

	*cnt = 0;
	if (!btf || !n || !(li = calloc(n, sizeof(*li))))
		return NULL;
	for (uint32_t i = 0; i < n; i++) {
		const struct bpfvm_line_info *l = bpfvm_program_line_info_at(p, i);
		int64_t file = bpfvm_btf_str_offset(btf, l->file);
		int64_t text = bpfvm_btf_str_offset(btf, l->text);

		if (file < 0 || text < 0 || (i && l->insn_idx <= li[i - 1].insn_off) ||
		    l->insn_idx >= bpfvm_program_insn_cnt(p) ||
		    !bpfvm_program_insns(p)[l->insn_idx].code || l->column > 0x3ff)
			goto none;
		if (f < bpfvm_program_func_count(p) &&
		    bpfvm_program_func(p, f)->insn_idx < l->insn_idx)
			goto none; /* a function without a record at its start */
		if (f < bpfvm_program_func_count(p) &&
		    bpfvm_program_func(p, f)->insn_idx == l->insn_idx)
			f++;
		li[i].insn_off = l->insn_idx;
		li[i].file_name_off = (uint32_t)file;
		li[i].line_off = (uint32_t)text;
		li[i].line_col = l->line << 10 | l->column;
	}
	if (f < bpfvm_program_func_count(p))
		goto none;
	*cnt = n;
	return li;
none:
	free(li);
	return NULL;
}

static int prog_load(union bpf_attr *a, char *log, uint32_t size, uint32_t level)
{
	a->log_buf = ptr(log);
	a->log_size = size;
	a->log_level = level;
	log[0] = '\0';
	return (int)sys_bpf(BPF_PROG_LOAD, a);
}

/* The verdict comes from a load with only the statistics logged, because a
 * full log that overflows its buffer makes the load fail (-ENOSPC) whatever
 * the verdict; a refusal is loaded again with log_level 1 for its reason. */
static void judge(union bpf_attr *a, const struct bpfvm_object *obj,
		  const struct bpfvm_program *p, bool print_log, struct verdict *v)
{
	int fd = prog_load(a, stats_log, STATS_LOG_SIZE, LOG_STATS), err = errno;

	v->insns = processed_insns(stats_log);
	v->reason[0] = '\0';
	if (fd >= 0) {
		v->verdict = "accept";
		close(fd);
		return;
	}
	v->verdict = "reject";
	fd = prog_load(a, full_log, FULL_LOG_SIZE, LOG_LEVEL1);
	if (fd >= 0) {
		/* cannot happen unless the kernel is inconsistent; say so */
		close(fd);
		set_reason(v->reason, "refused at log level 4 (%s), accepted at level 1",
			   strerror(err));
		return;
	}
	if (!full_log[strspn(full_log, " \n")] && (err == EPERM || err == EOPNOTSUPP)) {
		/* refused before its verifier looked at the program (fentry and
		 * LSM programs on a kernel without trampolines or the BPF LSM):
		 * no verdict to compare */
		v->verdict = "skip";
		set_reason(v->reason, "this kernel loads no such program: %s (empty log)",
			   strerror(err));
		return;
	}
	last_log_line(full_log, v->reason, strerror(err));
	if (print_log)
		fprintf(stderr, "==== %s: %s: kernel log\n%s\n", bpfvm_object_name(obj),
			bpfvm_program_name(p), full_log);
}

static void kernel_verdict(const struct bpfvm_object *obj, const struct bpfvm_program *p,
			   const struct kobject *k, bool print_log, struct verdict *v)
{
	uint32_t type = bpfvm_program_type(p), cnt = bpfvm_program_insn_cnt(p);
	uint32_t fi_cnt = 0, li_cnt = 0, target = 0;
	struct bpf_func_info *fi = NULL;
	struct bpf_line_info *li = NULL;
	struct bpfvm_insn *insns = NULL;
	union bpf_attr a;
	char name[BPF_OBJ_NAME_LEN];
	int err;

	v->verdict = "skip";
	if (bpfvm_program_error(p)) {
		set_reason(v->reason, "not linked by bpfvm's loader");
		return;
	}
	if (needs_attach_btf(type)) {
		if (type == BPF_PROG_TYPE_TRACING || type == BPF_PROG_TYPE_LSM)
			target = attach_btf_id(p, v->reason);
		else
			set_reason(v->reason, "%s programs need a struct_ops map or a target "
				   "program, not tried here", bpfvm_prog_type_name(type));
		if (!target)
			return;
	}
	insns = malloc((cnt ? cnt : 1) * sizeof(*insns));
	if (!insns) {
		set_reason(v->reason, "out of memory");
		return;
	}
	memcpy(insns, bpfvm_program_insns(p), cnt * sizeof(*insns));
	err = patch_maps(insns, cnt, k, v->reason);
	if (err) {
		/* Linux cannot load an object whose map it refuses */
		if (err == -ENOENT)
			v->verdict = "reject";
		goto out;
	}
	if (k->btf_fd >= 0) {
		fi = func_infos(p, &fi_cnt);
		li = fi ? line_infos(obj, p, &li_cnt) : NULL;
	}
	memset(&a, 0, sizeof(a));
	a.prog_type = type;
	a.expected_attach_type = bpfvm_program_expected_attach_type(p);
	a.insns = ptr(insns);
	a.insn_cnt = cnt;
	a.license = ptr(bpfvm_object_license(obj));
	a.kern_version = bpfvm_object_kern_version(obj);
	a.attach_btf_id = target;
	if (bpfvm_program_sleepable(p))
		a.prog_flags = BPF_F_SLEEPABLE;
	kernel_name(name, bpfvm_program_name(p));
	memcpy(a.prog_name, name, sizeof(name));
	if (fi) {
		a.prog_btf_fd = (uint32_t)k->btf_fd;
		a.func_info_rec_size = sizeof(*fi);
		a.func_info = ptr(fi);
		a.func_info_cnt = fi_cnt;
	}
	if (li) {
		a.line_info_rec_size = sizeof(*li);
		a.line_info = ptr(li);
		a.line_info_cnt = li_cnt;
	}
	judge(&a, obj, p, print_log, v);
	if (!strcmp(v->verdict, "reject") && strstr(v->reason, "GPL")) {
		/* The object's own loader supplies the license when the object
		 * has none (Falco's does): a licensing refusal says nothing
		 * about the program, so it is judged again as GPL, and says so. */
		char why[REASON_MAX];

		a.license = ptr("GPL");
		judge(&a, obj, p, print_log, v);
		snprintf(why, sizeof(why), "%s", v->reason);
		set_reason(v->reason, "%s%s(as GPL; the object's license '%s' is not)", why,
			   why[0] ? " " : "", bpfvm_object_license(obj));
	}
out:
	free(insns);
	free(fi);
	free(li);
}

static void bpfvm_verdict(const struct bpfvm_object *obj, const struct bpfvm_program *p,
			  struct verdict *v)
{
	struct bpfvm_verify_result r;

	bpfvm_object_verify_program(obj, p, &r);
	v->verdict = r.verdict == BPFVM_VERIFY_ACCEPTED ? "accept" : "reject";
	v->insns = r.insns_processed;
	if (r.verdict != BPFVM_VERIFY_ACCEPTED)
		set_reason(v->reason, "%s%s%s", r.line, r.line[0] ? ": " : "", r.message);
	else
		v->reason[0] = '\0';
	bpfvm_verify_result_free(&r);
}

/* The type both verifiers are given: --type, the section's, libbpf 0.x's
 * legacy prefix, else compare_samples.py's guess. */
static const char *choose_type(const char *path, struct bpfvm_program *p, const char *forced)
{
	char sec[256];
	const char *guess;

	if (forced) {
		bpfvm_program_set_type(p, (uint32_t)bpfvm_prog_type_by_name(forced));
		return "forced";
	}
	if (bpfvm_program_type(p))
		return "section";
	if (bpfvm_program_legacy_type(p)) {
		bpfvm_program_set_type(p, bpfvm_program_legacy_type(p));
		return "legacy";
	}
	snprintf(sec, sizeof(sec), "%s", bpfvm_program_section(p));
	for (char *c = sec; *c; c++)
		*c = (char)tolower((unsigned char)*c);
	if (strstr(sec, "xdp") || strstr(path, "xdp"))
		guess = "xdp";
	else if (strstr(path, "cilium") || !strncmp(sec, "tc", 2) || strstr(sec, "classifier") ||
		 strchr(sec, '/'))
		guess = "sched_cls";
	else
		guess = "socket_filter";
	bpfvm_program_set_type(p, (uint32_t)bpfvm_prog_type_by_name(guess));
	return "guessed";
}

/* A guessed type the kernel refuses may just be the wrong guess (tc programs
 * in sections named after what they do): the other usual types are tried,
 * and the first the kernel accepts is the one both verifiers judge. */
static const char *retype(const struct bpfvm_object *obj, struct bpfvm_program *p,
			  const struct kobject *k, struct verdict *kv)
{
	static const char *const candidates[] = { "sched_cls", "xdp", "socket_filter" };
	uint32_t guess = bpfvm_program_type(p);

	for (size_t i = 0; i < sizeof(candidates) / sizeof(candidates[0]); i++) {
		uint32_t t = (uint32_t)bpfvm_prog_type_by_name(candidates[i]);
		struct verdict v = { 0 };

		if (t == guess)
			continue;
		bpfvm_program_set_type(p, t);
		kernel_verdict(obj, p, k, false, &v);
		if (!strcmp(v.verdict, "accept")) {
			*kv = v;
			return "retyped";
		}
	}
	bpfvm_program_set_type(p, guess);
	return "guessed";
}

static int run_object(const char *path, const struct options *o)
{
	struct bpfvm_object *obj;
	struct kobject k;
	uint32_t matched = 0;

	if (bpfvm_object_open(path, NULL, &obj)) {
		fprintf(stderr, "bpfvm-kverdict: %s\n", bpfvm_last_error());
		return EXIT_BAD_INPUT;
	}
	if (o->prog && !bpfvm_object_find_program(obj, o->prog)) {
		fprintf(stderr, "bpfvm-kverdict: %s: no program named '%s'\n", path, o->prog);
		bpfvm_object_free(obj);
		return EXIT_BAD_INPUT;
	}
	if (kobject_open(obj, &k)) {
		fprintf(stderr, "bpfvm-kverdict: out of memory\n");
		kobject_close(&k);
		bpfvm_object_free(obj);
		return EXIT_BAD_INPUT;
	}
	/* what the kernel refused of the object itself, once */
	if (k.btf_note[0])
		fprintf(stderr, "bpfvm-kverdict: note: %s: %s\n", path, k.btf_note);
	for (uint32_t i = 0; i < k.map_cnt; i++)
		if (k.map_err[i][0] || k.map_note[i][0])
			fprintf(stderr, "bpfvm-kverdict: note: %s: %s\n", path,
				k.map_err[i][0] ? k.map_err[i] : k.map_note[i]);
	for (uint32_t i = 0; i < bpfvm_object_program_count(obj); i++) {
		struct bpfvm_program *p = bpfvm_object_program(obj, i);
		struct verdict kv = { 0 }, bv = { 0 };
		const char *from, *type;

		if (o->prog && strcmp(o->prog, bpfvm_program_name(p)))
			continue;
		matched++;
		from = choose_type(path, p, o->type);
		kernel_verdict(obj, p, &k, o->log, &kv);
		if (!strcmp(from, "guessed") && !strcmp(kv.verdict, "reject"))
			from = retype(obj, p, &k, &kv);
		bpfvm_verdict(obj, p, &bv);
		type = bpfvm_prog_type_name(bpfvm_program_type(p));
		printf("%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%" PRIu64 "\t%" PRIu64 "\t%s\n", path,
		       bpfvm_program_name(p), bpfvm_program_section(p), type ? type : "unknown",
		       kv.verdict, kv.reason, bv.verdict, bv.reason, bv.insns, kv.insns, from);
		fflush(stdout);
	}
	kobject_close(&k);
	bpfvm_object_free(obj);
	return 0;
}

static int usage(const char *msg, const char *arg)
{
	fprintf(stderr, "bpfvm-kverdict: %s%s%s (usage: bpfvm-kverdict [--type T] [--prog NAME] "
		"[--log] OBJ...)\n", msg, arg ? ": " : "", arg ? arg : "");
	return EXIT_BAD_INPUT;
}

int main(int argc, char **argv)
{
	struct options o = { 0 };
	const char **objs = calloc((size_t)argc, sizeof(*objs));
	int n = 0, status = 0;

	if (!objs)
		return usage("out of memory", NULL);
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--type") && i + 1 < argc) {
			o.type = argv[++i];
		} else if (!strcmp(argv[i], "--prog") && i + 1 < argc) {
			o.prog = argv[++i];
		} else if (!strcmp(argv[i], "--log")) {
			o.log = true;
		} else if (argv[i][0] == '-' && argv[i][1]) {
			free(objs);
			return usage("unknown option or missing value", argv[i]);
		} else {
			objs[n++] = argv[i];
		}
	}
	if (!n) {
		free(objs);
		return usage("no object given", NULL);
	}
	if (o.type && bpfvm_prog_type_by_name(o.type) < 0) {
		free(objs);
		fprintf(stderr, "bpfvm-kverdict: --type: unknown program type '%s'\n", o.type);
		return EXIT_BAD_INPUT;
	}
	stats_log = malloc(STATS_LOG_SIZE);
	full_log = malloc(FULL_LOG_SIZE);
	if (!stats_log || !full_log) {
		status = usage("out of memory", NULL);
		goto out;
	}
	printf("# object\tprogram\tsection\ttype\tkernel\tkernel_reason\tbpfvm\tbpfvm_reason\t"
	       "bpfvm_insns\tkernel_insns\ttype_from\n");
	for (int i = 0; i < n; i++)
		if (run_object(objs[i], &o))
			status = EXIT_BAD_INPUT;
out:
	free(stats_log);
	free(full_log);
	free(objs);
	free(vmlinux);
	return status;
}
