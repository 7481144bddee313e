"""Virtual disks end to end: a domU's virtio disk served by its device model (xenolith-dm),
the pool's images, what a guest flushed surviving a killed device model, the sharing rules
and bad disk specs (docs/disks.md, docs/device-model.md)."""
import re

from guests import (DEMO, check, create, dom0_fixtures, guest_shell, run, snapshot, table,
                    wait_booted, wait_until)

m, clean = dom0_fixtures("disks")

POOL = "/var/lib/xenolith/pool"


def make_disk(m, name, size="32M", *args):
    """A fresh ext4 image NAME in the pool."""
    run(m, f"xenoctl vd delete {name}")
    check(m, f"xenoctl vd create {name} {size} --fs ext4 " + " ".join(args), 300)


def start(m, name, *disks):
    """The demo guest called NAME with DISKS (config disk specs), booted to its shell."""
    specs = ", ".join(f'"{d}"' for d in disks)
    domid = create(m, DEMO, f"name={name}", f"'disk=[ {specs} ]'")
    wait_booted(m, name)
    return domid


def vd_attached(m, disk):
    """The ATTACHED column of `xenoctl vd list` for DISK."""
    for line in check(m, "xenoctl vd list").splitlines()[1:]:
        fields = line.split()
        if fields and fields[0] == disk:
            return fields[-1]
    raise AssertionError(f"`xenoctl vd list` has no line for {disk}")


def test_guest_reads_and_writes_its_disk(m):
    """A disk made from a directory shows as /dev/vda in the guest with that directory's
    files; what the guest writes is in the image afterwards; the pool shows who holds it."""
    make_disk(m, "d1", "32M", "--from", "/etc/xenolith")
    start(m, "dk1", "vd:d1,xvda,w")
    assert vd_attached(m, "d1") == "dk1(w)"
    assert check(m, "pgrep -f 'xenolith-dm --domid' | wc -l") == "1"
    guest_shell(m, "dk1", "mkdir -p /mnt && mount /dev/vda /mnt && test -f /mnt/demo.cfg && "
          "echo written-by-dk1 > /mnt/new && sync && umount /mnt")
    check(m, "xenoctl destroy dk1")
    wait_until(m, "d1 released", lambda: (lambda a: (a == "-", a))(vd_attached(m, "d1")))
    assert check(m, f"debugfs -R 'cat /new' {POOL}/d1.img 2>/dev/null") == "written-by-dk1"
    wait_until(m, "the device model to end",
               lambda: (lambda n: (n == "0", n))(check(m, "pgrep -c -f 'xenolith-dm --domid' || true")))


def test_flushed_write_survives_a_killed_device_model(m):
    """Data the guest wrote and flushed (sync) is in the image even when the device
    model is killed with SIGKILL right after; its domain is then crashed, not hanging."""
    make_disk(m, "d2", "16M")
    start(m, "dk2", "vd:d2,xvda,w")
    text = guest_shell(m, "dk2", "dd if=/dev/urandom of=/tmp/blob bs=4k count=64 2>/dev/null && "
                 "dd if=/tmp/blob of=/dev/vda bs=4k seek=100 2>/dev/null && sync && "
                 "echo RESULT-sum-$(md5sum </tmp/blob | cut -c1-32)")
    sums = re.findall(r"RESULT-sum-([0-9a-f]{32})", text)
    assert sums, f"no checksum on dk2's console:\n{text}"
    check(m, "pkill -KILL -f 'xenolith-dm --domid'")
    got = check(m, f"dd if={POOL}/d2.img bs=4k skip=100 count=64 2>/dev/null | md5sum | cut -c1-32")
    assert got == sums[-1]
    # The demo's on_crash is destroy: the crashed domain goes away.
    wait_until(m, "dk2 crashed and destroyed",
               lambda: (lambda t: ("dk2" not in t or t["dk2"]["state"][4] == "c", t))(table(m)))


EXT4 = "/mnt/dm-ext4"
O_DIRECT = 0o40000


def dm_direct_fds(m, path):
    """How many of the device model's files open on PATH have O_DIRECT (its fdinfo flags)."""
    pid = check(m, "pgrep -f 'xenolith-dm --domid'")
    flags = check(m, f"for f in /proc/{pid}/fd/*; do [ \"$(readlink $f)\" = {path} ] && "
                     f"sed -n 's/^flags:[[:space:]]*//p' /proc/{pid}/fdinfo/${{f##*/}}; done; true")
    return sum(1 for f in flags.split() if int(f, 8) & O_DIRECT)


