#!/bin/bash
# bpfvm run, end to end in both engines: bpf_redirect_map through a CPUMAP
# and an XSKMAP (run_redirect_cpu.c). A filled entry gives XDP_REDIRECT with
# the target in the run result (the CPU and its qsize; the socket), an empty
# one the fallback action in the flags' low bits, a flag the map type does not
# take XDP_ABORTED, and of two calls the last decides. The verdicts are
# compared with Linux in run_kernel_diff.sh (XSKMAP only empty there: Linux
# takes only AF_XDP sockets).
export RUN_LIB_DIR="$(cd "$(dirname "$0")" && pwd)"
exec python3 - <<'PY'
import os, sys
sys.path.insert(0, os.environ["RUN_LIB_DIR"])
from run_lib import *

skip_unless_ready()
# CPU 0 and the last CPU (the same on a one-CPU machine: then qsize 64 wins).
last = min(os.cpu_count() or 1, 4) - 1
cpu0 = [("cpu_map", u32(0), u32(192) + u32(0)), ("cpu_map", u32(last), u32(64) + u32(0))]
q0 = 64 if last == 0 else 192
xsk1 = [("xsks_map", u32(1), u32(7))]
for prog, key, flags, maps, want, target in [
        ("xdp_cpu", 0, 2, cpu0, 4, {"cpu": 0, "qsize": q0}),
        ("xdp_cpu", last, 0, cpu0, 4, {"cpu": last, "qsize": 64}),
        ("xdp_cpu", 3 if last != 3 else 2, 2, cpu0, 2, None),
        ("xdp_cpu", 200, 3, cpu0, 3, None),
        ("xdp_cpu", 0, 8, cpu0, 0, None),      # BPF_F_BROADCAST: device maps only
        ("xdp_cpu_twice", 3 if last != 3 else 2, 2, cpu0, 2, None),
        ("xdp_cpu_twice", last, 0, cpu0, 4, {"cpu": last, "qsize": 64}),
        ("xdp_xsk", 1, 2, xsk1, 4, {"xsk": 7}),
        ("xdp_xsk", 0, 1, xsk1, 1, None),
        ("xdp_xsk", 1, 16, xsk1, 0, None)]:
    label = "%s key %d flags %d" % (prog, key, flags)
    res = run("run_redirect_cpu", prog, label, data=bytes([key, flags]) + bytes(60), maps=maps)
    if not res:
        continue
    eq(res["retval"], want, label + ": verdict")
    r = res.get("redirect")
    if target is None:
        eq(r, None, label + ": no target")
    else:
        eq({k: (r or {}).get(k) for k in target}, target, label + ": target")
        eq((r or {}).get("key"), key, label + ": key")
# Entries as user space sees them: a CPU entry reads back as qsize and
# program id 0; XSKMAP entries cannot be read back (listed as none).
res = run("run_redirect_cpu", "xdp_xsk", "listing", data=bytes([1, 2]) + bytes(60),
          maps=cpu0 + xsk1)
if res:
    eq(map_dict(res, "cpu_map"), {u32(0): u32(q0) + u32(0), u32(last): u32(64) + u32(0)},
       "cpu_map listing")
    eq(map_dict(res, "xsks_map"), {}, "xsks_map listing")
for maps, what in [([("cpu_map", u32(0), u32(20000) + u32(0))], "qsize above 16384"),
                   ([("cpu_map", u32(5), u32(1) + u32(0))], "key past max_entries")]:
    rc, out, err = bpfvm(run_args("run_redirect_cpu", "xdp_cpu", data=bytes(62), maps=maps))
    check(rc == 2 and len(err.strip().splitlines()) == 1, "%s: exit %d, %r" % (what, rc, err))
finish()
PY
