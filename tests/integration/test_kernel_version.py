"""Which Debian kernel a build takes (scripts/lib.sh kernel_resolve), against a fake apt-cache.

No QEMU: the shell functions run on the host with an apt-cache on PATH that
knows only the packages each case names.
"""
import os
import subprocess

from qemu import TOP

FAKE_APT_CACHE = r"""#!/bin/sh
# apt-cache as far as kernel_resolve uses it; $FAKE_AVAILABLE: the ABIs with a
# candidate, $FAKE_META: the ABI linux-image-amd64 depends on.
case "$1" in
policy)
	abi=${2#linux-image-}
	echo "$2:"
	echo "  Installed: (none)"
	case " $FAKE_AVAILABLE " in
	*" $abi "*) echo "  Candidate: 6.1.999-1" ;;
	*) echo "  Candidate: (none)" ;;
	esac ;;
depends)
	[ "$2" = linux-image-amd64 ] || exit 100
	echo "linux-image-amd64"
	[ -z "$FAKE_META" ] || echo "  Depends: linux-image-$FAKE_META" ;;
pkgnames)
	for abi in $FAKE_AVAILABLE 6.1.0-99-amd64; do
		echo "linux-image-$abi"; echo "linux-image-$abi-dbg"
	done ;;
*) exit 100 ;;
esac
"""


def resolve(tmp_path, pin, available, meta=""):
    """kernel_resolve PIN with the fake apt-cache: (status, stdout, stderr)."""
    fake = tmp_path / "bin"
    fake.mkdir(exist_ok=True)
    (fake / "apt-cache").write_text(FAKE_APT_CACHE)
    (fake / "apt-cache").chmod(0o755)
    env = dict(os.environ, PATH=f"{fake}:{os.environ['PATH']}",
               FAKE_AVAILABLE=" ".join(available), FAKE_META=meta)
    r = subprocess.run(["sh", "-c", '. scripts/lib.sh; kernel_resolve "$1"', "build", pin],
                       cwd=TOP, env=env, capture_output=True, text=True)
    return r.returncode, r.stdout.strip(), r.stderr


def test_pin_still_available_wins(tmp_path):
    status, kver, log = resolve(tmp_path, "6.1.0-56-amd64",
                                ["6.1.0-56-amd64", "6.1.0-57-amd64"], meta="6.1.0-57-amd64")
    assert (status, kver) == (0, "6.1.0-56-amd64"), f"expected the pin; got {status} {kver!r}: {log}"
    assert "6.1.0-56-amd64 (rootfs/kernel-version)" in log, f"the choice is not logged: {log!r}"


def test_pin_gone_takes_the_metapackages_kernel(tmp_path):
    status, kver, log = resolve(tmp_path, "6.1.0-56-amd64",
                                ["6.1.0-57-amd64", "6.1.0-58-amd64"], meta="6.1.0-57-amd64")
    assert (status, kver) == (0, "6.1.0-57-amd64"), \
        f"expected linux-image-amd64's 6.1.0-57-amd64; got {status} {kver!r}: {log}"
    assert "6.1.0-56-amd64 is no longer available" in log, f"the fallback is not logged: {log!r}"


def test_no_pin_takes_the_metapackages_kernel(tmp_path):
    status, kver, log = resolve(tmp_path, "", ["6.1.0-57-amd64"], meta="6.1.0-57-amd64")
    assert (status, kver) == (0, "6.1.0-57-amd64"), f"got {status} {kver!r}: {log}"


def test_without_metapackage_the_newest_61_kernel(tmp_path):
    status, kver, log = resolve(tmp_path, "6.1.0-56-amd64",
                                ["6.1.0-9-amd64", "6.1.0-58-amd64", "6.1.0-57-amd64"])
    assert (status, kver) == (0, "6.1.0-58-amd64"), \
        f"expected the newest available 6.1.0-58-amd64 (not 6.1.0-99, which has no candidate); " \
        f"got {status} {kver!r}: {log}"


def test_nothing_available_fails(tmp_path):
    status, kver, log = resolve(tmp_path, "6.1.0-56-amd64", [], meta="6.1.0-57-amd64")
    assert status != 0 and kver == "", f"expected failure with no output; got {status} {kver!r}"


def test_pin_file_ignores_comments():
    r = subprocess.run(["sh", "-c", ". scripts/lib.sh; kernel_pin"], cwd=TOP,
                       capture_output=True, text=True, check=True)
    pin = r.stdout.strip()
    assert pin.endswith("-amd64") and " " not in pin and "\n" not in pin, \
        f"rootfs/kernel-version: expected one ABI name like 6.1.0-N-amd64, read {pin!r}"