def test_direct_io_on_ext4_and_a_killed_device_model(m):
    """On a file system that takes O_DIRECT (ext4, here on a loop device in dom0; the pool's
    tmpfs refuses it) the device model moves the guest's data with direct I/O: it holds the
    image open O_DIRECT, what the guest reads and writes leaves nothing of the image in
    dom0's page cache, and a write the guest flushed is in the image after SIGKILL of the
    device model right after the flush."""
    image = f"{EXT4}/d.img"
    check(m, f"mkdir -p {EXT4} && truncate -s 64M /run/dm-ext4.img && "
             f"mkfs.ext4 -q -F /run/dm-ext4.img && mount -o loop /run/dm-ext4.img {EXT4} && "
             f"dd if=/dev/urandom of={image} bs=1M count=16 2>/dev/null", 300)
    try:
        start(m, "dk5", f"file:{image},xvda,w")
        assert dm_direct_fds(m, image) == 1, "the device model has no O_DIRECT file on the image"
        check(m, "sync && echo 3 >/proc/sys/vm/drop_caches")
        text = guest_shell(m, "dk5", "dd if=/dev/vda of=/dev/null bs=1M count=8 iflag=direct "
                           "2>/dev/null && dd if=/dev/urandom of=/tmp/blob bs=4k count=64 "
                           "2>/dev/null && dd if=/tmp/blob of=/dev/vda bs=4k seek=100 2>/dev/null "
                           "&& sync && echo RESULT-sum-$(md5sum </tmp/blob | cut -c1-32)")
        sums = re.findall(r"RESULT-sum-([0-9a-f]{32})", text)
        assert sums, f"no checksum on dk5's console:\n{text}"
        cached = int(check(m, f"fincore -n -b -o RES {image}"))
        assert cached < 64 << 10, f"{cached} bytes of the image in dom0's page cache after " \
                                  "8 MiB read and 256 KiB written: not direct"
        check(m, "pkill -KILL -f 'xenolith-dm --domid'")
        got = check(m, f"dd if={image} bs=4k skip=100 count=64 2>/dev/null | md5sum | cut -c1-32")
        assert got == sums[-1]
        assert check(m, "grep -c 'direct I/O refused' /run/xenolith/dk5.dm.log || true") == "0"
        wait_until(m, "dk5 crashed and destroyed",
                   lambda: (lambda t: ("dk5" not in t or t["dk5"]["state"][4] == "c", t))(table(m)))
    finally:
        run(m, "xenoctl destroy dk5")
        wait_until(m, "the device model to end", lambda: (lambda n: (n == "0", n))(
            check(m, "pgrep -c -f 'xenolith-dm --domid' || true")))
        run(m, f"umount {EXT4} && rm -f /run/dm-ext4.img")


def test_sharing_rules(m):
    """A disk attached writable to one domain cannot be attached to another, read-only
    or writable, unless w!; read-only sharing is fine; refusals change nothing."""
    make_disk(m, "d3", "16M")
    start(m, "sh1", "vd:d3,xvda,w")
    before = snapshot(m)
    for access in ("w", "r"):
        st, out = run(m, f"xenoctl create {DEMO} name=sh2 'disk=[ \"vd:d3,xvda,{access}\" ]'")
        assert st != 0 and "attached" in out and "sh1" in out, out
        assert len(out.splitlines()) == 1, out
        assert snapshot(m) == before
    check(m, "xenoctl destroy sh1")
    wait_until(m, "d3 released", lambda: (lambda a: (a == "-", a))(vd_attached(m, "d3")))
    start(m, "ro1", "vd:d3,xvda,r")
    start(m, "ro2", "vd:d3,xvda,r")
    st, out = run(m, f"xenoctl create {DEMO} name=rw3 'disk=[ \"vd:d3,xvda,w\" ]'")
    assert st != 0 and "attached" in out, out


def test_bad_disk_specs_change_nothing(m):
    """Each bad disk gets one line naming it and the problem, a non-zero status, and
    leaves no domain, device model or claim behind."""
    before = snapshot(m)
    cases = [
        ('"file:/nonexistent.img,xvda,w"', "/nonexistent.img"),
        ('"vd:nosuchdisk,xvda,w"', "nosuchdisk"),
        (f'"{POOL}/x.img,raw,xvda,rx"', "access"),
        ('"vdev=xvda1, target=/dev/null"', "xvda1"),
    ]
    for spec, word in cases:
        st, out = run(m, f"xenoctl create {DEMO} name=bad 'disk=[ {spec} ]'")
        assert st != 0, out
        assert len(out.splitlines()) == 1 and "disk[0]" in out and word in out, out
        assert snapshot(m) == before
    assert check(m, "pgrep -c -f 'xenolith-dm --domid' || true") == "0"
