/* The verifier's abstract state: per frame eleven typed registers and the
 * stack as bytes of known kind with spilled registers kept whole; per path the
 * acquired references (ring-buffer records, sockets) and the held spin lock. One state
 * is one set of concrete machine states the program may be in at an
 * instruction. */
#ifndef BPFVM_VERIFY_STATE_H
#define BPFVM_VERIFY_STATE_H

#include <stdbool.h>
#include <stdint.h>

#include "bpfvm/insn.h"
#include "isa/opcodes.h"
#include "verify/scalar.h"

enum reg_type {
	NOT_INIT = 0,
	SCALAR,
	PTR_TO_CTX,
	PTR_TO_STACK,
	PTR_TO_PACKET,
	PTR_TO_PACKET_META,
	PTR_TO_PACKET_END,
	CONST_PTR_TO_MAP,
	PTR_TO_MAP_VALUE,
	PTR_TO_MAP_VALUE_OR_NULL,
	PTR_TO_MEM,          /* ring-buffer record (range = its size) */
	PTR_TO_MEM_OR_NULL,
	PTR_TO_MAP_KEY,      /* key of a for_each_map_elem callback (read-only) */
	PTR_TO_FUNC,
	CONST_PTR_TO_MAP_OR_NULL, /* an inner map from a map-in-map lookup */
	PTR_TO_SOCKET,       /* a struct bpf_sock from a socket lookup (read-only) */
	PTR_TO_SOCKET_OR_NULL,
	PTR_TO_SOCK_COMMON,  /* the same, its struct sock_common fields only */
	PTR_TO_SOCK_COMMON_OR_NULL,
};

/* A pointer is base + off + v: `off` the constant part, `v` the variable part. */
struct reg {
	uint8_t type;         /* enum reg_type */
	uint8_t frameno;      /* PTR_TO_STACK: whose frame */
	int32_t off;
	/* SCALAR: copies share an id, so a bound learnt on one holds for all.
	 * *_OR_NULL: copies share an id, so a null check holds for all.
	 * PTR_TO_PACKET*: pointers with the same variable part share an id and
	 * the proven `range`. PTR_TO_MAP_VALUE: the looked-up element (spin locks). */
	uint32_t id;
	uint32_t ref_id;      /* acquired reference that must be released */
	/* SCALAR with an id: this register is the id's common value plus
	 * delta (copies made by `r7 = r6; r7 += 1` stay linked). */
	int32_t delta;
	uint32_t range;       /* PTR_TO_PACKET*: bytes from base+v proven in bounds;
			       * PTR_TO_MEM*: the record size */
	uint32_t map;         /* map index; PTR_TO_FUNC: the subprogram's first insn */
	struct scalar v;
};

enum slot_kind {
	STACK_INVALID = 0, /* never written on this path: reading it is an error */
	STACK_MISC,        /* some initialised byte */
	STACK_ZERO,        /* a byte known to be 0 */
	STACK_SPILL,       /* part of the register in `spill` */
};

#define SLOT_SIZE 8
#define MAX_SLOTS (BPFVM_STACK_SIZE / SLOT_SIZE)

/* Bytes [-(i+1)*8, -i*8) of a frame. A spill covers bytes
 * [spill_off, spill_off + spill_size) of the slot; only 8-byte spills may hold
 * pointers; narrower ones hold the stored scalar truncated to its size. */
struct slot {
	uint8_t kind[SLOT_SIZE];
	uint8_t spill_off, spill_size;
	struct reg spill;
};

struct frame {
	struct reg regs[BPF_MAX_REG];
	uint32_t callsite;    /* insn of the call that made this frame (frame 0: none) */
	uint32_t subprog;     /* index of the subprogram running in it */
	/* A callback invoked by a helper: its exit ends the path, and r0 must
	 * lie in [cb_ret_min, cb_ret_max]. */
	bool callback;
	int64_t cb_ret_min, cb_ret_max;
	uint32_t cb_refs;     /* references held when the callback was entered */
	uint32_t nslots;      /* slots allocated (the deepest touched so far) */
	struct slot *slots;
};

struct vstate {
	struct frame *frames[BPFVM_MAX_CALL_DEPTH];
	uint32_t nframes;
	uint32_t *refs;       /* ids of acquired references */
	uint32_t nrefs, refs_cap;
	uint32_t lock_map;    /* held spin lock: map index + 1 (0: none) ... */
	uint32_t lock_id;     /* ... and the id of the map value holding it */
	/* Pruning bookkeeping (see walk.c): the checkpoint this state descends
	 * from and, for checkpoints, how many paths from it are unfinished. */
	struct vstate *parent;
	uint32_t branches;
	uint32_t hit, miss;   /* checkpoints: how often they covered a new state, or not */
	uint64_t hash;        /* checkpoints: state_hash() */
	uint32_t all_idx;     /* checkpoints: index in the verifier's list of all of them */
	uint32_t insn;
	uint64_t bytes;       /* memory held by this state */
};

struct vstate *state_new(void);
struct vstate *state_copy(const struct vstate *s);
void state_free(struct vstate *s);
struct frame *frame_new(uint32_t callsite, uint32_t subprog);
void frame_free(struct frame *f);
/* Makes sure the frame has slots down to byte offset `off` (negative). */
int frame_grow(struct frame *f, int32_t off);
uint64_t state_bytes(const struct vstate *s);

static inline struct frame *cur_frame(struct vstate *s)
{
	return s->frames[s->nframes - 1];
}

void reg_mark_not_init(struct reg *r);
void reg_mark_scalar(struct reg *r, struct scalar v);
void reg_mark_unknown(struct reg *r);
bool reg_is_pointer(const struct reg *r);
bool reg_is_pkt(const struct reg *r);
bool reg_maybe_null(const struct reg *r);
bool reg_is_const(const struct reg *r, uint64_t *val);

/* Byte kinds of a frame's stack at offset off (negative). */
uint8_t *stack_byte(struct frame *f, int32_t off);
struct slot *stack_slot(struct frame *f, int32_t off);
/* Turns the spill of a slot into per-byte kinds (ZERO where a constant has
 * zero bytes, MISC elsewhere), e.g. before part of it is overwritten. */
void slot_scrub(struct slot *sl);

/* Calls fn on every register and every spilled register of every frame. */
void state_for_each_reg(struct vstate *s, void (*fn)(struct reg *r, void *arg), void *arg);

/* What pruning compares at each instruction (see need.c): bit r of need[i]
 * (need_slots[i]: bit k for stack slot k of the running frame) when the value
 * of that scalar register (spilled scalar) may matter at instruction i: for
 * the others only types are compared; bit r of live[i] (live_slots[i]) when
 * it may be read later: the others are not compared at all. */
struct prune_masks {
	const uint16_t *need, *live;
	const uint64_t *need_slots, *live_slots;
	/* what non-exact comparisons take as need (need.c's lazy need) */
	const uint16_t *lazy_need;
	const uint64_t *lazy_need_slots;
};

/* Pruning: `old` covers `cur` — every behaviour cur can have, old has had
 * (exact: old and cur are the same state, for infinite-loop detection; the
 * stack is then compared whole). Both are at instruction cur->insn. */
bool states_equal(const struct vstate *old, const struct vstate *cur, bool exact,
		  const struct prune_masks *pm);
/* Equal for states that states_equal(exact) finds equal: a cheap first test. */
uint64_t state_hash(const struct vstate *st, const struct prune_masks *pm);

#endif
