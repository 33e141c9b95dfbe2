#!/usr/bin/env bash
# Builds bpfvm and runs its demo: assembles a small eBPF program, checks it,
# disassembles it and runs it in each engine.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh
cmake -S . -B build >/dev/null
cmake --build build -j"$(nproc 2>/dev/null || echo 2)"
exec bash examples/demo.sh build
