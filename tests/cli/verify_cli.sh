#!/usr/bin/env bash
# bpfvm verify's CLI contract: exit 0 / 1 / 2, one diagnostic per rejected
# program, --json's fields, --type, old section names typed as libbpf 0.x
# did, and programs the loader could not link reported with its reason.
set -u
if [ -n "${BPFVM_PROGS_SKIP:-}" ]; then
	echo "SKIP: $BPFVM_PROGS_SKIP"
	exit 77
fi
fail=0
check() { # DESCRIPTION WANT-EXIT GOT-EXIT OUTPUT MUST-CONTAIN
	if [ "$2" != "$3" ] || [[ "$4" != *"$5"* ]]; then
		echo "FAIL: $1: exit $3 (want $2): $4"
		fail=1
	else
		echo "ok: $1"
	fi
}
P=$BPFVM_PROGS
out=$("$BPFVM" verify "$P/verify_parsers.o" 2>&1); check "all accepted" 0 $? "$out" ""
out=$("$BPFVM" verify "$P/unsafe_verify.o" 2>&1); rc=$?
check "rejections" 1 $rc "$out" "unsafe_verify.c:"
n=$(printf '%s\n' "$out" | grep -c "unsafe_verify.o: ")
n_progs=$("$BPFVM" show "$P/unsafe_verify.o" --json | python3 -c "import json,sys; print(len(json.load(sys.stdin)['programs']))")
check "one diagnostic per rejected program" "$n_progs" "$n" "$out" ""
out=$("$BPFVM" verify "$P/unsafe_verify.o" --json 2>/dev/null); rc=$?
check "--json is one object with every field" 1 $rc "$(python3 - "$out" <<'PY'
import json, sys
d = json.loads(sys.argv[1])
keys = {"name", "section", "type", "verdict", "insn", "line", "message", "insns_processed",
        "states", "time_us"}
bad = [p["name"] for p in d["programs"] if not keys <= set(p) or p["verdict"] != "rejected"]
print("fields ok" if not bad else "bad: %s" % bad)
PY
)" "fields ok"
out=$("$BPFVM" verify "$P/obj_kconfig.o" 2>&1); rc=$?
check "a program the loader could not link" 1 $rc "$out" "(.kconfig) is not supported"
out=$("$BPFVM" verify "$P/obj_legacy.o" --prog xdp_old --json 2>&1); rc=$?
check "old section names get libbpf 0.x's type" 0 $rc "$out" '"type": "xdp"'
out=$("$BPFVM" verify "$P/obj_legacy.o" --prog tail_numbered --type sched_cls 2>&1); rc=$?
check "--type overrides the section's type" 0 $rc "$out" ""
out=$("$BPFVM" verify "$P/verify_parsers.o" --prog nope 2>&1); rc=$?
check "unknown program" 2 $rc "$out" "no program named 'nope'"
out=$("$BPFVM" verify /nonexistent.o 2>&1); rc=$?
check "missing file" 2 $rc "$out" "/nonexistent.o"
out=$("$BPFVM" verify "$P/verify_parsers.o" --type nosuchtype 2>&1); rc=$?
check "unknown --type" 2 $rc "$out" "unknown program type 'nosuchtype'"
out=$("$BPFVM" verify "$P/verify_parsers.o" --stats 2>&1); rc=$?
check "--stats" 0 $rc "$out" "insns processed"
exit $fail
