/* The object model over the clang-built tests/progs/obj_*.o: map definitions
 * of every shape, static slots, spin-lock and timer offsets, global data and
 * its relocations, subprogram linking and call fix-ups, bpf_loop callbacks,
 * line info, SEC() types, legacy objects and unsupported externs. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "bpfvm/error.h"
#include "bpfvm/object.h"
#include "isa/opcodes.h"
#include "test.h"

#define LDDW (BPF_LD | BPF_IMM | BPF_DW)

static struct bpfvm_object *open_prog(const char *name)
{
	char path[4096];
	struct bpfvm_object *obj = NULL;

	snprintf(path, sizeof(path), "%s/%s.o", getenv("BPFVM_PROGS"), name);
	if (bpfvm_object_open(path, NULL, &obj)) {
		fprintf(stderr, "%s\n", bpfvm_last_error());
		CHECK(!"open failed");
	}
	return obj;
}

static const struct bpfvm_map_def *map(const struct bpfvm_object *obj, const char *name)
{
	int i = bpfvm_object_find_map(obj, name);

	CHECK(i >= 0);
	return i >= 0 ? bpfvm_object_map(obj, (uint32_t)i) : NULL;
}

/* The index of the first lddw of program `prog` with this src_reg, or -1. */
static int find_lddw(const struct bpfvm_program *prog, int src_reg, int from)
{
	const struct bpfvm_insn *in = bpfvm_program_insns(prog);

	for (uint32_t i = (uint32_t)from; i < bpfvm_program_insn_cnt(prog); i++)
		if (in[i].code == LDDW && in[i].src_reg == src_reg)
			return (int)i;
	return -1;
}

static void test_maps(void)
{
	struct bpfvm_object *obj = open_prog("obj_maps");
	const struct bpfvm_map_def *m;

	if (!obj)
		return;
	CHECK_EQ_U64(bpfvm_object_map_count(obj), 23);
	m = map(obj, "hash_map");
	CHECK_EQ_U64(m->type, 1);
	CHECK_EQ_U64(m->key_size, 4);
	CHECK_EQ_U64(m->value_size, 8);
	CHECK_EQ_U64(m->max_entries, 1024);
	CHECK_EQ_U64(m->origin, BPFVM_MAP_BTF);
	CHECK(m->btf_key_type_id != 0 && m->btf_value_type_id != 0);
	m = map(obj, "sized_array");
	CHECK_EQ_U64(m->value_size, 24);
	CHECK_EQ_U64(m->btf_value_type_id, 0);
	m = map(obj, "lru_locked");
	CHECK_EQ_U64(m->pinning, 1);
	CHECK_EQ_U64(m->spin_lock_off, 8);
	CHECK_EQ_U64(m->timer_off, (uint64_t)-1);
	m = map(obj, "numa_timed");
	CHECK_EQ_U64(m->numa_node, 1);
	CHECK_EQ_U64(m->map_flags, 4);
	CHECK_EQ_U64(m->timer_off, 8);
	CHECK_EQ_U64(m->spin_lock_off, (uint64_t)-1);
	m = map(obj, "sk_store");
	CHECK_EQ_U64(m->timer_off, 8);
	CHECK_EQ_U64(map(obj, "bloom")->map_extra, 3);
	CHECK_EQ_U64(map(obj, "lpm")->map_flags, 1);
	CHECK_EQ_U64(map(obj, "lpm")->key_size, 8);
	CHECK_EQ_U64(map(obj, "ringbuf")->type, 27);
	CHECK_EQ_U64(map(obj, "queue")->key_size, 0);

	m = map(obj, "outer_array");
	CHECK_EQ_U64(m->type, 12);
	CHECK_EQ_U64(m->value_size, 4);
	CHECK(m->inner != NULL);
	if (m->inner) {
		CHECK_EQ_U64(m->inner->type, 2);
		CHECK_EQ_U64(m->inner->max_entries, 2);
		CHECK_EQ_U64(m->inner->value_size, 8);
	}
	CHECK_EQ_U64(m->init_slot_cnt, 2);
	if (m->init_slot_cnt == 2) {
		CHECK_EQ_U64(m->init_slots[0].slot, 0);
		CHECK(!m->init_slots[0].is_prog);
		CHECK_STR(bpfvm_object_map(obj, m->init_slots[0].index)->name, "inner_a");
		CHECK_EQ_U64(m->init_slots[1].slot, 3);
		CHECK_STR(bpfvm_object_map(obj, m->init_slots[1].index)->name, "inner_b");
	}
	m = map(obj, "outer_hash");
	CHECK(m->inner && m->inner->type == 1 && m->inner->key_size == 8);
	CHECK_EQ_U64(m->init_slot_cnt, 0);

	m = map(obj, "jump_table");
	CHECK_EQ_U64(m->type, 3);
	CHECK_EQ_U64(m->init_slot_cnt, 2);
	if (m->init_slot_cnt == 2) {
		CHECK(m->init_slots[0].is_prog && m->init_slots[1].is_prog);
		CHECK_EQ_U64(m->init_slots[0].slot, 1);
		CHECK_STR(bpfvm_program_name(bpfvm_object_program(obj, m->init_slots[0].index)),
			  "tail_a");
		CHECK_EQ_U64(m->init_slots[1].slot, 5);
		CHECK_STR(bpfvm_program_name(bpfvm_object_program(obj, m->init_slots[1].index)),
			  "tail_b");
	}

	/* Map references become BPF_PSEUDO_MAP_IDX with the map's index. */
	const struct bpfvm_program *p = bpfvm_object_find_program(obj, "use_maps");
	CHECK(p != NULL);
	if (p) {
		int at = find_lddw(p, BPF_PSEUDO_MAP_IDX, 0);

		CHECK(at >= 0);
		if (at >= 0) {
			const struct bpfvm_insn *in = bpfvm_program_insns(p);

			CHECK_STR(bpfvm_object_map(obj, (uint32_t)in[at].imm)->name, "hash_map");
			CHECK_EQ_U64(in[at + 1].imm, 0);
		}
		CHECK(find_lddw(p, BPF_PSEUDO_MAP_FD, 0) < 0);
	}
	bpfvm_object_free(obj);
}

