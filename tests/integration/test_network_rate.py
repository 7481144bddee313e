"""A vif's rate= limits what the guest sends (docs/networking.md "Rate limits"):
one guest, two NICs, the same transfer of known size to dom0 over each, the
limited one against the unlimited one in the same run. The limit holds by
construction (a token bucket), so the limited transfer cannot be faster than
its rate allows; the unlimited one must be several times faster. A bad rate
is refused naming the vif and the field.

Every packet stays inside the emulated machine: the bridges are dom0's own.
"""
import re

from guests import DEMO, check, create, dom0_fixtures, guest_shell, run, snapshot, wait_booted
from test_network_hotplug import define_nic

m, clean = dom0_fixtures("network-rate")

MAC_FREE = "00:16:3e:4a:30:01"
MAC_SLOW = "00:16:3e:4a:30:02"
RATE = 25000			# bytes a second: rate=25KB/s
SIZE = 1024 * 1024		# bytes sent over each NIC


def receive_ms(m, guest, src_if, dst_ip, port):
    """Send SIZE bytes from GUEST (out of its interface with address SRC_IF's
    subnet) to dom0's DST_IP:PORT; the bytes dom0 got and the milliseconds
    from the first to the last."""
    # The listener's stdin stays open (sleep): BusyBox nc ends at its stdin's EOF.
    # In a subshell: not a job of the login shell (no "Done" line later).
    check(m, f"rm -f /tmp/rate.out; ( sleep 600 | busybox nc -l -p {port} | {{ dd bs=1 count=1 "
             "2>/dev/null >/dev/null; s=$(date +%s%N); n=$(wc -c); e=$(date +%s%N); "
             "echo \"$((n + 1)) $(( (e - s) / 1000000 ))\" > /tmp/rate.out.tmp; "
             "mv /tmp/rate.out.tmp /tmp/rate.out; } >/dev/null 2>&1 & )")
    guest_shell(m, guest, f"dd if=/dev/zero bs=1k count={SIZE // 1024} | nc {dst_ip} {port}",
                timeout=300)
    out = ""
    for _ in range(120):
        out = check(m, "cat /tmp/rate.out 2>/dev/null || true")
        if out:
            break
        run(m, "sleep 1")
    found = re.search(r"^(\d+) (\d+)$", out, re.M)
    assert found, f"dom0's receiver: expected 'BYTES MS', saw {out!r}"
    return int(found.group(1)), int(found.group(2))


def test_rate_limits_throughput(m):
    run(m, "ip link del xenbr9; ip link del xenbr8")
    for br, net in (("xenbr9", "10.99.3"), ("xenbr8", "10.99.4")):
        check(m, f"ip link add {br} type bridge && ip addr add {net}.1/24 dev {br} && "
                 f"ip link set {br} up")
    try:
        create(m, DEMO, "name=rate1", f"'vif=[ \"mac={MAC_FREE}, bridge=xenbr9\", "
                                      f"\"mac={MAC_SLOW}, bridge=xenbr8, rate=25KB/s\" ]'")
        wait_booted(m, "rate1")
        define_nic(m, "rate1")
        for mac, ip in ((MAC_FREE, "10.99.3.2"), (MAC_SLOW, "10.99.4.2")):
            guest_shell(m, "rate1", f"d=$(nic {mac}); ip addr add {ip}/24 dev $d && "
                        f"ip link set $d up && ping -c 2 -W 10 {ip.rsplit('.', 1)[0]}.1 >/dev/null")
        free_bytes, free_ms = receive_ms(m, "rate1", MAC_FREE, "10.99.3.1", 5001)
        slow_bytes, slow_ms = receive_ms(m, "rate1", MAC_SLOW, "10.99.4.1", 5002)
        assert free_bytes == SIZE and slow_bytes == SIZE, \
            f"expected {SIZE} bytes over each NIC, saw {free_bytes} and {slow_bytes}"
        # The bucket lets through at most one interval's credit and one
        # frame more than the rate: the limited transfer takes at least
        # (SIZE - 64 KiB) / RATE, about 39 s; ask for 30 (and the margin
        # against the unlimited NIC stays wide on a loaded machine).
        assert slow_ms >= 30000, \
            f"rate=25KB/s: expected {SIZE} bytes to take at least 30 s, took {slow_ms} ms"
        assert slow_ms > 3 * free_ms, \
            f"expected the limited NIC at least 3 times slower than the unlimited one, " \
            f"saw {slow_ms} ms against {free_ms} ms"
        print(f"rate=25KB/s: {SIZE} bytes in {slow_ms} ms "
              f"({SIZE * 1000 // max(slow_ms, 1)} B/s); unlimited: {free_ms} ms")
    finally:
        run(m, "xenoctl destroy rate1")
        run(m, "ip link del xenbr9; ip link del xenbr8")


def test_bad_rate_is_refused(m):
    before = snapshot(m)
    taps = check(m, "ls /sys/class/net | grep '^vif' || true")
    st, out = run(m, f"xenoctl create {DEMO} name=rate2 "
                     "'vif=[ \"bridge=xenbr0\", \"bridge=xenbr0, rate=10Mb/h\" ]' 2>&1")
    assert st != 0 and len(out.splitlines()) == 1, f"expected one line and a failure:\n{out}"
    assert re.search(r"vif\[1\]: rate '10Mb/h': expected /s", out), out
    assert snapshot(m) == before
    assert check(m, "ls /sys/class/net | grep '^vif' || true") == taps
