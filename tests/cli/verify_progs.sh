#!/bin/bash
# bpfvm verify over the project's own eBPF programs: every run_* program (the
# ones the runtime tests execute) must be accepted, each within 100 ms of
# verifier CPU time, and --json must agree with the exit code. The obj_*
# programs are loader fixtures for program types bpfvm does not run and are
# not verified here.
set -u
if [ -n "${BPFVM_PROGS_SKIP:-}" ]; then
	echo "SKIP: $BPFVM_PROGS_SKIP"
	exit 77
fi
fail=0
count=0
shopt -s nullglob
for obj in "$BPFVM_PROGS"/run_*.o; do
	out=$("$BPFVM" verify "$obj" --json 2>/tmp/verify_progs.$$)
	rc=$?
	if [ $rc -ne 0 ]; then
		echo "FAIL: $(basename "$obj"): exit $rc: $(cat /tmp/verify_progs.$$)"
		fail=1
		continue
	fi
	if ! python3 - "$obj" "$out" <<'PY'
import json, sys
obj, out = sys.argv[1], sys.argv[2]
d = json.loads(out)
bad = 0
for p in d["programs"]:
    if p["verdict"] != "accepted":
        print(f"FAIL: {obj}: {p['name']}: {p['message']}"); bad = 1
    elif p["time_us"] > 100000:
        print(f"FAIL: {obj}: {p['name']}: {p['time_us']} us"); bad = 1
    else:
        print(f"ok {p['name']}: {p['insns_processed']} insns, {p['states']} states, {p['time_us']} us")
sys.exit(bad)
PY
	then
		fail=1
	fi
	count=$((count + 1))
done
rm -f /tmp/verify_progs.$$
if [ $count -eq 0 ]; then
	echo "FAIL: no run_*.o in $BPFVM_PROGS"
	exit 1
fi
exit $fail
