/* Executing eBPF code: the engines (interpreter, x86-64 JIT) behind one handle.
 *
 * This is the low layer: it takes an instruction array whose helper calls are
 * bound by a caller-supplied resolver and makes it callable. The object layer
 * (object.h) drives it for programs loaded from ELF files after verification;
 * tools such as the conformance plugin use it directly on raw bytecode after the
 * structural check only. */
#ifndef BPFVM_EXEC_H
#define BPFVM_EXEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bpfvm/insn.h"

#ifdef __cplusplus
extern "C" {
#endif

enum bpfvm_engine {
	BPFVM_ENGINE_DEFAULT = 0, /* the JIT where this host has one, else the interpreter */
	BPFVM_ENGINE_INTERP,
	BPFVM_ENGINE_JIT,
};

struct bpfvm_run;
struct bpfvm_exec;

/* A helper function: the five eBPF argument registers, then the state of the
 * run that called it (context, tail-call count, hook data). Under the System V
 * ABI the sixth argument travels in r9, so engines pass it for free. */
typedef uint64_t (*bpfvm_helper_fn)(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4,
				    uint64_t r5, struct bpfvm_run *run);

/* How an engine must treat a helper's return beyond storing it in r0. */
enum bpfvm_helper_kind {
	BPFVM_HELPER_PLAIN = 0,
	/* The program ends (all frames) when the helper returns 0, with r0 = 0.
	 * The conformance suite's helper 5 works this way. */
	BPFVM_HELPER_UNWIND,
	/* bpf_tail_call: the helper returns the target `const struct bpfvm_exec *`
	 * or 0; on a target the engine jumps to it (at most BPFVM_MAX_TAIL_CALLS
	 * times per run) and never returns; on 0 execution continues with r0 = 0. */
	BPFVM_HELPER_TAIL_CALL,
	/* A legacy packet load (BPF_LD | BPF_ABS / BPF_IND), bound under one of
	 * the BPFVM_HELPER_ID_LD_PKT_* ids below and called only by the engines
	 * for these instructions, never by `call` or `callx`: r1 is the context
	 * (the program's r6), r2 the offset (its low 32 bits, signed); it returns
	 * the bytes read as a big-endian number, zero-extended, or a negative
	 * value when they are not in the packet, and the engine then does what
	 * `r0 = 0; exit` would do there (as Linux's rewrite of the instruction):
	 * the program ends with 0, or a subprogram or callback returns 0. */
	BPFVM_HELPER_LD_PKT,
};

/* Resolver ids of the legacy packet loads of 1, 2 and 4 bytes: negative, so
 * never a Linux helper id. */
#define BPFVM_HELPER_ID_LD_PKT_B (-1)
#define BPFVM_HELPER_ID_LD_PKT_H (-2)
#define BPFVM_HELPER_ID_LD_PKT_W (-4)

#define BPFVM_MAX_TAIL_CALLS 33

struct bpfvm_helper_binding {
	bpfvm_helper_fn fn;
	enum bpfvm_helper_kind kind;
};

/* Binds helper `id` for a call site. Returns 0 and fills *out, or a negative
 * errno with a message (bpfvm_errorf) when the id is unknown. Must be pure and
 * thread-safe: `callx` resolves its target at run time with it. */
typedef int (*bpfvm_helper_resolver)(void *cookie, int32_t id, struct bpfvm_helper_binding *out);

struct bpfvm_exec_opts {
	size_t sz; /* sizeof(struct bpfvm_exec_opts), for forward compatibility */
	enum bpfvm_engine engine;
	bpfvm_helper_resolver resolve_helper; /* NULL: every helper call is an error */
	void *resolver_cookie;
	bool jit_harden; /* blind immediates in JIT code, as Linux's bpf_jit_harden */
	/* The program type (Linux's id) whose context the code expects; 0 when
	 * the caller has none. A prog array holds programs of one type only, so
	 * that a tail call never hands a program a smaller context than its
	 * verifier assumed. */
	uint32_t prog_type;
};

/* State of one invocation, owned by the caller (usually on its stack). Helpers
 * read it; engines keep the tail-call count and the current program in it. */
struct bpfvm_run {
	void *ctx;                       /* r1 at entry */
	const struct bpfvm_exec *exec;   /* the program running now (changes on tail calls) */
	uint32_t tail_calls;
	int error;                       /* negative errno when the run was aborted: an
					  * unknown callx target, call depth exceeded */
	void *hook;                      /* owned by the hook that started the run */
};

/* Checks the instructions structurally (isa_check) and prepares them for the
 * chosen engine. The instructions are copied; `insns` may be freed after. */
int bpfvm_exec_create(const struct bpfvm_insn *insns, uint32_t insn_cnt,
		      const struct bpfvm_exec_opts *opts, struct bpfvm_exec **out);
void bpfvm_exec_free(struct bpfvm_exec *exec);
enum bpfvm_engine bpfvm_exec_engine(const struct bpfvm_exec *exec);
uint32_t bpfvm_exec_prog_type(const struct bpfvm_exec *exec);

/* Runs the program with r1 = ctx. `run` may be NULL when no helper needs it;
 * otherwise its ctx and exec fields are set by this call. Thread-safe: any
 * number of threads may run one exec at once. */
uint64_t bpfvm_exec_run(const struct bpfvm_exec *exec, void *ctx, struct bpfvm_run *run);
/* The same with all five argument registers set (r1 = args[0] is the ctx). */
uint64_t bpfvm_exec_run_args(const struct bpfvm_exec *exec, const uint64_t args[5],
			     struct bpfvm_run *run);

/* Runs the subprogram starting at instruction `insn_idx` of the program that is
 * running now in `run`, with arguments r1-r5, in a fresh frame: how bpf_loop and
 * for_each_map_elem invoke their callbacks. An lddw with src_reg
 * BPF_PSEUDO_FUNC loads exactly that index (its imm is pc-relative, like a
 * bpf-to-bpf call: target = pc + imm + 1, and the engines resolve it). Other
 * lddw pseudo sources (map fds, map values) must have been rewritten by the
 * loader into plain 64-bit immediates before a program reaches an engine. */
uint64_t bpfvm_exec_call(struct bpfvm_run *run, uint32_t insn_idx, uint64_t r1, uint64_t r2,
			 uint64_t r3, uint64_t r4, uint64_t r5);

#ifdef __cplusplus
}
#endif
#endif
