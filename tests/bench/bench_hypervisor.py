"""Figures for the hypervisor: image size, and boot to dom0 login against plain Linux.

Both boots use the same ISO (build/xenolith-check.iso, made by `make iso VERSION=check`
if missing), one after the other in the same run, under QEMU's software emulation.
"""
import os
import subprocess

from benchlib import MENU_LINUX, MENU_XENOLITH, TOP, boot_to_login, build_path, figure


def main():
    iso = build_path("xenolith-check.iso")
    if not os.path.exists(iso):
        subprocess.run(["./make-iso.sh", "check"], cwd=TOP, check=True, stdout=subprocess.DEVNULL)
    figure("hypervisor image (build/xenolith)",
           f"{os.path.getsize(build_path('xenolith')) / 1024:.0f}", "KiB")
    figure("hypervisor image compressed (build/xenolith.gz)",
           f"{os.path.getsize(build_path('xenolith.gz')) / 1024:.0f}", "KiB")

    times = {}
    for name, entry in (("plain Linux", MENU_LINUX), ("Xenolith (dom0)", MENU_XENOLITH)):
        seconds, m = boot_to_login("bench-" + str(entry), iso, entry)
        m.close()
        times[name] = seconds
        figure(f"power-on to login prompt, {name} (QEMU TCG, BIOS, 1 CPU)", f"{seconds:.1f}", "s")
    figure("boot through the hypervisor / plain Linux",
           f"{times['Xenolith (dom0)'] / times['plain Linux']:.2f}", "x")


if __name__ == "__main__":
    main()
