/* bpfvm_prog_test_run on assembled programs, per program type: the packet and
 * context a program sees (Linux's test-run layout), what comes back out, the
 * packet helpers' bounds, and every input error. */
#include <errno.h>
#include <stddef.h>

#include "bpfvm/bpfvm.h"
#include "progtype/ctx.h"
#include "progtype/progtype.h"
#include "test.h"

static struct bpfvm_prog *load(const char *text, uint32_t type, uint32_t attach)
{
	struct bpfvm_prog_load_opts opts = { .sz = sizeof(opts), .prog_type = type,
					     .expected_attach_type = attach, .name = "t" };
	struct bpfvm_insn *insns;
	struct bpfvm_prog *prog = NULL;
	uint32_t cnt;

	if (bpfvm_asm(text, &insns, &cnt)) {
		fprintf(stderr, "asm: %s\n", bpfvm_last_error());
		return NULL;
	}
	if (bpfvm_prog_load(insns, cnt, &opts, &prog))
		fprintf(stderr, "load: %s\n", bpfvm_last_error());
	free(insns);
	return prog;
}

static uint8_t packet[64] = { 2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1, 0x08, 0x00, 0x45 };

/* r0 = data_end - data, and the first byte rewritten to 0xaa */
static const char *xdp_len =
	"ldxw %r2, [%r1]\n"
	"ldxw %r3, [%r1+4]\n"
	"mov %r0, %r3\n"
	"sub %r0, %r2\n"
	"mov %r4, %r2\n"
	"add %r4, 1\n"
	"jgt %r4, %r3, +1\n"
	"stb [%r2], 0xaa\n"
	"exit\n";

static void test_xdp(void)
{
	struct bpfvm_prog *prog = load(xdp_len, BPFVM_PROG_XDP, BPFVM_ATTACH_XDP);
	uint8_t out[128];
	struct bpfvm_test_run_opts o = { .sz = sizeof(o), .data_in = packet,
					 .data_size_in = sizeof(packet), .data_out = out,
					 .data_size_out = sizeof(out), .repeat = 10 };

	CHECK(prog != NULL);
	if (!prog)
		return;
	CHECK(bpfvm_prog_test_run(prog, &o) == 0);
	CHECK_EQ_U64(o.retval, sizeof(packet));
	CHECK_EQ_U64(o.data_size_out, sizeof(packet));
	CHECK_EQ_U64(out[0], 0xaa);
	CHECK(memcmp(out + 1, packet + 1, sizeof(packet) - 1) == 0);
	CHECK(o.ns_per_run > 0);

	/* data_out too small: -ENOSPC, and the size says what was needed */
	o.data_size_out = 8;
	CHECK(bpfvm_prog_test_run(prog, &o) == -ENOSPC);
	CHECK_EQ_U64(o.data_size_out, sizeof(packet));

	/* a packet over 64 KiB */
	o.data_size_in = BPFVM_TEST_RUN_MAX_PACKET + 1;
	CHECK(bpfvm_prog_test_run(prog, &o) == -E2BIG);

	/* Contexts, by Linux's rules: data_end is the input's length, data the
	 * metadata at its front (which data_out then starts with) */
	{
		struct bpfvm_uapi_xdp_md md = { .ingress_ifindex = 3,
						.data_end = sizeof(packet) }, md_out;

		o.data_size_in = sizeof(packet);
		o.data_size_out = sizeof(out);
		o.ctx_in = &md;
		o.ctx_size_in = sizeof(md) - 4;
		CHECK(bpfvm_prog_test_run(prog, &o) == -EINVAL);
		o.ctx_size_in = sizeof(md);
		CHECK(bpfvm_prog_test_run(prog, &o) == 0);
		md.data = 8;
		o.ctx_out = &md_out;
		o.ctx_size_out = sizeof(md_out);
		CHECK(bpfvm_prog_test_run(prog, &o) == 0);
		CHECK_EQ_U64(o.retval, sizeof(packet) - 8);
		CHECK_EQ_U64(o.data_size_out, sizeof(packet));
		CHECK_EQ_U64(out[8], 0xaa);
		CHECK_EQ_U64(md_out.data, 8);
		CHECK_EQ_U64(md_out.data_end, sizeof(packet));
		md.data = 6; /* not a multiple of 4 */
		CHECK(bpfvm_prog_test_run(prog, &o) == -EINVAL);
		md.data = 0;
		md.data_meta = 4;
		CHECK(bpfvm_prog_test_run(prog, &o) == -EINVAL);
		md.data_meta = 0;
		md.data_end = sizeof(packet) + 1;
		CHECK(bpfvm_prog_test_run(prog, &o) == -EINVAL);
		/* a data_end short of the input ends the packet there */
		md.data_end = 20;
		CHECK(bpfvm_prog_test_run(prog, &o) == 0);
		CHECK_EQ_U64(o.retval, 20);
	}
	/* shorter than an Ethernet header */
	o.ctx_in = NULL;
	o.ctx_out = NULL;
	o.data_size_in = 13;
	CHECK(bpfvm_prog_test_run(prog, &o) == -EINVAL);
	bpfvm_prog_free(prog);
}

