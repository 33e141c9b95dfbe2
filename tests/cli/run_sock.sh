#!/bin/bash
# bpfvm run, end to end, in both engines: cgroup/sock_create and
# cgroup/post_bind4 programs on a struct bpf_sock, and a sockops program on a
# struct bpf_sock_ops (with a TCP segment for PARSE_HDR_OPT_CB). Linux
# test-runs neither type, so the expectations are written here: the context
# written back, the verdicts, and the socket helpers' documented answers in
# user space (setsockopt/getsockopt -EOPNOTSUPP with the buffer zeroed,
# sock_ops_cb_flags_set on the context's own flags; -EINVAL without a full
# socket). Bad contexts are refused with exit 2.
export RUN_LIB_DIR="$(cd "$(dirname "$0")" && pwd)"
exec python3 - <<'PY'
import os, socket, struct, sys
sys.path.insert(0, os.environ["RUN_LIB_DIR"])
from run_lib import *

skip_unless_ready()

EOPNOTSUPP, EINVAL = 95, 22


def bpf_sock(family=socket.AF_INET, sock_type=socket.SOCK_STREAM, proto=6, mark=0,
             src_ip4="0.0.0.0", src_port=0):
    return struct.pack("<6I4s16sIHH4s16sIi", 0, family, sock_type, proto, mark, 0,
                       socket.inet_aton(src_ip4), bytes(16), src_port, 0, 0, bytes(4),
                       bytes(16), 0, -1)


def sock_ops(op, is_fullsock=1, srtt_us=0, cb_flags=0):
    c = bytearray(224)
    struct.pack_into("<I", c, 0, op)
    struct.pack_into("<I", c, 20, socket.AF_INET)
    struct.pack_into("<I", c, 72, is_fullsock)
    struct.pack_into("<II", c, 80, srtt_us, cb_flags)
    return bytes(c)


def s32(b):
    return struct.unpack("<q", b)[0]


# cgroup/sock_create: marks TCP sockets, refuses raw IPv6 ones
ctx = bpf_sock()
res = run("run_sock", "sock_create_policy", "sock_create tcp4", ctx=ctx)
if res:
    eq(res["retval"], 1, "sock_create tcp4: allowed")
    out = bytes.fromhex(res.get("ctx_out", ""))
    eq((le(out[16:20]), le(out[20:24])), (0x77, 6), "sock_create tcp4: mark and priority set")
    eq(out[:16] + out[24:], ctx[:16] + ctx[24:], "sock_create tcp4: nothing else changed")
ctx = bpf_sock(socket.AF_INET6, socket.SOCK_RAW, 58)
res = run("run_sock", "sock_create_policy", "sock_create raw6", ctx=ctx)
if res:
    eq((res["retval"], res.get("ctx_out")), (0, ctx.hex()), "sock_create raw6: refused, unchanged")

# cgroup/post_bind4: low ports only on 127.0.0.1
for label, ip, port, want in [("port 80", "10.0.0.1", 80, 0), ("port 8080", "10.0.0.1", 8080, 1),
                              ("loopback 80", "127.0.0.1", 80, 1)]:
    res = run("run_sock", "post_bind4_policy", "post_bind4 " + label,
              ctx=bpf_sock(src_ip4=ip, src_port=port))
    if res:
        eq(res["retval"], want, "post_bind4 %s: verdict" % label)
        eq(map_dict(res, "refused"), {u32(0): u64(1 - want)}, "post_bind4 %s: refusals" % label)

# sockops: TIMEOUT_INIT's reply
res = run("run_sock", "sockops_cb", "sockops timeout_init", ctx=sock_ops(1))
if res:
    out = bytes.fromhex(res.get("ctx_out", ""))
    eq((res["retval"], le(out[4:8])), (1, 10), "sockops timeout_init: reply 10")

# sockops: ACTIVE_ESTABLISHED_CB and the socket helpers
res = run("run_sock", "sockops_cb", "sockops established", ctx=sock_ops(4, srtt_us=800))
if res:
    e = bytes.fromhex(map_dict(res, "seen")[u32(0)])
    eq(s32(e[0:8]), 0x100, "cb_flags_set returns the flags it does not know")
    eq((le(e[8:12]), le(e[12:16])), (8, 800), "cb_flags_set sets the context's flags (RTT)")
    eq(s32(e[16:24]), -EOPNOTSUPP, "setsockopt without a kernel socket")
    eq((s32(e[24:32]), le(e[32:36])), (-EOPNOTSUPP, 0), "getsockopt: -EOPNOTSUPP, value zeroed")
    eq(le(e[36:40]), 0xffffffff, "skops->sk is NULL (no kernel socket)")
    out = bytes.fromhex(res.get("ctx_out", ""))
    eq(le(out[84:88]), 8, "sockops established: bpf_sock_ops_cb_flags comes back out")
res = run("run_sock", "sockops_cb", "sockops request sock", ctx=sock_ops(4, is_fullsock=0))
if res:
    e = bytes.fromhex(map_dict(res, "seen")[u32(0)])
    eq((s32(e[0:8]), le(e[8:12])), (-EINVAL, 0), "cb_flags_set without a full socket")

# sockops: PARSE_HDR_OPT_CB reads the segment through skb_data
seg = tcp4("10.0.0.1", "10.0.0.2", 1234, 80, b"")
seg = seg[:12] + bytes([0x60]) + seg[13:20] + bytes([2, 4, 0x05, 0xb4])  # MSS option
res = run("run_sock", "sockops_cb", "sockops parse_hdr_opt", ctx=sock_ops(13), data=seg)
if res:
    eq(map_dict(res, "options"), {u32(0): u32(2), u32(1): u32(len(seg))},
       "parse_hdr_opt: the first option's kind and skb_len")
    eq(res["data_out"], seg.hex(), "parse_hdr_opt: segment unchanged")
res = run("run_sock", "sockops_cb", "sockops short segment", ctx=sock_ops(13), data=seg[:20])
if res:
    eq(map_dict(res, "options"), {u32(0): u32(0), u32(1): u32(0)}, "short segment: nothing read")

# refused inputs
for label, prog, kw in [("bpf_sock of 79 bytes", "sock_create_policy", {"ctx": bpf_sock()[:79]}),
                        ("packet to cgroup_sock", "sock_create_policy",
                         {"ctx": bpf_sock(), "data": bytes(20)}),
                        ("sock_ops with skb_data set", "sockops_cb",
                         {"ctx": sock_ops(13)[:192] + struct.pack("<Q", 1) + bytes(24)})]:
    rc, out, err = bpfvm(run_args("run_sock", prog, **kw))
    eq(rc, 2, "%s: exit 2 (%s)" % (label, err.strip()))

finish()
PY
