# SPDX-License-Identifier: GPL-2.0
# Helpers shared by the rig's scripts.  Sourced, never run.

RIG_TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${BUILD:-$RIG_TOP/build}
ARCH=arm64
CROSS_COMPILE=${CROSS_COMPILE:-aarch64-linux-gnu-}
JOBS=${JOBS:-$(nproc)}
export ARCH CROSS_COMPILE

# The pinned base: Debian's linux-source-7.3 from trixie-backports.
BASE_PKG=linux-source-7.3
BASE_VER=7.3.4-1~bpo13+1
BASE_SUITE=trixie-backports

info() { printf '[rig] %s\n' "$*" >&2; }
die() { printf '[rig] error: %s\n' "$*" >&2; exit 1; }

# Fixed identity and dates for the commits the rig makes itself, so that the
# base commit (and everything git-am'ed on top of it) gets the same hash on
# every machine.
rig_git_env() {
	export GIT_AUTHOR_NAME="kvm-dirtylog rig" GIT_AUTHOR_EMAIL="rig@localhost"
	export GIT_COMMITTER_NAME="kvm-dirtylog rig" GIT_COMMITTER_EMAIL="rig@localhost"
	export GIT_AUTHOR_DATE="2026-01-01T00:00:00Z" GIT_COMMITTER_DATE="2026-01-01T00:00:00Z"
}

# elapsed <start-seconds>: "1m23s"
elapsed() {
	local s=$(( $(date +%s) - $1 ))
	printf '%dm%02ds' $((s / 60)) $((s % 60))
}

# Debug kernels (KASAN, lockdep) run the same tests several times slower.
rig_scale() { if [ "${DEBUG:-0}" = 1 ]; then echo 4; else echo 1; fi; }