/* xdp_adjust_head by r6 (set per test through ingress_ifindex, a u32 the
 * program reads and sign-extends), returning the helper's result. */
static const char *xdp_adjust =
	"ldxw %r2, [%r1+12]\n"
	"lsh %r2, 32\n"
	"arsh %r2, 32\n"
	"call 44\n"
	"exit\n";

static int64_t adjust(struct bpfvm_prog *prog, int32_t delta, uint32_t *len_out)
{
	struct bpfvm_uapi_xdp_md md = { .ingress_ifindex = (uint32_t)delta,
					.data_end = sizeof(packet) };
	uint8_t out[4096];
	struct bpfvm_test_run_opts o = { .sz = sizeof(o), .data_in = packet,
					 .data_size_in = sizeof(packet), .data_out = out,
					 .data_size_out = sizeof(out), .ctx_in = &md,
					 .ctx_size_in = sizeof(md) };

	CHECK(bpfvm_prog_test_run(prog, &o) == 0);
	*len_out = o.data_size_out;
	return (int32_t)o.retval;
}

static void test_xdp_adjust_head(void)
{
	struct bpfvm_prog *prog = load(xdp_adjust, BPFVM_PROG_XDP, BPFVM_ATTACH_XDP);
	uint32_t len;

	CHECK(prog != NULL);
	if (!prog)
		return;
	/* Linux's test-run gives 256 bytes of headroom, 40 of them reserved. */
	CHECK(adjust(prog, -216, &len) == 0);
	CHECK_EQ_U64(len, sizeof(packet) + 216);
	CHECK(adjust(prog, -217, &len) == -EINVAL);
	CHECK_EQ_U64(len, sizeof(packet));
	/* at least an Ethernet header must remain */
	CHECK(adjust(prog, (int32_t)sizeof(packet) - 14, &len) == 0);
	CHECK_EQ_U64(len, 14);
	CHECK(adjust(prog, (int32_t)sizeof(packet) - 13, &len) == -EINVAL);
	bpfvm_prog_free(prog);
}

/* r0 = len + pkt_type * 1000 + protocol-is-IPv4 * 100000 + mark * 10^6;
 * sets cb[0] = 7 and mark = 9 */
static const char *skb_fields =
	"ldxw %r0, [%r1]\n"
	"ldxw %r2, [%r1+4]\n"
	"mul %r2, 1000\n"
	"add %r0, %r2\n"
	"ldxw %r2, [%r1+16]\n"
	"jne %r2, 0x0008, +1\n"
	"add %r0, 100000\n"
	"ldxw %r2, [%r1+8]\n"
	"mul %r2, 1000000\n"
	"add %r0, %r2\n"
	"stw [%r1+48], 7\n"
	"stw [%r1+8], 9\n"
	"exit\n";

static void test_skb(void)
{
	struct bpfvm_prog *prog = load(skb_fields, BPFVM_PROG_SCHED_CLS, 0);
	struct bpfvm_uapi_sk_buff in = { .mark = 3 }, out;
	struct bpfvm_test_run_opts o = { .sz = sizeof(o), .data_in = packet,
					 .data_size_in = sizeof(packet), .ctx_in = &in,
					 .ctx_size_in = sizeof(in), .ctx_out = &out,
					 .ctx_size_out = sizeof(out) };

	CHECK(prog != NULL);
	if (!prog)
		return;
	CHECK(bpfvm_prog_test_run(prog, &o) == 0);
	/* 02:00:00:00:00:02 is not the loopback address: PACKET_OTHERHOST (3) */
	CHECK_EQ_U64(o.retval, 64 + 3 * 1000 + 100000 + 3 * 1000000);
	CHECK_EQ_U64(out.cb[0], 7);
	CHECK_EQ_U64(out.mark, 9);
	CHECK_EQ_U64(out.ifindex, 1);
	/* Linux writes back only the fields a context may set */
	CHECK_EQ_U64(out.len, 0);
	CHECK_EQ_U64(out.protocol, 0);
	CHECK_EQ_U64(out.wire_len, 64);

	/* fields test-run may not set, runt frames, IPv4 shorter than its header */
	in.len = 5;
	CHECK(bpfvm_prog_test_run(prog, &o) == -EINVAL);
	in.len = 0;
	o.data_size_in = 10;
	CHECK(bpfvm_prog_test_run(prog, &o) == -EINVAL);
	o.data_size_in = 14 + 19;
	CHECK(bpfvm_prog_test_run(prog, &o) == -EINVAL);
	o.data_size_in = 14 + 20;
	CHECK(bpfvm_prog_test_run(prog, &o) == 0);
	bpfvm_prog_free(prog);
}

/* bind4: allow ports >= 1024 (in network order at user_port), rewrite the
 * address of the others to 127.0.0.1 and refuse them. */
static const char *bind4 =
	"ldxw %r2, [%r1+24]\n"
	"be16 %r2\n"
	"mov %r0, 1\n"
	"jge %r2, 1024, +3\n"
	"mov %r3, 0x0100007f\n"
	"stxw [%r1+4], %r3\n"
	"mov %r0, 0\n"
	"exit\n";

