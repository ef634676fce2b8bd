#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Check the host tools and install the missing ones from Debian with apt.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

# command:package
need="aarch64-linux-gnu-gcc:gcc-aarch64-linux-gnu
/usr/aarch64-linux-gnu/lib/libc.a:libc6-dev-arm64-cross
qemu-system-aarch64:qemu-system-arm
make:make gcc:gcc flex:flex bison:bison bc:bc cpio:cpio perl:perl
python3:python3 git:git xz:xz-utils dpkg-deb:dpkg apt-get:apt sparse:sparse
/usr/include/gelf.h:libelf-dev /usr/include/openssl/ssl.h:libssl-dev
/usr/lib/python3/dist-packages/ply/__init__.py:python3-ply
/usr/lib/python3/dist-packages/git/__init__.py:python3-git
gnuplot:gnuplot-nox
/usr/share/keyrings/debian-archive-keyring.gpg:debian-archive-keyring"

missing=()
for pair in $need; do
	what=${pair%%:*} pkg=${pair#*:}
	case $what in
	/*) [ -e "$what" ] ;;
	*) command -v "$what" >/dev/null ;;
	esac || missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && exit 0

start=$(date +%s)
info "installing missing host packages: ${missing[*]}"
[ "$(id -u)" = 0 ] || die "missing packages: ${missing[*]} (run as root, or: sudo apt-get install ${missing[*]})"
export DEBIAN_FRONTEND=noninteractive
apt-get -q update >"$BUILD/apt-update.log" 2>&1 || die "apt-get update failed; see $BUILD/apt-update.log"
apt-get -q install -y --no-install-recommends "${missing[@]}" >"$BUILD/apt-install.log" 2>&1 ||
	die "apt-get install ${missing[*]} failed; see $BUILD/apt-install.log"
info "host packages installed in $(elapsed "$start")"
