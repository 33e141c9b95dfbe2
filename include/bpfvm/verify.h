/* The static verifier: proves a program safe before anything runs it.
 *
 * For every path it proves: memory accesses in bounds of their region (the
 * 512-byte frame, packet bytes proven against data_end, map values, ring
 * buffer records, the program type's context fields with their sizes and
 * write rules); no read of an uninitialised register or stack byte (also
 * through helper arguments); null checks before use of lookup and reserve
 * results (through copies); helper arguments of the right kind and size,
 * helpers allowed for the program type; ring buffer records released on
 * every path; spin locks taken one at a time and released, no calls while
 * held; no pointer stored where it could leak (maps, packet, context, r0 at
 * exit), no pointer arithmetic beyond add/sub of scalars, no comparison of
 * pointers of different kinds; termination (bounded loops unrolled, infinite
 * ones and a 1M-instruction budget refused); bpf-to-bpf calls within 8
 * frames and 512 bytes of combined stack, no recursion, no unreachable code;
 * r0 set at exit and within the program type's return range.
 *
 * Its input is independent of object files: instructions whose map references
 * are lddw with src_reg BPF_PSEUDO_MAP_IDX (5) or BPF_PSEUDO_MAP_IDX_VALUE (6)
 * and imm = an index into `maps`, the program type and expected attach type
 * (Linux's ids), and optionally the source line of each instruction for
 * messages. The loader (object.h) builds it from an ELF object, with the map
 * descriptions from bpfvm_verify_maps_from_object() or _from_live(); tests
 * build it from assembly. */
#ifndef BPFVM_VERIFY_H
#define BPFVM_VERIFY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bpfvm/insn.h"

