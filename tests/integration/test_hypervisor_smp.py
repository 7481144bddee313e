"""Every CPU under the hypervisor: APs started from the MADT, nosmp, maxcpus=.

The hypervisor (qemu -kernel) on 2 and 4 CPUs: each AP comes up in long
mode with its own GDT/TSS and then runs the scheduler's loop; dom0 boots
with one vCPU per CPU. The test initramfs is test_hypervisor_kernel.py's.
"""
import re

import pytest

from test_hypervisor_kernel import BOOT_TIMEOUT, hv_machine, initrd  # noqa: F401

SUMMARY = r"SMP: (\d+) CPUs? up \((\d+) found, ([^)]*)\)"


def boot(name, initrd, smp, hv_args="noreboot", until="XENOLITH-TEST-READY"):
    """Boot the hypervisor on smp CPUs up to `until`; the machine and its transcript."""
    m = hv_machine(name, initrd, hv_args=hv_args, smp=smp)
    m.expect(until, BOOT_TIMEOUT)
    return m, m.child.before.replace("\r", "")


def summary(text):
    m = re.search(SUMMARY, text)
    assert m, f"expected a line like 'SMP: N CPUs up (M found, ...)', saw:\n{text[-3000:]}"
    return int(m.group(1)), int(m.group(2)), m.group(3)


def ap_lines(text):
    return re.findall(r"^\[cpu(\d+)\] up \(APIC id (\d+)\)$", text, re.M)


@pytest.mark.parametrize("smp", [2, 4])
def test_every_cpu_comes_up_and_dom0_boots(initrd, smp):
    m, text = boot(f"hv-smp{smp}", initrd, smp)
    try:
        up, found, how = summary(text)
        assert (up, found, how) == (smp, smp, "maxcpus=all"), \
            f"expected {smp} CPUs up of {smp} found, saw {up} of {found} ({how})"
        aps = ap_lines(text)
        assert sorted(int(n) for n, _ in aps) == list(range(1, smp)), \
            f"expected '[cpuN] up' from CPUs 1..{smp - 1}, saw {aps}"
        assert sorted(int(a) for _, a in aps) == list(range(1, smp)), \
            f"expected APIC ids 1..{smp - 1} (QEMU numbers them so), saw {aps}"
        assert "did not come up" not in text
        assert "Run /init as init process" in text
        assert re.search(rf"CPUS={smp}\b", text), \
            f"the machine has {smp} CPUs; dom0 must see {smp} vCPUs"

        # The CPU list debug key names every CPU and then kicks the others
        # (an IPI on the hypervisor's vector): the second list shows each
        # AP counting it, so IPIs, the AP's IDT and EOI work.
        m.expect(r"/ # ", 60)
        m.send("\x01\x01\x01")
        m.expect(r"input now goes to Xenolith", 60)
        m.send("c")
        m.expect(rf"CPUs: {smp} online", 60)
        m.expect(rf"cpu{smp - 1}: APIC id {smp - 1}, scheduling vCPUs, woken \d+ times, "
                 r"1 ms timer test \d+ us", 60)
        listing = m.child.before + m.child.after
        # Each AP slept on a 1 ms one-shot of its LAPIC timer at start-up.
        for n in range(1, smp):
            t = re.search(rf"cpu{n}: APIC id {n}, scheduling vCPUs, woken \d+ times, "
                          r"1 ms timer test (\d+) us", listing)
            assert t, f"no timer test result for cpu{n} in:\n{listing}"
            assert 500 <= int(t.group(1)) <= 1000000, \
                f"cpu{n}: a 1 ms LAPIC one-shot took {t.group(1)} us (calibration?)"
        kicks = {int(n): int(w) for n, w in
                 re.findall(r"cpu(\d+): APIC id \d+, scheduling vCPUs, woken (\d+) times", listing)}
        m.send("c")
        m.expect(rf"CPUs: {smp} online", 60)
        for n in range(1, smp):
            m.expect(rf"cpu{n}: APIC id {n}, scheduling vCPUs, woken (\d+) times", 60)
            woken = int(m.child.match.group(1))
            assert woken > kicks[n], \
                f"cpu{n} was kicked but its count went from {kicks[n]} to {woken}"
        m.send("\x01\x01\x01")
        m.expect(r"goes to dom0", 60)
    finally:
        m.close()


def test_nosmp_starts_no_ap(initrd):
    m, text = boot("hv-smp-nosmp", initrd, 4, hv_args="noreboot nosmp", until="Starting dom0")
    try:
        up, found, how = summary(text)
        assert (up, found, how) == (1, 4, "nosmp"), \
            f"expected 1 CPU up of 4 found with nosmp, saw {up} of {found} ({how})"
        assert not ap_lines(text), f"nosmp, yet APs came up: {ap_lines(text)}"
    finally:
        m.close()


def test_maxcpus_limits_the_total(initrd):
    m, text = boot("hv-smp-maxcpus", initrd, 4, hv_args="noreboot maxcpus=2",
                   until="Starting dom0")
    try:
        up, found, how = summary(text)
        assert (up, found, how) == (2, 4, "maxcpus=2"), \
            f"expected 2 CPUs up of 4 found with maxcpus=2, saw {up} of {found} ({how})"
        assert [n for n, _ in ap_lines(text)] == ["1"], \
            f"expected only cpu1 to come up, saw {ap_lines(text)}"
    finally:
        m.close()
