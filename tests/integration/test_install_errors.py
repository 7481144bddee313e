"""xenolith-install on the host: bad input gets one clear error line and leaves the target as it was.

The script runs as root against disk-image files and loop devices, with --from
pointing at the files of the ISO under test (or at the ISO itself). Every case
checks the exit status, the single line on stderr, that the target's bytes did
not change, and that no loop device, mount or work directory was left behind.
"""
import hashlib
import os
import re
import shutil
import signal
import subprocess

import pytest

from qemu import TOP

SCRIPT = os.path.join(TOP, "tools", "xenolith-install")
PREFIX = "xenolith-install: error: "

pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason="needs root for loop devices")


def sh(*args, **kw):
    """Run a host command that must succeed; its stdout."""
    return subprocess.run(args, check=True, capture_output=True, text=True, **kw).stdout


@pytest.fixture(scope="module")
def cd_dir(iso, tmp_path_factory):
    """A directory laid out like the CD: the ISO's root.sqfs, kernel and initrd."""
    d = tmp_path_factory.mktemp("cd")
    for f in ("xenolith/root.sqfs", "boot/vmlinuz", "boot/initrd.gz"):
        os.makedirs(d / os.path.dirname(f), exist_ok=True)
        sh("xorriso", "-osirrox", "on", "-indev", iso, "-extract", "/" + f, str(d / f))
    return str(d)


def image(path, mib):
    """A sparse blank image file of MIB MiB; its path as a string."""
    with open(path, "wb") as f:
        f.truncate(mib << 20)
    return str(path)


def digest(path):
    """SHA-256 of a file's bytes."""
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def leftovers(tmp, keep=()):
    """Loop devices, mounts and work directories that still refer to TMP.

    KEEP: loop devices and mount points that the test itself set up.
    """
    tmp = str(tmp)
    found = [line for line in sh("losetup", "-a").splitlines()
             if tmp in line and line.split(":")[0] not in keep]
    with open("/proc/self/mounts", encoding="utf-8") as f:
        found += [line for line in f if tmp in line and line.split()[1] not in keep]
    found += [n for n in os.listdir(tmp) if n.startswith("xenolith-install.")]
    return found


def refuse(tmp, backing, *args, status=1, keep=()):
    """Run xenolith-install ARGS, expect it to fail with one error line; that line.

    BACKING is the image file whose bytes must not change; KEEP as for leftovers().
    """
    before = digest(backing)
    env = dict(os.environ, TMPDIR=str(tmp))
    r = subprocess.run([SCRIPT, *args], capture_output=True, text=True, env=env,
                       timeout=600, check=False)
    lines = r.stderr.splitlines()
    assert r.returncode == status, f"expected exit {status}, got {r.returncode}; stderr:\n{r.stderr}"
    assert len(lines) == 1 and lines[0].startswith(PREFIX), \
        f"expected one '{PREFIX}...' line on stderr, got:\n{r.stderr}"
    assert r.stdout == "", f"expected nothing on stdout, got:\n{r.stdout}"
    assert digest(backing) == before, f"{backing} changed although the install was refused"
    assert leftovers(tmp, keep) == [], f"left behind: {leftovers(tmp, keep)}"
    return lines[0][len(PREFIX):]


@pytest.fixture
def loopdev(tmp_path):
    """Attach image files as loop devices (with partitions); detach them afterwards."""
    attached = []

    def attach(path):
        dev = sh("losetup", "--find", "--show", "--partscan", path).strip()
        attached.append(dev)
        subprocess.run(["partx", "-u", dev], check=False, capture_output=True)
        return dev
    yield attach
    for dev in attached:
        subprocess.run(["losetup", "-d", dev], check=False)


def partitioned(path, mib):
    """A GPT image file of MIB MiB with one partition over all of it."""
    image(path, mib)
    subprocess.run(["sfdisk", "-q", path], input="label: gpt\n,\n", text=True, check=True)
    return path


