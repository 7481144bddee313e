"""The hypervisor image loaded by syslinux's mboot.c32 (ISOLINUX, BIOS) boots dom0."""
import os
import shutil
import subprocess

import pytest

from qemu import Machine, build_path
from test_hypervisor_kernel import BOOT_TIMEOUT, KERNEL, SIGNATURE, initrd  # noqa: F401

ISOLINUX = "/usr/lib/ISOLINUX/isolinux.bin"
MODULES = "/usr/lib/syslinux/modules/bios"
ISOLINUX_CFG = """SERIAL 0 115200
DEFAULT xenolith
TIMEOUT 1
LABEL xenolith
  KERNEL mboot.c32
  APPEND xenolith noreboot com1=115200,8n1 --- vmlinuz console=ttyS0,115200 panic=-1 --- initrd.gz
"""


@pytest.fixture(scope="module")
def isolinux_iso(initrd):
    """A small ISOLINUX CD: mboot.c32 loading build/xenolith with the CD's kernel as dom0."""
    root = build_path("test-hv", "isolinux")
    shutil.rmtree(root, ignore_errors=True)
    os.makedirs(root)
    shutil.copy(ISOLINUX, root)
    for module in ("ldlinux.c32", "libcom32.c32", "mboot.c32"):
        shutil.copy(os.path.join(MODULES, module), root)
    shutil.copy(build_path("xenolith"), os.path.join(root, "xenolith"))
    shutil.copy(KERNEL, os.path.join(root, "vmlinuz"))
    shutil.copy(initrd, os.path.join(root, "initrd.gz"))
    with open(os.path.join(root, "isolinux.cfg"), "w") as f:
        f.write(ISOLINUX_CFG)
    iso = build_path("test-hv", "isolinux.iso")
    subprocess.run(["xorriso", "-as", "mkisofs", "-quiet", "-o", iso, "-b", "isolinux.bin",
                    "-c", "boot.cat", "-no-emul-boot", "-boot-load-size", "4",
                    "-boot-info-table", root], check=True, capture_output=True)
    return iso


def test_syslinux_mboot_boots_dom0(isolinux_iso):
    with Machine("hv-syslinux", cdrom=isolinux_iso, nic=None) as m:
        m.expect(r"Xenolith hypervisor", 120)
        m.expect(r"Booted by .*\(multiboot\)", 30)
        m.expect(r"HV-BIT=1 HV-SIG=" + SIGNATURE, BOOT_TIMEOUT)
        m.expect(r"XENOLITH-TEST-READY", 60)
