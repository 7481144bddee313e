"""Without the CD, linuxrc says what failed and opens a rescue shell: no kernel panic."""
import time

from conftest import KERNEL_ARGS
from qemu import Machine


def test_no_cd_gives_message_and_rescue_shell(boot_files):
    kernel, initrd = boot_files
    with Machine("linuxrc-nocd", kernel=kernel, initrd=initrd,
                 append=KERNEL_ARGS + " xenolith.debug", nic=None) as m:
        m.expect("linuxrc: waiting up to 30 s for the Xenolith CD", 300)
        waiting_since = time.monotonic()
        m.expect("linuxrc: error: finding the CD: no device with the label and id "
                 "of this Xenolith CD after 30 s", 120)
        waited = time.monotonic() - waiting_since
        assert waited < 90, f"the rescue shell came after {waited:.0f} s of waiting"
        m.expect("starting a rescue shell", 30)
        m.send("echo RESCUE-$((40+2))\n")
        m.expect("RESCUE-42", 60)
        # xenolith.debug traces every step.
        assert "+ find_medium" in m.transcript()
