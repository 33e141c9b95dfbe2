#!/bin/bash
# bpfvm run, end to end: the XDP Ethernet/IPv4/UDP parser (run_xdp_parse.c)
# with a hash-map port blocklist, per-CPU verdict counters (PERCPU_ARRAY) and
# per-protocol byte counters (PERCPU_HASH), on packets built here. Asserts the
# verdicts, that the packet comes back unchanged, and every map afterwards.
export RUN_LIB_DIR="$(cd "$(dirname "$0")" && pwd)"
exec python3 - <<'PY'
import os, sys
sys.path.insert(0, os.environ["RUN_LIB_DIR"])
from run_lib import *

skip_unless_ready()
O, P = "run_xdp_parse", "xdp_parse"
XDP_ABORTED, XDP_DROP, XDP_PASS = 0, 1, 2
block = [("blocklist", u16(9999), u64(0)), ("blocklist", u16(53), u64(40))]


def verdict_counts(res):
    return {int.from_bytes(bytes.fromhex(k), "little"): percpu_sum(v)
            for k, v in map_dict(res, "verdicts").items() if percpu_sum(v)}


def proto_bytes(res):
    return {int(k, 16): percpu_sum(v) for k, v in map_dict(res, "proto_bytes").items()}


cases = [
    # label, packet, expected verdict, blocklist after (port -> count), proto bytes
    ("udp to an allowed port", udp_packet("10.0.0.2", "10.0.0.1", 1234, 80), XDP_PASS,
     {9999: 0, 53: 40}, {17: 32}),
    ("udp to a blocked port", udp_packet("10.0.0.2", "10.0.0.1", 1234, 9999), XDP_DROP,
     {9999: 1, 53: 40}, {17: 32}),
    ("udp to port 53 (prefilled count 40)", udp_packet("10.0.0.2", "10.0.0.1", 5, 53), XDP_DROP,
     {9999: 0, 53: 41}, {17: 32}),
    ("ip options before udp", udp_packet("10.0.0.2", "10.0.0.1", 1, 9999,
                                         options=bytes([1, 1, 1, 0])), XDP_DROP,
     {9999: 1, 53: 40}, {17: 36}),
    ("tcp", tcp_packet("10.0.0.2", "10.0.0.1", 1, 9999), XDP_PASS, {9999: 0, 53: 40}, {6: 45}),
    ("arp", arp_packet(), XDP_PASS, {9999: 0, 53: 40}, {}),
    ("ethernet header only", eth(0x0800, b""), XDP_ABORTED, {9999: 0, 53: 40}, {}),
    ("truncated udp header", udp_packet("10.0.0.2", "10.0.0.1", 1, 9999)[:38], XDP_ABORTED,
     {9999: 0, 53: 40}, {17: 32}),
]
for label, pkt, verdict, blocked, pbytes in cases:
    res = run(O, P, label, data=pkt, maps=block)
    if not res:
        continue
    eq(res["retval"], verdict, label + ": retval")
    eq(res["data_out"], pkt.hex(), label + ": data_out")
    eq({int.from_bytes(bytes.fromhex(k), "little"): le(bytes.fromhex(v))
        for k, v in map_dict(res, "blocklist").items()}, blocked, label + ": blocklist")
    eq(verdict_counts(res), {verdict: 1}, label + ": verdicts")
    eq(proto_bytes(res), pbytes, label + ": proto_bytes")
    for k, v in map_dict(res, "verdicts").items():
        check(isinstance(v, list) and len(v) == possible_cpus(),
              "%s: a per-CPU value lists one slot per possible CPU (%d): %r" %
              (label, possible_cpus(), v))

# Repeated runs accumulate in the maps.
pkt = udp_packet("10.0.0.2", "10.0.0.1", 1234, 9999)
res = run(O, P, "repeat 5", data=pkt, maps=block, repeat=5)
if res:
    eq(res["retval"], XDP_DROP, "repeat 5: retval")
    eq(map_dict(res, "blocklist").get(u16(9999)), u64(5), "repeat 5: blocklist[9999]")
    eq(verdict_counts(res), {XDP_DROP: 5}, "repeat 5: verdicts")
    eq(proto_bytes(res), {17: 5 * 32}, "repeat 5: proto_bytes")

# A per-CPU prefill puts the value in every CPU's slot.
res = run(O, P, "per-cpu prefill", data=arp_packet(), maps=[("verdicts", u32(2), u64(7))])
if res:
    slots = map_dict(res, "verdicts").get(u32(2), [])
    check(len(slots) >= 1 and all(le(bytes.fromhex(s)) in (7, 8) for s in slots)
          and sum(le(bytes.fromhex(s)) for s in slots) == 7 * len(slots) + 1,
          "per-cpu prefill: every slot 7, the running CPU's 8: %r" % (slots,))
finish()
PY
