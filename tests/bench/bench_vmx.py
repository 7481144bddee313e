"""Figures for Intel VT-x: power-on to dom0's init through the hypervisor against plain
Linux under Bochs (VT-x with EPT), next to the same ratio for AMD-V under QEMU.

Each pair boots the same ISO (build/xenolith-check.iso, made if missing) one boot after
the other, 1 CPU: the CD's "Linux (no hypervisor)" entry, then its Xenolith entry. The
clock runs from power-on to linuxrc's "starting /sbin/init" line, which both print. The
Bochs CPU is the VT-x one of tests/integration/bochs.py; the QEMU one has AMD-V with
nested paging, as in the other benchmarks.
"""
import os
import sys
import time

from benchlib import MENU_LINUX, MENU_XENOLITH, Machine, check_iso, figure

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "integration"))
from bochs import BochsMachine  # noqa: E402

INIT_REACHED = "linuxrc: starting /sbin/init"
ENTRIES = (("plain Linux", MENU_LINUX), ("Xenolith (dom0)", MENU_XENOLITH))


def boot_to_init(machine_for, entry):
    """Seconds from power-on to dom0's init on the GRUB entry ENTRY."""
    start = time.monotonic()
    with machine_for(entry) as m:
        m.grub_select(entry)
        m.expect(INIT_REACHED, 1800)
        return time.monotonic() - start


def ratio(emulator, machine_for):
    """Both boots under one emulator: their times and the ratio, printed."""
    times = {}
    for name, entry in ENTRIES:
        times[name] = boot_to_init(machine_for, entry)
        figure(f"power-on to dom0's init, {name} ({emulator}, 1 CPU)", f"{times[name]:.1f}", "s")
    figure(f"boot to init through the hypervisor / plain Linux ({emulator})",
           f"{times['Xenolith (dom0)'] / times['plain Linux']:.2f}", "x")


def main():
    iso = check_iso()
    ratio("VT-x, Bochs", lambda entry: BochsMachine(f"bench-vmx-{entry}", iso))
    ratio("AMD-V, QEMU TCG", lambda entry: Machine(f"bench-svm-{entry}", cdrom=iso))


if __name__ == "__main__":
    main()
