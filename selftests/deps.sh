#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Check the host tools that every stage runs and install the missing ones
# from Debian with apt, before anything long starts.  A tool that is still
# missing afterwards is reported by name.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

# The arm64 compiler and static libc: Debian's cross packages, or on an
# aarch64 host (HOST_ARCH, lib.sh) the native ones, and then the x86_64
# cross compiler for bisect-build's build of KVM for x86_64.
if [ -n "$CROSS_COMPILE" ]; then
	cross_gcc=gcc-aarch64-linux-gnu
	arm64_libc=/usr/aarch64-linux-gnu/lib/libc.a:libc6-dev-arm64-cross
else
	cross_gcc=gcc
	arm64_libc="/usr/lib/aarch64-linux-gnu/libc.a:libc6-dev x86_64-linux-gnu-gcc:gcc-x86-64-linux-gnu"
fi

# <command or file>:<Debian package>, by the stage that needs it.  The
# kernel's own list is Documentation/process/changes.rst; this is what the
# rig's configuration (allnoconfig + Kconfig*.frag) and scripts use of it.
need="
make:make gcc:gcc /usr/include/stdio.h:libc6-dev perl:perl bc:bc
flex:flex bison:bison /usr/include/gelf.h:libelf-dev
/usr/include/openssl/ssl.h:libssl-dev
${CROSS_COMPILE}gcc:$cross_gcc
$arm64_libc
rsync:rsync
cpio:cpio
qemu-system-aarch64:qemu-system-arm
python3:python3 gnuplot:gnuplot-nox
git:git xz:xz-utils dpkg-deb:dpkg apt-get:apt
/usr/share/keyrings/debian-archive-keyring.gpg:debian-archive-keyring
/usr/lib/python3/dist-packages/ply/__init__.py:python3-ply
/usr/lib/python3/dist-packages/git/__init__.py:python3-git
/usr/lib/git-core/git-send-email:git-email
/usr/share/perl5/Mail/Address.pm:libmailtools-perl"
# make tree, series.sh: git, xz, dpkg-deb, apt-get (the private apt setup
# of fetch-source.sh and its keyring).  Kernel and module/: make, gcc and
# libc6-dev (host programs), perl, bc, flex, bison, libelf (objtool, resolve
# btfids), OpenSSL (sign-file, extract-cert), the cross compiler.
# headers_install and the KVM selftests: rsync, the arm64 libc (static
# tests).  Initramfs: cpio (gen_init_cpio is the kernel's).  Boots: QEMU.
# Results, tables and make bench's plots: python3, gnuplot.  series-check:
# checkpatch's spdxcheck.py needs python3-ply and python3-git, and git
# send-email --dry-run checks the series (git-email; Debian's git takes
# Mail::Address from libmailtools-perl, a Recommends that
# --no-install-recommends leaves out).  bisect-build builds
# its own sparse (selftests/sparse.sh: gcc and make).

absent() {
	local what=$1
	case $what in
	/*) [ ! -e "$what" ] ;;
	*) ! command -v "$what" >/dev/null ;;
	esac
}

# Wanted, not needed: installed along with the others when we are root,
# never a reason to stop.  gdb: the backtraces of a QEMU that hung
# (watchdog.py).
want="gdb:gdb"

missing=() pkgs=()
for pair in $need; do
	what=${pair%%:*} pkg=${pair#*:}
	absent "$what" || continue
	missing+=("$what")
	[[ " ${pkgs[*]} " == *" $pkg "* ]] || pkgs+=("$pkg")
done
[ ${#pkgs[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = 0 ]; then
	for pair in $want; do
		absent "${pair%%:*}" && pkgs+=("${pair#*:}")
	done
fi

start=$(date +%s)
info "missing: ${missing[*]}"
[ "$(id -u)" = 0 ] ||
	die "missing host tools: ${missing[*]} (run as root, or: sudo apt-get install ${pkgs[*]})"
info "installing host packages: ${pkgs[*]}"
export DEBIAN_FRONTEND=noninteractive
# The logs name the archive's host: not kept (apt_step shows a failed one's end).
log=$(mktemp)
trap 'rm -f "$log"' EXIT
apt_step "$log" "apt-get update" apt-get -q update || exit 1
apt_step "$log" "apt-get install ${pkgs[*]}" \
	apt-get -q install -y --no-install-recommends "${pkgs[@]}" || exit 1
still=()
for pair in $need; do
	if absent "${pair%%:*}"; then still+=("${pair%%:*} (${pair#*:})"); fi
done
[ ${#still[@]} -eq 0 ] ||
	die "still missing after apt-get install: ${still[*]}"
info "host packages installed in $(elapsed "$start")"
