#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The main job: boot the patched kernel once and run selftests/plan.main
# (dirty_log_perf_test), then print its figures as a table.
#
# Usage: main.sh <kernel-out> <selftests-out> <out-dir>
set -euo pipefail
. "$(dirname "$0")/lib.sh"

kout=${1:?usage}; sout=${2:?usage}; out=${3:?usage}
here=$(dirname "$0")
mkdir -p "$out"
bbdeb=$(busybox_deb "$BUILD/dl")
"$here/initramfs.sh" "$kout" "$sout" - "$here/plan.main" "$bbdeb" "$out/initramfs.cpio"
"$here/boot.sh" "$kout/arch/arm64/boot/Image" "$out/initramfs.cpio" vhe "$out/console.log" \
	"$(boot_limit "$here/plan.main" vhe)" ||
	die "the main run failed; log: $out/console.log"
python3 "$here/perf_table.py" "$out/console.log" "$out/perf.csv" ||
	die "dirty_log_perf_test failed; log: $out/console.log"
info "figures: $out/perf.csv, console log: $out/console.log"
