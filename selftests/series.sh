#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The patch series <-> kernel tree round trip.
#
#   series.sh export <tree> <patches-dir>   patches/ := format-patch rig-base..rig-dbm,
#                                           patches/bbm/ := format-patch rig-dbm..HEAD
#   series.sh check  <tree> <patches-dir>   both match the tree; checkpatch --strict
#   series.sh bisect <tree> <kernel-out>    the kernel builds after every patch,
#                                           no new W=1 or sparse warnings in the
#                                           C files it touches; KVM for x86_64
#                                           after every patch to generic KVM
#                                           code; the KVM selftests after every
#                                           patch to them; BISECT_FROM=<commit>:
#                                           from that patch on only (those before
#                                           it built by an earlier run)
#   series.sh synced <tree> <patches-dir>   the tree holds nothing patches/ lacks
#
# Two series, posted apart: the dirty logging one (rig-base..rig-dbm,
# patches/), and the BBM level 3 one (rig-dbm..rig, patches/bbm/), which
# builds on it.  Each cover letter's text is its branch's description (git
# branch --edit-description rig-dbm, and rig, in the tree); tree.sh seeds
# both from patches/ so that they survive a fresh tree.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

verb=${1:?usage}; tree=${2:?usage}; arg=${3:?usage}
[ -d "$tree/.git" ] || die "no kernel tree at $tree (make tree)"
cd "$tree"
n=$(git rev-list --count rig-base..HEAD)
git rev-parse -q --verify refs/heads/rig-dbm >/dev/null ||
	die "$tree has no branch rig-dbm (the end of the dirty logging series): make tree FORCE=1"
git merge-base --is-ancestor rig-dbm HEAD ||
	die "rig-dbm is not an ancestor of HEAD in $tree: rebase with --update-refs (tree.sh sets rebase.updateRefs)"

# file_warnings <src> <out> <obj>: the W=1 (and sparse, when usable)
# diagnostics for one object, without line numbers so that moved code
# compares equal.  Dies when the object does not build.
sparse_args=()
file_warnings() {
	local log
	log=$(mktemp)
	if ! make -s -C "$1" O="$2" W=1 "${sparse_args[@]}" "$3" >"$log" 2>&1; then
		cat "$log" >&2
		rm -f "$log"
		die "$3 does not build with W=1 at $(git -C "$1" log -1 --format='%h %s')"
	fi
	diagnostics "$log"
	rm -f "$log"
}

