"""NICs added to and taken from a running domain: `xenoctl network-attach`,
`network-detach`, `network-list` (docs/networking.md "NICs at run time"),
seen by the CD's Debian kernel through ACPI PCI hotplug with no guest
changes. The guest pings dom0 through the new NIC, which then goes away
with its tap; bad input is refused with one line and leaves no tap.

Every packet stays inside the emulated machine: the bridges are dom0's own.
"""
import re

from guests import DEMO, check, create, dom0_fixtures, guest_shell, refused, run, \
    wait_booted, wait_until

m, clean = dom0_fixtures("network-hotplug")

MAC0 = "00:16:3e:4a:20:01"
MAC1 = "00:16:3e:4a:20:02"


def bridges(m):
    """xenbr9 (10.99.1.1/24, the guest's first NIC) and xenbr8 (10.99.2.1/24,
    the hot-plugged one), made afresh."""
    run(m, "ip link del xenbr9; ip link del xenbr8")
    for br, net in (("xenbr9", "10.99.1"), ("xenbr8", "10.99.2")):
        check(m, f"ip link add {br} type bridge && ip addr add {net}.1/24 dev {br} && "
                 f"ip link set {br} up")


def network_list(m, name):
    """`xenoctl network-list NAME` as {devid: row fields after the devid}."""
    out = check(m, f"xenoctl network-list {name}")
    lines = out.splitlines()
    assert lines and lines[0].split() == ["Idx", "MAC", "Tap", "Bridge", "State", "RX-packets",
                                          "RX-bytes", "TX-packets", "TX-bytes", "Dropped",
                                          "Drop-reasons"], \
        f"`network-list {name}`: unexpected header:\n{out}"
    return {int(f[0]): f[1:] for f in (line.split() for line in lines[1:])}


def taps(m):
    """The vif* interfaces of dom0."""
    return check(m, "ls /sys/class/net | grep '^vif' || true").split()


def define_nic(m, name):
    """Define nic MAC in guest NAME's shell: the name of its interface with
    address MAC. Typed lines stay short: `xenoctl console` types them into a
    16-byte UART FIFO, which a guest under a loaded emulator reads slowly."""
    guest_shell(m, name, "nic() { grep -l $1 /sys/class/net/*/address | cut -d/ -f5; }")


def start(m, name):
    """A demo guest NAME with one NIC on xenbr9 (its initrd loads virtio-net)."""
    domid = create(m, DEMO, f"name={name}", f"'vif=[ \"mac={MAC0}, bridge=xenbr9\" ]'")
    wait_booted(m, name)
    define_nic(m, name)
    return domid


