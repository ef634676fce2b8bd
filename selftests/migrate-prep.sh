#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# What the guest needs to run live migrations (selftests/migrate/): Debian's
# arm64 QEMU from trixie with the shared libraries it links (fetched with a
# private apt configuration: arm64 as the only architecture, an empty dpkg
# status, so apt resolves the whole dependency closure; the system's apt
# state is not touched), the static migrate-run driver, and the L2 guest:
# the test kernel and an initramfs whose /init is the static l2-writer.
#
# Usage: migrate-prep.sh <kernel-out> <out-dir>
# Writes <out-dir>/cpio.list: gen_init_cpio lines that initramfs.sh appends.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

kout=${1:?usage: migrate-prep.sh <kernel-out> <out-dir>}; out=${2:?usage}
here=$(cd "$(dirname "$0")" && pwd)
dl=$BUILD/dl/qemu-arm64
# QEMU 10.0 has -accel kvm,eager-split-size (8.2+) and the migration
# parameters migrate-run sets; another major version is refused, not guessed.
QEMU_SUITE=trixie QEMU_MAJOR=10.0
image=$kout/arch/arm64/boot/Image
gen=$kout/usr/gen_init_cpio
[ -f "$image" ] && [ -x "$gen" ] || die "$image or $gen missing (make kernel)"

if ! compgen -G "$dl/cache/archives/qemu-system-arm_*_arm64.deb" >/dev/null; then
	uri=$(debian_uri) || exit 1
	rm -rf "$dl"
	apt=$(mktemp -d)
	trap 'rm -rf "$apt"' EXIT
	private_apt "$apt" "$dl/cache" "deb [arch=arm64] $uri $QEMU_SUITE main"
	APT_OPTS+=(-o APT::Architecture=arm64 -o APT::Architectures::=arm64)
	info "apt update ($QEMU_SUITE/arm64) in a private configuration, for the guest's QEMU"
	apt_step "$apt/update.log" "apt-get update" apt-get "${APT_OPTS[@]}" -q update || exit 1
	ver=$(apt-cache "${APT_OPTS[@]}" policy qemu-system-arm | awk '/Candidate:/ { print $2 }')
	case $ver in
	1:$QEMU_MAJOR.*) ;;
	*) rm -rf "$dl"; die "$QEMU_SUITE's qemu-system-arm is '${ver:-none}', not $QEMU_MAJOR.x: update QEMU_MAJOR in $0 after checking migrate-run against it" ;;
	esac
	info "downloading qemu-system-arm $ver (arm64) and its dependencies"
	if ! apt_step "$apt/download.log" "apt-get download" apt-get "${APT_OPTS[@]}" -q -y \
		--no-install-recommends install --download-only qemu-system-arm; then
		rm -rf "$dl"
		exit 1
	fi
	rm -rf "$dl/cache/archives/partial" "$dl/cache"/*.bin
fi

rm -rf "$out"
mkdir -p "$out/root"
for deb in "$dl"/cache/archives/*.deb; do
	dpkg-deb -x "$deb" "$out/root" || die "cannot unpack $deb"
done
qemu=$out/root/usr/bin/qemu-system-aarch64
[ -x "$qemu" ] || die "no usr/bin/qemu-system-aarch64 in the qemu-system-arm package"

# The shared-library closure, from the ELF NEEDED entries.
libs=() todo=("$qemu")
declare -A seen
while [ ${#todo[@]} -gt 0 ]; do
	f=${todo[0]}; todo=("${todo[@]:1}")
	for n in $(readelf -d "$f" | awk '/\(NEEDED\)/ { gsub(/[][]/, "", $5); print $5 }'); do
		[ -n "${seen[$n]:-}" ] && continue
		seen[$n]=1
		p=
		for d in usr/lib/aarch64-linux-gnu lib/aarch64-linux-gnu; do
			[ -e "$out/root/$d/$n" ] && { p=$out/root/$d/$n; break; }
		done
		[ -n "$p" ] || die "$n, which QEMU needs, is in none of the downloaded packages"
		libs+=("$n:$(readlink -f "$p")")
		todo+=("$p")
	done
done

cc=${CROSS_COMPILE}gcc
for prog in migrate-run l2-writer; do
	$cc -static -O2 -Wall -Wextra -Werror -o "$out/$prog" "$here/migrate/$prog.c" ||
		die "cannot build selftests/migrate/$prog.c"
done

{
	echo "dir /dev 755 0 0"
	echo "dir /proc 755 0 0"
	echo "nod /dev/console 600 0 0 c 5 1"
	echo "file /init $out/l2-writer 755 0 0"
} >"$out/l2.list"
"$gen" "$out/l2.list" >"$out/l2.cpio" || die "gen_init_cpio failed for the L2 initramfs"
gzip -1 -c "$image" >"$out/Image.gz"

dpkg-deb -f "$(ls "$dl"/cache/archives/qemu-system-arm_*_arm64.deb | head -1)" Version >"$dl/version"
ld=$(readlink -f "$out/root/usr/lib/aarch64-linux-gnu/ld-linux-aarch64.so.1")
{
	for d in /usr /usr/bin /usr/lib /usr/lib/aarch64-linux-gnu /migrate; do
		echo "dir $d 755 0 0"
	done
	echo "file /lib/ld-linux-aarch64.so.1 $ld 755 0 0"
	echo "file /usr/bin/qemu-system-aarch64 $qemu 755 0 0"
	for l in "${libs[@]}"; do
		echo "file /usr/lib/aarch64-linux-gnu/${l%%:*} ${l#*:} 755 0 0"
	done
	echo "file /bin/migrate-run $out/migrate-run 755 0 0"
	echo "file /migrate/Image $out/Image.gz 644 0 0"
	echo "file /migrate/l2.cpio $out/l2.cpio 644 0 0"
	echo "file /migrate/qemu-version $dl/version 644 0 0"
} >"$out/cpio.list"
info "guest QEMU $(cat "$dl/version") with ${#libs[@]} libraries, L2 kernel and writer: $out"
