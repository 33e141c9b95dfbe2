#!/bin/bash
# bpfvm run, end to end: ring-buffer events (reserve/submit/discard/output/
# query, and a full ring refusing a reservation) from run_ringbuf.c, and queue
# and stack push/pop/peek from run_queue_stack.c, with Linux's return values.
export RUN_LIB_DIR="$(cd "$(dirname "$0")" && pwd)"
exec python3 - <<'PY'
import os, sys
sys.path.insert(0, os.environ["RUN_LIB_DIR"])
from run_lib import *

skip_unless_ready()
pkt = udp_packet("10.0.0.2", "10.0.0.1", 1234, 80)
res = run("run_ringbuf", "ringbuf_events", data=pkt)
if res:
    eq(res["retval"], 0, "ringbuf_events: reserve, submit, discard and output all succeed")
    stats = map_dict(res, "rb_stats")
    eq(stats.get(u32(0)), u64(72), "ringbuf_events: BPF_RB_AVAIL_DATA (3 records of 8+16 bytes)")
    eq(stats.get(u32(1)), u64(4096), "ringbuf_events: BPF_RB_RING_SIZE")
    eq(res["data_out"], pkt.hex(), "ringbuf_events: data_out")
    # Linux's user space reads the two committed records (the discarded one is
    # skipped): listed when bpfvm lists ring-buffer contents.
    ev = find_map(res, "events")
    if ev:
        eq([v for k, v in ev],
           [(u32(1) + u32(len(pkt)) + pkt[:8].hex()), (u32(3) + u32(len(pkt)) + "00" * 8)],
           "ringbuf_events: records")
res = run("run_ringbuf", "ringbuf_full", data=pkt)
if res:
    eq(res["retval"], 0, "ringbuf_full: two 1400-byte records fit in 4 KiB, a third does not")

res = run("run_queue_stack", "qs_ops", data=pkt)
if res:
    eq(res["retval"], 1133, "qs_ops: queue peek/pop 1 1, stack peek/pop 3 3")
    fifo, lifo = find_map(res, "fifo"), find_map(res, "lifo")
    if fifo or lifo:
        eq([v for k, v in fifo], [u32(2), u32(3)], "qs_ops: queue left (pop order)")
        eq([v for k, v in lifo], [u32(2), u32(1)], "qs_ops: stack left (pop order)")
res = run("run_queue_stack", "qs_full", data=pkt)
if res:
    eq(res["retval"], 0, "qs_full: -E2BIG when full, BPF_EXIST replaces the oldest, "
       "-ENOENT popping an empty stack")
    fifo = find_map(res, "fifo")
    if fifo:
        eq([v for k, v in fifo], [u32(2), u32(3), u32(4), u32(5)], "qs_full: queue left")
# Prefilled queue: the program's pushes go after the prefilled element.
res = run("run_queue_stack", "qs_ops", "qs_ops prefilled", data=pkt,
          maps=[("fifo", "", u32(9)), ("lifo", "", u32(9))])
if res:
    eq(res["retval"], 9933, "qs_ops prefilled: queue front 9, stack top 3")
finish()
PY
