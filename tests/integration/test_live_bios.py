"""The ISO boots by BIOS to a login; the live root is laid out as documented."""
from conftest import MENU_LINUX
from qemu import Machine


def test_bios_boot_to_login_and_live_root(iso):
    with Machine("live-bios", cdrom=iso) as m:
        m.grub_select(MENU_LINUX)
        m.expect(r"Xenolith check \(built by Xenolith developers on [0-9-]+\)", 600)
        m.login()

        assert "Xenolith check (Xenolith developers): Linux (no hypervisor)" in m.transcript()
        release = m.check("cat /etc/xenolith-release")
        assert 'XENOLITH_VERSION="check"' in release
        assert 'XENOLITH_BUILDER="Xenolith developers"' in release

        assert m.check("findmnt -n -o FSTYPE /") == "tmpfs"
        usr = m.check("findmnt -n -o FSTYPE,OPTIONS /usr").split()
        assert usr[0] == "squashfs" and "ro" in usr[1].split(","), usr
        status, out = m.run("touch /usr/xenolith-write-test")
        assert status != 0 and "Read-only file system" in out, out
        assert "iso9660" in m.check("findmnt -n -o FSTYPE /run/xenolith/medium")

        # DHCP on the first NIC, from QEMU's user network.
        assert "10.0.2.15/24" in m.check("ip -4 -br addr show eth0")
        # Let the boot finish (parallel tests slow it down) before looking at services.
        m.run("systemctl is-system-running --wait", timeout=300)
        # The manual is served on port 80, and sshd runs with keys of its own.
        assert "Xenolith manual" in m.check("busybox wget -q -O - http://127.0.0.1/")
        m.check("systemctl is-active ssh && test -s /etc/ssh/ssh_host_ed25519_key")
        assert m.check("systemctl --failed --no-legend --plain") == ""

        # The unprivileged account logs in with the documented password too.
        m.send("exit\n")
        m.login(user="user")
        assert m.check("id -un") == "user"
