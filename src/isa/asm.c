/* The assembler for the dialect of the public eBPF conformance suite
 * (bpf_conformance's .data files: `mov32 %r0, 1`, `ldxw %r0, [%r1+4]`,
 * `jeq %r1, 0x11, +1`, labels, `lock fetch add [%r10-8], %r1`), and its
 * inverse. It exists so that tests and tools can write programs as text and so
 * that the suite runs through our own code, not only through the Python runner.
 *
 * ../shared/tools/conformance.py is the reference: everything it assembles we
 * assemble to the same bytes, and what it rejects we reject, with "line N: "
 * and its message. Numbers follow C's stoll/stoull as upstream uses them (the
 * longest valid prefix counts, so `4]` is 4); a 32-bit immediate or 16-bit
 * offset containing "0x" is an unsigned bit pattern, a decimal one is signed.
 * Registers are %r0-%r15 (r11-r15 only make sense for negative tests). `exit`
 * is also a label: the first exit instruction. A label ends its line (upstream
 * ignores whatever follows `name:`), so put instructions on their own lines.
 *
 * Extensions, for the verifier's tests and for a lossless inverse:
 *   ld_map_fd %rN, IDX           lddw, src_reg BPF_PSEUDO_MAP_IDX (5), imm IDX
 *   ld_map_value %rN, IDX, OFF   lddw, src_reg BPF_PSEUDO_MAP_IDX_VALUE (6),
 *                                imm IDX, second imm OFF
 *   ld_func %rN, TARGET          lddw, src_reg BPF_PSEUDO_FUNC (4), imm the
 *                                pc-relative target as in `call local`
 *   ld_pseudo %rN, SRC, IMM, IMM2
 *                                lddw with any src_reg and both immediates,
 *                                so that every lddw has a spelling
 *   ldabsw IMM, ldindw %rN, IMM  the legacy packet loads into r0 (also b, h),
 *                                as uBPF spells them
 *   numeric targets of ja32 and `call local` (and ld_func) may be any signed
 *   32-bit decimal; upstream limits them to 16 bits
 *   a jump to a label more than 16 bits away is an error (upstream truncates). */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bpfvm/isa.h"
#include "isa/opcodes.h"
#include "util/error.h"

#define MAX_OPERANDS 8

enum kind { K_ALU, K_END, K_JCC, K_JA, K_EXIT, K_CALL, K_LDDW, K_LDX, K_ST, K_STX, K_LOCK,
	    K_MAP_FD, K_MAP_VALUE, K_FUNC, K_PSEUDO, K_LDABS, K_LDIND };

struct mnemonic {
	const char *name;
	enum kind kind;
	int operands; /* -1: checked by the encoder */
	uint8_t code;
};

/* The ALU and JMP rows are completed with their 32/64-bit variants by lookup(). */
static const struct mnemonic alu_ops[] = {
	{ "add", K_ALU, 2, BPF_ADD },	{ "sub", K_ALU, 2, BPF_SUB },	{ "mul", K_ALU, 2, BPF_MUL },
	{ "div", K_ALU, 2, BPF_DIV },	{ "sdiv", K_ALU, 2, BPF_DIV },	{ "or", K_ALU, 2, BPF_OR },
	{ "and", K_ALU, 2, BPF_AND },	{ "lsh", K_ALU, 2, BPF_LSH },	{ "rsh", K_ALU, 2, BPF_RSH },
	{ "mod", K_ALU, 2, BPF_MOD },	{ "smod", K_ALU, 2, BPF_MOD },	{ "xor", K_ALU, 2, BPF_XOR },
	{ "mov", K_ALU, 2, BPF_MOV },	{ "arsh", K_ALU, 2, BPF_ARSH }, { "neg", K_ALU, 1, BPF_NEG },
};

static const struct mnemonic jmp_ops[] = {
	{ "jeq", K_JCC, 3, BPF_JEQ },	{ "jgt", K_JCC, 3, BPF_JGT },	{ "jge", K_JCC, 3, BPF_JGE },
	{ "jset", K_JCC, 3, BPF_JSET }, { "jne", K_JCC, 3, BPF_JNE },	{ "jsgt", K_JCC, 3, BPF_JSGT },
	{ "jsge", K_JCC, 3, BPF_JSGE }, { "jlt", K_JCC, 3, BPF_JLT },	{ "jle", K_JCC, 3, BPF_JLE },
	{ "jslt", K_JCC, 3, BPF_JSLT }, { "jsle", K_JCC, 3, BPF_JSLE },
};

