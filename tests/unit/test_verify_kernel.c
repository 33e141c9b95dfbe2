/* The verifier's case suite against the Linux kernel's verifier on this
 * machine: every case of tests/verifier/ is also loaded with BPF_PROG_LOAD
 * (maps created for real, map references patched to their fds) and the two
 * verdicts are compared. Skips without root or BPF. bpfvm is deliberately
 * stricter in places (uninitialised stack, pointer leaks that privileged
 * Linux allows), so the differences are listed; what must hold is that no
 * case the kernel rejects as unsafe is accepted by bpfvm unless it is one of
 * the known, reviewed differences below. */
#include <errno.h>
#include <linux/bpf.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "bpfvm/error.h"
#include "bpfvm/isa.h"
#include "verify_cases.h"

static int compared, agree, skipped, only_kernel_accepts, only_bpfvm_accepts, unexpected;

/* Accepted by bpfvm, refused by Linux, reviewed: Linux refuses for reasons
 * that are not memory safety in a user-space runtime. */
static const char *const bpfvm_more_permissive[] = {
	/* "div by zero": Linux refuses an immediate 0 divisor; the ISA defines it */
	"modulo by zero keeps dividend",
	/* "misaligned stack access": Linux requires aligned stack accesses for
	 * its spill tracking; bpfvm tracks the stack per byte */
	"jeq to a constant makes the register constant",
	"range narrowed twice from both sides",
	/* Linux knows array lookups at constant keys are not null only when the
	 * key is tracked on its stack, which a 4-byte store of 3 is not */
	"array element at a constant index in range needs no null check",
	"map key read as a constant, both keys in range",
	"map key read as a constant when the call's map is not known, both keys in range",
	/* Linux (privileged) makes the 32-bit difference of two pointers an
	 * unknown number; bpfvm keeps the value it has when both point into
	 * the same packet */
	"32-bit distance between two packet pointers is a number",
	"32-bit copy of a packet pointer then its distance to another",
	/* "missing btf func_info": Linux needs BTF to type a callback */
	"bpf_loop with a counting callback",
	"for_each_map_elem reading key and value",
	"packet pointers survive bpf_loop",
	"the context kept in r6 across bpf_loop, loaded in the main program",
	"bpf_loop callback writes next to the spilled context pointer",
	"bpf_loop callback uses the context pointer spilled in its context",
	"bpf_loop callback writes at a variable offset clear of the pointer",
	"bpf_loop callback whose subprogram writes next to the pointer",
	"for_each_map_elem callback writes next to the spilled context pointer",
	"nested bpf_loop: the inner callback writes next to the outer caller's pointer",
	/* Linux marks r0 unknown after a legacy packet load; bpfvm knows the
	 * zero-extended value fits the load's width */
	"byte load indexes a 256-byte value",
	"word load is zero-extended",
	/* "cannot use helper bpf_override_return": the helper exists only in
	 * kernels built with CONFIG_BPF_KPROBE_OVERRIDE (not this machine's) */
	"kprobe may call override_return",
	/* "LD_ABS is not allowed in subprogs without BTF": Linux needs the
	 * subprogram's BTF return type; bpfvm walks the failed load's return 0 */
	"in a subprogram, the context passed in r1",
	"a subprogram's 0 return is checked by the caller",
	"in a bpf_loop callback: the context reached through the caller's stack",
};

static long sys_bpf(int cmd, union bpf_attr *attr)
{
	return syscall(__NR_bpf, cmd, attr, sizeof(*attr));
}

static int create_map(const struct bpfvm_verify_map *m, const uint8_t *value)
{
	union bpf_attr a;
	int fd;

	memset(&a, 0, sizeof(a));
	a.map_type = m->type;
	a.key_size = m->key_size;
	a.value_size = m->value_size;
	a.max_entries = m->max_entries;
	a.map_flags = m->flags | (m->type == BPF_MAP_TYPE_LPM_TRIE ? BPF_F_NO_PREALLOC : 0);
	fd = (int)sys_bpf(BPF_MAP_CREATE, &a);
	if (fd < 0 || !value)
		return fd;
	{
		uint32_t key = 0;

		/* a read-only map is filled before the program's view is frozen */
		memset(&a, 0, sizeof(a));
		a.map_fd = (uint32_t)fd;
		a.key = (uint64_t)(unsigned long)&key;
		a.value = (uint64_t)(unsigned long)value;
		sys_bpf(BPF_MAP_UPDATE_ELEM, &a);
		memset(&a, 0, sizeof(a));
		a.map_fd = (uint32_t)fd;
		sys_bpf(BPF_MAP_FREEZE, &a);
	}
	return fd;
}

static bool known(const char *name)
{
	for (size_t i = 0; i < sizeof(bpfvm_more_permissive) / sizeof(bpfvm_more_permissive[0]); i++)
		if (!strcmp(bpfvm_more_permissive[i], name))
			return true;
	return false;
}

