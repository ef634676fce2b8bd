#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The proof that the kit is self-contained, as on a real host: boot the
# rig's kernel with an initramfs that holds nothing but busybox, the
# unpacked kit tarball (make kit) and the /init link to the kit's init, so
# that the guest runs the kit's own plans/plan with its own runner, and
# print the summary results.py makes of it (no unpatched baseline: compare
# it with make check's boot of the same name).
#
# Usage: kit-boot.sh <kernel-out> <kit.tar.gz> <out-dir>
# Environment: BOOTS (default "vhe"), RIG_TESTS (narrows the plan), DEBUG.
set -uo pipefail
here=$(dirname "$0")
. "$here/lib.sh"

kout=${1:?usage}; tarball=${2:?usage}; out=${3:?usage}
boots=${BOOTS:-vhe}
[ -f "$tarball" ] || die "no kit $tarball (make kit)"
mkdir -p "$out"
rm -f "$out"/*.json "$out"/*.log "$out"/*.cpio
# The kit's plan: selftests/plan without what the kit leaves out (kit.sh).
plan=$out/plan
tar -xzOf "$tarball" kit/plans/plan >"$plan" || die "$tarball has no kit/plans/plan"
diff <(grep -v '^#' "$plan") <(grep -v '^#' "$here/plan" | grep -v migrate-run) >/dev/null ||
	die "$tarball was made from another selftests/plan: make kit"
grep '^# The kit leaves out' "$plan" | sed 's/^# /[rig] /' >&2
bbdeb=$(busybox_deb "$BUILD/dl")
args=()
rc=0
for b in $boots; do
	boot_conf "$b" >/dev/null || exit 1
	RIG_KIT=$tarball RIG_BOOT=$b "$here/initramfs.sh" "$kout" - - - "$bbdeb" "$out/initramfs-$b.cpio" ||
		exit 1
	RIG_PLAN=$plan "$here/boot.sh" "$kout/arch/arm64/boot/Image" "$out/initramfs-$b.cpio" "$b" \
		"$out/kit-$b.log" "$(boot_limit "$plan" "$b")" || rc=1
	python3 -B "$here/results.py" parse "$plan" "$b" "$out/kit-$b.log" "$out/kit-$b.json"
	args+=("$out/kit-$b.json")
done
python3 -B "$here/results.py" summary "${args[@]}" | tee "$out/summary.txt" || rc=1
exit $rc
