"""A domU that drives its virtio-blk function by hand (tests/guest-tools/virtio-hostile.c)
and feeds it malformed descriptor chains crashes nothing but itself: the device model
marks the device DEVICE_NEEDS_RESET and stops its queue, and goes on serving the guest's
other disk, a guest beside it and dom0 (docs/device-model.md, "A guest that breaks the
rules")."""
import hashlib
import os
import re
import subprocess

import pytest

from guests import DEMO, boot_dom0, check, create, destroy_all, guest_shell, run, table, \
    wait_booted
from qemu import TOP

SRC = os.path.join(TOP, "tests", "guest-tools")
TOOL = "virtio-hostile"

# What the device model must do with each scenario: "reset" is DEVICE_NEEDS_RESET with
# nothing used; "used:0" a request completed OK (":data-ok": the read brought back what
# the good write wrote; ":untouched": a buffer the guest marked device-readable kept its
# contents). Every malformed chain and queue set-up is "reset". The msi- scenarios point
# the queue's MSI-X vector at a message the hypervisor refuses: the read completes anyway.
EXPECTED = {
    "msi-bad-address": "used:0:data-ok",
    "msi-low-vector": "used:0:data-ok",
    "good-write": "used:0",
    "good-read": "used:0:data-ok",
    "good-indirect": "used:0:data-ok",
    "write-to-readable": "used:0:untouched",
    "good-read-after": "used:0:data-ok",
}
MALFORMED = ["loop", "loop-self", "next-out-of-range", "head-out-of-range",
             "addr-outside-ram", "addr-device-mmio", "addr-wraps", "huge-len",
             "status-readable", "readable-after-writable", "indirect-nested",
             "indirect-len-not-16", "indirect-loop", "indirect-and-next",
             "indirect-too-long", "indirect-outside-ram", "avail-idx-jump",
             "size-not-power-of-2", "size-too-big", "ring-in-device-mmio",
             "ring-outside-ram"]
EXPECTED.update({name: "reset" for name in MALFORMED})


@pytest.fixture(scope="module")
def tool(tmp_path_factory):
    """An ext4 image holding the static virtio-hostile binary; (image, its md5)."""
    d = tmp_path_factory.mktemp("hostile")
    (d / "root").mkdir()
    binary = d / "root" / TOOL
    subprocess.run(["gcc", "-static", "-O2", "-Wall", "-Wextra", "-Werror", "-o", str(binary),
                    os.path.join(SRC, "virtio-hostile.c"), os.path.join(SRC, "vpci.c")],
                   check=True)
    image = d / "tools.img"
    subprocess.run(["mke2fs", "-q", "-F", "-t", "ext4", "-d", str(d / "root"), str(image),
                    "8M"], check=True)
    return str(image), hashlib.md5(binary.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def m(iso, tool):
    """dom0 with the tool's image as its disk /dev/vda."""
    machine = boot_dom0("disk-hostile", iso, disks=[tool[0]])
    yield machine
    destroy_all(machine)
    machine.close()


def start(m, name, *disks):
    specs = ", ".join(f'"{d}"' for d in disks)
    domid = create(m, DEMO, f"name={name}", f"'disk=[ {specs} ]'")
    wait_booted(m, name)
    return domid


def dm_alive(m, domid):
    """Whether the device model of domain DOMID runs."""
    return run(m, f"pgrep -f 'xenolith-dm --domid {domid} '")[0] == 0


def test_hostile_chains_crash_nothing_but_the_guest(m, tool):
    check(m, "xenoctl vd delete scratch; xenoctl vd delete peer; true")
    check(m, "xenoctl vd create scratch 16M && xenoctl vd create peer 16M --fs ext4 "
             "--from /etc/xenolith", 300)
    start(m, "peer", "vd:peer,xvda,r")
    domid = start(m, "hostile", "vd:scratch,xvda,w", "phy:/dev/vda,xvdb,r")
    guest_shell(m, "hostile", "mkdir -p /mnt && mount -o ro /dev/vdb /mnt")

    text = guest_shell(m, "hostile", "/mnt/virtio-hostile "
                       "$(basename $(readlink -f /sys/block/vda/device/..))", 300)
    found = re.search(r"RESULT-hostile (.*) RESULT-hostile-end", text)
    log = run(m, "tail -n 20 /run/xenolith/hostile.dm.log")[1]
    assert found, f"no RESULT-hostile line on hostile's console:\n{text}\ndevice model log:\n{log}"
    seen = dict(item.split("=", 1) for item in found.group(1).split())
    wrong = {k: (v, seen.get(k)) for k, v in EXPECTED.items() if seen.get(k) != v}
    assert not wrong, f"scenario: (expected, saw): {wrong}\ndevice model log:\n{log}"
    assert re.search(r"MSI 0xdead0000/0xffffffff: .*further failures not logged", log), \
        f"expected the refused MSI in the device model's log, saw:\n{log}"

    # The device model survived, the domain runs, and its other disk still reads.
    assert dm_alive(m, domid), f"hostile's device model is gone; its log:\n{log}"
    assert table(m)["hostile"]["state"][4] != "c", table(m)
    text = guest_shell(m, "hostile", "umount /mnt && echo 3 >/proc/sys/vm/drop_caches && "
                       "mount -o ro /dev/vdb /mnt && echo RESULT-md5-$(md5sum </mnt/virtio-hostile"
                       " | cut -c1-32)")
    assert f"RESULT-md5-{tool[1]}" in text, f"expected md5 {tool[1]} of vdb's file, saw:\n{text}"
    # The guest beside it reads its disk; dom0 works.
    text = guest_shell(m, "peer", "mkdir -p /mnt && mount -o ro /dev/vda /mnt && "
                       "echo RESULT-peer-$(grep -c name /mnt/demo.cfg) && umount /mnt")
    assert re.search(r"RESULT-peer-[1-9]", text), text
    assert "Domain-0" in table(m)
    assert check(m, "head -c 4096 /dev/vda | wc -c") == "4096"
