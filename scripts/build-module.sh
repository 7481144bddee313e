#!/bin/sh
# Build the dom0 module (kernel-patches/xenolith) for the CD's kernel and install it in the root.
# Usage: scripts/build-module.sh ROOT KVER WORKDIR [--install-headers]
#   ROOT: the staged live root; the module goes to ROOT/usr/lib/modules/KVER/updates/xenolith.ko
#   and depmod indexes it. The headers of KVER (linux-headers-KVER, a build dependency that
#   follows the resolved kernel) are installed first with --install-headers when missing.
#   Without headers the module ROOT already has is kept (a rebuild from an unpacked CD).
set -eu
. "$(dirname "$0")/lib.sh"

root=${1:?usage: build-module.sh ROOT KVER WORKDIR [--install-headers]}
kver=${2:?usage: build-module.sh ROOT KVER WORKDIR [--install-headers]}
work=$(cd "${3:?usage: build-module.sh ROOT KVER WORKDIR [--install-headers]}" && pwd)
install_headers=${4:-}
top=$(cd "$(dirname "$0")/.." && pwd)
need_tools depmod make gcc
headers=/usr/src/linux-headers-$kver
dest=$root/usr/lib/modules/$kver/updates/xenolith.ko

if [ ! -f "$headers/Makefile" ] && [ "$install_headers" = --install-headers ]; then
	[ "$(id -u)" = 0 ] || die "missing linux-headers-$kver (install it as root)"
	log "installing linux-headers-$kver (to build the xenolith module)"
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
		"linux-headers-$kver" >"$work/headers.log" 2>&1 || {
		tail -n 5 "$work/headers.log" >&2
		die "cannot install linux-headers-$kver (log above)"
	}
fi
if [ -f "$headers/Makefile" ]; then
	log "building the xenolith module for $kver"
	if ! make -C "$top/kernel-patches/xenolith" KVER="$kver" MODDIR="$work/module" \
		>"$work/module.log" 2>&1; then
		tail -n 20 "$work/module.log" >&2
		die "the xenolith module did not build (log above)"
	fi
	# ROOT may be a hard-linked copy: replace the file, never write into it.
	mkdir -p "${dest%/*}"
	rm -f "$dest"
	cp "$work/module/xenolith.ko" "$dest"
	chmod 644 "$dest"
elif [ -f "$dest" ]; then
	log "no linux-headers-$kver here: keeping the xenolith module the root has"
else
	die "missing linux-headers-$kver, needed to build the xenolith module (apt-get install linux-headers-$kver)"
fi
depmod -b "$root" "$kver"
