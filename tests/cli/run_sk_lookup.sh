#!/bin/bash
# Socket lookups through `bpfvm run` in both engines (run_sk_lookup.c):
# bpfvm has no sockets, so bpf_sk_lookup_tcp, bpf_skc_lookup_tcp and
# bpf_sk_lookup_udp return NULL and the programs take their "no socket" path
# (helpers/sk_lookup.c), which is what Linux does for a packet that no local
# socket matches (run_kernel_diff.sh compares the tc one with the kernel).
# Packets the programs do not look up (not IPv4, another protocol) pass.
export RUN_LIB_DIR="$(cd "$(dirname "$0")" && pwd)"
exec python3 - <<'PY'
import os, struct, sys
sys.path.insert(0, os.environ["RUN_LIB_DIR"])
from run_lib import *

skip_unless_ready()
TC_ACT_OK, TC_ACT_UNSPEC, XDP_PASS = 0, -1, 2


def seen(res):
    return {struct.unpack("<I", bytes.fromhex(k))[0]: struct.unpack("<Q", bytes.fromhex(v))[0]
            for k, v in map_dict(res, "seen").items()}


tcp = tcp_packet("10.0.0.2", "10.0.0.1", 40000, 47999)
udp = udp_packet("10.0.0.2", "10.0.0.1", 40000, 47999)
for prog, pkt, want in [("tc_sk_lookup", tcp, TC_ACT_OK), ("tc_skc_lookup", tcp, TC_ACT_OK),
                        ("xdp_sk_lookup_udp", udp, XDP_PASS)]:
    res = run("run_sk_lookup", prog, data=pkt)
    if res:
        eq(res["retval"], want, prog + ": the no-socket path's return value")
        eq([seen(res)[i] for i in range(4)], [1, 0, 0, 0], prog + ": only the no-socket path ran")
for prog, pkt, want in [("tc_sk_lookup", udp, TC_ACT_UNSPEC), ("tc_sk_lookup", arp_packet(), TC_ACT_UNSPEC),
                        ("xdp_sk_lookup_udp", tcp, XDP_PASS)]:
    res = run("run_sk_lookup", prog, prog + " without a lookup", data=pkt)
    if res:
        eq(res["retval"] & 0xffffffff, want & 0xffffffff, prog + ": packet not looked up")
        eq([seen(res)[i] for i in range(4)], [0, 0, 0, 0], prog + ": no lookup ran")
finish()
PY