# diagnostics <log>: its warnings and errors without line numbers (so that
# moved code compares equal), one line each, sorted with duplicates kept,
# for new_diagnostics.  Dies when kbuild turned the checker off.
diagnostics() {
	if [ ${#sparse_args[@]} -gt 0 ] && grep -q 'not available or not up to date' "$1"; then
		cat "$1" >&2
		die "kbuild refused the sparse it was given (above): nothing was checked"
	fi
	grep -E '(warning|error):' "$1" | sed -E 's/:[0-9]+(:[0-9]+)?:/:/' | LC_ALL=C sort || true
}

# new_diagnostics <before> <after>: the lines of <after> that <before> does
# not have, as many times as they are in excess (a second instance of a
# warning already in the file is new).
new_diagnostics() {
	LC_ALL=C comm -13 <(printf '%s\n' "$1" | sed '/^$/d') <(printf '%s\n' "$2" | sed '/^$/d')
}

# x86_warnings <tree> <out>: the W=1 and sparse diagnostics of KVM for
# x86_64 (x86_64_defconfig with KVM, KVM_INTEL and KVM_AMD, host gcc), for
# the patches that change the generic KVM code every architecture builds.
# (WERROR off, so that W=1 warnings are counted, not fatal.)  Runs in $(...),
# where errexit does not hold: every step dies on its own.
x86_opts="-e VIRTUALIZATION -e KVM -e KVM_INTEL -e KVM_AMD -d WERROR -d KVM_WERROR"
# x86_selftests <src> <out>: the KVM selftests for x86_64, against the
# x86 UAPI headers of <src> (headers_install needs no configuration).
x86_selftests() {
	local src=$1 out=$2
	mkdir -p "$out" || die "cannot create $out"
	make -s -C "$src" O="$out/hdr" ARCH=x86_64 CROSS_COMPILE="$X86_CROSS_COMPILE" \
		headers_install >"$out/build.log" 2>&1 &&
	make -s -C "$src/tools/testing/selftests/kvm" -j"$JOBS" ARCH=x86_64 \
		CROSS_COMPILE="$X86_CROSS_COMPILE" OUTPUT="$out" \
		KHDR_INCLUDES="-isystem $out/hdr/usr/include" >>"$out/build.log" 2>&1 || {
		grep -E 'error' "$out/build.log" | head -20 >&2
		return 1
	}
}

x86_warnings() {
	local src=$1 out=$2 log at
	at=$(git -C "$src" log -1 --format='%h %s')
	mkdir -p "$out" || die "cannot create $out"
	if [ "$(cat "$out/.rig-x86" 2>/dev/null)" != "$x86_opts" ]; then
		make -s -C "$src" O="$out" ARCH=x86_64 CROSS_COMPILE="$X86_CROSS_COMPILE" x86_64_defconfig >/dev/null ||
			die "x86_64_defconfig failed in $out"
		# shellcheck disable=SC2086 # a list of options
		"$src/scripts/config" --file "$out/.config" $x86_opts ||
			die "scripts/config failed on $out/.config"
		make -s -C "$src" O="$out" ARCH=x86_64 CROSS_COMPILE="$X86_CROSS_COMPILE" olddefconfig >/dev/null ||
			die "olddefconfig failed in $out"
		grep -q '^CONFIG_KVM_INTEL=y' "$out/.config" && grep -q '^CONFIG_KVM_AMD=y' "$out/.config" &&
			! grep -q '^CONFIG_WERROR=y' "$out/.config" ||
			die "the x86_64 configuration in $out is not KVM_INTEL=y, KVM_AMD=y, WERROR off"
		echo "$x86_opts" >"$out/.rig-x86"
	fi
	# Every KVM object is compiled again, so that gcc prints the warnings
	# of all of them on both sides, not only of what changed.
	find "$out/arch/x86/kvm" "$out/virt/kvm" -name '*.o' -delete 2>/dev/null || true
	log=$(mktemp)
	if ! make -s -C "$src" O="$out" ARCH=x86_64 CROSS_COMPILE="$X86_CROSS_COMPILE" -j"$JOBS" W=1 \
			"${sparse_args[@]}" arch/x86/kvm/ >"$log" 2>&1; then
		cat "$log" >&2
		rm -f "$log"
		die "KVM does not build for x86_64 at $at"
	fi
	diagnostics "$log"
	rm -f "$log"
}

# The series' identity: the last commit's author, for what git signs or
# asks for (the cover letter, git send-email), so that the result does not
# depend on who runs it or on their git config.
series_identity() {
	GIT_COMMITTER_NAME=$(git log -1 --format=%an HEAD)
	GIT_COMMITTER_EMAIL=$(git log -1 --format=%ae HEAD)
	GIT_COMMITTER_DATE=$(git log -1 --format=%aI HEAD)
	GIT_AUTHOR_NAME=$GIT_COMMITTER_NAME GIT_AUTHOR_EMAIL=$GIT_COMMITTER_EMAIL
	export GIT_COMMITTER_NAME GIT_COMMITTER_EMAIL GIT_COMMITTER_DATE
	export GIT_AUTHOR_NAME GIT_AUTHOR_EMAIL
}

# format_one <out> <range> <branch>: one series, its cover letter from
# <branch>'s description.
format_one() {
	local out=$1 range=$2 branch=$3
	mkdir -p "$out"
	[ "$(git rev-list --count "$range")" -gt 0 ] || return 0
	local desc
	desc=$(git config "branch.$branch.description" || true)
	[ -n "$desc" ] || die "the series $range has no cover letter text: run 'git -C $tree branch --edit-description $branch' (first line: the subject)"
	# Reproducible output: no threading headers (they carry the time), and
	# the cover letter, which git signs with the committer's identity and
	# the time, signed by the last commit's author at its author date:
	# git am keeps both, so a fresh tree (make tree) exports the same
	# patches/ on any machine, whoever runs it and whatever git config.
	series_identity
	local fp=(git format-patch -q --zero-commit --no-signature --cover-letter
		--cover-from-description=subject --no-thread)
	"${fp[@]}" -o "$out" "$range"
	# To and Cc from the tree's MAINTAINERS over the whole series, as b4
	# does: the maintainers in To, reviewers and lists in Cc, every
	# message alike.  --no-git: the tree has no upstream history;
	# --no-remove-duplicates: one person can be a reviewer at one address
	# and a maintainer at another.
	local who args=() a msgs
	mapfile -t msgs < <(find "$out" -maxdepth 1 -name '[0-9]*.patch' ! -name '0000-cover-letter.patch' | sort)
	who=$(scripts/get_maintainer.pl --no-git --no-git-fallback --rolestats --no-remove-duplicates \
		"${msgs[@]}" 2>/dev/null) ||
		die "scripts/get_maintainer.pl failed on the series $range"
	grep -q '(maintainer:' <<<"$who" ||
		die "scripts/get_maintainer.pl found no maintainer for the series $range"
	while IFS= read -r a; do
		case $a in
		*"(maintainer:"*|*",maintainer:"*) args+=("--to=${a%% (*}") ;;
		?*) args+=("--cc=${a%% (*}") ;;
		esac
	done <<<"$who"
	rm -f "$out"/*.patch
	"${fp[@]}" "${args[@]}" -o "$out" "$range"
}

format() {
	local out=$1
	rm -rf "$out"; mkdir -p "$out"
	[ "$n" -gt 0 ] || return 0
	format_one "$out" rig-base..rig-dbm rig-dbm
	format_one "$out/bbm" rig-dbm..HEAD rig
}

# send_email_check <dir>: git send-email accepts the series as it is
# (--dry-run: nothing is sent, no SMTP server is needed).  It asks git for
# an author and a committer identity even then, which a fresh machine has
# not got: the series' (series_identity).
send_email_check() {
	local log
	series_identity
	log=$(mktemp)
	if ! git send-email --dry-run --confirm=never --suppress-cc=all \
			--from="$GIT_AUTHOR_NAME <$GIT_AUTHOR_EMAIL>" \
			--smtp-server=/bin/true "$1"/*.patch >"$log" 2>&1; then
		tail -n 20 "$log" >&2
		rm -f "$log"
		die "git send-email --dry-run refuses the series (above)"
	fi
	local sent
	sent=$(grep -c '^Dry-Sent\|^Subject:' "$log" || true)
	rm -f "$log"
	info "git send-email --dry-run: accepted ($sent messages)"
}

# matches_patches: the series formatted into $BUILD/check.tmp equals patches/.
matches_patches() {
	format "$BUILD/check.tmp"
	diff -r -q "$arg" "$BUILD/check.tmp" -x '.*' >/dev/null
}

case $verb in
export)
	[ -z "$(git status --porcelain --untracked-files=no)" ] ||
		die "$tree has uncommitted changes: commit them first"
	format "$BUILD/export.tmp"
	mkdir -p "$arg/bbm"
	find "$arg" "$arg/bbm" -maxdepth 1 -name '*.patch' -delete
	for d in "" /bbm; do
		! compgen -G "$BUILD/export.tmp$d/*.patch" >/dev/null ||
			cp "$BUILD/export.tmp$d"/*.patch "$arg$d"/ || die "cannot copy the series to $arg$d"
	done
	rmdir "$arg/bbm" 2>/dev/null || true
	rm -rf "$BUILD/export.tmp"
	# The tree and patches/ agree again (see tree.sh).
	echo "$(git rev-parse HEAD) $(patches_sum "$arg")" >.git/rig-state
	info "exported $(git rev-list --count rig-base..rig-dbm) patches to $arg and $(git rev-list --count rig-dbm..HEAD) to $arg/bbm"
	;;
synced)
	[ ! -d .git/rebase-apply ] || die "$tree: a git am is in progress"
	[ -z "$(git status --porcelain)" ] || die "$tree has uncommitted or untracked changes"
	matches_patches || die "$tree has commits that differ from patches/"
	rm -rf "$BUILD/check.tmp"
	;;
check)
	if ! matches_patches; then
		diff -r -u "$arg" "$BUILD/check.tmp" -x '.*' | head -40 >&2 || true
		die "patches/ differs from the commits in $tree (make export, or make tree)"
	fi
	bad=0
	for p in "$BUILD"/check.tmp/*.patch "$BUILD"/check.tmp/bbm/*.patch; do
		[ -e "$p" ] || continue
		case $p in */0000-cover-letter.patch) continue ;; esac
		# FILE_PATH_CHANGES ("does MAINTAINERS need updating?") fires for
		# every new file; the series only adds files under the KVM/arm64
		# entry's F: patterns (Documentation/virt/kvm/arm/,
		# tools/testing/selftests/kvm/arm64/), checked below.
		# Debian's python3 (python3-ply) for spdxcheck.py, whatever python3
		# comes first in PATH.
		# UNKNOWN_COMMIT_ID: the base tree has no upstream history to look
		# a Fixes: SHA up in; selftests/upstream-commits lists the checked
		# ones, and every Fixes: line must be one of them (below).
		if ! out=$(PATH=/usr/bin:$PATH scripts/checkpatch.pl --strict -q \
				--ignore FILE_PATH_CHANGES,UNKNOWN_COMMIT_ID \
				--summary-file "$p" 2>&1) || [ -n "$out" ]; then
			printf '%s\n' "$out" >&2
			bad=1
		fi
	done
	while IFS= read -r fixes; do
		grep -qxF -- "$fixes" "$(dirname "$0")/upstream-commits" || {
			echo "'$fixes' is not in selftests/upstream-commits (checked SHAs)" >&2
			bad=1
		}
	done < <(cat "$BUILD"/check.tmp/0[0-9]*.patch "$BUILD"/check.tmp/bbm/0[0-9]*.patch 2>/dev/null |
		grep '^Fixes: ' | sort -u)
	# New files must fall under an existing MAINTAINERS entry.
	for f in $(git diff --name-only --diff-filter=A rig-base HEAD); do
		if ! scripts/get_maintainer.pl --no-git --no-git-fallback --nol -f "$f" 2>/dev/null |
				grep -q .; then
			echo "new file $f has no MAINTAINERS entry" >&2
			bad=1
		fi
	done
	rm -rf "$BUILD/check.tmp"
	[ $bad -eq 0 ] || die "checkpatch --strict complains (above)"
	for d in "$arg" "$arg/bbm"; do
		[ -f "$d/0000-cover-letter.patch" ] || die "$d has no cover letter: make export"
		grep -q '^To: ' "$d"/0000-cover-letter.patch ||
			die "$d has no To: from scripts/get_maintainer.pl: make export"
		send_email_check "$d"
	done
	info "series-check: $(git rev-list --count rig-base..rig-dbm) + $(git rev-list --count rig-dbm..HEAD) patches, patches/ and patches/bbm/ match the tree, checkpatch --strict clean, To/Cc from get_maintainer.pl"
	;;
