"""A domU's virtio NIC on a bridge in dom0 (docs/networking.md): the configured MAC, packets
both ways between the guest and dom0's address on the bridge, and a missing bridge refused.
Every packet stays inside the emulated machine: the bridge is dom0's own."""
import re

from guests import DEMO, check, create, dom0_fixtures, guest_shell, run, snapshot, wait_booted

m, clean = dom0_fixtures("network")

MAC = "00:16:3e:4a:10:01"


def test_guest_and_dom0_talk_over_a_bridge(m):
    run(m, "ip link del xenbr9")
    check(m, "ip link add xenbr9 type bridge && ip addr add 10.99.0.1/24 dev xenbr9 && "
             "ip link set xenbr9 up")
    try:
        create(m, DEMO, "name=net1", f"'vif=[ \"mac={MAC}, bridge=xenbr9\" ]'")
        wait_booted(m, "net1")
        assert re.fullmatch(r"vif\d+\.0", check(m, "ls /sys/class/net/xenbr9/brif/"))
        text = guest_shell(m, "net1", "echo RESULT-mac-$(cat /sys/class/net/eth0/address) && "
                     "ip addr add 10.99.0.2/24 dev eth0 && ip link set eth0 up && "
                     "ping -c 3 -W 10 10.99.0.1 >/dev/null")
        assert f"RESULT-mac-{MAC}" in text
        check(m, "ping -c 3 -W 10 10.99.0.2")
    finally:
        run(m, "xenoctl destroy net1")
        run(m, "ip link del xenbr9")


def test_missing_bridge_is_refused(m):
    before = snapshot(m)
    st, out = run(m, f"xenoctl create {DEMO} name=net2 'vif=[ \"bridge=nosuchbr\" ]'")
    assert st != 0 and "nosuchbr" in out and len(out.splitlines()) == 1, out
    assert snapshot(m) == before
