#!/bin/bash
# The differential test of issue 6: the same objects, packets and map
# pre-fills run in the Linux kernel (tools/kernel_run: libbpf +
# BPF_PROG_TEST_RUN) and in bpfvm (both engines), comparing retval, data_out,
# ctx_out and every map's contents after the run. Known, explained
# differences are listed in KNOWN below with the reason and printed on every
# run; any other difference fails. cgroup_sock_addr programs, which Linux
# cannot test-run, are checked against hand-written expectations in
# run_cgroup_misc.sh instead. Skips without root, libbpf or a kernel that
# loads BPF. Nothing is pinned: the kernel's objects die with kernel_run.
export RUN_LIB_DIR="$(cd "$(dirname "$0")" && pwd)"
exec python3 - <<'PY'
import json, os, socket, struct, sys
sys.path.insert(0, os.environ["RUN_LIB_DIR"])
import run_lib
from run_lib import *

skip_unless_ready()
KRUN = os.environ.get("BPFVM_KERNEL_RUN", "")
if not KRUN or not os.path.exists(KRUN):
    print("skip: tools/kernel_run was not built (needs libbpf-dev)")
    sys.exit(77)
if os.geteuid() != 0:
    print("skip: the kernel side needs root (BPF_PROG_TEST_RUN of XDP and tc programs)")
    sys.exit(77)
p = subprocess.run([KRUN, "--probe"], capture_output=True, text=True)
if p.returncode != 0:
    print("skip:", p.stderr.strip() or "the kernel refuses BPF")
    sys.exit(77)

# Inputs are kept in the build tree so the commands printed for a difference
# can be run again by hand.
if os.environ.get("BPFVM_BUILD"):
    run_lib.TMP = os.path.join(os.environ["BPFVM_BUILD"], "run_kernel_diff")
    os.makedirs(run_lib.TMP, exist_ok=True)

# Maps whose values are kernel object ids in Linux (program and map ids) and
# references in bpfvm: only their keys are compared.
ID_VALUED = {"jmp_static", "jmp_runtime", "outer_arr", "outer_hash", "tx_ports"}
# Maps holding host-dependent values (times, CPU ids, random numbers).
HOST_VALUED = {"misc_out", "owner"}

# (case label prefix, field) -> why bpfvm and Linux differ there. A
# difference listed here is reported but does not fail; one that stops
# occurring is reported so the entry can be removed. Field "refused": one
# side refused the input (Linux: BPF_PROG_TEST_RUN failed; bpfvm: exit 2).
KNOWN = {
    ("meta_mark zero xdp_md", "data_out"):
        "open question: with an xdp_md whose data_end (0) is short of the input, both run the "
        "program on an empty packet (same retval), but Linux's data_out still holds the whole "
        "input after the metadata while bpfvm's ends where the program's packet ended",
    ("sf_dns udp 53", "retval"):
        "documented gap: Linux's test-run gives socket filters the packet from the network header "
        "(eth_type_trans pulls the Ethernet header), bpfvm from the Ethernet header "
        "(issue 6: 'for sched_cls/socket_filter the packet starts at the Ethernet header')",
    ("sf_peek", "maps"):
        "same as sf_dns: Linux shows the filter the IPv4 header at offset 0 and "
        "skb->len without the 14-byte Ethernet header",
}
# Maps bpfvm run --json lists as [] whatever they hold, while Linux's user
# space can read them: a gap in bpfvm's listing, not in the program's result
# (the programs' return values check the contents).
UNLISTED = {
    "events": "ring buffer: kernel_run consumes the committed records",
    "fifo": "queue: kernel_run pops the elements",
    "q2": "queue: kernel_run pops the elements",
    "lifo": "stack: kernel_run pops the elements",
    "s2": "stack: kernel_run pops the elements",
}
# Every socket_filter case differs the same way in data_out: Linux zeroes the
# Ethernet header it pulled before copying the packet out; bpfvm, which gives
# socket filters the Ethernet header (issue 6), returns it unchanged.
# (cgroup_skb programs see the packet from the IP header in both.)
L3_PROGS = {"sf_dns", "sf_peek", "sf_netoff"}
L3_REASON = ("Linux's test-run zeroes the pulled Ethernet header of socket_filter "
             "packets in data_out; bpfvm returns it unchanged")


