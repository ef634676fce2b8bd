#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Pack the guest's initramfs with the kernel's own usr/gen_init_cpio: Debian's
# static arm64 busybox, the kit (selftests/kit.sh: the runner, the plans, the
# static selftests, the helpers, kvm-hold and the KUnit modules), unpacked
# from its tarball, with /init the kit's init, and the plan to run at /plan;
# with RIG_MIGRATE=1 (rig.py: the boot runs an entry of kind migrate), the
# guest's QEMU and the L2 guest too (migrate-prep.sh).
#
# Usage: initramfs.sh <kernel-out> <selftests-out> <module-dir|-> <plan|-> <busybox.deb> <output.cpio>
# <plan> "-": no /plan, the guest runs the kit's plans/plan.  RIG_KIT=<tarball>
# packs that kit (make kit's) instead of making one from <selftests-out> and
# <module-dir>: with plan "-", the initramfs holds busybox, the unpacked
# tarball and the /init link to its init, nothing else (make kit-boot).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

kout=${1:?usage}; kst=${2:?usage}; mods=${3:?usage}; plan=${4:?usage}; bbdeb=${5:?usage}; cpio=${6:?usage}
planf=$plan
[ "$plan" != - ] || planf=/dev/null
gen=$kout/usr/gen_init_cpio
[ -x "$gen" ] || die "$gen missing (kernel build incomplete?)"

work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
dpkg-deb -x "$bbdeb" "$work/bb" || die "cannot unpack $bbdeb"
bb=$work/bb/bin/busybox
[ -f "$bb" ] || die "no bin/busybox in $bbdeb"

mig=
[ "${RIG_MIGRATE:-0}" != 1 ] || mig=$cpio.migrate
[ -z "$mig" ] || "$RIG_TOP/selftests/migrate-prep.sh" "$kout" "$mig"

# The kit, made and then unpacked from its tarball: the guest runs what a
# hardware user unpacks (selftests/kit.sh).
tarball=${RIG_KIT:-$work/kit.tar.gz}
if [ -z "${RIG_KIT:-}" ]; then
	"$RIG_TOP/selftests/kit.sh" "$kout" "$kst" "$mods" "$work/kit" "$tarball" || exit 1
fi
mkdir -p "$work/unpacked"
tar -C "$work/unpacked" -xzf "$tarball" || die "cannot unpack the kit's tarball $tarball"
[ -x "$work/unpacked/kit/run" ] || die "$tarball holds no kit/run"

list=$work/list
{
	for d in /bin /dev /proc /sys /tmp /lib; do
		echo "dir $d 755 0 0"
	done
	echo "nod /dev/console 600 0 0 c 5 1"
	echo "file /bin/busybox $bb 755 0 0"
	echo "slink /init /kit/init 777 0 0"
	[ "$plan" = - ] || echo "file /plan $plan 644 0 0"
	(cd "$work/unpacked" && find kit -mindepth 0 -type d -printf 'dir /%p 755 0 0\n' | sort
	 find kit -type f -printf "file /%p $work/unpacked/%p %m 0 0\n" | sort)
	# A selftest the plan names that the kit's plans do not.
	python3 -B "$RIG_TOP/selftests/testplan.py" bins "$planf" | while read -r bin; do
		[ -e "$work/unpacked/kit/kvm/$bin" ] && continue
		if [ -x "$kst/$bin" ]; then
			echo "dir /kit/kvm/$(dirname "$bin") 755 0 0"
			echo "file /kit/kvm/$bin $kst/$bin 755 0 0"
		else
			info "warning: $kst/$bin not built; the plan entries using it will fail"
		fi
	done
	[ -z "$mig" ] || cat "$mig/cpio.list"
} >"$list"
"$gen" "$list" >"$cpio.tmp" || die "gen_init_cpio failed"
mv "$cpio.tmp" "$cpio"
