"""xenolith-install end to end: from the booted CD onto a blank disk, which then boots alone.

One CD boot installs onto a blank disk of exactly the size the installer asks
for (and refuses a too-small second disk); the installed disk is then booted
without the CD, by BIOS and by UEFI.
"""
import hashlib
import os
import re
import subprocess

import pexpect
import pytest

from conftest import MENU_LINUX
from qemu import TOP, Machine

SCRIPT = os.path.join(TOP, "tools", "xenolith-install")
SMALL_MIB = 256


def digest(path):
    """SHA-256 of a file's bytes."""
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def power_off(m):
    """Shut the machine down and wait for QEMU to exit (it runs with -no-reboot)."""
    m.send("poweroff\n")
    try:
        m.child.expect(pexpect.EOF, timeout=180)
    except pexpect.TIMEOUT:
        raise AssertionError(f"{m.name}: QEMU still running 180 s after poweroff") from None


@pytest.fixture(scope="module")
def installed(iso, tmp_path_factory):
    """Boot the CD with a blank disk and a small one, install onto the blank one.

    Returns (disk image path, root UUID the installer reported, `sha256sum`
    lines of the kernel, initrd and hypervisor on the CD).
    """
    d = tmp_path_factory.mktemp("install")
    disk = str(d / "disk.img")
    small = str(d / "small.img")
    # Ask the installer on the host how much this ISO needs (it refuses a 1 MiB
    # image and says), and make the disk just that large: the estimate must hold.
    with open(disk, "wb") as f:
        f.truncate(1 << 20)
    r = subprocess.run([SCRIPT, "--from", iso, disk], capture_output=True, text=True,
                       env=dict(os.environ, TMPDIR=str(d)), timeout=600, check=False)
    need = re.search(r": 1 MiB is too small, need at least (\d+) MiB$", r.stderr.strip())
    assert need, f"expected the installer to refuse a 1 MiB image, got:\n{r.stderr}"
    need_mib = int(need.group(1))
    with open(disk, "wb") as f:
        f.truncate(need_mib << 20)
    with open(small, "wb") as f:
        f.truncate(SMALL_MIB << 20)
    small_before = digest(small)
    with Machine("install-cd", cdrom=iso, disks=[disk, small], memory=1536, smp=2) as m:
        m.login()
        # Refused inside the live system: a disk too small for the root.
        status, out = m.run("xenolith-install /dev/vdb 2>&1")
        assert status == 1, f"xenolith-install /dev/vdb: expected exit 1, got {status}:\n{out}"
        assert out == (f"xenolith-install: error: /dev/vdb: {SMALL_MIB} MiB is too small, "
                       f"need at least {need_mib} MiB"), f"unexpected refusal:\n{out}"

        boot_sums = m.check("cd /run/xenolith/medium/boot && "
                            "sha256sum vmlinuz initrd.gz $(ls xenolith.gz 2>/dev/null)")
        loops = m.check("losetup -a")
        out = m.check("xenolith-install /dev/vda 2>&1", timeout=1800)
        done = re.search(r"xenolith-install: done: .* root=UUID=([0-9a-f-]{36})", out)
        assert done, f"xenolith-install /dev/vda: no 'done' line in:\n{out}"
        uuid = done.group(1)
        left = m.check("findmnt -rn -o SOURCE,TARGET | grep -e vda -e xenolith-install; true")
        assert left == "", f"the installer left mounts behind:\n{left}"
        assert m.check("losetup -a") == loops, "the installer left loop devices behind"

        # The installed disk is not blank any more: a second run refuses it.
        status, out = m.run("xenolith-install /dev/vda 2>&1")
        assert status == 1 and out == ("xenolith-install: error: /dev/vda: already holds data "
                                       "(gpt partition table); add --force to overwrite all of it"), \
            f"second install onto /dev/vda: exit {status}:\n{out}"
        power_off(m)
    assert digest(small) == small_before, "the refused disk /dev/vdb was changed"
    return disk, uuid, boot_sums


def check_installed_system(m, uuid, boot_sums):
    """The running system has the installed disk as its root, mounted as fstab says,
    and the CD's kernel, initrd and hypervisor in /boot."""
    m.login()
    out = m.check("findmnt -n -o SOURCE,FSTYPE,OPTIONS /")
    assert re.match(r"/dev/vda3\s+ext4\s+rw,", out), f"expected / on /dev/vda3, ext4, rw; got: {out}"
    assert m.check("blkid -s UUID -o value /dev/vda3") == uuid
    assert f"root=UUID={uuid}" in m.check("cat /proc/cmdline")
    assert re.match(r"/dev/vda2\s+vfat", m.check("findmnt -n -o SOURCE,FSTYPE /boot/efi")), \
        "the EFI system partition is not mounted on /boot/efi"
    release = m.check("cat /etc/xenolith-release")
    assert "XENOLITH_VERSION=" in release, f"/etc/xenolith-release: {release}"
    status, out = m.run("findmnt /run/xenolith/medium")
    assert status != 0, f"the CD is mounted although the machine has none:\n{out}"
    quoted = " ".join(f"'{line}'" for line in boot_sums.splitlines())
    m.check(f"printf '%s\\n' {quoted} > /tmp/boot.sums")
    m.check("cd /boot && sha256sum --quiet -c /tmp/boot.sums")


def test_boot_installed_disk_bios(installed):
    """BIOS, the menu's default entry."""
    disk, uuid, boot_sums = installed
    with Machine("install-bios", disks=[disk]) as m:
        check_installed_system(m, uuid, boot_sums)


def test_boot_installed_disk_uefi(installed):
    """UEFI, the plain Linux entry (under the hypervisor Linux would not see the EFI tables)."""
    disk, uuid, boot_sums = installed
    with Machine("install-uefi", disks=[disk], uefi=True) as m:
        m.grub_select(MENU_LINUX)
        check_installed_system(m, uuid, boot_sums)
        m.check("test -d /sys/firmware/efi")
        assert "/EFI/BOOT/BOOTX64.EFI" in m.check("cd /boot/efi && find . -iname '*.efi' | "
                                                  "tr a-z A-Z | sed 's/^\\.//'")
