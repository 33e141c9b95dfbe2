/* PREVAIL's 802 YAML verifier cases (../shared/prevail-tests) against bpfvm's
 * verifier: an outside yardstick of both soundness and precision, written by
 * people who did not write ours. tests/verifier/prevail_cases.py turns the
 * YAML into a line format in the build directory (entry state, maps,
 * instructions); this test verifies each case from that entry state with
 * PREVAIL's harness context (64 bytes, data at 0, data_end at 4, no
 * data_meta, every helper bpfvm knows) and compares the verdicts: PREVAIL
 * rejects when a case lists a message that is not informational
 * (../shared/prevail-tests/README.md).
 *
 * What it asserts: every case PREVAIL rejects and bpfvm accepts is in
 * `reviewed` below with the reason bpfvm is right to accept it (a rule of
 * PREVAIL's that Linux does not have, an option bpfvm does not take, ...), so
 * a new such case — a possible soundness gap — fails the test, as does an
 * entry that no longer applies. Cases PREVAIL accepts and bpfvm rejects are
 * precision gaps; their number may not grow beyond `max_bpfvm_only`, nor may
 * agreed rejections at an instruction PREVAIL flags fall below
 * `min_same_insn`. Where the entry state had to know less than PREVAIL's
 * ("approx" lines), a rejection is counted as not expressible instead, unless
 * PREVAIL rejects at the same instruction. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bpfvm/error.h"
#include "bpfvm/verify.h"
#include "helpers/proto.h"
#include "progtype/progtype.h"
#include "test.h"

/* PREVAIL's harness context descriptor {size 64, data 0, end 4, meta -1}. */
static const struct bpfvm_ctx_field prevail_fields[] = {
	{ "data", 0, 4, CTX_SZ_4, 0, CTX_FIELD_PKT_DATA, 0, 0 },
	{ "data_end", 4, 4, CTX_SZ_4, 0, CTX_FIELD_PKT_DATA_END, 0, 0 },
	{ "rest", 8, 56, CTX_SZ_1 | CTX_SZ_2 | CTX_SZ_4 | CTX_SZ_8,
	  CTX_SZ_1 | CTX_SZ_2 | CTX_SZ_4 | CTX_SZ_8, CTX_FIELD_SCALAR, 0, 0 },
};

static int32_t all_helpers[256];
static struct bpfvm_progtype prevail_type = {
	.id = BPFVM_PROG_XDP, /* for the packet's writability; no return range */
	.name = "prevail",
	.ctx_size = 64,
	.runtime_ctx_size = 64,
	.fields = prevail_fields,
	.field_cnt = sizeof(prevail_fields) / sizeof(prevail_fields[0]),
	.helpers = all_helpers,
	.ld_pkt = true, /* PREVAIL takes legacy packet loads in any type */
};

struct known {
	const char *file, *name, *why;
};

#define DIV0 "division by zero: the ISA defines it (x/0 = 0, x%0 = x); PREVAIL's option " \
	     "!allow_division_by_zero forbids it"

