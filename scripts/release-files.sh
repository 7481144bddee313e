#!/bin/sh
# Write a root's identity files: release-files.sh ROOT VERSION BUILDER DATE
#   ROOT/etc/xenolith-release  KEY="value" lines for sh to source (grub-cfg.sh does)
#   ROOT/etc/issue             the login banner; agetty reads \x there as an escape
#   ROOT/etc/issue.net         the same line, plain
# Any printable text is written so that its reader gets it back as it is.
# Each file is removed first: ROOT may be a hard-linked copy of a cached root.
set -eu
[ $# = 4 ] || { echo "release-files.sh: error: usage: release-files.sh ROOT VERSION BUILDER DATE" >&2; exit 1; }
root=$1 version=$2 builder=$3 date=$4

# dq TEXT: TEXT for the inside of sh double quotes (" \ $ ` take a backslash).
dq() {
	printf '%s' "$1" | LC_ALL=C sed 's/[\\"$`]/\\&/g'
}

# issue TEXT: TEXT for /etc/issue (a backslash is written \\).
issue() {
	printf '%s' "$1" | LC_ALL=C sed 's/\\/\\\\/g'
}

rm -f "$root/etc/xenolith-release" "$root/etc/issue" "$root/etc/issue.net"
printf 'XENOLITH_VERSION="%s"\nXENOLITH_BUILDER="%s"\nXENOLITH_DATE="%s"\n' \
	"$(dq "$version")" "$(dq "$builder")" "$(dq "$date")" > "$root/etc/xenolith-release"
printf 'Xenolith %s (built by %s on %s) \\n \\l\n\n' \
	"$(issue "$version")" "$(issue "$builder")" "$(issue "$date")" > "$root/etc/issue"
printf 'Xenolith %s (built by %s on %s)\n' "$version" "$builder" "$date" > "$root/etc/issue.net"
