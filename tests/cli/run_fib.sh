#!/bin/bash
# bpf_fib_lookup end to end (run_fib.c, an xdp_fwd-like program from XDP and
# tc) on a FIB given with `bpfvm run --fib FILE`, in both engines: every
# return code Linux defines that a forwarding table can produce, the output
# fields (gateway, MACs, ifindex, rt_metric, mtu_result, source address), the
# flags, and Linux's argument errors. Then the kernel differential: the same
# devices, routes and neighbours set up with `ip` in a fresh network
# namespace (a veth pair, d0 = ifindex 2 and d1 = 3 there), the same programs through
# tools/kernel_run, and retval, packet and the whole struct bpf_fib_lookup
# after the call compared. The kernel part skips without root, unshare, ip or
# kernel_run; the bpfvm part always runs.
export RUN_LIB_DIR="$(cd "$(dirname "$0")" && pwd)"
exec python3 - <<'PY'
import json, os, shutil, struct, subprocess, sys
sys.path.insert(0, os.environ["RUN_LIB_DIR"])
from run_lib import *

skip_unless_ready()

FIB = """
# devices: 2 (d0) and 3 (d1, forwarding off); 1 is the loopback device
iface 2 mtu 1400 mac 02:00:00:00:00:02 addr 10.1.0.1
iface 3 mtu 1500 mac 02:00:00:00:00:03 noforward
route local 10.1.0.1 dev 2
route 10.1.0.0/24 dev 2
route 10.9.0.0/16 via 10.1.0.254 dev 2 metric 5
route 10.7.0.0/16 dev 2 mtu 1280
route 10.8.0.0/16 dev 2 src 10.1.0.1
route 10.20.0.0/16 dev 3
route blackhole 10.66.0.0/16
route unreachable 10.67.0.0/16
route prohibit 10.68.0.0/16
route local 10.55.0.0/24 dev 2
neigh 10.1.0.254 lladdr 02:00:00:00:00:fe dev 2
neigh 10.1.0.7 lladdr 02:00:00:00:00:07 dev 2
route 2001:db8:1::/64 dev 2 metric 256
route 2001:db8:9::/48 via 2001:db8:1::fe dev 2 metric 1024
neigh 2001:db8:1::fe lladdr 02:00:00:00:00:fe dev 2
"""
# The same, for Linux in a new network namespace.
SETUP = """
set -e
sysctl -qw net.ipv4.conf.all.forwarding=1 net.ipv4.conf.default.forwarding=1
sysctl -qw net.ipv6.conf.all.forwarding=1 net.ipv6.conf.default.forwarding=1
sysctl -qw net.ipv6.conf.default.addr_gen_mode=1
ip link set lo up
ip link add d1 type veth peer name d0
ip link set d0 address 02:00:00:00:00:02 mtu 1400 up
ip link set d1 address 02:00:00:00:00:03 mtu 1500 up
sysctl -qw net.ipv4.conf.d1.forwarding=0 net.ipv6.conf.d1.forwarding=0
ip addr add 10.1.0.1/32 dev d0
ip route add 10.1.0.0/24 dev d0
ip route add 10.9.0.0/16 via 10.1.0.254 dev d0 metric 5 onlink
ip route add 10.7.0.0/16 dev d0 mtu lock 1280
ip route add 10.8.0.0/16 dev d0 src 10.1.0.1
ip route add 10.20.0.0/16 dev d1
ip route add blackhole 10.66.0.0/16
ip route add unreachable 10.67.0.0/16
ip route add prohibit 10.68.0.0/16
ip route add local 10.55.0.0/24 dev d0
ip neigh add 10.1.0.254 lladdr 02:00:00:00:00:fe dev d0 nud permanent
ip neigh add 10.1.0.7 lladdr 02:00:00:00:00:07 dev d0 nud permanent
ip -6 route add 2001:db8:1::/64 dev d0 metric 256
ip -6 route add 2001:db8:9::/48 via 2001:db8:1::fe dev d0 metric 1024 onlink
ip -6 neigh add 2001:db8:1::fe lladdr 02:00:00:00:00:fe dev d0 nud permanent
"""
fib_path = write_tmp("fib.txt", FIB.encode())

DIRECT, OUTPUT, SKIP_NEIGH, TBID, SRC, MARK = 1, 2, 4, 8, 16, 32
NO_TOT_LEN = 0x80000000
SUCCESS, BLACKHOLE, UNREACHABLE, PROHIBIT, NOT_FWDED, FWD_DISABLED = 0, 1, 2, 3, 4, 5
NO_NEIGH, FRAG_NEEDED = 7, 8
ENODEV = -19


def v4(dst, size=0):
    return udp_packet("10.1.0.50", dst, 1, 2, bytes(max(4, size - 42)))