static const struct mnemonic fixed_ops[] = {
	{ "ldxw", K_LDX, 2, BPF_LDX | BPF_MEM | BPF_W },
	{ "ldxh", K_LDX, 2, BPF_LDX | BPF_MEM | BPF_H },
	{ "ldxb", K_LDX, 2, BPF_LDX | BPF_MEM | BPF_B },
	{ "ldxdw", K_LDX, 2, BPF_LDX | BPF_MEM | BPF_DW },
	{ "ldxsw", K_LDX, 2, BPF_LDX | BPF_MEMSX | BPF_W },
	{ "ldxsh", K_LDX, 2, BPF_LDX | BPF_MEMSX | BPF_H },
	{ "ldxsb", K_LDX, 2, BPF_LDX | BPF_MEMSX | BPF_B },
	{ "stw", K_ST, 2, BPF_ST | BPF_MEM | BPF_W },
	{ "sth", K_ST, 2, BPF_ST | BPF_MEM | BPF_H },
	{ "stb", K_ST, 2, BPF_ST | BPF_MEM | BPF_B },
	{ "stdw", K_ST, 2, BPF_ST | BPF_MEM | BPF_DW },
	{ "stxw", K_STX, 2, BPF_STX | BPF_MEM | BPF_W },
	{ "stxh", K_STX, 2, BPF_STX | BPF_MEM | BPF_H },
	{ "stxb", K_STX, 2, BPF_STX | BPF_MEM | BPF_B },
	{ "stxdw", K_STX, 2, BPF_STX | BPF_MEM | BPF_DW },
	{ "ja", K_JA, 1, BPF_JMP | BPF_JA },
	{ "ja32", K_JA, 1, BPF_JMP32 | BPF_JA },
	{ "exit", K_EXIT, 0, BPF_JMP | BPF_EXIT },
	{ "call", K_CALL, 2, BPF_JMP | BPF_CALL },
	{ "lddw", K_LDDW, 2, BPF_LD | BPF_IMM | BPF_DW },
	{ "lock", K_LOCK, -1, BPF_STX | BPF_ATOMIC },
	{ "ld_map_fd", K_MAP_FD, 2, BPF_LD | BPF_IMM | BPF_DW },
	{ "ld_map_value", K_MAP_VALUE, 3, BPF_LD | BPF_IMM | BPF_DW },
	{ "ld_func", K_FUNC, 2, BPF_LD | BPF_IMM | BPF_DW },
	{ "ld_pseudo", K_PSEUDO, 4, BPF_LD | BPF_IMM | BPF_DW },
	{ "ldabsw", K_LDABS, 1, BPF_LD | BPF_ABS | BPF_W },
	{ "ldabsh", K_LDABS, 1, BPF_LD | BPF_ABS | BPF_H },
	{ "ldabsb", K_LDABS, 1, BPF_LD | BPF_ABS | BPF_B },
	{ "ldindw", K_LDIND, 2, BPF_LD | BPF_IND | BPF_W },
	{ "ldindh", K_LDIND, 2, BPF_LD | BPF_IND | BPF_H },
	{ "ldindb", K_LDIND, 2, BPF_LD | BPF_IND | BPF_B },
};

/* Byte swaps: prefix -> opcode; the width follows as the immediate. */
static const struct {
	const char *prefix;
	uint8_t code;
} end_ops[] = {
	{ "bswap", BPF_ALU64 | BPF_END | BPF_TO_LE },
	{ "swap", BPF_ALU64 | BPF_END | BPF_TO_LE },
	{ "be", BPF_ALU | BPF_END | BPF_TO_BE },
	{ "le", BPF_ALU | BPF_END | BPF_TO_LE },
};

static const struct {
	const char *name;
	int32_t imm;
} atomic_ops[] = {
	{ "add", BPF_ADD }, { "or", BPF_OR },	      { "and", BPF_AND },
	{ "xor", BPF_XOR }, { "xchg", BPF_XCHG }, { "cmpxchg", BPF_CMPXCHG },
};

struct label {
	char *name;
	uint32_t slot;
};

