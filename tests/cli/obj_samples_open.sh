# Every object of ../shared/ebpf-samples opens with `bpfvm show` (old ones
# with legacy maps and section names included); the fuzzer-made files of its
# invalid/ directory are either opened or refused with a message (exit 2),
# never a crash.
set -u
dir="${BPFVM_SHARED:-}/ebpf-samples"
if [ ! -d "$dir" ]; then
	echo "SKIP: $dir not present"
	exit 77
fi
opened=0 refused=0 fail=0
while IFS= read -r f; do
	"$BPFVM" show --json "$f" >/dev/null 2>"${TMPDIR:-/tmp}/obj_samples_err.$$"
	rc=$?
	case "$f" in
	*/invalid/*)
		if [ $rc -eq 0 ]; then
			opened=$((opened + 1))
		elif [ $rc -eq 2 ] && grep -q "^bpfvm: $f: " "${TMPDIR:-/tmp}/obj_samples_err.$$"; then
			refused=$((refused + 1))
		else
			echo "FAIL $f: exit $rc: $(cat "${TMPDIR:-/tmp}/obj_samples_err.$$")"
			fail=1
		fi
		;;
	*)
		if [ $rc -eq 0 ]; then
			opened=$((opened + 1))
		else
			echo "FAIL $f: exit $rc: $(cat "${TMPDIR:-/tmp}/obj_samples_err.$$")"
			fail=1
		fi
		;;
	esac
done < <(find "$dir" -type f \( -name '*.o' -o -path '*/invalid/*' \) | sort)
rm -f "${TMPDIR:-/tmp}/obj_samples_err.$$"
echo "$opened objects opened, $refused malformed ones refused"
exit $fail
