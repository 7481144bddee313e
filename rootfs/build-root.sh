#!/bin/sh
# Produce the live root tree OUT from Debian packages; reuse it when its inputs are unchanged.
# Usage: rootfs/build-root.sh OUT   (run from the top of the tree, as root)
set -eu
. scripts/lib.sh

out=${1:?usage: rootfs/build-root.sh OUT}
kver=$(kernel_version)
key=$(cat rootfs/packages rootfs/prune rootfs/kernel-version rootfs/build-root.sh \
	rootfs/customize.sh | sha256sum | cut -d' ' -f1)
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
