"""dom0's clock under the hypervisor keeps time with QEMU's RTC, the host and its TSC.

One boot (-kernel, the test initramfs plus a tiny TSC reader, 2 CPUs and so
2 vCPUs) watched for 90 seconds, the first 30 with every vCPU busy: dom0's
wall clock against the CMOS RTC and the host's clock, and the TSC each vCPU
reads against dom0's monotonic clock (same rate all along, same value on
every vCPU).

On QEMU's qemu64 CPU (no invariant TSC) Linux with 2 CPUs distrusts the TSC
at boot whatever runs below it ("Marking TSC unstable due to TSCs
unsynchronized", plain Linux too) and keeps time with the HPET; so the TSC
is measured here rather than left to the kernel's own checks.
"""
import gzip
import os
import re
import stat
import time

import pytest

from qemu import build_path
from test_dom0_smp import boot, busy_loops
from test_hypervisor_kernel import _newc, build_nolibc, initrd  # noqa: F401

WAIT = 90
RTC = "/sys/class/rtc/rtc0/since_epoch"
# At the moment the RTC's seconds change, dom0's clock (busybox adjtimex
# shows it to the microsecond); `read` is a shell builtin, so the wait for
# the change forks nothing.
AT_RTC_EDGE = (f"read r < {RTC}; s=$r; while [ $s = $r ]; do read s < {RTC}; done; "
               "adjtimex | sed -n 's/.*tv_sec: *//p; s/.*tv_usec: *//p' | tr '\\n' ' '; "
               "echo RTC=$s")
# The TSC on each of dom0's CPUs, then on CPU 0 again.
READ_TSCS = "for c in $(seq 0 $(($(nproc)-1))) 0; do taskset -c $c /tscread; done"
# Allowed: the boot-time verdict of the CPU model (see above); nothing else.
CPU_MODEL_VERDICT = "Marking TSC unstable due to TSCs unsynchronized"

TSCREAD_C = r"""
/* Prints "TSC <before> <CLOCK_MONOTONIC ns> <after>". No libc. */
static unsigned long rdtsc(void)
{
	unsigned lo, hi;
	__asm__ volatile("lfence; rdtsc" : "=a"(lo), "=d"(hi) : : "memory");
	return ((unsigned long)hi << 32) | lo;
}
static char *num(char *p, unsigned long v)
{
	char d[24];
	int n = 0;
	do d[n++] = '0' + v % 10; while (v /= 10);
	*p++ = ' ';
	while (n)
		*p++ = d[--n];
	return p;
}
__attribute__((force_align_arg_pointer)) void _start(void)
{
	char out[128] = "TSC", *p = out + 3;
	long ts[2];
	unsigned long t0 = rdtsc(), t1;

	sys(228, 1, (long)ts, 0);
	t1 = rdtsc();
	p = num(p, t0);
	p = num(p, ts[0] * 1000000000UL + ts[1]);
	p = num(p, t1);
	*p++ = '\n';
	sys(1, 1, (long)out, p - out);
	sys(60, 0, 0, 0);
	for (;;)
		;
}
"""


@pytest.fixture(scope="module")
def tsc_initrd(initrd):  # noqa: F811
    """The test initramfs with /tscread appended (the kernel unpacks both archives)."""
    work = build_path("test-hv")
    tag = f".{os.getpid()}"
    extra = _newc([("tscread", stat.S_IFREG | 0o755, build_nolibc("tscread", TSCREAD_C))])
    path = os.path.join(work, "initrd-tsc.gz")
    with open(initrd, "rb") as f, open(path + tag, "wb") as out:
        out.write(f.read() + gzip.compress(extra, compresslevel=1))
    os.replace(path + tag, path)
    return path


def clock_sample(m):
    """(dom0's clock, the RTC, the host's clock) at an RTC second boundary."""
    out = m.check(AT_RTC_EDGE, timeout=180)
    host = time.time()
    found = re.search(r"(\d+) (\d+) RTC=(\d+)", out)
    assert found, f"expected 'SECONDS MICROSECONDS RTC=N' from dom0, saw {out!r}"
    sec, usec, rtc = (int(x) for x in found.groups())
    return sec + usec / 1e6, rtc, host


def tsc_sample(m):
    """[(TSC before, monotonic ns, TSC after)] on CPUs 0, 1, ..., then 0 again."""
    out = m.check(READ_TSCS)
    found = [tuple(int(x) for x in t) for t in re.findall(r"TSC (\d+) (\d+) (\d+)", out)]
    assert len(found) >= 2, f"expected a TSC line per CPU from /tscread, saw {out!r}"
    return found


