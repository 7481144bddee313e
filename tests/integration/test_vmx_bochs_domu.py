"""Intel VT-x under Bochs: a domU boots beside dom0 on the vmx backend, to its marker, and
is destroyed. In `make check-vmx` only: today the demo domU halts in its first moments
under Bochs (docs/hypervisor.md, "Intel VT-x")."""
import guests
from bochs import BochsMachine, boot_vmx_dom0


def test_vmx_runs_a_domu(iso):
    with BochsMachine("vmx-bochs-domu", iso) as m:
        boot_vmx_dom0(m)
        guests.create(m, timeout=600)
        marker = guests.wait_booted(m, "demo", timeout=1800)
        assert marker.group(2) == "1", marker.group(0)
        guests.check(m, "xenoctl destroy demo", 120)
        assert "demo" not in guests.domu_names(m)
