#!/bin/bash
# A tail call must never hand a program a context smaller than its verifier
# assumed: as Linux's prog array owner rule, an array holds programs of one
# type (the first program put in or tail-calling through it decides). An XDP
# program's array takes an XDP target and refuses a tc one (whose __sk_buff
# reads would land past struct xdp_md) and a tracepoint one (8 KiB record).
export RUN_LIB_DIR="$(cd "$(dirname "$0")" && pwd)"
exec python3 - <<'PY'
import os, sys
sys.path.insert(0, os.environ["RUN_LIB_DIR"])
from run_lib import *

skip_unless_ready()

res = run("tail_mixed", "xdp_jump", "xdp into xdp", data=bytes(64),
          maps=[("jmp_mixed", "00000000", "xdp_target")])
if res:
    eq(res["retval"], 3, "xdp tail call into an xdp program: XDP_TX")
for target in ("tc_target", "tp_target"):
    rc, out, err = bpfvm(run_args("tail_mixed", "xdp_jump", data=bytes(64),
                                  maps=[("jmp_mixed", "00000000", target)]))
    eq(rc, 2, "xdp prog array refuses %s: %s" % (target, err.strip()))
    check("holds programs of type 6" in err, "%s: the message names the array's type: %s"
          % (target, err.strip()))
finish()
PY
