"""The hypervisor image booted by GRUB with multiboot2, under BIOS and UEFI.

A small GRUB rescue ISO (not the CD) holding build/xenolith.gz, the CD's
kernel and the test initramfs of test_hypervisor_kernel.py.
"""
import os
import shutil
import subprocess

import pytest

from qemu import Machine, build_path
from test_hypervisor_kernel import BOOT_TIMEOUT, KERNEL, SIGNATURE, initrd  # noqa: F401

GRUB_CFG = """insmod all_video
serial --unit=0 --speed=115200
terminal_input serial
terminal_output serial
set timeout=0
menuentry "xenolith (multiboot2)" {
	multiboot2 /boot/xenolith.gz noreboot com1=115200,8n1
	module2 /boot/vmlinuz console=ttyS0,115200 panic=-1
	module2 /boot/initrd.gz
}
"""


@pytest.fixture(scope="module")
def grub_iso(initrd):
    """A small GRUB rescue ISO booting build/xenolith.gz with multiboot2."""
    if not shutil.which("grub-mkrescue"):
        pytest.skip("grub-mkrescue is not installed")
    root = build_path("test-hv", "iso")
    shutil.rmtree(root, ignore_errors=True)
    os.makedirs(os.path.join(root, "boot", "grub"))
    shutil.copy(build_path("xenolith.gz"), os.path.join(root, "boot", "xenolith.gz"))
    shutil.copy(KERNEL, os.path.join(root, "boot", "vmlinuz"))
    shutil.copy(initrd, os.path.join(root, "boot", "initrd.gz"))
    with open(os.path.join(root, "boot", "grub", "grub.cfg"), "w") as f:
        f.write(GRUB_CFG)
    iso = build_path("test-hv", "multiboot2.iso")
    subprocess.run(["grub-mkrescue", "-o", iso, root], check=True, capture_output=True)
    return iso


@pytest.mark.parametrize("uefi", [False, True], ids=["bios", "uefi"])
def test_grub_multiboot2_boots_dom0(grub_iso, uefi):
    with Machine(f"hv-grub-mb2-{'uefi' if uefi else 'bios'}", cdrom=grub_iso, uefi=uefi,
                 nic=None) as m:
        m.expect(r"Xenolith hypervisor", 120)
        m.expect(r"Booted by GRUB.*\(multiboot2\)", 30)
        # The loader's framebuffer (GOP under UEFI, VESA under BIOS) is
        # handed to dom0 through the zero page's screen_info.
        m.expect(r"Framebuffer: \d+x\d+, \d+ bpp, type 1", 30)
        m.expect(r"fb0: (EFI|VESA) VGA frame buffer device", BOOT_TIMEOUT)
        assert m.child.match.group(1) == ("EFI" if uefi else "VESA")
        m.expect(r"HV-BIT=1 HV-SIG=" + SIGNATURE, BOOT_TIMEOUT)
        m.expect(r"XENOLITH-TEST-READY", 60)
