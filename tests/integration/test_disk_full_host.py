"""A full storage pool, on the build host (no QEMU): `xenoctl vd create --from` and
`vd clone` into a pool with no room left fail with one line naming the problem and leave
no image or temporary file behind; the disks already there are untouched (docs/disks.md).
The pool is a small tmpfs: needs root."""
import os
import subprocess

import pytest

from qemu import build_path

XENOCTL = build_path("tools/xenoctl/xenoctl")


@pytest.fixture
def pool(tmp_path):
    """A 12 MiB tmpfs as the pool; yields run(*args) -> (rc, stderr)."""
    if os.geteuid() != 0:
        pytest.skip("needs root (mounts a tmpfs)")
    if not os.path.exists(XENOCTL):
        pytest.fail(f"{XENOCTL} is missing: run `make build` first")
    d = tmp_path / "pool"
    d.mkdir()
    p = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=12m", "tmpfs", str(d)],
                       capture_output=True, text=True)
    if p.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {p.stderr.strip()}")
    env = dict(os.environ, XENOLITH_POOL=str(d), XENOLITH_RUN_DIR=str(tmp_path / "run"),
               XENOLITH_POOL_RECORD=str(tmp_path / "pool.record"))

    def run(*args):
        r = subprocess.run([XENOCTL, "vd", *args], env=env, capture_output=True, text=True,
                           timeout=120)
        return r.returncode, r.stderr
    run.dir = d
    run.tmp = tmp_path
    try:
        yield run
    finally:
        subprocess.run(["umount", str(d)], capture_output=True)


def refused(result, *words):
    rc, err = result
    assert rc != 0, "expected a failure, saw success"
    assert err.count("\n") == 1 and err.startswith("xenoctl: "), \
        f"expected one line 'xenoctl: ...', saw {err!r}"
    for w in words:
        assert w in err, f"expected {w!r} in {err!r}"


def test_full_pool_leaves_nothing(pool):
    src = pool.tmp / "src"
    src.mkdir()
    (src / "blob").write_bytes(os.urandom(8 << 20))
    rc, err = pool("create", "first", "64M", "--fs", "ext4", "--from", str(src))
    assert rc == 0, err
    before = sorted(os.listdir(pool.dir))
    first = subprocess.run(["md5sum", str(pool.dir / "first.img")], capture_output=True,
                           text=True, check=True).stdout
    # 8 MiB more do not fit beside the first 8 MiB in 12 MiB
    refused(pool("create", "second", "64M", "--fs", "ext4", "--from", str(src)),
            "No space left on device")
    assert sorted(os.listdir(pool.dir)) == before
    refused(pool("create", "third", "64M", "--fs", "ext4", "--from", str(src),
                 "--format", "qcow2"), "No space left on device")
    assert sorted(os.listdir(pool.dir)) == before
    refused(pool("clone", "first", "copy"), "No space left on device")
    assert sorted(os.listdir(pool.dir)) == before
    assert subprocess.run(["md5sum", str(pool.dir / "first.img")], capture_output=True,
                          text=True, check=True).stdout == first