static void kernel_case(struct tcase *c)
{
	struct bpfvm_insn *insns = NULL;
	struct bpfvm_verify_input in = { 0 };
	struct bpfvm_verify_result res;
	uint32_t cnt = 0;
	int fds[MAX_MAPS], pfd, ok = 1;
	bool ours, theirs;
	union bpf_attr a;
	static char log[65536];

	if (c->slow || bpfvm_asm(c->text ? c->text : "", &insns, &cnt))
		return;
	for (uint32_t i = 0; i < c->nmaps; i++)
		if (c->maps[i].spin_lock_off >= 0 || c->maps[i].inner_map >= 0)
			ok = 0; /* needs BTF or an inner map fd: not compared */
	if (!ok) {
		skipped++;
		free(insns);
		return;
	}
	in.insns = insns;
	in.insn_cnt = cnt;
	in.prog_type = c->prog_type;
	in.expected_attach_type = c->attach;
	in.maps = c->maps;
	in.map_cnt = c->nmaps;
	in.map_values = c->values;
	ours = bpfvm_verify(&in, &res) == 0;
	bpfvm_verify_result_free(&res);
	for (uint32_t i = 0; i < c->nmaps; i++)
		fds[i] = create_map(&c->maps[i], c->values[i]);
	for (uint32_t i = 0; i + 1 < cnt; i++) {
		struct bpfvm_insn *x = &insns[i];

		if (x->code != (BPF_LD | BPF_IMM | BPF_DW))
			continue;
		if (x->src_reg == 5 || x->src_reg == 6) {
			uint32_t idx = (uint32_t)x->imm;

			x->src_reg = x->src_reg == 5 ? BPF_PSEUDO_MAP_FD : BPF_PSEUDO_MAP_VALUE;
			x->imm = idx < c->nmaps ? fds[idx] : -1;
		}
		i++;
	}
	memset(&a, 0, sizeof(a));
	a.prog_type = c->prog_type;
	a.expected_attach_type = c->attach;
	a.insns = (uint64_t)(unsigned long)insns;
	a.insn_cnt = cnt;
	a.license = (uint64_t)(unsigned long)"GPL";
	a.log_buf = (uint64_t)(unsigned long)log;
	a.log_size = sizeof(log);
	a.log_level = 1;
	log[0] = '\0';
	pfd = (int)sys_bpf(BPF_PROG_LOAD, &a);
	theirs = pfd >= 0;
	if (pfd >= 0)
		close(pfd);
	for (uint32_t i = 0; i < c->nmaps; i++)
		if (fds[i] >= 0)
			close(fds[i]);
	free(insns);
	compared++;
	if (ours == theirs) {
		agree++;
		return;
	}
	if (theirs) {
		only_kernel_accepts++;
		if (getenv("VERBOSE"))
			fprintf(stderr, "kernel accepts, bpfvm rejects: %s: %s: %s\n", c->file, c->name,
				res.message);
		return;
	}
	only_bpfvm_accepts++;
	{
		/* the kernel's reason: the line before its closing statistics */
		char *end = log + strlen(log), *line = NULL;

		for (int k = 0; k < 2; k++) {
			while (end > log && end[-1] == '\n')
				*--end = '\0';
			line = strrchr(log, '\n');
			if (k == 0 && line)
				*line = '\0', end = line;
		}
		if (!known(c->name)) {
			unexpected++;
			fprintf(stderr, "bpfvm accepts, kernel rejects: %s: %s: kernel: %s\n", c->file,
				c->name, line ? line + 1 : log);
		}
	}
}

int main(void)
{
	union bpf_attr a;
	struct bpf_insn ret0[2] = { { .code = BPF_ALU64 | BPF_MOV | BPF_K }, { .code = BPF_JMP | BPF_EXIT } };
	int fd;

	memset(&a, 0, sizeof(a));
	a.prog_type = BPF_PROG_TYPE_SOCKET_FILTER;
	a.insns = (uint64_t)(unsigned long)ret0;
	a.insn_cnt = 2;
	a.license = (uint64_t)(unsigned long)"GPL";
	fd = (int)sys_bpf(BPF_PROG_LOAD, &a);
	if (fd < 0)
		return test_skip("the kernel refuses BPF_PROG_LOAD here (not root, or no BPF)");
	close(fd);
	if (cases_for_each(kernel_case) < 0)
		return test_skip("tests/verifier not found (BPFVM_SRC unset)");
	printf("%d cases compared with the kernel (%d not comparable): %d same verdict, "
	       "%d accepted only by the kernel, %d accepted only by bpfvm (%d not reviewed)\n",
	       compared, skipped, agree, only_kernel_accepts, only_bpfvm_accepts, unexpected);
	CHECK(compared > 100);
	CHECK(unexpected == 0);
	return test_exit();
}