def test_help():
    r = subprocess.run([SCRIPT, "--help"], capture_output=True, text=True, check=False)
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("Usage: xenolith-install [--from PATH] [--force]"), r.stdout
    for word in ("--from", "--force", "root.sqfs", "/run/xenolith/medium"):
        assert word in r.stdout, f"--help does not mention {word}:\n{r.stdout}"


@pytest.mark.parametrize("args, message", [
    ([], "give exactly one TARGET disk or image file (see --help)"),
    (["--bogus", "x.img"], "unknown option '--bogus' (see --help)"),
    (["a.img", "b.img"], "give exactly one TARGET disk or image file (see --help)"),
    (["--from"], "--from needs a PATH"),
])
def test_usage_errors(tmp_path, args, message):
    backing = image(tmp_path / "x.img", 64)
    assert refuse(tmp_path, backing, *args, status=2) == message


def test_target_missing(tmp_path, cd_dir):
    backing = image(tmp_path / "other.img", 1)
    missing = str(tmp_path / "no-such.img")
    assert refuse(tmp_path, backing, "--from", cd_dir, missing) == f"{missing}: no such disk or file"


@pytest.mark.parametrize("kind", ["directory", "char-device"])
def test_target_not_disk_or_file(tmp_path, cd_dir, kind):
    backing = image(tmp_path / "other.img", 1)
    target = str(tmp_path) if kind == "directory" else "/dev/null"
    assert refuse(tmp_path, backing, "--from", cd_dir, target) == \
        f"{target}: not a block device or a regular file"


def test_too_small(tmp_path, cd_dir):
    target = image(tmp_path / "small.img", 300)
    msg = refuse(tmp_path, target, "--from", cd_dir, target)
    m = re.fullmatch(re.escape(target) + r": 300 MiB is too small, need at least (\d+) MiB", msg)
    assert m, f"expected '{target}: 300 MiB is too small, need at least N MiB', got '{msg}'"
    sqfs_mib = os.path.getsize(os.path.join(cd_dir, "xenolith/root.sqfs")) >> 20
    need = int(m.group(1))
    # The root unpacked is larger than its compressed squashfs, plus ESP and margin.
    assert need > sqfs_mib + 100 + 300, f"need {need} MiB is implausible for a {sqfs_mib} MiB root.sqfs"
    assert need < 4096, f"need {need} MiB would not fit the 4 GiB disk of test_install.py"


def test_too_small_from_iso(tmp_path, iso):
    """--from an ISO file: read it (mounted or extracted), then the size check still refuses."""
    target = image(tmp_path / "small.img", 300)
    msg = refuse(tmp_path, target, "--from", iso, target)
    assert re.fullmatch(re.escape(target) + r": 300 MiB is too small, need at least \d+ MiB", msg), msg


def test_partition_table(tmp_path, cd_dir):
    target = partitioned(str(tmp_path / "gpt.img"), 64)
    assert refuse(tmp_path, target, "--from", cd_dir, target) == \
        f"{target}: already holds data (gpt partition table); add --force to overwrite all of it"


def test_file_system(tmp_path, cd_dir):
    target = image(tmp_path / "ext4.img", 64)
    sh("mkfs.ext4", "-q", "-F", target)
    assert refuse(tmp_path, target, "--from", cd_dir, target) == \
        f"{target}: already holds data (ext4 filesystem); add --force to overwrite all of it"


def test_force_keeps_other_checks(tmp_path, cd_dir):
    target = partitioned(str(tmp_path / "gpt.img"), 300)
    msg = refuse(tmp_path, target, "--force", "--from", cd_dir, target)
    assert re.fullmatch(re.escape(target) + r": 300 MiB is too small, need at least \d+ MiB", msg), msg


def test_image_backing_a_loop_device(tmp_path, cd_dir, loopdev):
    target = image(tmp_path / "busy.img", 64)
    dev = loopdev(target)
    assert refuse(tmp_path, target, "--from", cd_dir, target, keep=[dev]) == \
        f"{target}: in use as the backing file of {dev}"