def norm_maps(maps):
    out = {}
    for name, elems in maps.items():
        # Global data maps are "<obj prefix>.data" in libbpf, maybe other in bpfvm.
        key = name[name.index("."):] if "." in name else name
        if key in HOST_VALUED:
            continue
        rows = []
        for k, v in elems:
            if key in ID_VALUED:
                v = None
            elif isinstance(v, list):
                # Per-CPU: which CPU ran and how many CPUs exist differ; the
                # non-zero slots do not.
                v = sorted(x for x in v if int(x, 16) != 0)
            rows.append([k, v])
        if key not in ("fifo", "lifo"):
            rows.sort(key=lambda r: r[0])
        out[key] = rows
    return out


def kernel(args):
    p = subprocess.run([KRUN] + args[1:], capture_output=True, text=True, timeout=60)
    return p.returncode, p.stdout, p.stderr


cases = []


def case(label, objname, prog, **kw):
    cases.append((label, objname, prog, kw))


pkt = udp_packet("10.0.0.2", "10.0.0.1", 1234, 53, b"query")
block = [("blocklist", u16(9999), u64(0)), ("blocklist", u16(53), u64(40))]
for label, p_ in [("udp 80", udp_packet("10.0.0.2", "10.0.0.1", 1, 80)),
                  ("udp 9999", udp_packet("10.0.0.2", "10.0.0.1", 1, 9999)),
                  ("udp 53 ip options", udp_packet("10.0.0.2", "10.0.0.1", 1, 53,
                                                   options=bytes([1, 1, 1, 0]))),
                  ("tcp", tcp_packet("10.0.0.2", "10.0.0.1", 1, 9999)),
                  ("arp", arp_packet()), ("runt", bytes(10)),
                  ("truncated udp", udp_packet("10.0.0.2", "10.0.0.1", 1, 9999)[:38])]:
    case("xdp_parse " + label, "run_xdp_parse", "xdp_parse", data=p_, maps=block)
case("xdp_parse 4000 bytes", "run_xdp_parse", "xdp_parse",
     data=udp_packet("10.0.0.2", "10.0.0.1", 1, 80, bytes(4000 - 42)), maps=block)
case("xdp_parse per-cpu prefill", "run_xdp_parse", "xdp_parse", data=arp_packet(),
     maps=[("verdicts", u32(2), u64(7)), ("proto_bytes", "11", u64(5))])
case("xdp_parse repeat 5", "run_xdp_parse", "xdp_parse",
     data=udp_packet("10.0.0.2", "10.0.0.1", 1, 9999), maps=block, repeat=5)

case("lru_flow x3", "run_lru", "lru_flow", data=pkt, repeat=3)
case("lru_fill", "run_lru", "lru_fill", data=bytes(64))
# socket lookups for a port nothing listens on: NULL in both (no sockets in bpfvm)
for prog, p_ in [("tc_sk_lookup", tcp_packet("10.0.0.2", "10.0.0.1", 40000, 47999)),
                 ("tc_skc_lookup", tcp_packet("10.0.0.2", "10.0.0.1", 40000, 47999)),
                 ("xdp_sk_lookup_udp", udp_packet("10.0.0.2", "10.0.0.1", 40000, 47999))]:
    case(prog, "run_sk_lookup", prog, data=p_)


def v4key(prefix, addr):
    return u32(prefix) + socket.inet_aton(addr).hex()


def v6key(prefix, addr):
    return u32(prefix) + socket.inet_pton(socket.AF_INET6, addr).hex()


routes4 = [("routes4", v4key(n, a), u32(n + 1)) for n, a in
           [(0, "0.0.0.0"), (8, "10.0.0.0"), (16, "10.1.0.0"), (24, "10.1.2.0"),
            (31, "10.1.2.2"), (32, "10.1.2.3"), (12, "172.16.0.0")]]
for dst in ["10.1.2.3", "10.1.2.2", "10.1.2.4", "10.1.3.1", "10.200.0.1", "172.31.255.255",
            "172.32.0.0", "192.0.2.1"]:
    case("lpm_route " + dst, "run_lpm", "lpm_route", data=udp_packet("192.0.2.9", dst, 1, 2),
         maps=routes4)
