"""The I/O-request path's cost: a port read of a domU served by a dom0 process.

Boots the CD (build/xenolith-check.iso) under QEMU's software emulation, runs the
test kernel tests/guest-kernels/ioreq.c in a domU with `xenolith-bench ioreq`
(tools/bench/bench_ioreq.c) as its device model, and reports the round trip the
server timed over the guest's 2000 port reads, and how fast dom0 reads the
guest's RAM through its window.
"""
import re
import sys

from benchlib import dom0_machine, figure
from test_ioreq import DIR, install_kernel, server_exit, start, wait_for


def main():
    with dom0_machine("bench-ioreq") as m:
        install_kernel(m)
        start(m)
        wait_for(m, "xenoctl list ioreq | awk 'NR == 2 { print $5 }' | grep -q s", 600,
                 "the ioreq guest to end")
        m.check("xenoctl destroy ioreq")
        status, out = server_exit(m)
    trip = re.search(r"ioreq round trip: ([\d.]+) us \((\d+) requests\)", out)
    ram = re.search(r"guest RAM read through the window: (\d+) MiB/s", out)
    if status or not trip:
        sys.exit(f"bench_ioreq: the server ended {status} without a round trip:\n{out}")
    figure(f"ioreq round trip (a domU's port read served by a dom0 process, "
           f"mean of {trip.group(2)}, QEMU TCG)", trip.group(1), "us")
    if ram:
        figure("domU RAM read by dom0 through its window (QEMU TCG)", ram.group(1), "MiB/s")


if __name__ == "__main__":
    main()