@pytest.mark.parametrize("where", ["partition", "whole-disk"])
def test_disk_mounted(tmp_path, cd_dir, loopdev, where):
    backing = partitioned(str(tmp_path / "disk.img"), 64)
    dev = loopdev(backing)
    fs_dev = dev + "p1" if where == "partition" else dev
    sh("mkfs.ext4", "-q", "-F", "-E", "lazy_itable_init=0,lazy_journal_init=0", fs_dev)
    mnt = tmp_path / "mnt"
    mnt.mkdir()
    sh("mount", "-o", "ro", fs_dev, str(mnt))
    try:
        msg = refuse(tmp_path, backing, "--from", cd_dir, dev, keep=[dev, str(mnt)])
    finally:
        subprocess.run(["umount", str(mnt)], check=False)
    assert msg == f"{dev}: mounted ({fs_dev} on {mnt})"


def test_disk_with_swap_partition(tmp_path, cd_dir, loopdev):
    backing = partitioned(str(tmp_path / "disk.img"), 64)
    dev = loopdev(backing)
    sh("mkswap", dev + "p1")
    sh("swapon", dev + "p1")
    try:
        msg = refuse(tmp_path, backing, "--from", cd_dir, dev, keep=[dev])
    finally:
        subprocess.run(["swapoff", dev + "p1"], check=False)
    assert msg == f"{dev}: {dev}p1 is in use as swap"


def test_disk_backing_another_loop(tmp_path, cd_dir, loopdev):
    backing = image(tmp_path / "disk.img", 64)
    dev = loopdev(backing)
    user = loopdev(dev)
    assert refuse(tmp_path, backing, "--from", cd_dir, dev, keep=[dev, user]) == \
        f"{dev}: {dev} is the backing device of {user}"


def test_partition_instead_of_disk(tmp_path, cd_dir, loopdev):
    backing = partitioned(str(tmp_path / "disk.img"), 64)
    dev = loopdev(backing)
    assert refuse(tmp_path, backing, "--from", cd_dir, dev + "p1", keep=[dev]) == \
        f"{dev}p1: is a partition; give the whole disk (e.g. /dev/sdb, not /dev/sdb1)"


def test_source_missing(tmp_path):
    target = image(tmp_path / "disk.img", 64)
    missing = str(tmp_path / "no-such-cd")
    assert refuse(tmp_path, target, "--from", missing, target) == \
        f"{missing}: no such directory or ISO file"


@pytest.mark.skipif(os.path.exists("/run/xenolith/medium"), reason="this host is a Xenolith live system")
def test_default_source_missing(tmp_path):
    target = image(tmp_path / "disk.img", 64)
    assert refuse(tmp_path, target, target) == \
        "/run/xenolith/medium: not found: not running from the Xenolith CD? use --from PATH"


@pytest.mark.parametrize("kind", ["empty-dir", "not-an-iso"])
def test_source_not_a_cd(tmp_path, kind):
    target = image(tmp_path / "disk.img", 64)
    src = tmp_path / "src"
    if kind == "empty-dir":
        src.mkdir()
    else:
        src.write_bytes(b"not an ISO image\n" * 4096)
    assert refuse(tmp_path, target, "--from", str(src), target) == \
        f"{src}: xenolith/root.sqfs is missing: not a Xenolith CD"


def test_source_damaged_squashfs(tmp_path, cd_dir):
    src = tmp_path / "cd"
    shutil.copytree(os.path.join(cd_dir, "boot"), src / "boot")
    (src / "xenolith").mkdir()
    (src / "xenolith/root.sqfs").write_bytes(b"\0" * 65536)
    target = image(tmp_path / "disk.img", 64)
    assert refuse(tmp_path, target, "--from", str(src), target) == \
        f"{src}: xenolith/root.sqfs is not a readable squashfs"


