#!/bin/bash
# `bpfvm asm` and `bpfvm disasm` on raw bytecode: a program survives
# asm -> bytes -> disasm --asm -> asm unchanged, the LLVM listing has
# llvm-objdump's layout, and bad input (missing, empty, odd-sized, ELF, bad
# assembly, bad usage) is one line on stderr and exit status 2.
set -u
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0

check() { # description, then the condition as a command
	local what=$1
	shift
	if ! "$@"; then
		echo "FAIL: $what"
		fail=1
	fi
}

# expect_error DESCRIPTION PATTERN COMMAND...: exit 2, one stderr line matching PATTERN
expect_error() {
	local what=$1 pattern=$2
	shift 2
	"$@" >"$tmp/out" 2>"$tmp/err"
	local rc=$?
	if [ $rc -ne 2 ] || [ "$(wc -l <"$tmp/err")" -ne 1 ] || ! grep -q -- "$pattern" "$tmp/err"; then
		echo "FAIL: $what: exit $rc, stderr:"
		cat "$tmp/err"
		fail=1
	fi
}

cat >"$tmp/prog.s" <<'ASM'
# a loop, lddw, atomics, sign extension, a local call, gotol
	mov %r0, 0
	mov %r1, 10
loop:
	add %r0, %r1
	sub %r1, 1
	jne %r1, 0, loop
	lddw %r2, 0x1122334455667788
	stxdw [%r10-8], %r2
	lock fetch add [%r10-8], %r0
	ldxsw %r3, [%r10-8]
	movsx1664 %r4, %r3
	call local sub
	exit
sub:
	be16 %r1
	ja32 +0
	exit
ASM
check "asm succeeds" "$BPFVM" asm "$tmp/prog.s" -o "$tmp/prog.bin"
check "16 instruction slots of 8 bytes" [ "$(stat -c %s "$tmp/prog.bin")" -eq 128 ]
"$BPFVM" disasm "$tmp/prog.bin" >"$tmp/llvm.txt"
check "disasm exits 0" [ $? -eq 0 ]
check "llvm-objdump line layout" grep -qP '^       0:\tb7 00 00 00 00 00 00 00\tr0 = 0$' "$tmp/llvm.txt"
check "lddw on one line with 16 bytes" grep -qP '^       5:\t18 02 00 00 88 77 66 55 00 00 00 00 44 33 22 11\tr2 = 1234605616436508552 ll$' "$tmp/llvm.txt"
check "backward jump" grep -qP '^       4:\t55 01 fd ff 00 00 00 00\tif r1 != 0 goto -3$' "$tmp/llvm.txt"
check "15 lines (lddw takes 2 slots)" [ "$(wc -l <"$tmp/llvm.txt")" -eq 15 ]
"$BPFVM" disasm --asm "$tmp/prog.bin" >"$tmp/back.s"
check "disasm --asm exits 0" [ $? -eq 0 ]
check "asm of disasm --asm" "$BPFVM" asm "$tmp/back.s" -o "$tmp/back.bin"
check "round trip gives the same bytes" cmp -s "$tmp/prog.bin" "$tmp/back.bin"
check "stdin/stdout as -" bash -c "'$BPFVM' asm - -o - <'$tmp/prog.s' | cmp -s - '$tmp/prog.bin'"

# bad input
: >"$tmp/empty.bin"
printf 'abc' >"$tmp/odd.bin"
head -c 12 "$tmp/prog.bin" >"$tmp/twelve.bin"
printf '\177ELF\002\001\001\000\000\000\000\000\000\000\000\000' >"$tmp/obj.o"
printf 'mov %%r0, 1\nfrob %%r1\nexit\n' >"$tmp/bad.s"
printf '# only a comment\n' >"$tmp/none.s"
expect_error "disasm of a missing file" "nonexistent.bin" "$BPFVM" disasm "$tmp/nonexistent.bin"
expect_error "disasm of an empty file" "empty" "$BPFVM" disasm "$tmp/empty.bin"
expect_error "disasm of 3 bytes" "not a multiple of 8" "$BPFVM" disasm "$tmp/odd.bin"
expect_error "disasm of 12 bytes" "not a multiple of 8" "$BPFVM" disasm "$tmp/twelve.bin"
expect_error "disasm of a truncated ELF object" "truncated ELF header" "$BPFVM" disasm "$tmp/obj.o"
expect_error "disasm without a file" "usage" "$BPFVM" disasm
expect_error "disasm with an unknown option" "unknown option" "$BPFVM" disasm --frob "$tmp/prog.bin"
expect_error "asm of bad assembly names the line" "line 2: Invalid mnemonic: frob" "$BPFVM" asm "$tmp/bad.s" -o "$tmp/x.bin"
expect_error "asm of no instructions" "no instructions" "$BPFVM" asm "$tmp/none.s" -o "$tmp/x.bin"
expect_error "asm without -o" "usage" "$BPFVM" asm "$tmp/prog.s"
expect_error "asm of a missing file" "nonexistent.s" "$BPFVM" asm "$tmp/nonexistent.s" -o "$tmp/x.bin"
expect_error "asm to an unwritable path" "cannot create" "$BPFVM" asm "$tmp/prog.s" -o "$tmp/no/such/dir.bin"
check "nothing written on failure" [ ! -e "$tmp/x.bin" ]

# An instruction with no assembler spelling: --asm refuses it, the LLVM listing shows it.
printf '\x07\x21\x00\x00\x01\x00\x00\x00\x95\x00\x00\x00\x00\x00\x00\x00' >"$tmp/reserved.bin"
check "LLVM listing ignores the reserved src" grep -qP '\tr1 \+= 1$' <("$BPFVM" disasm "$tmp/reserved.bin")
expect_error "disasm --asm of a reserved field" "insn 0: cannot be written" "$BPFVM" disasm --asm "$tmp/reserved.bin"

[ $fail -eq 0 ] && echo "asm/disasm CLI: all checks passed"
exit $fail