bisect)
	[ -z "$(git status --porcelain --untracked-files=no)" ] ||
		die "$tree has uncommitted changes: commit them first"
	head=$(git rev-parse HEAD)
	wt=$BUILD/linux-bisect
	[ -d "$wt" ] || git worktree add -q --detach "$wt" rig-base
	# The kernel refuses a sparse that cannot parse its headers, as
	# bookworm's is: selftests/sparse.sh builds Debian unstable's.
	sparse=$("$(dirname "$0")/sparse.sh" "$BUILD/dl" "$BUILD/sparse" "$tree") ||
		die "no sparse that can parse this kernel's headers (selftests/sparse.sh)"
	sparse_args=(C=2 CHECK="$sparse")
	checkers="W=1 and sparse"
	info "sparse: $sparse (Debian's $(cat "$BUILD/sparse/VERSION") source package)"
	range=rig-base..HEAD
	if [ -n "${BISECT_FROM:-}" ]; then
		from=$(git rev-parse --verify -q "${BISECT_FROM}^{commit}") ||
			die "BISECT_FROM=$BISECT_FROM is not a commit of $tree"
		# Not grep -q: its early exit would SIGPIPE rev-list (pipefail).
		git rev-list rig-base..HEAD | grep -x "$from" >/dev/null ||
			die "BISECT_FROM=$BISECT_FROM is not one of the series' patches"
		range=$from^..HEAD
		info "bisect-build: from $(git log -1 --format='%h %s' "$from") on ($(git rev-list --count "$range") of the $n patches)"
	fi
	for c in $(git rev-list --reverse "$range"); do
		what=$(git log -1 --format='%h %s' "$c")
		git -C "$wt" checkout -q --detach "$c"
		info "building after $what"
		"$(dirname "$0")/kernel.sh" "$wt" "$arg" ||
			die "the kernel does not build after $what"
		# W=1 and sparse on the C files the patch touches, against its parent.
		for f in $(git diff --name-only --diff-filter=AM "$c^" "$c" -- '*.c'); do
			case $f in tools/*|*/selftests/*) continue ;; esac
			obj=${f%.c}.o
			# A file the configuration does not build (e.g. the
			# stage-2 ptdump) has no object to check: say so.
			if [ ! -f "$arg/$obj" ]; then
				info "  W=1: $f is not built by this configuration; not checked"
				continue
			fi
			after=$(file_warnings "$wt" "$arg" "$obj")
			git -C "$wt" checkout -q --detach "$c^"
			before=
			[ -f "$wt/$f" ] && before=$(file_warnings "$wt" "$arg" "$obj")
			git -C "$wt" checkout -q --detach "$c"
			new=$(new_diagnostics "$before" "$after")
			[ -z "$new" ] || die "$what adds $checkers warnings in $f:
$new"
		done
		info "  $checkers: no new warnings in the C files it touches"
		# Generic KVM code: it builds for x86_64 too, with no new warnings.
		if [ -n "$(git diff --name-only "$c^" "$c" -- virt/kvm include/linux/kvm_host.h \
				include/linux/kvm_types.h include/uapi/linux/kvm.h)" ]; then
			after=$(x86_warnings "$wt" "$arg-x86")
			git -C "$wt" checkout -q --detach "$c^"
			before=$(x86_warnings "$wt" "$arg-x86")
			git -C "$wt" checkout -q --detach "$c"
			new=$(new_diagnostics "$before" "$after")
			[ -z "$new" ] || die "$what adds $checkers warnings to KVM on x86_64:
$new"
			info "  x86_64 KVM (KVM_INTEL, KVM_AMD): builds, no new $checkers warnings"
		fi
		# A patch to the KVM selftests: they build too; one to their
		# code for every architecture (outside arm64/), for x86_64 too.
		if [ -n "$(git diff --name-only "$c^" "$c" -- tools/testing/selftests/kvm)" ]; then
			"$(dirname "$0")/kselftests.sh" "$wt" "$arg" "$arg-selftests" ||
				die "the KVM selftests do not build after $what"
		fi
		if [ -n "$(git diff --name-only "$c^" "$c" -- tools/testing/selftests/kvm \
				':!tools/testing/selftests/kvm/arm64' \
				':!tools/testing/selftests/kvm/*/arm64')" ]; then
			x86_selftests "$wt" "$arg-x86-selftests" ||
				die "the KVM selftests do not build for x86_64 after $what"
			info "  KVM selftests for x86_64: build"
		fi
	done
	info "bisect-build: the kernel builds after each of the $(git rev-list --count "$range") patches${BISECT_FROM:+ from $BISECT_FROM on}, with no new $checkers warnings in the files each touches; KVM for x86_64 after each that touches generic KVM code; the KVM selftests after each that touches them (up to $head)"
	;;
*) die "unknown verb $verb" ;;
esac