static void test_globals(void)
{
	struct bpfvm_object *obj = open_prog("obj_globals");
	const struct bpfvm_map_def *m;
	const struct bpfvm_program *p;
	size_t size;
	uint8_t *data;

	if (!obj)
		return;
	CHECK_EQ_U64(bpfvm_object_map_count(obj), 7);
	CHECK_STR(bpfvm_object_license(obj), "Dual BSD/GPL");
	m = map(obj, ".bss.extra");
	CHECK_EQ_U64(m->value_size, 8);
	CHECK_EQ_U64(m->initial_value[7], 0);
	m = map(obj, ".rodata");
	CHECK_STR(m->name, "obj_glob.rodata");
	CHECK(m->frozen);
	CHECK_EQ_U64(m->map_flags & 0x80, 0x80);
	CHECK_EQ_U64(m->origin, BPFVM_MAP_GLOBAL_DATA);
	CHECK_EQ_U64(m->max_entries, 1);
	CHECK(m->btf_value_type_id != 0);
	data = bpfvm_object_global_data(obj, ".rodata", &size);
	CHECK(data != NULL && size == 12);
	if (data) {
		int32_t limit;

		memcpy(&limit, data, 4);
		CHECK_EQ_U64(limit, 42);
		CHECK(!memcmp(data + 4, "bpfvm", 5));
		limit = 99;
		memcpy(data, &limit, 4);
		CHECK(!memcmp(m->initial_value, &limit, 4));
	}
	m = map(obj, ".data");
	CHECK(!m->frozen);
	CHECK_EQ_U64(m->value_size, 8);
	m = map(obj, ".bss");
	CHECK_EQ_U64(m->value_size, 40);
	CHECK_EQ_U64(m->initial_value[39], 0);
	m = map(obj, ".data.custom");
	CHECK_STR(m->name, ".data.custom");
	CHECK_EQ_U64(m->initial_value[0], 0x34);
	data = bpfvm_object_global_data(obj, ".rodata.str1.1", &size);
	CHECK(data && size == 17 && !strcmp((char *)data, "global data test"));
	CHECK(bpfvm_object_global_data(obj, ".nothing", &size) == NULL && size == 0);

	/* Global-data references become BPF_PSEUDO_MAP_IDX_VALUE + offset. */
	p = bpfvm_object_find_program(obj, "use_globals");
	CHECK(p != NULL);
	if (p) {
		const struct bpfvm_insn *in = bpfvm_program_insns(p);
		int seen_rodata_tag = 0, at = -1, n = 0;

		while ((at = find_lddw(p, BPF_PSEUDO_MAP_IDX_VALUE, at + 1)) >= 0) {
			const struct bpfvm_map_def *d = bpfvm_object_map(obj, (uint32_t)in[at].imm);

			CHECK(d && d->origin == BPFVM_MAP_GLOBAL_DATA);
			CHECK(d && (uint32_t)in[at + 1].imm <= d->value_size);
			if (d && !strcmp(d->section, ".rodata") && in[at + 1].imm == 4)
				seen_rodata_tag = 1;
			n++;
		}
		CHECK(n >= 6);
		CHECK(seen_rodata_tag || n > 0);
	}
	bpfvm_object_free(obj);
}

