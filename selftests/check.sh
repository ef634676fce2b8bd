#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Run a test plan in every boot and summarise it against the unpatched kernel.
#
#   check.sh <plan> <kernel-out> <selftests-out> <module-out|-> <results-dir>
#
# Each boot (BOOTS, default "vhe nvhe protected vhe-v3") runs the plan in its own guest.
# A failed case is compared with the unpatched kernel: the rig builds the
# base commit (once, cached under build/) and reruns just the failing plan
# entries on it; a failure that selftests/known-failures lists, failing the
# way it says, needs no rerun (RIG_BASELINE=1 reruns it too, which is how
# that list is checked); an entry that hung (selftests/watchdog.py) fails
# without a rerun.  Before anything boots, the host cases parser-tests
# (selftests/test_results.py: results.py on the saved console logs of
# selftests/testdata/, in seconds) and series-check: patches/ is what the
# tree's commits export to, checkpatch --strict clean.
#
# Environment: BOOTS, RIG_TESTS (a comma-separated list of plan entry names or
# patterns; parser-tests and series-check are two), RIG_BASELINE, DEBUG, BUILD.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

plan=${1:?usage}; kout=${2:?usage}; sout=${3:?usage}; mout=${4:?usage}; rdir=${5:?usage}
BOOTS=${BOOTS:-vhe nvhe protected vhe-v3}
tree=$BUILD/linux
dl=$BUILD/dl
sfx=$(rig_sfx)
here=$(dirname "$0")

# run_boot <flavour> <boot> <kernel-out> <initramfs-prefix>: parse into
# $rdir.  Each boot has its own initramfs, <prefix>-<boot>.cpio, packed on
# first use from $pack_st and $pack_mods: only the boots that run
# migrate-run carry its QEMU.
run_boot() {
	local flav=$1 b=$2 k=$3 cpio=$4-$2.cpio rc=0
	local log=$rdir/$flav-$b.log
	if [ ! -f "$cpio" ] && ! RIG_BOOT=$b "$here/initramfs.sh" "$k" "$pack_st" \
		"$pack_mods" "$plan" "$bbdeb" "$cpio"; then
		# Without the baseline every failure counts; without the series
		# there is nothing to report.
		[[ $flav == base* ]] || die "no initramfs for boot '$b'"
		info "no initramfs of the unpatched kernel for boot '$b': no baseline there"
		return 1
	fi
	"$here/boot.sh" "$k/arch/arm64/boot/Image" "$cpio" "$b" "$log" \
		"$(boot_limit "$plan" "$b")" || rc=1
	python3 "$here/results.py" parse "$plan" "$b" "$log" "$rdir/$flav-$b.json"
	return $rc
}

# run_boots <flavour> <kernel-out> <initramfs-prefix>: every boot; when an entry
# hung or the guest died, the entries it never began run in a second boot
# (once); an entry that hit a splat listed in known-issues (an upstream bug)
# runs again, twice at most.
run_boots() {
	local flav=$1 k=$2 cpio=$3 b i hit left rc=0
	for b in $BOOTS; do
		run_boot "$flav" "$b" "$k" "$cpio" || rc=1
		[ -f "$rdir/$flav-$b.json" ] || continue
		left=$(python3 "$here/results.py" remaining "$rdir/$flav-$b.json")
		if [ -n "$left" ]; then
			info "boot '$b' stopped early: a new boot for the entries it never began"
			RIG_TESTS=$left run_boot "$flav-resumed" "$b" "$k" "$cpio" || rc=1
			python3 "$here/results.py" merge-resumed "$rdir/$flav-$b.json" \
				"$rdir/$flav-resumed-$b.json"
		fi
		for i in 1 2; do
			hit=$(python3 "$here/results.py" known-hit "$rdir/$flav-$b.json")
			[ -n "$hit" ] || break
			info "boot '$b': $hit hit a known upstream issue (selftests/known-issues): retry $i"
			RIG_TESTS=$hit run_boot "$flav-retry$i" "$b" "$k" "$cpio" || rc=1
			python3 "$here/results.py" merge "$rdir/$flav-$b.json" "$rdir/$flav-retry$i-$b.json"
		done
	done
	return $rc
}

mkdir -p "$rdir"
rm -f "$rdir"/*.json "$rdir"/*.stall
export RIG_PLAN=$plan
for b in $BOOTS; do boot_conf "$b" >/dev/null; done
command -v qemu-system-aarch64 >/dev/null || die "qemu-system-aarch64 missing (make deps)"

# One JSON file a host case (results.py host makes one case a file).
host=()
if selected parser-tests; then
	info "parser-tests (results.py on selftests/testdata/), log: $rdir/parser-tests.log"
	prc=0
	PYTHONDONTWRITEBYTECODE=1 python3 -B "$here/test_results.py" >"$rdir/parser-tests.log" 2>&1 || prc=$?
	tail -1 "$rdir/parser-tests.log" >&2
	python3 "$here/results.py" host parser-tests "$prc" "$rdir/parser-tests.log" \
		"$rdir/host-parser-tests.json"
	host+=("$rdir/host-parser-tests.json")
fi
if selected series-check; then
	info "series-check (patches/ against the tree, checkpatch --strict), log: $rdir/series-check.log"
	src=0
	"$here/series.sh" check "$tree" "$RIG_TOP/patches" >"$rdir/series-check.log" 2>&1 || src=$?
	tail -1 "$rdir/series-check.log" >&2
	python3 "$here/results.py" host series-check "$src" "$rdir/series-check.log" "$rdir/host.json"
	host+=("$rdir/host.json")
fi

bbdeb=$(busybox_deb "$dl")
rm -f "$rdir"/initramfs*.cpio
pack_st=$sout pack_mods=$mout
booted=0
run_boots series "$kout" "$rdir/initramfs" || booted=1

# The baseline, only for what failed (the KUnit module needs the series).
failing=$(python3 "$here/results.py" failing "$rdir"/series-*.json)
if [ -n "$failing" ]; then
	info "failing entries ($failing): rerunning them on the unpatched kernel"
	bout=$BUILD/out/base$sfx; bst=$BUILD/selftests/base
	if base_kernel "$tree" "$bout" &&
	   "$here/kselftests.sh" "$BUILD/linux-base" "$bout" "$bst"; then
		pack_st=$bst pack_mods=-
		RIG_TESTS=$failing run_boots base "$bout" "$rdir/initramfs-base" || true
	else
		info "the unpatched kernel could not be built or packed: no baseline, every failure counts"
	fi
fi

args=("${host[@]}")
for b in $BOOTS; do args+=("$rdir/series-$b.json:$rdir/base-$b.json"); done
rc=0
python3 "$here/results.py" summary "${args[@]}" >"$rdir/summary.txt" || rc=$?
cat "$rdir/summary.txt"
[ $booted -eq 0 ] || { info "a boot did not complete (see above): failing"; rc=1; }
exit $rc