struct fixup {
	char *label;
	uint32_t slot;
	int line;
};

struct assembler {
	struct bpfvm_insn *insns;
	uint32_t cnt, cap;
	struct label *labels;
	size_t nlabels, cap_labels;
	uint32_t *index; /* open addressing over labels: 1 + position, 0 = free */
	size_t index_size; /* a power of two, at least twice nlabels */
	struct fixup *fixups;
	size_t nfixups, cap_fixups;
	int line;
};

/* A parsed mnemonic: the table row plus what its spelling adds. */
struct op {
	enum kind kind;
	int operands;
	uint8_t code;
	int16_t off; /* sdiv/smod: 1; movsx: source width */
	int32_t imm; /* byte swaps: width */
};

static int fail(const struct assembler *as, const char *fmt, ...) BPFVM_PRINTF(2, 3);

static int fail(const struct assembler *as, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return bpfvm_errorf(-EINVAL, "line %d: %s", as->line, msg);
}

static int grow(void **array, size_t *cap, size_t need, size_t elem)
{
	if (need <= *cap)
		return 0;
	size_t ncap = *cap ? *cap * 2 : 64;
	void *n;

	while (ncap < need)
		ncap *= 2;
	n = realloc(*array, ncap * elem);
	if (!n)
		return bpfvm_errorf(-ENOMEM, "out of memory");
	*array = n;
	*cap = ncap;
	return 0;
}

static char *dup_str(const char *s)
{
	size_t n = strlen(s) + 1;
	char *d = malloc(n);

	if (d)
		memcpy(d, s, n);
	return d;
}

/* --- numbers, as std::stoull / std::stoll parse them --- */

static int digit_value(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return 99;
}

/* Leading blanks, optional sign, optional 0x (base 16), the longest run of
 * digits. *neg tells the sign; *mag is the magnitude. */
static int parse_magnitude(const struct assembler *as, const char *text, int base, bool *neg,
			   uint64_t *mag)
{
	const char *p = text;
	uint64_t v = 0;
	int n = 0;

	while (isspace((unsigned char)*p))
		p++;
	*neg = *p == '-';
	if (*p == '+' || *p == '-')
		p++;
	if (base == 16 && p[0] == '0' && (p[1] == 'x' || p[1] == 'X') &&
	    digit_value((unsigned char)p[2]) < 16)
		p += 2;
	for (; digit_value((unsigned char)*p) < base; p++, n++) {
		unsigned d = (unsigned)digit_value((unsigned char)*p);

		if (v > (UINT64_MAX - d) / (unsigned)base)
			return fail(as, "number out of range: '%s'", text);
		v = v * (unsigned)base + d;
	}
	if (n == 0)
		return fail(as, "invalid number: '%s'", text);
	*mag = v;
	return 0;
}

static int c_stoull(const struct assembler *as, const char *text, int base, uint64_t *out)
{
	bool neg;
	uint64_t mag;
	int err = parse_magnitude(as, text, base, &neg, &mag);

	if (err)
		return err;
	*out = neg ? (uint64_t)0 - mag : mag;
	return 0;
}

static int c_stoll(const struct assembler *as, const char *text, int64_t *out)
{
	bool neg;
	uint64_t mag;
	int err = parse_magnitude(as, text, 10, &neg, &mag);

	if (err)
		return err;
	if (mag > (uint64_t)INT64_MAX + neg)
		return fail(as, "number out of range: '%s'", text);
	*out = neg ? (int64_t)(0 - mag) : (int64_t)mag;
	return 0;
}

static int parse_imm32(const struct assembler *as, const char *text, int32_t *out)
{
	int err;

	if (strstr(text, "0x")) {
		uint64_t v = 0;

		if ((err = c_stoull(as, text, 16, &v)))
			return err;
		if (v > UINT32_MAX)
			return fail(as, "Immediate out of 32-bit range: %s", text);
		*out = (int32_t)(uint32_t)v;
		return 0;
	}
	int64_t v = 0;

	if ((err = c_stoll(as, text, &v)))
		return err;
	if (v < INT32_MIN || v > INT32_MAX)
		return fail(as, "Immediate out of 32-bit range: %s", text);
	*out = (int32_t)v;
	return 0;
}

