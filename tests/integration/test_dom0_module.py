"""dom0's module (/dev/xenolith) and the demo guest's files on the CD.

Under the hypervisor the module loads at boot for the CD's own kernel; on
the menu's "Linux (no hypervisor)" it declines with one line in dmesg. The
demo guest's kernel and initrd, taken out of the CD, boot to their shell
(here straight in QEMU: xenoctl create is tested with xenoctl).
"""
import subprocess

from conftest import MENU_LINUX, MENU_XENOLITH
from qemu import Machine

LOADED = "/dev/xenolith ready"
DECLINED = "not running under the Xenolith hypervisor"
GUEST = "/usr/lib/xenolith/guest"


def module_lines(m):
    """The module's lines in dmesg."""
    return m.check("dmesg | grep 'xenolith: ' || true")


def test_module_loads_under_the_hypervisor(iso):
    with Machine("dom0-module", cdrom=iso) as m:
        m.grub_select(MENU_XENOLITH)
        m.login(timeout=900)

        lines = module_lines(m)
        assert LOADED in lines, f"expected the module's '{LOADED}' line in dmesg, saw:\n{lines}"
        assert "ABI" in lines, f"the load line should name the ABI version:\n{lines}"
        assert m.check("stat -c '%F %a %U' /dev/xenolith") == "character special file 600 root"
        kver = m.check("uname -r")
        assert m.check("modinfo -F filename xenolith") == \
            f"/lib/modules/{kver}/updates/xenolith.ko"
        assert m.check("modinfo -F vermagic xenolith").split()[0] == kver
        release = m.check(". /etc/xenolith-release && echo \"$XENOLITH_KERNEL\"")
        assert release == kver, \
            f"/etc/xenolith-release says XENOLITH_KERNEL={release!r}, uname -r says {kver!r}"

        # The demo guest: config, the CD's own kernel, and the BusyBox initrd with its marker.
        cfg = m.check("cat /etc/xenolith/demo.cfg")
        for line in ('name = "demo"', f'kernel = "{GUEST}/vmlinuz"',
                     f'ramdisk = "{GUEST}/initrd.gz"', "memory = 128", "vcpus = 1",
                     'on_poweroff = "destroy"'):
            assert line in cfg, f"/etc/xenolith/demo.cfg lacks {line!r}:\n{cfg}"
        m.check(f"cmp {GUEST}/vmlinuz /run/xenolith/medium/boot/vmlinuz")
        init = m.check(f"zcat {GUEST}/initrd.gz | busybox cpio -i --to-stdout init 2>/dev/null")
        assert "xenolith-guest: init reached" in init and "cttyhack" in init, \
            f"the guest initrd's /init is not the demo's:\n{init}"
        m.check(f"zcat {GUEST}/initrd.gz | busybox cpio -t 2>/dev/null | grep -qx bin/busybox")
        m.check("test -d /etc/xenolith/auto")
        assert m.check("systemctl is-enabled xenolith-domains.service") == "enabled"


def test_no_module_without_the_hypervisor(iso):
    with Machine("dom0-module-linux", cdrom=iso) as m:
        m.grub_select(MENU_LINUX)
        m.login(timeout=600)

        lines = module_lines(m)
        assert DECLINED in lines, f"expected the module's '{DECLINED}' line in dmesg, saw:\n{lines}"
        assert LOADED not in lines, lines
        status, out = m.run("grep -w ^xenolith /proc/modules")
        assert status != 0, f"the module is loaded on plain Linux:\n{out}"
        m.check("test ! -e /dev/xenolith")
        # Declining is not a failure: systemd-modules-load stays fine, and the domains
        # service is skipped (no /dev/xenolith).
        m.run("systemctl is-system-running --wait", timeout=300)
        status, out = m.run("systemctl is-failed systemd-modules-load.service")
        assert status != 0, f"systemd-modules-load.service failed: {out}"
        assert m.check("systemctl show -P ConditionResult xenolith-domains.service") == "no"


def test_demo_guest_initrd_boots_to_a_shell(iso, tmp_path):
    subprocess.run(["xorriso", "-osirrox", "on", "-indev", iso, "-extract",
                    "/xenolith/root.sqfs", str(tmp_path / "root.sqfs")],
                   check=True, capture_output=True)
    subprocess.run(["unsquashfs", "-q", "-n", "-d", str(tmp_path / "root"),
                    str(tmp_path / "root.sqfs"), GUEST.lstrip("/")],
                   check=True, capture_output=True)
    guest = str(tmp_path / "root") + GUEST
    with Machine("demo-guest-direct", kernel=guest + "/vmlinuz", initrd=guest + "/initrd.gz",
                 append="console=ttyS0", memory=128, nic=None) as m:
        m.expect(r"xenolith-guest: init reached \(kernel \S+, 1 CPUs, \d+ MiB\)", 120)
        m.expect(r"demo:/root# ", 60)
        # Job control: the shell has the serial line as its controlling terminal.
        m.send("sleep 100 &\n")
        m.send("jobs\n")
        m.expect(r"\[1\]\+ +Running +sleep 100", 30)
        m.send("exit\n")
        m.expect("xenolith-guest: the shell exited, powering off", 60)
        m.expect("reboot: Power down", 60)
