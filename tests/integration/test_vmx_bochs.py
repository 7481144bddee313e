"""Intel VT-x under Bochs: the CD's default entry runs dom0 and a domU on the vmx backend,
in one boot. Bochs is slow (about a minute to the kernel's /init natively): this file and
test_vmx_bochs_novmx.py hold one test each, so that `make check` runs them beside each
other and beside the QEMU ones."""
import guests
from conftest import MENU_XENOLITH
from bochs import BOOT_TIMEOUT, READ_SIGNATURE, SIGNATURE, BochsMachine, hv_line


def test_vmx_runs_dom0_and_a_domu(iso):
    with BochsMachine("vmx-bochs", iso) as m:
        # Enter at the menu: GRUB's 5 s countdown is a busy loop, 10^9 Bochs instructions.
        m.grub_select(MENU_XENOLITH, timeout=600)
        cpu = hv_line(m, r"CPU: GenuineIntel")
        assert "VMX yes, EPT yes" in cpu and "unrestricted guest yes" in cpu, cpu
        hv_line(m, r"Virtualisation: vmx with nested paging", 120)
        hv_line(m, r"dom0: .* 1 vCPU \(vmx\)", 300)
        m.login(timeout=BOOT_TIMEOUT)
        assert m.check("grep -c -w hypervisor /proc/cpuinfo") == "1"
        assert guests.check(m, READ_SIGNATURE) == SIGNATURE
        # dom0 sees no VMX of its own (no nested virtualisation).
        assert guests.check(m, "grep -c -w vmx /proc/cpuinfo || true") == "0"
        guests.create(m, timeout=600)
        marker = guests.wait_booted(m, "demo", timeout=1800)
        assert marker.group(2) == "1", marker.group(0)
        guests.check(m, "xenoctl destroy demo", 120)
        assert "demo" not in guests.domu_names(m)
