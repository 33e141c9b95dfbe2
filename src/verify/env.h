/* The verifier's working context for one program, shared by its files:
 * cfg.c (control flow, subprograms, call graph), walk.c (the path walk,
 * ALU, branches, pruning), mem.c (memory accesses), call.c (helpers,
 * bpf-to-bpf calls, exits), report.c (messages). */
#ifndef BPFVM_VERIFY_ENV_H
#define BPFVM_VERIFY_ENV_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>

#include "bpfvm/verify.h"
#include "helpers/proto.h"
#include "progtype/progtype.h"
#include "util/error.h"
#include "verify/state.h"

struct spfact;

/* insn_flags */
#define INSN_PRUNE 0x1      /* states are compared and stored here */
#define INSN_LDDW_HI 0x2    /* second half of an lddw: never executed */
#define INSN_SUBPROG 0x4    /* first instruction of a subprogram */
#define INSN_SEEN 0x8       /* reached by the walk */

/* The verifier rejects instructions' variable offsets beyond this, like Linux. */
#define MAX_VAR_OFF (1 << 29)
#define MAX_PACKET_OFF 0xffff
#define PROCESSED_LIMIT 1000000u
#define MAX_OPEN_PER_INSN 2048
/* Paths queued but not yet explored, as Linux's BPF_COMPLEXITY_LIMIT_JMP_SEQ. */
#define MAX_PENDING 8192
/* Memory held by stored and pending states. */
#define MAX_STATE_BYTES (1ull << 30)

struct checkpoint_list {
	struct vstate **states;
	uint32_t n, cap;
};

struct pending {
	struct vstate *st;
	/* a callback-taking helper call (insn + 1; 0: none) taken up again
	 * once the callbacks entered from it are verified, and the generation
	 * of its writes they were entered with */
	uint32_t cb_callsite, cb_gen;
};

/* Bytes of the callers' stacks written by the callbacks entered at one
 * helper call, over every path through them (their callees' writes and
 * helpers' included); bytes[d - 1] is the frame d levels below the
 * callback's, bit i of it byte -BPFVM_STACK_SIZE + i. */
struct cb_writes {
	uint32_t callsite;
	uint32_t gen;   /* bumped whenever a byte is added */
	uint64_t bytes[BPFVM_MAX_CALL_DEPTH][BPFVM_STACK_SIZE / 64];
};

struct acquired {
	uint32_t ref, insn;
};

struct subprog {
	uint32_t start, end;      /* [start, end) */
	uint32_t stack_depth;     /* deepest byte touched, over all paths */
	uint32_t *callees;        /* subprogram indexes called (bpf-to-bpf) */
	uint32_t ncallees;
};

struct env {
	const struct bpfvm_verify_input *in;
	const struct bpfvm_insn *insns;
	uint32_t cnt;
	const struct bpfvm_progtype *pt;
	const struct bpfvm_helper_proto *(*proto)(int32_t id);
	struct bpfvm_verify_result *out;

	uint8_t *flags;            /* per insn: INSN_* */
	/* per insn (need.c): registers and stack slots of the running frame
	 * whose scalar value may matter, and that may be read later */
	uint16_t *need, *live;
	uint64_t *need_slots, *live_slots;
	/* need without comparisons, plus the registers of the comparisons the
	 * walk found to matter (seed), kept up to date by need_seed() */
	uint16_t *lazy_need, *seed;
	uint64_t *lazy_need_slots;
	struct spfact *facts;      /* need.c's per-insn facts */
	uint32_t *pred_start, *pred; /* predecessors of insn i: pred[pred_start[i]..[i+1]) */
	uint32_t *work;
	uint8_t *queued;
	/* per load/store insn: the kind of pointer it was first reached with
	 * (enum reg_type; NOT_INIT: not yet), and the context access proved */
	uint8_t *mem_type;
	struct bpfvm_ctx_access *ctx_access;
	uint32_t *subprog_of;      /* per insn: subprogram index */
	struct subprog *subprogs;
	uint32_t nsubprogs;

	struct checkpoint_list *visited; /* per insn */
	struct pending *stack;           /* paths still to explore */
	uint32_t nstack, stack_cap;
	struct vstate **all;             /* every checkpoint, for freeing */
	uint32_t nall, all_cap;

	/* every reference acquired, with the instruction that acquired it, to
	 * name what a path failed to release */
	struct acquired *acquired;
	uint32_t nacquired, acquired_cap;

	struct cb_writes *cb_writes;
	uint32_t ncb_writes, cb_writes_cap;
	/* the next helper call is taken up again (push_callback_revisit) with
	 * its callbacks' writes at generation cb_resume_gen */
	bool cb_resuming;
	uint32_t cb_resume_gen;

