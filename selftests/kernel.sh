#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Configure and build the arm64 test kernel out of tree, then install its UAPI
# headers for the selftests.  The configuration is allnoconfig plus
# Kconfig.frag (plus Kconfig.debug.frag with DEBUG=1, Kconfig.kcsan.frag with
# DEBUG=kcsan); every option a
# fragment asks for is checked in the result.
#
# Usage: kernel.sh <src-dir> <out-dir>
set -euo pipefail
. "$(dirname "$0")/lib.sh"

src=$(cd "${1:?usage}" && pwd); out=${2:?usage}
mkdir -p "$out"; out=$(cd "$out" && pwd)
frags=("$RIG_TOP/Kconfig.frag")
case ${DEBUG:-0} in
1) frags+=("$RIG_TOP/Kconfig.debug.frag") ;;
kcsan) frags+=("$RIG_TOP/Kconfig.kcsan.frag") ;;
esac

# Reconfigure only when a fragment changed.
stamp=$out/.rig-config
want=$(cat "${frags[@]}" | sha256sum | cut -d' ' -f1)
if [ ! -f "$out/.config" ] || [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
	info "configuring $out (allnoconfig + ${frags[*]##*/})"
	(cd "$src" && scripts/kconfig/merge_config.sh -n -O "$out" "${frags[@]}") \
		>"$out/merge_config.log" 2>&1 || die "merge_config.sh failed; see $out/merge_config.log"
	missing=$(cat "${frags[@]}" | grep -E '^CONFIG_[A-Z0-9_]+=' | while IFS= read -r l; do
		grep -qxF "$l" "$out/.config" || echo "$l"; done)
	[ -z "$missing" ] || die "options requested but not in $out/.config:
$missing"
	echo "$want" >"$stamp"
fi

# Skip the build when neither the tree nor the configuration changed.
tree_id() {
	if git -C "$src" rev-parse --git-dir >/dev/null 2>&1; then
		{
			git -C "$src" rev-parse HEAD
			git -C "$src" diff HEAD
			git -C "$src" ls-files -o --exclude-standard -z | (cd "$src" && xargs -0r sha256sum)
			echo "$want"
		} | sha256sum | cut -d' ' -f1
	else
		echo "not-git-$RANDOM$RANDOM"
	fi
}
# A mutant (selftests/mutants/) that a killed make mutants or make bench
# left applied must not pass for the series.
if git -C "$src" rev-parse --git-dir >/dev/null 2>&1 && [ -n "$(git -C "$src" diff HEAD --name-only)" ]; then
	for m in "$RIG_TOP"/selftests/mutants/*.patch; do
		! git -C "$src" apply -R --check -q "$m" 2>/dev/null ||
			die "$src has the mutant $(basename "$m" .patch) applied (a make mutants or make bench that was killed?): git -C $src apply -R $m"
	done
fi
built=$out/.rig-built
id=$(tree_id)
if [ -f "$out/arch/arm64/boot/Image" ] && [ "$(cat "$built" 2>/dev/null)" = "$id" ]; then
	info "kernel $(basename "$out") up to date"
	exit 0
fi
rm -f "$built"

start=$(date +%s)
info "building $(basename "$out") kernel (-j$JOBS), log: $out/build.log"
if ! make -C "$src" O="$out" -j"$JOBS" Image modules >"$out/build.log" 2>&1; then
	grep -E 'error|Error' "$out/build.log" | head -20 >&2 || true
	die "kernel build failed in $src; see $out/build.log"
fi
make -C "$src" O="$out" -s headers_install >>"$out/build.log" 2>&1 ||
	die "headers_install failed; see $out/build.log"
echo "$id" >"$built"
info "kernel $(basename "$out") built in $(elapsed "$start")"
