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
"$here/initramfs.sh" "$kout" "$sout" - "$here/plan.main" \
	"$(ls "$BUILD"/dl/busybox-static_*_arm64.deb | head -1)" "$out/initramfs.cpio"
limit=$(awk -F'|' -v k="$(rig_scale)" '!/^#/ && NF >= 4 { s += $2 } END { print (s + 120) * k }' "$here/plan.main")
"$here/boot.sh" "$kout/arch/arm64/boot/Image" "$out/initramfs.cpio" vhe "$out/console.log" "$limit" ||
	die "the main run failed; log: $out/console.log"
python3 "$here/perf_table.py" "$out/console.log" "$out/perf.csv" ||
	die "dirty_log_perf_test failed; log: $out/console.log"
info "figures: $out/perf.csv, console log: $out/console.log"
