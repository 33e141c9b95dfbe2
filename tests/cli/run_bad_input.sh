#!/bin/bash
# bpfvm run on bad input (issue 6): an unknown program name, a key or value
# of the wrong size, a packet larger than 64 KiB, a context of the wrong size,
# a missing file, and other misuse must each print one line on stderr,
# nothing on stdout, and exit 2.
export RUN_LIB_DIR="$(cd "$(dirname "$0")" && pwd)"
exec python3 - <<'PY'
import os, sys
sys.path.insert(0, os.environ["RUN_LIB_DIR"])
from run_lib import *

skip_unless_ready()
pkt = udp_packet("10.0.0.2", "10.0.0.1", 1, 2)
missing = os.path.join(TMP, "no-such-file")
cases = [
    ("unknown program", run_args("run_xdp_parse", "no_such_prog", data=pkt)),
    ("missing --prog", ["run", obj("run_xdp_parse"), "--json"]),
    ("key of the wrong size", run_args("run_xdp_parse", "xdp_parse", data=pkt,
                                       maps=[("blocklist", "010203", u64(1))])),
    ("value of the wrong size", run_args("run_xdp_parse", "xdp_parse", data=pkt,
                                         maps=[("blocklist", u16(53), u32(1))])),
    ("key that is not hex", run_args("run_xdp_parse", "xdp_parse", data=pkt,
                                     maps=[("blocklist", "zz00", u64(1))])),
    ("unknown map", run_args("run_xdp_parse", "xdp_parse", data=pkt,
                             maps=[("no_such_map", u16(53), u64(1))])),
    ("unknown program as a prog-array value",
     run_args("run_tailcall", "tail_entry", data=bytes(8),
              maps=[("jmp_runtime", u32(0), "no_such_prog")])),
    ("packet of 64 KiB + 1", run_args("run_xdp_parse", "xdp_parse", data=bytes(65537))),
    ("packet of 1 MiB", run_args("run_socket", "sf_dns", data=bytes(1 << 20))),
    ("sock_addr ctx of 71 bytes", run_args("run_cgroup", "bind4_policy", ctx=bytes(71))),
    ("sock_addr ctx of 80 bytes", run_args("run_cgroup", "bind4_policy", ctx=bytes(80))),
    ("xdp ctx of 7 bytes", run_args("run_xdp_parse", "xdp_parse", data=pkt, ctx=bytes(7))),
    ("__sk_buff ctx of 300 bytes", run_args("run_tc_nat", "tc_dnat", data=pkt, ctx=bytes(300))),
    ("missing object", ["run", missing, "--prog", "xdp_parse", "--json"]),
    ("missing data file", ["run", obj("run_xdp_parse"), "--prog", "xdp_parse", "--data", missing]),
    ("missing ctx file", ["run", obj("run_cgroup"), "--prog", "bind4_policy", "--ctx", missing]),
    ("not an ELF object", ["run", write_tmp("junk.o", b"junk" * 100), "--prog", "x"]),
    ("unknown engine", run_args("run_xdp_parse", "xdp_parse", data=pkt, engine="quantum")),
    ("repeat 0", run_args("run_xdp_parse", "xdp_parse", data=pkt, repeat=0)),
    ("unknown option", run_args("run_xdp_parse", "xdp_parse", data=pkt, extra=["--frobnicate"])),
]
for label, args in cases:
    rc, out, err = bpfvm(args)
    eq(rc, 2, label + ": exit code")
    eq(out, "", label + ": nothing on stdout")
    lines = err.splitlines()
    check(len(lines) == 1 and lines[0].strip(),
          "%s: one line on stderr, got %d: %r" % (label, len(lines), err[:300]))

# The limits themselves are accepted: a 64 KiB packet into a socket filter.
rc, out, err = bpfvm(run_args("run_socket", "sf_dns", data=bytes(65536)))
eq(rc, 0, "packet of exactly 64 KiB accepted (%s)" % err.strip())
finish()
PY
