#!/bin/bash
# bpfvm run, end to end: an LRU flow table (LRU_HASH and LRU_PERCPU_HASH) and
# longest-prefix-match routes (LPM_TRIE, IPv4 /0../32 and IPv6), from
# run_lru.c and run_lpm.c. Asserts flow counters, LRU eviction keeping the
# newest keys, and the next hop chosen for each address.
export RUN_LIB_DIR="$(cd "$(dirname "$0")" && pwd)"
exec python3 - <<'PY'
import os, socket, sys
sys.path.insert(0, os.environ["RUN_LIB_DIR"])
from run_lib import *

skip_unless_ready()

# --- LRU flow table ---
pkt = udp_packet("10.0.0.2", "10.0.0.1", 1234, 80)
flow = socket.inet_aton("10.0.0.2").hex() + socket.inet_aton("10.0.0.1").hex()
res = run("run_lru", "lru_flow", "lru_flow x3", data=pkt, repeat=3)
if res:
    eq(res["retval"], 2, "lru_flow: retval")
    eq(map_dict(res, "flows"), {flow: u64(3) + u64(3 * len(pkt))}, "lru_flow: flows")
    fb = map_dict(res, "flow_bytes")
    eq(list(fb), [flow], "lru_flow: flow_bytes keys")
    if flow in fb:
        eq(percpu_sum(fb[flow]), 3 * len(pkt), "lru_flow: flow_bytes summed over CPUs")
# An existing flow (prefilled) keeps counting.
res = run("run_lru", "lru_flow", "lru_flow prefilled", data=pkt,
          maps=[("flows", flow, u64(10) + u64(1000))])
if res:
    eq(map_dict(res, "flows"), {flow: u64(11) + u64(1000 + len(pkt))}, "lru_flow: prefilled")

res = run("run_lru", "lru_fill", data=bytes(64))
if res:
    eq(res["retval"], 0, "lru_fill: every insert succeeds and key 32 survives")
    small = {le(bytes.fromhex(k)): le(bytes.fromhex(v)) for k, v in map_dict(res, "small_lru").items()}
    check(0 < len(small) <= 8, "lru_fill: 1..8 entries in an 8-entry LRU, got %d" % len(small))
    eq(small.get(32), 320, "lru_fill: newest key 32")
    check(all(v == k * 10 for k, v in small.items()), "lru_fill: values intact: %r" % small)
    check(min(small) > 8, "lru_fill: the oldest keys were evicted: %r" % sorted(small))

# --- LPM routes ---
def v4key(prefix, addr):
    return u32(prefix) + socket.inet_aton(addr).hex()


def v6key(prefix, addr):
    return u32(prefix) + socket.inet_pton(socket.AF_INET6, addr).hex()


routes4 = [("routes4", v4key(0, "0.0.0.0"), u32(1)),
           ("routes4", v4key(8, "10.0.0.0"), u32(8)),
           ("routes4", v4key(16, "10.1.0.0"), u32(16)),
           ("routes4", v4key(24, "10.1.2.0"), u32(24)),
           ("routes4", v4key(31, "10.1.2.2"), u32(31)),
           ("routes4", v4key(32, "10.1.2.3"), u32(32)),
           ("routes4", v4key(12, "172.16.0.0"), u32(12))]
for dst, hop in [("10.1.2.3", 32), ("10.1.2.2", 31), ("10.1.2.4", 24), ("10.1.3.1", 16),
                 ("10.200.0.1", 8), ("172.31.255.255", 12), ("172.32.0.0", 1),
                 ("192.0.2.1", 1)]:
    res = run("run_lpm", "lpm_route", "lpm v4 " + dst,
              data=udp_packet("192.0.2.9", dst, 1, 2), maps=routes4)
    if res:
        eq(res["retval"], hop, "lpm v4 %s: next hop" % dst)
        eq(len(find_map(res, "routes4")), len(routes4), "lpm v4 %s: routes4 size" % dst)
# Without a default route, no match gives 0.
res = run("run_lpm", "lpm_route", "lpm v4 no default",
          data=udp_packet("192.0.2.9", "192.0.2.1", 1, 2), maps=routes4[1:])
if res:
    eq(res["retval"], 0, "lpm v4 without a default route")

routes6 = [("routes6", v6key(0, "::"), u32(100)),
           ("routes6", v6key(32, "2001:db8::"), u32(132)),
           ("routes6", v6key(48, "2001:db8:1::"), u32(148)),
           ("routes6", v6key(64, "2001:db8:1:2::"), u32(164)),
           ("routes6", v6key(127, "2001:db8:1:2::2"), u32(227)),
           ("routes6", v6key(128, "2001:db8:1:2::1"), u32(228))]
for dst, hop in [("2001:db8:1:2::1", 228), ("2001:db8:1:2::3", 227), ("2001:db8:1:2::9", 164),
                 ("2001:db8:1:3::1", 148), ("2001:db8:2::1", 132), ("fe80::1", 100)]:
    res = run("run_lpm", "lpm_route", "lpm v6 " + dst,
              data=ipv6_packet("2001:db8::99", dst), maps=routes6)
    if res:
        eq(res["retval"], hop, "lpm v6 %s: next hop" % dst)

res = run("run_lpm", "lpm_self", data=bytes(64))
if res:
    eq(res["retval"], 4321, "lpm_self: lookups after the program's own updates")
    eq(sorted(map_dict(res, "routes4").items()),
       sorted([(v4key(0, "0.0.0.0"), u32(1)), (v4key(8, "10.0.0.0"), u32(2)),
               (v4key(16, "10.1.0.0"), u32(3)), (v4key(32, "10.1.2.3"), u32(4))]),
       "lpm_self: routes4")
finish()
PY
