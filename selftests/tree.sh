#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Make (or bring up to date) the kernel git tree: one base commit holding the
# unmodified source, tagged rig-base, with patches/*.patch applied by git am
# (the dirty logging series; branch rig-dbm ends there), then
# patches/bbm/*.patch (the BBM level 3 series, which builds on it; branch
# rig, checked out, ends there).  Each series' cover letter text becomes
# its branch's description (series.sh exports it again); git rebase moves
# rig-dbm along (rebase.updateRefs).
#
# Usage: tree.sh <tree-dir> <patches-dir> <dl-dir>
# Environment: KSRC=/path/to/linux uses that tree instead of the Debian package.
# FORCE=1 discards commits and changes in the tree that are not in patches/.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

mkdir -p "$(dirname "${1:?usage}")" "${3:?usage}"; tree=$(cd "$(dirname "$1")" && pwd)/$(basename "$1"); dl=$(cd "$3" && pwd); patches=$(cd "${2:?usage}" && pwd)
KSRC=${KSRC:-}

check_ksrc() {
	local k=$1
	[ -d "$k" ] || die "KSRC=$k: no such directory"
	[ -f "$k/Makefile" ] && [ -f "$k/arch/arm64/kvm/hyp/pgtable.c" ] &&
		[ -f "$k/virt/kvm/kvm_main.c" ] ||
		die "KSRC=$k is not a Linux source tree (needs Makefile, arch/arm64/kvm/hyp/pgtable.c, virt/kvm/kvm_main.c)"
	local v p
	v=$(awk '/^VERSION =/ { print $3 }' "$k/Makefile")
	p=$(awk '/^PATCHLEVEL =/ { print $3 }' "$k/Makefile")
	[ "$v.$p" = 7.3 ] || info "warning: KSRC=$k is Linux $v.$p, the series targets 7.3"
}

source_id() {
	if [ -n "$KSRC" ]; then
		[ -d "$KSRC" ] || die "KSRC=$KSRC: no such directory"
		echo "KSRC=$(cd "$KSRC" && pwd)"
	else
		echo "$BASE_PKG $BASE_VER"
	fi
}

make_base() {
	local id=$1 tmp=$tree.new start
	start=$(date +%s)
	rm -rf "$tmp"
	mkdir -p "$tmp"
	trap 'rm -rf "$tree.new"' EXIT
	if [ -n "$KSRC" ]; then
		check_ksrc "$KSRC"
		if git -C "$KSRC" rev-parse --git-dir >/dev/null 2>&1; then
			[ -z "$(git -C "$KSRC" status --porcelain --untracked-files=no)" ] ||
				info "warning: KSRC has uncommitted changes; using its HEAD only"
			info "copying HEAD of $KSRC"
			git -C "$KSRC" archive --format=tar HEAD | tar -x -C "$tmp"
		else
			info "copying $KSRC"
			cp -a "$KSRC/." "$tmp/"
			[ ! -f "$tmp/.config" ] || make -s -C "$tmp" mrproper
		fi
	else
		"$(dirname "$0")/fetch-source.sh" "$dl" linux
		local deb=$dl/$LINUX_DEB
		info "unpacking $(basename "$deb")"
		dpkg-deb --fsys-tarfile "$deb" | tar -x -O "./usr/src/$BASE_PKG.tar.xz" |
			tar -xJ --strip-components=1 -C "$tmp" ||
			die "cannot unpack $deb"
		check_ksrc "$tmp"
	fi
	# Debian's source package appends "ignore everything at the top level"
	# to .gitignore, which would hide every new file a patch adds.
	local dropped=
	if grep -q '^# Debian packaging' "$tmp/.gitignore" 2>/dev/null; then
		sed -i '/^# Debian packaging/,/^!\/debian\/$/d' "$tmp/.gitignore"
		sed -i -e :a -e '/^\n*$/{$d;N;ba' -e '}' -e '$!b' -e '/^#$/d' "$tmp/.gitignore"
		dropped="Debian's top-level ignore block is removed from .gitignore."
	fi
	info "committing the base tree"
	rig_git_env
	git -C "$tmp" init -q -b rig
	git -C "$tmp" config core.abbrev 12
	git -C "$tmp" add -A -f .
	git -C "$tmp" commit -q -m "Base: $id" \
		-m "Unmodified source; the series applies on top of this commit. $dropped"
	git -C "$tmp" tag rig-base
	echo "$id" >"$tmp/.git/rig-source"
	echo "$(git -C "$tmp" rev-parse HEAD) none" >"$tmp/.git/rig-state"
	mv "$tmp" "$tree"
	trap - EXIT
	info "base tree made in $(elapsed "$start")"
}

