#!/bin/sh
# extract-vmlinux.sh BZIMAGE OUT: the ELF vmlinux inside a bzImage (xz, zstd or gzip), for
# guests that boot it directly through its PVH entry and so skip the decompressor.
set -eu
. "$(dirname "$0")/lib.sh"

bz=${1:?usage: extract-vmlinux.sh BZIMAGE OUT}
out=${2:?usage: extract-vmlinux.sh BZIMAGE OUT}
[ -r "$bz" ] || die "$bz: cannot read"

# try MAGIC DECOMPRESSOR: decompress from each offset where MAGIC (a grep -P
# pattern) occurs until the result is an ELF file.
try() {
	for off in $(LC_ALL=C grep -obUaP "$1" "$bz" | cut -d: -f1); do
		tail -c +"$((off + 1))" "$bz" | $2 >"$out.tmp" 2>/dev/null || true
		if [ "$(head -c 4 "$out.tmp" | od -An -c | tr -d ' ')" = '177ELF' ]; then
			mv "$out.tmp" "$out"
			return 0
		fi
	done
	return 1
}

try '\xfd7zXZ\x00' 'xz -dc' || try '\x28\xb5\x2f\xfd' 'zstd -dc' ||
	try '\x1f\x8b\x08' 'gzip -dc' || {
	rm -f "$out.tmp"
	die "$bz: no xz, zstd or gzip payload holding an ELF vmlinux"
}