def test_attach_ping_detach(m):
    bridges(m)
    try:
        domid = start(m, "hot1")
        assert list(network_list(m, "hot1")) == [0]

        out = check(m, f"xenoctl network-attach hot1 'mac={MAC1}, bridge=xenbr8'")
        assert f"Attached vif{domid}.1 (devid 1, mac {MAC1}) to domain hot1 on bridge xenbr8" \
            in out, f"expected the attach message for vif{domid}.1, saw:\n{out}"
        nics = network_list(m, "hot1")
        assert nics[1][:4] == [MAC1, f"vif{domid}.1", "xenbr8", "attached"], nics
        assert check(m, "ls /sys/class/net/xenbr8/brif/") == f"vif{domid}.1"

        # The guest finds the NIC by itself (acpiphp, virtio-net loaded at boot).
        guest_shell(m, "hot1", f"for i in $(seq 60); do [ -n \"$(nic {MAC1})\" ] && break; "
                    f"sleep 1; done; d=$(nic {MAC1}); [ -n \"$d\" ]")
        guest_shell(m, "hot1", "ip addr add 10.99.2.2/24 dev $d && ip link set $d up && "
                    "ping -c 3 -W 10 10.99.2.1 >/dev/null")
        check(m, "ping -c 3 -W 10 10.99.2.2")
        rx_packets, tx_packets = (int(network_list(m, "hot1")[1][i]) for i in (5, 7))
        assert rx_packets >= 3 and tx_packets >= 3, \
            f"expected the pings counted on devid 1, saw rx {rx_packets}, tx {tx_packets}"

        out = check(m, "xenoctl network-detach hot1 1")
        assert f"Detached vif{domid}.1 (devid 1) from domain hot1" in out, out
        assert list(network_list(m, "hot1")) == [0]
        assert taps(m) == [f"vif{domid}.0"], f"expected only vif{domid}.0 left, saw {taps(m)}"
        guest_shell(m, "hot1", f"for i in $(seq 30); do [ -z \"$(nic {MAC1})\" ] && break; "
                    f"sleep 1; done; [ -z \"$(nic {MAC1})\" ]")
        st, _ = run(m, "ping -c 1 -W 3 10.99.2.2")
        assert st != 0, "expected no answer from 10.99.2.2 once its NIC is gone"

        # The first NIC still works, and a new attach takes the freed devid 1.
        guest_shell(m, "hot1", f"d=$(nic {MAC0}); ip addr add 10.99.1.2/24 dev $d && "
                    "ip link set $d up && ping -c 2 -W 10 10.99.1.1 >/dev/null")
        out = check(m, "xenoctl network-attach hot1 bridge=xenbr8")
        assert re.search(rf"Attached vif{domid}\.1 \(devid 1, mac 00:16:3e(:[0-9a-f]{{2}}){{3}}\)",
                         out), out
        check(m, "xenoctl network-detach hot1 1")
    finally:
        run(m, "xenoctl destroy hot1")
        run(m, "ip link del xenbr9; ip link del xenbr8")


def test_bad_input(m):
    bridges(m)
    try:
        domid = start(m, "hot2")
        create(m, DEMO, "name=plain")		# no disk, no vif: no device model
        before = taps(m)
        refused(m, "xenoctl network-attach hot2 'mac=00:16:3e:zz:00:01'", r"mac '00:16:3e:zz")
        refused(m, "xenoctl network-attach hot2 'bridge=nosuchbr'",
                rf"domain hot2: vif{domid}\.1: script \S*vif-bridge failed.*bridge nosuchbr: no such bridge")
        refused(m, f"xenoctl network-attach hot2 'mac={MAC0}, bridge=xenbr8'",
                rf"mac {MAC0} already used by vif{domid}\.0")
        refused(m, "xenoctl network-attach hot2 'vifname=xenbr8, bridge=xenbr9'",
                r"xenbr8: an interface of that name exists already")
        refused(m, "xenoctl network-attach hot2 'rate=fast'", r"network-attach: 'rate=fast': "
                r"rate 'fast': expected a number")
        refused(m, "xenoctl network-attach nosuch bridge=xenbr9", r"nosuch")
        refused(m, "xenoctl network-attach Domain-0 bridge=xenbr9",
                r"Domain-0 has no device model")
        refused(m, "xenoctl network-attach plain bridge=xenbr9",
                r"domain plain has no device model")
        refused(m, "xenoctl network-attach hot2", r"usage: xenoctl network-attach DOM SPEC")
        refused(m, "xenoctl network-detach hot2 5", r"domain hot2 has no network interface "
                r"with devid 5")
        refused(m, "xenoctl network-detach hot2 eth0", r"'eth0' is not a devid")
        refused(m, "xenoctl network-detach hot2", r"usage: xenoctl network-detach DOM DEVID")
        refused(m, "xenoctl network-list", r"usage: xenoctl network-list DOM")
        refused(m, "xenoctl network-list plain", r"domain plain has no device model")
        assert taps(m) == before, f"expected the taps {before} unchanged, saw {taps(m)}"
        assert list(network_list(m, "hot2")) == [0]
    finally:
        run(m, "xenoctl destroy hot2; xenoctl destroy plain")
        run(m, "ip link del xenbr9; ip link del xenbr8")
