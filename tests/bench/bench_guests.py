"""Figures for guests: create to the demo guest's init, hypervisor memory per domU, exit costs.

One boot of build/xenolith-check.iso (made by ./make-iso.sh check if
missing) under the hypervisor with -smp 2 -m 1024, under QEMU's software
emulation. Everything is measured inside dom0 by /usr/lib/xenolith/
xenolith-bench (tools/bench), so that the slow serial line times nothing:

- `xenolith-bench boot-time /etc/xenolith/demo.cfg` builds and starts the
  demo guest as `xenoctl create` does, reads its console every 1 ms and
  prints the times from the start (before the configuration is read) to
  the domain running, to its first console byte and to the line
  `xenolith-guest: init reached`; then destroys it. RUNS runs with 1 vCPU
  (the first one reads the kernel and initrd from the CD), three with the
  kernel log on the console (the demo is quiet), three with the bzImage,
  one with 2 vCPUs; a run that misses the marker within TIMEOUT is counted
  and shown apart.
- The hypervisor's log line `NAME (domain N) created: ... hypervisor memory
  for it K KiB` (`xenoctl dmesg`) for those domains.
- `xenolith-bench hypercall|cpuid COUNT`: COUNT null hypercalls or CPUIDs
  of leaf 0 in dom0's kernel module, in TSC cycles per round trip.
"""
import os
import re
import statistics
import subprocess
import sys

from benchlib import MENU_XENOLITH, TOP, Machine, build_path, figure

SMP = 2
MEMORY = 1024
RUNS = 5
TIMEOUT = 120  # seconds from create to the marker; a good run takes under 20 here
EXIT_RUNS = 3
EXIT_COUNT = 100000
TOOL = "/usr/lib/xenolith/xenolith-bench"
CFG = "/etc/xenolith/demo.cfg"
CREATED = re.compile(r"(\S+) \(domain (\d+)\) created: (\d+) MiB, (\d+) vCPUs?; "
                     r"hypervisor memory for it (\d+) KiB")


def tool(m, args):
    """Run xenolith-bench ARGS in dom0: (status, output). The output goes through a
    file, so that the hypervisor's log lines on the same serial line (domain created,
    destroyed) cannot land in the middle of it."""
    status = m.run(f"{TOOL} {args} >/tmp/xenolith-bench.out 2>&1", timeout=600)[0]
    return status, m.check("cat /tmp/xenolith-bench.out")


def boot_time(m, *overrides):
    """One `xenolith-bench boot-time`: {domid, started, first, marker} (seconds),
    or a string saying why not."""
    status, out = tool(m, f"boot-time {CFG} --timeout {TIMEOUT} {' '.join(overrides)}")
    got = {}
    for key, pattern in (("domid", r"\(id (\d+)\)"),
                         ("started", r"create to started: ([\d.]+) s"),
                         ("first", r"create to first console byte: ([\d.]+) s"),
                         ("marker", r"create to marker: ([\d.]+) s")):
        found = re.search(pattern, out)
        if found:
            got[key] = float(found.group(1))
    if status != 0 or "marker" not in got:
        return f"`xenolith-bench boot-time` exited {status}: {out[-1500:]!r}"
    return got


def best_median(name, values, unit, target=""):
    """Print the best and the median of VALUES (and each of them)."""
    figure(f"{name}, best of {len(values)}{target}", f"{min(values):.2f}", unit)
    figure(f"{name}, median of {len(values)}", f"{statistics.median(values):.2f}", unit)
    figure(f"{name}, each run", " ".join(f"{v:.2f}" for v in values), unit)