routes6 = [("routes6", v6key(n, a), u32(n + 1)) for n, a in
           [(0, "::"), (32, "2001:db8::"), (48, "2001:db8:1::"), (64, "2001:db8:1:2::"),
            (127, "2001:db8:1:2::2"), (128, "2001:db8:1:2::1")]]
for dst in ["2001:db8:1:2::1", "2001:db8:1:2::3", "2001:db8:1:2::9", "2001:db8:1:3::1",
            "2001:db8:2::1", "fe80::1"]:
    case("lpm_route " + dst, "run_lpm", "lpm_route", data=ipv6_packet("2001:db8::99", dst),
         maps=routes6)
case("lpm_self", "run_lpm", "lpm_self", data=bytes(64))

case("ringbuf_events", "run_ringbuf", "ringbuf_events", data=pkt)
case("ringbuf_full", "run_ringbuf", "ringbuf_full", data=pkt)
case("qs_ops", "run_queue_stack", "qs_ops", data=pkt)
case("qs_ops prefilled", "run_queue_stack", "qs_ops", data=pkt,
     maps=[("fifo", "", u32(9)), ("lifo", "", u32(9))])
case("qs_full", "run_queue_stack", "qs_full", data=pkt)

for label, first, maps in [("static 0", b"\0\0", []), ("static 2", b"\2\0", []),
                           ("static 1 empty", b"\1\0", []),
                           ("runtime 1", b"\1\1", [("jmp_runtime", u32(1), "tail_b")]),
                           ("runtime chain", b"\3\1", [("jmp_runtime", u32(3), "tail_loop")])]:
    case("tail_entry " + label, "run_tailcall", "tail_entry", data=first + bytes(30), maps=maps)
for first in [b"\0\1", b"\1\3", b"\1\1", b"\2\1", b"\0\2"]:
    case("mim_bump %s" % first.hex(), "run_map_in_map", "mim_bump", data=first + bytes(38))
case("mim_bump runtime inner", "run_map_in_map", "mim_bump", data=b"\0\2" + bytes(38),
     maps=[("outer_hash", u32(2), "inner_a")])
case("global_rw", "run_global", "global_rw", data=bytes(range(1, 47)))
case("global_rw x4", "run_global", "global_rw", data=bytes(range(1, 47)), repeat=4)
for n, stop in [(10, 0), (10, 4), (0, 0), (200, 0)]:
    case("loop_sum %d %d" % (n, stop), "run_callbacks", "loop_sum",
         data=bytes([n, stop]) + bytes(30))
case("walk_maps", "run_callbacks", "walk_maps", data=bytes(32),
     maps=[("cb_array", u32(i), u64(10 * (i + 1))) for i in range(4)] +
          [("cb_hash", u32(k), u64(300)) for k in range(1, 6)])
case("map_errors", "run_map_errors", "map_errors", data=bytes(64))
case("spin_count x10", "run_spinlock", "spin_count", data=bytes(50), repeat=10)

case("ipip_encap", "run_xdp_adjust", "ipip_encap", data=pkt)
case("ipip_decap plain", "run_xdp_adjust", "ipip_decap", data=pkt)
case("ipip_encap x3", "run_xdp_adjust", "ipip_encap", data=pkt, repeat=3)
case("tail_grow x3", "run_xdp_adjust", "tail_grow", data=pkt, repeat=3)
case("tc_dnat x2", "run_tc_nat", "tc_dnat", data=udp_packet("10.0.0.2", "10.0.0.1", 4000, 53),
     repeat=2)
case("tail_trim", "run_xdp_adjust", "tail_trim", data=bytes(range(100)))
case("tail_grow", "run_xdp_adjust", "tail_grow", data=pkt)
case("meta_mark", "run_xdp_adjust", "meta_mark", data=pkt)
case("meta_mark xdp_md", "run_xdp_adjust", "meta_mark", data=pkt,
     ctx=struct.pack("<6I", 0, len(pkt), 0, 1, 0, 0))
