"""The ISO is a hybrid image: written to a USB stick as it is, it boots, and linuxrc finds it there."""
from conftest import MENU_LINUX
from qemu import Machine


def test_iso_boots_from_a_usb_stick(iso):
    stick = ["-device", "qemu-xhci",
             "-drive", f"if=none,id=stick,format=raw,readonly=on,file={iso}",
             "-device", "usb-storage,drive=stick,bootindex=0"]
    with Machine("live-usb", extra=stick) as m:
        m.grub_select(MENU_LINUX, timeout=300)
        m.expect(r"linuxrc: found the Xenolith CD on /dev/sd[a-z]", 600)
        m.login()
        assert m.check("findmnt -n -o FSTYPE /run/xenolith/medium") == "iso9660"
        assert m.check("findmnt -n -o FSTYPE /usr") == "squashfs"
