#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make check of the dirty logging series alone (branch rig-dbm of the tree:
# patches/ without patches/bbm/), as it is posted: its kernel, KVM
# selftests and the module built from the worktree $BUILD/linux-dbm, and
# selftests/plan without the entries of the BBM level 3 series
# (split_nobbm_test*, which that series adds); the module's no-break cases
# skip there (module/Kbuild).
#
# Usage: check-dbm.sh <tree> <out-dir>
# Environment: as rig.py check (BOOTS, RIG_TESTS, DEBUG, BUILD).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"

tree=${1:?usage}; out=${2:?usage}
sfx=$(rig_sfx)
wt=$BUILD/linux-dbm
git -C "$tree" rev-parse -q --verify refs/heads/rig-dbm >/dev/null ||
	die "$tree has no branch rig-dbm (make tree)"
[ -d "$wt" ] || git -C "$tree" worktree add -q --detach "$wt" rig-dbm
git -C "$wt" checkout -q --detach rig-dbm
info "the dirty logging series alone: $(git -C "$wt" log -1 --format='%h %s'), $(git -C "$tree" rev-list --count rig-base..rig-dbm) patches"
kout=$BUILD/out/linux-dbm$sfx sout=$BUILD/selftests/dbm mout=$BUILD/module-dbm$sfx
"$here/kernel.sh" "$wt" "$kout"
"$here/kselftests.sh" "$wt" "$kout" "$sout"
"$here/module.sh" "$wt" "$kout" "$RIG_TOP/module" "$mout"
mkdir -p "$out"
grep -v '^split_nobbm_test' "$here/plan" >"$out/plan.dbm"
exec python3 -B "$here/rig.py" check "$out/plan.dbm" "$kout" "$sout" "$mout" "$out"
