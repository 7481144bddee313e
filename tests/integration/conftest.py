"""Shared fixtures for the QEMU integration tests."""
import os
import subprocess

import pytest

from qemu import build_path

# GRUB menu entries, in the order of boot/grub.cfg.in.
MENU_XENOLITH = 0
MENU_XENOLITH_SERIAL = 1
MENU_XENOLITH_STATIC_IP = 2
MENU_LINUX = 3
MENU_LINUX_RESCUE = 4
MENU_LINUX_STATIC_IP = 5

# Kernel command line for tests that boot the CD's kernel and initrd with -kernel.
KERNEL_ARGS = "console=ttyS0,115200n8 net.ifnames=0"


@pytest.fixture(scope="session")
def iso():
    """The ISO that `make check` built (XENOLITH_ISO overrides)."""
    path = os.environ.get("XENOLITH_ISO", build_path("xenolith-check.iso"))
    if not os.path.exists(path):
        pytest.fail(f"{path} is missing: run `make iso VERSION=check` first")
    return path


@pytest.fixture(scope="session")
def boot_files(iso, tmp_path_factory):
    """(kernel, initrd) taken out of the ISO, for -kernel/-initrd boots."""
    d = tmp_path_factory.mktemp("cdboot")
    subprocess.run(["xorriso", "-osirrox", "on", "-indev", iso,
                    "-extract", "/boot/vmlinuz", str(d / "vmlinuz"),
                    "-extract", "/boot/initrd.gz", str(d / "initrd.gz")],
                   check=True, capture_output=True)
    return str(d / "vmlinuz"), str(d / "initrd.gz")
