#!/bin/sh
# Unpack a Xenolith ISO into a tree that make-iso.sh rebuilds: ./unpack-iso.sh ISO DIR
# DIR gets root/ (the whole live root), rootpatch/, irtree/, boot/, the scripts and Builder.
# DIR must not exist or be empty; it appears only once everything is unpacked.
set -eu

die() {
	echo "unpack-iso.sh: error: $*" >&2
	exit 1
}

[ $# = 2 ] || die "usage: ./unpack-iso.sh ISO DIR"
iso=$1
dir=${2%/}
[ -e "$iso" ] || die "$iso: no such file"
[ -f "$iso" ] || die "$iso: not a regular file"
[ ! -e "$dir" ] || [ -d "$dir" ] || die "$dir: exists and is not a directory"
[ ! -d "$dir" ] || [ -z "$(ls -A "$dir")" ] || die "$dir: exists and is not empty"
[ "$(id -u)" = 0 ] || die "must run as root (the root tree holds files of several owners)"
for t in xorriso unsquashfs tar gzip; do
	command -v "$t" >/dev/null 2>&1 || die "missing tool '$t' (run scripts/deps.sh as root)"
done

tmp=$(mktemp -d "$(dirname "$dir")/.unpack.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
if ! xorriso -osirrox on -indev "$iso" -extract /xenolith "$tmp/cd" >"$tmp/xorriso.log" 2>&1; then
	die "$iso: not an ISO image with a /xenolith directory"
fi
[ -f "$tmp/cd/id" ] && [ -f "$tmp/cd/root.sqfs" ] && [ -f "$tmp/cd/kit.tar.gz" ] ||
	die "$iso: not a Xenolith ISO (no xenolith/id, root.sqfs or kit.tar.gz)"
mkdir "$tmp/tree"
tar -xzf "$tmp/cd/kit.tar.gz" -C "$tmp/tree" || die "$iso: xenolith/kit.tar.gz is damaged"
unsquashfs -quiet -no-progress -d "$tmp/tree/root" "$tmp/cd/root.sqfs" >/dev/null ||
	die "$iso: xenolith/root.sqfs is damaged"
[ ! -d "$dir" ] || rmdir "$dir"
mv "$tmp/tree" "$dir"
echo "unpack-iso.sh: unpacked $iso ($(cat "$tmp/cd/id")) into $dir"
