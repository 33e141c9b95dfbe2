#!/bin/bash
# `bpfvm disasm` prints what llvm-objdump prints: for every code section of
# every clang-built object in $BPFVM_PROGS, the section's raw bytes (extracted
# with llvm-objcopy) are disassembled by bpfvm and the instruction lines are
# compared with `llvm-objdump -d` on the object. Only whitespace is normalised,
# and llvm-objdump's `<symbol+off>` jump annotations (which come from the
# object's symbol table, not from the bytes) are dropped; the instruction text
# and raw bytes must match exactly.
set -u

if [ -n "${BPFVM_PROGS_SKIP:-}" ]; then
	echo "skip: test programs not built: $BPFVM_PROGS_SKIP"
	exit 77
fi
find_tool() {
	for t in "$1" "$1-16" "$1-15" "$1-14"; do
		command -v "$t" >/dev/null && { echo "$t"; return; }
	done
}
OBJDUMP=$(find_tool llvm-objdump)
OBJCOPY=$(find_tool llvm-objcopy)
if [ -z "$OBJDUMP" ] || [ -z "$OBJCOPY" ]; then
	echo "skip: llvm-objdump or llvm-objcopy not installed"
	exit 77
fi
shopt -s nullglob
objs=("$BPFVM_PROGS"/*.o)
if [ ${#objs[@]} -eq 0 ]; then
	echo "skip: no objects in $BPFVM_PROGS"
	exit 77
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
normalise() {
	sed -E 's/ <[A-Za-z_.][^ ]*>$//; s/[[:space:]]+/ /g; s/^ //; s/ $//'
}

fail=0 sections=0 insns=0
for obj in "${objs[@]}"; do
	# Code sections: objdump -h marks them TEXT; empty ones have nothing to compare.
	for sec in $("$OBJDUMP" -h "$obj" | awk '$NF == "TEXT" && $3 !~ /^0+$/ { print $2 }'); do
		"$OBJCOPY" -O binary --only-section="$sec" "$obj" "$tmp/sec.bin" || {
			echo "FAIL: $obj: llvm-objcopy could not extract $sec"
			fail=1
			continue
		}
		"$OBJDUMP" -d --section="$sec" "$obj" | grep -E '^ *[0-9]+:' | normalise >"$tmp/llvm.txt"
		if ! "$BPFVM" disasm "$tmp/sec.bin" >"$tmp/raw.txt"; then
			echo "FAIL: $obj: $sec: bpfvm disasm failed"
			fail=1
			continue
		fi
		normalise <"$tmp/raw.txt" >"$tmp/bpfvm.txt"
		if ! diff -u "$tmp/llvm.txt" "$tmp/bpfvm.txt" >"$tmp/diff.txt"; then
			echo "FAIL: $(basename "$obj") section $sec differs (--- llvm-objdump, +++ bpfvm):"
			head -40 "$tmp/diff.txt"
			fail=1
		fi
		if [ ! -s "$tmp/llvm.txt" ]; then
			echo "FAIL: $(basename "$obj") section $sec: llvm-objdump printed no instructions"
			fail=1
		fi
		sections=$((sections + 1))
		insns=$((insns + $(wc -l <"$tmp/llvm.txt")))
	done
done
echo "${#objs[@]} objects, $sections code sections, $insns instruction lines compared"
[ "$sections" -gt 0 ] || { echo "FAIL: no code sections found"; exit 1; }
exit $fail
