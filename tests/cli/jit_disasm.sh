# bpfvm disasm --jited: the JIT's code for raw bytecode, as objdump's listing
# when binutils is installed (else hex), and clear errors for bad input.
set -u
[ "$(uname -m)" = x86_64 ] || { echo "SKIP: no JIT on $(uname -m)"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
printf 'mov %%r0, 0x5a7e1ab5\nexit\n' > "$tmp/p.s"
"$BPFVM" asm "$tmp/p.s" -o "$tmp/p.bin" || exit 1
out=$("$BPFVM" disasm "$tmp/p.bin" --jited) || { echo "disasm --jited failed"; exit 1; }
echo "$out" | head -1 | grep -q "bytes of x86-64 at" || { echo "no header: $out"; exit 1; }
if command -v objdump >/dev/null; then
	echo "$out" | grep -q 'mov *$0x5a7e1ab5,%eax' || { echo "no mov of the immediate: $out"; exit 1; }
	echo "$out" | grep -q 'ret' || { echo "no ret: $out"; exit 1; }
else
	echo "$out" | grep -q 'b8 b5 1a 7e 5a' || { echo "no immediate in the hex: $out"; exit 1; }
fi
printf 'abc' > "$tmp/bad.bin"
"$BPFVM" disasm "$tmp/bad.bin" --jited 2>/dev/null && { echo "odd-sized input accepted"; exit 1; }
[ $? -eq 2 ] || { echo "odd-sized input: exit code not 2"; exit 1; }
echo ok
