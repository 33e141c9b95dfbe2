#!/bin/bash
# bpfvm run, end to end, for the tc helpers of src/helpers/skb.c, both
# engines: the flow hash (get_hash_recalc, set_hash, set_hash_invalid),
# csum_update, skb_change_type, skb_pull_data, and the helpers that resize the
# packet: skb_change_tail (grow with zeroes, trim, the 16064-byte limit),
# skb_change_head (with the MAC header growing with it), skb_adjust_room (IPIP
# encap/decap, ADJ_ROOM_NET, every refusal), skb_change_proto (IPv4 <-> IPv6
# room), the tunnel keys, and bpf_perf_event_output's checks. Expected values are Linux's
# (run_kernel_diff.sh runs the same cases in the kernel): each program stores
# helper results in skb_out.
export RUN_LIB_DIR="$(cd "$(dirname "$0")" && pwd)"
exec python3 - <<'PY'
import os, sys
sys.path.insert(0, os.environ["RUN_LIB_DIR"])
from run_lib import *

skip_unless_ready()
TC_ACT_OK, TC_ACT_SHOT = 0, 2
EINVAL, EFAULT, ENOMEM, EALREADY, ENOTSUPP = 22, 14, 12, 114, 524
PROTO_IP, PROTO_IPV6 = 0x0008, 0xdd86  # skb->protocol: big-endian EtherType as read


def neg(e):
    return (1 << 64) - e


def out(res, want, what):
    """skb_out slots 0..len(want)-1 against want (negative errnos as -e)."""
    got = map_dict(res, "skb_out")
    vals = [le(bytes.fromhex(got.get(u32(i), u64(0)))) for i in range(len(want))]
    eq(vals, [w % (1 << 64) for w in want], what)


pkt = udp_packet("10.0.0.2", "10.0.0.1", 1234, 53, b"query")
n = len(pkt)

res = run("run_skb_helpers", "skb_hash", data=pkt)
if res:
    eq(res["retval"], TC_ACT_OK, "skb_hash: retval")
    out(res, [1, 1, 0x1234, 0, 1, 0, -ENOTSUPP, 0, 1, -EINVAL, 0, 0, -ENOMEM],
        "skb_hash: hash computed once, set, cleared and recomputed alike; set_hash(0) "
        "sticks; csum_update needs CHECKSUM_COMPLETE; change_type; pull_data")
    eq(res["data_out"], pkt.hex(), "skb_hash: packet untouched")
# The flow hash is the same for both directions of a flow, as Linux's.
fwd = run("run_skb_helpers", "skb_hash", "skb_hash forward",
          data=tcp_packet("10.0.0.2", "10.0.0.1", 40000, 80))
rev = run("run_skb_helpers", "skb_hash", "skb_hash reverse",
          data=tcp_packet("10.0.0.1", "10.0.0.2", 80, 40000))
if fwd and rev:
    check(map_dict(fwd, "skb_out") == map_dict(rev, "skb_out"), "skb_hash: both directions")

res = run("run_skb_helpers", "skb_tail_grow", data=pkt)
if res:
    eq(res["retval"], n + 20, "skb_tail_grow: data_end - data after the grow")
    eq(res["data_out"], (pkt + bytes(16) + b"TAIL").hex(), "skb_tail_grow: zeroes, trailer")
    out(res, [0, n + 20, 0], "skb_tail_grow: helper results and skb->len")
res = run("run_skb_helpers", "skb_tail_grow", "skb_tail_grow x3", data=pkt, repeat=3)
if res:
    eq(res["data_out"], (pkt + (bytes(16) + b"TAIL") * 3).hex(),
       "skb_tail_grow x3: each run grows the same skb, as Linux's test-run")

res = run("run_skb_helpers", "skb_tail_limits", data=pkt)
if res:
    eq(res["retval"], 34, "skb_tail_limits: retval")
    out(res, [-EINVAL, -EINVAL, -EINVAL, 0, 16064, 0],
        "skb_tail_limits: below the MAC header, flags, above SKB_MAX_ALLOC refused; 16064 ok")
    eq(res["data_out"], pkt[:34].hex(), "skb_tail_limits: trimmed to the IPv4 header")
res = run("run_skb_helpers", "skb_tail_regrow", data=pkt)
if res:
    out(res, [0, 14, 0], "skb_tail_regrow: trim to 14, grow to 34")
    eq(res["data_out"], (pkt[:14] + bytes(20)).hex(), "skb_tail_regrow: grown bytes are zero")

res = run("run_skb_helpers", "skb_head", data=pkt)
if res:
    eq(res["retval"], n + 18, "skb_head: retval")
    out(res, [-EINVAL, -EINVAL, -EINVAL, 0, n + 14, 0, 0, 0],
        "skb_head: flags, overflow, too long refused; push 14; adjust_room after it")
    new_eth = bytes.fromhex("020000000009020000000008" "88b5")
    eq(res["data_out"], (new_eth + pkt[:14] + bytes.fromhex("abcd0001") + pkt[14:]).hex(),
       "skb_head: new MAC header; adjust_room(MAC) inserts after both MAC headers")

