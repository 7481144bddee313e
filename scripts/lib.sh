# Shell helpers shared by the build scripts (sourced, POSIX sh).

# die MESSAGE: print "PROGRAM: error: MESSAGE" on stderr and exit 1.
die() {
	echo "${0##*/}: error: $*" >&2
	exit 1
}

# log MESSAGE: progress line on stderr.
log() {
	echo "${0##*/}: $*" >&2
}

# need_tools TOOL...: die naming the first tool that is not on PATH.
need_tools() {
	for t in "$@"; do
		command -v "$t" >/dev/null 2>&1 || die "missing tool '$t' (run scripts/deps.sh as root)"
	done
}

# kernel_pin: the preferred Debian kernel ABI (rootfs/kernel-version), or nothing.
kernel_pin() {
	sed -e 's/#.*//' -e '/^[[:space:]]*$/d' rootfs/kernel-version 2>/dev/null | head -n 1 | tr -d '[:space:]'
}

# kernel_available ABI: true when apt has an install candidate for linux-image-ABI.
kernel_available() {
	apt-cache policy "linux-image-$1" 2>/dev/null |
		grep -q '^[[:space:]]*Candidate:[[:space:]]*[0-9]'
}

# kernel_resolve [PIN]: the Debian kernel ABI (e.g. 6.1.0-57-amd64) to build with, on
# stdout, from the apt lists of this machine: PIN while linux-image-PIN is still
# available (Debian's archive keeps only its newest kernels), else the one the
# linux-image-amd64 metapackage depends on, else the newest linux-image-6.1.*-amd64.
# Logs the choice; fails (status 1, nothing on stdout) when apt knows none of them.
kernel_resolve() {
	if [ -n "${1:-}" ] && kernel_available "$1"; then
		log "kernel $1 (rootfs/kernel-version)"
		echo "$1"
		return 0
	fi
	k=$(apt-cache depends linux-image-amd64 2>/dev/null |
		sed -n 's/^[[:space:]|]*Depends:[[:space:]]*linux-image-\([0-9][^[:space:]]*-amd64\)$/\1/p' |
		head -n 1)
	if [ -n "$k" ] && kernel_available "$k"; then
		log "kernel $k (linux-image-amd64 depends on it${1:+; $1 is no longer available})"
		echo "$k"
		return 0
	fi
	for k in $(apt-cache pkgnames linux-image-6.1. 2>/dev/null |
		sed -n 's/^linux-image-\(6\.1\.[0-9]*-[0-9]*-amd64\)$/\1/p' | sort -t- -k2,2nr); do
		kernel_available "$k" || continue
		log "kernel $k (the newest linux-image-6.1.*-amd64${1:+; $1 is no longer available})"
		echo "$k"
		return 0
	done
	return 1
}
