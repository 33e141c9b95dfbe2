#!/bin/bash
# bpfvm run, end to end: bpf_redirect_map through a BPF_MAP_TYPE_DEVMAP
# (run_redirect_map.c): a filled slot gives XDP_REDIRECT with the target
# reported in the result, an empty slot the fallback verdict from the flags.
export RUN_LIB_DIR="$(cd "$(dirname "$0")" && pwd)"
exec python3 - <<'PY'
import os, sys
sys.path.insert(0, os.environ["RUN_LIB_DIR"])
from run_lib import *

skip_unless_ready()
ports = [("tx_ports", u32(1), u32(5)), ("tx_ports", u32(2), u32(7))]
for first, want, ifindex in [(1, 4, 5), (2, 4, 7), (0, 2, None), (5, 4, 5)]:
    res = run("run_redirect_map", "xdp_redir_map", "redirect_map slot %d" % first,
              data=bytes([first]) + bytes(40), maps=ports)
    if res:
        eq(res["retval"], want, "redirect_map byte %d: verdict" % first)
        r = res.get("redirect")
        if ifindex is None:
            eq(r, None, "redirect_map byte %d: no target" % first)
        else:
            eq((r or {}).get("ifindex"), ifindex, "redirect_map byte %d: target" % first)
            eq((r or {}).get("key"), first & 3, "redirect_map byte %d: key" % first)
finish()
PY
