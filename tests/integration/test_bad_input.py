"""make-iso.sh and unpack-iso.sh refuse bad input with one clear line, and write nothing;
any printable builder name goes through, shown as it is in every place that names it."""
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
    (b"", "Builder: empty"),
    (b"   \n", "Builder: empty"),
    (b"Ada\tLovelace\n", "Builder: line 1: the name may hold only printable"),
    (b"Ada\x1b[31m Lovelace\n", "Builder: line 1: the name may hold only printable"),
    (b"Ada\x7f\n", "Builder: line 1: the name may hold only printable"),
    ("Ada\u0085Lovelace\n".encode(), "Builder: line 1: the name may hold only printable"),
    (b"Ada \xff Lovelace\n", "Builder: line 1: the name may hold only printable"),
    (b"A" * 256, "Builder: line 1: the name is too long (256 bytes; at most 255)"),
])
def test_make_iso_bad_builder(tree, builder, expected):
    if builder is None:
        (tree / "Builder").unlink()
    else:
        (tree / "Builder").write_bytes(builder)
    status, lines = run(["./make-iso.sh", "1.0"], tree)
    assert_refused(status, lines, expected, tree)


@pytest.mark.parametrize("version", ["1.0 rc1", "1.0/rc1", "", "../x"])
def test_make_iso_bad_version(tree, version):
    status, lines = run(["./make-iso.sh", version], tree)
    assert_refused(status, lines, f"version '{version}'", tree)


def test_make_iso_long_version(tree):
    status, lines = run(["./make-iso.sh", "1" * 300], tree)
    assert_refused(status, lines, "version: too long (300 characters; at most 64)", tree)


