#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make migrate: the live migrations of selftests/plan.migrate in one vhe
# boot, then the table, the CSV files and the plots (migrate_table.py).
#
# Usage: migrate.sh <kernel-out> <out-dir>
# Environment: RIG_TESTS narrows the plan, as for make check.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

kout=${1:?usage}; out=${2:?usage}
here=$(dirname "$0")
plan=${RIG_MIGRATE_PLAN:-$here/plan.migrate}

start=$(date +%s)
mkdir -p "$out"
rm -f "$out"/*.log "$out"/*.csv "$out"/*.png "$out"/*.dat
bbdeb=$(busybox_deb "$BUILD/dl")
"$here/initramfs.sh" "$kout" - - "$plan" "$bbdeb" "$out/initramfs.cpio"
rc=0
"$here/boot.sh" "$kout/arch/arm64/boot/Image" "$out/initramfs.cpio" vhe \
	"$out/vhe.log" "$(boot_limit "$plan" vhe 3600)" || rc=1
python3 "$here/migrate_table.py" "$out" "$out/vhe.log" | tee "$out/table.txt" || rc=1
info "migrate: $(elapsed "$start"); table: $out/table.txt, CSV: $out/*.csv, plots: $out/*.png, log: $out/vhe.log"
[ $rc = 0 ] || die "a boot or a migration failed; see the log above"