case("meta_mark zero xdp_md", "run_xdp_adjust", "meta_mark", data=pkt, ctx=bytes(24))
case("adjust_limits", "run_xdp_adjust", "adjust_limits", data=bytes(range(100)))

for label, p_ in [("udp", udp_packet("10.0.0.2", "10.0.0.1", 4000, 53, b"dns?")),
                  ("udp odd", udp_packet("10.0.0.2", "10.0.0.1", 4000, 53, b"abcde")),
                  ("tcp", tcp_packet("10.0.0.2", "10.0.0.1", 40000, 80, b"GET /\r\n")),
                  ("other", udp_packet("10.0.0.2", "10.0.0.7", 4000, 53))]:
    case("tc_dnat " + label, "run_tc_nat", "tc_dnat", data=p_)
case("tc_dnat ctx", "run_tc_nat", "tc_dnat", data=udp_packet("10.0.0.2", "10.0.0.1", 4000, 53),
     ctx=bytes(192))
case("tc_fields", "run_tc_nat", "tc_fields", data=pkt)
case("tc_fields short ipv4", "run_tc_nat", "tc_fields", data=pkt[:33])
case("tc_fields short ipv6", "run_tc_nat", "tc_fields",
     data=ipv6_packet("2001:db8::1", "2001:db8::2")[:53])
case("sf_dns udp 53", "run_socket", "sf_dns", data=udp_packet("10.0.0.2", "10.0.0.1", 9, 53))
case("sf_dns udp 54", "run_socket", "sf_dns", data=udp_packet("10.0.0.2", "10.0.0.1", 9, 54))
case("sf_peek", "run_socket", "sf_peek", data=pkt)
case("cg_count", "run_socket", "cg_count", data=pkt, repeat=3)
case("cg_owner", "run_cg_owner", "cg_owner", data=pkt)
# Legacy packet loads: tc from the Ethernet header; the socket filter reads
# from the headers (SKF_LL_OFF/SKF_NET_OFF), the same bytes in Linux.
for label, p_ in [("udp", pkt),
                  ("udp options", udp_packet("10.0.0.7", "10.0.0.1", 1, 8080, b"xyz",
                                             options=bytes([1, 1, 1, 0]))),
                  ("tcp", tcp_packet("10.0.0.9", "10.0.0.1", 40000, 443, b"GET")),
                  ("no payload", udp_packet("10.0.0.2", "10.0.0.1", 1, 53, b"")),
                  ("ipv6", ipv6_packet("2001:db8::1", "2001:db8::2")), ("arp", arp_packet())]:
    case("ld_pkt tc " + label, "run_ld_pkt", "tc_ldabs", data=p_)
    case("ld_pkt sf_netoff " + label, "run_ld_pkt", "sf_netoff", data=p_)
    case("ld_pkt tc_ldsub " + label, "run_ld_pkt", "tc_ldsub", data=p_)
case("xdp_redir", "run_redirect", "xdp_redir", data=pkt)
case("tc_redir", "run_redirect", "tc_redir", data=pkt)
case("xdp_redir_map 1", "run_redirect_map", "xdp_redir_map", data=b"\1" + bytes(40),
     maps=[("tx_ports", u32(1), u32(1))])
case("xdp_redir_map 2", "run_redirect_map", "xdp_redir_map", data=b"\2" + bytes(40),
     maps=[("tx_ports", u32(1), u32(1))])
case("csum", "run_misc", "csum", data=pkt)
# bpf_redirect_map through a CPUMAP and an (empty: Linux takes only AF_XDP
# sockets) XSKMAP: key = first byte, flags = second.
cpu0 = [("cpu_map", u32(0), u32(192) + u32(0))]
for prog, first, maps in [("xdp_cpu", "0002", cpu0), ("xdp_cpu", "0102", cpu0),
                          ("xdp_cpu", "0008", cpu0), ("xdp_cpu", "c803", cpu0),
                          ("xdp_cpu", "0004", cpu0), ("xdp_cpu_twice", "0302", cpu0),
                          ("xdp_cpu_twice", "0002", cpu0), ("xdp_xsk", "0101", []),
                          ("xdp_xsk", "0010", [])]:
    case("%s %s" % (prog, first), "run_redirect_cpu", prog,
         data=bytes.fromhex(first) + bytes(60), maps=maps)
