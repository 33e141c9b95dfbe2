#!/bin/bash
# bpfvm run, end to end: programs that change packets or pick their path.
# XDP encapsulation/decapsulation with bpf_xdp_adjust_head, trimming and
# growing with bpf_xdp_adjust_tail, metadata with bpf_xdp_adjust_meta (and the
# limits all three must refuse); a tc destination NAT with skb_store_bytes and
# l3/l4_csum_replace whose output must equal a packet built with the new
# address and recomputed checksums; a socket filter using skb_load_bytes; a
# cgroup_skb counter; bpf_redirect from XDP and tc.
export RUN_LIB_DIR="$(cd "$(dirname "$0")" && pwd)"
exec python3 - <<'PY'
import os, socket, struct, sys
sys.path.insert(0, os.environ["RUN_LIB_DIR"])
from run_lib import *

skip_unless_ready()
XDP_PASS, XDP_TX, XDP_REDIRECT, TC_ACT_OK, TC_ACT_REDIRECT = 2, 3, 4, 0, 7

# --- XDP head, tail and metadata ---
pkt = udp_packet("10.0.0.2", "10.0.0.1", 1234, 53, b"query")
inner = pkt[14:]
outer = ipv4("192.0.2.1", "192.0.2.2", 4, inner, ident=0)
outer = outer[:6] + b"\x40\x00" + outer[8:20]  # DF set, checksum recomputed below
outer = outer[:10] + b"\0\0" + outer[12:]
outer = outer[:10] + struct.pack("!H", csum16(outer)) + outer[12:]
encapped = pkt[:14] + outer + inner
res = run("run_xdp_adjust", "ipip_encap", data=pkt)
if res:
    eq(res["retval"], XDP_TX, "ipip_encap: retval")
    eq(res["data_out"], encapped.hex(), "ipip_encap: packet with the outer header pushed")
res = run("run_xdp_adjust", "ipip_decap", data=encapped)
if res:
    eq(res["retval"], XDP_TX, "ipip_decap: retval")
    eq(res["data_out"], pkt.hex(), "ipip_decap: the original packet")
res = run("run_xdp_adjust", "ipip_decap", "ipip_decap of a plain packet", data=pkt)
if res:
    eq((res["retval"], res["data_out"]), (XDP_PASS, pkt.hex()), "ipip_decap: plain packet untouched")
big = bytes(range(100))
res = run("run_xdp_adjust", "tail_trim", data=big)
if res:
    eq((res["retval"], res["data_out"]), (XDP_TX, big[:60].hex()), "tail_trim: cut to 60 bytes")
res = run("run_xdp_adjust", "tail_trim", "tail_trim short", data=big[:50])
if res:
    eq((res["retval"], res["data_out"]), (XDP_PASS, big[:50].hex()), "tail_trim: short packet kept")
res = run("run_xdp_adjust", "tail_grow", data=pkt)
if res:
    eq((res["retval"], res["data_out"]), (XDP_TX, (pkt + b"TAIL").hex()), "tail_grow: trailer")
res = run("run_xdp_adjust", "meta_mark", data=pkt)
if res:
    eq(res["retval"], XDP_PASS, "meta_mark: metadata written and read back")
    # Linux's test-run returns the metadata in front of the packet; whether
    # bpfvm does too is compared by run_kernel_diff.sh.
    check(res["data_out"].endswith(pkt.hex()), "meta_mark: data_out ends with the packet")
res = run("run_xdp_adjust", "adjust_limits", data=big)
if res:
    eq(res["retval"], 0, "adjust_limits: every out-of-bounds adjustment refused (bit = accepted)")
    eq(res["data_out"], big.hex(), "adjust_limits: packet unchanged")

# --- tc destination NAT ---
def natted(make, *args):
    return make("10.0.0.2", "192.168.1.1", *args)


for label, before, after in [
        ("udp", udp_packet("10.0.0.2", "10.0.0.1", 4000, 53, b"dns?"),
         natted(udp_packet, 4000, 53, b"dns?")),
        ("udp odd length", udp_packet("10.0.0.2", "10.0.0.1", 4000, 53, b"abcde"),
         natted(udp_packet, 4000, 53, b"abcde")),
        ("tcp", tcp_packet("10.0.0.2", "10.0.0.1", 40000, 80, b"GET / HTTP/1.0\r\n"),
         natted(tcp_packet, 40000, 80, b"GET / HTTP/1.0\r\n"))]:
    res = run("run_tc_nat", "tc_dnat", "tc_dnat " + label, data=before)
    if res:
        eq(res["retval"], TC_ACT_OK, "tc_dnat %s: retval" % label)
        eq(res["data_out"], after.hex(), "tc_dnat %s: rewritten address and checksums" % label)
