"""Figures for the live CD: build times, ISO size, boot time to login, RAM at login.

Run by `make bench` (scripts/bench.sh). Prints one `name: value unit` line per figure.
"""
import os
import subprocess
import time

from benchlib import MENU_LINUX, TOP, boot_to_login, build_path, figure

VERSION = "bench"


def timed(args):
    """Run ARGS from the top of the tree; seconds it took."""
    start = time.monotonic()
    subprocess.run(args, cwd=TOP, check=True, stdout=subprocess.DEVNULL)
    return time.monotonic() - start


def main():
    cold_root = timed(["sh", "rootfs/build-root.sh", build_path("bench", "root")])
    subprocess.run(["rm", "-rf", build_path("bench")], check=True)
    warm = timed(["./make-iso.sh", VERSION])
    figure("live-root build from Debian packages (empty cache)", f"{cold_root:.1f}", "s")
    figure("ISO build cold (root build + rest of the pipeline)", f"{cold_root + warm:.1f}", "s")
    figure("ISO build warm (rebuild with the root cached)", f"{warm:.1f}", "s")
    iso = build_path(f"xenolith-{VERSION}.iso")
    figure("ISO size", f"{os.path.getsize(iso) / 2**20:.1f}", "MiB")

    seconds, m = boot_to_login("bench-live", iso, MENU_LINUX)
    with m:
        figure("power-on to login prompt (QEMU TCG, BIOS, plain Linux)", f"{seconds:.1f}", "s")
        m.send("\n")  # getty asks again; login() answers that prompt
        m.login()
        out = m.check("awk '/MemTotal/{t=$2} /MemAvailable/{a=$2} END{print int((t-a)/1024)}' "
                      "/proc/meminfo")
        figure("RAM in use at the login prompt (MemTotal - MemAvailable, 1 GiB guest)",
               out, "MiB")
    os.remove(iso)


if __name__ == "__main__":
    main()
