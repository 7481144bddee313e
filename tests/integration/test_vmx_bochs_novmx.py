"""The native fallback under Bochs: on a CPU without VMX the hypervisor says so and boots
the dom0 kernel as plain Linux. One boot, to dom0's shell; a file apart from
test_vmx_bochs.py so that `make check` runs the two Bochs boots beside each other."""
import re

import guests
from conftest import MENU_XENOLITH
from bochs import BOOT_TIMEOUT, MODEL_NO_VMX, READ_SIGNATURE, SIGNATURE, BochsMachine, hv_line


def test_no_vmx_boots_plain_linux(iso):
    with BochsMachine("vmx-bochs-novmx", iso, model=MODEL_NO_VMX) as m:
        # Enter at the menu: GRUB's 5 s countdown is a busy loop, 10^9 Bochs instructions.
        m.grub_select(MENU_XENOLITH, timeout=600)
        line = hv_line(m, r"Xenolith: .*natively")
        assert re.search(r"has no Intel VT-x \(VMX\)", line), line
        m.login(timeout=BOOT_TIMEOUT)
        assert m.check("grep -c -w hypervisor /proc/cpuinfo || true") == "0"
        assert guests.check(m, READ_SIGNATURE + " || true") != SIGNATURE
