#!/usr/bin/env bash
# The demo: runs the ISA suite's programs through the conformance plugin in every
# engine this host has, and shows what one of them computes.
set -euo pipefail
BPFVM=${1:-build/bpfvm}
SHARED="$(dirname "$0")/../../shared"

echo "== a program: sum of 1..100 in a bounded loop (hex bytecode on stdin)"
# r0 = 0; r1 = 100; loop: r0 += r1; r1 -= 1; if r1 != 0 goto loop; exit
prog="b7 00 00 00 00 00 00 00 b7 01 00 00 64 00 00 00 0f 10 00 00 00 00 00 00 17 01 00 00 01 00 00 00 55 01 fd ff 00 00 00 00 95 00 00 00 00 00 00 00"
for engine in interp jit; do
	if out=$(echo "$prog" | "$BPFVM" conformance-plugin --engine "$engine" 2>&1); then
		echo "   $engine: r0 = 0x$out"
	else
		echo "   $engine: $out"
	fi
done

if [ -d "$SHARED/conformance/tests" ]; then
	for engine in interp jit; do
		echo "== the eBPF ISA conformance suite, engine $engine"
		python3 "$SHARED/tools/conformance.py" --plugin "$BPFVM conformance-plugin" \
			--plugin-options "--engine $engine" --tests "$SHARED/conformance/tests" | tail -3 || true
	done
fi
