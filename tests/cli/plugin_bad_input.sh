#!/usr/bin/env bash
# The conformance plugin on bad input: every case is one line on stderr and
# exit 2, never a crash (exit >= 128) or a hang; good programs still run.
set -u
fail=0
plugin() { "$BPFVM" conformance-plugin "$@"; }

expect_error() { # DESCRIPTION EXPECTED-SUBSTRING INPUT [ARGS...]
	local desc=$1 want=$2 input=$3
	shift 3
	local err rc
	err=$(printf '%s' "$input" | timeout 20 "$BPFVM" conformance-plugin "$@" 2>&1 >/dev/null)
	rc=$?
	if [ "$rc" -ne 2 ] || [ "$(printf '%s\n' "$err" | wc -l)" -ne 1 ] || [[ "$err" != *"$want"* ]]; then
		echo "FAIL: $desc: exit $rc, stderr: $err (wanted exit 2 and '$want')"
		fail=1
	else
		echo "ok: $desc: $err"
	fi
}

expect_error "empty input" "program is empty" ""
expect_error "odd number of hex digits" "odd number of hex digits" "95 00 00 00 00 00 00 0"
expect_error "not hex" "invalid hex character 'z'" "95 00 zz 00 00 00 00 00"
expect_error "truncated instruction" "not a whole number of 8-byte instructions" "95 00 00 00"
expect_error "truncated lddw" "lddw is truncated" "18 00 00 00 01 00 00 00"
expect_error "unknown opcode" "unknown opcode 0xff" "ff 00 00 00 00 00 00 00 95 00 00 00 00 00 00 00"
expect_error "falls off the end" "fall off its end" "b7 00 00 00 00 00 00 00"
expect_error "bad memory hex" "memory: invalid hex" "95 00 00 00 00 00 00 00" "xyz"
expect_error "unknown engine" "unknown engine" "95 00 00 00 00 00 00 00" --engine fast
expect_error "infinite loop" "did not finish in time" "05 00 ff ff 00 00 00 00 95 00 00 00 00 00 00 00" --timeout 1

# A million and one instructions: refused. A million: runs, quickly.
big=$(mktemp)
trap 'rm -f "$big"' EXIT
python3 -c "import sys; sys.stdout.write('b7 00 00 00 00 00 00 00 ' * 1000000 + '95 00 00 00 00 00 00 00')" > "$big"
err=$(timeout 60 "$BPFVM" conformance-plugin < "$big" 2>&1 >/dev/null); rc=$?
if [ "$rc" -ne 2 ] || [[ "$err" != *"exceeds the limit of 1000000"* ]]; then
	echo "FAIL: 1000001 instructions: exit $rc: $err"; fail=1
else
	echo "ok: 1000001 instructions: $err"
fi
python3 -c "import sys; sys.stdout.write('b7 00 00 00 07 00 00 00 ' * 999999 + '95 00 00 00 00 00 00 00')" > "$big"
for engine in interp jit; do
	out=$(timeout 60 "$BPFVM" conformance-plugin --engine "$engine" < "$big" 2>&1); rc=$?
	if [ "$rc" -ne 0 ] || [ "$out" != "7" ]; then
		echo "FAIL: 1000000 instructions ($engine): exit $rc: $out"; fail=1
	else
		echo "ok: 1000000 instructions ($engine) ran: r0 = $out"
	fi
done
exit $fail
