#!/bin/bash
# bpfvm run, end to end: cgroup/bind4 and cgroup/connect4 programs on a
# struct bpf_sock_addr given with --ctx, and bind6, connect6 and sendmsg4
# (Linux cannot test-run these, so the expectations are written here;
# run_kernel_diff.sh checks that Linux loads them), the get_current_* helpers (the caller is
# the bpfvm process), and the host-dependent helpers: ktime, prandom, smp id
# (stable properties only), trace_printk (on stderr) and csum_diff (exact).
export RUN_LIB_DIR="$(cd "$(dirname "$0")" && pwd)"
exec python3 - <<'PY'
import os, socket, struct, subprocess, sys
sys.path.insert(0, os.environ["RUN_LIB_DIR"])
from run_lib import *

skip_unless_ready()

for label, ctx, want in [("port 22", sock_addr4("0.0.0.0", 22), 0),
                         ("10.0.0.0/8", sock_addr4("10.1.2.3", 8080), 0),
                         ("allowed", sock_addr4("127.0.0.1", 8080), 1),
                         ("port 0", sock_addr4("192.0.2.1", 0), 1)]:
    res = run("run_cgroup", "bind4_policy", "bind4 " + label, ctx=ctx)
    if res:
        eq(res["retval"], want, "bind4 %s: verdict" % label)
        eq(res.get("ctx_out"), ctx.hex(), "bind4 %s: ctx unchanged" % label)

