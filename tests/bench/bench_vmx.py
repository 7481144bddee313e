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


def cpu_seconds(pid):
    """CPU time (user and system) the emulator process PID has used so far."""
    with open(f"/proc/{pid}/stat", encoding="ascii") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def emulator_pid(m):
    """The Bochs or QEMU process behind machine M."""
    return m.proc.pid if isinstance(m, BochsMachine) else m.child.pid


def boot_to_init(machine_for, entry):
    """(wall seconds, emulator CPU seconds) from power-on to dom0's init on
    the GRUB entry ENTRY."""
    start = time.monotonic()
    with machine_for(entry) as m:
        m.grub_select(entry)
        m.expect(INIT_REACHED, 1800)
        return time.monotonic() - start, cpu_seconds(emulator_pid(m))


def ratio(emulator, machine_for):
    """Both boots under one emulator: their times and the ratios, printed. The
    emulator's CPU time is the steadier figure on a loaded machine: it counts
    the emulation work only, not the time other processes took the cores."""
    wall, cpu = {}, {}
    for name, entry in ENTRIES:
        wall[name], cpu[name] = boot_to_init(machine_for, entry)
        figure(f"power-on to dom0's init, {name} ({emulator}, 1 CPU)", f"{wall[name]:.1f}", "s")
        figure("  emulator CPU time for it", f"{cpu[name]:.1f}", "s")
    for what, t in (("wall time", wall), ("emulator CPU time", cpu)):
        figure(f"boot to init through the hypervisor / plain Linux ({emulator}, {what})",
               f"{t['Xenolith (dom0)'] / t['plain Linux']:.2f}", "x")


def main():
    iso = check_iso()
    ratio("VT-x, Bochs", lambda entry: BochsMachine(f"bench-vmx-{entry}", iso))
    ratio("AMD-V, QEMU TCG", lambda entry: Machine(f"bench-svm-{entry}", cdrom=iso))


if __name__ == "__main__":
    main()
