# vif-common.sh - sourced by the vif-* scripts: the environment xenoctl gives them, checked.
# xenoctl runs SCRIPT online with vif, mac, bridge, ip, domid, domname, devid and
# XENOLITH_SCRIPTS in the environment (docs/networking.md, "The scripts"). A script
# prints the reason of a failure as its last line and exits non-zero: xenoctl
# then names the vif and the script, and the domain is not created.

# die MSG: the one line xenoctl shows, then a failure.
die() {
	echo "$*" >&2
	exit 1
}

[ "${1:-}" = online ] || die "usage: $0 online (with vif, mac, bridge, ip, domid in the environment)"
[ -n "${vif:-}" ] || die "no vif in the environment"
[ -e "/sys/class/net/$vif" ] || die "$vif: no such interface"

# set_sysctl PATH VALUE: write a /proc/sys entry, or fail naming it.
set_sysctl() {
	echo "$2" > "/proc/sys/$1" 2>/dev/null || die "/proc/sys/$1: cannot write $2"
}
