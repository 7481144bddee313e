"""Networking modes (docs/networking.md): bridged mode on xenbr0 (made at boot over eth0,
put back when stopped), two guests with successive addresses pinging each other, dom0 and
QEMU's gateway, ssh from dom0 into a guest, routed mode, NAT mode with DHCP towards a
"remote" network namespace, and the bad inputs. Every packet stays inside the emulated
machine: dom0, its guests, a namespace in dom0 and QEMU's user-mode gateway 10.0.2.2."""
from guests import (DEMO, check, console_text, create, dom0_fixtures, guest_shell, refused, run,
                    wait_booted)

m, clean = dom0_fixtures("net-modes")

NET_DEMO = "/etc/xenolith/demo-net.cfg"
GATEWAY = "10.0.2.2"            # QEMU's user-mode gateway
DOM0 = "10.0.2.15"              # dom0's address from QEMU's DHCP


def no_taps(m):
    """The names of vif taps left in dom0."""
    return check(m, "ls /sys/class/net | grep '^vif' || true")


def test_dom0_is_bridged(m):
    check(m, "systemctl is-active xenolith-network")
    addr = check(m, f"for i in $(seq 60); do ip -4 -br addr show xenbr0 | grep -q {DOM0}/ && "
                    "break; sleep 1; done; ip -4 -br addr show xenbr0")
    assert f"{DOM0}/24" in addr, addr
    assert "inet " not in check(m, "ip -4 addr show eth0"), "eth0 kept its address"
    assert check(m, "ls /sys/class/net/xenbr0/brif") == "eth0"
    assert check(m, "cat /sys/class/net/xenbr0/address") == \
        check(m, "cat /sys/class/net/eth0/address")
    # QEMU's restricted user network gives no router by DHCP: no default route, only
    # the network itself, which holds its gateway.
    assert "10.0.2.0/24 dev xenbr0" in check(m, "ip -4 route show 10.0.2.0/24")
    check(m, f"ping -c 2 -W 10 {GATEWAY}")


def test_stop_puts_the_address_back(m):
    try:
        check(m, "systemctl stop xenolith-network", timeout=120)
        assert not check(m, "ls /sys/class/net | grep -x xenbr0 || true")
        assert f"{DOM0}/24" in check(m, "ip -4 -br addr show eth0")
        assert "10.0.2.0/24 dev eth0" in check(m, "ip -4 route show 10.0.2.0/24")
        check(m, f"ping -c 2 -W 10 {GATEWAY}")
    finally:
        check(m, "systemctl start xenolith-network", timeout=180)
    assert f"{DOM0}/24" in check(m, "ip -4 -br addr show xenbr0")
    assert "inet " not in check(m, "ip -4 addr show eth0")


def test_two_guests_bridged_and_ssh(m):
    # ip = "auto": the two addresses after dom0's; the gateway is dom0 (QEMU's restricted
    # network gives dom0 no default gateway to pass on).
    a, b = "10.0.2.16", "10.0.2.17"
    ida = create(m, NET_DEMO, "name=neta", "hostname=neta")
    idb = create(m, NET_DEMO, "name=netb")
    assert check(m, "cat /run/xenolith/neta.ip /run/xenolith/netb.ip").split() == [a, b]
    assert sorted(check(m, "ls /sys/class/net/xenbr0/brif").split()) == \
        sorted(["eth0", f"vif{ida}.0", f"vif{idb}.0"])
    wait_booted(m, "neta")
    wait_booted(m, "netb")
    assert f"xenolith-guest: eth0: {a}/255.255.255.0 via {DOM0}" in console_text(m, "neta")
    text = guest_shell(m, "neta", f"ping -c 2 -W 10 {DOM0} && ping -c 2 -W 10 {b} && "
                          f"ping -c 2 -W 10 {GATEWAY} && echo RESULT-addr-$(ip -4 -o addr show "
                          "eth0 | awk \"{print \\$4}\")", timeout=240)
    assert f"RESULT-addr-{a}/24" in text, text
    guest_shell(m, "netb", f"ping -c 2 -W 10 {a} && ping -c 2 -W 10 {GATEWAY}", timeout=240)
    check(m, f"ping -c 2 -W 10 {a} && ping -c 2 -W 10 {b}")

    # ssh: a key made here, put into the guest over its console; no password anywhere.
    check(m, "rm -f /root/.ssh/id_nettest* && ssh-keygen -q -t ed25519 -N '' "
             "-f /root/.ssh/id_nettest")
    key = check(m, "cat /root/.ssh/id_nettest.pub")
    guest_shell(m, "neta", f"echo {key} > /root/.ssh/authorized_keys && "
                   "chmod 600 /root/.ssh/authorized_keys", timeout=240)
    out = check(m, "ssh -i /root/.ssh/id_nettest -o BatchMode=yes -o StrictHostKeyChecking=no "
                   f"-o UserKnownHostsFile=/dev/null -o ConnectTimeout=60 root@{a} "
                   "'echo SSH-IN-$(hostname)' 2>&1", timeout=300)
    assert "SSH-IN-neta" in out, out
    status, out = run(m, "ssh -o BatchMode=yes -o StrictHostKeyChecking=no "
                         "-o UserKnownHostsFile=/dev/null -o IdentitiesOnly=yes "
                         f"-o PasswordAuthentication=no root@{a} true 2>&1")
    assert status != 0, f"ssh without the key got in:\n{out}"


