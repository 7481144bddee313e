"""linuxrc's boot options: xenolith.toram and xenolith.overlay."""
from conftest import KERNEL_ARGS
from qemu import Machine


def test_toram_frees_the_cd(iso, boot_files):
    kernel, initrd = boot_files
    with Machine("linuxrc-toram", cdrom=iso, kernel=kernel, initrd=initrd,
                 append=KERNEL_ARGS + " xenolith.toram") as m:
        m.expect("linuxrc: copying the CD to RAM", 300)
        m.login()
        assert m.check("findmnt -n -o FSTYPE /run/xenolith/medium") == "tmpfs"
        assert m.check("grep -c iso9660 /proc/mounts || true") == "0"
        m.check("test -s /run/xenolith/medium/xenolith/root.sqfs")
        assert m.check("findmnt -n -o FSTYPE /usr") == "squashfs"


def test_overlay_root_is_writable_everywhere(iso, boot_files):
    kernel, initrd = boot_files
    with Machine("linuxrc-overlay", cdrom=iso, kernel=kernel, initrd=initrd,
                 append=KERNEL_ARGS + " xenolith.overlay") as m:
        m.login()
        assert m.check("findmnt -n -o FSTYPE /") == "overlay"
        m.check("touch /usr/xenolith-overlay-test && rm /usr/xenolith-overlay-test")
        assert 'XENOLITH_VERSION="check"' in m.check("cat /etc/xenolith-release")
