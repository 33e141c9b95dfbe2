#!/bin/bash
# bpf_get_stack in both engines (run_get_stack.c): Linux's __bpf_get_stack
# results on bpfvm's one-frame stack (the kprobe context's ip) — bytes
# copied, the rest of the buffer zeroed, -EFAULT/-EINVAL with the buffer
# zeroed, build-id elements with the ip fallback.
export RUN_LIB_DIR="$(cd "$(dirname "$0")" && pwd)"
exec python3 - <<'PY'
import os, struct, sys
sys.path.insert(0, os.environ["RUN_LIB_DIR"])
from run_lib import *

skip_unless_ready()
EFAULT, EINVAL = 14, 22
IP = 0xffffffff81234567
regs = [0] * 21
regs[16] = IP
res = run("run_get_stack", "kprobe_get_stack", ctx=struct.pack("<21Q", *regs))
if res:
    rets = {struct.unpack("<I", bytes.fromhex(k))[0]: struct.unpack("<q", bytes.fromhex(v))[0]
            for k, v in map_dict(res, "ret").items()}
    bufs = {struct.unpack("<I", bytes.fromhex(k))[0]: bytes.fromhex(v)
            for k, v in map_dict(res, "buf").items()}
    eq([rets[i] for i in range(7)], [8, 0, -EFAULT, -EINVAL, -EINVAL, -EINVAL, 32],
       "return values")
    ff = b"\xff" * 64
    eq(bufs[0], (struct.pack("<Q", IP) + bytes(16) + ff)[:64], "one frame, rest zeroed")
    eq(bufs[1], (bytes(24) + ff)[:64], "frame skipped: zeroed")
    eq(bufs[2], (bytes(24) + ff)[:64], "skip past the depth: zeroed")
    eq(bufs[3], (bytes(12) + ff)[:64], "bad size: zeroed")
    eq(bufs[6], struct.pack("<i20sQ", 2, bytes(20), IP) + bytes(32), "build id element")
finish()
PY
