"""Device interrupts reach dom0 under the hypervisor: MSI, MSI-X and IOAPIC pins.

One boot of the ISO's default entry (Xenolith) on 2 CPUs, with:
- the CD on q35's own AHCI controller (ICH9, MSI), as every ISO test has it;
- the same ISO again on a PIIX3 IDE controller (legacy mode: ISA IRQs 14/15
  through the IOAPIC, edge-triggered);
- an e1000 NIC (PCI INTx through the IOAPIC, level-triggered) and a
  virtio-net NIC (MSI-X), each on its own QEMU user network.
dom0 reads both CDs past its page cache and asks both networks for a DHCP
lease; /proc/interrupts must count on the right lines.
"""
import hashlib
import os
import re

import pytest

from conftest import MENU_XENOLITH
from qemu import Machine
from test_dom0_smp import interrupts

MIB = 1 << 20
READ_MIB = 16
PCI_ADDR = r"[0-9a-f]{4}:[0-9a-f]{2}:[0-9a-f]{2}\.[0-7]"


@pytest.fixture(scope="module")
def dom0(iso):
    # -device, not -nic: QEMU 7.2 gives a virtio-net made by -nic no MSI-X BAR.
    extra = ["-netdev", "user,id=vnet,restrict=on", "-device", "virtio-net-pci,netdev=vnet",
             "-device", "piix3-ide,id=pide",
             "-drive", f"if=none,id=cd2,media=cdrom,readonly=on,file={iso}",
             "-device", "ide-cd,bus=pide.0,drive=cd2"]
    m = Machine("dom0-devices", cdrom=iso, smp=2, nic="e1000", extra=extra)
    try:
        m.grub_select(MENU_XENOLITH)
        m.login(timeout=900)
    except BaseException:
        m.close()
        raise
    yield m
    m.close()


def irq_total(m, label):
    """Interrupts counted so far, all CPUs, on dom0's lines whose name matches LABEL;
    also the lines' descriptions (chip, pin or vector, trigger, name)."""
    rows = interrupts(m.check("cat /proc/interrupts"))
    found = [(sum(counts), desc) for counts, desc in rows.values()
             if re.search(label, (desc.split() or [""])[-1])]
    assert found, f"no line named {label!r} in dom0's /proc/interrupts: " \
        f"{[d for _, d in rows.values()]}"
    return sum(n for n, _ in found), [d for _, d in found]


def pci_driver(m, addr):
    """Name of the dom0 driver bound to PCI device ADDR."""
    return m.check(f"basename $(readlink /sys/bus/pci/devices/{addr}/driver)")


def msi_modes(m, addr):
    """The set of interrupt modes ('msi', 'msix') PCI device ADDR uses in dom0."""
    status, out = m.run(f"cat /sys/bus/pci/devices/{addr}/msi_irqs/* 2>/dev/null")
    return set(out.split()) if status == 0 else set()


def cd_drives(m):
    """{driver of the controller: (block device, PCI address)} for each CD drive."""
    drives = {}
    for dev in m.check("cd /sys/block && ls -d sr*").split():
        path = m.check(f"readlink -f /sys/block/{dev}")
        addr = re.findall(PCI_ADDR, path)
        assert addr, f"no PCI device in the sysfs path of {dev}: {path}"
        drives[pci_driver(m, addr[-1])] = (dev, addr[-1])
    return drives


def iso_md5(iso, skip_mib):
    """md5 of READ_MIB MiB of the ISO from SKIP_MIB MiB on."""
    with open(iso, "rb") as f:
        f.seek(skip_mib * MIB)
        return hashlib.md5(f.read(READ_MIB * MIB)).hexdigest()


def check_cd_read(m, iso, driver, chip, skip_mib):
    """Read the CD behind DRIVER with O_DIRECT; right data, interrupts on a CHIP line."""
    drives = cd_drives(m)
    assert driver in drives, f"no CD drive behind {driver}; drives: {drives}"
    dev, addr = drives[driver]
    before, lines = irq_total(m, rf"^{re.escape(driver)}\b")
    out = m.check(f"sync; echo 3 > /proc/sys/vm/drop_caches; dd if=/dev/{dev} bs=1M "
                  f"skip={skip_mib} count={READ_MIB} iflag=direct status=none | md5sum",
                  timeout=600)
    after, _ = irq_total(m, rf"^{re.escape(driver)}\b")
    assert out.split()[0] == iso_md5(iso, skip_mib), \
        f"/dev/{dev} ({driver} at {addr}) gave other data than the ISO: {out}"
    assert after > before, \
        f"{driver} interrupts did not count while reading {READ_MIB} MiB: {before} then {after}"
    assert any(chip in d for d in lines), f"expected {driver} on {chip}, saw {lines}"
    return addr