ipip = eth(0x0800, ipv4("10.0.0.2", "10.0.0.1", 4, pkt[14:]))
res = run("run_skb_helpers", "skb_encap", data=pkt)
if res:
    eq(res["retval"], TC_ACT_OK, "skb_encap: retval")
    outer = bytearray(pkt[14:34])
    outer[9] = 4
    eq(res["data_out"], (pkt[:14] + bytes(outer) + pkt[14:]).hex(), "skb_encap: outer header")
    out(res, [0, n + 20, PROTO_IP, -EALREADY], "skb_encap: results; a second encap refused")
res = run("run_skb_helpers", "skb_decap", data=ipip)
if res:
    eq((res["retval"], res["data_out"]), (TC_ACT_OK, pkt.hex()), "skb_decap: inner packet")
    out(res, [0, n], "skb_decap: results")

res = run("run_skb_helpers", "skb_room_limits", data=pkt)
if res:
    out(res, [-EFAULT, -ENOTSUPP, -EINVAL, -EINVAL, -EINVAL, -ENOTSUPP, -ENOTSUPP, -EINVAL,
              -EINVAL, 0, n + 8, 0, -EINVAL, 0],
        "skb_room_limits: refusals, NET grow and shrink, MAC shrink")
    eq(res["data_out"], (pkt[:14] + pkt[18:]).hex(), "skb_room_limits: 4 bytes after MAC gone")
res = run("run_skb_helpers", "skb_room_limits", "skb_room_limits arp", data=arp_packet())
if res:
    out(res, [-EFAULT, -ENOTSUPP, -EINVAL] + [-ENOTSUPP] * 7 + [42] + [-ENOTSUPP] * 3,
        "skb_room_limits arp: only IPv4 and IPv6 packets (after the argument checks)")
    eq(res["data_out"], arp_packet().hex(), "skb_room_limits arp: packet untouched")

res = run("run_skb_helpers", "skb_proto", data=pkt)
if res:
    eq((res["retval"], res["data_out"]), (n, pkt.hex()), "skb_proto: back to the original")
    out(res, [-EINVAL, -ENOTSUPP, 0, PROTO_IPV6, n + 20, -ENOTSUPP, 0, PROTO_IP],
        "skb_proto: flags, unknown protocol, 4->6 (+20), 6->6, 6->4")
v6 = ipv6_packet("2001:db8::1", "2001:db8::2")
res = run("run_skb_helpers", "skb_proto", "skb_proto ipv6", data=v6)
if res:
    eq((res["retval"], res["data_out"]), (len(v6) - 20, (v6[:14] + v6[34:]).hex()),
       "skb_proto ipv6: 20 bytes after the MAC header gone")
    out(res, [-EINVAL, -ENOTSUPP, -ENOTSUPP, PROTO_IPV6, len(v6), -ENOTSUPP, 0, PROTO_IP],
        "skb_proto ipv6: results")

# bpf_perf_event_output without a consumer: Linux's errors, in Linux's order.
res = run("run_skb_perf", "tc_perf", data=pkt)
if res:
    eq([le(bytes.fromhex(v)) for k, v in find_map(res, "perf_out")],
       [neg(2), neg(EINVAL), neg(EFAULT), neg(7)],
       "tc_perf: -ENOENT (no consumer), -EINVAL (flags), -EFAULT (ctx len), -E2BIG (index)")

# Tunnel keys: set as a transmit key, read back as a receive key (remote and
# local swap), flags as Linux's IP_TUNNEL_* bits in network order.
EPROTO = 71
res = run("run_skb_tunnel", "tun_v4", data=pkt)
if res:
    got = [le(bytes.fromhex(v)) for k, v in find_map(res, "tun_out")][:15]
    eq(got, [neg(EINVAL), 0, neg(EINVAL), neg(EINVAL), neg(EINVAL), 0, 0,
             42 << 32 | 4 << 8 | 64, 0x0a000002 << 32 | 0x0a000001,
             0x0520 << 32, neg(EPROTO), neg(EINVAL), 0, 0x0a000002 << 32 | 42, 0xffffffff],
       "tun_v4: no metadata, refusals, the key read back, the 8-byte layout")
res = run("run_skb_tunnel", "tun_v6", data=pkt)
if res:
    got = [le(bytes.fromhex(v)) for k, v in find_map(res, "tun_out")][:10]
    eq(got, [0, 0, 0x20010db8 << 32 | 2, 0x20010db8 << 32 | 1, 0x0821 << 32 | 0x23456,
             7 << 32 | 9, neg(EPROTO), neg(EINVAL), 0, 2 << 32 | 0x23456],
       "tun_v6: the key read back (label masked to 20 bits), flags, layouts")

res = run("run_skb_tunnel", "tun_opt", data=pkt)
if res:
    got = [le(bytes.fromhex(v)) for k, v in find_map(res, "tun_out")][:15]
    # flags: htons(0xf805) = NOCACHE, the four option bits, KEY, CSUM
    eq(got, [neg(EINVAL), neg(2), 0, neg(2), neg(EINVAL), 0, 0x05f8,
             neg(ENOMEM), 8, 0x0102030405060708, 0, neg(ENOMEM), 0, 4, 0],
       "tun_opt: options need a key, 4-byte units, at most 255 bytes; flags; read back")

# Helpers Linux allows only for tc are refused elsewhere at load time.
rc, o, err = bpfvm(["verify", obj("run_skb_helpers"), "--type", "socket_filter"])
check(rc == 1 and "skb_" in err, "socket_filter may not call the skb reshaping helpers: %s"
      % err.strip()[:200])
finish()
PY
