#!/bin/bash
# bpfvm verify over the project's own eBPF programs: every run_* program (the
# ones the runtime tests execute) and verify_* program (parsers as users write
# them) must be accepted, each within a bounded amount of verifier work (at
# most 100,000 instructions processed: a deterministic stand-in for the 100 ms
# bar, which is wall time and so a benchmark's to measure, not a test's), and
# --json must agree with the exit code. Each program of unsafe_verify.o must be
# rejected with its source line and reason. The obj_* programs are loader
# fixtures for program types bpfvm does not run and are not verified here.
set -u
if [ -n "${BPFVM_PROGS_SKIP:-}" ]; then
	echo "SKIP: $BPFVM_PROGS_SKIP"
	exit 77
fi
fail=0
count=0
shopt -s nullglob
for obj in "$BPFVM_PROGS"/run_*.o "$BPFVM_PROGS"/verify_*.o; do
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
    elif p["insns_processed"] > 100000:
        print(f"FAIL: {obj}: {p['name']}: {p['insns_processed']} instructions processed "
              f"({p['time_us']} us)"); bad = 1
    else:
        print(f"ok {p['name']}: {p['insns_processed']} insns, {p['states']} states, {p['time_us']} us")
sys.exit(bad)
PY
	then
		fail=1
	fi
	count=$((count + 1))
done
# unsafe programs: exit 1, one diagnostic naming file:line and the property
check_reject() {
	local prog=$1 want=$2
	err=$("$BPFVM" verify "$BPFVM_PROGS/unsafe_verify.o" --prog "$prog" 2>&1 >/dev/null)
	rc=$?
	if [ $rc -ne 1 ]; then
		echo "FAIL: unsafe_verify.o: $prog: exit $rc (want 1): $err"
		fail=1
	elif ! grep -Eq "unsafe_verify\.c:[0-9]+: insn [0-9]+: .*$want" <<<"$err"; then
		echo "FAIL: unsafe_verify.o: $prog: diagnostic '$err' lacks 'unsafe_verify.c:N: insn N: ... $want'"
		fail=1
	else
		echo "ok $prog rejected: $err"
	fi
}
check_reject ip_before_check "packet access of 1 bytes at offset 23, but only 14 bytes are proven in bounds"
check_reject lookup_unchecked "may be null"
check_reject ringbuf_leak "exit without submitting or discarding a ring buffer record"
check_reject index_unmasked "map value access of 1 bytes at offsets \[0, 4294967295\] may be outside the 64 bytes"
# Packet pointers do not survive a helper that may move the packet.
check_reject stale_after_adjust_room "r[0-9] is not initialised"
rm -f /tmp/verify_progs.$$
if [ $count -eq 0 ]; then
	echo "FAIL: no run_*.o in $BPFVM_PROGS"
	exit 1
fi
exit $fail
