#!/bin/bash
# bpfvm run, end to end: tail calls through program arrays (a static
# __array(values) initialiser and --map NAME KEY PROGNAME at run time, up to
# Linux's limit of 33), maps of maps (ARRAY_OF_MAPS, HASH_OF_MAPS), global
# data in .data/.rodata/.bss, bpf_loop and bpf_for_each_map_elem callbacks,
# bpf_spin_lock'ed values and the map helpers' error codes: run_tailcall.c,
# run_map_in_map.c, run_global.c, run_callbacks.c, run_spinlock.c,
# run_map_errors.c.
export RUN_LIB_DIR="$(cd "$(dirname "$0")" && pwd)"
exec python3 - <<'PY'
import os, sys
sys.path.insert(0, os.environ["RUN_LIB_DIR"])
from run_lib import *

skip_unless_ready()

# --- tail calls: packet byte 0 = slot, byte 1 = use jmp_runtime ---
for label, pkt, maps, want in [
        ("static slot 0", b"\0\0", [], 11),
        ("static slot 2", b"\2\0", [], 22),
        ("static slot 1 is empty", b"\1\0", [], 101),
        ("runtime slot 1 empty", b"\1\1", [], 101),
        ("runtime slot 1 = tail_b", b"\1\1", [("jmp_runtime", u32(1), "tail_b")], 22),
        ("runtime slot 0 = tail_a", b"\0\1", [("jmp_runtime", u32(0), "tail_a")], 11),
        ("runtime slot 2 filled, slot 1 asked", b"\1\1", [("jmp_runtime", u32(2), "tail_a")], 101)]:
    res = run("run_tailcall", "tail_entry", "tail call " + label, data=pkt + bytes(30), maps=maps)
    if res:
        eq(res["retval"], want, "tail call %s: retval" % label)
# tail_entry -> tail_loop -> tail_loop ...: 33 tail calls succeed, the 34th
# falls through (return 7).
res = run("run_tailcall", "tail_entry", "tail call chain", data=b"\3\1" + bytes(30),
          maps=[("jmp_runtime", u32(3), "tail_loop")])
if res:
    eq(res["retval"], 7, "tail call chain: retval of the last program")
    eq(map_dict(res, "depth").get(u32(0)), u64(33), "tail call chain: tail_loop ran 33 times")
res = run("run_tailcall", "tail_loop", "tail call self", data=bytes(32),
          maps=[("jmp_runtime", u32(3), "tail_loop")])
if res:
    eq(map_dict(res, "depth").get(u32(0)), u64(34), "tail call self: 1 run + 33 tail calls")

# --- maps of maps: byte 0 = outer_arr index, byte 1 = outer_hash key ---
L = 40
zero2 = {u32(0): u64(0), u32(1): u64(0)}
for label, pkt, ret, a, b in [
        ("arr[0]=inner_a, hash[1]=inner_b", b"\0\1", 0, (1, L), (1, L)),
        ("arr[1]=inner_b, hash[3]=inner_a", b"\1\3", 0, (1, L), (1, L)),
        ("arr[1]=inner_b, hash[1]=inner_b", b"\1\1", 0, (0, 0), (2, 2 * L)),
        ("arr[2] empty", b"\2\1", 9, (0, 0), (0, 0)),
        ("hash[2] missing", b"\0\2", 90, (1, L), (0, 0))]:
    res = run("run_map_in_map", "mim_bump", "map in map " + label, data=pkt + bytes(L - 2))
    if res:
        eq(res["retval"], ret, "map in map %s: retval" % label)
        eq(map_dict(res, "inner_a"), {u32(0): u64(a[0]), u32(1): u64(a[1])},
           "map in map %s: inner_a" % label)
        eq(map_dict(res, "inner_b"), {u32(0): u64(b[0]), u32(1): u64(b[1])},
           "map in map %s: inner_b" % label)

