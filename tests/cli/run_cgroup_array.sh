#!/bin/bash
# bpfvm run, in both engines: bpf_current_task_under_cgroup (kprobe) and
# bpf_skb_under_cgroup (tc) against a BPF_MAP_TYPE_CGROUP_ARRAY filled with a
# cgroup v2 directory's descriptor, as Linux's user space fills it: bpfvm's
# process is under the hierarchy's root (1), not under a fresh child cgroup
# (0, when one can be created), an empty slot is -EAGAIN, past the end
# -E2BIG; a descriptor of anything but a cgroup v2 directory is refused.
export RUN_LIB_DIR="$(cd "$(dirname "$0")" && pwd)"
exec python3 - <<'PY'
import os, struct, subprocess, sys, tempfile
sys.path.insert(0, os.environ["RUN_LIB_DIR"])
from run_lib import *

skip_unless_ready()

root = None
for line in open("/proc/self/mountinfo"):
    left, _, right = line.partition(" - ")
    if right.split()[:1] == ["cgroup2"]:
        root = left.split()[4]
        break
if not root:
    print("skip: no cgroup v2 hierarchy mounted")
    sys.exit(77)
own = [l.strip()[3:] for l in open("/proc/self/cgroup") if l.startswith("0::")][0]
EAGAIN, E2BIG = 11, 7


def run_with(prog, path, engine, keys):
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        args = run_args("run_cgroup_array", prog, engine=engine,
                        data=tcp_packet("10.0.0.1", "10.0.0.2", 1, 2) if prog == "skb_under" else None,
                        maps=[("cgroups", u32(0), u32(fd))])
        p = subprocess.run([BPFVM] + args, capture_output=True, text=True, timeout=60,
                           pass_fds=(fd,))
    finally:
        os.close(fd)
    if not check(p.returncode == 0, "%s [%s]: exit %d: %s" % (prog, engine, p.returncode, p.stderr.strip())):
        return None
    answers = map_dict(json.loads(p.stdout), "answers")
    return [struct.unpack("<q", bytes.fromhex(answers[u32(k)]))[0] for k in keys]


child = None
try:
    child = tempfile.mkdtemp(prefix="bpfvm-test-", dir=os.path.join(root, own.lstrip("/")))
except OSError as e:
    print("note: no child cgroup (%s): the 'not under' case is not checked" % e)
try:
    for prog, keys in [("task_under", (0, 1, 2)), ("skb_under", (3, 4, 5))]:
        for engine in engines():
            eq(run_with(prog, os.path.join(root, own.lstrip("/")), engine, keys), [1, -EAGAIN, -E2BIG],
               "%s [%s]: own cgroup, empty slot, past the end" % (prog, engine))
            eq(run_with(prog, root, engine, keys)[0], 1, "%s [%s]: the root" % (prog, engine))
            if child:
                eq(run_with(prog, child, engine, keys)[0], 0,
                   "%s [%s]: a child cgroup the process is not in" % (prog, engine))
finally:
    if child:
        os.rmdir(child)

# only a cgroup v2 directory may fill a slot
fd = os.open("/tmp", os.O_RDONLY | os.O_DIRECTORY)
p = subprocess.run([BPFVM] + run_args("run_cgroup_array", "task_under",
                                      maps=[("cgroups", u32(0), u32(fd))]),
                   capture_output=True, text=True, timeout=60, pass_fds=(fd,))
os.close(fd)
eq(p.returncode, 2, "/tmp's descriptor refused (%s)" % p.stderr.strip())
check("not a file descriptor of a cgroup v2 directory" in p.stderr, "the refusal says why")

finish()
PY
