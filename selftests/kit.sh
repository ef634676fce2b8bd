#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Make the kit: everything that runs the plans on an arm64 machine, the
# rig's QEMU guest or a real host booted into the patched kernel, and
# nothing that needs the rig.  <kit-dir> gets:
#   run, init         the runner (selftests/kit/run) and the guest's /init
#   plans/            the plans (selftests/plan*) without the live migration
#                     entries, which need the guest's QEMU that make migrate
#                     builds (plan.migrate, migrate.dbm; testplan.py kit)
#   boots             the boots the runner's -b takes (selftests/boots.py)
#   kvm/              the static KVM selftests those plans name
#   bin/              the helpers their commands use (selftests/guest/) and
#                     kvm-hold (selftests/kvm-hold.c)
#   modules/<rel>/    the KUnit and bench modules built for the kernel
#                     <kernel-out> (release <rel>), when <module-out> is given
#   module/           their sources, which the runner builds against a
#                     host's own /lib/modules/<release>/build
#   README, VERSION   how to run it; what it was made from
# and <tarball>, when given, the same as a .tar.gz with one top directory,
# kit/, files owned by root and dated by the tree's HEAD.
#
# Usage: kit.sh <kernel-out> <selftests-out> <module-out|-> <kit-dir> [tarball]
set -euo pipefail
. "$(dirname "$0")/lib.sh"

kout=${1:?usage}; sout=${2:?usage}; mout=${3:?usage}; kit=${4:?usage}; tarball=${5:-}
S=$RIG_TOP/selftests
[ -f "$kout/include/config/kernel.release" ] || die "$kout is not a built kernel (make kernel)"
[ -d "$sout" ] || die "$sout has no selftests (make selftests)"
rel=$(cat "$kout/include/config/kernel.release")

rm -rf "$kit"
mkdir -p "$kit/plans" "$kit/kvm" "$kit/bin"
install -m 755 "$S/kit/run" "$S/kit/init" "$kit/"
# The entries that run migrate-run are left out, with a line that says so:
# the kit does not carry the guest's QEMU and the L2 guest (make migrate).
# (testplan.py kit: the entries whose kind is migrate).
for p in "$S"/plan "$S"/plan.*; do
	[ "$(basename "$p")" != plan.migrate ] || continue
	python3 -B "$S/testplan.py" kit "$p" >"$kit/plans/$(basename "$p")" || exit 1
done
# The boots the runner's -b takes: selftests/boots.py's table.
python3 -B -c 'import sys; sys.path.insert(0, sys.argv[1]); import boots; print("\n".join(boots.BOOTS))' \
	"$S" >"$kit/boots"
install -m 755 "$S"/guest/* "$kit/bin/"
"${CROSS_COMPILE}gcc" -static -O2 -Wall -Wextra -Werror -isystem "$kout/usr/include" \
	-o "$kit/bin/kvm-hold" "$S/kvm-hold.c" || die "cannot build selftests/kvm-hold.c"

missing=0
for bin in $(python3 -B "$S/testplan.py" bins "$kit"/plans/*); do
	if [ -x "$sout/$bin" ]; then
		install -D -m 755 "$sout/$bin" "$kit/kvm/$bin"
	else
		info "warning: $sout/$bin not built; the plan entries using it will fail"
		missing=$((missing + 1))
	fi
done

if [ "$mout" != - ]; then
	mkdir -p "$kit/modules/$rel"
	for ko in "$mout"/*.ko; do
		[ -e "$ko" ] && install -m 644 "$ko" "$kit/modules/$rel/"
	done
fi
mkdir -p "$kit/module"
install -m 644 "$RIG_TOP"/module/Kbuild "$RIG_TOP"/module/README "$RIG_TOP"/module/*.c "$kit/module/"

head=$(git -C "$RIG_TOP" rev-parse --short=12 HEAD 2>/dev/null || echo unknown)
tree=$(git -C "$BUILD/linux" rev-parse --short=12 HEAD 2>/dev/null || echo unknown)
cat >"$kit/VERSION" <<EOV
project commit: $head$(git -C "$RIG_TOP" diff --quiet HEAD 2>/dev/null || echo ' (with uncommitted changes)')
series: $(patches_sum "$RIG_TOP/patches") (sha256 of patches/*.patch and patches/bbm/*.patch); tree commit $tree
selftests: built from $sout against $kout (kernel $rel)
modules: $([ "$mout" != - ] && echo "built for kernel $rel" || echo none)
EOV
cat >"$kit/README" <<'EOR'
The kit of the arm64 KVM stage-2 hardware dirty logging series
==============================================================

Run it as root on an arm64 machine booted into a kernel that has the series
(KVM at EL2, /dev/kvm present):

  ./run                        the test plan (plans/plan) for this machine
  ./run -p plans/plan.bench    the benchmark plan
  ./run -o run.log             also keep the output in run.log

It first prints what the machine is ("@@RIG MACHINE" lines: the CPUs' MIDR,
KVM's mode, whether the kernel uses stage-2 hardware dirty state and BBM
level 3, and the dirty logging strategy with the reason), then every test
framed by "@@RIG BEGIN/END" lines.  Send the log; in the project,
"make results LOG=run.log" prints the same summary as make check.  The
runner puts back what it changes (kvm.stage2_dbm, vm.nr_hugepages, the THP
mode, KSM's run state) when it ends or is interrupted.

The KUnit entries need the modules: the kit carries them for the kernel it
was built with (modules/<release>/); for another kernel it builds module/
against /lib/modules/$(uname -r)/build, and without that the entries skip.
The time limits are those of the QEMU rig, generous for hardware.  See
VERSION for what the kit was made from.
EOR

if [ -n "$tarball" ]; then
	mt=$(git -C "$RIG_TOP" log -1 --format=%cI 2>/dev/null || echo 2026-01-01T00:00:00Z)
	tar -C "$(dirname "$kit")" --transform "s|^$(basename "$kit")|kit|" --sort=name \
		--owner=0 --group=0 --numeric-owner --mtime="$mt" -czf "$tarball.tmp" "$(basename "$kit")"
	mv "$tarball.tmp" "$tarball"
fi
info "kit: $kit ($(find "$kit/kvm" -type f | wc -l) selftests, $(ls "$kit/plans" | wc -l) plans${tarball:+, tarball $tarball}; $missing missing)"