def test_cd_read_over_ahci_msi(dom0, iso):
    addr = check_cd_read(dom0, iso, "ahci", "MSI",
                         os.path.getsize(iso) // MIB - 2 * READ_MIB)
    assert msi_modes(dom0, addr) == {"msi"}, f"expected AHCI ({addr}) to use MSI"


def test_cd_read_over_piix_ioapic_pins(dom0, iso):
    check_cd_read(dom0, iso, "ata_piix", "IO-APIC", os.path.getsize(iso) // MIB // 2)


def nics(m):
    """{driver: (interface, its device's name in sysfs, PCI address)} for dom0's NICs.

    The device is the PCI function itself (e1000) or a virtio device on it (virtio0).
    """
    found = {}
    for line in m.check("for n in /sys/class/net/eth*; do "
                        "echo ${n##*/} $(readlink -f $n/device) "
                        "$(basename $(readlink $n/device/driver)); done").split("\n"):
        name, path, driver = line.split()
        found[driver] = (name, os.path.basename(path), re.findall(PCI_ADDR, path)[-1])
    return found


def check_dhcp(m, driver, label, chip):
    """A DHCP lease on the NIC driven by DRIVER; interrupts on its LABEL lines
    (formatted with name=interface, dev=device), all on CHIP. Returns the NIC."""
    cards = nics(m)
    assert driver in cards, f"no network card driven by {driver}: {cards}"
    name, dev, addr = cards[driver]
    label = label.format(name=name, dev=dev)
    m.check(f"ip link set {name} up")  # e1000 asks for its interrupt only now
    # A port of xenbr0 (bridged networking) hands its frames to the bridge:
    # ask over the bridge, the frames still pass through the NIC.
    ask = m.check(f"basename $(readlink /sys/class/net/{name}/master) 2>/dev/null || echo {name}")
    before, lines = irq_total(m, label)
    out = m.check(f"busybox udhcpc -i {ask} -f -q -n -t 5 -T 3 -s /bin/true 2>&1",
                  timeout=120)
    after, _ = irq_total(m, label)
    assert "lease of 10.0.2.15 obtained" in out, f"no DHCP lease on {name} ({driver}):\n{out}"
    assert after > before, f"{name} ({driver}) interrupts did not count: {before} then {after}"
    assert all(chip in d for d in lines), f"expected {name} ({driver}) on {chip}: {lines}"
    return name, addr


def test_dhcp_on_e1000_ioapic_pin(dom0):
    name, _ = check_dhcp(dom0, "e1000", r"^{name}$", "IO-APIC")
    lines = irq_total(dom0, rf"^{name}$")[1]
    assert any("fasteoi" in d for d in lines), \
        f"expected e1000's PCI INTx as a level-triggered (fasteoi) IOAPIC line: {lines}"


def test_dhcp_on_virtio_net_msix(dom0):
    _, addr = check_dhcp(dom0, "virtio_net", r"^{dev}-(input|output)", "MSI")
    assert "msix" in msi_modes(dom0, addr), f"expected virtio-net ({addr}) to use MSI-X"


def test_networkd_configured_eth0(dom0):
    """The live system's own DHCP (systemd-networkd) got eth0's address, which bridged
    networking (docs/networking.md) moved onto xenbr0, eth0 its port."""
    out = dom0.check("for i in $(seq 90); do ip -4 -br addr show xenbr0 | grep -q 10.0.2.15/ "
                     "&& break; sleep 1; done; ip -4 -br addr show xenbr0")
    assert "10.0.2.15/24" in out, f"xenbr0 has no DHCP address from networkd: {out}"
    assert "eth0" in dom0.check("ls /sys/class/net/xenbr0/brif")
