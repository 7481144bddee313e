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
# An NFS root (root=/dev/nfs nfsroot=SERVER:PATH, docs/networking.md): Debian builds NFS
# as modules (no CONFIG_ROOT_NFS), so the initrd mounts it; the client's modules for
# NFSv3 and v4, in modprobe's order, less those already in lib/disk.
mkdir -p "$stage/lib/nfs"
for m in nfsv3 nfsv4; do
	/sbin/modprobe -d "$root" -S "$kver" --show-depends "$m" || die "$root: no module $m"
done | awk '$1 == "insmod" && !seen[$2]++ { print $2 }' | while read -r ko; do
	[ -e "$stage/lib/disk/${ko##*/}" ] && continue
	cp "$ko" "$stage/lib/nfs/"
	echo "${ko##*/}"
done > "$stage/lib/nfs/order"
grep -qx nfs.ko "$stage/lib/nfs/order" || die "$root: modprobe names no nfs.ko for an NFS root"
# ssh into the guest (docs/networking.md): Debian's dropbear and the libraries it
# needs (NEEDED entries, followed), under the paths the loader searches.
[ -x "$root/usr/sbin/dropbear" ] || die "$root/usr/sbin/dropbear: missing (package dropbear-bin)"
cp "$root/usr/sbin/dropbear" "$stage/bin/dropbear"
mkdir -p "$stage/lib64" "$stage/lib/x86_64-linux-gnu" "$stage/etc/dropbear"
cp -L "$root/lib64/ld-linux-x86-64.so.2" "$stage/lib64/"
needed=$(readelf -d "$root/usr/sbin/dropbear" | sed -n 's/.*NEEDED.*\[\(.*\)\]/\1/p')
while [ -n "$needed" ]; do
	next=
	for lib in $needed; do
		[ -e "$stage/lib/x86_64-linux-gnu/$lib" ] && continue
		src=$root/usr/lib/x86_64-linux-gnu/$lib
		[ -e "$src" ] || die "$src: missing (a library dropbear needs)"
		cp -L "$src" "$stage/lib/x86_64-linux-gnu/$lib"
		next="$next $(readelf -d "$src" | sed -n 's/.*NEEDED.*\[\(.*\)\]/\1/p')"
	done
	needed=$next
done
# Root's home is written "/root/": dropbear finds /root//.ssh all the same, and BusyBox's
# prompt keeps showing the directory as /root rather than ~ (the tests read it).
printf 'root:x:0:0:root:/root/:/bin/sh\n' > "$stage/etc/passwd"
printf 'root:x:0:\n' > "$stage/etc/group"
printf '/bin/sh\n' > "$stage/etc/shells"
# udhcpc's hook (dhcp in the configuration): the lease's address, router and name.
cat > "$stage/etc/udhcpc.script" <<'DHCP'
#!/bin/sh
case $1 in
bound|renew)
	ip addr flush dev "$interface"
	ip addr add "$ip/${mask:-24}" dev "$interface"
	[ -n "$router" ] && ip route add default via "${router%% *}" dev "$interface"
	[ -n "$hostname" ] && hostname "$hostname"
	echo "xenolith-guest: $interface: $ip by DHCP"
	;;
