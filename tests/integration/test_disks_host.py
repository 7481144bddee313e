"""xenoctl vd on the build host (no QEMU): the storage pool in a temporary
directory ($XENOLITH_POOL), claims in a temporary run directory."""
import os
import subprocess
import tarfile

import pytest

from qemu import build_path

XENOCTL = build_path("tools/xenoctl/xenoctl")


@pytest.fixture
def vd(tmp_path):
    """Run `xenoctl vd ARGS...` against a fresh pool; returns (rc, out, err)."""
    if not os.path.exists(XENOCTL):
        pytest.fail(f"{XENOCTL} is missing: run `make build` first")
    env = dict(os.environ, XENOLITH_POOL=str(tmp_path / "pool"),
               XENOLITH_RUN_DIR=str(tmp_path / "run"),
               XENOLITH_POOL_RECORD=str(tmp_path / "pool.record"))

    def run(*args):
        p = subprocess.run([XENOCTL, "vd", *args], env=env, capture_output=True,
                           text=True, timeout=120)
        return p.returncode, p.stdout, p.stderr
    run.pool = tmp_path / "pool"
    run.run_dir = tmp_path / "run"
    run.tmp = tmp_path
    return run


def ok(result):
    rc, out, err = result
    assert rc == 0 and err == "", f"expected success, saw rc {rc}: {err}"
    return out


def fails(result, message):
    rc, out, err = result
    assert rc != 0, f"expected a failure ({message}), saw success"
    assert err == f"xenoctl: {message}\n", f"expected {message!r}, saw {err!r}"


def listing(vd):
    lines = ok(vd("list")).splitlines()
    assert lines[0].split() == ["NAME", "SIZE", "ALLOC", "FORMAT", "ATTACHED"]
    return {line.split()[0]: line.split()[1:] for line in lines[1:]}


def debugfs_cat(image, path):
    p = subprocess.run(["debugfs", "-R", f"cat {path}", str(image)],
                       capture_output=True, text=True, check=True)
    return p.stdout


def leftovers(vd):
    return sorted(p.name for p in vd.pool.iterdir() if p.name.startswith("."))


def test_create_list_delete(vd):
    ok(vd("create", "plain", "64M"))
    ok(vd("create", "q", "1G", "--format", "qcow2"))
    disks = listing(vd)
    assert disks["plain"] == ["64M", "0B", "raw", "-"]
    assert disks["q"][0] == "1G" and disks["q"][2] == "qcow2"
    assert os.path.getsize(vd.pool / "plain.img") == 64 << 20
    ok(vd("delete", "plain"))
    assert "plain" not in listing(vd)
    fails(vd("delete", "plain"),
          f"no disk 'plain' in the pool {vd.pool} (`xenoctl vd list`)")


def test_from_dir_and_tar(vd):
    src = vd.tmp / "root"
    (src / "boot/grub").mkdir(parents=True)
    (src / "boot/grub/grub.cfg").write_text("menuentry 'x' {\n}\n")
    with tarfile.open(vd.tmp / "root.tar.gz", "w:gz") as t:
        t.add(src, arcname=".")
    ok(vd("create", "fromdir", "32M", "--from", str(src)))
    ok(vd("create", "fromtar", "32M", "--fs", "ext4", "--from", str(vd.tmp / "root.tar.gz")))
    for name in ("fromdir", "fromtar"):
        assert debugfs_cat(vd.pool / f"{name}.img", "/boot/grub/grub.cfg") == \
            "menuentry 'x' {\n}\n"
    ok(vd("create", "qfromdir", "32M", "--from", str(src), "--format", "qcow2"))
    assert listing(vd)["qfromdir"][2] == "qcow2"
    assert leftovers(vd) == []


def test_failures_leave_nothing(vd):
    big = vd.tmp / "big"
    big.mkdir()
    (big / "blob").write_bytes(os.urandom(4 << 20))
    rc, _, err = vd("create", "small", "1M", "--from", str(big))
    assert rc != 0 and err.startswith("xenoctl: mke2fs failed: "), err
    assert err.count("\n") == 1
    assert not (vd.pool / "small.img").exists() and leftovers(vd) == []
    fails(vd("create", "x", "64M", "--from", str(vd.tmp / "none")),
          f"--from {vd.tmp / 'none'}: No such file or directory")
    fails(vd("create", "x", "64M", "--fs", "xfs"), "vd create: --fs 'xfs': expected ext4, ext3 or ext2")
    fails(vd("create", "x", "64M", "--format", "vmdk"),
          "vd create: --format 'vmdk': expected raw or qcow2")
    fails(vd("create", "x", "4Q"), "size '4Q': expected a number and K, M, G or T (512M, 4G, 1.5T)")
    fails(vd("create", "a/b", "4M"), "name 'a/b': invalid character '/' (allowed: A-Z a-z 0-9 _ . -)")
    ok(vd("create", "x", "4M"))
    fails(vd("create", "x", "4M", "--format", "qcow2"),
          f"disk 'x' exists already ({vd.pool}/x.img)")
    assert leftovers(vd) == []


