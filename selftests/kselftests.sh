#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Cross-build the KVM selftests statically against the UAPI headers that
# kernel.sh installed.  -DDEBUG turns on pr_debug(), which is how
# arm64/page_fault_test names each case it runs.
#
# Usage: kselftests.sh <src-dir> <kernel-out-dir> <out-dir>
set -euo pipefail
. "$(dirname "$0")/lib.sh"

src=$(cd "${1:?usage}" && pwd); kout=$(cd "${2:?usage}" && pwd); out=${3:?usage}
mkdir -p "$out"; out=$(cd "$out" && pwd)
[ -d "$kout/usr/include/linux" ] || die "no UAPI headers in $kout/usr/include (build the kernel first)"

start=$(date +%s)
info "building KVM selftests into $out, log: $out/build.log"
if ! make -C "$src/tools/testing/selftests/kvm" -j"$JOBS" ARCH=arm64 \
	CROSS_COMPILE="$CROSS_COMPILE" OUTPUT="$out" \
	KHDR_INCLUDES="-isystem $kout/usr/include" \
	EXTRA_CFLAGS="-static -DDEBUG" >"$out/build.log" 2>&1; then
	grep -E 'error' "$out/build.log" | head -20 >&2 || true
	die "KVM selftests build failed; see $out/build.log"
fi
info "selftests built in $(elapsed "$start")"
