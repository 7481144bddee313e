"""make-iso.sh and unpack-iso.sh refuse bad input with one clear line, and write nothing."""
import os
import shutil
import subprocess

import pytest

from qemu import TOP


def run(args, cwd, env=None):
    """Run ARGS; returns (exit status, stderr lines)."""
    p = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True)
    return p.returncode, p.stderr.strip().splitlines()


@pytest.fixture
def tree(tmp_path):
    """A copy of what make-iso.sh needs before it writes anything."""
    t = tmp_path / "tree"
    t.mkdir()
    shutil.copy(os.path.join(TOP, "make-iso.sh"), t)
    shutil.copytree(os.path.join(TOP, "scripts"), t / "scripts")
    (t / "Builder").write_text("Ada Lovelace\n")
    return t


def assert_refused(status, lines, expected, tree):
    assert status != 0, "exit status 0 for bad input"
    assert len(lines) == 1, f"expected one line, got {lines}"
    assert expected in lines[0], f"expected {expected!r} in {lines[0]!r}"
    assert not (tree / "build").exists(), "bad input still created build/"


@pytest.mark.parametrize("builder, expected", [
    (None, "Builder: missing"),
    ("", "Builder: empty"),
    ("   \n", "Builder: empty"),
    ('Ada "the Countess"', "Builder: line 1"),
])
def test_make_iso_bad_builder(tree, builder, expected):
    if builder is None:
        (tree / "Builder").unlink()
    else:
        (tree / "Builder").write_text(builder)
    status, lines = run(["./make-iso.sh", "1.0"], tree)
    assert_refused(status, lines, expected, tree)


@pytest.mark.parametrize("version", ["1.0 rc1", "1.0/rc1", "", "../x"])
def test_make_iso_bad_version(tree, version):
    status, lines = run(["./make-iso.sh", version], tree)
    assert_refused(status, lines, f"version '{version}'", tree)


def test_make_iso_missing_tool(tree, tmp_path):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for d in ("/usr/local/bin", "/usr/bin", "/bin", "/usr/sbin", "/sbin"):
        for name in os.listdir(d):
            if name != "mksquashfs" and not (bin_dir / name).exists():
                os.symlink(os.path.join(d, name), bin_dir / name)
    env = dict(os.environ, PATH=str(bin_dir))
    status, lines = run(["./make-iso.sh", "1.0"], tree, env)
    assert_refused(status, lines, "missing tool 'mksquashfs'", tree)


def test_unpack_missing_file(tmp_path):
    status, lines = run([os.path.join(TOP, "unpack-iso.sh"), "nosuch.iso", "out"], tmp_path)
    assert status != 0 and lines == ["unpack-iso.sh: error: nosuch.iso: no such file"]
    assert not (tmp_path / "out").exists()


def test_unpack_not_an_iso(tmp_path):
    (tmp_path / "junk.iso").write_bytes(os.urandom(64 * 1024))
    status, lines = run([os.path.join(TOP, "unpack-iso.sh"), "junk.iso", "out"], tmp_path)
    assert status != 0 and len(lines) == 1 and "junk.iso: not an ISO image" in lines[0], lines
    assert not (tmp_path / "out").exists()
    assert [p.name for p in tmp_path.iterdir()] == ["junk.iso"], "left temporary files behind"


def test_unpack_iso_of_something_else(tmp_path):
    (tmp_path / "content").mkdir()
    (tmp_path / "content/readme").write_text("not xenolith\n")
    subprocess.run(["xorriso", "-as", "mkisofs", "-quiet", "-o", "other.iso", "content"],
                   cwd=tmp_path, check=True, capture_output=True)
    status, lines = run([os.path.join(TOP, "unpack-iso.sh"), "other.iso", "out"], tmp_path)
    assert status != 0 and len(lines) == 1 and "other.iso: not an ISO image" in lines[0], lines
    assert not (tmp_path / "out").exists()


def test_unpack_into_non_empty_dir(iso, tmp_path):
    (tmp_path / "out").mkdir()
    (tmp_path / "out/precious").write_text("keep me\n")
    status, lines = run([os.path.join(TOP, "unpack-iso.sh"), iso, "out"], tmp_path)
    assert status != 0 and lines == ["unpack-iso.sh: error: out: exists and is not empty"]
    assert (tmp_path / "out/precious").read_text() == "keep me\n"