static int parse_imm64(const struct assembler *as, const char *text, uint64_t *out)
{
	if (strstr(text, "0x"))
		return c_stoull(as, text, 16, out);
	if (text[0] == '-') {
		int64_t v = 0;
		int err = c_stoll(as, text, &v);

		*out = (uint64_t)v;
		return err;
	}
	return c_stoull(as, text, 10, out);
}

static int parse_off16(const struct assembler *as, const char *text, int16_t *out)
{
	int err;

	if (strstr(text, "0x")) {
		uint64_t v = 0;

		if ((err = c_stoull(as, text, 16, &v)))
			return err;
		if (v > UINT16_MAX)
			return fail(as, "Offset out of 16-bit range: %s", text);
		*out = (int16_t)(uint16_t)v;
		return 0;
	}
	int64_t v = 0;

	if ((err = c_stoll(as, text, &v)))
		return err;
	if (v < INT16_MIN || v > INT16_MAX)
		return fail(as, "Offset out of 16-bit range: %s", text);
	*out = (int16_t)v;
	return 0;
}

/* --- operands --- */

static int parse_reg(const struct assembler *as, const char *text, uint8_t *out)
{
	if (text[0] == '%' && text[1] == 'r' && isdigit((unsigned char)text[2])) {
		int n = text[2] - '0';

		if (!text[3]) {
			*out = (uint8_t)n;
			return 0;
		}
		if (n == 1 && text[3] >= '0' && text[3] <= '5' && !text[4]) {
			*out = (uint8_t)(10 + text[3] - '0');
			return 0;
		}
	}
	return fail(as, "Invalid register: %s", text);
}

/* "[%rN]", "[%rN+off]", "[%rN-off]" (upstream finds the first '+', else '-',
 * else ']', and reads the register between it and '['). */
static int parse_mem(const struct assembler *as, const char *text, uint8_t *base, int16_t *off)
{
	const char *start = strchr(text, '['), *end = strchr(text, '+');
	char reg[16];
	int err;

	if (!end)
		end = strchr(text, '-');
	if (!end)
		end = strchr(text, ']');
	if (!start || !end || end <= start || (size_t)(end - start - 1) >= sizeof(reg))
		return fail(as, "Failed to decode register and offset: %s", text);
	memcpy(reg, start + 1, (size_t)(end - start - 1));
	reg[end - start - 1] = '\0';
	if ((err = parse_reg(as, reg, base)))
		return err;
	if (*end == ']') {
		*off = 0;
		return 0;
	}
	return parse_off16(as, end, off);
}

/* A jump or call target: "+N"/"-N", or a label resolved at the end. `wide`
 * targets (in imm) may also be 32-bit decimals. */
static int parse_target(struct assembler *as, const char *text, bool wide, int32_t *out)
{
	if (text[0] == '+' || text[0] == '-') {
		int16_t off;
		int err = parse_off16(as, text, &off);

		if (err && wide && !strstr(text, "0x"))
			return parse_imm32(as, text, out);
		*out = off;
		return err;
	}
	if (grow((void **)&as->fixups, &as->cap_fixups, as->nfixups + 1, sizeof(*as->fixups)))
		return -ENOMEM;
	char *label = dup_str(text);

	if (!label)
		return bpfvm_errorf(-ENOMEM, "out of memory");
	as->fixups[as->nfixups++] = (struct fixup){ label, as->cnt, as->line };
	*out = 0;
	return 0;
}

/* --- mnemonics --- */

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && !strcmp(s + n - m, suffix);
}

