"""Intel VT-x under Bochs: the CD's default entry runs dom0 on the vmx backend, to a shell
that reports our CPUID signature; then a domU boots beside it to its marker, is paused
and unpaused, and powers off at the power button. Bochs is slow (minutes to dom0's
login): the two tests share one machine, and this file and test_vmx_bochs_novmx.py run
in `make check` one after the other, beside the QEMU tests."""
import time

import pytest

import guests
from bochs import BochsMachine, boot_vmx_dom0


@pytest.fixture(scope="module")
def m(iso):
    with BochsMachine("vmx-bochs", iso) as machine:
        boot_vmx_dom0(machine)
        yield machine


def test_vmx_runs_dom0(m):
    # dom0 sees no VMX of its own (no nested virtualisation).
    assert guests.check(m, "grep -c -w vmx /proc/cpuinfo || true") == "0"


def test_vmx_runs_a_domu(m):
    guests.define_conwait(m)	# before the domU competes for the only CPU
    guests.create(m, timeout=600)
    marker = guests.wait_booted(m, "demo", timeout=1800)
    assert marker.group(2) == "1", marker.group(0)
    # Paused, its CPU time stands still; unpaused, it answers.
    guests.check(m, "xenoctl pause demo")
    paused = guests.domains_json(m)["demo"]
    time.sleep(5)
    still = guests.domains_json(m)["demo"]
    assert "p" in still["state"] and still["cpu_time_ns"] == paused["cpu_time_ns"], (paused, still)
    guests.check(m, "xenoctl unpause demo")
    assert "RESULT=42" in guests.console_wait(m, "demo", "RESULT=42", 300,
                                              "echo RESULT=$((40+2))")
    # The power button: the guest powers itself off and the domain goes.
    guests.check(m, "timeout 900 xenoctl shutdown -w demo", 960)
    assert "demo" not in guests.domu_names(m)
    # No byte typed to dom0 while the domU ran was lost (the UART's overruns).
    assert "input lost (overrun)" not in m.transcript()
