"""Figures for dom0 on 2 CPUs: boot to login against plain Linux, and the VM exits' cost.

Both boots use build/xenolith-check.iso (made by ./make-iso.sh check if
missing) with -smp 2, one after the other in the same run, under QEMU's
software emulation. The exit figures come from the hypervisor's debug key
`e` (exits and hypervisor TSC cycles from each VM exit to the next VM
entry, summed since boot): two snapshots bound a window, once while dom0
sits idle at its shell and once while it tars and compresses /usr from the
CD (two processes, CPU and disk).
"""
import os
import re
import subprocess
import time

from benchlib import MENU_LINUX, MENU_XENOLITH, TOP, boot_to_login, build_path, figure
from test_dom0_smp import exit_stats

SMP = 2
IDLE_SECONDS = 30
WORK_SECONDS = 120
WORK = (f"sync; echo 3 > /proc/sys/vm/drop_caches; "
        f"timeout --foreground {WORK_SECONDS} tar cf - /usr 2>/dev/null | gzip -1 | wc -c")


def window(m, nvcpus, action):
    """Exit statistics over ACTION (a callable): seconds, exits, cycles per exit,
    and per vCPU {n: (exits, cycles per exit)}."""
    total1, cycles1, per1 = exit_stats(m, nvcpus)
    start = time.monotonic()
    action()
    seconds = time.monotonic() - start
    total2, cycles2, per2 = exit_stats(m, nvcpus)

    def delta(e1, c1, e2, c2):
        exits = e2 - e1
        return exits, (e2 * c2 - e1 * c1) / exits if exits else 0.0

    per = {v: delta(*per1[v], *per2[v]) for v in per2 if v in per1}
    return (seconds, *delta(total1, cycles1, total2, cycles2), per)


def report(what, mhz, seconds, exits, cycles, per):
    """Print the figures of one window."""
    figure(f"VM exits per second, dom0 {what} ({SMP} vCPUs)", f"{exits / seconds:.0f}", "/s")
    for v, (e, _) in sorted(per.items()):
        figure(f"  of which dom0.v{v}", f"{e / seconds:.0f}", "/s")
    figure(f"hypervisor cycles per exit (exit to next entry), dom0 {what}", f"{cycles:.0f}",
           "cycles")
    if mhz:
        figure(f"hypervisor time per exit, dom0 {what}", f"{cycles / mhz:.1f}", "us")
        figure(f"share of CPU time in the hypervisor, dom0 {what}",
               f"{100 * exits * cycles / mhz / 1e6 / seconds / SMP:.1f}", "%")


def main():
    iso = build_path("xenolith-check.iso")
    if not os.path.exists(iso):
        subprocess.run(["./make-iso.sh", "check"], cwd=TOP, check=True, stdout=subprocess.DEVNULL)
    plain, m = boot_to_login("bench-smp-linux", iso, MENU_LINUX, smp=SMP)
    m.close()
    figure(f"power-on to login prompt, plain Linux (QEMU TCG, BIOS, {SMP} CPUs)",
           f"{plain:.1f}", "s")
    hv, m = boot_to_login("bench-smp-xenolith", iso, MENU_XENOLITH, smp=SMP)
    with m:
        figure(f"power-on to login prompt, Xenolith dom0 (QEMU TCG, BIOS, {SMP} CPUs)",
               f"{hv:.1f}", "s")
        figure(f"boot through the hypervisor / plain Linux, {SMP} CPUs (target 1.2)",
               f"{hv / plain:.2f}", "x")

        mhz = re.search(r"TSC (\d+) MHz", m.transcript())
        mhz = int(mhz.group(1)) if mhz else 0
        m.send("\n")  # getty asks again; login() answers that prompt
        m.login()
        nvcpus = int(m.check("nproc"))
        m.run("systemctl is-system-running --wait", timeout=600)

        report("idle", mhz, *window(m, nvcpus, lambda: time.sleep(IDLE_SECONDS)))
        job = {}

        def work():
            start = time.monotonic()
            job["bytes"] = m.run(WORK, timeout=WORK_SECONDS + 300)[1]
            job["seconds"] = time.monotonic() - start

        report("busy (tar | gzip of /usr)", mhz, *window(m, nvcpus, work))
        figure(f"tar | gzip -1 of /usr from the CD, run time (cut at {WORK_SECONDS} s)",
               f"{job['seconds']:.0f}", "s")
        out = re.findall(r"^\d+$", job["bytes"], re.M)
        figure("tar | gzip -1 of /usr from the CD, gzip output",
               f"{int(out[-1]) / 2**20:.0f}" if out else f"none ({job['bytes']!r})", "MiB")


if __name__ == "__main__":
    main()
