#!/bin/bash
# bpfvm run, end to end, for the tracing program types (Linux test-runs only
# raw tracepoints; bpfvm runs all four on the context given with --ctx): a
# kprobe reading good addresses (its .rodata, a map value) and bad ones taken
# from its pt_regs (a low address, a non-canonical one, an unmapped one:
# -ERANGE or -EFAULT as x86-64 Linux answers, the destination
# zeroed, no crash — also under ASan in CI), the _str forms' lengths and
# truncation, a kretprobe's perf_event_output flags rule and get_stackid into
# a stack trace map (one frame: the context's ip), override_return (the
# context that comes out) and the perf counter helpers' errors, a tracepoint record,
# raw tracepoint args[] and bpf_perf_event_data, in both engines; contexts of
# the wrong size and packets are refused.
export RUN_LIB_DIR="$(cd "$(dirname "$0")" && pwd)"
exec python3 - <<'PY'
import os, struct, sys
sys.path.insert(0, os.environ["RUN_LIB_DIR"])
from run_lib import *

skip_unless_ready()

EFAULT, EINVAL, ENOENT, E2BIG, ERANGE, EOPNOTSUPP = 14, 22, 2, 7, 34, 95
def s64(v):
    return u64le(v & (2**64 - 1))
def u64le(v):
    return struct.pack("<Q", v).hex()
def word(b):
    return (b + bytes(8))[:8].hex()

# x86-64 pt_regs: di is word 14, si 13, dx 12, ax 10, ip 16.
def pt_regs(**kw):
    names = ["r15", "r14", "r13", "r12", "bp", "bx", "r11", "r10", "r9", "r8", "ax", "cx",
             "dx", "si", "di", "orig_ax", "ip", "cs", "flags", "sp", "ss"]
    return struct.pack("<21Q", *[kw.get(n, 0) for n in names])

# probe_read_kernel refuses what Linux's copy_from_kernel_nofault_allowed
# refuses (-ERANGE: never mapped in a process either), else -EFAULT;
# probe_read_user is -EFAULT for every bad address.
for label, bad, kerr in [("low address", 0x10, -ERANGE),
                         ("non-canonical address", 0xdead000000000000, -ERANGE),
                         ("last page", 0xfffffffffffff000, -EFAULT)]:
    res = run("run_tracing", "kprobe_reads", "kprobe " + label,
              ctx=pt_regs(di=bad, si=bad + 8, dx=42))
    if not res:
        continue
    eq(res["retval"], 42, "kprobe %s: returns PARM3" % label)
    m = map_dict(res, "trace_out")
    eq((m[u32(0)], m[u32(1)]), (s64(kerr), u64le(0)),
       "kprobe %s: probe_read_kernel fails and zeroes" % label)
    eq((m[u32(2)], m[u32(3)]), (s64(-EFAULT), u64le(0)),
       "kprobe %s: probe_read_user_str fails and zeroes" % label)
    eq((m[u32(4)], m[u32(5)]), (u64le(13), word(b"hello, b")),
       "kprobe %s: probe_read_kernel_str of .rodata: length with the NUL" % label)
    eq((m[u32(6)], m[u32(7)]), (u64le(0), u64le(0x0123456789abcdef)),
       "kprobe %s: probe_read of a map value" % label)
    eq((m[u32(8)], m[u32(9)]), (u64le(4), word(b"hel\0yyy\0")),
       "kprobe %s: probe_read_str truncates to size - 1 and writes nothing past the NUL" % label)

res = run("run_tracing", "kretprobe_output", ctx=pt_regs(ax=77, ip=0xffffffff81234567))
if res:
    m = map_dict(res, "trace_out")
    eq(m[u32(10)], u64le(77), "kretprobe: PT_REGS_RC")
    stacks = map_dict(res, "trace_stacks")
    sid = int.from_bytes(bytes.fromhex(m[u32(13)]), "little")
    check(sid < 4, "kretprobe: get_stackid gives an id below the bucket count: %#x" % sid)
    eq(stacks, {u32(sid): u64le(0xffffffff81234567) + "00" * 24},
       "kretprobe: the stack map holds the context's ip as the one frame, zero after")
    eq(m[u32(14)], u64le(1), "kretprobe: the same stack gets the same id")
    eq(m[u32(15)], struct.pack("<ii", -EFAULT, -EINVAL).hex(),
       "kretprobe: skipping the only frame is -EFAULT, an unknown flag -EINVAL")
