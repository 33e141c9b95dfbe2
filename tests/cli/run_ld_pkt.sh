#!/bin/bash
# bpfvm run, end to end, for the legacy packet loads (BPF_LD | BPF_ABS /
# BPF_IND) of the clang-built tests/progs/run_ld_pkt.c, both engines: IPv4
# with and without options (the transport offset in a register: IND loads),
# UDP and TCP, other frames, and reads past the packet ending the program with
# 0. The socket filter reading from the headers (SKF_LL_OFF/SKF_NET_OFF) must
# agree with the one reading from skb->data; in a subprogram a failed load
# returns 0 to the caller. run_kernel_diff.sh runs the same programs in Linux.
export RUN_LIB_DIR="$(cd "$(dirname "$0")" && pwd)"
exec python3 - <<'PY'
import os, sys
sys.path.insert(0, os.environ["RUN_LIB_DIR"])
from run_lib import *

skip_unless_ready()


def want(dport, src_lo, payload0):
    return dport << 16 | src_lo << 8 | payload0


cases = [
    ("udp", udp_packet("10.0.0.2", "10.0.0.1", 1234, 53, b"query"), want(53, 2, ord("q"))),
    ("udp ip options", udp_packet("10.0.0.7", "10.0.0.1", 1, 8080, b"xyz",
                                  options=bytes([1, 1, 1, 0, 1, 1, 1, 0])),
     want(8080, 7, ord("x"))),
    ("tcp", tcp_packet("10.0.0.9", "10.0.0.1", 40000, 443, b"GET"), want(443, 9, ord("G"))),
    ("udp without payload (read past the end)",
     udp_packet("10.0.0.2", "10.0.0.1", 1, 53, b""), 0),
    ("udp with one payload byte", udp_packet("10.0.0.2", "10.0.0.1", 1, 53, b"!"),
     want(53, 2, ord("!"))),
    ("ipv6", ipv6_packet("2001:db8::1", "2001:db8::2"), 6),
    ("arp", arp_packet(), 1),
    ("icmp", eth(0x0800, ipv4("10.0.0.2", "10.0.0.1", 1, bytes(8))), 2),
    ("ethernet header only", eth(0x1234, b""), 1),
    ("truncated udp header", udp_packet("10.0.0.2", "10.0.0.1", 1, 53)[:35], 0),
]
for label, data, expected in cases:
    for prog in ["sf_ldabs", "sf_netoff", "tc_ldabs"]:
        res = run("run_ld_pkt", prog, "%s %s" % (prog, label), data=data)
        if res:
            eq(res["retval"], expected, "%s %s: retval" % (prog, label))
            eq(res["data_out"], data.hex(), "%s %s: packet untouched" % (prog, label))
# A failed load in a subprogram returns 0 to the caller, which goes on.
short = udp_packet("10.0.0.2", "10.0.0.1", 1234, 53, b"query")
long_ = udp_packet("10.0.0.2", "10.0.0.1", 1234, 53, bytes(range(0x40, 0x60)))
for label, data, expected in [("short", short, 53 * 65536 + 1),
                              ("long", long_, 53 * 65536 + (long_[60] << 8 | long_[61]) + 1),
                              ("runt udp header", short[:36], 0 * 65536 + 1)]:
    res = run("run_ld_pkt", "tc_ldsub", "tc_ldsub " + label, data=data)
    if res:
        eq(res["retval"], expected, "tc_ldsub %s: retval" % label)
res = run("run_ld_pkt", "tc_ldabs", "tc_ldabs repeat", data=cases[0][1], repeat=50)
if res:
    eq(res["retval"], cases[0][2], "tc_ldabs repeat: retval")
finish()
PY