static void check_calls(const struct bpfvm_program *p)
{
	const struct bpfvm_insn *in = bpfvm_program_insns(p);

	for (uint32_t i = 0; i < bpfvm_program_insn_cnt(p); i++) {
		bool call = in[i].code == (BPF_JMP | BPF_CALL) && in[i].src_reg == BPF_PSEUDO_CALL;
		bool func = in[i].code == LDDW && in[i].src_reg == BPF_PSEUDO_FUNC;

		if (call || func) {
			int64_t t = (int64_t)i + in[i].imm + 1;
			const struct bpfvm_func_info *f;

			CHECK(t > 0 && t < bpfvm_program_insn_cnt(p));
			f = bpfvm_program_func_at(p, (uint32_t)t);
			CHECK(f && f->insn_idx == t);
		}
		if (in[i].code == LDDW)
			i++;
	}
}

static void test_subprogs(void)
{
	struct bpfvm_object *obj = open_prog("obj_subprogs");
	const struct bpfvm_program *p;

	if (!obj)
		return;
	CHECK_EQ_U64(bpfvm_object_program_count(obj), 4);
	p = bpfvm_object_find_program(obj, "calls_middle");
	CHECK(p && bpfvm_program_func_count(p) == 3);
	if (p) {
		CHECK_STR(bpfvm_program_func(p, 0)->name, "calls_middle");
		CHECK_STR(bpfvm_program_func(p, 1)->name, "middle");
		CHECK_STR(bpfvm_program_func(p, 2)->name, "leaf");
		CHECK(bpfvm_program_func(p, 1)->btf_type_id != 0);
		CHECK_EQ_U64(bpfvm_program_func_insn_cnt(p), bpfvm_program_func(p, 0)->insn_cnt);
		check_calls(p);
	}
	p = bpfvm_object_find_program(obj, "calls_leaf");
	CHECK(p && bpfvm_program_func_count(p) == 2);
	if (p)
		check_calls(p);
	p = bpfvm_object_find_program(obj, "calls_global");
	CHECK(p && bpfvm_program_func_count(p) == 4);
	if (p) {
		CHECK(find_lddw(p, BPF_PSEUDO_MAP_IDX, 0) > 0);
		check_calls(p);
	}
	p = bpfvm_object_find_program(obj, "loops");
	CHECK(p != NULL);
	if (p) {
		int a = find_lddw(p, BPF_PSEUDO_FUNC, 0);
		int b = a >= 0 ? find_lddw(p, BPF_PSEUDO_FUNC, a + 1) : -1;
		const struct bpfvm_insn *in = bpfvm_program_insns(p);

		CHECK(a >= 0 && b >= 0);
		if (a >= 0 && b >= 0) {
			CHECK_STR(bpfvm_program_func_at(p, (uint32_t)(a + in[a].imm + 1))->name,
				  "loop_body");
			CHECK_STR(bpfvm_program_func_at(p, (uint32_t)(b + in[b].imm + 1))->name,
				  "other_body");
		}
		check_calls(p);
		/* Line info follows appended subprograms. */
		const struct bpfvm_line_info *li = bpfvm_program_line_info(p, 0);

		CHECK(li && strstr(li->file, "obj_subprogs.c") && strstr(li->text, "loops"));
		const struct bpfvm_func_info *lb = NULL;

		for (uint32_t i = 0; i < bpfvm_program_func_count(p); i++)
			if (!strcmp(bpfvm_program_func(p, i)->name, "loop_body"))
				lb = bpfvm_program_func(p, i);
		CHECK(lb != NULL);
		if (lb) {
			li = bpfvm_program_line_info(p, lb->insn_idx);
			CHECK(li && li->insn_idx == lb->insn_idx && strstr(li->text, "loop_body"));
			CHECK(li && li->line > 30 && li->line < 45);
		}
		CHECK(bpfvm_program_line_info_count(p) > 5);
		for (uint32_t i = 1; i < bpfvm_program_line_info_count(p); i++)
			CHECK(bpfvm_program_line_info_at(p, i - 1)->insn_idx <=
			      bpfvm_program_line_info_at(p, i)->insn_idx);
	}
	bpfvm_object_free(obj);
}

