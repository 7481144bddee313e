#!/bin/sh
# Build the Xenolith live CD: ./make-iso.sh VERSION  ->  build/xenolith-VERSION.iso
#
# Works in the source tree (the root comes from Debian's packages, cached in build/root)
# and in a tree made by unpack-iso.sh (the root is ./root). rootpatch/ is copied over the
# root, our tools and the manual are installed into it, and the result is packed.
# Environment: XENOLITH_PASSWORD sets the password of root and user (default: as built).
set -eu
cd "$(dirname "$0")"
. scripts/lib.sh

[ $# = 1 ] || die "usage: ./make-iso.sh VERSION (e.g. ./make-iso.sh 1.0rc1)"
version=$1
case "$version" in
'' | *[!A-Za-z0-9._+~-]*)
	die "version '$version' may hold only letters, digits and . _ + ~ - (no spaces or slashes)" ;;
esac
# It names build/xenolith-VERSION.iso and build/work-VERSION, and goes into the CD's id,
# the GRUB menu and the hypervisor's banner: 64 characters keep all of them in bounds.
[ ${#version} -le 64 ] || die "version: too long (${#version} characters; at most 64)"
[ -f Builder ] || die "Builder: missing; write the builder's name into it: echo 'Your Name' > Builder"
builder=$(head -n 1 Builder | sed -e 's/^[[:space:]]*//' -e 's/[[:space:]]*$//')
[ -n "$builder" ] || die "Builder: empty; write the builder's name into it: echo 'Your Name' > Builder"
# Any printable UTF-8 text goes (quotes, backslashes and all); every reader gets it
# escaped for its own rules. Control characters and malformed UTF-8 do not; 255 bytes
# keep the hypervisor's banner within one printk line.
printf '%s' "$builder" | LC_ALL=C.UTF-8 grep -q '^[[:print:]]*$' ||
	die "Builder: line 1: the name may hold only printable UTF-8 text (no tabs or other control characters)"
bytes=$(printf '%s' "$builder" | wc -c)
[ "$bytes" -le 255 ] || die "Builder: line 1: the name is too long ($bytes bytes; at most 255)"
if [ -n "${XENOLITH_PASSWORD+set}" ]; then
	case "$XENOLITH_PASSWORD" in
	'' | *:*) die "XENOLITH_PASSWORD: must be non-empty and may not hold ':'" ;;
	esac
fi
[ "$(id -u)" = 0 ] || die "must run as root (the root tree holds files of several owners and device nodes)"
need_tools mksquashfs xorriso grub-mkrescue mformat cpio gzip tar awk make gcc ld objcopy
[ -d /usr/lib/grub/i386-pc ] || die "missing GRUB for BIOS: /usr/lib/grub/i386-pc (package grub-pc-bin)"
[ -d /usr/lib/grub/x86_64-efi ] || die "missing GRUB for UEFI: /usr/lib/grub/x86_64-efi (package grub-efi-amd64-bin)"

if [ -d root ]; then
	root=root
else
	need_tools mmdebstrap
	sh rootfs/build-root.sh build/root
	root=build/root
fi
[ -x "$root/sbin/init" ] || [ -L "$root/sbin/init" ] || die "$root: not a root tree (no sbin/init)"

iso=build/xenolith-$version.iso
work=build/work-$version
rm -rf "$work"
mkdir -p "$work/cd/boot/grub" "$work/cd/xenolith"
trap 'rm -rf "$work" "$iso.tmp"' EXIT
stage=$work/root
cd_dir=$work/cd

# A hard-linked copy: everything below replaces files (never writes into them), so the
# cached or unpacked root stays as it was.
log "staging the root from $root"
cp -al "$root" "$stage"
cp -a --remove-destination rootpatch/. "$stage/"
if [ -f tools/Makefile ]; then
	make -s -C tools install DESTDIR="$PWD/$stage"
fi
install -D -m 755 scripts/grub-cfg.sh "$stage/usr/lib/xenolith/grub-cfg.sh"
install -D -m 644 boot/grub.cfg.in "$stage/usr/lib/xenolith/grub.cfg.in"
sh scripts/install-docs.sh docs "$stage/usr/share/doc/xenolith"

date=$(date -u +%Y-%m-%d)
id="xenolith $version $(date -u +%Y%m%dT%H%M%SZ) $(od -An -N4 -tx4 /dev/urandom | tr -d ' ')"
sh scripts/release-files.sh "$stage" "$version" "$builder" "$date"
# The CD's kernel: the one in its root (rootfs/build-root.sh resolved which, or the unpacked CD had).
kver=$(ls "$stage/usr/lib/modules")
[ "$(echo "$kver" | wc -l)" = 1 ] || die "$root/usr/lib/modules: expected one kernel, found: $kver"
echo "XENOLITH_KERNEL=\"$kver\"" >> "$stage/etc/xenolith-release"
# dom0's module for that kernel; its headers are installed when the root came from packages.
sh scripts/build-module.sh "$stage" "$kver" "$work" \
	"$([ "$root" = build/root ] && echo --install-headers || true)"
if [ -n "${XENOLITH_PASSWORD+set}" ]; then
	printf 'root:%s\nuser:%s\n' "$XENOLITH_PASSWORD" "$XENOLITH_PASSWORD" | chpasswd -R "$PWD/$stage"
fi

# The hypervisor is built here so that its banner carries this CD's version and builder.
log "building the hypervisor"
make -s -C hypervisor -W version.in VERSION="$version" BUILDER="$builder"
cp build/xenolith.gz "$cd_dir/boot/xenolith.gz"

kernel=$(ls "$stage"/boot/vmlinuz-* 2>/dev/null || true)
[ "$(echo "$kernel" | wc -w)" = 1 ] || die "$root/boot: expected one vmlinuz-*, found: ${kernel:-none}"
cp "$kernel" "$cd_dir/boot/vmlinuz"
# The demo guest (/etc/xenolith/demo.cfg): the same kernel (squashfs stores it once) and a
# BusyBox initrd. Replaced, never written into: the stage is hard-linked to the root.
mkdir -p "$stage/usr/lib/xenolith/guest"
ln -f "$kernel" "$stage/usr/lib/xenolith/guest/vmlinuz"
# Its ELF vmlinux too: booted through the PVH entry it skips the decompressor (seconds
# under emulation).
rm -f "$stage/usr/lib/xenolith/guest/vmlinux"
sh scripts/extract-vmlinux.sh "$kernel" "$stage/usr/lib/xenolith/guest/vmlinux"
# Without the zeros stored at its end (24 MB of .bss): less to read at each create.
python3 scripts/elf-trim-zeros.py "$stage/usr/lib/xenolith/guest/vmlinux"
rm -f "$stage/usr/lib/xenolith/guest/initrd.gz"
sh scripts/make-guest-initrd.sh "$stage" "$stage/usr/lib/xenolith/guest/initrd.gz"
log "packing the initrd"
sh scripts/make-initrd.sh "$stage" "$id" "$cd_dir/boot/initrd.gz"
log "packing the root (squashfs, zstd)"
mksquashfs "$stage" "$cd_dir/xenolith/root.sqfs" -comp zstd -Xcompression-level 9 \
	-noappend -no-xattrs -quiet -no-progress >/dev/null
(cd "$stage" && tar --numeric-owner --exclude='./usr/*' --exclude='./boot/*' -czf - .) \
	> "$cd_dir/xenolith/root.tar.gz"
echo "$id" > "$cd_dir/xenolith/id"
# The kit: what unpack-iso.sh needs to make a tree that this script can rebuild.
kit=$(for p in make-iso.sh unpack-iso.sh Builder scripts rootfs rootpatch irtree boot hypervisor kernel-patches tools docs; do
	[ -e "$p" ] && echo "$p"; done)
# shellcheck disable=SC2086
tar -czf "$cd_dir/xenolith/kit.tar.gz" --exclude=build --exclude='*.o' $kit
sh scripts/grub-cfg.sh boot/grub.cfg.in "" "$stage/etc/xenolith-release" > "$cd_dir/boot/grub/grub.cfg"

log "making the hybrid ISO (BIOS and UEFI)"
if ! grub-mkrescue -o "$iso.tmp" "$cd_dir" -- -volid XENOLITH > "$work/grub-mkrescue.log" 2>&1; then
	tail -n 20 "$work/grub-mkrescue.log" >&2
	die "grub-mkrescue failed (log above)"
fi
mv "$iso.tmp" "$iso"
log "made $iso ($(($(stat -c %s "$iso") / 1048576)) MiB)"
