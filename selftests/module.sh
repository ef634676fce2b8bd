#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build module/ (the KUnit tests and the harvest bench) against the test
# kernel's build tree, into its own output directory; a warning fails it.
#
# Usage: module.sh <tree> <kernel-out> <module-src> <module-out>
set -euo pipefail
. "$(dirname "$0")/lib.sh"

tree=${1:?usage}; kout=${2:?usage}; msrc=${3:?usage}; mout=${4:?usage}
ls "$msrc"/*.c >/dev/null 2>&1 || exit 0
# make -C changes directory: the paths it is given are absolute.
tree=$(cd "$tree" && pwd); kout=$(cd "$kout" && pwd); msrc=$(cd "$msrc" && pwd)
mkdir -p "$mout"; mout=$(cd "$mout" && pwd)
info "building module/ into $mout"
cmp -s "$kout/.config" "$mout/.rig-kconfig" || rm -rf "$mout"
mkdir -p "$mout"
if ! make -s -C "$tree" O="$kout" ARCH="$ARCH" CROSS_COMPILE="$CROSS_COMPILE" \
		M="$msrc" MO="$mout" modules >"$mout/build.log" 2>&1; then
	cat "$mout/build.log"
	die "module/ does not build; see $mout/build.log"
fi
cp "$kout/.config" "$mout/.rig-kconfig"
if grep -v 'compiler differs' "$mout/build.log" | grep -q 'warning:'; then
	grep 'warning:' "$mout/build.log"
	die "module/ builds with warnings"
fi