static void check_prog(const struct bpfvm_object *obj, const char *name, uint32_t type,
		       uint32_t attach)
{
	const struct bpfvm_program *p = bpfvm_object_find_program(obj, name);

	CHECK(p != NULL);
	if (!p)
		return;
	if (bpfvm_program_type(p) != type || bpfvm_program_expected_attach_type(p) != attach)
		fprintf(stderr, "%s: type %u attach %u\n", name, bpfvm_program_type(p),
			bpfvm_program_expected_attach_type(p));
	CHECK_EQ_U64(bpfvm_program_type(p), type);
	CHECK_EQ_U64(bpfvm_program_expected_attach_type(p), attach);
}

static void test_sections(void)
{
	struct bpfvm_object *obj = open_prog("obj_sections");

	if (!obj)
		return;
	CHECK_EQ_U64(bpfvm_object_program_count(obj), 60);
	check_prog(obj, "xdp_first", 6, 37);
	check_prog(obj, "xdp_second", 6, 37);
	check_prog(obj, "xdp_frags", 6, 37);
	check_prog(obj, "xdp_devmap", 6, 33);
	check_prog(obj, "socket_prog", 1, 0);
	check_prog(obj, "tc_prog", 3, 0);
	check_prog(obj, "bind4", 18, 8);
	check_prog(obj, "connect6", 18, 11);
	check_prog(obj, "sendmsg4", 18, 14);
	check_prog(obj, "recvmsg6", 18, 20);
	check_prog(obj, "skb_egress", 8, 1);
	check_prog(obj, "stream_parser", 14, 4);
	check_prog(obj, "sk_skb_plain", 14, 0);
	check_prog(obj, "sk_msg_prog", 16, 7);
	check_prog(obj, "raw_tp", 17, 0);
	check_prog(obj, "tp_openat", 5, 0);
	check_prog(obj, "kprobe_open", 2, 0);
	check_prog(obj, "fentry_prog", 26, 24);
	check_prog(obj, "lsm_sleepable", 29, 27);
	check_prog(obj, "sk_lookup_prog", 30, 36);
	CHECK(bpfvm_program_sleepable(bpfvm_object_find_program(obj, "lsm_sleepable")));
	CHECK(!bpfvm_program_sleepable(bpfvm_object_find_program(obj, "lsm_prog")));
	CHECK_STR(bpfvm_program_attach_target(bpfvm_object_find_program(obj, "kprobe_open")),
		  "do_sys_open");
	CHECK_STR(bpfvm_program_attach_target(bpfvm_object_find_program(obj, "tp_openat")),
		  "syscalls/sys_enter_openat");
	bpfvm_object_free(obj);

	/* Names libbpf added after 1.1, and type names. */
	CHECK_EQ_U64(bpfvm_prog_type_by_name("tcx/ingress"), 3);
	CHECK_EQ_U64(bpfvm_prog_type_by_name("netkit/peer"), 3);
	CHECK_EQ_U64(bpfvm_prog_type_by_name("sched_cls"), 3);
	CHECK_EQ_U64(bpfvm_prog_type_by_name("cgroup_sock_addr"), 18);
	CHECK_EQ_U64(bpfvm_prog_type_by_name("xdp.frags"), 6);
	CHECK(bpfvm_prog_type_by_name("no_such_type") == -ENOENT);
	CHECK_STR(bpfvm_prog_type_name(3), "sched_cls");
	CHECK_STR(bpfvm_map_type_name(11), "lpm_trie");
	CHECK_STR(bpfvm_attach_type_name(46), "tcx_ingress");
	CHECK(bpfvm_map_type_name(1000) == NULL);
}