/* PREVAIL rejects, bpfvm accepts, and bpfvm is right. */
static const struct known reviewed[] = {
	{ "jump.yaml", "multiple types add fail",
	  "each path adds the number 4 to the ctx pointer (allowed, no access follows); "
	  "PREVAIL's join of the two paths loses which register is the pointer" },
	{ "jump.yaml", "lost implications in correlated branches",
	  "the load runs only on the path where r1 <= data_end was proven; PREVAIL's join loses "
	  "it (its own comment: \"should be safe\")" },
	{ "jump.yaml", "assume map_fd1 < map_fd2",
	  "comparing two map pointers reads no memory; bpfvm allows comparisons of pointers of "
	  "one kind, as privileged Linux does" },
	{ "subtract.yaml", "disallow subtraction of pointer from invalid pointer to a singleton region",
	  "subtracting two stack pointers reads no memory and gives a number; PREVAIL also "
	  "requires both pointers in bounds" },
	{ "sdivmod.yaml", "non-zero divided by zero register", DIV0 },
	{ "sdivmod.yaml", "zero divided by zero register", DIV0 },
	{ "sdivmod.yaml", "non-zero divided by possibly zero register", DIV0 },
	{ "sdivmod.yaml", "zero divided by possibly zero register", DIV0 },
	{ "sdivmod.yaml", "non-zero divided by possibly zero register 2", DIV0 },
	{ "sdivmod.yaml", "zero divided by possibly zero register 2", DIV0 },
	{ "sdivmod.yaml", "non-zero divided by undefined value register", DIV0 },
	{ "sdivmod.yaml", "zero divided by undefined value register", DIV0 },
	{ "sdivmod.yaml", "non-zero modulo zero register", DIV0 },
	{ "sdivmod.yaml", "zero modulo zero register", DIV0 },
	{ "sdivmod.yaml", "non-zero modulo possibly zero register", DIV0 },
	{ "sdivmod.yaml", "zero modulo possibly zero register", DIV0 },
	{ "sdivmod.yaml", "non-zero modulo possibly zero register 2", DIV0 },
	{ "sdivmod.yaml", "zero modulo possibly zero register 2", DIV0 },
	{ "sdivmod.yaml", "non-zero modulo undefined value register", DIV0 },
	{ "sdivmod.yaml", "zero modulo undefined value register", DIV0 },
	{ "sdivmod.yaml", "32-bit signed division by a register whose low half is zero", DIV0 },
	{ "sdivmod.yaml", "32-bit signed modulo by a register whose low half is zero", DIV0 },
	{ "udivmod.yaml", "non-zero divided by zero register", DIV0 },
	{ "udivmod.yaml", "zero divided by zero register", DIV0 },
	{ "udivmod.yaml", "non-zero divided by possibly zero register", DIV0 },
	{ "udivmod.yaml", "zero divided by possibly zero register", DIV0 },
	{ "udivmod.yaml", "non-zero divided by possibly zero register 2", DIV0 },
	{ "udivmod.yaml", "zero divided by possibly zero register 2", DIV0 },
	{ "udivmod.yaml", "non-zero divided by undefined value register", DIV0 },
	{ "udivmod.yaml", "zero divided by undefined value register", DIV0 },
	{ "udivmod.yaml", "non-zero modulo zero register", DIV0 },
	{ "udivmod.yaml", "zero modulo zero register", DIV0 },
	{ "udivmod.yaml", "non-zero modulo possibly zero register", DIV0 },
	{ "udivmod.yaml", "zero modulo possibly zero register", DIV0 },
	{ "udivmod.yaml", "non-zero modulo possibly zero register 2", DIV0 },
	{ "udivmod.yaml", "zero modulo possibly zero register 2", DIV0 },
	{ "udivmod.yaml", "non-zero modulo undefined value register", DIV0 },
	{ "udivmod.yaml", "zero modulo undefined value register", DIV0 },
	{ "udivmod.yaml", "32-bit division by a register whose low half is zero", DIV0 },
	{ "udivmod.yaml", "32-bit modulo by a register whose low half is zero", DIV0 },
};

/* Why bpfvm rejects what PREVAIL accepts, by a substring of bpfvm's message;
 * printed with counts (the last row catches the rest). */
static const struct {
	const char *substr, *why;
} precision[] = {
	{ "indirect calls (callx)", "callx (helper id in a register) is not supported" },
	{ "unknown helper", "a helper bpfvm does not have (skc_lookup_tcp, get_stack)" },
	{ "does not accept map", "PREVAIL's test map has no type; bpfvm checks a ring-buffer "
				 "helper's map type" },
	{ "r0 is not set at exit", "Linux's rule: r0 set at every exit, subprograms' too" },
	{ "is not initialised", "Linux's rule: no read, copy or store of an uninitialised "
				"register (a callee starts with r1-r5 only)" },
	{ "read of uninitialised stack", "bpfvm's rule (as unprivileged Linux): no read of "
					 "uninitialised stack" },
	{ "512-byte frame", "PREVAIL's stack is 4096 bytes for all frames; Linux's frame is 512" },
	{ "jump out of the function", "Linux's rule: no jump out of a subprogram" },
	{ "unreachable instruction", "Linux's rule: no unreachable instruction" },
	{ "context access", "Linux's rule: context fields read whole (data and data_end are 4 bytes)" },
	{ "comparison of a ctx", "Linux's rule: no ordering comparison of a pointer with a number" },
	{ "subtraction between", "Linux's rule: no subtraction of context pointers" },
	{ "movsx with invalid", "invalid encoding: movsx from 32 bits into a 32-bit register" },
	{ "outside the 4-byte value", "Linux's rule: lddw of a map value address within the value" },
	{ "without submitting or discarding", "Linux's rule: a ring-buffer record is submitted or "
					      "discarded before exit (PREVAIL does not track it)" },
	{ "but only 0 bytes are proven", "a packet bound proven by comparing a loop counter with "
					 "the number end - data: relational, beyond Linux's domain" },
	{ "", "other" },
};
#define NPRECISION (sizeof(precision) / sizeof(precision[0]))
static int precision_n[NPRECISION];


