#!/bin/bash
# Socket lookups through `bpfvm run` in both engines (run_sk_lookup.c).
# Without --sockets bpfvm has no sockets: bpf_sk_lookup_tcp,
# bpf_skc_lookup_tcp and bpf_sk_lookup_udp return NULL and the programs take
# their "no socket" path, which is what Linux does for a packet that no local
# socket matches (run_kernel_diff.sh compares that with the kernel). Packets
# the programs do not look up (not IPv4, another protocol) pass. With
# --sockets FILE the lookups find the listener, the established socket (which
# wins over the listener) and the UDP socket of the table, with Linux's
# struct bpf_sock values; then the same sockets are opened for real in a new
# network namespace and the same programs run through tools/kernel_run there
# (skipped without root, unshare or ip), and the recorded fields compared.
export RUN_LIB_DIR="$(cd "$(dirname "$0")" && pwd)"
exec python3 - <<'PY'
import json, os, shutil, struct, subprocess, sys
sys.path.insert(0, os.environ["RUN_LIB_DIR"])
from run_lib import *

skip_unless_ready()
TC_ACT_OK, TC_ACT_SHOT, TC_ACT_UNSPEC, XDP_PASS, XDP_DROP = 0, 2, -1, 2, 1
EOPNOTSUPP = 95


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
        eq([seen(res)[i] for i in range(8)], [1] + [0] * 7, prog + ": only the no-socket path ran")
for prog, pkt, want in [("tc_sk_lookup", udp, TC_ACT_UNSPEC), ("tc_sk_lookup", arp_packet(), TC_ACT_UNSPEC),
                        ("xdp_sk_lookup_udp", tcp, XDP_PASS)]:
    res = run("run_sk_lookup", prog, prog + " without a lookup", data=pkt)
    if res:
        eq(res["retval"] & 0xffffffff, want & 0xffffffff, prog + ": packet not looked up")
        eq([seen(res)[i] for i in range(8)], [0] * 8, prog + ": no lookup ran")

# A listener on 10.0.0.1:47999 with mark 7, a connection to it from
# 10.0.0.9:40000 (both ends; the accepted one inherits the listener's mark, as
# in Linux), a UDP socket on the wildcard.
SOCKETS = """
tcp listen 10.0.0.1:47999 mark 7
tcp established 10.0.0.1:47999 10.0.0.9:40000 mark 7
tcp established 10.0.0.9:40000 10.0.0.1:47999
udp 0.0.0.0:47999   # any address
"""
socks = ["--sockets", write_tmp("sockets.txt", SOCKETS.encode())]
from_peer = tcp_packet("10.0.0.9", "10.0.0.1", 40000, 47999)


def ip4(a):
    return struct.unpack("<I", bytes(int(x) for x in a.split(".")))[0]


dport_be = struct.unpack("<H", struct.pack(">H", 40000))[0]
cases = [
    ("listener", "tc_sk_lookup", tcp, TC_ACT_SHOT,
     {1: 2 << 32 | 10, 3: -EOPNOTSUPP & (2**64 - 1), 4: 7 << 32 | 47999,
      5: ip4("10.0.0.1"), 6: 1 << 40 | 6 << 32, 7: 0}),
    ("established", "tc_sk_lookup", from_peer, TC_ACT_SHOT,
     {1: 2 << 32 | 1, 4: 7 << 32 | 47999, 5: ip4("10.0.0.9") << 32 | ip4("10.0.0.1"),
      6: 1 << 40 | 6 << 32 | dport_be}),
    ("established sock_common", "tc_skc_lookup", from_peer, TC_ACT_SHOT, {2: dport_be}),
    ("udp on the wildcard", "xdp_sk_lookup_udp", udp, XDP_DROP, {3: 47999}),
    ("no tcp listener on another port", "tc_sk_lookup",
     tcp_packet("10.0.0.2", "10.0.0.1", 40000, 48000), TC_ACT_OK, {0: 1}),
]
results = {}
for label, prog, pkt, want, fields in cases:
    res = run("run_sk_lookup", prog, label, data=pkt, extra=socks)
    if res:
        eq(res["retval"], want, label + ": return value")
        got = seen(res)
        eq({k: got[k] for k in fields}, fields, label + ": the socket's fields")
        results[label] = res

rc, out, err = bpfvm(run_args("run_sk_lookup", "tc_sk_lookup", data=tcp) +
                     ["--sockets", write_tmp("bad.txt", b"tcp listen 10.0.0.1:0\n")])
check(rc == 2 and "bad.txt:1" in err, "a bad socket table is refused with its line: %d %r" % (rc, err))

KRUN = os.environ.get("BPFVM_KERNEL_RUN", "")
why = None
if not KRUN or not os.path.exists(KRUN):
    why = "tools/kernel_run was not built"
elif os.geteuid() != 0:
    why = "the kernel side needs root"
elif not shutil.which("unshare") or not shutil.which("ip"):
    why = "unshare or ip is missing"
if why:
    print("kernel differential skipped:", why)
    finish()
# In a new network namespace: the same sockets, then kernel_run for each case.
INNER = r"""
import json, socket, subprocess, sys
subprocess.run("ip link set lo up && ip addr add 10.0.0.1/32 dev lo && "
               "ip addr add 10.0.0.9/32 dev lo", shell=True, check=True)
l = socket.socket()
l.setsockopt(socket.SOL_SOCKET, socket.SO_MARK, 7)
l.bind(("10.0.0.1", 47999))
l.listen()
c = socket.socket()
c.bind(("10.0.0.9", 40000))
c.connect(("10.0.0.1", 47999))
a, _ = l.accept()
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
u.bind(("0.0.0.0", 47999))
out = []
for args in json.loads(sys.argv[2]):
    p = subprocess.run([sys.argv[1]] + args, capture_output=True, text=True)
    out.append([p.returncode, p.stdout, p.stderr])
print(json.dumps(out))
"""
argv = [run_args("run_sk_lookup", prog, data=pkt)[1:] for _, prog, pkt, _, _ in cases]
p = subprocess.run(["unshare", "-n", "python3", "-c", INNER, KRUN, json.dumps(argv)],
                   capture_output=True, text=True, timeout=120)
if p.returncode:
    print("kernel differential skipped: cannot set up the namespace:", p.stderr.strip()[-200:])
    finish()
same = 0
for (label, prog, pkt, want, fields), (rc, out, err) in zip(cases, json.loads(p.stdout)):
    if rc:
        fail("%s: kernel_run exited %d: %s" % (label, rc, err.strip()))
        continue
    if label not in results:
        continue
    k, b = json.loads(out), results[label]
    if k["retval"] != b["retval"] or seen(k) != seen(b):
        fail("%s: differs from Linux: linux %s %s, bpfvm %s %s" %
             (label, k["retval"], seen(k), b["retval"], seen(b)))
    else:
        same += 1
print("%d of %d socket lookup cases identical to Linux" % (same, len(cases)))
finish()
PY
