#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Make (or bring up to date) the kernel git tree: one base commit holding the
# unmodified source, tagged rig-base, with patches/*.patch applied by git am.
#
# Usage: tree.sh <tree-dir> <patches-dir> <dl-dir>
# Environment: KSRC=/path/to/linux uses that tree instead of the Debian package.
# FORCE=1 discards commits in the tree that are not in patches/.
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
		echo "KSRC=$(cd "$KSRC" && pwd)"
	else
		echo "$BASE_PKG $BASE_VER"
	fi
}

make_base() {
	local id=$1 tmp=$tree.new
	rm -rf "$tmp"
	mkdir -p "$tmp"
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
		"$(dirname "$0")/fetch-source.sh" "$dl"
		local deb
		deb=$(ls "$dl"/${BASE_PKG}_*.deb)
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
	mv "$tmp" "$tree"
}

# One patch-id per line for a list of commits or for patch files.
ids_of_commits() { git -C "$tree" log --reverse --format=%H rig-base..HEAD | while read -r c; do
	git -C "$tree" show "$c" | git patch-id --stable | cut -d' ' -f1; done; }
ids_of_files() { for f in "$@"; do git patch-id --stable <"$f" | cut -d' ' -f1; done; }

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
want=$(ids_of_files "${files[@]}")
have=$(ids_of_commits)
if [ "$want" = "$have" ]; then
	info "tree: $(git rev-list --count rig-base..HEAD) patches on $(cat .git/rig-source), up to date"
	exit 0
fi

# The tree differs from patches/.  Re-apply only when that cannot lose work:
# the commits in the tree are exactly what the rig applied last time.
applied=$(cat .git/rig-applied 2>/dev/null || true)
if [ "$have" != "$applied" ] && [ "${FORCE:-0}" != 1 ]; then
	die "$tree has commits that are not in patches/ (and patches/ changed).
       Export them with 'make export', or rerun with FORCE=1 to discard them"
fi
[ -z "$(git status --porcelain --untracked-files=no)" ] || [ "${FORCE:-0}" = 1 ] ||
	die "$tree has uncommitted changes; commit them or rerun with FORCE=1"

git reset -q --hard rig-base
git clean -qfd
rm -f .git/rig-applied
if [ ${#files[@]} -gt 0 ]; then
	info "applying ${#files[@]} patches"
	export GIT_COMMITTER_NAME="kvm-dirtylog rig" GIT_COMMITTER_EMAIL="rig@localhost"
	for f in "${files[@]}"; do
		if ! git am -q --committer-date-is-author-date "$f" >/dev/null 2>&1; then
			die "$(basename "$f") does not apply; the tree is left at $tree for inspection
       (git -C $tree am --show-current-patch=diff; 'git -C $tree am --abort' to leave it)"
		fi
	done
fi
ids_of_commits >.git/rig-applied
# The cover letter's text lives on as the branch description (series.sh).
cover=$patches/0000-cover-letter.patch
if [ -f "$cover" ]; then
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
	git config branch.rig.description "$(cat .git/rig-cover)"
fi
info "tree: $(git rev-list --count rig-base..HEAD) patches applied on $(cat .git/rig-source)"