static bool lookup(const char *name, struct op *op)
{
	char base[32];
	size_t n = strlen(name);
	bool is32 = false;

	for (size_t i = 0; i < sizeof(fixed_ops) / sizeof(fixed_ops[0]); i++)
		if (!strcmp(name, fixed_ops[i].name)) {
			*op = (struct op){ fixed_ops[i].kind, fixed_ops[i].operands,
					   fixed_ops[i].code, 0, 0 };
			return true;
		}
	for (size_t i = 0; i < sizeof(end_ops) / sizeof(end_ops[0]); i++) {
		size_t p = strlen(end_ops[i].prefix);

		if (!strncmp(name, end_ops[i].prefix, p) &&
		    (!strcmp(name + p, "16") || !strcmp(name + p, "32") || !strcmp(name + p, "64"))) {
			*op = (struct op){ K_END, 1, end_ops[i].code, 0, atoi(name + p) };
			return true;
		}
	}
	if (n >= sizeof(base))
		return false;
	memcpy(base, name, n + 1);
	/* movsx{8,16}{32,64}, movsx3264: ALU class from the destination width. */
	if (!strncmp(name, "movsx", 5)) {
		static const struct {
			const char *suffix;
			uint8_t cls;
			int16_t off;
		} sx[] = { { "832", BPF_ALU, 8 },    { "864", BPF_ALU64, 8 },
			   { "1632", BPF_ALU, 16 },  { "1664", BPF_ALU64, 16 },
			   { "3264", BPF_ALU64, 32 } };

		for (size_t i = 0; i < sizeof(sx) / sizeof(sx[0]); i++)
			if (!strcmp(name + 5, sx[i].suffix)) {
				*op = (struct op){ K_ALU, 2, sx[i].cls | BPF_MOV | BPF_X, sx[i].off,
						   0 };
				return true;
			}
		return false;
	}
	if (ends_with(base, "32")) {
		is32 = true;
		base[n - 2] = '\0';
	}
	for (size_t i = 0; i < sizeof(alu_ops) / sizeof(alu_ops[0]); i++)
		if (!strcmp(base, alu_ops[i].name)) {
			bool sign = !strcmp(base, "sdiv") || !strcmp(base, "smod");

			*op = (struct op){ K_ALU, alu_ops[i].operands,
					   (uint8_t)((is32 ? BPF_ALU : BPF_ALU64) | alu_ops[i].code),
					   sign, 0 };
			return true;
		}
	for (size_t i = 0; i < sizeof(jmp_ops) / sizeof(jmp_ops[0]); i++)
		if (!strcmp(base, jmp_ops[i].name)) {
			*op = (struct op){ K_JCC, 3,
					   (uint8_t)((is32 ? BPF_JMP32 : BPF_JMP) | jmp_ops[i].code),
					   0, 0 };
			return true;
		}
	return false;
}

static struct bpfvm_insn *emit(struct assembler *as, uint8_t code, uint8_t dst, uint8_t src,
			       int16_t off, int32_t imm)
{
	size_t cap = as->cap;

	if (grow((void **)&as->insns, &cap, (size_t)as->cnt + 1, sizeof(*as->insns)))
		return NULL;
	as->cap = (uint32_t)cap;
	struct bpfvm_insn *insn = &as->insns[as->cnt++];

	*insn = (struct bpfvm_insn){ .code = code, .dst_reg = dst & 0xf, .src_reg = src & 0xf,
				     .off = off, .imm = imm };
	return insn;
}

#define EMIT(...) (emit(as, __VA_ARGS__) ? 0 : -ENOMEM)

static int enc_lddw(struct assembler *as, uint8_t dst, uint8_t src, int32_t lo, int32_t hi)
{
	int err = EMIT(BPF_LD | BPF_IMM | BPF_DW, dst, src, 0, lo);

	return err ? err : EMIT(0, 0, 0, 0, hi);
}

static int enc_lock(struct assembler *as, char **ops, int n)
{
	bool fetch = n > 0 && !strcmp(ops[0], "fetch");
	char name[16];
	uint8_t size = BPF_DW, base = 0, src = 0;
	int16_t off;
	int32_t imm = -1;
	int err;

	if (fetch) {
		ops++;
		n--;
	}
	if (n != 3)
		return fail(as, "Invalid number of operands for lock");
	if (strlen(ops[0]) >= sizeof(name))
		return fail(as, "Invalid mnemonic: lock %s", ops[0]);
	strcpy(name, ops[0]);
	if (ends_with(name, "32")) {
		size = BPF_W;
		name[strlen(name) - 2] = '\0';
	}
	for (size_t i = 0; i < sizeof(atomic_ops) / sizeof(atomic_ops[0]); i++)
		if (!strcmp(name, atomic_ops[i].name))
			imm = atomic_ops[i].imm;
	if (imm < 0)
		return fail(as, "Invalid mnemonic: lock %s", ops[0]);
	if (fetch && imm != BPF_XCHG && imm != BPF_CMPXCHG)
		imm |= BPF_FETCH;
	if ((err = parse_mem(as, ops[1], &base, &off)) || (err = parse_reg(as, ops[2], &src)))
		return err;
	return EMIT(BPF_STX | BPF_ATOMIC | size, base, src, off, imm);
}

