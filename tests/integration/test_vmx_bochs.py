"""Intel VT-x under Bochs: the CD's default entry runs dom0 and a domU on the vmx backend;
on a CPU without VMX the hypervisor boots plain Linux. Bochs is slow (about a minute to
the kernel's /init natively): two tests, each one boot, that run beside the QEMU ones."""
import re

import guests
from bochs import MODEL_NO_VMX, BochsMachine

SIGNATURE = "XenolithHVMM"
READ_SIGNATURE = ("modprobe cpuid && dd if=/dev/cpu/0/cpuid bs=16 count=1 "
                  "skip=$((0x40000000)) iflag=skip_bytes status=none | tail -c 12")
BOOT_TIMEOUT = 1800  # seconds from power-on to the login prompt


def hv_line(m, pattern, timeout=900):
    """The hypervisor's log line matching PATTERN (after '[cpu0] ')."""
    m.expect(r"\[cpu0\] (" + pattern + r")[^\r\n]*\r", timeout)
    return m.child.match.group(0)


def test_vmx_runs_dom0_and_a_domu(iso):
    with BochsMachine("vmx-bochs", iso) as m:
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


def test_no_vmx_boots_plain_linux(iso):
    with BochsMachine("vmx-bochs-novmx", iso, model=MODEL_NO_VMX) as m:
        line = hv_line(m, r"Xenolith: .*natively")
        assert re.search(r"has no Intel VT-x \(VMX\)", line), line
        m.login(timeout=BOOT_TIMEOUT)
        assert m.check("grep -c -w hypervisor /proc/cpuinfo || true") == "0"
        assert guests.check(m, READ_SIGNATURE + " || true") != SIGNATURE
