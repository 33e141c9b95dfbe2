/* What every engine provides behind struct bpfvm_exec (include/bpfvm/exec.h).
 *
 * exec.c owns the handle: it copies and checks the instructions, binds helpers
 * through the caller's resolver, and dispatches to one engine's ops. An engine
 * keeps its prepared form (decoded instructions, machine code) in `state`. */
#ifndef BPFVM_EXEC_ENGINE_H
#define BPFVM_EXEC_ENGINE_H

#include "bpfvm/exec.h"

struct bpfvm_engine_ops {
	const char *name;
	int (*prepare)(struct bpfvm_exec *exec, const struct bpfvm_exec_opts *opts);
	void (*release)(struct bpfvm_exec *exec);
	/* Runs from the entry with args[0..4] in r1-r5; run is never NULL and has
	 * ctx and exec set. */
	uint64_t (*run)(const struct bpfvm_exec *exec, const uint64_t args[5], struct bpfvm_run *run);
	/* Runs the subprogram at insn_idx with args[0..4] in r1-r5 in a new frame. */
	uint64_t (*call)(struct bpfvm_run *run, uint32_t insn_idx, const uint64_t args[5]);
};

struct bpfvm_exec {
	const struct bpfvm_engine_ops *ops;
	enum bpfvm_engine engine;
	struct bpfvm_insn *insns; /* owned copy, structurally checked */
	uint32_t insn_cnt;
	bpfvm_helper_resolver resolve_helper;
	void *resolver_cookie;
	void *state; /* the engine's prepared form */
	uint32_t prog_type; /* bpfvm_exec_opts.prog_type */
};

extern const struct bpfvm_engine_ops bpfvm_interp_ops;
/* NULL on hosts without a JIT. */
extern const struct bpfvm_engine_ops *const bpfvm_jit_ops;

/* Binds helper `id` through the exec's resolver, with a message naming the
 * instruction on failure. */
int bpfvm_exec_bind_helper(const struct bpfvm_exec *exec, uint32_t insn_idx, int32_t id,
			   struct bpfvm_helper_binding *out);

/* Binds the legacy packet load of `size` bytes (1, 2 or 4) at insn_idx
 * through the exec's resolver (see BPFVM_HELPER_LD_PKT). */
int bpfvm_exec_bind_ld_pkt(const struct bpfvm_exec *exec, uint32_t insn_idx, int size,
			   bpfvm_helper_fn *out);

/* The target of a taken tail call (see BPFVM_HELPER_TAIL_CALL): checks and
 * counts the chain limit in run->tail_calls and returns the program to continue
 * in, or NULL when the limit is reached. */
const struct bpfvm_exec *bpfvm_exec_tail_target(struct bpfvm_run *run, uint64_t helper_ret);

#endif