ctx = sock_addr4("10.0.0.1", 80)
want = sock_addr4("127.0.0.1", 8080)
for engine in engines():
    # Run directly, to know the pid that get_current_pid_tgid must report.
    args = run_args("run_cgroup", "connect4_rewrite", ctx=ctx, engine=engine)
    p = subprocess.Popen([BPFVM] + args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    out, err = p.communicate(timeout=60)
    if not check(p.returncode == 0, "connect4 [%s]: exit %d: %s" % (engine, p.returncode, err.strip())):
        continue
    res = json.loads(out)
    eq(res["retval"], 1, "connect4 [%s]: allow" % engine)
    eq(res.get("ctx_out"), want.hex(), "connect4 [%s]: rewritten to 127.0.0.1:8080" % engine)
    eq(map_dict(res, "rewritten"), {u32(0): socket.inet_aton("127.0.0.1").hex(),
                                    u32(1): struct.pack("!H", 8080).hex() + "0000"},
       "connect4 [%s]: values read back from the context" % engine)
    c = bytes.fromhex(map_dict(res, "callers").get(u32(0), "00" * 32))
    pid_tgid, uid_gid = le(c[0:8]), le(c[8:16])
    eq(pid_tgid >> 32, p.pid, "connect4 [%s]: get_current_pid_tgid tgid" % engine)
    check(pid_tgid & 0xffffffff > 0, "connect4 [%s]: get_current_pid_tgid pid" % engine)
    eq((uid_gid & 0xffffffff, uid_gid >> 32), (os.getuid(), os.getgid()),
       "connect4 [%s]: get_current_uid_gid" % engine)
    eq(c[16:32].rstrip(b"\0"), os.path.basename(BPFVM)[:15].encode(),
       "connect4 [%s]: get_current_comm" % engine)
res = run("run_cgroup", "connect4_rewrite", "connect4 other", ctx=sock_addr4("10.0.0.2", 80),
          vary=("callers",))
if res:
    eq((res["retval"], res.get("ctx_out")), (1, sock_addr4("10.0.0.2", 80).hex()),
       "connect4 other address: allowed, unchanged")
    eq(map_dict(res, "rewritten"), {u32(0): u32(0), u32(1): u32(0)}, "connect4 other: no rewrite")

for label, ctx, want in [("link-local", sock_addr6("fe80::1", 80), 0),
                         ("global", sock_addr6("2001:db8::5", 80), 1),
                         ("loopback", sock_addr6("::1", 80), 1)]:
    res = run("run_cgroup", "bind6_policy", "bind6 " + label, ctx=ctx)
    if res:
        eq((res["retval"], res.get("ctx_out")), (want, ctx.hex()), "bind6 %s" % label)
for label, ctx, out in [("proxied", sock_addr6("2001:db8::1", 443), sock_addr6("::1", 8443)),
                        ("other port", sock_addr6("2001:db8::1", 80), None),
                        ("other address", sock_addr6("2001:db8::2", 443), None)]:
    res = run("run_cgroup", "connect6_rewrite", "connect6 " + label, ctx=ctx)
    if res:
        eq((res["retval"], res.get("ctx_out")), (1, (out or ctx).hex()), "connect6 %s" % label)
udp = (socket.SOCK_DGRAM, 17)
for label, ctx, out in [("dns", sock_addr4("192.0.2.53", 53, *udp),
                         sock_addr4("127.0.0.53", 53, *udp, msg_src="10.0.0.99")),
                        ("other port", sock_addr4("192.0.2.53", 54, *udp), None),
                        ("tcp", sock_addr4("192.0.2.53", 53), None)]:
    res = run("run_cgroup", "sendmsg4_dns", "sendmsg4 " + label, ctx=ctx)
    if res:
        eq((res["retval"], res.get("ctx_out")), (1, (out or ctx).hex()), "sendmsg4 %s" % label)

pkt = udp_packet("10.0.0.2", "10.0.0.1", 1234, 53)
res = run("run_misc", "time_rand_cpu", data=pkt, vary=("misc_out",))
if res:
    out = {le(bytes.fromhex(k)): le(bytes.fromhex(v)) for k, v in map_dict(res, "misc_out").items()}
    eq(out.get(0), 1, "ktime_get_ns: non-zero and monotonic")
    eq(out.get(1), 1, "ktime_get_boot_ns: non-zero, monotonic, not behind ktime_get_ns")
    check(out.get(2, 0) > 1, "get_prandom_u32: 8 calls gave one value (%r)" % out.get(2))
    check(out.get(3, 1 << 40) < (os.cpu_count() or 1),
          "get_smp_processor_id: %r below the CPU count" % out.get(3))
res = run("run_misc", "printk", data=pkt)
if res:
    eq(res["retval"], 2, "printk: retval XDP_PASS")
    check("bpfvm-printk len=%d x=beef" % len(pkt) in res["_stderr"],
          "trace_printk: message on stderr (stderr: %r)" % res["_stderr"][:200])


res = run("run_misc", "printk_formats", data=pkt)
if res:
    for line in ["u=4000000000 d=-5 x=beef",
                 "lld=-1234567890123 llu=18446744073709551615 llx=deadbeefcafe",
                 "s=hello pct=100% i=42"]:
        check(any(l.endswith(line) for l in res["_stderr"].splitlines()),
              "trace_printk: a line ending %r on stderr (stderr: %r)" % (line, res["_stderr"][:300]))


def fold(words_sum):
    while words_sum >> 16:
        words_sum = (words_sum & 0xffff) + (words_sum >> 16)
    return words_sum


def lesum(b):
    return sum(struct.unpack("<%dH" % (len(b) // 2), b))


def inv(b):
    return bytes(x ^ 0xff for x in b)


res = run("run_misc", "csum", data=pkt)
if res:
    a = fold(lesum(pkt[:8]))
    b = fold(lesum(inv(pkt[:4])) + lesum(pkt[4:8]))
    c = fold(lesum(inv(pkt[:4])) + lesum(pkt[4:8]) + 0x1234)
    eq(res["retval"], a, "csum_diff: sum of 8 bytes")
    out = map_dict(res, "misc_out")
    eq([out.get(u32(i)) for i in (4, 5, 6)], [u64(a), u64(b), u64(c)], "csum_diff: folded sums")
finish()
PY
