#!/bin/bash
# bpfvm run, end to end in both engines (run_tc_extra.c): VLAN push/pop with
# Linux's accelerated-tag semantics, queue_mapping's 16-bit writes, clone_redirect (values checked against the 6.18 kernel by
# run_kernel_diff.sh), redirect_neigh/redirect_peer and their targets in the
# run result, and the socket/netns cookies (helpers/socket.c: the run's socket
# gets the next value of a process-wide counter starting at 1, the same on
# every call of the run; the netns cookie is 1).
export RUN_LIB_DIR="$(cd "$(dirname "$0")" && pwd)"
exec python3 - <<'PY'
import os, struct, sys
sys.path.insert(0, os.environ["RUN_LIB_DIR"])
from run_lib import *

skip_unless_ready()
pkt = udp_packet("10.0.0.2", "10.1.2.3", 1, 2)
# Two tags in the packet: 802.1Q 0x2005 around 802.1ad 7 around IPv4.
tagged = eth(0x8100, bytes([0x20, 0x05, 0x88, 0xa8, 0x00, 0x07, 0x08, 0x00]) +
             ipv4("10.0.0.2", "10.0.0.1", 17, bytes(20)))


def seen(res):
    return {struct.unpack("<I", bytes.fromhex(k))[0]: struct.unpack("<q", bytes.fromhex(v))[0]
            for k, v in map_dict(res, "seen").items()}


def tag(present, proto, tci):
    # proto as __sk_buff shows it: the big-endian value read little-endian
    return present << 32 | ((proto >> 8) | (proto & 0xff) << 8) << 16 | tci


res = run("run_tc_extra", "tc_vlan", data=pkt)
if res:
    s = seen(res)
    eq([s[i] for i in range(4)], [tag(1, 0x8100, 5), tag(1, 0x88a8, 0x2007),
                                  tag(1, 0x8100, 5), tag(0, 0, 0)], "vlan: tags")
    eq([s[i] for i in range(4, 8)], [0] * 4, "vlan: return codes")
    eq(s[8], len(pkt), "vlan: length back to the original")
    eq(res["data_out"], pkt.hex(), "vlan: packet back to the original")
    eq(s[9], 0x0008, "vlan: protocol IPv4 again")
res = run("run_tc_extra", "tc_vlan_pop", data=tagged)
if res:
    s = seen(res)
    eq((s[0], s[1], s[2], s[3]), (tag(1, 0x88a8, 7), 0, len(tagged) - 8, 0x0008),
       "vlan pop from the packet: the inner tag becomes the accelerated one")
    eq(s[4], tag(1, 0x8100, 9), "vlan push of an unknown protocol: 802.1Q")
    eq(res["data_out"], (tagged[:12] + tagged[20:]).hex(), "vlan pop: both tags gone")
res = run("run_tc_extra", "tc_vlan_pop", "tc_vlan_pop runt", data=eth(0x8100, b"\x00\x01"))
if res:
    eq(seen(res)[1], -12, "vlan pop of a packet shorter than a VLAN header: -ENOMEM")

# queue_mapping: a u16 in Linux; writes of 0xffff and above are ignored.
for vals, want in [((5, 0x10005, 0xfffe), [5, 5, 0xfffe, 7, 7, 7]),
                   ((0xffff, 0x12345678, 0xffffffff), [0, 0, 0, 7, 7, 7])]:
    res = run("run_tc_extra", "tc_queue", "tc_queue %s" % (vals,),
              data=bytes(14) + struct.pack("<3I", *vals) + bytes(30))
    if res:
        eq([seen(res)[i] for i in range(6)], want, "queue_mapping after %s, 7, 0xffff, -1" % (vals,))
for prog, want in [("tc_neigh", {"ifindex": 2, "flags": 0, "neigh": True, "nexthop": ""}),
                   ("tc_neigh_nh", {"ifindex": 3, "flags": 0, "neigh": True,
                                    "nexthop": "10.1.0.254"}),
                   ("tc_peer", {"ifindex": 4, "flags": 0, "peer": True})]:
    res = run("run_tc_extra", prog, data=pkt)
    if res:
        eq(res["retval"], 7, prog + ": TC_ACT_REDIRECT")
        eq(res.get("redirect"), want, prog + ": target")
res = run("run_tc_extra", "tc_neigh_bad", data=pkt)
if res:
    eq((res["retval"], seen(res)[0], seen(res)[1]), (2, 2, 2), "bad arguments: TC_ACT_SHOT")
    eq(res.get("redirect"), None, "bad arguments: no target")
rc, out, err = bpfvm([a for a in run_args("run_tc_extra", "tc_peer", data=pkt) if a != "--json"])
check(rc == 0 and "redirect: peer of ifindex 4" in out, "text output of a peer redirect: %r" % out)

# clone_redirect: copies to lo (egress, then ingress) are reported; an unknown
# device or flag is -EINVAL and sends nothing.
res = run("run_tc_extra", "tc_clone", data=pkt, repeat=2)
if res:
    eq([seen(res)[i] for i in range(4)], [0, 0, -22, -22], "clone_redirect return codes")
    eq((res.get("clone_count"), res.get("clones")),
       (4, [{"ifindex": 1, "flags": 0}, {"ifindex": 1, "flags": 1}] * 2),
       "clone_redirect: two copies per run, two runs")
    eq(res["retval"], 0, "clone_redirect: the original goes on")
for prog in ["tc_cookie", "cg_cookie", "sf_cookie"]:
    res = run("run_tc_extra", prog, data=pkt, repeat=3)
    if res:
        s = seen(res)
        eq(s[0], 1, prog + ": the first socket of the process has cookie 1")
        if prog == "tc_cookie":
            eq(s[1], 1, prog + ": the same socket, the same cookie")
        if prog != "sf_cookie":
            eq(s[2], 1, prog + ": netns cookie")
res = run("run_tc_extra", "sa_cookie", ctx=sock_addr4("10.0.0.1", 80))
if res:
    s = seen(res)
    eq((s[0], s[2], s[3]), (1, 1, 1), "cgroup_sock_addr: socket cookie, netns by ctx and NULL")
finish()
PY