def boot_figures(m):
    """Create-to-init figures: RUNS runs with 1 vCPU, one with 2."""
    runs, failed = [], []
    for _ in range(RUNS):
        r = boot_time(m)
        (failed if isinstance(r, str) else runs).append(r)
    if failed:
        figure(f"runs that did not reach init within {TIMEOUT} s, demo guest (1 vCPU)",
               f"{len(failed)} of {RUNS}; the first: {failed[0]}", "")
    if runs:
        figure("create to domain running (config, kernel and initrd read, image built), "
               "first run", f"{runs[0]['started']:.3f}", "s")
        best_median("create to domain running, demo guest (1 vCPU)",
                    [r["started"] for r in runs], "s")
        best_median("create to first console byte, demo guest (1 vCPU)",
                    [r["first"] for r in runs], "s")
        best_median("create to 'xenolith-guest: init reached', demo guest (1 vCPU)",
                    [r["marker"] for r in runs], "s",
                    " (target under 4 s; Xen 4.17 here: 7.9 s at best, PVH 11.5-15.8 s)")
    # The demo is quiet; its kernel log on the serial console costs two exits a
    # character (LSR read, THR write), and the bzImage its decompressor.
    for name, overrides in (("with its whole kernel log on the console",
                             ("'extra=\"console=ttyS0\"'",)),
                            ("booting the bzImage (vmlinuz) instead of the vmlinux",
                             ("kernel=/usr/lib/xenolith/guest/vmlinuz",))):
        log_runs = [r for r in (boot_time(m, *overrides) for _ in range(3))
                    if not isinstance(r, str)]
        if log_runs:
            best_median(f"create to 'xenolith-guest: init reached', demo guest {name}",
                        [r["marker"] for r in log_runs], "s")
    r = boot_time(m, "vcpus=2")
    if isinstance(r, str):
        figure("create to init marker, demo guest (2 vCPUs)", f"none ({r})", "")
    else:
        figure("create to first console byte, demo guest (2 vCPUs), one run",
               f"{r['first']:.2f}", "s")
        figure("create to 'xenolith-guest: init reached', demo guest (2 vCPUs), one run",
               f"{r['marker']:.2f}", "s")


def memory_figures(m):
    """Hypervisor memory per domU beyond its RAM, from the log lines of the domains
    created above (the only ones of this boot), by vCPUs."""
    log = m.check("xenoctl dmesg >/tmp/xenolith-dmesg.out; "
                  "grep -a 'hypervisor memory for it' /tmp/xenolith-dmesg.out || true")
    kib = {1: set(), 2: set()}
    for _, _, _, vcpus, k in CREATED.findall(log):
        kib.setdefault(int(vcpus), set()).add(int(k))
    for vcpus in (1, 2):
        seen = sorted(kib[vcpus])
        name = (f"hypervisor memory per domU beyond its RAM, {vcpus} vCPU{'s' if vcpus > 1 else ''}"
                " (target under 256 KiB; Xen PVH: 1.7 MiB)")
        if not seen:
            figure(name, f"none (no log line for a {vcpus}-vCPU domain: {log!r})", "")
        else:
            figure(name, str(seen[0]) if len(seen) == 1 else f"{seen[0]}-{seen[-1]}", "KiB")


def exit_figures(m):
    """Cycles per null hypercall and per CPUID exit round trip."""
    for what, name in (("hypercall", "null hypercall"), ("cpuid", "CPUID exit")):
        cycles, us = [], []
        for _ in range(EXIT_RUNS):
            status, out = tool(m, f"{what} {EXIT_COUNT}")
            c = re.search(r"cycles per round trip: (\d+) cycles", out)
            t = re.search(r"time per round trip: ([\d.]+) us", out)
            if status != 0 or not c:
                figure(f"{name} round trip", f"none (exited {status}: {out!r})", "")
                break
            cycles.append(int(c.group(1)))
            if t:
                us.append(float(t.group(1)))
        if cycles:
            figure(f"{name} round trip from dom0's kernel, best of {len(cycles)} x {EXIT_COUNT}",
                   min(cycles), "cycles")
            figure(f"{name} round trip from dom0's kernel, median of {len(cycles)}",
                   f"{statistics.median(cycles):.0f}", "cycles")
        if us:
            figure(f"{name} round trip, best", f"{min(us):.2f}", "us")


def main():
    iso = build_path("xenolith-check.iso")
    if not os.path.exists(iso):
        subprocess.run(["./make-iso.sh", "check"], cwd=TOP, check=True, stdout=subprocess.DEVNULL)
    with Machine("bench-guests", cdrom=iso, smp=SMP, memory=MEMORY) as m:
        m.grub_select(MENU_XENOLITH)
        m.login(timeout=900)
        m.check("test -e /dev/xenolith")
        if m.run(f"test -x {TOOL}")[0] != 0:
            sys.exit(f"bench_guests: {iso} has no {TOOL}: rebuild it with `make iso VERSION=check`")
        # Let dom0's boot settle, so that its services do not share the CPUs with the guest.
        m.run("systemctl is-system-running --wait", timeout=600)
        boot_figures(m)
        memory_figures(m)
        exit_figures(m)


if __name__ == "__main__":
    main()
