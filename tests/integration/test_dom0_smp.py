"""dom0 with several vCPUs, scheduled by the hypervisor on the physical CPUs.

The ISO on 2 CPUs, then the hypervisor booted with -kernel and the test
initramfs of test_hypervisor_kernel.py (much faster): dom0_max_vcpus=,
nosmp, dom0_vcpus_pin, the debug keys `r` (run queues) and `e` (exit
statistics), and a shell that stays responsive while every vCPU is busy.
"""
import re
import time

import pexpect
import pytest

from conftest import MENU_XENOLITH
from qemu import PROMPT, Machine
from test_hypervisor_kernel import BOOT_TIMEOUT, hv_machine, initrd  # noqa: F401

VCPU_LINE = r"dom0: (\d+) vCPUs? on (\d+) CPUs?(, pinned)?"
BUSY_SECONDS = 60
PROBE_EVERY = 10
LATENCY_BOUND = 10.0


def vcpu_line(text):
    """(vCPUs, CPUs, pinned) from the hypervisor's one `dom0: N vCPUs on M CPUs` line."""
    lines = re.findall(VCPU_LINE, text)
    assert len(lines) == 1, \
        f"expected exactly one line 'dom0: N vCPUs on M CPUs', saw {len(lines)}: {lines}"
    n, cpus, pinned = lines[0]
    return int(n), int(cpus), bool(pinned)


def interrupts(text):
    """Rows of a /proc/interrupts listing: {name: (per-CPU counts, description)}."""
    lines = text.replace("\r", "").split("\n")
    header = next((i for i, line in enumerate(lines) if re.match(r"\s*CPU0\b", line)), None)
    assert header is not None, f"no /proc/interrupts header in:\n{text}"
    ncpu = len(lines[header].split())
    rows = {}
    for line in lines[header + 1:]:
        fields = line.split()
        if len(fields) < 1 + ncpu or not fields[0].endswith(":"):
            continue
        if not all(f.isdigit() for f in fields[1:1 + ncpu]):
            continue
        rows[fields[0]] = ([int(f) for f in fields[1:1 + ncpu]], " ".join(fields[1 + ncpu:]))
    return rows


def hv_key(m, key, last, timeout=60):
    """Press debug key KEY at the hypervisor; its output up to the regex LAST."""
    m.send("\x01\x01\x01")
    m.expect(r"input now goes to Xenolith", timeout)
    try:
        m.send(key)
        m.expect(last, timeout)
        return (m.child.before + m.child.after).replace("\r", "")
    finally:  # give the input back to dom0 even when the key's output is wrong
        m.send("\x01\x01\x01")
        m.expect(r"goes to dom0", timeout)


def run_queues(m, nvcpus):
    """Key `r`: {vCPU number: (state, CPU, 'may run on' set)} of dom0."""
    text = hv_key(m, "r", rf"v{nvcpus - 1}: [^\n]*may run on [0-9,\-a-z]+\r*\n")
    assert re.search(r"Scheduler: credit, \d+ CPUs?", text), f"no scheduler header in:\n{text}"
    assert re.search(rf"dom0 \(id 0\): {nvcpus} vCPUs?, weight \d+, cap \d+", text), \
        f"expected dom0 with {nvcpus} vCPUs in the run queue dump:\n{text}"
    found = re.findall(r"\bv(\d+): (\w+), cpu(\d+), may run on ([0-9,\-a-z]+)", text)
    return {int(v): (state, int(cpu), cpus) for v, state, cpu, cpus in found}, text


def exit_stats(m, nvcpus):
    """Key `e`: (total exits, cycles per exit, {vCPU: (exits, cycles per exit)})."""
    text = hv_key(m, "e", rf"dom0\.v{nvcpus - 1}: \d+ exits, \d+ cycles per exit")
    total = re.search(r"exits: (\d+) total, (\d+) cycles per exit", text)
    assert total, f"no 'exits: E total, C cycles per exit' line in:\n{text}"
    per = {int(v): (int(e), int(c)) for v, e, c in
           re.findall(r"dom0\.v(\d+): (\d+) exits, (\d+) cycles per exit", text)}
    return int(total.group(1)), int(total.group(2)), per


def shell(m):
    """At the test initramfs's shell: a shell Machine.run can drive (prompt set, echo
    off, kernel messages kept off the console as Machine.login does).

    With echo off busybox's sh reads with fgets(), and a SIGCHLD then ends it
    as if at end of file: so the commands go to a child shell (not init) and
    background jobs are started as orphans, `( job & )`, never as its children.
    """
    m.expect(r"/ # ", 60)
    m.send(f"export PS1='{PROMPT}'; stty -echo cols 200; dmesg -n 1; sh\n")
    m.expect(PROMPT, 60)
    m.expect(PROMPT, 60)


