#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The patched kernel for an arm64 machine: its own configuration with
# Kconfig.hw.frag merged in (every option checked in the result), built as
# Debian packages with bindeb-pkg, natively on an aarch64 host, with the
# cross compiler elsewhere.  Install linux-image-*.deb on the machine, boot
# it, run the kit (README, "On arm64 hardware").
#
# Usage: hw-kernel.sh <tree> <machine-config> <out-dir>
# Environment: HW_CONFIG_ONLY=1 stops after the configuration;
# HW_LOCALVERSION (default -dirtylog) names the kernel.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

tree=$(cd "${1:?usage}" && pwd); cfg=${2:-}; out=${3:?usage}
[ -n "$cfg" ] || die "KCONFIG=<the machine's kernel configuration> (its /boot/config-\$(uname -r))"
[ -r "$cfg" ] || die "KCONFIG=$cfg: no such file"
grep -qx 'CONFIG_ARM64=y' "$cfg" || die "KCONFIG=$cfg is not an arm64 kernel configuration (no CONFIG_ARM64=y)"
frag=$RIG_TOP/Kconfig.hw.frag
mkdir -p "$out"; out=$(cd "$out" && pwd)
cp "$cfg" "$out/.config"
info "configuring $out ($(basename "$cfg") + Kconfig.hw.frag)"
(cd "$tree" && scripts/kconfig/merge_config.sh -m -O "$out" "$out/.config" "$frag") \
	>"$out/merge_config.log" 2>&1 || die "merge_config.sh failed; see $out/merge_config.log"
make -s -C "$tree" O="$out" ARCH=arm64 CROSS_COMPILE="$CROSS_COMPILE" olddefconfig \
	>>"$out/merge_config.log" 2>&1 || die "make olddefconfig failed; see $out/merge_config.log"
missing=$(grep -E '^CONFIG_[A-Z0-9_]+=' "$frag" | while IFS= read -r l; do
	grep -qxF "$l" "$out/.config" || echo "$l"; done)
[ -z "$missing" ] || die "options Kconfig.hw.frag asks for but $out/.config lacks (a dependency the machine's configuration turns off?):
$missing"
info "configuration: $out/.config ($(grep -cE '^CONFIG_[A-Z0-9_]+=' "$frag") options of Kconfig.hw.frag checked)"
[ "${HW_CONFIG_ONLY:-0}" != 1 ] || exit 0
lv=${HW_LOCALVERSION:--dirtylog}
info "building Debian packages (bindeb-pkg, LOCALVERSION=$lv, -j$JOBS); log: $out/build.log"
start=$(date +%s)
make -C "$tree" O="$out" ARCH=arm64 CROSS_COMPILE="$CROSS_COMPILE" LOCALVERSION="$lv" \
	-j"$JOBS" bindeb-pkg >"$out/build.log" 2>&1 || { tail -20 "$out/build.log"; die "bindeb-pkg failed; see $out/build.log"; }
info "built in $(elapsed "$start"): $(ls "$(dirname "$out")"/linux-image-*"$lv"*_arm64.deb 2>/dev/null | tr '\n' ' ')"
