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


_shared_dom0s = []


@pytest.fixture(scope="session")
def shared_dom0(iso):
    """The dom0 that this worker's test files using guests.dom0_fixtures share."""
    from guests import SharedDom0  # guests imports this file: import it when used
    holder = SharedDom0(iso)
    _shared_dom0s.append(holder)
    yield holder
    holder.close()


def pytest_collection_modifyitems(items):
    """The test files that share a dom0 first: each worker boots it once, then
    closes it when it moves on to the others (pytest_runtest_setup)."""
    items.sort(key=lambda item: "shared_dom0" not in item.fixturenames)


def pytest_runtest_setup(item):
    """Before a test that does not use the shared dom0: stop it (idle, it would
    still take CPU from the machines that follow)."""
    if "shared_dom0" not in item.fixturenames:
        for holder in _shared_dom0s:
            holder.close()