# VLAN tags, queue_mapping writes and the tc redirects of run_tc_extra.c (the cookie programs are
# left out: Linux's cookies come from host-wide counters).
vlan_tagged = eth(0x8100, bytes([0x20, 0x05, 0x88, 0xa8, 0x00, 0x07, 0x08, 0x00]) +
                  ipv4("10.0.0.2", "10.0.0.1", 17, bytes(20)))
for label, data in [("", pkt), (" tagged", vlan_tagged), (" runt", eth(0x8100, b"\x00\x01"))]:
    case("tc_vlan" + label, "run_tc_extra", "tc_vlan", data=data)
    case("tc_vlan_pop" + label, "run_tc_extra", "tc_vlan_pop", data=data)
for prog in ["tc_neigh", "tc_neigh_nh", "tc_neigh_bad", "tc_peer", "tc_clone"]:
    case(prog, "run_tc_extra", prog, data=pkt)
for vals in [(5, 0x10005, 0xfffe), (0xffff, 0x12345678, 0xffffffff), (0, 0xfffe, 1)]:
    case("tc_queue %x %x %x" % vals, "run_tc_extra", "tc_queue",
         data=bytes(14) + struct.pack("<3I", *vals) + bytes(30))

# The tc helpers of helpers/skb.c: every result lands in skb_out or the packet.
ipip = eth(0x0800, ipv4("10.0.0.2", "10.0.0.1", 4, pkt[14:]))
v6pkt = ipv6_packet("2001:db8::1", "2001:db8::2")
for prog, label, data, rep in [
        ("skb_hash", "udp", pkt, None), ("skb_hash", "arp", arp_packet(), None),
        ("skb_hash", "ipv6", v6pkt, None), ("skb_tail_grow", "", pkt, None),
        ("skb_tail_grow", "x3", pkt, 3), ("skb_tail_limits", "", pkt, None),
        ("skb_tail_regrow", "", pkt, None), ("skb_head", "", pkt, None),
        ("skb_head", "x2", pkt, 2), ("skb_encap", "", pkt, None),
        ("skb_encap", "ipv6", v6pkt, None), ("skb_decap", "", ipip, None),
        ("skb_decap", "plain", pkt, None), ("skb_room_limits", "", pkt, None),
        ("skb_room_limits", "arp", arp_packet(), None),
        ("skb_room_limits", "ipv6", v6pkt, None), ("skb_proto", "", pkt, None),
        ("skb_proto", "ipv6", v6pkt, None), ("skb_proto", "arp", arp_packet(), None)]:
    case(("%s %s" % (prog, label)).strip(), "run_skb_helpers", prog, data=data, repeat=rep)
# bpf_perf_event_output with nothing consuming the perf event array: -ENOENT
# in both, after the argument checks (test_map_perf.c consumes in bpfvm).
case("tc_perf", "run_skb_perf", "tc_perf", data=pkt)
case("tun_v4", "run_skb_tunnel", "tun_v4", data=pkt)
case("tun_v6", "run_skb_tunnel", "tun_v6", data=pkt)
case("tun_v4 x2", "run_skb_tunnel", "tun_v4", data=pkt, repeat=2)
case("tun_opt", "run_skb_tunnel", "tun_opt", data=pkt)
case("xdp_perf", "run_skb_perf", "xdp_perf", data=pkt)
case("tc_emit", "run_skb_perf", "tc_emit", data=pkt)
case("printk", "run_misc", "printk", data=pkt)
case("time_rand_cpu", "run_misc", "time_rand_cpu", data=pkt)

# Mutated packets: valid frames with header bytes overwritten and lengths cut,
# through the parsing and rewriting programs. Seeded, so a failure reproduces;
# RUN_DIFF_SEED and RUN_DIFF_COUNT explore further by hand.
import random
rng = random.Random(int(os.environ.get("RUN_DIFF_SEED", "6")))
bases = [udp_packet("10.0.0.2", "10.0.0.1", 4000, 53, b"abcdefgh"),
         udp_packet("10.0.0.2", "10.1.2.3", 1, 9999, b"x" * 30, options=bytes([1, 1, 1, 0])),
         tcp_packet("10.0.0.2", "10.0.0.1", 40000, 80, b"GET / HTTP/1.0\r\n"),
         ipv6_packet("2001:db8::1", "2001:db8:1:2::1"), arp_packet()]