static void test_legacy(void)
{
	struct bpfvm_object *obj = open_prog("obj_legacy");
	struct bpfvm_program *p;

	if (!obj)
		return;
	CHECK_EQ_U64(bpfvm_object_kern_version(obj), 0x040f00);
	CHECK_EQ_U64(bpfvm_object_map_count(obj), 2);
	CHECK_EQ_U64(map(obj, "counts")->origin, BPFVM_MAP_LEGACY);
	CHECK_EQ_U64(map(obj, "counts")->max_entries, 256);
	CHECK_EQ_U64(map(obj, "flows")->map_flags, 1);
	p = bpfvm_object_find_program(obj, "count_packets");
	CHECK(p && bpfvm_program_type(p) == 0 && bpfvm_program_legacy_type(p) == 1);
	if (p) {
		int at = find_lddw(p, BPF_PSEUDO_MAP_IDX, 0);

		CHECK(at >= 0 && bpfvm_program_insns(p)[at].imm == 0);
		bpfvm_program_set_type(p, bpfvm_program_legacy_type(p));
		CHECK_EQ_U64(bpfvm_program_type(p), 1);
	}
	p = bpfvm_object_find_program(obj, "xdp_old");
	CHECK(p && bpfvm_program_legacy_type(p) == 6);
	if (p) {
		int at = find_lddw(p, BPF_PSEUDO_MAP_IDX, 0);

		CHECK(at >= 0 && bpfvm_program_insns(p)[at].imm == 1);
		bpfvm_program_set_type(p, 6);
		CHECK_EQ_U64(bpfvm_program_expected_attach_type(p), 37);
	}
	p = bpfvm_object_find_program(obj, "tail_numbered");
	CHECK(p && bpfvm_program_type(p) == 0 && bpfvm_program_legacy_type(p) == 0);
	CHECK(p && !strcmp(bpfvm_program_section(p), "2/7"));
	bpfvm_object_free(obj);
}

static void test_legacy_variants(void)
{
	struct bpfvm_object *obj = open_prog("obj_legacy_inner");
	const struct bpfvm_map_def *m;

	if (obj) {
		m = map(obj, "a_of_port_a");
		CHECK_EQ_U64(m->inner_map_idx, 0);
		CHECK(m->inner == bpfvm_object_map(obj, 0));
		CHECK_EQ_U64(m->value_size, 4);
		CHECK_STR(bpfvm_object_map(obj, 0)->name, "port_a");
		CHECK_EQ_U64(map(obj, "port_a")->inner_map_idx, (uint64_t)-1);
		CHECK_EQ_U64(map(obj, "numa_hash")->numa_node, 1);
		CHECK_EQ_U64(map(obj, "numa_hash")->pinning, 0);
		CHECK(bpfvm_object_find_program(obj, "lookup_inner") != NULL);
		CHECK_EQ_U64(bpfvm_program_type(bpfvm_object_find_program(obj, "lookup_inner")), 2);
		bpfvm_object_free(obj);
	}
	obj = open_prog("obj_legacy_iproute");
	if (obj) {
		const struct bpfvm_program *p;

		m = map(obj, "jmp_tc");
		CHECK_EQ_U64(m->pinning, 2);
		CHECK_EQ_U64(m->type, 3);
		CHECK_EQ_U64(m->numa_node, 0);
		CHECK(m->inner == NULL);
		CHECK_EQ_U64(map(obj, "counters")->max_entries, 2);
		/* the template is the map whose id is inner_id (9), not map
		 * inner_idx (0, jmp_tc) */
		m = map(obj, "maglev_outer");
		CHECK(m->inner && !strcmp(m->inner->name, "maglev_inner"));
		CHECK(m->inner_map_idx >= 0 &&
		      bpfvm_object_map(obj, (uint32_t)m->inner_map_idx) == m->inner);
		CHECK_EQ_U64(map(obj, "maglev_inner")->inner_map_idx, (uint64_t)-1);
		p = bpfvm_object_find_program(obj, "tail_zero");
		CHECK(p && !strcmp(bpfvm_program_section(p), "1/0") && bpfvm_program_type(p) == 0);
		p = bpfvm_object_find_program(obj, "entry");
		CHECK(p && bpfvm_program_type(p) == 3);
		bpfvm_object_free(obj);
	}
}

