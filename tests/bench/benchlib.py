"""Shared pieces of the benchmarks: printing a figure, timing a boot to login."""
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "integration"))
from conftest import MENU_LINUX, MENU_XENOLITH  # noqa: E402,F401
from qemu import TOP, Machine, build_path  # noqa: E402,F401


def figure(name, value, unit):
    """Print one figure as `name: value unit`."""
    print(f"{name}: {value} {unit}", flush=True)


def boot_to_login(name, iso, menu_index, **machine_args):
    """Boot ISO's GRUB entry MENU_INDEX; returns (seconds to the login prompt, Machine).

    The clock starts when QEMU starts (power-on). The caller closes the Machine.
    """
    start = time.monotonic()
    m = Machine(name, cdrom=iso, **machine_args)
    m.grub_select(menu_index)
    m.expect("login: ", 900)
    return time.monotonic() - start, m


def check_iso():
    """build/xenolith-check.iso, made by ./make-iso.sh check if missing."""
    iso = build_path("xenolith-check.iso")
    if not os.path.exists(iso):
        subprocess.run(["./make-iso.sh", "check"], cwd=TOP, check=True, stdout=subprocess.DEVNULL)
    return iso


def dom0_machine(name):
    """The CD (build/xenolith-check.iso, made if missing) booted under the
    hypervisor, 2 CPUs, 1 GiB, logged in on the serial line with its services
    up. The caller closes the Machine (a context manager)."""
    iso = check_iso()
    m = Machine(name, cdrom=iso, smp=2, memory=1024)
    m.grub_select(MENU_XENOLITH)
    m.login(timeout=900)
    m.run("systemctl is-system-running --wait", timeout=600)
    return m
