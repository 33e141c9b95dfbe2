/* Loading a program: the pipeline from an instruction array to a callable
 * program bound to its maps, its program type and bpfvm's helpers, in the
 * order Linux's BPF_PROG_LOAD follows (check, verify, rewrite, fix up, JIT).
 * Nothing runs that the verifier has not accepted. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "bpfvm/helpers.h"
#include "bpfvm/isa.h"
#include "bpfvm/map.h"
#include "bpfvm/prog.h"
#include "bpfvm/verify.h"
#include "exec/prog_internal.h"
#include "helpers/proto.h"
#include "isa/opcodes.h"
#include "maps/map.h"
#include "progtype/ctx_rewrite.h"
#include "progtype/ctx_store.h"
#include "util/error.h"

/* Binds a helper call only when the program type allows that helper. */
static int resolve_for_type(void *cookie, int32_t id, struct bpfvm_helper_binding *out)
{
	const struct bpfvm_prog *prog = cookie;
	const struct bpfvm_helper_proto *proto = bpfvm_helper_proto(id);

	if ((id == BPFVM_HELPER_ID_LD_PKT_B || id == BPFVM_HELPER_ID_LD_PKT_H ||
	     id == BPFVM_HELPER_ID_LD_PKT_W) && !prog->type->ld_pkt)
		return bpfvm_errorf(-EINVAL, "legacy packet loads are not allowed in %s programs",
				    prog->type->name);
	if (proto && !bpfvm_progtype_helper_allowed(prog->type, id))
		return bpfvm_errorf(-EINVAL, "helper %d (bpf_%s) is not allowed in %s programs",
				    id, proto->name, prog->type->name);
	return bpfvm_helper_resolve(NULL, id, out);
}

/* Turns the loader's map references into the addresses the program uses. */
static int relocate_maps(struct bpfvm_insn *insns, uint32_t cnt,
			 const struct bpfvm_prog_load_opts *opts)
{
	for (uint32_t i = 0; i + 1 < cnt; i++) {
		struct bpfvm_insn *in = &insns[i];
		uint64_t value;
		void *addr;
		int err;

		if (in->code != (BPF_LD | BPF_IMM | BPF_DW))
			continue;
		if (in->src_reg != BPF_PSEUDO_MAP_IDX && in->src_reg != BPF_PSEUDO_MAP_IDX_VALUE) {
			i++;
			continue;
		}
		if (in->imm < 0 || (uint32_t)in->imm >= opts->map_cnt)
			return bpfvm_errorf(-EINVAL, "insn %u: reference to map %d, but the program "
					    "has %u maps", i, in->imm, opts->map_cnt);
		if (in->src_reg == BPF_PSEUDO_MAP_IDX) {
			if (bpfvm_map_type(opts->maps[in->imm]) == BPFVM_MAP_TYPE_PROG_ARRAY &&
			    (err = bpfvm_prog_array_claim(opts->maps[in->imm], opts->prog_type)))
				return bpfvm_error_prefix("insn %u: ", i), err;
			value = (uint64_t)(uintptr_t)opts->maps[in->imm];
		} else {
			err = bpfvm_map_direct_value_addr(opts->maps[in->imm],
							  (uint32_t)insns[i + 1].imm, &addr);
			if (err) {
				bpfvm_error_prefix("insn %u: ", i);
				return err;
			}
			value = (uint64_t)(uintptr_t)addr;
		}
		in->src_reg = 0;
		in->imm = (int32_t)(uint32_t)value;
		insns[i + 1].imm = (int32_t)(uint32_t)(value >> 32);
		i++;
	}
	return 0;
}

/* On acceptance *access is the verifier's context access per instruction,
 * for the rewrite; the caller frees it. */
