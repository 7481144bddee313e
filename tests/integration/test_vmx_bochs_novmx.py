"""The native fallback under Bochs: on a CPU without VMX the hypervisor says so and boots
the dom0 kernel as plain Linux. One boot, up to the start of the live system's init: what
follows is the live CD's own boot, which test_live_bios.py covers natively under QEMU.
A file apart from test_vmx_bochs.py so that `make check` runs the two Bochs boots beside
each other."""
import re

from conftest import MENU_XENOLITH
from bochs import BochsMachine, MODEL_NO_VMX, hv_line


def test_no_vmx_boots_plain_linux(iso):
    with BochsMachine("vmx-bochs-novmx", iso, model=MODEL_NO_VMX) as m:
        # Enter at the menu: GRUB's 5 s countdown is a busy loop, 10^9 Bochs instructions.
        m.grub_select(MENU_XENOLITH, timeout=600)
        line = hv_line(m, r"Xenolith: .*natively")
        assert re.search(r"has no Intel VT-x \(VMX\)", line), line
        hv_line(m, r"Booting the dom0 kernel natively \(no hypervisor\)", 120)
        # The kernel's CPUID shows no hypervisor, and its initrd finds the CD.
        m.expect(r"linuxrc: running (on the bare CPU|under a hypervisor)", 900)
        assert m.child.match.group(1) == "on the bare CPU", m.child.match.group(0)
        m.expect(r"linuxrc: found the Xenolith CD on /dev/sr0", 600)
        m.expect(r"linuxrc: starting /sbin/init", 600)
