#!/usr/bin/env bash
# The whole test suite, three ways: the multi-threaded tests under
# ThreadSanitizer, every test under AddressSanitizer + UndefinedBehaviorSanitizer,
# then every test in the normal -Werror build (whose ctest summary is the last
# thing printed). Exits non-zero when any test fails.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh

jobs=$(nproc 2>/dev/null || echo 2)
threaded='test_map_concurrency test_map_ringbuf test_map_perf test_helper_direct'

echo "== the multi-threaded tests under ThreadSanitizer"
cmake -S . -B build-tsan -DBPFVM_WERROR=ON -DBPFVM_TSAN=ON >/dev/null
# shellcheck disable=SC2086
cmake --build build-tsan -j"$jobs" --target $threaded
TSAN_OPTIONS=halt_on_error=1 ctest --test-dir build-tsan --output-on-failure -j"$jobs" \
	-R "^($(echo $threaded | tr ' ' '|'))\$"

echo "== every test under ASan+UBSan (and the interpreter's portable switch dispatch)"
cmake -S . -B build-asan -DBPFVM_WERROR=ON -DBPFVM_SANITIZE=ON -DBPFVM_INTERP_SWITCH=ON \
	-DCMAKE_BUILD_TYPE=Debug >/dev/null
cmake --build build-asan -j"$jobs"
ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	ctest --test-dir build-asan --output-on-failure -j"$jobs"

echo "== every test, -Werror build"
cmake -S . -B build -DBPFVM_WERROR=ON >/dev/null
cmake --build build -j"$jobs"
ctest --test-dir build --output-on-failure -j"$jobs"
