# Shared by the tests/cli/run_*.sh scripts: they run clang-built programs
# through `bpfvm run --json` and assert exact results. This module builds the
# packets and contexts they feed in, runs bpfvm (with each engine that works),
# reads its JSON and collects failures, so each script is only its cases.
import atexit
import json
import os
import shutil
import socket
import struct
import subprocess
import sys
import tempfile

BPFVM = os.environ.get("BPFVM", "")
PROGS = os.environ.get("BPFVM_PROGS", "")
TMP = tempfile.mkdtemp(prefix="bpfvm-run-")
atexit.register(shutil.rmtree, TMP, True)
failures = []


def skip_unless_ready():
    """Exit 77 (skipped) with a reason when the programs or `bpfvm run` are missing."""
    reason = os.environ.get("BPFVM_PROGS_SKIP", "")
    if reason:
        print("skip:", reason)
        sys.exit(77)
    if not BPFVM or not PROGS:
        print("skip: BPFVM and BPFVM_PROGS must be set (run through ctest)")
        sys.exit(77)


def obj(name):
    return os.path.join(PROGS, name + ".o")


_tmp_count = [0]


def write_tmp(name, data):
    """A new file in the test's temporary directory (never reused, so argument
    lists built ahead of their runs keep their inputs)."""
    _tmp_count[0] += 1
    path = os.path.join(TMP, "%d-%s" % (_tmp_count[0], name))
    with open(path, "wb") as f:
        f.write(data)
    return path


def bpfvm(args):
    """Runs `bpfvm ARGS`; returns (exit code, stdout, stderr)."""
    p = subprocess.run([BPFVM] + list(args), capture_output=True, text=True, timeout=60)
    return p.returncode, p.stdout, p.stderr


def run_args(objname, prog, data=None, ctx=None, maps=(), repeat=None, engine=None,
             extra=()):
    args = ["run", obj(objname), "--prog", prog, "--json"]
    if data is not None:
        args += ["--data", write_tmp("data.bin", data)]
    if ctx is not None:
        args += ["--ctx", write_tmp("ctx.bin", ctx)]
    for name, key, value in maps:
        args += ["--map", name, key, value]
    if repeat is not None:
        args += ["--repeat", str(repeat)]
    if engine is not None:
        args += ["--engine", engine]
    return args + list(extra)


_engines = None


def engines():
    """The engines to test: interp, plus jit when `--engine jit` runs a program."""
    global _engines
    if _engines is None:
        rc, out, err = bpfvm(run_args("run_global", "global_rw", data=bytes(64),
                                      engine="jit"))
        _engines = ["interp"]
        if rc == 0:
            _engines.append("jit")
        else:
            print("note: --engine jit does not run yet (%s); testing the interpreter only"
                  % (err.strip() or "exit %d" % rc))
    return _engines


def _engine_view(res, vary):
    """What must be equal between engines: elements in any key order (hash
    seeds differ between runs; a stable sort keeps a queue's order), per-CPU
    values in any CPU order, maps holding host-dependent values (`vary`) left out."""
    view = {f: res.get(f) for f in ("retval", "data_out", "ctx_out", "redirect")}
    view["maps"] = {name: sorted([[k, sorted(v) if isinstance(v, list) else v]
                                  for k, v in elems], key=lambda e: e[0])
                    for name, elems in res.get("maps", {}).items() if name not in vary}
    return view


def run(objname, prog, label=None, vary=(), **kw):
    """Runs the program with every engine; returns the first engine's JSON, or
    None after recording a failure. Engines must agree on everything but time
    and the maps named in `vary`."""
    label = label or prog
    results = []
    for engine in engines():
        rc, out, err = bpfvm(run_args(objname, prog, engine=engine, **kw))
        if rc != 0:
            fail("%s [%s]: bpfvm run exited %d: %s" % (label, engine, rc, err.strip()))
            return None
        try:
            res = json.loads(out)
        except ValueError:
            fail("%s [%s]: output is not JSON: %r" % (label, engine, out[:200]))
            return None
        res["_stderr"] = err
        results.append((engine, res))
    first = _engine_view(results[0][1], vary)
    for engine, res in results[1:]:
        other = _engine_view(res, vary)
        for field in first:
            if other[field] != first[field]:
                fail("%s: %s differs between %s and %s: %r vs %r" %
                     (label, field, results[0][0], engine, first[field], other[field]))
    return results[0][1]


def fail(msg):
    failures.append(msg)
    print("FAIL:", msg)


def eq(actual, expected, what):
    if actual != expected:
        fail("%s: got %r, expected %r" % (what, actual, expected))
        return False
    return True


def check(cond, what):
    if not cond:
        fail(what)
    return bool(cond)


def finish():
    if failures:
        print("%d failure(s)" % len(failures))
        sys.exit(1)
    print("ok")
    sys.exit(0)


# --- reading results -------------------------------------------------------

def find_map(res, name):
    """A map's element list by name; global-data maps match by suffix (".data"
    matches "run_glob.data"), since loaders prefix them with the object name."""
    maps = res.get("maps", {})
    if name in maps:
        return maps[name]
    for n, elems in maps.items():
        if name.startswith(".") and n.endswith(name):
            return elems
    fail("map %s not in the result (maps: %s)" % (name, ", ".join(maps)))
    return []


