/* The struct bpfvm_exec handle: structural check, engine choice, helper binding
 * and the tail-call chain limit, shared by every engine. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "bpfvm/isa.h"
#include "exec/engine.h"
#include "util/error.h"

static const struct bpfvm_engine_ops *pick_engine(enum bpfvm_engine want, enum bpfvm_engine *got)
{
	if (want == BPFVM_ENGINE_INTERP || (want == BPFVM_ENGINE_DEFAULT && !bpfvm_jit_ops)) {
		*got = BPFVM_ENGINE_INTERP;
		return &bpfvm_interp_ops;
	}
	*got = BPFVM_ENGINE_JIT;
	return bpfvm_jit_ops;
}

int bpfvm_exec_create(const struct bpfvm_insn *insns, uint32_t insn_cnt,
		      const struct bpfvm_exec_opts *opts, struct bpfvm_exec **out)
{
	static const struct bpfvm_exec_opts no_opts = { .sz = sizeof(no_opts) };
	struct bpfvm_exec *exec;
	int err;

	*out = NULL;
	if (!opts)
		opts = &no_opts;
	if ((err = bpfvm_isa_check(insns, insn_cnt)))
		return err;
	exec = calloc(1, sizeof(*exec));
	if (!exec)
		return bpfvm_errorf(-ENOMEM, "out of memory");
	exec->ops = pick_engine(opts->engine, &exec->engine);
	if (!exec->ops) {
		free(exec);
		return bpfvm_errorf(-EOPNOTSUPP, "this host has no JIT; use the interpreter");
	}
	exec->insns = malloc((size_t)insn_cnt * sizeof(*insns));
	if (!exec->insns) {
		free(exec);
		return bpfvm_errorf(-ENOMEM, "out of memory");
	}
	memcpy(exec->insns, insns, (size_t)insn_cnt * sizeof(*insns));
	exec->insn_cnt = insn_cnt;
	exec->resolve_helper = opts->resolve_helper;
	exec->resolver_cookie = opts->resolver_cookie;
	exec->prog_type = opts->prog_type;
	if ((err = exec->ops->prepare(exec, opts))) {
		free(exec->insns);
		free(exec);
		return err;
	}
	*out = exec;
	return 0;
}

void bpfvm_exec_free(struct bpfvm_exec *exec)
{
	if (!exec)
		return;
	exec->ops->release(exec);
	free(exec->insns);
	free(exec);
}

enum bpfvm_engine bpfvm_exec_engine(const struct bpfvm_exec *exec)
{
	return exec->engine;
}

uint32_t bpfvm_exec_prog_type(const struct bpfvm_exec *exec)
{
	return exec->prog_type;
}

uint64_t bpfvm_exec_run_args(const struct bpfvm_exec *exec, const uint64_t args[5],
			     struct bpfvm_run *run)
{
	struct bpfvm_run local;

	if (!run) {
		memset(&local, 0, sizeof(local));
		run = &local;
	}
	run->ctx = (void *)(uintptr_t)args[0];
	run->exec = exec;
	return exec->ops->run(exec, args, run);
}

uint64_t bpfvm_exec_run(const struct bpfvm_exec *exec, void *ctx, struct bpfvm_run *run)
{
	const uint64_t args[5] = { (uint64_t)(uintptr_t)ctx };

	return bpfvm_exec_run_args(exec, args, run);
}

uint64_t bpfvm_exec_call(struct bpfvm_run *run, uint32_t insn_idx, uint64_t r1, uint64_t r2,
			 uint64_t r3, uint64_t r4, uint64_t r5)
{
	const uint64_t args[5] = { r1, r2, r3, r4, r5 };

	return run->exec->ops->call(run, insn_idx, args);
}

int bpfvm_exec_bind_helper(const struct bpfvm_exec *exec, uint32_t insn_idx, int32_t id,
			   struct bpfvm_helper_binding *out)
{
	int err;

	if (!exec->resolve_helper)
		return bpfvm_errorf(-ENOENT, "insn %u: call to helper %d, but no helpers are "
				    "available", insn_idx, id);
	err = exec->resolve_helper(exec->resolver_cookie, id, out);
	if (!err && out->kind == BPFVM_HELPER_LD_PKT)
		err = bpfvm_errorf(-ENOENT, "helper %d is not callable (it is a legacy packet "
				   "load)", id);
	if (err)
		bpfvm_error_prefix("insn %u: ", insn_idx);
	return err;
}

int bpfvm_exec_bind_ld_pkt(const struct bpfvm_exec *exec, uint32_t insn_idx, int size,
			   bpfvm_helper_fn *out)
{
	struct bpfvm_helper_binding b;
	int32_t id = size == 1 ? BPFVM_HELPER_ID_LD_PKT_B
		     : size == 2 ? BPFVM_HELPER_ID_LD_PKT_H : BPFVM_HELPER_ID_LD_PKT_W;

	if (!exec->resolve_helper || exec->resolve_helper(exec->resolver_cookie, id, &b) ||
	    b.kind != BPFVM_HELPER_LD_PKT)
		return bpfvm_errorf(-ENOENT, "insn %u: legacy packet load (BPF_LD | BPF_ABS/"
				    "BPF_IND), but this program has no packet to load from",
				    insn_idx);
	*out = b.fn;
	return 0;
}

const struct bpfvm_exec *bpfvm_exec_tail_target(struct bpfvm_run *run, uint64_t helper_ret)
{
	const struct bpfvm_exec *target = (const struct bpfvm_exec *)(uintptr_t)helper_ret;

	if (!target || run->tail_calls >= BPFVM_MAX_TAIL_CALLS)
		return NULL;
	run->tail_calls++;
	run->exec = target;
	return target;
}