	uint32_t id_gen;
	uint64_t processed;
	uint64_t jmps;                   /* jump-class instructions processed */
	uint64_t ck_processed, ck_jmps;  /* processed, jmps when a state was last stored */
	uint64_t compared;               /* stored states a new one was compared with */
	uint64_t states;
	uint64_t mem_cur, mem_peak;
	bool pkt_writable;
};

/* Records the rejection of `insn` ("insn N: <disasm>: <why>") and returns -EACCES. */
int verr(struct env *env, uint32_t insn, const char *fmt, ...) BPFVM_PRINTF(3, 4);
/* A register's abstract value for messages: "pkt(off=14,r=34)", "scalar(umax=7)". */
int reg_format(const struct env *env, const struct reg *r, char *buf, size_t len);
const char *reg_type_name(int type);

static inline bool insn_is_lddw(const struct bpfvm_insn *in)
{
	return in->code == (BPF_LD | BPF_IMM | BPF_DW);
}

static inline bool insn_is_jmp(const struct bpfvm_insn *in)
{
	return BPF_CLASS(in->code) == BPF_JMP || BPF_CLASS(in->code) == BPF_JMP32;
}

/* Target of a jump (ja32 uses imm). */
uint32_t insn_jump_target(const struct bpfvm_insn *in, uint32_t i);
int cfg_check(struct env *env);
int cfg_stack_depth_check(struct env *env);
/* need.c: fills need, live, need_slots, live_slots and lazy_need*. */
int cfg_need(struct env *env);
void need_free(struct env *env);
/* The values of `regs` at insn decide the walk there: they matter for
 * pruning everywhere they flow from. */
void need_seed(struct env *env, uint32_t insn, uint16_t regs);
uint32_t subprog_index(const struct env *env, uint32_t insn);

/* Memory access through `ptr` (+ insn_off) of `size` bytes. For loads the
 * loaded value goes to *dst; for stores `val` is the stored register (NULL
 * for an immediate, whose value is *imm_val). */
int check_mem_access(struct env *env, struct vstate *st, uint32_t insn, int regno, int16_t insn_off,
		     uint32_t size, bool write, const struct reg *val, struct reg *dst, bool sext);
int check_atomic(struct env *env, struct vstate *st, uint32_t insn);
/* Helper memory arguments: `size` bytes (a range [min,max]) at ptr, read
 * (must be initialised) or written (become initialised). */
int check_helper_mem(struct env *env, struct vstate *st, uint32_t insn, int argno,
		     const struct reg *ptr, uint64_t size_min, uint64_t size_max, bool write,
		     bool zero_ok);
/* The constant in `size` stack bytes at ptr, when the state knows it. */
bool stack_const(struct vstate *st, const struct reg *ptr, uint32_t size, uint64_t *val);
void stack_record_depth(struct env *env, struct vstate *st, const struct reg *ptr, int64_t lo);

/* Fills frame 0 from the caller's bpfvm_verify_entry (entry.c); -EINVAL
 * when it cannot be expressed. */
int entry_state(struct env *env, struct frame *f);

int check_helper_call(struct env *env, struct vstate *st, uint32_t insn, uint32_t *next);
/* Stack bytes [lo, hi) of frame k are (or may be) written: every callback
 * running above frame k notes it for the path past its helper call. */
int cb_note_write(struct env *env, struct vstate *st, uint32_t k, int64_t lo, int64_t hi);
/* The bytes the callbacks of the helper call at `callsite` may write become
 * unknown in st's frames (initialised ones; uninitialised ones stay so). */
int cb_forget_writes(struct env *env, struct vstate *st, uint32_t callsite);
int check_subprog_call(struct env *env, struct vstate *st, uint32_t insn, uint32_t *next);
/* A legacy packet load (BPF_LD | BPF_ABS / BPF_IND), ld_pkt.c. */
int check_ld_pkt(struct env *env, struct vstate *st, uint32_t insn);
/* Exit: returns 1 when the path ended, 0 when it continues at *next. */
int check_exit(struct env *env, struct vstate *st, uint32_t insn, uint32_t *next);
/* What a held reference is ("socket", "ring buffer record"), for messages. */
const char *ref_kind_name(const struct env *env, uint32_t ref);

uint32_t env_new_id(struct env *env);
/* Queues a copy of st to continue at insn; the copy shares st's checkpoint. */
int push_branch(struct env *env, struct vstate *st, uint32_t insn);
/* Queues st, about to make the callback-taking helper call at `callsite`, to
 * make it again once every path through the callbacks entered now (queued
 * later) is explored, with their writes at generation `gen`. */
int push_callback_revisit(struct env *env, struct vstate *st, uint32_t callsite, uint32_t gen);
/* A register linked by `id` with offset `delta` now holds v: every register
 * or spill with this id learns its own value from it. */
void propagate_scalar_id(struct vstate *st, uint32_t id, int32_t delta, const struct scalar *v);

#endif