res = run("run_tracing", "kretprobe_output", "kretprobe without ip", ctx=pt_regs(ax=1))
if res:
    eq(map_dict(res, "trace_out")[u32(13)], s64(-EFAULT), "kretprobe ip 0: no frame, -EFAULT")
    eq(map_dict(res, "trace_stacks"), {}, "kretprobe ip 0: no stack stored")
    eq(m[u32(11)], s64(-EINVAL), "kretprobe: perf_event_output with context bytes is -EINVAL")
    eq(m[u32(12)], s64(-ENOENT), "kretprobe: perf_event_output without a reader is -ENOENT")

ctx = pt_regs(ax=5, ip=0x1234)
res = run("trace_override", "kprobe_override", ctx=ctx)
if res:
    m = map_dict(res, "trace_out")
    eq(res.get("ctx_out"), pt_regs(ax=(-12) & (2**64 - 1), ip=0x1234).hex(),
       "override_return: pt_regs.ax set, ip left")
    eq([m[u32(i)] for i in range(6)],
       [u64le(0), s64(-ENOENT), s64(-E2BIG), s64(-ENOENT), u64le(0), s64(-EINVAL)],
       "override_return, perf_event_read(_value): results and a cleared value")

# sched_switch: common (8), prev_comm, prev_pid, prev_prio, prev_state, next_comm, next_pid, next_prio
rec = (bytes(8) + b"swapper/0".ljust(16, b"\0") + struct.pack("<iiq", 0, 120, 0) +
       b"bash".ljust(16, b"\0") + struct.pack("<ii", 4242, 99))
res = run("run_tracing", "tp_switch", ctx=rec)
if res:
    m = map_dict(res, "trace_out")
    eq(res["retval"], 99, "tracepoint: next_prio")
    eq((m[u32(0)], m[u32(1)], m[u32(2)]), (u64le(0), u64le(4242), word(b"swapper/")),
       "tracepoint: prev_pid, next_pid, prev_comm")
    eq(m[u32(3)], s64(-EFAULT), "tracepoint: get_stackid without registers is -EFAULT")
res = run("run_tracing", "tp_switch", "tracepoint short record", ctx=rec[:24])
if res:
    eq(res["retval"], 0, "tracepoint short record: zero past the bytes given")

res = run("run_tracing", "raw_sys_enter", ctx=struct.pack("<QQ", 0x20, 257))
if res:
    m = map_dict(res, "trace_out")
    eq(res["retval"], 257, "raw_tracepoint: args[1]")
    eq((m[u32(0)], m[u32(1)], m[u32(2)]), (u64le(257), s64(-ERANGE), u64le(0)),
       "raw_tracepoint: a pt_regs pointer in the null page reads as -ERANGE and zero")

res = run("run_tracing", "perf_sample", ctx=pt_regs(ip=0xffffffff81000000) +
          struct.pack("<QQ", 0x100000007, 0x7fff1234))
if res:
    m = map_dict(res, "trace_out")
    eq(res["retval"], 7, "perf_event: low half of sample_period")
    eq((m[u32(0)], m[u32(1)], m[u32(2)]),
       (u64le(0x100000007), u64le(0x7fff1234), u64le(0xffffffff81000000)),
       "perf_event: sample_period, addr, regs.ip")
    eq((m[u32(3)], m[u32(4)]), (s64(-EOPNOTSUPP), u64le(0)),
       "perf_event: perf_prog_read_value has no event to read, clears the value")

for prog, ctx, data, why in [("kprobe_reads", bytes(169), None, "at most 168"),
                             ("raw_sys_enter", bytes(104), None, "at most 96"),
                             ("tp_switch", bytes(16), bytes(64), "take no packet")]:
    rc, out, err = bpfvm(run_args("run_tracing", prog, ctx=ctx, data=data))
    eq(rc, 2, "%s: refused (%s)" % (prog, err.strip()))
    check(why in err, "%s: the message says %r: %s" % (prog, why, err.strip()))

finish()
PY