/* bpfvm-only rejects with an exact entry state, as measured; fewer is better. */
static const int max_bpfvm_only = 35;
/* Agreed rejections at an instruction PREVAIL flags too, as measured: fewer
 * means bpfvm now stops at another instruction, e.g. for a new, wrong reason. */
static const int min_same_insn = 127;

#define MAX_INSNS 4096
#define MAX_MAPS 16
#define MAX_VALUES 64

struct pcase {
	char file[1024], name[1024];
	bool reject, exception, approx, approx_meta;
	uint32_t variant, nvariants; /* this entry state of the case's nvariants */
	uint32_t fail[16], nfail;    /* instructions PREVAIL's messages flag */
	char inexpressible[256];
	struct bpfvm_verify_entry entry;
	struct bpfvm_verify_entry_value values[MAX_VALUES];
	struct bpfvm_verify_map maps[MAX_MAPS];
	uint32_t nmaps;
	struct bpfvm_insn insns[MAX_INSNS];
	uint32_t cnt;
	bool bad; /* the line format itself was broken */
};

enum { AGREE_ACCEPT, AGREE_REJECT, PREVAIL_ONLY, BPFVM_ONLY, NOT_EXPRESSIBLE, NCOLS };
static const char *const col_names[NCOLS] = { "agree-acc", "agree-rej", "prevail-rej",
					       "bpfvm-rej", "not-expr" };

struct file_row {
	char file[1024];
	int n[NCOLS];
};

static struct file_row rows[64];
static int nrows, exceptions, approx_cases;
static bool seen_reviewed[sizeof(reviewed) / sizeof(reviewed[0])];
static uint64_t total_ns;

static struct file_row *row_of(const char *file)
{
	for (int i = 0; i < nrows; i++)
		if (!strcmp(rows[i].file, file))
			return &rows[i];
	snprintf(rows[nrows].file, sizeof(rows[nrows].file), "%s", file);
	return &rows[nrows++];
}

static int find_known(const struct known *list, size_t n, const struct pcase *c)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(list[i].file, c->file) && !strcmp(list[i].name, c->name))
			return (int)i;
	return -1;
}

enum outcome { ACCEPTED, REJECTED, INEXPRESSIBLE, BROKEN };

/* Verifies one entry state of a case; msg gets bpfvm's message. */
static enum outcome verify_one(struct pcase *c, char *msg, size_t len, uint32_t *insn)
{
	struct bpfvm_verify_input in = { 0 };
	struct bpfvm_verify_result res;
	int err;

	if (c->inexpressible[0]) {
		snprintf(msg, len, "%s", c->inexpressible);
		return INEXPRESSIBLE;
	}
	in.insns = c->insns;
	in.insn_cnt = c->cnt;
	in.prog_type = BPFVM_PROG_XDP;
	in.progtype = &prevail_type;
	in.maps = c->maps;
	in.map_cnt = c->nmaps;
	in.entry = &c->entry;
	err = bpfvm_verify(&in, &res);
	bpfvm_verify_result_free(&res);
	total_ns += res.time_ns;
	snprintf(msg, len, "%s", res.message);
	*insn = res.insn;
	if (getenv("VERBOSE") && res.time_ns > 20000000)
		fprintf(stderr, "slow %s: %s: %.1f ms, %llu insns processed\n", c->file, c->name,
			(double)res.time_ns / 1e6, (unsigned long long)res.insns_processed);
	/* without data_meta, only accesses below data can tell */
	if (c->approx_meta && strstr(res.message, "negative offset"))
		c->approx = true;
	if (err == -EINVAL)
		return INEXPRESSIBLE;
	if (err && err != -EACCES)
		return BROKEN;
	return err ? REJECTED : ACCEPTED;
}