def test_failure_after_writing_cleans_up(tmp_path):
    """A step that fails once writing began is named, and nothing stays mounted or attached.

    The target holds an old file system (so --force is needed), and the root here
    has a file where the installer makes the /boot/efi directory, so the step
    after the copy of the root fails.
    """
    missing = [t for t in ("grub-install", "udevadm", "mkfs.vfat") if shutil.which(t) is None]
    if missing:
        pytest.skip(f"host lacks {missing} (scripts/host-packages)")
    root = tmp_path / "root"
    (root / "usr/lib/xenolith").mkdir(parents=True)
    (root / "etc").mkdir()
    (root / "boot").mkdir()
    (root / "boot/efi").write_text("a file where a directory belongs\n")
    (root / "etc/xenolith-release").write_text("XENOLITH_VERSION=test\nXENOLITH_BUILDER=test\n")
    shutil.copy(os.path.join(TOP, "scripts/grub-cfg.sh"), root / "usr/lib/xenolith/grub-cfg.sh")
    (root / "usr/lib/xenolith/grub.cfg.in").write_text("menuentry @TITLE@ { linux /boot/vmlinuz @ROOTARGS@ }\n")
    src = tmp_path / "cd"
    (src / "xenolith").mkdir(parents=True)
    (src / "boot").mkdir()
    (src / "boot/vmlinuz").write_bytes(b"kernel")
    (src / "boot/initrd.gz").write_bytes(b"initrd")
    sh("mksquashfs", str(root), str(src / "xenolith/root.sqfs"), "-quiet", "-no-progress")
    target = image(tmp_path / "disk.img", 1024)
    sh("mkfs.ext4", "-q", "-F", target)  # an old file system, which --force overwrites
    env = dict(os.environ, TMPDIR=str(tmp_path))
    r = subprocess.run([SCRIPT, "--force", "--from", str(src), target], capture_output=True,
                       text=True, env=env, timeout=600, check=False)
    assert r.returncode == 1, f"expected exit 1, got {r.returncode}; stderr:\n{r.stderr}"
    assert "xenolith-install: partitioning " in r.stdout, r.stdout
    last = r.stderr.splitlines()[-1] if r.stderr else ""
    assert last == (f"xenolith-install: error: step 'copying the kernel and initrd to /boot' "
                    f"failed (status 1); {target} is incomplete"), r.stderr
    assert leftovers(tmp_path) == [], f"left behind: {leftovers(tmp_path)}"
    signatures = sh("wipefs", "-n", "-O", "TYPE", target).split()
    assert "gpt" in signatures and "ext4" not in signatures, \
        f"expected a new GPT and the old ext4 gone, found: {signatures}"


def test_interrupt_while_copying_cleans_up(tmp_path, cd_dir):
    """Ctrl-C (SIGINT to the whole process group) while the root is copied:
    exit 130, the step is named, nothing stays mounted or attached."""
    missing = [t for t in ("grub-install", "udevadm", "mkfs.vfat") if shutil.which(t) is None]
    if missing:
        pytest.skip(f"host lacks {missing} (scripts/host-packages)")
    target = image(tmp_path / "disk.img", 4096)
    env = dict(os.environ, TMPDIR=str(tmp_path))
    # SIGINT as a terminal gives it, even when the test runner inherited it
    # ignored (a `make check &` from a script without job control).
    p = subprocess.Popen([SCRIPT, "--from", cd_dir, target], stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True, env=env, start_new_session=True,
                         preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    try:
        seen = []
        for line in p.stdout:
            seen.append(line)
            if line.startswith("xenolith-install: copying the root "):
                os.killpg(p.pid, signal.SIGINT)
                break
        out, err = p.communicate(timeout=120)
    finally:
        if p.poll() is None:
            os.killpg(p.pid, signal.SIGKILL)
            p.wait()
    assert any(s.startswith("xenolith-install: copying the root ") for s in seen), "".join(seen)
    assert "xenolith-install: copying the kernel" not in out, \
        f"the copy of the root ended before the interrupt; output:\n{''.join(seen)}{out}"
    assert p.returncode == 130, f"expected exit 130, got {p.returncode}; stderr:\n{err}"
    assert err.splitlines()[-1] == (f"xenolith-install: error: step 'copying the root' failed "
                                    f"(status 130); {target} is incomplete"), err
    assert leftovers(tmp_path) == [], f"left behind: {leftovers(tmp_path)}"
