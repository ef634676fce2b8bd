# SPDX-License-Identifier: GPL-2.0
# Helpers shared by the rig's scripts.  Sourced, never run.

RIG_TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${BUILD:-$RIG_TOP/build}
ARCH=arm64
# HOST_ARCH (uname -m unless told): on an aarch64 host every stage builds
# natively, CROSS_COMPILE empty unless told; elsewhere with Debian's cross
# compiler, also when CROSS_COMPILE is set empty.
HOST_ARCH=${HOST_ARCH:-$(uname -m)}
if [ "$HOST_ARCH" = aarch64 ]; then
	CROSS_COMPILE=${CROSS_COMPILE-}
else
	CROSS_COMPILE=${CROSS_COMPILE:-aarch64-linux-gnu-}
fi
# bisect-build's x86_64 build of KVM: the host's gcc on x86_64 only.
X86_CROSS_COMPILE=
[ "$HOST_ARCH" = x86_64 ] || X86_CROSS_COMPILE=x86_64-linux-gnu-
JOBS=${JOBS:-$(nproc)}
export ARCH CROSS_COMPILE HOST_ARCH

# The pinned base: Debian's linux-source-7.3 from trixie-backports.
BASE_PKG=linux-source-7.3
BASE_VER=7.3.4-1~bpo13+1
BASE_SUITE=trixie-backports
LINUX_DEB=${BASE_PKG}_${BASE_VER}_all.deb

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

# Debug kernels (KASAN, lockdep; KCSAN) build apart: out/linux-debug,
# out/linux-kcsan.
rig_sfx() {
	case ${DEBUG:-0} in
	1) echo -debug ;;
	kcsan) echo -kcsan ;;
	esac
}

# patches_sum <dir>: one checksum of the two series in <dir> (the dirty
# logging one in <dir>, the BBM level 3 one in <dir>/bbm; see tree.sh).
patches_sum() { cat /dev/null "$1"/*.patch "$1"/bbm/*.patch 2>/dev/null | sha256sum | cut -d' ' -f1; }

# debian_uri: the first deb URI the system's apt sources name (deb822 or
# one-line form), for the rig's private apt configurations; never written to
# a file of the project.
debian_uri() {
	local f uri=
	for f in /etc/apt/sources.list.d/*.sources; do
		[ -r "$f" ] || continue
		uri=$(awk '/^URIs:/ { print $2; exit }' "$f")
		[ -n "$uri" ] && break
	done
	if [ -z "$uri" ]; then
		for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
			[ -r "$f" ] || continue
			uri=$(awk '$1 == "deb" { for (i = 2; i <= NF; i++) if ($i ~ /:\/\//) { print $i; exit } }' "$f")
			[ -n "$uri" ] && break
		done
	fi
	[ -n "$uri" ] || die "no Debian archive URI in the system's apt sources (/etc/apt/sources.list*)"
	# Only the "debian" archive carries the suites; a -security URI does not.
	case "$uri" in *-security*) die "the first apt source ($uri) is a security archive; configure a Debian mirror first" ;; esac
	echo "$uri"
}

# private_apt <dir> <cache-dir> <sources.list line>...: set APT_CONFIG and
# APT_OPTS (an array) for an apt that reads none of the system's
# configuration (no apt.conf.d hooks, sources, preferences or dpkg status)
# and keeps its lists, sources and logs in <dir>, a temporary directory the
# caller removes: the archive's host name is written to no file that stays.
# Downloads go to <cache-dir>/archives.
private_apt() {
	local dir=$1 cache=$2 keyring=/usr/share/keyrings/debian-archive-keyring.gpg
	shift 2
	[ -r "$keyring" ] || die "$keyring missing (apt-get install debian-archive-keyring)"
	mkdir -p "$dir/parts" "$dir/lists/partial" "$cache/archives/partial"
	: >"$dir/status"
	printf '%s\n' "$@" | sed "s|\[|[signed-by=$keyring |" >"$dir/sources.list"
	cat >"$dir/apt.conf" <<-EOC
	Dir::Etc::Parts "$dir/parts";
	Dir::Etc::Main "/dev/null";
	Dir::Etc::sourcelist "$dir/sources.list";
	Dir::Etc::sourceparts "/dev/null";
	Dir::Etc::preferences "/dev/null";
	Dir::Etc::preferencesparts "/dev/null";
	Dir::State::Lists "$dir/lists";
	Dir::State::status "$dir/status";
	Dir::Cache "$cache";
	APT::Sandbox::User "root";
	EOC
	export APT_CONFIG=$dir/apt.conf
	APT_OPTS=(-o Dir::Etc::Parts="$dir/parts")
}

# apt_step <log> <what> <command...>: run an apt command into <log>; on
# failure show the log's end (the log is not kept: it names the archive's
# host) and return 1.
apt_step() {
	local log=$1 what=$2
	shift 2
	"$@" >"$log" 2>&1 && return 0
	tail -n 15 "$log" >&2
	info "error: $what failed (the end of its log is above)"
	return 1
}

# base_kernel <tree> <kernel-out>: the unpatched kernel (the tree's rig-base
# commit, in the worktree $BUILD/linux-base), built into <kernel-out>.
base_kernel() {
	local base=$BUILD/linux-base
	{ [ -d "$base" ] || git -C "$1" worktree add -q --detach "$base" rig-base; } &&
		git -C "$base" checkout -q --detach rig-base &&
		"$RIG_TOP/selftests/kernel.sh" "$base" "$2"
}
