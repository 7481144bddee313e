"""A domU whose root file system is a virtual disk made from the CD's own root: the pool on
a partition of its own (`vd pool add`), `vd create --from` the CD's root, and the guest
booting from it to a login prompt (docs/disks.md, docs/guests.md). xenolith-domains.service
runs in dom0 without failing and is skipped in that guest (/dev/xenolith marks dom0)."""
import itertools
import re
import shlex
import time

from conftest import MENU_XENOLITH
from guests import check, console_wait, run, wait_until
from qemu import Machine

ROOTFS = "/run/xenolith/rootfs"		# the CD's root, as linuxrc mounts it
CFG = "/tmp/rootvd.cfg"
CONFIG = """name = "rootvd"
kernel = "/usr/lib/xenolith/guest/vmlinux"
ramdisk = "/usr/lib/xenolith/guest/initrd.gz"
memory = 384
extra = "console=ttyS0 root=/dev/vda rw"
disk = [ 'vd:root,xvda,w' ]
"""


def test_guest_boots_from_the_cd_root_on_a_vd(iso, tmp_path):
    pool = tmp_path / "pool.img"
    with open(pool, "wb") as f:
        f.truncate(4 << 30)			# sparse
    m = Machine("disk-root", cdrom=iso, disks=[pool], smp=2, memory=1536)
    with m:
        m.grub_select(MENU_XENOLITH)
        m.login(timeout=900)
        run(m, "systemctl is-system-running --wait", 300)
        status, out = run(m, "systemctl is-failed xenolith-domains.service")
        assert status != 0, f"dom0: xenolith-domains.service failed: {out}"
        check(m, "xenoctl vd pool add /dev/vda")
        assert "/dev/vda" in check(m, "xenoctl vd pool list")
        check(m, f"xenoctl vd create root 2G --fs ext4 --from {ROOTFS}", 1200)
        check(m, f"printf '%b' {shlex.quote(CONFIG.replace(chr(10), chr(92) + 'n'))} > {CFG}")
        check(m, f"xenoctl create {CFG}", 120)

        def login_prompt():
            text = console_wait(m, "rootvd", "login:", 60)
            return "login:" in text, text
        wait_until(m, "a login prompt on the guest's console", login_prompt, 900, 1)
        # login(1) empties the line before it asks for the password: one at a time.
        for typed in ("root", "xenolith"):
            run(m, f"printf '%s\\r' {typed} | timeout 5 xenoctl console rootvd >/dev/null 2>&1")
            time.sleep(5)

        def root_device():
            out = console_wait(m, "rootvd", "RESULT-/", 20,
                               "echo RESULT-$(findmnt -n -o SOURCE /)-$(cat /etc/hostname)")
            return re.search(r"RESULT-/dev/vda-\w", out) is not None, out
        wait_until(m, "the guest's shell to show its root on /dev/vda", root_device, 300, 10)

        tries = itertools.count()

        def units_settled():
            n = next(tries)
            out = console_wait(m, "rootvd", f"RESULT{n}-state-[a-z]+-units", 30,
                               f"echo RESULT{n}-state-$(systemctl is-system-running)"
                               "-units-$(systemctl is-failed xenolith-domains.service "
                               'systemd-modules-load.service | tr "\\n" +)-end')
            hit = re.findall(rf"RESULT{n}-state-(\w+)-units-([\w+-]*)-end", out)
            return bool(hit) and hit[-1][0] in ("running", "degraded"), out
        out = wait_until(m, "the guest's systemd to finish starting", units_settled, 300, 10)
        units = re.findall(r"RESULT\d+-state-(\w+)-units-([\w+-]*)-end", out)[-1][1]
        assert units == "inactive+active+", \
            f"guest rootvd: expected xenolith-domains.service skipped (inactive: no " \
            f"/dev/xenolith in a domU) and systemd-modules-load.service active, saw {units!r}"
        check(m, "xenoctl destroy rootvd")
