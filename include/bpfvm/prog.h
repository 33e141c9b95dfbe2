/* Loaded programs and BPF_PROG_TEST_RUN.
 *
 * bpfvm_prog_load() is the pipeline from instructions to something callable,
 * what Linux's BPF_PROG_LOAD does: structural check, map references resolved
 * to the given maps, verification against the program type's rules, context
 * accesses rewritten, helpers bound, and the engine prepared. The object layer
 * (object.h) calls it for each program of an ELF object; tools may call it on
 * instructions of their own. */
#ifndef BPFVM_PROG_H
#define BPFVM_PROG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bpfvm/exec.h"
#include "bpfvm/insn.h"

#ifdef __cplusplus
extern "C" {
#endif

struct bpfvm_fib;
struct bpfvm_sockets;
struct bpfvm_map;
struct bpfvm_prog;

struct bpfvm_prog_load_opts {
	size_t sz; /* sizeof(struct bpfvm_prog_load_opts) */
	const char *name;
	uint32_t prog_type;            /* Linux's enum bpf_prog_type */
	uint32_t expected_attach_type; /* Linux's enum bpf_attach_type */
	enum bpfvm_engine engine;
	bool jit_harden;
	/* lddw with src_reg BPF_PSEUDO_MAP_IDX (5) loads maps[imm]; with
	 * BPF_PSEUDO_MAP_IDX_VALUE (6) the address of byte imm2 of its value. */
	struct bpfvm_map *const *maps;
	uint32_t map_cnt;
	/* Optional: "file.c:42" for an instruction, for verifier messages. */
	const char *(*line_of)(void *cookie, uint32_t insn);
	void *line_cookie;
};

/* Fails with -EACCES and the verifier's message when the program is not
 * proven safe, -EINVAL/-EOPNOTSUPP for what bpfvm cannot load. */
int bpfvm_prog_load(const struct bpfvm_insn *insns, uint32_t insn_cnt,
		    const struct bpfvm_prog_load_opts *opts, struct bpfvm_prog **out);
void bpfvm_prog_free(struct bpfvm_prog *prog);

const char *bpfvm_prog_name(const struct bpfvm_prog *prog);
uint32_t bpfvm_prog_type(const struct bpfvm_prog *prog);
/* The callable form, e.g. for a prog array slot (bpfvm_map_update_prog). */
const struct bpfvm_exec *bpfvm_prog_exec(const struct bpfvm_prog *prog);

/* Where a redirect helper sent the packet in the last run. */
enum bpfvm_redirect_kind {
	BPFVM_REDIRECT_NONE = 0,
	BPFVM_REDIRECT_IFINDEX, /* bpf_redirect(ifindex, flags) */
	BPFVM_REDIRECT_MAP,     /* bpf_redirect_map(map, key, flags) */
	BPFVM_REDIRECT_NEIGH,   /* bpf_redirect_neigh(ifindex, params, plen, 0) */
	BPFVM_REDIRECT_PEER,    /* bpf_redirect_peer(ifindex, 0) */
};

struct bpfvm_redirect {
	enum bpfvm_redirect_kind kind;
	/* For a map, the target the map held: the ifindex of a DEVMAP or
	 * DEVMAP_HASH entry, the socket of an XSKMAP entry; for a CPUMAP the
	 * target CPU is the key, and this is its entry's qsize. */
	uint32_t ifindex;
	uint32_t map_id;
	uint32_t map_type; /* Linux's map type, for a map */
	uint32_t key;
	uint64_t flags;
	/* redirect_neigh's nexthop (struct bpf_redir_neigh); nh_family 0: none
	 * given, the packet's destination is looked up. */
	uint32_t nh_family;
	uint8_t nh_addr[16];
};

#define BPFVM_TEST_RUN_MAX_CLONES 16

/* Where bpf_clone_redirect(skb, ifindex, flags) sent a copy of the packet. */
struct bpfvm_clone {
	uint32_t ifindex;
	uint64_t flags; /* BPF_F_INGRESS: into the device's receive path */
};

/* Linux's BPF_PROG_TEST_RUN, with libbpf's bpf_test_run_opts shape. */
struct bpfvm_test_run_opts {
	size_t sz; /* sizeof(struct bpfvm_test_run_opts) */
	const void *data_in;    /* the packet (XDP, tc, socket filter, cgroup skb) */
	void *data_out;         /* may be NULL */
	uint32_t data_size_in;
	uint32_t data_size_out; /* in: capacity of data_out; out: the packet's size */
	const void *ctx_in;     /* the UAPI context struct (struct xdp_md, ...) */
	void *ctx_out;
	uint32_t ctx_size_in;
	uint32_t ctx_size_out;  /* in: capacity of ctx_out; out: bytes written */
	uint32_t retval;        /* out */
	uint32_t repeat;        /* 0 means 1 */
	uint64_t duration_ns;   /* out: mean ns per run, rounded down (libbpf's `duration`) */
	double ns_per_run;      /* out: the same, unrounded */
	struct bpfvm_redirect redirect; /* out */
	/* The routes, neighbours and devices bpf_fib_lookup sees (bpfvm/fib.h);
	 * NULL: only the loopback device, no routes. */
	const struct bpfvm_fib *fib;
	/* out: the copies bpf_clone_redirect sent, over all repeats: Linux
	 * transmits them, bpfvm reports where (the first
	 * BPFVM_TEST_RUN_MAX_CLONES in call order; clone_cnt counts all). */
	uint32_t clone_cnt;
	struct bpfvm_clone clones[BPFVM_TEST_RUN_MAX_CLONES];
	/* The sockets bpf_sk_lookup_tcp/udp and bpf_skc_lookup_tcp find
	 * (bpfvm/sockets.h); NULL: none, every lookup returns NULL. */
	const struct bpfvm_sockets *sockets;
};

/* Packets are limited to 64 KiB. Fails with -EINVAL for a context of the wrong
 * size or a program type bpfvm cannot test-run, -E2BIG for a packet too large,
 * -ENOSPC when data_out or ctx_out is too small (the sizes say what was
 * needed), each with a message. */
int bpfvm_prog_test_run(struct bpfvm_prog *prog, struct bpfvm_test_run_opts *opts);

#define BPFVM_TEST_RUN_MAX_PACKET 65536

#ifdef __cplusplus
}
#endif
#endif
