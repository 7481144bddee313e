#!/bin/sh
# Pack the initrd: irtree/ + static BusyBox + the modules listed in irtree/modules (with deps).
# Usage: scripts/make-initrd.sh ROOT ID OUT   (ROOT: the staged live root; ID: this build's CD id)
set -eu
. "$(dirname "$0")/lib.sh"

root=${1:?usage: make-initrd.sh ROOT ID OUT}
id=${2:?usage: make-initrd.sh ROOT ID OUT}
out=${3:?usage: make-initrd.sh ROOT ID OUT}
top=$(cd "$(dirname "$0")/.." && pwd)
kver=$(ls "$root/usr/lib/modules")
[ "$(echo "$kver" | wc -l)" = 1 ] || die "$root/usr/lib/modules: expected one kernel, found: $kver"
moddir=$root/usr/lib/modules/$kver
[ -x "$root/usr/bin/busybox" ] || die "$root/usr/bin/busybox: missing (package busybox-static)"

stage=$(mktemp -d "${out%/*}/initrd.XXXXXX")
trap 'rm -rf "$stage"' EXIT
cp -a "$top/irtree/." "$stage/"
rm -f "$stage/modules"
ln "$stage/linuxrc" "$stage/init"
mkdir -p "$stage/bin" "$stage/sbin" "$stage/dev" "$stage/proc" "$stage/sys" "$stage/run" \
	"$stage/newroot" "$stage/etc/xenolith" "$stage/lib/modules/$kver"
mknod -m 600 "$stage/dev/console" c 5 1
mknod -m 666 "$stage/dev/null" c 1 3
cp "$root/usr/bin/busybox" "$stage/bin/busybox"
for applet in $("$stage/bin/busybox" --list); do
	[ -e "$stage/bin/$applet" ] || ln -s busybox "$stage/bin/$applet"
done
echo "$id" > "$stage/etc/xenolith/id"

# Each listed module after the modules it needs, as modules.dep says.
sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$top/irtree/modules" | awk -v dep="$moddir/modules.dep" '
	BEGIN { while ((getline line < dep) > 0) { split(line, f, ":"); needs[f[1]] = f[2] } }
	function add(m,  n, i, d) {
		if (m in done) return
		done[m] = 1
		if (!(m in needs)) { print "missing " m > "/dev/stderr"; failed = 1; return }
		n = split(needs[m], d, " ")
		for (i = n; i >= 1; i--) add(d[i])
		print m
	}
	{ add($1) }
	END { exit failed }' > "$stage/etc/xenolith/modules" ||
	die "irtree/modules names a module that $kver does not have"
while read -r m; do
	mkdir -p "$stage/lib/modules/$kver/${m%/*}"
	cp "$moddir/$m" "$stage/lib/modules/$kver/$m"
done < "$stage/etc/xenolith/modules"

(cd "$stage" && find . | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet) | gzip -9 > "$out.tmp"
mv "$out.tmp" "$out"
