#!/bin/sh
# Render the GRUB menu from its template: grub-cfg.sh TEMPLATE ROOTARGS [RELEASE]
# ROOTARGS is added to every kernel command line (empty for the CD, root=UUID=... on disk);
# RELEASE is the release file to take version and builder from (default /etc/xenolith-release).
set -eu
template=${1:?usage: grub-cfg.sh TEMPLATE ROOTARGS [RELEASE]}
rootargs=${2-}
release=${3:-/etc/xenolith-release}
[ -r "$template" ] || { echo "grub-cfg.sh: error: $template: cannot read the template" >&2; exit 1; }
[ -r "$release" ] || { echo "grub-cfg.sh: error: $release: cannot read the release file" >&2; exit 1; }
# shellcheck disable=SC1090
. "$release"
# @TITLE@ stands inside GRUB double quotes, where \ " and $ need a backslash
# (GRUB manual, "Shell-like scripting", Quoting); everything else is literal there.
title=$(printf 'Xenolith %s (%s)' "$XENOLITH_VERSION" "$XENOLITH_BUILDER" |
	LC_ALL=C sed 's/[\\"$]/\\&/g')
export XENOLITH_VERSION XENOLITH_TITLE="$title" XENOLITH_ROOTARGS="$rootargs"
# One pass of plain text replacement (bytes, under LC_ALL=C): no character of a value
# is special to awk, and a value holding a @KEY@ is not replaced again.
LC_ALL=C awk '{
	out = ""
	while (match($0, /@(VERSION|TITLE|ROOTARGS)@/)) {
		out = out substr($0, 1, RSTART - 1) ENVIRON["XENOLITH_" substr($0, RSTART + 1, RLENGTH - 2)]
		$0 = substr($0, RSTART + RLENGTH)
	}
	print out $0
}' "$template"