static int enc_call(struct assembler *as, char **ops, int n)
{
	const char *mode = n == 1 ? "helper" : ops[0], *tgt = ops[n - 1];
	uint8_t reg = 0;
	int32_t imm;
	int err;

	if (!strcmp(mode, "helper")) {
		if (tgt[0] == '%') {
			if ((err = parse_reg(as, tgt, &reg)))
				return err;
			return EMIT(BPF_JMP | BPF_CALL | BPF_X, reg, 0, 0, 0);
		}
		if ((err = parse_imm32(as, tgt, &imm)))
			return err;
		return EMIT(BPF_JMP | BPF_CALL, 0, 0, 0, imm);
	}
	if (!strcmp(mode, "local")) {
		if ((err = parse_target(as, tgt, true, &imm)))
			return err;
		return EMIT(BPF_JMP | BPF_CALL, 0, BPF_PSEUDO_CALL, 0, imm);
	}
	if (!strcmp(mode, "runtime")) {
		if ((err = parse_imm32(as, tgt, &imm)))
			return err;
		return EMIT(BPF_JMP | BPF_CALL, 0, BPF_PSEUDO_KFUNC_CALL, 0, imm);
	}
	return fail(as, "Invalid call mode: %s", mode);
}

static int encode(struct assembler *as, const struct op *op, char **ops, int n)
{
	uint8_t dst = 0, src = 0;
	int16_t off = 0;
	int32_t imm = 0, imm2 = 0, src32;
	uint64_t v64;
	int err = 0;

	switch (op->kind) {
	case K_ALU:
		if ((err = parse_reg(as, ops[0], &dst)))
			return err;
		if (n == 1)
			return EMIT(op->code, dst, 0, op->off, 0);
		if (ops[1][0] == '%') {
			if ((err = parse_reg(as, ops[1], &src)))
				return err;
			return EMIT(op->code | BPF_X, dst, src, op->off, 0);
		}
		if ((err = parse_imm32(as, ops[1], &imm)))
			return err;
		return EMIT(op->code, dst, 0, op->off, imm);
	case K_END:
		if ((err = parse_reg(as, ops[0], &dst)))
			return err;
		return EMIT(op->code, dst, 0, 0, op->imm);
	case K_JCC: {
		uint8_t code = op->code;
		int32_t target;

		if ((err = parse_reg(as, ops[0], &dst)))
			return err;
		if (ops[1][0] == '%') {
			code |= BPF_X;
			err = parse_reg(as, ops[1], &src);
		} else {
			err = parse_imm32(as, ops[1], &imm);
		}
		if (err || (err = parse_target(as, ops[2], false, &target)))
			return err;
		return EMIT(code, dst, src, (int16_t)target, imm);
	}
	case K_JA: {
		bool gotol = op->code == (BPF_JMP32 | BPF_JA);
		int32_t target;

		if ((err = parse_target(as, ops[0], gotol, &target)))
			return err;
		if (gotol)
			return EMIT(op->code, 0, 0, 0, target);
		return EMIT(op->code, 0, 0, (int16_t)target, 0);
	}
	case K_EXIT:
		return EMIT(op->code, 0, 0, 0, 0);
	case K_CALL:
		return enc_call(as, ops, n);
	case K_LDDW:
		if ((err = parse_imm64(as, ops[1], &v64)) || (err = parse_reg(as, ops[0], &dst)))
			return err;
		return enc_lddw(as, dst, 0, (int32_t)(uint32_t)v64, (int32_t)(uint32_t)(v64 >> 32));
	case K_MAP_FD:
		if ((err = parse_reg(as, ops[0], &dst)) || (err = parse_imm32(as, ops[1], &imm)))
			return err;
		return enc_lddw(as, dst, BPF_PSEUDO_MAP_IDX, imm, 0);
	case K_MAP_VALUE:
		if ((err = parse_reg(as, ops[0], &dst)) || (err = parse_imm32(as, ops[1], &imm)) ||
		    (err = parse_imm32(as, ops[2], &imm2)))
			return err;
		return enc_lddw(as, dst, BPF_PSEUDO_MAP_IDX_VALUE, imm, imm2);
	case K_FUNC:
		if ((err = parse_reg(as, ops[0], &dst)) || (err = parse_target(as, ops[1], true, &imm)))
			return err;
		return enc_lddw(as, dst, BPF_PSEUDO_FUNC, imm, 0);
	case K_PSEUDO:
		if ((err = parse_reg(as, ops[0], &dst)) || (err = parse_imm32(as, ops[1], &src32)) ||
		    (err = parse_imm32(as, ops[2], &imm)) || (err = parse_imm32(as, ops[3], &imm2)))
			return err;
		if (src32 < 0 || src32 > 15)
			return fail(as, "lddw source %d is not a 4-bit src_reg", src32);
		return enc_lddw(as, dst, (uint8_t)src32, imm, imm2);
	case K_LDX:
		if ((err = parse_mem(as, ops[1], &src, &off)) || (err = parse_reg(as, ops[0], &dst)))
			return err;
		return EMIT(op->code, dst, src, off, 0);
	case K_ST:
		if ((err = parse_mem(as, ops[0], &dst, &off)) || (err = parse_imm32(as, ops[1], &imm)))
			return err;
		return EMIT(op->code, dst, 0, off, imm);
	case K_STX:
		if ((err = parse_mem(as, ops[0], &dst, &off)) || (err = parse_reg(as, ops[1], &src)))
			return err;
		return EMIT(op->code, dst, src, off, 0);
	case K_LOCK:
		return enc_lock(as, ops, n);
	case K_LDABS:
		if ((err = parse_imm32(as, ops[0], &imm)))
			return err;
		return EMIT(op->code, 0, 0, 0, imm);
	case K_LDIND:
		if ((err = parse_reg(as, ops[0], &src)) || (err = parse_imm32(as, ops[1], &imm)))
			return err;
		return EMIT(op->code, 0, src, 0, imm);
	}
	return fail(as, "internal error: unhandled mnemonic kind");
}

