#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make bench: run selftests/plan.bench in a vhe boot (the strategy matrix,
# the harvest and the splits with break-before-make) and in a vhe-v3 boot
# (the splits without a break), then print the tables, write the CSV files
# and draw the plots (selftests/bench_table.py).
#
# Usage: bench.sh <kernel-out> <selftests-out> <module-out> <out-dir>
# Environment: RIG_TESTS narrows the plan, as for make check.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

kout=${1:?usage}; sout=${2:?usage}; mout=${3:?usage}; out=${4:?usage}
here=$(dirname "$0")
plan=$here/plan.bench

[ -x "$sout/dirty_log_perf_test" ] || die "$sout/dirty_log_perf_test missing (make selftests)"
# The series' selftests need the options and stats the bench reads: -E
# (eager split) and the stage-2 counts of dirty_log_perf_test, the timing of
# split_nobbm_test.
for want in "dirty_log_perf_test:KVM_CAP_ARM_EAGER_SPLIT_CHUNK_SIZE with this" \
	"dirty_log_perf_test:stage-2 write faults" "arm64/split_nobbm_test:vCPU exits"; do
	grep -qF "${want#*:}" "$sout/${want%%:*}" 2>/dev/null ||
		die "$sout/${want%%:*} does not print '${want#*:}': selftests without the bench's selftest commits (BENCH_SST= to use others)"
done
[ -f "$mout/kvm_s2_harvest_bench.ko" ] || die "$mout/kvm_s2_harvest_bench.ko missing (make module)"
command -v gnuplot >/dev/null || die "gnuplot missing (make deps installs it)"

start=$(date +%s)
mkdir -p "$out"
rm -f "$out"/*.log "$out"/*.csv "$out"/*.png "$out"/*.svg
bbdeb=$(busybox_deb "$BUILD/dl")
"$here/initramfs.sh" "$kout" "$sout" "$mout" "$plan" "$bbdeb" "$out/initramfs.cpio"

# A hung entry stops its boot a minute after its limit (watchdog.py); the
# boot's own limit is the sum of the entries' (four hours at most).
export RIG_PLAN=$plan
rc=0
for b in vhe vhe-v3; do
	"$here/boot.sh" "$kout/arch/arm64/boot/Image" "$out/initramfs.cpio" "$b" \
		"$out/$b.log" "$(boot_limit "$plan" "$b" 14400)" || rc=1
done

python3 "$here/bench_table.py" "$out" "$out/vhe.log" "$out/vhe-v3.log" || rc=1
info "bench: $(elapsed "$start"); tables: $out/*.csv, plots: $out/*.png $out/*.svg, logs: $out/*.log"
[ $rc = 0 ] || die "a boot or a plan entry failed; see the logs above"
