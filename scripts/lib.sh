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

# kernel_version: the pinned Debian kernel ABI (rootfs/kernel-version).
kernel_version() {
	cat "$(dirname "$0")/rootfs/kernel-version" 2>/dev/null || cat rootfs/kernel-version
}