static size_t hash_name(const char *name)
{
	size_t h = 14695981039346656037u & SIZE_MAX;

	for (; *name; name++)
		h = (h ^ (unsigned char)*name) * (1099511628211u & SIZE_MAX);
	return h;
}

/* Labels are found by hash so that programs of many thousand labels assemble
 * in linear time. */
static struct label *find_label(struct assembler *as, const char *name)
{
	if (!as->index_size)
		return NULL;
	for (size_t i = hash_name(name) & (as->index_size - 1); as->index[i];
	     i = (i + 1) & (as->index_size - 1))
		if (!strcmp(as->labels[as->index[i] - 1].name, name))
			return &as->labels[as->index[i] - 1];
	return NULL;
}

static void index_insert(struct assembler *as, size_t pos)
{
	size_t i = hash_name(as->labels[pos].name) & (as->index_size - 1);

	while (as->index[i])
		i = (i + 1) & (as->index_size - 1);
	as->index[i] = (uint32_t)pos + 1;
}

static int index_grow(struct assembler *as)
{
	size_t size = as->index_size ? as->index_size * 2 : 64;
	uint32_t *index;

	if (as->index_size >= 2 * (as->nlabels + 1))
		return 0;
	index = calloc(size, sizeof(*index));
	if (!index)
		return bpfvm_errorf(-ENOMEM, "out of memory");
	free(as->index);
	as->index = index;
	as->index_size = size;
	for (size_t i = 0; i < as->nlabels; i++)
		index_insert(as, i);
	return 0;
}

static int set_label(struct assembler *as, const char *name, bool may_exist)
{
	struct label *l = find_label(as, name);

	if (l) {
		if (!may_exist)
			return fail(as, "Duplicate label: %s", name);
		l->slot = as->cnt;
		return 0;
	}
	if (grow((void **)&as->labels, &as->cap_labels, as->nlabels + 1, sizeof(*as->labels)) ||
	    index_grow(as))
		return -ENOMEM;
	char *copy = dup_str(name);

	if (!copy)
		return bpfvm_errorf(-ENOMEM, "out of memory");
	as->labels[as->nlabels] = (struct label){ copy, as->cnt };
	index_insert(as, as->nlabels++);
	return 0;
}