#ifdef __cplusplus
extern "C" {
#endif

/* What the verifier needs to know about a map. */
struct bpfvm_verify_map {
	uint32_t type;        /* enum bpf_map_type */
	uint32_t key_size;
	uint32_t value_size;
	uint32_t max_entries;
	uint32_t flags;       /* BPF_F_RDONLY_PROG (0x80) makes values read-only */
	int32_t spin_lock_off; /* offset of the struct bpf_spin_lock in the value, or -1 */
	int32_t inner_map;    /* for map-in-map types: index of the inner map's template, or -1 */
};

struct bpfvm_progtype;
struct bpfvm_helper_proto;

/* An abstract entry state, for tests and tools that verify a program fragment
 * from a state other than Linux's entry (r1 = context, r10 = frame pointer,
 * nothing else initialised), e.g. the test cases of other verifiers, which
 * start from constraints such as "r1 is a packet pointer at offset 0 and the
 * packet has at least 20 bytes". Every field describes a set of concrete
 * values exactly; a caller that cannot say exactly what it knows must say
 * less (a wider range, a register left BPFVM_ENTRY_NONE), never more. */
enum bpfvm_entry_kind {
	BPFVM_ENTRY_NONE = 0,    /* not initialised: a read of it is rejected */
	BPFVM_ENTRY_SCALAR,      /* a number in [smin, smax] and in [umin, umax] */
	BPFVM_ENTRY_CTX,         /* the context pointer + off_min (= off_max) */
	BPFVM_ENTRY_STACK,       /* frame pointer + [off_min, off_max], offsets <= 0 */
	BPFVM_ENTRY_PACKET,      /* packet data + [off_min, off_max], >= 0 */
	BPFVM_ENTRY_PACKET_END,  /* data_end */
	BPFVM_ENTRY_MAP,         /* the map `map`, as ld_map_fd loads it */
	BPFVM_ENTRY_MAP_VALUE,   /* a value of the map `map` (not null) + [off_min, off_max] */
	BPFVM_ENTRY_MAP_VALUE_OR_NULL, /* as a lookup returns it: null, or a value + off_min */
};

struct bpfvm_verify_entry_reg {
	uint32_t kind;           /* enum bpfvm_entry_kind */
	uint32_t map;            /* BPFVM_ENTRY_MAP*: index into bpfvm_verify_input.maps */
	int64_t off_min, off_max; /* pointers: the offset from the region's start */
	int64_t smin, smax;      /* BPFVM_ENTRY_SCALAR */
	uint64_t umin, umax;
};

/* `size` bytes at frame offset `off` (negative) hold one number in the
 * ranges, as if a register had been stored there. The bytes must lie in one
 * 8-byte aligned slot, one such value per slot. */
struct bpfvm_verify_entry_value {
	int32_t off;
	uint32_t size;           /* 1, 2, 4 or 8 */
	int64_t smin, smax;      /* of the value zero-extended from size bytes */
	uint64_t umin, umax;
};

struct bpfvm_verify_entry {
	struct bpfvm_verify_entry_reg regs[11];
	/* The packet has at least this many bytes: packet pointers at entry are
	 * proven in bounds up to it, as if data + pkt_min <= data_end had been
	 * checked. */
	uint32_t pkt_min;
	/* Initialised stack bytes (unknown numbers) of the program's frame: bit
	 * (i % 64) of stack_init[i / 64] is the byte at offset i - 512. */
	uint64_t stack_init[8];
	const struct bpfvm_verify_entry_value *values; /* bytes with known values */
	uint32_t value_cnt;
};

struct bpfvm_verify_input {
	const struct bpfvm_insn *insns;
	uint32_t insn_cnt;
	uint32_t prog_type;            /* enum bpf_prog_type, see bpfvm_progtype_get */
	uint32_t expected_attach_type; /* enum bpf_attach_type */
	const struct bpfvm_verify_map *maps;
	uint32_t map_cnt;
	/* Optional, parallel to maps: for read-only maps (BPF_F_RDONLY_PROG, e.g. a
	 * frozen .rodata) the value_size bytes of their single value, so that loads
	 * at constant offsets give known constants, as in Linux. NULL (the array
	 * or an entry): contents unknown. */
	const uint8_t *const *map_values;
	/* Optional: "file.c:42" for an instruction (NULL when unknown). */
	const char *(*line_of)(void *cookie, uint32_t insn);
	void *cookie;
	/* Optional overrides of the program-type and helper tables (tests and
	 * embedders with their own hooks); NULL: the built-in tables. */
	const struct bpfvm_progtype *progtype;
	const struct bpfvm_helper_proto *(*helper_proto)(int32_t id);
	/* Optional: the state the program starts in; NULL: Linux's entry. */
	const struct bpfvm_verify_entry *entry;
};

enum bpfvm_verdict {
	BPFVM_VERIFY_ACCEPTED = 0,
	BPFVM_VERIFY_REJECTED = 1,
};

/* A context access the verifier proved for one instruction (what Linux keeps
 * in insn_aux_data for convert_ctx_access): on every path that reaches it, the
 * load or store reads or writes `size` bytes at `off` of the program type's
 * UAPI context struct, inside the type's field number `field`. The loader
 * rewrites accesses to fields the runtime context keeps elsewhere (the 64-bit
 * packet pointers behind xdp_md.data, ...) from this, without looking at the
 * program again. An instruction that reaches the context on one path and
 * other memory on another is rejected ("same insn cannot be used with
 * different pointers", as in Linux), so the answer is the same on every path. */
struct bpfvm_ctx_access {
	uint8_t size;   /* 1, 2, 4 or 8; 0: the instruction never accesses the context */
	bool write;
	uint16_t off;   /* byte offset in the UAPI context struct */
	uint16_t field; /* index of the field in the program type's field table */
};

struct bpfvm_verify_result {
	enum bpfvm_verdict verdict;
	uint32_t insn;            /* the rejected instruction (when rejected) */
	char line[128];           /* its source line from line_of, or "" */
	/* "insn 17: r3 = *(u16 *)(r2 + 12): packet read of 2 bytes at offset 12,
	 * but only 13 bytes are proven in bounds" */
	char message[768];
	uint64_t insns_processed;
	uint64_t states;          /* states stored for pruning */
	uint64_t states_compared; /* comparisons of a state with a stored one */
	uint64_t peak_bytes;      /* peak memory held by verifier states */
	uint64_t time_ns;         /* CPU time of the verifying thread */
	uint32_t stack_depth;     /* deepest combined stack of a call chain */
	/* When accepted: insn_cnt entries, the context access of each
	 * instruction; NULL otherwise. Released by bpfvm_verify_result_free. */
	struct bpfvm_ctx_access *ctx_access;
};

/* The map descriptions of a program's maps, laid out as `maps`/`map_values`
 * of the input expect: entry i describes the program's map i (map index i of
 * the object, or maps[i] given to bpfvm_prog_load), followed by one entry per
 * map-in-map inner template, named by its outer map's inner_map. values[] is
 * parallel: the contents of frozen read-only maps (.rodata), else NULL; they
 * point into the object or the live maps, which must outlive the use. */
struct bpfvm_verify_maps {
	struct bpfvm_verify_map *maps;
	const uint8_t **values;
	uint32_t cnt;
};

struct bpfvm_object;
struct bpfvm_map;

/* Built from an object's map definitions (nothing is created), as `bpfvm
 * verify` judges an object; or from the live maps a program is loaded
 * against. Both describe the same object's maps identically. Return 0 or
 * -ENOMEM; free with bpfvm_verify_maps_free. */
int bpfvm_verify_maps_from_object(const struct bpfvm_object *obj, struct bpfvm_verify_maps *out);
int bpfvm_verify_maps_from_live(struct bpfvm_map *const *maps, uint32_t cnt,
				struct bpfvm_verify_maps *out);
void bpfvm_verify_maps_free(struct bpfvm_verify_maps *m);

/* Verifies a program. Returns 0 when it is accepted, -EACCES when it is
 * rejected (out->message says why; bpfvm_last_error() has the same text), or
 * another negative errno when the input itself is unusable (unknown program
 * type, out of memory). `out` is filled in every case and must be released
 * with bpfvm_verify_result_free(). */
int bpfvm_verify(const struct bpfvm_verify_input *in, struct bpfvm_verify_result *out);
/* Releases what a result owns (ctx_access); the verdict and message stay. */
void bpfvm_verify_result_free(struct bpfvm_verify_result *r);

struct bpfvm_object;
struct bpfvm_program;

/* Verifies a program of an ELF object (object.h) without loading anything, as
 * `bpfvm verify` does: the object's map definitions (inner-map templates
 * included), frozen .rodata contents as constants, source lines from BTF.ext,
 * the program's current type (see bpfvm_program_set_type). A program the
 * loader could not link is rejected with the loader's reason (-ENOEXEC).
 * Returns as bpfvm_verify; `out` is filled in every case. */
int bpfvm_object_verify_program(const struct bpfvm_object *obj,
				const struct bpfvm_program *prog,
				struct bpfvm_verify_result *out);

#ifdef __cplusplus
}
#endif
#endif
