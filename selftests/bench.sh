#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make bench: run selftests/plan.bench in a vhe boot (the strategy matrix,
# the harvest and the splits with break-before-make) and in a vhe-v3 boot
# (the splits without a break), and its clear.* entries (CLEAR in chunks)
# once more in a vhe boot of a kernel whose CLEAR invalidates the whole
# memslot (selftests/mutants/clear-flushes-memslot.patch, what the series
# did before its ranged invalidation); then print the tables, write the
# CSV files and draw the plots (selftests/bench_table.py).
#
# Usage: bench.sh <tree> <kernel-out> <selftests-out> <module-out> <out-dir>
# Environment: RIG_TESTS narrows the plan, as for make check.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

tree=${1:?usage}; kout=${2:?usage}; sout=${3:?usage}; mout=${4:?usage}; out=${5:?usage}
here=$(dirname "$0")
plan=$here/plan.bench

[ -x "$sout/dirty_log_perf_test" ] || die "$sout/dirty_log_perf_test missing (make selftests)"
# The series' selftests need the options and stats the bench reads: -E
# (eager split) and the stage-2 counts of dirty_log_perf_test, the timing of
# split_nobbm_test, the chunked CLEAR (-k) and its count of invalidations.
for want in "dirty_log_perf_test:KVM_CAP_ARM_EAGER_SPLIT_CHUNK_SIZE with this" \
	"dirty_log_perf_test:stage-2 write faults" "arm64/split_nobbm_test:vCPU exits" \
	"dirty_log_perf_test:clear calls"; do
	grep -qF "${want#*:}" "$sout/${want%%:*}" 2>/dev/null ||
		die "$sout/${want%%:*} does not print '${want#*:}': selftests without the bench's selftest commits (BENCH_SST= to use others)"
done
[ -f "$mout/kvm_s2_harvest_bench.ko" ] || die "$mout/kvm_s2_harvest_bench.ko missing (make module)"
command -v gnuplot >/dev/null || die "gnuplot missing (make deps installs it)"
clear=$(plan_names "$plan" vhe clear.)
memslot=$here/mutants/clear-flushes-memslot.patch
if [ -n "$clear" ]; then
	[ -z "$(git -C "$tree" status --porcelain --untracked-files=no)" ] ||
		die "$tree has uncommitted changes: commit or stash them first (the bench patches the tree)"
	git -C "$tree" apply --check "$memslot" ||
		die "$memslot no longer applies to the series: update it"
fi

start=$(date +%s)
mkdir -p "$out"
rm -f "$out"/*.log "$out"/*.csv "$out"/*.png "$out"/*.svg "$out"/Image*
bbdeb=$(busybox_deb "$BUILD/dl")
"$here/initramfs.sh" "$kout" "$sout" "$mout" "$plan" "$bbdeb" "$out/initramfs.cpio"
# The boots boot copies: <kernel-out> holds the whole-memslot kernel for a
# while below.
cp "$kout/arch/arm64/boot/Image" "$out/Image"
rc=0

# The clear.* entries also run on a kernel whose CLEAR invalidates the
# whole memslot: built into <kernel-out> first (mmu.c and the link), its
# Image kept, the series' kernel rebuilt at once.
if [ -n "$clear" ]; then
	info "bench: building the kernel whose CLEAR invalidates the whole memslot, log: $out/clear-memslot.build.log"
	trap 'git -C "$tree" apply -R -q "$memslot" 2>/dev/null; rm -f "$kout/.rig-built"' EXIT
	rm -f "$kout/.rig-built"
	git -C "$tree" apply "$memslot"
	if make -C "$tree" O="$kout" -j"$JOBS" Image >"$out/clear-memslot.build.log" 2>&1; then
		cp "$kout/arch/arm64/boot/Image" "$out/Image-clear-memslot"
	else
		info "error: the whole-memslot kernel does not build; see $out/clear-memslot.build.log"
		rc=1
	fi
	git -C "$tree" apply -R "$memslot"
	trap - EXIT
	rm -f "$kout/.rig-built"
	"$here/kernel.sh" "$tree" "$kout"
	[ -f "$out/Image-clear-memslot" ] || clear=
fi

# A hung entry stops its boot a minute after its limit (watchdog.py); the
# boot's own limit is the sum of the entries' (four hours at most).
export RIG_PLAN=$plan
for b in vhe vhe-v3; do
	# A boot that RIG_TESTS leaves nothing to run is not booted.
	[ -n "$(plan_names "$plan" "$b")" ] || continue
	"$here/boot.sh" "$out/Image" "$out/initramfs.cpio" "$b" \
		"$out/$b.log" "$(boot_limit "$plan" "$b" 14400)" || rc=1
done

if [ -n "$clear" ]; then
	RIG_TESTS=$clear "$here/boot.sh" "$out/Image-clear-memslot" "$out/initramfs.cpio" vhe \
		"$out/vhe-clear-memslot.log" "$(RIG_TESTS=$clear boot_limit "$plan" vhe 14400)" || rc=1
fi

python3 "$here/bench_table.py" "$out" "$out/vhe.log" "$out/vhe-v3.log" \
	${clear:+"$out/vhe-clear-memslot.log"} || rc=1
info "bench: $(elapsed "$start"); tables: $out/*.csv, plots: $out/*.png $out/*.svg, logs: $out/*.log"
[ $rc = 0 ] || die "a boot or a plan entry failed; see the logs above"
