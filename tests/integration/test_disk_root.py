"""A domU whose root file system is a virtual disk made from the CD's own root: the pool on
a partition of its own (`vd pool add`), `vd create --from` the CD's root, and the guest
booting from it to a login prompt (docs/disks.md, docs/guests.md)."""
import re
import shlex
import time

from conftest import MENU_XENOLITH
from guests import check, console_text, run, wait_until
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
        check(m, "xenoctl vd pool add /dev/vda")
        assert "/dev/vda" in check(m, "xenoctl vd pool list")
        check(m, f"xenoctl vd create root 2G --fs ext4 --from {ROOTFS}", 1200)
        check(m, f"printf '%b' {shlex.quote(CONFIG.replace(chr(10), chr(92) + 'n'))} > {CFG}")
        check(m, f"xenoctl create {CFG}", 120)

        def login_prompt():
            run(m, "timeout 3 xenoctl console rootvd </dev/null >/tmp/con.out 2>&1")
            text = check(m, "tr -d '\\r' </tmp/con.out | grep -a -e 'login:' -e 'xenolith-guest' "
                            "| tail -n 5 || true")
            return "login:" in text, text
        wait_until(m, "a login prompt on the guest's console", login_prompt, 900, 10)
        # login(1) empties the line before it asks for the password: one at a time.
        for typed in ("root", "xenolith"):
            run(m, f"printf '%s\\r' {typed} | timeout 5 xenoctl console rootvd >/dev/null 2>&1")
            time.sleep(5)

        def root_device():
            out = console_text(m, "rootvd", 5,
                               "echo RESULT-$(findmnt -n -o SOURCE /)-$(cat /etc/hostname)")
            return re.search(r"RESULT-/dev/vda-\w", out) is not None, out
        wait_until(m, "the guest's shell to show its root on /dev/vda", root_device, 300, 10)
        check(m, "xenoctl destroy rootvd")