other = udp_packet("10.0.0.2", "10.0.0.7", 4000, 53)
res = run("run_tc_nat", "tc_dnat", "tc_dnat other address", data=other)
if res:
    eq((res["retval"], res["data_out"]), (TC_ACT_OK, other.hex()), "tc_dnat: other packets untouched")
res = run("run_tc_nat", "tc_dnat", "tc_dnat ctx out",
          data=udp_packet("10.0.0.2", "10.0.0.1", 4000, 53), ctx=bytes(192))
if res:
    ctx = bytes.fromhex(res.get("ctx_out", ""))
    check(len(ctx) == 192 and le(ctx[8:12]) == 0x4e4154,
          "tc_dnat: __sk_buff.mark in ctx_out is 0x4e4154 (ctx_out %r)" % res.get("ctx_out"))
res = run("run_tc_nat", "tc_fields", data=pkt)
if res:
    eq(res["retval"], len(pkt) | 0x0800 << 16, "tc_fields: skb->len and skb->protocol")

# --- socket filter and cgroup_skb (packet from the Ethernet header) ---
for label, p, want in [("udp 53", udp_packet("10.0.0.2", "10.0.0.1", 999, 53), None),
                       ("udp 54", udp_packet("10.0.0.2", "10.0.0.1", 999, 54), 0),
                       ("ip options, udp 53", udp_packet("10.0.0.2", "10.0.0.1", 999, 53,
                                                         options=bytes(8)), None),
                       ("tcp 53", tcp_packet("10.0.0.2", "10.0.0.1", 999, 53), 0),
                       ("arp", arp_packet(), 0),
                       ("truncated", udp_packet("10.0.0.2", "10.0.0.1", 999, 53)[:36], 0)]:
    res = run("run_socket", "sf_dns", "sf_dns " + label, data=p)
    if res:
        eq(res["retval"], len(p) if want is None else want, "sf_dns %s: bytes kept" % label)
        eq(res["data_out"], p.hex(), "sf_dns %s: data_out" % label)
res = run("run_socket", "sf_peek", data=pkt)
if res:
    eq(res["retval"], 0, "sf_peek: a load past the end fails")
    seen = map_dict(res, "sk_seen")
    eq((seen.get(u32(0)), seen.get(u32(1))), (pkt[:4].hex() + "00" * 4, u64(len(pkt))),
       "sf_peek: first bytes and skb->len")
res = run("run_socket", "cg_count", data=pkt, repeat=3)
if res:
    eq(res["retval"], 1, "cg_count: allow")
    seen = map_dict(res, "sk_seen")
    # cgroup_skb programs see the packet from the IP header, as in Linux's test-run
    eq((seen.get(u32(2)), seen.get(u32(3))), (u64(3), u64(3 * (len(pkt) - 14))),
       "cg_count: counters (skb->len without the Ethernet header)")

res = run("run_cg_owner", "cg_owner", data=pkt)
if res:
    eq(res["retval"], 1 if os.getuid() == 0 else 0, "cg_owner: allows root's packets")
    eq(map_dict(res, "owner").get(u32(0)),
       u64(os.getgid() << 32 | os.getuid()) + os.path.basename(BPFVM)[:15].encode().ljust(16, b"\0").hex(),
       "cg_owner: get_current_uid_gid and get_current_comm")

# --- redirect ---
res = run("run_redirect", "xdp_redir", data=pkt)
if res:
    eq(res["retval"], XDP_REDIRECT, "xdp_redir: XDP_REDIRECT")
    eq(res.get("redirect", {}).get("ifindex"), 1, "xdp_redir: target reported")
res = run("run_redirect", "tc_redir", data=pkt)
if res:
    eq(res["retval"], TC_ACT_REDIRECT, "tc_redir: TC_ACT_REDIRECT")
    eq(res.get("redirect", {}).get("ifindex"), 1, "tc_redir: target reported")
finish()
PY
