# Differential test of the object loader against libbpf: every test object and
# every ../shared/ebpf-samples object that libbpf opens must be described by
# `bpfvm show --json` exactly as libbpf describes it (tools/libbpf_describe):
# programs (name, section, type, attach type, instruction count) and maps
# (name, type, key/value size, max entries, flags, NUMA node), in libbpf's
# order. Global-data map names may differ in the object-name prefix only;
# programs bpfvm finds by its own rules for old objects and libbpf's .kconfig
# map (externs are not supported yet) are left out.
set -u
if [ -z "${BPFVM_LIBBPF_DESCRIBE:-}" ] || [ ! -x "$BPFVM_LIBBPF_DESCRIBE" ]; then
	echo "SKIP: libbpf_describe not built (libbpf-dev missing)"
	exit 77
fi
if ! command -v python3 >/dev/null; then
	echo "SKIP: python3 not found"
	exit 77
fi
objs=()
if [ -z "${BPFVM_PROGS_SKIP:-}" ]; then
	objs+=("$BPFVM_PROGS"/*.o)
fi
if [ -d "$BPFVM_SHARED/ebpf-samples" ]; then
	while IFS= read -r f; do objs+=("$f"); done \
		< <(find "$BPFVM_SHARED/ebpf-samples" -name '*.o' -not -path '*/invalid/*' | sort)
fi
if [ ${#objs[@]} -eq 0 ]; then
	echo "SKIP: no objects (no clang and no ../shared)"
	exit 77
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
compared=0 refused=0 bad=0
for o in "${objs[@]}"; do
	if ! "$BPFVM_LIBBPF_DESCRIBE" "$o" >"$tmp/libbpf.json" 2>"$tmp/libbpf.err"; then
		refused=$((refused + 1))
		continue
	fi
	if ! "$BPFVM" show --json "$o" >"$tmp/bpfvm.json" 2>"$tmp/bpfvm.err"; then
		echo "FAIL $o: libbpf opens it, bpfvm does not: $(cat "$tmp/bpfvm.err")"
		bad=$((bad + 1))
		continue
	fi
	compared=$((compared + 1))
	if ! python3 - "$tmp/libbpf.json" "$tmp/bpfvm.json" "$o" <<'PY'
import json, sys
ref, got, name = json.load(open(sys.argv[1])), json.load(open(sys.argv[2])), sys.argv[3]
diffs = []
def cmp(kind, a, b, keys):
    if len(a) != len(b):
        diffs.append("%s: libbpf has %d, bpfvm %d: %s vs %s" % (kind, len(a), len(b),
                     [x["name"] for x in a], [x["name"] for x in b]))
        return
    for x, y in zip(a, b):
        for k in keys:
            xv, yv = x[k], y.get(k)
            if kind == "maps" and k == "name" and y.get("origin") == "data":
                # libbpf prefixes .data/.rodata/.bss with the object name
                dot = xv.find(".")
                xv, yv = xv[dot:] if dot >= 0 else xv, yv[yv.find("."):]
            if xv != yv:
                diffs.append("%s %s: %s: libbpf %r, bpfvm %r" % (kind, x["name"], k, x[k], y.get(k)))
# bpfvm also lists programs of old objects that libbpf 1.x does not (no FUNC
# symbols, .text-only objects); they are flagged and have no libbpf view.
got["programs"] = [p for p in got["programs"] if not p["legacy_symbol"]]
# .kconfig externs are not supported: bpfvm refuses the programs using them
# and has no .kconfig map for them.
ref["maps"] = [m for m in ref["maps"] if not m["name"].endswith(".kconfig")]
cmp("programs", ref["programs"], got["programs"], ["name", "section", "type", "attach_type", "insns"])
cmp("maps", ref["maps"], got["maps"], ["name", "type", "key_size", "value_size", "max_entries", "flags", "numa_node"])
for d in diffs:
    print("DIFF %s: %s" % (name, d))
sys.exit(1 if diffs else 0)
PY
	then
		bad=$((bad + 1))
	fi
done
echo "$compared objects compared with libbpf, $refused refused by libbpf, $bad disagreements"
[ "$bad" -eq 0 ]