/* The case being run, over its variants (entry states whose union is
 * PREVAIL's): rejected when one is, not expressible when one is and none
 * is rejected. */
static struct {
	enum outcome outcome;
	bool approx;
	bool same_insn; /* rejected at an instruction PREVAIL flags */
	char msg[768];
} cur;
static int agree_same_insn;

static void run(struct pcase *c)
{
	struct file_row *row = row_of(c->file);
	bool verbose = getenv("VERBOSE") != NULL;
	enum outcome o;
	char msg[768];
	uint32_t insn = 0;
	int col;

	if (c->exception) {
		exceptions++;
		return;
	}
	if (c->bad) {
		test_checks++;
		test_failures++;
		fprintf(stderr, "%s: %s: malformed converted case\n", c->file, c->name);
		return;
	}
	if (c->variant == 0)
		memset(&cur, 0, sizeof(cur));
	o = verify_one(c, msg, sizeof(msg), &insn);
	if (o == BROKEN || (o == REJECTED && cur.outcome != REJECTED) ||
	    (o == INEXPRESSIBLE && cur.outcome == ACCEPTED)) {
		cur.outcome = o;
		snprintf(cur.msg, sizeof(cur.msg), "%s", msg);
		for (uint32_t i = 0; i < c->nfail; i++)
			cur.same_insn |= o == REJECTED && c->fail[i] == insn;
	}
	if (o == REJECTED)
		cur.approx |= c->approx;
	approx_cases += c->variant == 0 && (c->approx || c->approx_meta);
	if (c->variant + 1 < c->nvariants)
		return;

	test_checks++;
	switch (cur.outcome) {
	case BROKEN:
		test_failures++;
		fprintf(stderr, "%s: %s: verifier error: %s\n", c->file, c->name, cur.msg);
		return;
	case INEXPRESSIBLE:
		row->n[NOT_EXPRESSIBLE]++;
		if (verbose)
			fprintf(stderr, "not-expr %s: %s: %s\n", c->file, c->name, cur.msg);
		return;
	case REJECTED:
		/* a rejection from an approximated entry state says little,
		 * unless it is at an instruction PREVAIL flags too */
		if (cur.approx && !(c->reject && cur.same_insn))
			col = NOT_EXPRESSIBLE;
		else
			col = c->reject ? AGREE_REJECT : BPFVM_ONLY;
		break;
	default:
		col = c->reject ? PREVAIL_ONLY : AGREE_ACCEPT;
		break;
	}
	row->n[col]++;
	if (col == PREVAIL_ONLY) {
		int k = find_known(reviewed, sizeof(reviewed) / sizeof(reviewed[0]), c);

		if (k < 0) {
			test_failures++;
			fprintf(stderr, "%s: %s: PREVAIL rejects, bpfvm accepts, and the case is not "
				"in the reviewed list: a soundness gap, or a reason to review\n",
				c->file, c->name);
		} else {
			seen_reviewed[k] = true;
			if (verbose)
				fprintf(stderr, "prevail-rej %s: %s: %s\n", c->file, c->name,
					reviewed[k].why);
		}
	} else if (col == BPFVM_ONLY) {
		size_t k = 0;

		while (!strstr(cur.msg, precision[k].substr))
			k++;
		precision_n[k]++;
		if (verbose)
			fprintf(stderr, "%s %s: %s: %s\n", col_names[col], c->file, c->name, cur.msg);
	} else if (col == AGREE_REJECT) {
		agree_same_insn += cur.same_insn;
		if (verbose)
			fprintf(stderr, "%s%s %s: %s: %s\n", col_names[col],
				cur.same_insn ? "" : " (elsewhere)", c->file, c->name, cur.msg);
	} else if (verbose && col != AGREE_ACCEPT) {
		fprintf(stderr, "%s %s: %s: %s\n", col_names[col], c->file, c->name, cur.msg);
	}
}