static void test_sock_addr(void)
{
	struct bpfvm_prog *prog = load(bind4, BPFVM_PROG_CGROUP_SOCK_ADDR,
				       BPFVM_ATTACH_CGROUP_INET4_BIND);
	struct bpfvm_uapi_sock_addr sa = { .user_family = 2, .user_ip4 = 0x0200000a,
					   .user_port = 0x5000 /* port 80, network order */ };
	struct bpfvm_uapi_sock_addr out;
	struct bpfvm_test_run_opts o = { .sz = sizeof(o), .ctx_in = &sa, .ctx_size_in = sizeof(sa),
					 .ctx_out = &out, .ctx_size_out = sizeof(out) };

	CHECK(prog != NULL);
	if (!prog)
		return;
	CHECK(bpfvm_prog_test_run(prog, &o) == 0);
	CHECK_EQ_U64(o.retval, 0);
	CHECK_EQ_U64(out.user_ip4, 0x0100007f);
	sa.user_port = 0x901f; /* 8080 */
	CHECK(bpfvm_prog_test_run(prog, &o) == 0);
	CHECK_EQ_U64(o.retval, 1);
	CHECK_EQ_U64(out.user_ip4, 0x0200000a);

	o.ctx_in = NULL;
	o.ctx_size_in = 0;
	CHECK(bpfvm_prog_test_run(prog, &o) == -EINVAL);
	CHECK(strstr(bpfvm_last_error(), "need a context") != NULL);
	bpfvm_prog_free(prog);
}

static void test_load_errors(void)
{
	struct bpfvm_prog_load_opts opts = { .sz = sizeof(opts), .prog_type = 23 /* cgroup_sysctl */ };
	struct bpfvm_insn *insns;
	struct bpfvm_prog *prog;
	uint32_t cnt;

	CHECK(bpfvm_asm("mov %r0, 0\nexit\n", &insns, &cnt) == 0);
	CHECK(bpfvm_prog_load(insns, cnt, &opts, &prog) == -EOPNOTSUPP);
	free(insns);
	/* a helper the type may not call (skb_load_bytes from XDP) */
	CHECK(bpfvm_asm("mov %r2, 0\nmov %r3, %r10\nadd %r3, -8\nmov %r4, 4\ncall 26\n"
			"mov %r0, 0\nexit\n", &insns, &cnt) == 0);
	opts.prog_type = BPFVM_PROG_XDP;
	CHECK(bpfvm_prog_load(insns, cnt, &opts, &prog) < 0);
	free(insns);
}

/* A frozen read-only map (what .rodata becomes) gives the verifier constants:
 * here a stack offset that is only safe because the map says 8. */
static void test_rodata_constants(void)
{
	struct bpfvm_map_create_opts mo = { .sz = sizeof(mo), .map_type = BPFVM_MAP_TYPE_ARRAY,
					    .key_size = 4, .value_size = 4, .max_entries = 1,
					    .map_flags = BPFVM_F_RDONLY_PROG, .name = "t.rodata" };
	struct bpfvm_prog_load_opts opts = { .sz = sizeof(opts), .prog_type = BPFVM_PROG_XDP,
					     .name = "t" };
	const char *text = "ld_map_value %r1, 0, 0\n"
			   "ldxw %r2, [%r1]\n"
			   "mov %r3, %r10\n"
			   "sub %r3, %r2\n"
			   "stdw [%r3], 7\n"
			   "ldxdw %r0, [%r10-8]\n"
			   "exit\n";
	uint32_t key = 0, eight = 8, cnt;
	struct bpfvm_insn *insns;
	struct bpfvm_prog *prog = NULL;
	struct bpfvm_map *map;

	CHECK(bpfvm_map_create(&mo, &map) == 0);
	CHECK(bpfvm_map_update_elem(map, &key, &eight, BPFVM_ANY) == 0);
	CHECK(bpfvm_asm(text, &insns, &cnt) == 0);
	opts.maps = &map;
	opts.map_cnt = 1;
	/* not frozen yet: user space could still change it, so it proves nothing */
	CHECK(bpfvm_prog_load(insns, cnt, &opts, &prog) == -EACCES);
	CHECK(bpfvm_map_freeze(map) == 0);
	CHECK(bpfvm_prog_load(insns, cnt, &opts, &prog) == 0);
	if (prog) {
		struct bpfvm_test_run_opts o = { .sz = sizeof(o), .data_in = packet,
						 .data_size_in = sizeof(packet) };

		CHECK(bpfvm_prog_test_run(prog, &o) == 0);
		CHECK_EQ_U64(o.retval, 7);
		bpfvm_prog_free(prog);
	}
	free(insns);
	bpfvm_map_free(map);
}

int main(void)
{
	test_rodata_constants();
	test_xdp();
	test_xdp_adjust_head();
	test_skb();
	test_sock_addr();
	test_load_errors();
	return test_exit();
}