def boot(name, initrd, smp=2, hv_args=""):  # noqa: F811
    """Boot the hypervisor (-kernel) with the test initramfs to its shell;
    the Machine and the transcript up to dom0's ready marker."""
    m = hv_machine(name, initrd, hv_args="noreboot " + hv_args, smp=smp)
    try:
        m.expect(r"XENOLITH-TEST-READY", BOOT_TIMEOUT)
        text = m.child.before.replace("\r", "")
        shell(m)
    except BaseException:
        m.close()
        raise
    return m, text


def dom0_cpus(m):
    """How many CPUs dom0 sees: nproc and /proc/cpuinfo."""
    return int(m.check("nproc")), int(m.check("grep -c ^processor /proc/cpuinfo"))


def busy_loops(seconds):
    """Shell command: one CPU-bound loop pinned to each of dom0's CPUs, in the background."""
    return (f"(for i in $(seq 0 $(($(nproc)-1))); do timeout {seconds} "
            "taskset -c $i sh -c 'while :; do :; done' & done)")


def local_timer_counts(m):
    """dom0's LOC row of /proc/interrupts: LAPIC timer interrupts per CPU."""
    rows = interrupts(m.check("cat /proc/interrupts"))
    assert "LOC:" in rows, f"no LOC row in dom0's /proc/interrupts: {sorted(rows)}"
    return rows["LOC:"][0]


def assert_timers_tick_on_every_cpu(m, ncpus):
    """LOC (each CPU's LAPIC timer) counts up on every one of dom0's CPUs
    while each runs a busy loop (an idle CPU may stop its tick)."""
    first = local_timer_counts(m)
    m.check(busy_loops(3) + "; sleep 4")
    second = local_timer_counts(m)
    assert len(second) == ncpus, f"expected {ncpus} CPU columns in /proc/interrupts, saw {second}"
    assert all(b > a for a, b in zip(first, second)), \
        f"LAPIC timer interrupts (LOC) must count up on every CPU: {first} then {second}"


def test_iso_on_two_cpus_gives_dom0_two_vcpus(iso):
    with Machine("dom0-smp-iso", cdrom=iso, smp=2) as m:
        m.grub_select(MENU_XENOLITH)
        m.login(timeout=900)
        assert vcpu_line(m.transcript()) == (2, 2, False)
        assert dom0_cpus(m) == (2, 2), "expected nproc and /proc/cpuinfo to show 2 CPUs"
        assert_timers_tick_on_every_cpu(m, 2)
        # QEMU's CPUs have APIC ids 0 and 1: dom0 gets x2APIC, in physical
        # mode, and its devices' interrupts (the disk's, the NIC's) arrive.
        text = m.check("dmesg | grep -iE 'x2apic|APIC routing'")
        assert "x2apic enabled" in text and "Switched APIC routing to physical x2apic" in text, \
            f"expected dom0 in physical x2APIC mode, saw:\n{text}"
        count = m.check("awk '/virtio|ata|eth/ { for (i = 2; i <= NF; i++) "
                        "if ($i ~ /^[0-9]+$/) s += $i } END { print s + 0 }' /proc/interrupts")
        assert int(count) > 0, "expected device interrupts counted in dom0's /proc/interrupts:\n" \
            + m.check("cat /proc/interrupts")


@pytest.fixture(scope="module")
def dom0(initrd):  # noqa: F811
    """One -smp 2 boot with the default options (a vCPU per CPU), shared below."""
    m, text = boot("dom0-smp2", initrd)
    m.boot_text = text
    yield m
    m.close()


def test_default_is_one_vcpu_per_cpu(dom0):
    assert vcpu_line(dom0.boot_text) == (2, 2, False)
    assert re.search(r"CPUS=2\b", dom0.boot_text), "dom0's /init did not count 2 processors"
    assert dom0_cpus(dom0) == (2, 2)


def test_every_vcpu_has_its_lapic_timer(dom0):
    assert_timers_tick_on_every_cpu(dom0, 2)


def test_run_queue_dump_lists_both_vcpus(dom0):
    vcpus, text = run_queues(dom0, 2)
    assert sorted(vcpus) == [0, 1], f"expected v0 and v1 in:\n{text}"
    for v, (state, cpu, allowed) in vcpus.items():
        assert allowed in ("0,1", "0-1", "all"), f"unpinned v{v} may run on {allowed!r}:\n{text}"
        assert cpu in (0, 1), f"v{v} is on cpu{cpu}, which does not exist:\n{text}"


