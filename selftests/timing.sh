#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Time plan entries on the series kernel and on the unpatched one: each
# selected entry runs TIMING_REPEAT times (3 unless told) in one boot of
# each kernel, with the same selftest binaries (the series') in both, so
# that only the kernel differs; every output line is stamped with the
# guest's uptime (selftests/guest/stamp).  selftests/timing_table.py then
# prints each run's seconds, the ratio of the medians, and the same for
# every case of the entry (the lines that match TIMING_MARK, a Python
# regex whose group 1 names the case; default: page_fault_test's
# "Test: <name>").  The limits are twice the plan's, so that a slow run is
# measured rather than killed (a killed run is no measurement, and
# timing_table.py says so: the limit kills stamp, not always the test it
# runs, which may then go on into the next run).  Under TCG only the
# ratios mean something.
#
# Usage: timing.sh <tree> <kernel-out> <selftests-out> <plan> <out-dir>
# Environment: RIG_TESTS (required: the entries), BOOTS, TIMING_REPEAT,
# TIMING_MARK, DEBUG (the debug kernels, and the plan's limits times 4).
set -uo pipefail
here=$(dirname "$0")
. "$here/lib.sh"

tree=${1:?usage}; kout=${2:?usage}; sout=${3:?usage}; plan=${4:?usage}; out=${5:?usage}
boots=${BOOTS:-vhe}
reps=${TIMING_REPEAT:-3}
tests=${RIG_TESTS:-}
[ -n "$tests" ] || die "T= names the plan entries to time (make timing T=page_fault_test BOOTS=protected)"
[ "$reps" -gt 0 ] 2>/dev/null || die "TIMING_REPEAT=$reps: a number of runs, at least 1"
for b in $boots; do
	boot_conf "$b" >/dev/null || exit 1
	[ -n "$(plan_names "$plan" "$b")" ] || die "T=$tests: no entry of $plan runs in boot '$b'"
done
[ -f "$kout/arch/arm64/boot/Image" ] ||
	die "$kout has no Image: make kernel"
mkdir -p "$out"
out=$(cd "$out" && pwd)
rm -f "$out"/*.log "$out"/*.csv

bout=$BUILD/out/base$(rig_sfx)
base_kernel "$tree" "$bout" || die "the unpatched kernel could not be built"
# Copies: a rebuild of either output (make bench, make mutants) does not
# change the kernels under test.
cp "$kout/arch/arm64/boot/Image" "$out/Image-series"
cp "$bout/arch/arm64/boot/Image" "$out/Image-base"

# The plan that runs: every selected entry <reps> times, as <name>.r<n>.
gplan=$out/plan
: >"$gplan"
while IFS='|' read -r name tmo eboots cmd; do
	case $name in ''|'#'*) continue ;; esac
	selected "$name" || continue
	# A KUnit entry runs as it is: the runner knows it by its prefix.
	stamp=stamp\ 
	[[ $cmd != kunit:* ]] || stamp=
	for ((r = 1; r <= reps; r++)); do
		echo "$name.r$r|$((tmo * 2))|$eboots|$stamp$cmd" >>"$gplan"
	done
done <"$plan"

bbdeb=$(busybox_deb "$BUILD/dl")
"$here/initramfs.sh" "$kout" "$sout" - "$gplan" "$bbdeb" "$out/initramfs-series.cpio" || exit 1
"$here/initramfs.sh" "$bout" "$sout" - "$gplan" "$bbdeb" "$out/initramfs-base.cpio" || exit 1

failed=0
for b in $boots; do
	lim=$(RIG_TESTS='' boot_limit "$gplan" "$b" 100000)
	for k in series base; do
		RIG_TESTS='' RIG_PLAN=$gplan "$here/boot.sh" "$out/Image-$k" "$out/initramfs-$k.cpio" \
			"$b" "$out/$k-$b.log" "$lim" || failed=1
	done
	python3 -B "$here/timing_table.py" "$b" "$reps" "$out/series-$b.log" "$out/base-$b.log" \
		"$out/timing-$b.csv" || failed=1
done
[ $failed = 0 ] || info "error: a boot did not finish or a run was killed at its limit (logs in $out)"
exit $failed