def map_dict(res, name):
    """{KEYHEX: VALUEHEX or [PER-CPU VALUEHEX...]} of a map."""
    return {k: v for k, v in find_map(res, name)}


def percpu_sum(value_list, off=0, size=8):
    """The sum over CPUs of the little-endian integer at off in a per-CPU value."""
    return sum(le(bytes.fromhex(v)[off:off + size]) for v in value_list)


def possible_cpus():
    """Linux's count of possible CPUs, the number of per-CPU slots user space sees."""
    try:
        with open("/sys/devices/system/cpu/possible") as f:
            text = f.read().strip()
    except OSError:
        return os.cpu_count() or 1
    n = 0
    for part in text.split(","):
        lo, _, hi = part.partition("-")
        n += int(hi or lo) - int(lo) + 1
    return n


def le(b):
    return int.from_bytes(b, "little")


def u32(v):
    return struct.pack("<I", v).hex()


def u64(v):
    return struct.pack("<Q", v).hex()


def u16(v):
    return struct.pack("<H", v).hex()


# --- packets ---------------------------------------------------------------

MAC_DST = bytes.fromhex("020000000002")
MAC_SRC = bytes.fromhex("020000000001")


def csum16(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return (~s) & 0xffff


def eth(proto, payload, dst=MAC_DST, src=MAC_SRC):
    return dst + src + struct.pack("!H", proto) + payload


def ipv4(src, dst, proto, payload, options=b"", ident=1, ttl=64):
    ihl = 5 + len(options) // 4
    hdr = struct.pack("!BBHHHBBH4s4s", 0x40 | ihl, 0, ihl * 4 + len(payload), ident, 0, ttl,
                      proto, 0, socket.inet_aton(src), socket.inet_aton(dst)) + options
    hdr = hdr[:10] + struct.pack("!H", csum16(hdr)) + hdr[12:]
    return hdr + payload


def _pseudo4(src, dst, proto, length):
    return socket.inet_aton(src) + socket.inet_aton(dst) + struct.pack("!BBH", 0, proto, length)


def udp4(src, dst, sport, dport, payload):
    hdr = struct.pack("!HHHH", sport, dport, 8 + len(payload), 0)
    c = csum16(_pseudo4(src, dst, 17, 8 + len(payload)) + hdr + payload) or 0xffff
    return hdr[:6] + struct.pack("!H", c) + payload


def tcp4(src, dst, sport, dport, payload, seq=1, flags=0x18):
    hdr = struct.pack("!HHIIBBHHH", sport, dport, seq, 0, 5 << 4, flags, 8192, 0, 0)
    c = csum16(_pseudo4(src, dst, 6, len(hdr) + len(payload)) + hdr + payload)
    return hdr[:16] + struct.pack("!H", c) + hdr[18:] + payload


def udp_packet(src, dst, sport, dport, payload=b"abcd", options=b""):
    return eth(0x0800, ipv4(src, dst, 17, udp4(src, dst, sport, dport, payload), options))


def tcp_packet(src, dst, sport, dport, payload=b"hello"):
    return eth(0x0800, ipv4(src, dst, 6, tcp4(src, dst, sport, dport, payload)))


def ipv6_packet(src, dst, next_hdr=17, payload=bytes(8)):
    hdr = struct.pack("!IHBB16s16s", 6 << 28, len(payload), next_hdr, 64,
                      socket.inet_pton(socket.AF_INET6, src),
                      socket.inet_pton(socket.AF_INET6, dst))
    return eth(0x86dd, hdr + payload)


def arp_packet():
    return eth(0x0806, bytes.fromhex("0001080006040001") + MAC_SRC + bytes(4) +
               bytes(6) + bytes(4))


# struct bpf_sock_addr (72 bytes): user_family, user_ip4, user_ip6[4],
# user_port, family, type, protocol, msg_src_ip4, msg_src_ip6[4], 4 bytes of
# padding, then the sk pointer. Addresses and ports in network byte order.
SOCK_ADDR_SIZE = 72


def sock_addr4(ip, port, sock_type=socket.SOCK_STREAM, proto=6, msg_src=None):
    b = struct.pack("<I", socket.AF_INET) + socket.inet_aton(ip) + bytes(16)
    b += struct.pack("!H", port) + b"\0\0"
    b += struct.pack("<III", socket.AF_INET, sock_type, proto)
    b += (socket.inet_aton(msg_src) if msg_src else bytes(4)) + bytes(16) + bytes(4) + bytes(8)
    assert len(b) == SOCK_ADDR_SIZE
    return b


def sock_addr6(ip, port, sock_type=socket.SOCK_STREAM, proto=6):
    b = struct.pack("<I", socket.AF_INET6) + bytes(4) + socket.inet_pton(socket.AF_INET6, ip)
    b += struct.pack("!H", port) + b"\0\0"
    b += struct.pack("<III", socket.AF_INET6, sock_type, proto)
    b += bytes(4) + bytes(16) + bytes(4) + bytes(8)
    assert len(b) == SOCK_ADDR_SIZE
    return b
