#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Download the pinned linux-source-7.3 package and/or Debian's arm64
# busybox-static with a private apt configuration.  The archive URI is read
# from the system's own apt sources; the system's apt state is not touched.
#
# Usage: fetch-source.sh <dl-dir> linux|busybox...
# Prints nothing but errors and progress; the files land in <dl-dir>.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

dl=${1:?usage: fetch-source.sh <dl-dir> linux|busybox...}; shift
mkdir -p "$dl"; dl=$(cd "$dl" && pwd)

# have linux|busybox: the package is in $dl already.
have() {
	case $1 in
	linux) [ -f "$dl/$LINUX_DEB" ] ;;
	busybox) compgen -G "$dl/busybox-static_*_arm64.deb" >/dev/null ;;
	*) die "fetch-source.sh: unknown package set '$1'" ;;
	esac
}

want=()
for what in "$@"; do
	have "$what" && continue
	case $what in
	linux) want+=("$BASE_PKG=$BASE_VER") ;;
	busybox) want+=(busybox-static:arm64) ;;
	esac
done
[ ${#want[@]} -gt 0 ] || exit 0

uri=$(debian_uri) || exit 1

apt=$(mktemp -d)
trap 'rm -rf "$apt"' EXIT
rm -rf "$dl/apt"
private_apt "$apt" "$apt/cache" \
	"deb [arch=amd64,arm64] $uri $BASE_SUITE main" \
	"deb [arch=arm64] $uri bookworm main"
APT_OPTS+=(-o APT::Architectures::=amd64 -o APT::Architectures::=arm64)

info "apt update ($BASE_SUITE, bookworm/arm64) in a private configuration"
apt_step "$apt/update.log" "apt-get update" apt-get "${APT_OPTS[@]}" -q update || exit 1

avail=$(apt-cache "${APT_OPTS[@]}" madison "$BASE_PKG" | awk -F'|' '{ gsub(/ /, "", $2); print $2 }' | sort -u)
if [[ " ${want[*]} " == *" $BASE_PKG="* ]] && ! grep -qxF "$BASE_VER" <<<"$avail"; then
	die "$BASE_PKG $BASE_VER is no longer in $BASE_SUITE (available: ${avail:-none}).
       Update BASE_VER in selftests/lib.sh, or build against your own tree with KSRC=/path/to/linux"
fi

info "downloading ${want[*]}"
apt_step "$apt/download.log" "apt-get download of ${want[*]}" \
	sh -c 'cd "$1" && shift && exec "$@"' sh "$dl" apt-get "${APT_OPTS[@]}" -q download "${want[@]}" ||
	exit 1
for what in "$@"; do
	have "$what" || die "apt-get download finished but the $what package is not in $dl"
done
