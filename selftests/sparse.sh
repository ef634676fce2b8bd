#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build a sparse that can parse Linux 7.3's headers into <out>/sparse.
# Bookworm's sparse (0.6.4) fails scripts/checker-valid.sh (no
# __typeof_unqual__), so the kernel would skip it; Debian's unstable suite
# has the 0.6.5 release candidate, whose upstream tarball is taken here from
# the Debian source package with a private apt configuration (the archive
# URI from the system's apt sources, as fetch-source.sh does) and built with
# the host's gcc, without the optional LLVM, GTK and libxml2 parts.
#
# Usage: sparse.sh <dl-dir> <out-dir> <kernel-tree>
# Prints the path of the sparse binary on success.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

dl=${1:?usage: sparse.sh <dl-dir> <out-dir> <kernel-tree>}
out=${2:?usage}
tree=${3:?usage}
SPARSE_VER=0.6.5~rc1-2
SPARSE_ORIG=sparse_0.6.5~rc1.orig.tar.gz
SPARSE_SHA256=3ac8855ec7f3ab92f325be0f64347ccc2b10f8b4d7c2906783ee8e2bdab3f0de

mkdir -p "$dl" "$out"
dl=$(cd "$dl" && pwd); out=$(cd "$out" && pwd)

valid() { [ "$(cd "$tree" && sh scripts/checker-valid.sh "$out/sparse" 2>/dev/null)" = 1 ]; }
if [ -x "$out/sparse" ] && [ "$(cat "$out/VERSION" 2>/dev/null)" = "$SPARSE_VER" ] && valid; then
	echo "$out/sparse"
	exit 0
fi

if [ ! -f "$dl/$SPARSE_ORIG" ]; then
	uri=$(debian_uri) || exit 1
	apt=$(mktemp -d)
	trap 'rm -rf "$apt"' EXIT
	private_apt "$apt" "$apt/cache" "deb-src [] $uri sid main"
	# The archive may be a snapshot whose unstable Release file has
	# expired; its signature is still checked.
	APT_OPTS+=(-o Acquire::Check-Valid-Until=false)
	info "apt update (sid sources) in a private configuration"
	apt_step "$apt/update.log" "apt-get update" apt-get "${APT_OPTS[@]}" -q update || exit 1
	avail=$(apt-cache "${APT_OPTS[@]}" showsrc sparse 2>/dev/null | awk '/^Version:/ { print $2 }' | sort -u | tr '\n' ' ') ||
		die "apt-cache showsrc sparse failed"
	grep -qw -- "$SPARSE_VER" <<<"$avail" ||
		die "sparse $SPARSE_VER is no longer in sid (available: ${avail:-none}); update SPARSE_VER in selftests/sparse.sh"
	info "downloading the sparse $SPARSE_VER source package"
	apt_step "$apt/source.log" "apt-get source of sparse $SPARSE_VER" \
		sh -c 'cd "$1" && shift && exec "$@"' sh "$apt" \
		apt-get "${APT_OPTS[@]}" -q source --download-only "sparse=$SPARSE_VER" || exit 1
	[ -f "$apt/$SPARSE_ORIG" ] || die "apt-get source finished but $SPARSE_ORIG is not there"
	mv "$apt/$SPARSE_ORIG" "$dl/"
fi
echo "$SPARSE_SHA256  $dl/$SPARSE_ORIG" | sha256sum -c --quiet - ||
	die "$dl/$SPARSE_ORIG does not have the expected checksum; remove it to download it again"

src=$(mktemp -d)
trap 'rm -rf "$src" ${apt:+"$apt"}' EXIT
tar -xzf "$dl/$SPARSE_ORIG" -C "$src" --strip-components=1
info "building sparse $SPARSE_VER"
log=$out/build.log
make -C "$src" -j"${JOBS:-$(nproc)}" HAVE_LLVM=no HAVE_GTK=no HAVE_LIBXML=no sparse >"$log" 2>&1 || {
	tail -n 20 "$log" >&2
	die "sparse did not build (log: $log)"
}
install -m 755 "$src/sparse" "$out/sparse"
echo "$SPARSE_VER" >"$out/VERSION"
valid || die "$out/sparse was built but cannot parse this kernel's headers (scripts/checker-valid.sh)"
echo "$out/sparse"