def v6(dst):
    return ipv6_packet("2001:db8:1::50", dst)


def xdp_md(ingress, size):
    return None if ingress is None else struct.pack("<6I", 0, size, 0, ingress, 0, 0)


# (label, program, packet, flags, ingress ifindex for XDP, expected rc, checks)
# checks: params field -> expected value (see params() below).
cases = [
    ("connected", "xdp_fwd", v4("10.1.0.7"), 0, None, SUCCESS,
     {"ifindex": 2, "dmac": "020000000007", "smac": "020000000002", "mtu": 1400,
      "dst4": "10.1.0.7", "metric": 0}),
    ("gateway", "xdp_fwd", v4("10.9.1.1"), 0, None, SUCCESS,
     {"ifindex": 2, "dmac": "0200000000fe", "dst4": "10.1.0.254", "metric": 5}),
    ("no neighbour", "xdp_fwd", v4("10.1.0.8"), 0, None, NO_NEIGH, {"ifindex": 2}),
    ("skip neigh", "xdp_fwd", v4("10.1.0.8"), SKIP_NEIGH, None, SUCCESS,
     {"dmac": "000000000000", "mtu": 1400}),
    ("no route", "xdp_fwd", v4("192.0.2.1"), 0, None, NOT_FWDED, {"ifindex": 1}),
    ("blackhole", "xdp_fwd", v4("10.66.0.1"), 0, None, BLACKHOLE, {}),
    ("unreachable", "xdp_fwd", v4("10.67.0.1"), 0, None, UNREACHABLE, {}),
    ("prohibit", "xdp_fwd", v4("10.68.0.1"), 0, None, PROHIBIT, {}),
    ("local route", "xdp_fwd", v4("10.55.0.3"), 0, None, NOT_FWDED, {}),
    ("own address", "xdp_fwd", v4("10.1.0.1"), 0, None, NOT_FWDED, {}),
    ("device mtu", "xdp_fwd", v4("10.1.0.7", 1450), 0, None, FRAG_NEEDED, {"mtu": 1400}),
    ("route mtu", "xdp_fwd", v4("10.7.0.1", 1300), 0, None, FRAG_NEEDED, {"mtu": 1280}),
    ("route mtu fits", "xdp_fwd", v4("10.7.0.1", 1200), SKIP_NEIGH, None, SUCCESS,
     {"mtu": 1280}),
    ("src from route", "xdp_fwd", v4("10.8.0.1"), SRC | SKIP_NEIGH, None, SUCCESS,
     {"src4": "10.1.0.1"}),
    ("direct", "xdp_fwd", v4("10.9.1.1"), DIRECT, None, SUCCESS, {"dst4": "10.1.0.254"}),
    ("direct tbid 0 = main", "xdp_fwd", v4("10.9.1.1"), DIRECT | TBID, None, SUCCESS, {}),
    ("output on lo", "xdp_fwd", v4("10.9.1.1"), OUTPUT, None, NOT_FWDED, {}),
    ("mark", "xdp_fwd", v4("10.9.1.1"), MARK, None, SUCCESS, {}),
    ("ingress d1 no forwarding", "xdp_fwd", v4("10.9.1.1"), 0, 3, FWD_DISABLED, {}),
    ("ingress d0", "xdp_fwd", v4("10.20.0.1"), 0, 2, NO_NEIGH, {"ifindex": 3}),
    ("output on d0", "xdp_fwd", v4("10.9.1.1"), OUTPUT, 2, SUCCESS, {"ifindex": 2}),
    ("v6 gateway", "xdp_fwd", v6("2001:db8:9::1"), 0, None, SUCCESS,
     {"dmac": "0200000000fe", "metric": 1024, "mtu": 1400}),
    ("v6 no neighbour", "xdp_fwd", v6("2001:db8:1::7"), 0, None, NO_NEIGH, {"metric": 256}),
    ("v6 no route", "xdp_fwd", v6("2001:db9::1"), 0, None, NOT_FWDED, {}),
    ("v6 link-local", "xdp_fwd", v6("fe80::1"), 0, None, NOT_FWDED, {}),
    ("tc connected", "tc_fwd", v4("10.1.0.7"), 0, None, SUCCESS, {"mtu": 1400}),
    ("tc device mtu", "tc_fwd", v4("10.1.0.7", 1450), 0, None, FRAG_NEEDED, {"mtu": 1400}),
    ("tc skb fits", "tc_fwd", v4("10.1.0.7", 1418), NO_TOT_LEN, None, SUCCESS, {"mtu": 1400}),
    ("tc skb too long", "tc_fwd", v4("10.1.0.7", 1419), NO_TOT_LEN, None, FRAG_NEEDED,
     {"mtu": 1400}),
    ("tc v6 gateway", "tc_fwd", v6("2001:db8:9::1"), 0, None, SUCCESS, {"ifindex": 2}),
]