def test_routed_mode(m):
    guest = "10.0.3.5"
    domid = create(m, DEMO, "name=netr", f"'vif=[ \"script=vif-route, ip={guest}\" ]'",
                   f"ip={guest}", "netmask=255.255.255.255", f"gateway={DOM0}")
    vif = f"vif{domid}.0"
    assert vif in check(m, f"ip -4 route show {guest}")
    assert check(m, f"cat /proc/sys/net/ipv4/conf/{vif}/proxy_arp") == "1"
    assert not check(m, f"ls /sys/class/net/{vif}/master 2>/dev/null || true")
    wait_booted(m, "netr")
    guest_shell(m, "netr", f"ping -c 2 -W 10 {DOM0}", timeout=240)
    check(m, f"ping -c 2 -W 10 {guest}")


def test_nat_mode(m):
    """A guest on the NAT network gets its reserved address by DHCP and reaches a host
    of another network (a namespace behind a veth pair) that has no route back to the
    NAT network: only masquerading makes the replies come back."""
    run(m, "ip netns del remote; ip link del vrem0")
    check(m, "ip netns add remote && ip link add vrem0 type veth peer name vrem1 && "
             "ip link set vrem1 netns remote && ip addr add 10.9.0.1/24 dev vrem0 && "
             "ip link set vrem0 up && ip netns exec remote ip addr add 10.9.0.2/24 dev vrem1 && "
             "ip netns exec remote ip link set vrem1 up")
    try:
        create(m, DEMO, "name=natg", "'vif=[ \"script=vif-nat, ip=10.0.100.50\" ]'",
               "dhcp=dhcp", "hostname=natg")
        assert "10.0.100.1/24" in check(m, "ip -4 -br addr show xennat0")
        check(m, "test -s /run/xenolith/nat-dnsmasq.pid && "
                 "kill -0 $(cat /run/xenolith/nat-dnsmasq.pid)")
        wait_booted(m, "natg")
        text = console_text(m, "natg")
        assert "xenolith-guest: eth0: 10.0.100.50 by DHCP" in text, text
        guest_shell(m, "natg", "ping -c 2 -W 10 10.9.0.2 && ping -c 2 -W 10 10.0.100.1",
                    timeout=240)
        assert "10.0.100.50" in check(m, "cat /run/xenolith/nat.leases")
        assert "masquerade" in check(m, "nft list table ip xenolith-nat")
    finally:
        run(m, "xenoctl destroy natg")
        run(m, "/etc/xenolith/scripts/network-nat stop; ip netns del remote; ip link del vrem0")
    assert not check(m, "ls /sys/class/net | grep -x xennat0 || true")


def test_bad_input(m):
    refused(m, f"xenoctl create {DEMO} name=bad1 'vif=[ \"mac=00:16:3e:zz:00:01\" ]'",
            r"vif\[0\]: mac '00:16:3e:zz:00:01': expected six hex bytes")
    refused(m, f"xenoctl create {DEMO} name=bad2 "
               "'vif=[ \"mac=00:16:3e:00:00:01\", \"mac=00:16:3e:00:00:01\" ]'",
            r"vif\[1\]: mac 00:16:3e:00:00:01: also vif\[0\]'s")
    refused(m, f"xenoctl create {DEMO} name=bad3 'vif=[ \"mac=01:16:3e:00:00:01\" ]'",
            r"vif\[0\]: mac '01:16:3e:00:00:01': a multicast address")
    refused(m, f"xenoctl create {DEMO} name=bad4 'vif=[ \"bridge=nosuchbr\" ]'",
            r"vif\d+\.0: script /etc/xenolith/scripts/vif-bridge failed \(exit 1\): "
            r"bridge nosuchbr: no such bridge")
    check(m, "printf '#!/bin/sh\\necho \"vif $vif of $domname: no network for you\" >&2\\n"
             "exit 3\\n' > /root/failing-vif && chmod 755 /root/failing-vif")
    refused(m, f"xenoctl create {DEMO} name=bad5 'vif=[ \"\", \"script=/root/failing-vif\" ]'",
            r"vif\d+\.1: script /root/failing-vif failed \(exit 3\): "
            r"vif vif\d+\.1 of bad5: no network for you")
    refused(m, f"xenoctl create {DEMO} name=bad6 'vif=[ \"script=vif-route\" ]'",
            r"vif\d+\.0: script .*vif-route failed \(exit 1\): ip: routed mode needs")
    refused(m, f"xenoctl create {DEMO} name=bad7 'vif=[ \"script=no-such-script\" ]'",
            r"vif\d+\.0: script /etc/xenolith/scripts/no-such-script failed \(exit 127\)")
    refused(m, f"xenoctl create {DEMO} name=bad8 ip=10.0.2.300",
            r"ip: '10.0.2.300': expected an IPv4 address")
    refused(m, f"xenoctl create {DEMO} name=bad9 gateway=10.0.2.2", r"gateway: needs ip")
    assert not no_taps(m), f"taps left behind: {no_taps(m)}"
    # The refused domains' own files (logs of earlier tests' guests stay, by design).
    assert not check(m, "ls /run/xenolith | grep '^bad' || true")
