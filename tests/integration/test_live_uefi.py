"""The ISO boots by UEFI (OVMF) to a login."""
from conftest import MENU_LINUX
from qemu import Machine


def test_uefi_boot_to_login(iso):
    with Machine("live-uefi", cdrom=iso, uefi=True) as m:
        m.grub_select(MENU_LINUX, timeout=300)
        m.login(timeout=900)
        m.check("test -d /sys/firmware/efi")
        assert 'XENOLITH_VERSION="check"' in m.check("cat /etc/xenolith-release")
        assert m.check("findmnt -n -o FSTYPE /") == "tmpfs"