progs = [("run_xdp_parse", "xdp_parse", block), ("run_tc_nat", "tc_dnat", []),
         ("run_xdp_adjust", "ipip_encap", []), ("run_xdp_adjust", "ipip_decap", []),
         ("run_xdp_adjust", "tail_trim", []), ("run_lpm", "lpm_route", routes4 + routes6),
         ("run_lru", "lru_flow", []), ("run_misc", "csum", [])]
for i in range(int(os.environ.get("RUN_DIFF_COUNT", "40"))):
    p_ = bytearray(rng.choice(bases))
    for _ in range(rng.randint(1, 4)):
        p_[rng.randrange(12, min(len(p_), 60))] = rng.choice([0, 1, 4, 5, 6, 0x11, 0x45, 0x46,
                                                             0x4f, 0xff, rng.randrange(256)])
    if rng.random() < 0.4:
        del p_[rng.randint(14, len(p_)):]
    o, prog, maps = rng.choice(progs)
    case("random %d %s" % (i, prog), o, prog, data=bytes(p_), maps=maps)
# The same for the skb reshaping helpers, from their own seed so that the
# cases above stay as they were.
rng = random.Random(int(os.environ.get("RUN_DIFF_SEED", "6")) + 1)
skb_progs = ["skb_hash", "skb_head", "skb_encap", "skb_decap", "skb_room_limits", "skb_proto",
             "skb_tail_grow"]