static int verify(const struct bpfvm_insn *insns, uint32_t cnt,
		  const struct bpfvm_prog_load_opts *opts, struct bpfvm_ctx_access **access)
{
	struct bpfvm_verify_input in = { .insns = insns, .insn_cnt = cnt };
	struct bpfvm_verify_result res;
	struct bpfvm_verify_maps maps;
	int err;

	if ((err = bpfvm_verify_maps_from_live(opts->maps, opts->map_cnt, &maps)))
		return err;
	in.prog_type = opts->prog_type;
	in.expected_attach_type = opts->expected_attach_type;
	in.maps = maps.maps;
	in.map_cnt = maps.cnt;
	in.map_values = maps.values;
	in.line_of = opts->line_of;
	in.cookie = opts->line_cookie;
	memset(&res, 0, sizeof(res));
	err = bpfvm_verify(&in, &res);
	bpfvm_verify_maps_free(&maps);
	*access = res.ctx_access;
	if (res.verdict == BPFVM_VERIFY_REJECTED)
		return bpfvm_errorf(-EACCES, "%s%s%s", res.line, res.line[0] ? ": " : "",
				    res.message);
	return err;
}

int bpfvm_prog_load(const struct bpfvm_insn *insns, uint32_t insn_cnt,
		    const struct bpfvm_prog_load_opts *opts, struct bpfvm_prog **out)
{
	struct bpfvm_exec_opts eopts = { .sz = sizeof(eopts) };
	struct bpfvm_prog *prog;
	struct bpfvm_insn *copy;
	struct bpfvm_ctx_access *access = NULL;
	int err;

	*out = NULL;
	if ((err = bpfvm_isa_check(insns, insn_cnt)))
		return err;
	prog = calloc(1, sizeof(*prog));
	copy = malloc((size_t)insn_cnt * sizeof(*copy));
	if (!prog || !copy) {
		free(prog);
		free(copy);
		return bpfvm_errorf(-ENOMEM, "out of memory");
	}
	memcpy(copy, insns, (size_t)insn_cnt * sizeof(*copy));
	prog->type = bpfvm_progtype_get(opts->prog_type);
	prog->attach_type = opts->expected_attach_type;
	prog->name = strdup(opts->name ? opts->name : "");
	if (!prog->name) {
		err = bpfvm_errorf(-ENOMEM, "out of memory");
		goto fail;
	}
	if (!prog->type) {
		err = bpfvm_errorf(-EOPNOTSUPP, "program type %u cannot run in bpfvm (supported: "
				   "xdp, socket_filter, sched_cls, sched_act, cgroup_skb, "
				   "cgroup_sock_addr, kprobe, tracepoint, raw_tracepoint, "
				   "perf_event)", opts->prog_type);
		goto fail;
	}
	if ((err = verify(copy, insn_cnt, opts, &access)))
		goto fail;
	err = bpfvm_ctx_rewrite(copy, insn_cnt, prog->type, access);
	if (!err)
		err = bpfvm_ctx_store_rewrite(&copy, &insn_cnt, prog->type, access);
	free(access);
	if (err)
		goto fail;
	if ((err = relocate_maps(copy, insn_cnt, opts)))
		goto fail;
	eopts.engine = opts->engine;
	eopts.jit_harden = opts->jit_harden;
	eopts.prog_type = opts->prog_type;
	eopts.resolve_helper = resolve_for_type;
	eopts.resolver_cookie = prog;
	if ((err = bpfvm_exec_create(copy, insn_cnt, &eopts, &prog->exec)))
		goto fail;
	free(copy);
	*out = prog;
	return 0;
fail:
	free(copy);
	free(prog->name);
	free(prog);
	return err;
}

void bpfvm_prog_free(struct bpfvm_prog *prog)
{
	if (!prog)
		return;
	bpfvm_exec_free(prog->exec);
	free(prog->name);
	free(prog);
}

const char *bpfvm_prog_name(const struct bpfvm_prog *prog)
{
	return prog->name;
}

uint32_t bpfvm_prog_type(const struct bpfvm_prog *prog)
{
	return prog->type->id;
}

const struct bpfvm_exec *bpfvm_prog_exec(const struct bpfvm_prog *prog)
{
	return prog->exec;
}
