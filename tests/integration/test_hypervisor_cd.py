"""The CD's default entry: GRUB loads the hypervisor, which boots dom0 to its login prompt."""
import re

import pytest

from qemu import Machine

SIGNATURE = "XenolithHVMM"
# CPUID leaf 0x40000000 through the kernel's cpuid driver: the file offset is the leaf.
READ_SIGNATURE = ("modprobe cpuid && dd if=/dev/cpu/0/cpuid bs=16 count=1 "
                  "skip=$((0x40000000)) iflag=skip_bytes status=none | tail -c 12")


@pytest.mark.parametrize("uefi", [False, True], ids=["bios", "uefi"])
def test_cd_boots_dom0_under_the_hypervisor(iso, uefi):
    with Machine("hv-cd-" + ("uefi" if uefi else "bios"), cdrom=iso, uefi=uefi) as m:
        m.expect(r"Xenolith check \(Xenolith developers\): Xenolith ", 300)
        m.send("\r")
        # The banner is the first thing the hypervisor prints.
        m.expect(r"\[cpu0\] ([^\r\n]*)\r", 120)
        assert re.match(r"Xenolith hypervisor check \(built by Xenolith developers, ",
                        m.child.match.group(1)), m.child.match.group(1)
        m.login(timeout=900)
        assert m.check("grep -c -w hypervisor /proc/cpuinfo") == "1"
        assert m.check(READ_SIGNATURE) == SIGNATURE
        assert m.check("findmnt -n -o FSTYPE /") == "tmpfs"
        assert 'XENOLITH_VERSION="check"' in m.check("cat /etc/xenolith-release")