/* One line, already stripped of its comment, split in place into tokens. */
static int assemble_line(struct assembler *as, char *line, bool *seen_exit)
{
	char *tokens[MAX_OPERANDS + 1], *save = NULL;
	int n = 0;
	struct op op;

	bool overflow = false;

	for (char *t = strtok_r(line, " \t\v\f\r", &save); t; t = strtok_r(NULL, " \t\v\f\r", &save)) {
		if (n == MAX_OPERANDS + 1)
			overflow = true;
		else
			tokens[n++] = t;
	}
	if (n == 0)
		return 0;
	for (int i = 1; i < n; i++)
		if (ends_with(tokens[i], ","))
			tokens[i][strlen(tokens[i]) - 1] = '\0';
	const char *mnemonic = tokens[0];
	size_t mlen = strlen(mnemonic);

	if (mnemonic[mlen - 1] == ':') {
		tokens[0][mlen - 1] = '\0';
		return set_label(as, mnemonic, false);
	}
	if (!strcmp(mnemonic, "exit") && !*seen_exit) {
		int err = set_label(as, "exit", true);

		if (err)
			return err;
		*seen_exit = true;
	}
	if (!lookup(mnemonic, &op))
		return fail(as, "Invalid mnemonic: %s", mnemonic);
	if (overflow && op.kind == K_LOCK)
		return fail(as, "Invalid number of operands for lock");
	if (overflow)
		return fail(as, "Invalid number of operands for mnemonic: %s", mnemonic);
	if (op.kind == K_CALL && n - 1 == 1)
		op.operands = 1;
	if (op.operands >= 0 && n - 1 != op.operands)
		return fail(as, "Invalid number of operands for mnemonic: %s", mnemonic);
	return encode(as, &op, tokens + 1, n - 1);
}

static int resolve_fixups(struct assembler *as)
{
	for (size_t i = 0; i < as->nfixups; i++) {
		struct fixup *f = &as->fixups[i];
		struct label *l = find_label(as, f->label);
		struct bpfvm_insn *insn = &as->insns[f->slot];
		int64_t delta;

		as->line = f->line;
		if (!l)
			return fail(as, "Invalid label: %s", f->label);
		delta = (int64_t)l->slot - f->slot - 1;
		if (insn->code == (BPF_JMP | BPF_CALL) || insn->code == (BPF_JMP32 | BPF_JA) ||
		    insn->code == (BPF_LD | BPF_IMM | BPF_DW)) {
			insn->imm = (int32_t)delta;
		} else {
			if (delta < INT16_MIN || delta > INT16_MAX)
				return fail(as, "label %s is %lld instructions away, beyond a 16-bit "
					    "jump offset", f->label, (long long)delta);
			insn->off = (int16_t)delta;
		}
	}
	return 0;
}

static void assembler_free(struct assembler *as)
{
	for (size_t i = 0; i < as->nlabels; i++)
		free(as->labels[i].name);
	for (size_t i = 0; i < as->nfixups; i++)
		free(as->fixups[i].label);
	free(as->labels);
	free(as->index);
	free(as->fixups);
	free(as->insns);
}

int bpfvm_asm(const char *text, struct bpfvm_insn **out, uint32_t *cnt)
{
	struct assembler as = { 0 };
	bool seen_exit = false;
	const char *p = text;
	char *line = NULL;
	size_t cap = 0;
	int err = 0;

	*out = NULL;
	*cnt = 0;
	while (*p && !err) {
		size_t n = strcspn(p, "\n");
		size_t keep = strcspn(p, "#\n");

		as.line++;
		if (keep + 1 > cap) {
			char *nl = realloc(line, keep + 1);

			if (!nl) {
				err = bpfvm_errorf(-ENOMEM, "out of memory");
				break;
			}
			line = nl;
			cap = keep + 1;
		}
		memcpy(line, p, keep);
		line[keep] = '\0';
		err = assemble_line(&as, line, &seen_exit);
		if (!err && as.cnt > BPFVM_MAX_INSNS)
			err = fail(&as, "program exceeds %u instructions", BPFVM_MAX_INSNS);
		p += n;
		if (*p == '\n')
			p++;
	}
	free(line);
	if (!err)
		err = resolve_fixups(&as);
	if (err) {
		assembler_free(&as);
		return err;
	}
	*out = as.insns;
	*cnt = as.cnt;
	as.insns = NULL;
	assembler_free(&as);
	return 0;
}