esac
exit 0
DHCP
chmod 755 "$stage/etc/udhcpc.script"
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
# ip=CLIENT:SERVER:GATEWAY:NETMASK:HOSTNAME:DEVICE:AUTOCONF (the kernel's form, which
# xenoctl writes from the configuration's ip/netmask/gateway/hostname/dhcp keys).
# root=/dev/nfs nfsroot=SERVER:PATH[,OPTIONS]: an NFS root, read-write unless "ro".
root= rootfstype= mode= init=/sbin/init ipconf= nfsroot=
for arg in $(cat /proc/cmdline); do
	case $arg in
	ip=*) ipconf=${arg#ip=} ;;
	root=*) root=${arg#root=} ;;
	rootfstype=*) rootfstype=${arg#rootfstype=} ;;
	nfsroot=*) nfsroot=${arg#nfsroot=} ;;
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
# eth0 (or ip='s device) as ip= says: a static address, or DHCP.
net_up() {
	IFS=: read -r addr _ gw mask host dev autoconf <<EOF_IP
$ipconf
EOF_IP
	dev=${dev:-eth0}
	[ -n "$host" ] && hostname "$host"
	for i in $(seq 50); do [ -e "/sys/class/net/$dev" ] && break; sleep 0.1; done
	ip link set lo up
	if ! ip link set "$dev" up 2>/dev/null; then
		echo "xenolith-guest: ip=$ipconf: no interface $dev"
		return 1
	elif [ "$autoconf" = dhcp ] || [ "$ipconf" = dhcp ]; then
		udhcpc -i "$dev" -s /etc/udhcpc.script -t 10 -T 2 -n -q ${host:+-x hostname:$host} ||
			{ echo "xenolith-guest: $dev: no DHCP lease"; return 1; }
	elif [ -n "$addr" ]; then
		# No netmask: the class's, as the kernel's ip= does.
		if [ -z "$mask" ]; then
			case ${addr%%.*} in
			[0-9] | [0-9][0-9] | 1[01][0-9] | 12[0-7]) mask=255.0.0.0 ;;
			12[89] | 1[3-8][0-9] | 19[01]) mask=255.255.0.0 ;;
			*) mask=255.255.255.0 ;;
			esac
		fi
		ip addr add "$addr/$mask" dev "$dev"
		# The gateway may lie outside the netmask (routed mode: dom0's address).
		[ -n "$gw" ] && ip route add "$gw" dev "$dev" 2>/dev/null
		[ -n "$gw" ] && ip route add default via "$gw" dev "$dev"
		echo "xenolith-guest: $dev: $addr/$mask${gw:+ via $gw}"
	fi
}
# Hand over to the mounted root's init; /dev goes with it.
switch_to_newroot() {
	umount /proc /sys
	mount --move /dev /newroot/dev 2>/dev/null || umount /dev
	exec switch_root /newroot "$init"
}
if [ "$root" = /dev/nfs ]; then
	# NFSv3 over TCP without the lock manager (one client per root), unless
	# nfsroot='s options say otherwise; the kernel asks the server's rpcbind and mountd.
	server=${nfsroot%%:*} path=${nfsroot#*:} opts=
	case $path in *,*) opts=,${path#*,} path=${path%%,*} ;; esac
	for ko in $(cat /lib/nfs/order); do
		insmod "/lib/nfs/$ko" 2>/dev/null || failed="$failed ${ko%.ko}"
	done
	if [ -z "$nfsroot" ] || [ "$server" = "$nfsroot" ]; then
		echo "xenolith-guest: root=/dev/nfs: no nfsroot=SERVER:PATH; a shell instead"
	elif [ -z "$ipconf" ] || ! net_up; then
		echo "xenolith-guest: root=/dev/nfs: no address for the guest (ip=); a shell instead"
	elif mount -t nfs -o "${mode:-rw},vers=3,proto=tcp,nolock,addr=$server$opts" \
		"$server:$path" /newroot; then
		echo "xenolith-guest: root on NFS $server:$path"
		switch_to_newroot
	else
		echo "xenolith-guest: nfsroot=$nfsroot: cannot mount it (modules not loaded:${failed:- none}); a shell instead"
	fi
	ipconf=
elif [ -n "$root" ]; then
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
	elif mount -o "${mode:-ro}" ${rootfstype:+-t "$rootfstype"} "$dev" /newroot; then
		switch_to_newroot
	else
		echo "xenolith-guest: root=$root: cannot mount $dev; a shell instead"
	fi
fi
# The network: eth0 as ip= says (a static address, or DHCP), then dropbear for ssh
# (host keys made at the first connection; keys in /root/.ssh/authorized_keys).
if [ -n "$ipconf" ]; then
	net_up
	mkdir -p /root/.ssh /dev/pts
	mount -t devpts devpts /dev/pts 2>/dev/null
	dropbear -R 2>/dev/null || echo "xenolith-guest: dropbear would not start"
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
