#!/usr/bin/env bash
# The demo: a clang-built XDP firewall (examples/progs/xdp_firewall.c) is
# described, verified and run by bpfvm over a set of packets, in the JIT and
# in the interpreter; for each packet it prints the verdict and what the
# program did to the bytes. Then the eBPF ISA conformance suite, when
# ../shared is there.
set -euo pipefail
BUILD=${1:-build}
BPFVM="$BUILD/bpfvm"
OBJ="$BUILD/examples/xdp_firewall.o"
HERE="$(cd "$(dirname "$0")" && pwd)"
SHARED="$HERE/../../shared"
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

echo "== what the object holds"
"$BPFVM" show "$OBJ"

if "$BPFVM" help | grep -q "bpfvm verify"; then
	echo
	echo "== verification"
	"$BPFVM" verify "$OBJ"
	echo "xdp_firewall: accepted"
fi

python3 "$HERE/packets.py" "$WORK" > "$WORK/list"
# Ports 23 (telnet) and 9 (discard) are blocked: key = port, host order.
MAPS=(--map blocked_ports 1700 0000000000000000 --map blocked_ports 0900 0000000000000000)

for engine in jit interp; do
	echo
	echo "== the packets, engine $engine"
	while IFS=$'\t' read -r file desc; do
		# One run shows what the program does to the packet; a second one,
		# repeated on the same buffer as Linux's test-run does, times it.
		"$BPFVM" run "$OBJ" --prog xdp_firewall --data "$WORK/$file" --engine "$engine" \
			"${MAPS[@]}" --json > "$WORK/out.json"
		"$BPFVM" run "$OBJ" --prog xdp_firewall --data "$WORK/$file" --engine "$engine" \
			--repeat 200000 "${MAPS[@]}" --json > "$WORK/time.json"
		python3 - "$WORK/$file" "$WORK/out.json" "$desc" "$WORK/time.json" <<'PY'
import json, sys
data = open(sys.argv[1], "rb").read()
out = json.load(open(sys.argv[2]))
verdict = {0: "XDP_ABORTED", 1: "XDP_DROP", 2: "XDP_PASS", 3: "XDP_TX", 4: "XDP_REDIRECT"}
after = bytes.fromhex(out["data_out"])
if after == data:
    change = "packet unchanged"
else:
    diff = [i for i in range(min(len(data), len(after))) if data[i] != after[i]]
    change = "rewrote %d bytes (offsets %d..%d)" % (len(diff), diff[0], diff[-1])
hits = {k: int.from_bytes(bytes.fromhex(v), "little") for k, v in out["maps"]["blocked_ports"]}
blocked = [int.from_bytes(bytes.fromhex(k), "little") for k, v in hits.items() if v]
extra = " (blocklist hit: port %d)" % blocked[0] if blocked else ""
ns = json.load(open(sys.argv[4]))["ns_per_run"]
print("  %-55s -> %-9s %s, %.1f ns/run%s" % (sys.argv[3], verdict.get(out["retval"], out["retval"]),
                                              change, ns, extra))
PY
	done < "$WORK/list"
done

if [ -d "$SHARED/conformance/tests" ]; then
	for engine in interp jit; do
		echo
		echo "== the eBPF ISA conformance suite, engine $engine"
		python3 "$SHARED/tools/conformance.py" --plugin "$BPFVM conformance-plugin" \
			--plugin-options "--engine $engine" --tests "$SHARED/conformance/tests" | tail -1
	done
fi