def params(hexval):
    b = bytes.fromhex(hexval)
    rc = struct.unpack_from("<q", b, 0)[0]
    p = b[8:]
    return rc, {"family": p[0], "mtu": struct.unpack_from("<H", p, 6)[0],
                "ifindex": struct.unpack_from("<I", p, 8)[0],
                "metric": struct.unpack_from("<I", p, 12)[0],
                "src4": ".".join(str(x) for x in p[16:20]),
                "dst4": ".".join(str(x) for x in p[32:36]),
                "smac": p[52:58].hex(), "dmac": p[58:64].hex()}


def args_of(prog, data, flags, ingress):
    return dict(data=data, ctx=xdp_md(ingress, len(data)) if prog == "xdp_fwd" else None,
                maps=[("fib_flags", u32(0), u32(flags))])


results = {}
for label, prog, data, flags, ingress, want, checks in cases:
    res = run("run_fib", prog, label, extra=["--fib", fib_path], **args_of(prog, data, flags, ingress))
    if not res:
        continue
    results[label] = res
    rc, p = params(map_dict(res, "fib_out")[u32(0)])
    eq(rc, want, label + ": return code")
    for field, value in checks.items():
        eq(p[field], value, "%s: %s" % (label, field))
    if want == SUCCESS:
        eq((res.get("redirect") or {}).get("ifindex"), p["ifindex"], label + ": redirect target")
        eq(res["data_out"][:24], p["dmac"] + p["smac"], label + ": MACs rewritten")

# Without --fib: only the loopback device, no routes (what Linux answers in a
# namespace with nothing configured but forwarding on).
res = run("run_fib", "xdp_fwd", "no fib", data=v4("10.9.1.1"), maps=[("fib_flags", u32(0), u32(0))])
if res:
    eq(params(map_dict(res, "fib_out")[u32(0)])[0], NOT_FWDED, "no fib: NOT_FWDED")
res = run("run_fib", "fib_args", "argument errors", data=v4("10.9.1.1"))
if res:
    rcs = [struct.unpack("<q", bytes.fromhex(v))[0] for k, v in sorted(map_dict(res, "fib_rcs").items())]
    eq(rcs, [-22, -22, -97, ENODEV], "plen < 64, unknown flag, unknown family, ifindex 0")

# Malformed FIB files: one line, exit 2, naming the line.
for text, what in [("route 10.0.0.0/8 dev 9\n", "no device"), ("iface 2 mtu x\n", "number"),
                   ("route 10.0.0.0/33 dev 1\n", "prefix length"),
                   ("neigh 10.0.0.1 dev 1\n", "lladdr"), ("bogus\n", "unknown statement")]:
    rc, out, err = bpfvm(run_args("run_fib", "xdp_fwd", data=v4("10.0.0.1"),
                                  extra=["--fib", write_tmp("bad.txt", text.encode())]))
    check(rc == 2 and ":1:" in err and len(err.strip().splitlines()) == 1,
          "bad fib (%s): exit %d, %r" % (what, rc, err))

KRUN = os.environ.get("BPFVM_KERNEL_RUN", "")
why = None
if not KRUN or not os.path.exists(KRUN):
    why = "tools/kernel_run was not built"
elif os.geteuid() != 0:
    why = "the kernel side needs root"
elif not shutil.which("unshare") or not shutil.which("ip"):
    why = "unshare or ip is missing"
elif subprocess.run(["unshare", "-n", "sh", "-c", SETUP], capture_output=True).returncode:
    why = "cannot set up the network namespace (veth pair, sysctls)"
if why:
    print("kernel differential skipped:", why)
    finish()
same = 0
for label, prog, data, flags, ingress, want, checks in cases:
    if label not in results:
        continue
    args = run_args("run_fib", prog, **args_of(prog, data, flags, ingress))[1:]
    p = subprocess.run(["unshare", "-n", "sh", "-c", SETUP + '\nexec "$0" "$@"', KRUN] + args,
                       capture_output=True, text=True, timeout=60)
    if p.returncode:
        fail("%s: kernel_run exited %d: %s" % (label, p.returncode, p.stderr.strip()))
        continue
    k, b = json.loads(p.stdout), results[label]
    diffs = 0
    for f, kv, bv in [("retval", k["retval"], b["retval"]),
                      ("data_out", k["data_out"], b["data_out"]),
                      ("fib_out", map_dict(k, "fib_out"), map_dict(b, "fib_out"))]:
        if kv != bv:
            diffs += 1
            fail("%s: %s differs from Linux: linux %s, bpfvm %s" % (label, f, kv, bv))
    same += not diffs
print("%d of %d fib_lookup cases identical to Linux" % (same, len(results)))
finish()
PY