# .git/rig-state holds "<HEAD> <patches-sum>": the tree's HEAD and the
# checksum of patches/ when the rig last applied or exported the series.

id=$(source_id)
if [ -d "$tree/.git" ]; then
	have=$(cat "$tree/.git/rig-source" 2>/dev/null || echo unknown)
	[ "$have" = "$id" ] || die "$tree was made from '$have', not '$id'.
       Run 'make distclean' (or use another BUILD=) to switch sources"
else
	[ ! -e "$tree" ] || die "$tree exists but is not a git tree; move it away"
	make_base "$id"
fi

cd "$tree"
git rev-parse -q --verify rig-base >/dev/null || die "$tree has no rig-base tag"
[ ! -d .git/rebase-apply ] || die "$tree: a git am is in progress (git -C $tree am --show-current-patch; then 'git am --abort')"

mapfile -t files < <(find "$patches" -maxdepth 1 -name '*.patch' ! -name '0000-cover-letter.patch' | sort)
bbm=()
[ ! -d "$patches/bbm" ] ||
	mapfile -t bbm < <(find "$patches/bbm" -maxdepth 1 -name '*.patch' ! -name '0000-cover-letter.patch' | sort)
sum=$(patches_sum "$patches")
head=$(git rev-parse HEAD)
read -r rec_head rec_sum <.git/rig-state 2>/dev/null || { rec_head=unknown; rec_sum=unknown; }
n=$(git rev-list --count rig-base..HEAD)
if [ "$sum" = "$rec_sum" ]; then
	if [ "$head" = "$rec_head" ]; then
		info "tree: $n patches on $(cat .git/rig-source), up to date"
	else
		info "tree: $n commits on $(cat .git/rig-source), ahead of patches/ (make export when ready)"
	fi
	exit 0
fi

# patches/ changed since the tree was made from it.  Re-apply only when that
# cannot lose work: no commits and no changes made in the tree since.
if [ "${FORCE:-0}" != 1 ]; then
	[ "$head" = "$rec_head" ] || die "$tree has commits that are not in patches/, and patches/ changed too.
       Export them with 'make export' (after merging), or rerun with FORCE=1 to discard them"
	[ -z "$(git status --porcelain)" ] ||
		die "$tree has uncommitted or untracked changes; commit them, or rerun with FORCE=1 to discard them"
fi

git reset -q --hard rig-base
git clean -qfd
# apply <dir> <patch>...: git am each; a patch that does not apply stops it.
apply() {
	local dir=$1 f
	shift
	[ $# -gt 0 ] || return 0
	info "applying $# patches of $dir"
	export GIT_COMMITTER_NAME="kvm-dirtylog rig" GIT_COMMITTER_EMAIL="rig@localhost"
	for f in "$@"; do
		if ! git am -q --committer-date-is-author-date "$f" >/dev/null 2>&1; then
			echo "$(git rev-parse HEAD) failed" >.git/rig-state
			die "$dir/$(basename "$f") does not apply; the tree is left at $tree for inspection
       (git -C $tree am --show-current-patch=diff; 'git -C $tree am --abort' to leave it)"
		fi
	done
}
apply "$patches" "${files[@]}"
git branch -f rig-dbm HEAD
apply "$patches/bbm" "${bbm[@]}"
git config rebase.updateRefs true
echo "$(git rev-parse HEAD) $sum" >.git/rig-state
# Each cover letter's text lives on as its branch's description (series.sh).
describe() {
	local cover=$1 branch=$2
	[ -f "$cover" ] || return 0
	python3 - "$cover" >.git/rig-cover <<'PY'
import email, re, sys
msg = email.message_from_file(open(sys.argv[1]))
subj = re.sub(r'\s+', ' ', re.sub(r'^\[[^]]*\]\s*', '', msg['Subject'].strip()))
body = []
for line in msg.get_payload().split('\n'):
    if re.match(r'^\S.* \(\d+\):$', line):
        break
    body.append(line)
print(subj + '\n\n' + '\n'.join(body).strip())
PY
	git config "branch.$branch.description" "$(cat .git/rig-cover)"
}
describe "$patches/0000-cover-letter.patch" rig-dbm
describe "$patches/bbm/0000-cover-letter.patch" rig
info "tree: $(git rev-list --count rig-base..rig-dbm) + $(git rev-list --count rig-dbm..HEAD) patches applied on $(cat .git/rig-source)"
