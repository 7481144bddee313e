"""dom0's local APIC is virtual: the hypervisor takes every physical interrupt.

dom0 (the CD's kernel with the test initramfs of test_hypervisor_kernel.py)
programs an emulated xAPIC page; its LAPIC timer runs on the hypervisor's
physical one-shot timer, and device interrupts (IOAPIC, MSI) arrive at the
hypervisor, which injects the vector dom0 chose.
"""
import re
import time

import pytest

from test_hypervisor_kernel import BOOT_TIMEOUT, hv_machine, initrd  # noqa: F401

MARK = "OUT-$((6*7))-DONE"


@pytest.fixture(scope="module")
def dom0(initrd):  # noqa: F811
    m = hv_machine("hv-irq", initrd, hv_args="noreboot loglvl=all")
    m.expect(r"XENOLITH-TEST-READY", BOOT_TIMEOUT)
    m.transcript = m.child.before
    m.expect(r"/ # ", 60)
    yield m
    m.close()


def run(m, command, timeout=60):
    """Run command in dom0's shell; what the terminal showed (echo included)."""
    m.send(f"{command}; echo {MARK}\n")
    m.expect(r"OUT-42-DONE", timeout)
    return m.child.before.replace("\r", "")


def irq_count(m, name):
    """dom0's count (one CPU) on the /proc/interrupts line whose label has name."""
    out = run(m, f"grep '{name}' /proc/interrupts | awk '{{print \"CNT\" \"=\" $2}}'")
    found = re.search(r"CNT=(\d+)", out)
    assert found, f"no {name!r} line in dom0's /proc/interrupts, saw:\n{out}"
    return int(found.group(1))


def test_hypervisor_says_lapic_is_virtualised(dom0):
    assert re.search(r"dom0: LAPICs virtualised \(xAPIC page at 0xfee00000 emulated",
                     dom0.transcript), "expected the hypervisor to say dom0's LAPIC is virtual"


def test_hypervisor_owns_the_ioapic(dom0):
    assert re.search(r"IOAPIC: id \d+ at 0xfec00000, GSIs 0-23: owned by the hypervisor",
                     dom0.transcript), "expected the hypervisor to take over QEMU's IOAPIC"
    out = run(dom0, "grep -E 'IO-APIC' /proc/interrupts | head -3")
    assert re.search(r"IO-APIC\s+\d+-(edge|fasteoi)", out), \
        f"dom0 routes no interrupt through its (virtual) IOAPIC: {out!r}"


def test_dom0_uses_its_lapic_timer(dom0):
    out = run(dom0, "mount -t sysfs sys /sys 2>/dev/null; "
                    "cat /sys/devices/system/clockevents/clockevent0/current_device")
    assert re.search(r"^lapic$", out, re.M), f"expected dom0's clock events from its LAPIC timer, saw {out!r}"
    first = irq_count(dom0, "LOC:")
    run(dom0, "sleep 2")
    second = irq_count(dom0, "LOC:")
    assert second > first, f"LAPIC timer interrupts did not count up: {first} then {second}"


def test_device_interrupts_arrive(dom0):
    first = irq_count(dom0, "ttyS0")
    run(dom0, "echo typing-makes-serial-interrupts")
    second = irq_count(dom0, "ttyS0")
    assert second > first, f"ttyS0 (IOAPIC pin 4) interrupts did not count up: {first} then {second}"


def test_sleep_takes_wall_time(dom0):
    run(dom0, "true")
    t0 = time.monotonic()
    run(dom0, "sleep 5")
    took = time.monotonic() - t0
    assert 4.0 <= took <= 6.0, f"`sleep 5` in dom0 took {took:.2f} s of wall time"


def test_debug_key_counts_injected_interrupts(dom0):
    dom0.send("\x01\x01\x01")
    dom0.expect(r"input now goes to Xenolith", 60)
    dom0.send("q")
    dom0.expect(r"Domain-0 \(domain 0\): \w+, \d+ MiB, 1 vCPU\s+\S*\s*nested tables \d+ pages, "
                r"(\d+) device interrupts taken", 60)
    taken = int(dom0.child.match.group(1))
    dom0.expect(r"vcpu0: (?:running|idle \(HLT\)) on cpu0, RIP [0-9a-f]{16}, \d+ exits, "
                r"(\d+) interrupts injected, (\d+) HLTs slept", 60)
    injected, halts = (int(x) for x in dom0.child.match.groups())
    assert injected > 100 and taken > 10 and halts > 10, \
        f"expected interrupts injected, device interrupts taken and HLTs slept, saw " \
        f"{injected}, {taken}, {halts}"
    dom0.send("\x01\x01\x01")
    dom0.expect(r"goes to dom0", 60)
    assert "BACK-42" in run(dom0, "echo BACK-$((40+2))")


def test_dom0_eois_go_through_pv_eoi(dom0):
    """dom0's kernel finds KVM's CPUID block and enables PV EOI (MSR_KVM_PV_EOI_EN):
    debug key e then counts EOIs done through the flag, without an exit."""
    out = run(dom0, "dmesg | grep -iE 'kvm|unchecked [M]SR'")
    assert "Hypervisor detected: KVM" in out, \
        f"expected dom0 to detect KVM's CPUID block, saw:\n{out}"
    assert "unchecked MSR" not in out, f"dom0 had an MSR access refused:\n{out}"
    run(dom0, "sleep 1")
    dom0.send("\x01\x01\x01")
    dom0.expect(r"input now goes to Xenolith", 60)
    dom0.send("e")
    dom0.expect(r"dom0\.v0: \d+ exits", 60)
    dom0.expect(r"pv eoi: (\w+), (\d+) EOIs through the guest's flag", 60)
    state, eois = dom0.child.match.group(1), int(dom0.child.match.group(2))
    dom0.send("\x01\x01\x01")
    dom0.expect(r"goes to dom0", 60)
    assert state == "on" and eois > 100, \
        f"expected PV EOI on in dom0 with more than 100 EOIs through it, saw {state}, {eois}"
