#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Pack the guest's initramfs with the kernel's own usr/gen_init_cpio: Debian's
# static arm64 busybox, selftests/init, kvm-hold (built here from
# selftests/kvm-hold.c), the helpers in selftests/guest/, the
# test plan, the selftest binaries the plan names and the KUnit modules; when
# the plan runs migrate-run, the guest's QEMU and the L2 guest too
# (migrate-prep.sh).
#
# Usage: initramfs.sh <kernel-out> <selftests-out> <module-dir|-> <plan> <busybox.deb> <output.cpio>
set -euo pipefail
. "$(dirname "$0")/lib.sh"

kout=${1:?usage}; kst=${2:?usage}; mods=${3:?usage}; plan=${4:?usage}; bbdeb=${5:?usage}; cpio=${6:?usage}
gen=$kout/usr/gen_init_cpio
[ -x "$gen" ] || die "$gen missing (kernel build incomplete?)"

work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
dpkg-deb -x "$bbdeb" "$work/bb" || die "cannot unpack $bbdeb"
bb=$work/bb/bin/busybox
[ -f "$bb" ] || die "no bin/busybox in $bbdeb"

# With RIG_BOOT=<boot>, only that boot's entries count.
mig=
while IFS='|' read -r name _ boots cmd; do
	case $name in ''|'#'*) continue ;; esac
	[ -z "${RIG_BOOT:-}" ] || [ "$boots" = '*' ] || [[ ,$boots, == *,$RIG_BOOT,* ]] || continue
	[[ $cmd == *migrate-run* ]] && selected "$name" && { mig=$cpio.migrate; break; }
done <"$plan"
[ -z "$mig" ] || "$RIG_TOP/selftests/migrate-prep.sh" "$kout" "$mig"

"${CROSS_COMPILE}gcc" -static -O2 -Wall -Wextra -Werror -isystem "$kout/usr/include" \
	-o "$work/kvm-hold" "$RIG_TOP/selftests/kvm-hold.c" ||
	die "cannot build selftests/kvm-hold.c"

list=$work/list
{
	for d in /bin /dev /proc /sys /tmp /kvm /kvm/arm64 /lib /lib/modules; do
		echo "dir $d 755 0 0"
	done
	echo "nod /dev/console 600 0 0 c 5 1"
	echo "file /bin/busybox $bb 755 0 0"
	echo "file /init $RIG_TOP/selftests/init 755 0 0"
	echo "file /plan $plan 644 0 0"
	# The VM that /init holds open for the whole boot (kvm-hold.c).
	echo "file /bin/kvm-hold $work/kvm-hold 755 0 0"
	# The rig's guest-side helpers that plan commands use.
	for f in "$RIG_TOP"/selftests/guest/*; do
		echo "file /bin/$(basename "$f") $f 755 0 0"
	done
	# The selftest binaries the plan's commands name: "./name ..." at the
	# start of a command or of a shell command inside it (other commands
	# are the guest's busybox).
	awk -F'|' '!/^#/ && NF >= 4 {
		cmd = substr($0, length($1 $2 $3) + 4)
		while (match(cmd, /(^|[ ;&|(])\.\/[A-Za-z0-9_\/-]+/)) {
			bin = substr(cmd, RSTART, RLENGTH)
			sub(/^[ ;&|(]/, "", bin)
			print bin
			cmd = substr(cmd, RSTART + RLENGTH)
		}
	}' "$plan" |
		sort -u | while read -r bin; do
		bin=${bin#./}
		if [ -x "$kst/$bin" ]; then
			echo "file /kvm/$bin $kst/$bin 755 0 0"
		else
			info "warning: $kst/$bin not built; the plan entries using it will fail"
		fi
	done
	if [ "$mods" != - ]; then
		for ko in "$mods"/*.ko; do
			[ -e "$ko" ] && echo "file /lib/modules/$(basename "$ko") $ko 644 0 0"
		done
	fi
	[ -z "$mig" ] || cat "$mig/cpio.list"
} >"$list"
"$gen" "$list" >"$cpio.tmp" || die "gen_init_cpio failed"
mv "$cpio.tmp" "$cpio"