for i in range(int(os.environ.get("RUN_DIFF_COUNT", "40")) // 2):
    p_ = bytearray(rng.choice(bases + [ipip]))
    for _ in range(rng.randint(1, 4)):
        p_[rng.randrange(12, min(len(p_), 60))] = rng.choice([0, 4, 6, 0x11, 0x45, 0x86, 0xdd,
                                                             0xff, rng.randrange(256)])
    if rng.random() < 0.4:
        del p_[rng.randint(14, len(p_)):]
    prog = rng.choice(skb_progs)
    case("random skb %d %s" % (i, prog), "run_skb_helpers", prog, data=bytes(p_))

# Raw tracepoints, the one tracing type Linux test-runs: a bad pointer in
# args[0] reads as -EFAULT and zero in both.
case("raw_sys_enter bad pointer", "run_tracing", "raw_sys_enter",
     ctx=struct.pack("<QQ", 0x20, 257))
case("raw_sys_enter non-canonical pointer", "run_tracing", "raw_sys_enter",
     ctx=struct.pack("<QQQ", 0xdead000000000000, 59, 7))

# Every test object must be one the Linux verifier accepts; cgroup_sock_addr
# programs, which Linux cannot test-run, are at least loaded (exit 4).
loaded = 0
for f in sorted(os.listdir(PROGS)):
    if not (f.startswith("run_") and f.endswith(".o")):
        continue
    rc, out, err = bpfvm(["show", os.path.join(PROGS, f), "--json"])
    if not check(rc == 0, "bpfvm show %s: %s" % (f, err.strip())):
        continue
    for p_ in json.loads(out)["programs"]:
        krc, kout, kerr = kernel(["run", os.path.join(PROGS, f), "--prog", p_["name"],
                                  "--data", write_tmp("load.bin", bytes(64))])
        if p_["type"] == "cgroup_sock_addr":
            check(krc == 4, "%s %s: Linux should load it (exit 4): %s" % (f, p_["name"], kerr.strip()))
        else:
            check("refused to load" not in kerr, "%s %s: %s" % (f, p_["name"], kerr.strip()))
        loaded += 1
print("%d programs loaded into Linux" % loaded)

same = known = 0
seen_known = set()


SKB_PROGS = {"tc_dnat", "tc_fields", "tc_redir", "sf_dns", "sf_peek", "cg_count", "cg_owner",
             "tc_ldabs", "sf_netoff", "tc_ldsub"}
SHORT_L3 = ("bpfvm bug: Linux's skb test-run refuses (EINVAL) an IPv4 frame with fewer than "
            "20 bytes after the Ethernet header and an IPv6 frame with fewer than 40; bpfvm "
            "runs them")


def short_l3_why(prog, data):
    if prog not in SKB_PROGS or not data or len(data) < 14:
        return None
    proto = data[12:14]
    if (proto == b"\x08\x00" and len(data) < 34) or (proto == b"\x86\xdd" and len(data) < 54):
        return SHORT_L3
    return None


def known_why(label, field):
    for (prefix, f), why in KNOWN.items():
        if f == field and label.startswith(prefix):
            seen_known.add((prefix, f))
            return why
    return None


for label, objname, prog, kw in cases:
    args = run_args(objname, prog, **kw)
    krc, kout, kerr = kernel(args)
    if krc not in (0, 3) or (krc == 3 and "BPF_PROG_TEST_RUN failed" not in kerr):
        fail("%s: kernel_run exited %d: %s" % (label, krc, kerr.strip()))
        continue
    for engine in engines():
        eargs = run_args(objname, prog, engine=engine, **kw)
        cmd = "bpfvm " + " ".join(eargs)
        rc, out, err = bpfvm(eargs)
        if (krc != 0) != (rc != 0):
            why = known_why(label, "refused") or short_l3_why(prog, kw.get("data"))
            what = "%s: refused by %s only: linux: %s; bpfvm: %s\n  see: %s" % (
                label, "Linux" if krc else "bpfvm", kerr.strip() or "ran",
                err.strip() or "ran", cmd)
            if why:
                print("KNOWN %s\n  why: %s" % (what, why))
                known += 1
            else:
                fail(what)
            continue
        if krc != 0:
            same += 1
            continue
        k = json.loads(kout)
        b = json.loads(out)
        diffs = []
        kdata, bdata = k["data_out"], b["data_out"]
        if prog in L3_PROGS and len(kdata) == len(bdata) and kdata[28:] == bdata[28:] \
                and kdata[:28] == "0" * 28:
            print("KNOWN %s [%s]: data_out's first 14 bytes: %s" % (label, engine, L3_REASON))
            kdata = bdata
        kmaps, bmaps = norm_maps(k["maps"]), norm_maps(b["maps"])
        for name in sorted(set(kmaps) | set(bmaps)):
            if kmaps.get(name) != bmaps.get(name) and bmaps.get(name) == [] and name in UNLISTED:
                print("KNOWN %s [%s]: map %s: bpfvm lists [], linux %s\n  why: gap in bpfvm run "
                      "--json: %s" % (label, engine, name, json.dumps(kmaps.get(name))[:200],
                                      UNLISTED[name]))
                known += 1
                kmaps[name] = bmaps[name]
        # Only the maps that differ (or exist on one side only) are shown.
        differing = {n for n in set(kmaps) | set(bmaps) if kmaps.get(n, "absent") != bmaps.get(n, "absent")}
        kmaps = {n: v for n, v in kmaps.items() if n in differing}
        bmaps = {n: v for n, v in bmaps.items() if n in differing}
        for field, kv, bv in [("retval", k["retval"], b["retval"]),
                              ("data_out", kdata, bdata),
                              ("ctx_out", k.get("ctx_out"), b.get("ctx_out")),
                              ("maps", kmaps, bmaps)]:
            if kv == bv:
                continue
            why = known_why(label, field)
            if why:
                print("KNOWN %s [%s]: %s: linux %s, bpfvm %s\n  why: %s\n  see: %s" %
                      (label, engine, field, json.dumps(kv)[:300], json.dumps(bv)[:300], why, cmd))
                known += 1
            else:
                fail("%s [%s]: %s: linux %s, bpfvm %s\n  see: %s" %
                     (label, engine, field, json.dumps(kv)[:400], json.dumps(bv)[:400], cmd))
            diffs.append(field)
        if not diffs:
            same += 1
for key in sorted(set(KNOWN) - seen_known):
    print("note: known difference %s no longer occurs; remove it from KNOWN" % (key,))
print("%d cases x %d engine(s): %d identical, %d known differences, %d failures" %
      (len(cases), len(engines()), same, known, len(failures)))
finish()
PY