# --- global data ---
pkt = bytes(range(1, 47))
for repeat in (1, 4):
    res = run("run_global", "global_rw", "global data x%d" % repeat, data=pkt, repeat=repeat)
    if res:
        eq(res["retval"], 3 * (5 + repeat), "global data x%d: scale * counter" % repeat)
        eq(map_dict(res, ".rodata"), {u32(0): u32(3) + b"hello\0\0\0".hex()},
           "global data x%d: .rodata unchanged" % repeat)
        eq(map_dict(res, ".data"), {u32(0): u32(5 + repeat) + b"hbco\0\0\0\0".hex()},
           "global data x%d: .data" % repeat)
        eq(map_dict(res, ".bss"), {u32(0): u64(repeat * len(pkt)) + pkt[:4].hex()},
           "global data x%d: .bss" % repeat)

# --- callbacks ---
for n, stop, total, iters in [(10, 0, 55, 10), (10, 4, 10, 5), (0, 0, 0, 0), (200, 0, 20100, 200)]:
    res = run("run_callbacks", "loop_sum", "bpf_loop n=%d stop=%d" % (n, stop),
              data=bytes([n, stop]) + bytes(30))
    if res:
        eq(res["retval"], 0, "bpf_loop n=%d: retval" % n)
        out = map_dict(res, "cb_out")
        eq((out.get(u32(0)), out.get(u32(1))), (u64(total), u64(iters)),
           "bpf_loop n=%d stop=%d: (sum, iterations)" % (n, stop))
arr = [("cb_array", u32(i), u64(10 * (i + 1))) for i in range(4)]
hsh = [("cb_hash", u32(k), u64(300)) for k in range(1, 6)]
res = run("run_callbacks", "walk_maps", data=bytes(32), maps=arr + hsh)
if res:
    out = map_dict(res, "cb_out")
    eq(res["retval"], 4, "for_each_map_elem: the hash walk stops after the 4th element")
    eq([out.get(u32(i)) for i in range(4)], [u64(100), u64(4), u64(1200), u64(4)],
       "for_each_map_elem: array sum/count, hash sum/count")
res = run("run_callbacks", "walk_maps", "for_each_map_elem empty hash", data=bytes(32))
if res:
    eq(res["retval"], 0, "for_each_map_elem on an empty hash visits nothing")
    eq(map_dict(res, "cb_out").get(u32(1)), u64(4), "for_each_map_elem: an array has all slots")

# --- map helper return codes (run_map_errors.c): slot -> Linux's value ---
want_rc = {2: -17, 3: -2, 5: -22, 7: -7, 10: -2, 12: -7, 13: -7, 14: -17, 15: 1, 16: -17,
           18: -7, 20: -22, 21: -22, 23: -17, 24: -2, 25: -2, 26: -2, 27: -7, 28: -22}
res = run("run_map_errors", "map_errors", data=bytes(64))
if res:
    eq(res["retval"], 0, "map_errors: first slot differing from Linux's return code")
    got = {le(bytes.fromhex(k)): int.from_bytes(bytes.fromhex(v), "little", signed=True)
           for k, v in map_dict(res, "rc").items()}
    eq({k: v for k, v in got.items() if v}, want_rc, "map_errors: return codes by slot")
    eq(sorted(map_dict(res, "h4")), [u32(k) for k in (1, 2, 4)], "map_errors: h4 keys left")
    eq(len(map_dict(res, "lru4")), 4, "map_errors: lru4 holds 4 after 6 inserts")

# --- spin locks ---
pkt = bytes(50)
for repeat in (1, 10):
    res = run("run_spinlock", "spin_count", "spin lock x%d" % repeat, data=pkt, repeat=repeat)
    if res:
        eq(res["retval"], 0, "spin lock x%d: retval" % repeat)
        eq(map_dict(res, "locked_arr"), {u32(0): u32(0) + u32(repeat) + u64(repeat * 50)},
           "spin lock x%d: array value (lock bytes read as 0)" % repeat)
        eq(map_dict(res, "locked_hash"), {u32(7): u32(0) + u32(2 * repeat) + u64(2 * repeat * 50)},
           "spin lock x%d: hash value" % repeat)
finish()
PY