def test_exit_statistics_add_up(dom0):
    total, cycles, per = exit_stats(dom0, 2)
    assert sorted(per) == [0, 1], f"expected lines for dom0.v0 and dom0.v1, saw {per}"
    assert all(e > 0 and c > 0 for e, c in per.values()), f"a vCPU never exited? {per}"
    # dom0 keeps running while the lines are printed: allow for exits in between.
    assert abs(total - sum(e for e, _ in per.values())) <= max(1000, total // 50), \
        f"total exits {total} is not the sum of the vCPUs' {per}"
    low, high = min(c for _, c in per.values()), max(c for _, c in per.values())
    assert 0.9 * low <= cycles <= 1.1 * high, \
        f"average {cycles} cycles/exit outside the vCPUs' {per}"
    assert exit_stats(dom0, 2)[0] > total, "the exit count did not grow"


def probe(m, n, limit=60):
    """Send a command on the serial line; seconds until its output came back."""
    start = time.monotonic()
    m.send(f"echo PONG-$(({n}+1000))\n")
    try:
        m.child.expect(rf"PONG-{n + 1000}\b", timeout=limit)
    except (pexpect.TIMEOUT, pexpect.EOF):
        return float("inf")
    took = time.monotonic() - start
    m.expect(PROMPT, 60)
    return took


def test_busy_vcpus_leave_the_shell_responsive(dom0):
    """A CPU-bound loop per vCPU for 60 s; the serial shell answers every 10 s."""
    dom0.check(busy_loops(BUSY_SECONDS))
    start = time.monotonic()
    latencies, dump = [], None
    for n in range(BUSY_SECONDS // PROBE_EVERY):
        time.sleep(max(0.0, start + (n + 1) * PROBE_EVERY - 5 - time.monotonic()))
        latencies.append(probe(dom0, n))
        if latencies[-1] == float("inf"):
            break
        if n == 2:  # half-way: how the scheduler placed the busy vCPUs
            try:
                dump = run_queues(dom0, 2)
            except AssertionError as e:
                dump = e
    seen = ", ".join(f"{t:.1f}" for t in latencies)
    dom0.log.write(f"\n# serial latencies with every vCPU busy: {seen} s\n")
    assert max(latencies) <= LATENCY_BOUND, \
        f"with every vCPU busy, a command took up to {max(latencies):.1f} s " \
        f"(bound {LATENCY_BOUND} s); latencies: {seen} s"
    assert not isinstance(dump, AssertionError), f"run queue dump under load: {dump}"
    vcpus, text = dump
    states = [vcpus.get(v, ("missing", -1))[:2] for v in (0, 1)]
    assert states[0][0] == states[1][0] == "running" and states[0][1] != states[1][1], \
        f"two busy vCPUs on two CPUs should both be running, on different CPUs:\n{text}"
    time.sleep(max(0.0, start + BUSY_SECONDS + 5 - time.monotonic()))
    assert probe(dom0, 99) <= LATENCY_BOUND, "no answer after the busy loops ended"


def test_more_vcpus_than_cpus(initrd):  # noqa: F811
    m, text = boot("dom0-smp-4on2", initrd, hv_args="dom0_max_vcpus=4")
    with m:
        assert vcpu_line(text) == (4, 2, False)
        assert re.search(r"CPUS=4\b", text), "dom0's /init did not count 4 processors"
        assert dom0_cpus(m) == (4, 4)
        assert m.check("echo ANSWER-$((6*7))") == "ANSWER-42"
        assert_timers_tick_on_every_cpu(m, 4)


def test_nosmp_gives_one_vcpu(initrd):  # noqa: F811
    m, text = boot("dom0-smp-nosmp", initrd, hv_args="nosmp")
    with m:
        assert vcpu_line(text) == (1, 1, False)
        assert dom0_cpus(m) == (1, 1)


def test_pinned_vcpus_stay_on_their_cpus(initrd):  # noqa: F811
    m, text = boot("dom0-smp-pin", initrd, hv_args="dom0_vcpus_pin")
    with m:
        assert vcpu_line(text) == (2, 2, True)
        # Keep both vCPUs busy for a while so that they would move if they could.
        m.check(busy_loops(10))
        vcpus, dump = run_queues(m, 2)
        assert {v: (c, a) for v, (_, c, a) in vcpus.items()} == {0: (0, "0"), 1: (1, "1")}, \
            f"expected v0 on cpu0 and may run on 0, v1 on cpu1 and may run on 1:\n{dump}"
