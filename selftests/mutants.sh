#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Mutation check: the tests must catch a kernel that breaks the series' rules.
# Each selftests/mutants/<name>.patch is a deliberate bug in the patched tree;
# its "Must-fail:" line names the plan entries (or entry/case) that must fail
# on it (an entry that never ran does not count), an optional "Boot:" line
# the boot to run them in (default vhe; see
# lib.sh's boot_conf).  For each mutant: apply it to the tree, build the
# kernel (into the normal output directory: only the files it touches are
# rebuilt), boot it once with just those entries, and check that every one
# failed.  The tree is always put back, and the kernel is rebuilt from it at
# the end.
#
# Usage: mutants.sh <tree> <kernel-out> <selftests-out> <module-out> <out-dir>
# Environment: MUTANT=<name or pattern> runs only those mutants.  A mutant
# that changes tools/ (the selftests' library) is run with selftests built
# from the mutated tree.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

tree=${1:?usage}; kout=${2:?usage}; sout=${3:?usage}; mout=${4:?usage}; out=${5:?usage}
here=$(cd "$(dirname "$0")" && pwd)
plan=$here/plan
mkdir -p "$out"

[ -z "$(git -C "$tree" status --porcelain --untracked-files=no)" ] ||
	die "$tree has uncommitted changes: commit or stash them first (mutants patch the tree)"
bbdeb=$(busybox_deb "$BUILD/dl")

applied=
restore() {
	if [ -n "$applied" ]; then
		git -C "$tree" apply -R "$applied" || info "error: could not revert $applied in $tree"
	fi
	# The kernel in $kout is a mutant's now: have kernel.sh rebuild it.
	rm -f "$kout/.rig-built"
}
trap restore EXIT

total=0; caught=0; missed=
for m in "$here"/mutants/${MUTANT:-*}.patch; do
	name=$(basename "$m" .patch)
	must=$(sed -n 's/^Must-fail: *//p' "$m")
	[ -n "$must" ] || die "$m has no Must-fail: line"
	boot=$(sed -n 's/^Boot: *//p' "$m")
	boot=${boot:-vhe}
	boot_conf "$boot" >/dev/null
	total=$((total + 1))
	info "mutant $name: must fail in a '$boot' boot: $must"

	git -C "$tree" apply --check "$m" ||
		die "mutant $name no longer applies to the series: update $m"
	git -C "$tree" apply "$m"
	applied=$m
	rm -f "$kout/.rig-built"
	make -C "$tree" O="$kout" -j"$JOBS" Image >"$out/$name.build.log" 2>&1 ||
		die "mutant $name does not build; see $out/$name.build.log"
	# A mutant of the selftests' library runs with selftests of its own.
	msout=$sout
	if grep -q '^diff --git a/tools/' "$m"; then
		msout=$out/$name.selftests
		"$here/kselftests.sh" "$tree" "$kout" "$msout" >"$out/$name.selftests.log" 2>&1 ||
			die "mutant $name: the selftests do not build; see $out/$name.selftests.log"
	fi
	git -C "$tree" apply -R "$m"
	applied=

	entries=$(for e in $must; do echo "${e%%/*}"; done | sort -u | paste -sd,)
	RIG_TESTS=$entries RIG_BOOT=$boot "$here/initramfs.sh" "$kout" "$msout" "$mout" "$plan" "$bbdeb" \
		"$out/$name.cpio"
	RIG_TESTS=$entries "$here/boot.sh" "$kout/arch/arm64/boot/Image" "$out/$name.cpio" "$boot" \
		"$out/$name.log" "$(RIG_TESTS=$entries boot_limit "$plan" "$boot")" || true
	python3 "$here/results.py" parse "$plan" "$boot" "$out/$name.log" "$out/$name.json"

	if python3 - "$out/$name.json" $must <<'EOF'
import json, sys
cases = json.load(open(sys.argv[1]))['cases']
ok = True
for want in sys.argv[2:]:
    named = [(c, st, d) for c, (st, d) in cases.items()
             if c == want or c.split('/', 1)[0].split('#', 1)[0] == want]
    # An entry that never ran (the guest stopped before it, the binary was
    # missing, a KUnit module printed no results) has not caught anything;
    # one that began and took the guest down with it has.
    hit = [c for c, st, d in named if st == 'fail' and not d.startswith('not run:')]
    never = [c for c, st, d in named if st == 'fail' and d.startswith('not run:')]
    print('  %-60s %s' % (want, 'fails (caught)' if hit else
                          'NEVER RAN (not caught)' if never else 'DID NOT FAIL'))
    ok = ok and bool(hit)
sys.exit(0 if ok else 1)
EOF
	then
		caught=$((caught + 1))
	else
		missed="$missed $name"
	fi
done

info "rebuilding the kernel from the unmodified tree"
trap - EXIT
restore
"$here/kernel.sh" "$tree" "$kout"

echo "$total mutants, $caught caught, $((total - caught)) missed${missed:+:$missed}"
[ -z "$missed" ]
