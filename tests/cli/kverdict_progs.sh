#!/bin/bash
# Issue 7's bar on the project's own clang-built programs, measured against
# this machine's kernel verifier with tools/bpfvm-kverdict: every program the
# kernel accepts must be accepted by bpfvm, and every program bpfvm accepts
# that the kernel rejects must be one of the reviewed differences below (a
# kernel rule that does not matter in user space), with its reason. Programs
# of types bpfvm has no tables for yet ("unknown program type") are counted
# and printed, not failed: they are checked here as soon as bpfvm knows the
# type. Bad input to the tool is one line on stderr and exit 2 (checked
# first, without the kernel). Skips without root, a kernel that loads BPF,
# or clang.
set -u
if [ -n "${BPFVM_PROGS_SKIP:-}" ]; then
	echo "SKIP: $BPFVM_PROGS_SKIP"
	exit 77
fi
KV="${BPFVM_BUILD:-}/tools/bpfvm-kverdict"
if [ ! -x "$KV" ]; then
	echo "SKIP: $KV was not built (Linux only)"
	exit 77
fi
bad=0
printf 'not an object' > "${TMPDIR:-/tmp}/kverdict_bad.$$.o"
for args in "/nonexistent/x.o" "${TMPDIR:-/tmp}/kverdict_bad.$$.o" "--bogus" "" \
	"--type nosuch $BPFVM_PROGS/run_xdp_parse.o" "--prog nosuch $BPFVM_PROGS/run_xdp_parse.o"; do
	# shellcheck disable=SC2086
	"$KV" $args > /dev/null 2> "${TMPDIR:-/tmp}/kverdict_err.$$"
	rc=$?
	lines=$(wc -l < "${TMPDIR:-/tmp}/kverdict_err.$$")
	if [ $rc -ne 2 ] || [ "$lines" -ne 1 ]; then
		echo "FAIL: bpfvm-kverdict $args: exit $rc with $lines lines on stderr (want 2 and 1):"
		cat "${TMPDIR:-/tmp}/kverdict_err.$$"
		bad=1
	fi
done
rm -f "${TMPDIR:-/tmp}/kverdict_bad.$$.o" "${TMPDIR:-/tmp}/kverdict_err.$$"
[ $bad -eq 0 ] || exit 1
if [ "$(id -u)" != 0 ]; then
	echo "SKIP: the kernel's verifier needs root (BPF_PROG_LOAD of xdp and tc programs)"
	exit 77
fi
exec python3 - "$KV" "$BPFVM_PROGS" <<'PY'
import glob, os, subprocess, sys

kv, progs = sys.argv[1], sys.argv[2]

# (object, program): why bpfvm may accept what this kernel refuses.
REVIEWED = {
    ("obj_maps.o", "use_maps"):
        # Linux allows bpf_spin_lock only in hash, array and local-storage
        # values, so the LRU map with a lock is created without BTF and the
        # program then fails for want of it; bpfvm's LRU map keeps the lock
        # field inside its element, which eviction recycles as a whole, so
        # a lock in an LRU value is not a memory-safety question here.
        "map 'lru_locked' has to have BTF in order to use bpf_spin_lock",
    ("trace_override.o", "kprobe_override"):
        # bpf_override_return exists only in kernels built with
        # CONFIG_BPF_KPROBE_OVERRIDE; bpfvm offers it to kprobes as such
        # kernels do (it sets pt_regs.ax of bpfvm's own context).
        "cannot use helper bpf_override_return",
}

objs = sorted(glob.glob(os.path.join(progs, "*.o")))
if not objs:
    print("SKIP: no programs in", progs)
    sys.exit(77)
r = subprocess.run([kv] + objs, capture_output=True, text=True, timeout=300)
if r.returncode != 0:
    print("FAIL: bpfvm-kverdict exit", r.returncode, r.stderr.strip())
    sys.exit(1)
rows = [l.split("\t") for l in r.stdout.splitlines() if l and not l.startswith("#")]
tried = [x for x in rows if x[4] != "skip"]
if not any(x[4] == "accept" for x in rows):
    reasons = {x[5] for x in tried}
    print("SKIP: the kernel accepts none of the programs (no BPF here?):", "; ".join(sorted(reasons))[:300])
    sys.exit(77)

fail = 0
same = unsupported = kernel_only_reject = 0
seen_reviewed = set()
for obj, prog, sec, typ, kern, kwhy, ours, owhy, oinsns, kinsns, frm in rows:
    key = (os.path.basename(obj), prog)
    if kern == "skip":
        print(f"not tried by the kernel: {key[0]} {prog}: {kwhy}")
        continue
    if kern == ours:
        same += 1
        continue
    if kern == "accept":
        if owhy.startswith("unknown program type"):
            unsupported += 1
            continue
        print(f"FAIL: the kernel accepts {key[0]} {prog} ({typ}), bpfvm rejects: {owhy}")
        fail = 1
        continue
    kernel_only_reject += 1
    if key not in REVIEWED:
        print(f"FAIL: bpfvm accepts {key[0]} {prog} ({typ}), the kernel rejects it: {kwhy}\n"
              f"      a soundness bug, or a kernel-only rule to review and list in REVIEWED")
        fail = 1
    elif REVIEWED[key] not in kwhy:
        print(f"FAIL: {key[0]} {prog}: the kernel's reason changed: '{kwhy}', "
              f"reviewed was '{REVIEWED[key]}'")
        fail = 1
    else:
        seen_reviewed.add(key)
        print(f"reviewed: bpfvm accepts {key[0]} {prog}, the kernel rejects: {kwhy}")
for key in sorted(set(REVIEWED) - seen_reviewed):
    print(f"note: reviewed difference {key[0]} {key[1]} no longer occurs (kernel and bpfvm agree "
          f"or the program is gone): remove it from REVIEWED")
print(f"{len(rows)} programs: {same} same verdict, {unsupported} kernel-accepted of types bpfvm "
      f"has no tables for, {kernel_only_reject} accepted only by bpfvm (reviewed "
      f"{len(seen_reviewed)}), {len(rows) - len(tried)} not tried by the kernel")
if same < 50:
    print("FAIL: fewer than 50 programs compared")
    fail = 1
sys.exit(fail)
PY
