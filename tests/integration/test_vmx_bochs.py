"""Intel VT-x under Bochs: the CD's default entry runs dom0 on the vmx backend, to a shell
that reports our CPUID signature. Bochs is slow (minutes to dom0's login): this file and
test_vmx_bochs_novmx.py hold one test each, run in `make check` beside the QEMU tests;
test_vmx_bochs_domu.py (a domU on VT-x) runs in `make check-vmx`."""
import guests
from conftest import MENU_XENOLITH
from bochs import BOOT_TIMEOUT, BochsMachine, boot_vmx_dom0


def test_vmx_runs_dom0(iso):
    with BochsMachine("vmx-bochs", iso) as m:
        boot_vmx_dom0(m)
        # dom0 sees no VMX of its own (no nested virtualisation).
        assert guests.check(m, "grep -c -w vmx /proc/cpuinfo || true") == "0"
