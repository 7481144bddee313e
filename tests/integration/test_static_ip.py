"""The GRUB entry with a static IP applies the kernel's ip= option instead of DHCP."""
from conftest import MENU_LINUX_STATIC_IP
from qemu import Machine


def test_static_ip_entry(iso):
    with Machine("static-ip", cdrom=iso) as m:
        m.grub_select(MENU_LINUX_STATIC_IP)
        m.login()
        addr = m.check("ip -4 -br addr show eth0")
        assert "10.0.2.10/24" in addr and "10.0.2.15" not in addr, addr
        assert "default via 10.0.2.2" in m.check("ip route show default")
        assert m.check("hostname") == "xenolith"