static void test_kconfig(void)
{
	struct bpfvm_object *obj = open_prog("obj_kconfig");
	const struct bpfvm_program *p;

	if (!obj)
		return;
	p = bpfvm_object_find_program(obj, "uses_kconfig");
	CHECK(p && bpfvm_program_error(p) && bpfvm_program_insn_cnt(p) == 0);
	if (p && bpfvm_program_error(p)) {
		CHECK(strstr(bpfvm_program_error(p), "LINUX_KERNEL_VERSION") != NULL);
		CHECK(strstr(bpfvm_program_error(p), ".kconfig") != NULL);
		CHECK(strstr(bpfvm_program_error(p), "not supported") != NULL);
	}
	p = bpfvm_object_find_program(obj, "plain");
	CHECK(p && !bpfvm_program_error(p) && bpfvm_program_insn_cnt(p) == 2);
	bpfvm_object_free(obj);
}

static void test_btf_kinds(void)
{
	struct bpfvm_object *obj = open_prog("obj_btf_kinds");
	const struct bpfvm_btf *btf;
	int id, seen[20] = { 0 };

	if (!obj)
		return;
	btf = bpfvm_object_btf(obj);
	CHECK(btf != NULL);
	for (uint32_t i = 1; i < bpfvm_btf_type_count(btf); i++) {
		int k = bpfvm_btf_type_kind(btf, i);

		if (k >= 0 && k < 20)
			seen[k] = 1;
	}
	CHECK(seen[BPFVM_BTF_KIND_DECL_TAG]);
	CHECK(seen[BPFVM_BTF_KIND_TYPE_TAG]);
	CHECK(seen[BPFVM_BTF_KIND_FLOAT]);
	CHECK(seen[BPFVM_BTF_KIND_UNION]);
	CHECK(seen[BPFVM_BTF_KIND_ENUM]);
	id = bpfvm_btf_find(btf, BPFVM_BTF_KIND_STRUCT, "value_rec");
	CHECK(id > 0);
	if (id > 0) {
		const char *name;
		uint32_t type, off, bits;

		CHECK_EQ_U64(bpfvm_btf_type_size(btf, (uint32_t)id), 48);
		CHECK(!bpfvm_btf_member(btf, (uint32_t)id, 1, &name, &type, &off, &bits));
		CHECK_STR(name, "ratio");
		CHECK_EQ_U64(off, 128);
		CHECK_EQ_U64(bpfvm_btf_type_kind(btf, type), BPFVM_BTF_KIND_FLOAT);
	}
	id = bpfvm_btf_find(btf, BPFVM_BTF_KIND_STRUCT, "inner_rec");
	CHECK(id > 0);
	if (id > 0) {
		const char *name;
		uint32_t type, off, bits;

		CHECK_EQ_U64(bpfvm_btf_type_size(btf, (uint32_t)id), 8);
		CHECK(!bpfvm_btf_member(btf, (uint32_t)id, 2, &name, &type, &off, &bits));
		CHECK_STR(name, "kind");
		CHECK_EQ_U64(off, 19);
		CHECK_EQ_U64(bits, 5);
	}
	CHECK_EQ_U64(map(obj, "tagged")->value_size, 48);
	bpfvm_object_free(obj);
}

static void test_core(void)
{
	struct bpfvm_object *obj = open_prog("obj_core");
	const struct bpfvm_program *p;
	int offset_relo = 0, exists_relo = 0;

	if (!obj)
		return;
	p = bpfvm_object_find_program(obj, "core_reads");
	CHECK(p && bpfvm_program_core_relo_count(p) >= 2);
	for (uint32_t i = 0; p && i < bpfvm_program_core_relo_count(p); i++) {
		const struct bpfvm_core_relo *r = bpfvm_program_core_relo(p, i);

		CHECK(r->insn_idx < bpfvm_program_insn_cnt(p));
		CHECK_STR(bpfvm_btf_type_name(bpfvm_object_btf(obj), r->btf_type_id), "task_like");
		if (r->kind == 0 && !strcmp(r->access, "0:1"))
			offset_relo = 1;
		if (r->kind == 2 && !strcmp(r->access, "0:2"))
			exists_relo = 1;
	}
	CHECK(offset_relo);
	CHECK(exists_relo);
	bpfvm_object_free(obj);
}

int main(void)
{
	if (getenv("BPFVM_PROGS_SKIP") && *getenv("BPFVM_PROGS_SKIP"))
		return test_skip(getenv("BPFVM_PROGS_SKIP"));
	test_maps();
	test_globals();
	test_subprogs();
	test_sections();
	test_legacy();
	test_legacy_variants();
	test_kconfig();
	test_btf_kinds();
	test_core();
	return test_exit();
}
