#!/bin/sh
# Boot an ISO in QEMU with the serial console on this terminal: scripts/run-qemu.sh ISO [QEMU ARGS...]
# Quit with Ctrl-A then x; Ctrl-A twice sends one Ctrl-A to the machine.
set -eu
. "$(dirname "$0")/lib.sh"
iso=${1:?usage: run-qemu.sh ISO [QEMU ARGS...]}
shift
[ -f "$iso" ] || die "$iso: no such file (make iso first)"
need_tools qemu-system-x86_64
accel=$("$(dirname "$0")/qemu-accel")
echo "Booting $iso under QEMU ($accel); quit with Ctrl-A x." >&2
exec qemu-system-x86_64 -M q35 -accel "$accel" -m "${XENOLITH_QEMU_MEM:-2048}" -smp "${XENOLITH_QEMU_SMP:-2}" \
	-cpu qemu64,+svm,+npt -display none -serial mon:stdio \
	-drive "media=cdrom,readonly=on,file=$iso" \
	-nic user,model=virtio-net-pci,hostfwd=tcp:127.0.0.1:2222-:22,hostfwd=tcp:127.0.0.1:8080-:80 \
	"$@"