static bool parse_line(struct pcase *c, char *line)
{
	struct bpfvm_verify_entry *e = &c->entry;
	long long a[9];
	unsigned long long u[2];
	char *arg = strchr(line, ' ');

	arg = arg ? arg + 1 : line + strlen(line);
	if (!strncmp(line, "expect ", 7)) {
		c->reject = !strcmp(arg, "reject");
		c->exception = !strcmp(arg, "exception");
	} else if (!strncmp(line, "fail ", 5)) {
		if (c->nfail < 16)
			c->fail[c->nfail++] = (uint32_t)strtoul(arg, NULL, 10);
	} else if (!strncmp(line, "variant ", 8)) {
		if (sscanf(arg, "%u %u", &c->variant, &c->nvariants) != 2 ||
		    c->variant >= c->nvariants)
			return false;
	} else if (!strncmp(line, "approx ", 7)) {
		c->approx = true;
	} else if (!strncmp(line, "approx_meta ", 12)) {
		c->approx_meta = true;
	} else if (!strncmp(line, "inexpressible ", 14)) {
		snprintf(c->inexpressible, sizeof(c->inexpressible), "%s", arg);
	} else if (!strncmp(line, "option ", 7) || !strncmp(line, "note ", 5)) {
		/* PREVAIL's options change its rules, not bpfvm's */
	} else if (!strncmp(line, "map ", 4)) {
		struct bpfvm_verify_map *m = &c->maps[c->nmaps];

		if (c->nmaps == MAX_MAPS || sscanf(arg, "%u %u %u %u", &m->type, &m->key_size,
						   &m->value_size, &m->max_entries) != 4)
			return false;
		m->spin_lock_off = -1;
		m->inner_map = -1;
		c->nmaps++;
	} else if (!strncmp(line, "reg ", 4)) {
		struct bpfvm_verify_entry_reg *r;

		if (sscanf(arg, "%lld %lld %lld %lld %lld %lld %lld %llu %llu", &a[0], &a[1], &a[2],
			   &a[3], &a[4], &a[5], &a[6], &u[0], &u[1]) != 9 || a[0] < 0 || a[0] > 10)
			return false;
		r = &e->regs[a[0]];
		r->kind = (uint32_t)a[1];
		r->map = (uint32_t)a[2];
		r->off_min = a[3];
		r->off_max = a[4];
		r->smin = a[5];
		r->smax = a[6];
		r->umin = u[0];
		r->umax = u[1];
	} else if (!strncmp(line, "pkt_min ", 8)) {
		e->pkt_min = (uint32_t)strtoul(arg, NULL, 10);
	} else if (!strncmp(line, "init ", 5)) {
		if (sscanf(arg, "%lld %lld", &a[0], &a[1]) != 2 || a[0] < -BPFVM_STACK_SIZE ||
		    a[1] > 0)
			return false;
		for (long long o = a[0]; o < a[1]; o++) {
			int i = (int)(o + BPFVM_STACK_SIZE);

			e->stack_init[i / 64] |= 1ull << (i % 64);
		}
	} else if (!strncmp(line, "value ", 6)) {
		struct bpfvm_verify_entry_value *v = &c->values[e->value_cnt];

		if (e->value_cnt == MAX_VALUES ||
		    sscanf(arg, "%lld %lld %lld %lld %llu %llu", &a[0], &a[1], &a[2], &a[3], &u[0],
			   &u[1]) != 6)
			return false;
		*v = (struct bpfvm_verify_entry_value){ (int32_t)a[0], (uint32_t)a[1], a[2], a[3],
							u[0], u[1] };
		e->value_cnt++;
	} else if (!strncmp(line, "insn ", 5)) {
		struct bpfvm_insn *i = &c->insns[c->cnt];

		if (c->cnt == MAX_INSNS ||
		    sscanf(arg, "%lld %lld %lld %lld %lld", &a[0], &a[1], &a[2], &a[3], &a[4]) != 5)
			return false;
		i->code = (uint8_t)a[0];
		i->dst_reg = (uint8_t)a[1];
		i->src_reg = (uint8_t)a[2];
		i->off = (int16_t)a[3];
		i->imm = (int32_t)a[4];
		c->cnt++;
	} else {
		return false;
	}
	return true;
}