@pytest.fixture
def no_mksquashfs(tmp_path):
    """An environment whose PATH has every tool but mksquashfs."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for d in ("/usr/local/bin", "/usr/bin", "/bin", "/usr/sbin", "/sbin"):
        for name in os.listdir(d):
            if name != "mksquashfs" and not (bin_dir / name).exists():
                os.symlink(os.path.join(d, name), bin_dir / name)
    return dict(os.environ, PATH=str(bin_dir))


def test_make_iso_missing_tool(tree, no_mksquashfs):
    status, lines = run(["./make-iso.sh", "1.0"], tree, no_mksquashfs)
    assert_refused(status, lines, "missing tool 'mksquashfs'", tree)


# Names people have, with every character that one of the places showing a
# name treats specially (sh, C, make, GRUB, agetty, awk, sed).
NAMES = [
    "Pat O'Brien",
    'Ada "the Countess" Lovelace',
    "back\\slash \\n \\",
    "Dollar $HOME ${x} $(id) $$ $",
    "Back `id` tick",
    "Zoë Ñúñez",
    "Tom & Jerry; 100% (#1) <x>, |y| @TITLE@",
    "O'Hara \"Q\" \\ $x `y` & z",
]


@pytest.mark.parametrize("builder", NAMES)
def test_make_iso_accepts_name(tree, no_mksquashfs, builder):
    """The name passes every check: the build goes on to look for its tools."""
    (tree / "Builder").write_text(f"  {builder}  \nsecond line\n")
    status, lines = run(["./make-iso.sh", "v" * 64], tree, no_mksquashfs)
    assert_refused(status, lines, "missing tool 'mksquashfs'", tree)


@pytest.fixture(scope="module")
def hv_build(tmp_path_factory):
    """A hypervisor build directory of its own, built once."""
    build = tmp_path_factory.mktemp("hvbuild")
    subprocess.run(["make", "-s", "-j2", "-C", os.path.join(TOP, "hypervisor"),
                    f"BUILD={build}"], check=True, capture_output=True)
    return build


@pytest.mark.parametrize("builder", NAMES)
def test_hypervisor_banner_name(hv_build, builder):
    p = subprocess.run(["make", "-s", "-C", os.path.join(TOP, "hypervisor"), f"BUILD={hv_build}",
                        "VERSION=1.0", f"BUILDER={builder}"], capture_output=True, text=True)
    assert p.returncode == 0, f"make failed for {builder!r}: {p.stderr}"
    image = (hv_build / "xenolith").read_bytes()
    banner = f"Xenolith hypervisor 1.0 (built by {builder}, ".encode()
    seen = [line for line in image.split(b"\0") if b"built by" in line]
    assert banner in image, f"expected {banner!r} in build/xenolith; it holds {seen}"


def grub_titles(cfg):
    r"""The menuentry titles of a GRUB script, read by GRUB's rules for double quotes:
    \\ \" \$ stand for the character, any other backslash is kept, and a bare $
    would expand a variable (so none may be there)."""
    titles = []
    for line in cfg.splitlines():
        if not line.startswith('menuentry "'):
            continue
        title, i = "", len('menuentry "')
        while line[i] != '"':
            if line[i] == "\\" and line[i + 1] in '\\"$':
                title, i = title + line[i + 1], i + 2
                continue
            assert line[i] != "$", f"unescaped $ in {line!r}"
            title, i = title + line[i], i + 1
        titles.append(title)
    return titles


def agetty_issue(text):
    r"""/etc/issue as agetty shows it: \\ is a backslash, \n the host name, \l the tty."""
    out, i = "", 0
    while i < len(text):
        if text[i] == "\\":
            assert text[i + 1] in "\\nl", f"unexpected escape {text[i:i + 2]!r} in {text!r}"
            out, i = out + {"\\": "\\", "n": "<host>", "l": "<tty>"}[text[i + 1]], i + 2
        else:
            out, i = out + text[i], i + 1
    return out


@pytest.mark.parametrize("builder", NAMES)
def test_release_files_and_grub_menu(tmp_path, builder):
    """scripts/release-files.sh (as make-iso.sh runs it) -> the release file sourced,
    the login banner and the GRUB menu that scripts/grub-cfg.sh renders from it."""
    (tmp_path / "etc").mkdir()
    subprocess.run(["sh", os.path.join(TOP, "scripts/release-files.sh"), str(tmp_path),
                    "1.0", builder, "2030-01-02"], check=True)
    release = tmp_path / "etc/xenolith-release"

    p = subprocess.run(["sh", "-c", '. "$1"; printf "%s\\0" "$XENOLITH_VERSION" '
                        '"$XENOLITH_BUILDER" "$XENOLITH_DATE"', "sh", str(release)],
                       check=True, capture_output=True)
    assert p.stdout.decode().split("\0")[:3] == ["1.0", builder, "2030-01-02"], \
        f"sourcing {release.read_text()!r} gave {p.stdout!r}"

    issue = agetty_issue((tmp_path / "etc/issue").read_text())
    assert issue == f"Xenolith 1.0 (built by {builder} on 2030-01-02) <host> <tty>\n\n", issue
    issue_net = (tmp_path / "etc/issue.net").read_text()
    assert issue_net == f"Xenolith 1.0 (built by {builder} on 2030-01-02)\n", issue_net

    template = os.path.join(TOP, "boot/grub.cfg.in")
    p = subprocess.run(["sh", os.path.join(TOP, "scripts/grub-cfg.sh"), template,
                        "root=UUID=1234", str(release)], check=True, capture_output=True)
    cfg = p.stdout.decode()
    expected = [t.replace("@TITLE@", f"Xenolith 1.0 ({builder})")
                for t in grub_titles(open(template).read())]
    assert len(expected) == 6 and grub_titles(cfg) == expected, cfg
    assert "root=UUID=1234" in cfg and "@VERSION@" not in cfg and "@ROOTARGS@" not in cfg, cfg
    if shutil.which("grub-script-check"):
        (tmp_path / "grub.cfg").write_text(cfg)
        p = subprocess.run(["grub-script-check", str(tmp_path / "grub.cfg")],
                           capture_output=True, text=True)
        assert p.returncode == 0, f"grub-script-check: {p.stdout} {p.stderr}\n{cfg}"


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
