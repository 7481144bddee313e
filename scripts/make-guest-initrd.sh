#!/bin/sh
# Pack the demo guest's initrd: static BusyBox and an /init that gives a shell on the serial console.
# Usage: scripts/make-guest-initrd.sh ROOT OUT   (ROOT: the staged live root, for its busybox-static)
set -eu
. "$(dirname "$0")/lib.sh"

root=${1:?usage: make-guest-initrd.sh ROOT OUT}
out=${2:?usage: make-guest-initrd.sh ROOT OUT}
[ -x "$root/usr/bin/busybox" ] || die "$root/usr/bin/busybox: missing (package busybox-static)"

stage=$(mktemp -d "${TMPDIR:-/tmp}/guest-initrd.XXXXXX")
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage/bin" "$stage/dev" "$stage/proc" "$stage/sys" "$stage/tmp" "$stage/root"
# The kernel opens /dev/console for init before anything is mounted.
mknod -m 600 "$stage/dev/console" c 5 1
cp "$root/usr/bin/busybox" "$stage/bin/busybox"
for applet in $("$stage/bin/busybox" --list); do
	[ -e "$stage/bin/$applet" ] || ln -s busybox "$stage/bin/$applet"
done
mkdir -p "$stage/sbin" "$stage/lib" "$stage/usr/bin" "$stage/usr/sbin"
# The power button (`xenoctl shutdown`): Debian builds its ACPI button and
# evdev drivers as modules; BusyBox's acpid runs /etc/acpi/PWRF/00000080.
for m in kernel/drivers/input/evdev.ko kernel/drivers/acpi/button.ko; do
	ko=$(ls "$root"/usr/lib/modules/*/"$m" 2>/dev/null | head -n 1)
	[ -n "$ko" ] || die "$root: no $m for the guest's power button"
	cp "$ko" "$stage/lib/"
done
# virtio disks and NICs, and a root on a disk (`root=` on the command line):
# Debian builds virtio-pci, virtio-blk, virtio-net and ext4 as modules; they are loaded in the order
# modprobe's dependencies give (docs/guests.md, "A root file system on a disk").
kver=$(ls "$root/usr/lib/modules" | head -n 1)
mkdir -p "$stage/lib/disk"
for m in virtio_pci virtio_blk virtio_net ext4; do
	/sbin/modprobe -d "$root" -S "$kver" --show-depends "$m" || die "$root: no module $m"
done | awk '$1 == "insmod" && !seen[$2]++ { print $2 }' > "$stage/lib/disk.list"
[ -s "$stage/lib/disk.list" ] || die "$root: modprobe names no modules for the virtio devices and ext4"
while read -r ko; do
	cp "$ko" "$stage/lib/disk/"
	echo "${ko##*/}"
done < "$stage/lib/disk.list" > "$stage/lib/disk/order"
rm "$stage/lib/disk.list"
mkdir -p "$stage/etc/acpi/PWRF" "$stage/newroot"
printf '#!/bin/sh\necho "xenolith-guest: power button pressed, powering off"\nsync\npoweroff -f\n' \
	> "$stage/etc/acpi/PWRF/00000080"
chmod 755 "$stage/etc/acpi/PWRF/00000080"
cat > "$stage/init" <<'INIT'
#!/bin/sh
# /init of the Xenolith demo guest: a marker line, then a shell on the serial console.
export PATH=/bin HOME=/root
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mem=$(free -m | awk '/^Mem:/ { print $2 }')
echo "xenolith-guest: init reached (kernel $(uname -r), $(nproc) CPUs, $mem MiB)"
# root=DEV (a device, UUID= or LABEL=): mount it and hand over to its init.
root= rootfstype= mode=ro init=/sbin/init
for arg in $(cat /proc/cmdline); do
	case $arg in
	root=*) root=${arg#root=} ;;
	rootfstype=*) rootfstype=${arg#rootfstype=} ;;
	init=*) init=${arg#init=} ;;
	rw) mode=rw ;;
	ro) mode=ro ;;
	esac
done
# virtio devices on the PCI bus (vendor 0x1af4): their drivers, as udev would.
failed=
if grep -qs 0x1af4 /sys/bus/pci/devices/*/vendor; then
	for ko in $(cat /lib/disk/order); do
		insmod "/lib/disk/$ko" 2>/dev/null || failed="$failed ${ko%.ko}"
	done
fi
if [ -n "$root" ]; then
	dev=
	for i in $(seq 100); do
		case $root in
		UUID=*|LABEL=*) dev=$(findfs "$root" 2>/dev/null) ;;
		*) [ -b "$root" ] && dev=$root ;;
		esac
		[ -n "$dev" ] && break
		sleep 0.1
	done
	if [ -z "$dev" ]; then
		echo "xenolith-guest: root=$root: no such block device after 10 s (modules not loaded:${failed:- none}); a shell instead"
	elif mount -o "$mode" ${rootfstype:+-t "$rootfstype"} "$dev" /newroot; then
		umount /proc /sys
		mount --move /dev /newroot/dev 2>/dev/null || umount /dev
		exec switch_root /newroot "$init"
	else
		echo "xenolith-guest: root=$root: cannot mount $dev; a shell instead"
	fi
fi
insmod /lib/evdev.ko && insmod /lib/button.ko &&
	acpid -c /etc/acpi -l /dev/null -p /dev/null
# cttyhack opens the console's real tty (ttyS0), so that the shell has job control.
cd /root
setsid cttyhack sh -l
echo "xenolith-guest: the shell exited, powering off"
poweroff -f
# init must never return; poweroff -f does not come back.
while :; do sleep 3600; done
INIT
chmod 755 "$stage/init"
printf 'PS1='\''demo:\\w\\$ '\''\n' > "$stage/root/.profile"

mkdir -p "$(dirname "$out")"
(cd "$stage" && find . | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet) | gzip -9 > "$out.tmp"
mv "$out.tmp" "$out"