def test_clone_and_resize(vd):
    src = vd.tmp / "root"
    src.mkdir()
    (src / "hello").write_text("hi\n")
    ok(vd("create", "base", "32M", "--from", str(src)))
    ok(vd("clone", "base", "copy"))
    assert debugfs_cat(vd.pool / "copy.img", "/hello") == "hi\n"
    ok(vd("resize", "copy", "64M"))
    assert os.path.getsize(vd.pool / "copy.img") == 64 << 20
    subprocess.run(["e2fsck", "-fn", str(vd.pool / "copy.img")], check=True,
                   capture_output=True)
    out = subprocess.run(["dumpe2fs", "-h", str(vd.pool / "copy.img")],
                         capture_output=True, text=True).stdout
    block_count = int(next(l for l in out.splitlines() if l.startswith("Block count:")).split()[-1])
    block_size = int(next(l for l in out.splitlines() if l.startswith("Block size:")).split()[-1])
    assert block_count * block_size == 64 << 20
    fails(vd("resize", "copy", "32M"), "disk 'copy' is 64M: shrinking to 32M is not "
          "supported (it would cut off the end of its file system)")
    ok(vd("create", "q", "1G", "--format", "qcow2"))
    ok(vd("clone", "q", "q2"))
    ok(vd("resize", "q2", "2G"))
    assert listing(vd)["q2"][0] == "2G"
    fails(vd("clone", "base", "copy"), f"disk 'copy' exists already ({vd.pool}/copy.img)")
    assert leftovers(vd) == []


def claim(vd, name, domain, access):
    """Record, as a create would, that domain holds pool disk name."""
    st = os.stat(vd.pool / f"{name}.img")
    d = vd.run_dir / "disks"
    d.mkdir(parents=True, exist_ok=True)
    key = f"f{os.major(st.st_dev)}.{os.minor(st.st_dev)}.{st.st_ino}"
    (d / f"{key}@{domain}").write_text(f"{access} {vd.pool}/{name}.img\n")


def test_attached_disks(vd):
    ok(vd("create", "web", "8M"))
    claim(vd, "web", "web1", "w")
    assert listing(vd)["web"][3] == "web1(w)"
    fails(vd("delete", "web"), "disk 'web' is attached to web1(w): cannot delete it "
          "while a domain uses it")
    fails(vd("resize", "web", "16M"), "disk 'web' is attached to web1(w): cannot "
          "resize it while a domain uses it")
    fails(vd("clone", "web", "web2"), "disk 'web' is attached writable to web1(w): its "
          "copy would not be consistent; shut the domain down first")
    assert leftovers(vd) == []


def test_pool_list_and_usage(vd):
    out = ok(vd("pool", "list"))
    assert f"directory : {vd.pool}\n" in out
    assert "device    : none (in dom0's root file system: RAM on the live CD)\n" in out
    fails(vd("pool", "add", str(vd.tmp)), f"{vd.tmp}: not a block device")
    fails(vd("create", "x"), "usage: xenoctl vd create NAME SIZE [--fs ext4] "
          "[--from DIR|TAR] [--format raw|qcow2]")
    fails(vd("frobnicate"), "vd: unknown verb 'frobnicate' (create, list, delete, clone, "
          "resize, pool add, pool list)")


def test_pool_add_loop(vd):
    """A loop device as the pool: needs root and a free loop device."""
    if os.geteuid() != 0:
        pytest.skip("needs root")
    img = vd.tmp / "dev.img"
    with open(img, "wb") as f:
        f.truncate(64 << 20)
    p = subprocess.run(["losetup", "-f", "--show", str(img)], capture_output=True, text=True)
    if p.returncode != 0:
        pytest.skip(f"no loop device: {p.stderr.strip()}")
    dev = p.stdout.strip()
    try:
        subprocess.run(["mkfs.ext4", "-q", dev], check=True)
        rc, _, err = vd("pool", "add", dev)
        assert rc != 0 and "holds data" in err and "--force" in err, err
        rc, _, err = vd("pool", "add", dev, "--force")
        if rc != 0 and "mount" in err:
            pytest.skip(f"cannot mount here: {err.strip()}")
        assert rc == 0, err
        assert f"device    : {dev} UUID=" in ok(vd("pool", "list"))
        ok(vd("create", "onpool", "8M"))
        assert "onpool" in listing(vd)
        # after a reboot the pool is not mounted: the record mounts it again
        subprocess.run(["umount", str(vd.pool)], check=True)
        assert not (vd.pool / "onpool.img").exists()
        assert "onpool" in listing(vd)
        fails(vd("pool", "add", dev, "--force"), f"{dev} is mounted on {vd.pool}: unmount it first")
    finally:
        subprocess.run(["umount", str(vd.pool)], capture_output=True)
        subprocess.run(["losetup", "-d", dev], capture_output=True)