static int run_file(FILE *f)
{
	static struct pcase c;
	char line[1024];
	bool in_case = false;
	int ncases = 0;

	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = 0;
		if (!strncmp(line, "case ", 5)) {
			char *sp = strchr(line + 5, ' ');

			memset(&c, 0, sizeof(c));
			c.entry.values = c.values;
			c.nvariants = 1;
			if (sp)
				*sp = 0;
			snprintf(c.file, sizeof(c.file), "%s", line + 5);
			snprintf(c.name, sizeof(c.name), "%s", sp ? sp + 1 : "");
			in_case = true;
		} else if (!strcmp(line, "end")) {
			if (in_case)
				run(&c);
			in_case = false;
			ncases += c.variant + 1 == c.nvariants;
		} else if (in_case && !parse_line(&c, line)) {
			c.bad = true;
		}
	}
	return ncases;
}

int main(void)
{
	const char *shared = test_shared_dir(), *src = getenv("BPFVM_SRC"),
		   *build = getenv("BPFVM_BUILD");
	char cmd[8192], out[4096];
	int ncases, n = 0, tot[NCOLS] = { 0 };
	FILE *f;

	if (!shared)
		return test_skip("../shared (BPFVM_SHARED) is absent: no PREVAIL cases");
	if (!src || !build)
		return test_skip("BPFVM_SRC or BPFVM_BUILD unset");
	if (system("python3 -c 'import yaml' 2>/dev/null") != 0)
		return test_skip("python3 with PyYAML (python3-yaml) is missing");
	for (int32_t id = 0; id < 256; id++)
		if (bpfvm_helper_proto(id))
			all_helpers[n++] = id;
	prevail_type.helper_cnt = (uint32_t)n;
	snprintf(out, sizeof(out), "%s/prevail-cases.txt", build);
	snprintf(cmd, sizeof(cmd), "python3 '%s/tests/verifier/prevail_cases.py' "
		 "'%s/prevail-tests/test-data' '%s'", src, shared, out);
	if (system(cmd) != 0) {
		fprintf(stderr, "converter failed: %s\n", cmd);
		return 1;
	}
	f = fopen(out, "r");
	if (!f) {
		perror(out);
		return 1;
	}
	ncases = run_file(f);
	fclose(f);

	printf("%-16s", "file");
	for (int j = 0; j < NCOLS; j++)
		printf(" %11s", col_names[j]);
	printf("\n");
	for (int i = 0; i < nrows; i++) {
		printf("%-16s", rows[i].file);
		for (int j = 0; j < NCOLS; j++) {
			printf(" %11d", rows[i].n[j]);
			tot[j] += rows[i].n[j];
		}
		printf("\n");
	}
	printf("%-16s", "total");
	for (int j = 0; j < NCOLS; j++)
		printf(" %11d", tot[j]);
	printf("\n%d cases, %d harness-exception cases not run, %d with an approximated entry "
	       "state; verifier time %.1f ms\n",
	       ncases, exceptions, approx_cases, (double)total_ns / 1e6);

	printf("agree-reject at an instruction PREVAIL also flags: %d of %d\n", agree_same_insn,
	       tot[AGREE_REJECT]);
	printf("bpfvm-only rejects by reason:\n");
	for (size_t k = 0; k < NPRECISION; k++)
		if (precision_n[k])
			printf("%4d  %s\n", precision_n[k], precision[k].why);

	CHECK(ncases == 802);
	for (size_t i = 0; i < sizeof(reviewed) / sizeof(reviewed[0]); i++)
		if (!seen_reviewed[i]) {
			test_checks++;
			test_failures++;
			fprintf(stderr, "%s: %s: in the reviewed list, but no longer accepted by bpfvm "
				"where PREVAIL rejects: remove it\n", reviewed[i].file, reviewed[i].name);
		}
	if (tot[BPFVM_ONLY] > max_bpfvm_only)
		fprintf(stderr, "%d bpfvm-only rejects, more than the %d measured: lost precision\n",
			tot[BPFVM_ONLY], max_bpfvm_only);
	CHECK(tot[BPFVM_ONLY] <= max_bpfvm_only);
	if (agree_same_insn < min_same_insn)
		fprintf(stderr, "%d agreed rejections at an instruction PREVAIL flags, fewer than "
			"the %d measured (VERBOSE=1 lists the others as \"elsewhere\")\n",
			agree_same_insn, min_same_insn);
	CHECK(agree_same_insn >= min_same_insn);
	return test_exit();
}
