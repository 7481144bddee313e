#!/bin/sh
# Produce the live root tree OUT from Debian packages; reuse it when its inputs are unchanged.
# Usage: rootfs/build-root.sh OUT   (run from the top of the tree, as root)
set -eu
. scripts/lib.sh

out=${1:?usage: rootfs/build-root.sh OUT}

# root_key KVER: what the root is made of; the cached root is reused while it is the same.
root_key() {
	{ echo "$1"; cat rootfs/packages rootfs/prune rootfs/build-root.sh rootfs/customize.sh; } |
		sha256sum | cut -d' ' -f1
}

# The kernel is resolved once per build (scripts/lib.sh kernel_resolve), from this
# machine's apt lists; they are refreshed before a root is built, so that a fresh root
# never asks for a kernel the archive has dropped.
pin=$(kernel_pin)
kver=$(kernel_resolve "$pin" || true)
if [ -n "$kver" ] && [ -f "$out/.xenolith-root-key" ] &&
	[ "$(cat "$out/.xenolith-root-key")" = "$(root_key "$kver")" ]; then
	log "reusing the cached root $out"
	exit 0
fi
apt-get update -qq >/dev/null 2>&1 || log "apt-get update failed; resolving the kernel from the lists as they are"
kver=$(kernel_resolve "$pin") ||
	die "no Debian kernel available: neither linux-image-${pin:-?} (rootfs/kernel-version) nor linux-image-amd64's (check the machine's apt sources)"
key=$(root_key "$kver")
if [ -f "$out/.xenolith-root-key" ] && [ "$(cat "$out/.xenolith-root-key")" = "$key" ]; then
	exit 0
fi

suite=$(. /etc/os-release && echo "$VERSION_CODENAME")
packages=$(sed -e 's/#.*//' -e '/^[[:space:]]*$/d' rootfs/packages | tr '\n' ',')
excludes=$(sed -e 's/#.*//' -e '/^[[:space:]]*$/d' -e 's/^/--dpkgopt=path-exclude=/' rootfs/prune)

rm -rf "$out.tmp"
mkdir -p "$(dirname "$out")"
log "building the live root for $suite with linux-image-$kver (cached in $out)"
# update-initramfs is diverted to a no-op: the CD brings its own initrd (irtree/).
# shellcheck disable=SC2086
mmdebstrap --quiet --variant=minbase --include="linux-image-$kver,$packages" \
	$excludes --dpkgopt=path-include=/usr/share/doc/*/copyright \
	--essential-hook='chroot "$1" dpkg-divert --quiet --local --rename --add /usr/sbin/update-initramfs' \
	--essential-hook='printf "#!/bin/sh\nexit 0\n" > "$1/usr/sbin/update-initramfs"; chmod 755 "$1/usr/sbin/update-initramfs"' \
	--customize-hook='sh rootfs/customize.sh "$1"' \
	"$suite" "$out.tmp"
echo "$key" > "$out.tmp/.xenolith-root-key"
rm -rf "$out"
mv "$out.tmp" "$out"
