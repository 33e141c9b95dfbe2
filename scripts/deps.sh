#!/usr/bin/env bash
# Installs what building and testing bpfvm needs on Debian 12, when missing:
# clang (to compile eBPF test programs), libbpf headers and library (eBPF
# programs include <bpf/bpf_helpers.h>; the differential tests and benchmarks
# load the same objects into the kernel), llvm tools (objdump comparison),
# bpftool and python3 (the conformance runner) with PyYAML (PREVAIL's cases).
set -euo pipefail

need=()
command -v clang >/dev/null || need+=(clang)
command -v llvm-objdump >/dev/null || need+=(llvm)
command -v python3 >/dev/null || need+=(python3)
python3 -c 'import yaml' 2>/dev/null || need+=(python3-yaml)
command -v bpftool >/dev/null || need+=(bpftool)
[ -f /usr/include/bpf/bpf_helpers.h ] || need+=(libbpf-dev)
[ -f /usr/include/libelf.h ] || need+=(libelf-dev)
[ -f /usr/include/zlib.h ] || need+=(zlib1g-dev)
command -v pkg-config >/dev/null || need+=(pkg-config)

if [ ${#need[@]} -gt 0 ]; then
	echo "deps: installing ${need[*]}"
	SUDO=""
	[ "$(id -u)" -ne 0 ] && SUDO="sudo"
	$SUDO apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
fi