@pytest.fixture(scope="module")
def watched(tsc_initrd):
    """Boot, then sample the clocks at the start, after a busy half-minute, and at the end."""
    m, _ = boot("dom0-clock", tsc_initrd)
    try:
        m.check(f"[ -e {RTC} ] || mount -t sysfs sys /sys; cat {RTC}")
        cpus = int(m.check("nproc"))
        start = time.monotonic()
        samples = [(clock_sample(m), tsc_sample(m))]
        m.check(busy_loops(WAIT // 3))
        for at in (WAIT // 3 + 5, WAIT):
            time.sleep(max(0.0, start + at - time.monotonic()))
            samples.append((clock_sample(m), tsc_sample(m)))
        yield m, cpus, samples
    finally:
        m.close()


def test_clock_keeps_time_with_rtc_and_host(watched):
    m, cpus, samples = watched
    first, last = samples[0][0], samples[-1][0]
    d_dom0, d_rtc, d_host = (b - a for a, b in zip(first, last))
    seen = (f"over {d_host:.1f} s of host time ({cpus} vCPUs): dom0's clock moved "
            f"{d_dom0:.3f} s, the RTC {d_rtc} s")
    m.log.write(f"\n# {seen}\n")
    assert abs(d_dom0 - d_rtc) <= 1.0, f"dom0's clock drifted against the RTC: {seen}"
    assert abs(d_dom0 - d_host) <= 2.0 and abs(d_rtc - d_host) <= 2.0, \
        f"dom0's clock or the RTC is off against the host: {seen}"


def tsc_rate(a, b):
    """TSC ticks per nanosecond of dom0's monotonic clock between two readings."""
    return ((b[0] + b[2]) - (a[0] + a[2])) / 2 / (b[1] - a[1])


def test_tsc_runs_at_one_rate(watched):
    m, _, samples = watched
    cpu0 = [tscs[0] for _, tscs in samples]
    busy, idle = tsc_rate(cpu0[0], cpu0[1]), tsc_rate(cpu0[1], cpu0[2])
    mhz = re.findall(r"tsc: (?:Detected|Refined TSC clocksource calibration:) ([\d.]+) MHz",
                     m.check("dmesg | grep tsc:"))
    seen = (f"TSC rate {busy * 1000:.3f} MHz over the busy half-minute, {idle * 1000:.3f} MHz "
            f"over the idle ones, dom0's calibration {mhz}")
    m.log.write(f"\n# {seen}\n")
    assert abs(busy - idle) / idle < 0.002, f"the TSC changed its rate: {seen}"
    assert mhz and abs(idle * 1000 - float(mhz[-1])) / float(mhz[-1]) < 0.005, \
        f"the TSC does not run at the rate dom0 calibrated: {seen}"


def test_tsc_is_the_same_on_every_vcpu(watched):
    """Each vCPU's TSC, placed on CPU 0's line (between its readings before and
    after) by dom0's monotonic clock, is off by no more than 1 ms plus the
    readings' own uncertainty."""
    m, cpus, samples = watched
    offsets = []
    for _, tscs in samples:
        assert len(tscs) == cpus + 1, f"expected {cpus + 1} TSC readings, saw {tscs}"
        first, last = tscs[0], tscs[-1]
        rate = tsc_rate(first, last)
        for cpu, (t0, ns, t1) in enumerate(tscs[1:-1], 1):
            expected = (first[0] + first[2]) / 2 + rate * (ns - first[1])
            off = (t0 + t1) / 2 - expected
            slack = (t1 - t0) + (first[2] - first[0]) + rate * 1e6
            offsets.append((abs(off) / rate / 1e6, slack / rate / 1e6, cpu))
    seen = ", ".join(f"cpu{c}: {o:.3f} ms (allowed {s:.3f})" for o, s, c in offsets)
    m.log.write(f"\n# TSC offsets against CPU 0: {seen}\n")
    assert all(o <= s for o, s, _ in offsets), f"vCPUs' TSCs differ: {seen}"


def test_kernel_finds_no_clock_skew(watched):
    """dom0's dmesg after the 90 seconds: the clocksource watchdog found nothing."""
    m, _, _ = watched
    log = m.check("dmesg")
    bad = [line for line in log.split("\n")
           if re.search(r"unstable|TSC warp|skew is too large|watchdog.*(skew|unstable)",
                        line, re.I)
           and CPU_MODEL_VERDICT not in line and "switching default tracing clock" not in line]
    assert not bad, "dom0's kernel found its clocks out of step:\n" + "\n".join(bad)
