"""Corrupt qcow2 images, as the issue's "Bad input" asks: `xenoctl create` with one in the
`tap:qcow2:` and `format=qcow2` forms, and `xenoctl block-attach` of one, each get one line
naming the image and the problem, a non-zero status, and leave nothing behind (no domain,
no claim, no device model, no qemu-nbd) (docs/disks.md)."""
import pytest

from guests import DEMO, check, create, dom0_fixtures, refused

m, clean = dom0_fixtures("disk-corrupt")

GOOD = "/tmp/qc-good.qcow2"
# Ways of breaking a fresh 16M qcow2 (v3, 64 KiB clusters: L1 table at 0x30000): a
# shell command on IMG, and what the message must say. The last passes the header's
# own checks; qemu refuses it when it opens the image (xenoctl asks qemu-img before
# anything is built). Every header check is in tests/unit-tools/test_disk_check.c.
BREAKS = {
    "truncated": ("truncate -s 4096 IMG", r"tables outside the file"),
    "marked-corrupt": (r"printf '\x02' | dd of=IMG bs=1 seek=79 conv=notrunc 2>/dev/null",
                       r"marked corrupt"),
    "l1-too-small": (r"printf '\x00\x00\x00\x00' | dd of=IMG bs=1 seek=36 conv=notrunc 2>/dev/null",
                     r"qemu cannot open it as qcow2: L1 table is too small"),
}


def broken(m, name):
    """A copy of a good qcow2 broken in the way NAME; its path."""
    img = f"/tmp/qc-{name}.qcow2"
    check(m, f"[ -e {GOOD} ] || qemu-img create -q -f qcow2 {GOOD} 16M")
    check(m, f"cp {GOOD} {img} && " + BREAKS[name][0].replace("IMG", img))
    return img


def nothing_left(m):
    """No device model and no qemu-nbd run."""
    assert check(m, "pgrep -c -f 'xenolith-dm --domid' || true") == "0"
    assert check(m, "pgrep -c -x qemu-nbd || true") == "0"


@pytest.mark.parametrize("name", list(BREAKS))
def test_create_with_a_corrupt_qcow2(m, name):
    img = broken(m, name)
    for spec in (f"tap:qcow2:{img},xvda,w", f"format=qcow2, vdev=xvda, access=rw, target={img}"):
        line = refused(m, f"xenoctl create {DEMO} name=qc 'disk=[ \"{spec}\" ]'",
                       BREAKS[name][1], img.replace(".", r"\."), r"disk\[0\]")
        assert "qc" not in check(m, "xenoctl list"), line
        nothing_left(m)


def test_block_attach_of_a_corrupt_qcow2(m):
    check(m, "truncate -s 16M /tmp/qc-root.img")
    create(m, DEMO, "name=web", "'disk=[ \"/tmp/qc-root.img,raw,xvda,w\" ]'")
    listing = check(m, "xenoctl block-list web")
    for name in BREAKS:
        img = broken(m, name)
        refused(m, f"xenoctl block-attach web 'tap:qcow2:{img},xvdb,w'",
                BREAKS[name][1], img.replace(".", r"\."))
        assert check(m, "xenoctl block-list web") == listing
        assert check(m, "pgrep -c -x qemu-nbd || true") == "0"
        assert check(m, "pgrep -c -f 'xenolith-dm --domid' || true") == "1"
    check(m, "xenoctl destroy web")
