# bpfvm show and bpfvm disasm on ELF objects: output shape, source lines before
# their instructions, annotations of calls/maps/callbacks, and exit codes.
set -u
if [ -n "${BPFVM_PROGS_SKIP:-}" ]; then
	echo "SKIP: $BPFVM_PROGS_SKIP"
	exit 77
fi
fail=0
check() { # description, command...
	local what=$1
	shift
	if ! "$@"; then
		echo "FAIL: $what"
		fail=1
	fi
}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

"$BPFVM" disasm "$BPFVM_PROGS/obj_subprogs.o" --prog loops >"$tmp/loops.txt"
check "disasm exit code" test $? -eq 0
check "program header" grep -q '^loops: section tc, type sched_cls' "$tmp/loops.txt"
check "subprogram label" grep -q '^loop_body:$' "$tmp/loops.txt"
check "callback address annotated" grep -q '; &loop_body$' "$tmp/loops.txt"
check "bpf-to-bpf call annotated" grep -qP '\tcall -?\d+\t; leaf$' "$tmp/loops.txt"
check "source file:line" grep -q '^; .*obj_subprogs.c:69$' "$tmp/loops.txt"
# the source line comes right before the instruction that starts it
check "source before its instructions" python3 - "$tmp/loops.txt" <<'PY'
import sys
lines = open(sys.argv[1]).read().splitlines()
i = next(k for k, l in enumerate(lines) if "bpf_loop(8, loop_body" in l)
assert lines[i - 1].endswith("obj_subprogs.c:69"), lines[i - 1]
assert lines[i + 1].split(":")[0].strip() == "4", lines[i + 1]
PY
"$BPFVM" disasm "$BPFVM_PROGS/obj_maps.o" --prog use_maps >"$tmp/maps.txt"
check "map reference annotated" grep -q '; map hash_map$' "$tmp/maps.txt"
"$BPFVM" disasm "$BPFVM_PROGS/obj_globals.o" >"$tmp/globals.txt"
check "global data annotated" grep -q '; &.rodata + 4$' "$tmp/globals.txt"
"$BPFVM" disasm "$BPFVM_PROGS/obj_kconfig.o" >"$tmp/kconfig.txt"
check "unloadable program explained" grep -q "cannot be loaded: .*LINUX_KERNEL_VERSION.*not supported" "$tmp/kconfig.txt"
"$BPFVM" disasm "$BPFVM_PROGS/obj_maps.o" --prog no_such >/dev/null 2>"$tmp/err.txt"
check "unknown program: exit 2" test $? -eq 2
check "unknown program: message" grep -q "no program named 'no_such'" "$tmp/err.txt"

"$BPFVM" show --json "$BPFVM_PROGS/obj_sections.o" >"$tmp/show.json"
check "show --json exit code" test $? -eq 0
check "show --json content" python3 - "$tmp/show.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
progs = {p["name"]: p for p in d["programs"]}
assert len(progs) == 60
assert progs["bind4"]["type"] == "cgroup_sock_addr" and progs["bind4"]["section"] == "cgroup/bind4"
assert progs["tc_prog"]["type"] == "sched_cls" and progs["tc_prog"]["insns"] == 2
assert progs["skb_ingress"]["type"] == "cgroup_skb"
assert progs["socket_prog"]["type"] == "socket_filter"
assert d["maps"] == [] and d["license"] == "GPL"
PY
"$BPFVM" show --json "$BPFVM_PROGS/obj_maps.o" >"$tmp/maps.json"
check "show --json maps" python3 - "$tmp/maps.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
maps = {m["name"]: m for m in d["maps"]}
assert maps["lpm"]["type"] == "lpm_trie" and maps["lpm"]["flags"] == 1
assert maps["ringbuf"]["type"] == "ringbuf" and maps["ringbuf"]["max_entries"] == 4096
assert maps["jump_table"]["init"] == [[1, "tail_a"], [5, "tail_b"]]
assert maps["outer_array"]["inner"]["type"] == "array"
assert maps["lru_locked"]["spin_lock_off"] == 8
PY
"$BPFVM" show "$BPFVM_PROGS/obj_legacy.o" >"$tmp/legacy.txt"
check "legacy object text" grep -q 'count_packets *socket1 *unspec .*(libbpf 0.x: socket_filter)' "$tmp/legacy.txt"
head -c 100 "$BPFVM_PROGS/obj_maps.o" >"$tmp/trunc.o"
"$BPFVM" show "$tmp/trunc.o" 2>"$tmp/err.txt"
check "truncated object: exit 2" test $? -eq 2
check "truncated object: message" grep -q "trunc.o: section headers .* beyond end of file" "$tmp/err.txt"
exit $fail
