"""Virtual network throughput and latency: TCP (iperf3) from a domU to dom0 and
from a domU to another, and ping round trips, against dom0 talking to itself
over a veth pair between two network namespaces, in the same run, as ratios.

Boots the CD (build/xenolith-check.iso, which carries iperf3) under QEMU's
software emulation. The guests are the demo guest (/etc/xenolith/demo.cfg)
with iperf3 and its libraries added to their initrd (a second cpio archive,
which the kernel unpacks after the first), on a bridge of dom0's. Every
packet stays inside the emulated machine. Target (issue 10): domU to dom0 at
least 0.5 of the veth figure.
"""
import re
import sys

from benchlib import dom0_machine, figure
from guests import DEMO, check, create, guest_shell, run, wait_booted

SECONDS = 8			# each iperf3 run
PINGS = 20
INITRD = "/tmp/bench-net-initrd.gz"
DEMO_INITRD = "/usr/lib/xenolith/guest/initrd.gz"


def guest_initrd(m):
    """The demo initrd with iperf3 (in /bin: the guest's PATH is /bin alone),
    its libraries and their loader added."""
    check(m, "d=/tmp/bench-net-extra; rm -rf $d && mkdir -p $d/bin && "
             "cp /usr/bin/iperf3 $d/bin/ && "
             "for l in $(ldd /usr/bin/iperf3 | grep -o '/[^ ]*'); do cp --parents $l $d; done && "
             f"(cd $d && find . | busybox cpio -o -H newc 2>/dev/null) | gzip > {INITRD}.extra && "
             f"cat {DEMO_INITRD} {INITRD}.extra > {INITRD}")


def mbits(text, what):
    """The receiver's bitrate in iperf3's text output (-f m), in Mbit/s."""
    found = re.search(r"([\d.]+) Mbits/sec\s+receiver", text)
    if not found:
        sys.exit(f"bench_network: {what}: no receiver line in iperf3's output:\n{text}")
    return float(found.group(1))


def rtt_ms(text, what):
    """The mean round trip of ping's summary (iputils or BusyBox), in ms."""
    found = re.search(r"(?:rtt|round-trip) min/avg/max(?:/mdev)? = [\d.]+/([\d.]+)/", text)
    if not found:
        sys.exit(f"bench_network: {what}: no ping summary:\n{text}")
    return float(found.group(1))


def veth(m):
    """iperf3 and ping from namespace bn1 to bn2 over a veth pair; (Mbit/s, ms)."""
    run(m, "ip netns del bn1; ip netns del bn2")
    check(m, "ip netns add bn1 && ip netns add bn2 && "
             "ip link add vb1 netns bn1 type veth peer name vb2 netns bn2 && "
             "ip -n bn1 addr add 10.98.0.1/24 dev vb1 && ip -n bn2 addr add 10.98.0.2/24 dev vb2 && "
             "ip -n bn1 link set vb1 up && ip -n bn2 link set vb2 up && "
             "ip netns exec bn2 iperf3 -s -D -B 10.98.0.2")
    out = check(m, f"sleep 1; ip netns exec bn1 iperf3 -c 10.98.0.2 -t {SECONDS} -f m",
                timeout=120)
    bw = mbits(out, "veth")
    out = check(m, f"ip netns exec bn1 ping -q -c {PINGS} -i 0.2 10.98.0.2", timeout=120)
    return bw, rtt_ms(out, "veth ping")


def shell(m, name, command, timeout=180):
    """guest_shell, typing COMMAND once more if the guest's shell did not
    answer (a line typed under a loaded emulator can be lost on the way in:
    the guest's UART is the only input)."""
    try:
        return guest_shell(m, name, command, timeout=timeout)
    except AssertionError as e:
        print(f"bench_network: {name}: {str(e).splitlines()[0]}; typing it again",
              file=sys.stderr)
        return guest_shell(m, name, command, timeout=timeout)


def guest_result(m, name, command, tag, what, timeout=300):
    """Run COMMAND in guest NAME (through its shell function r, which keeps
    the summary lines: iperf3's receiver line, ping's round trip, or else
    the last lines, an error); those lines, marked with TAG on the console. Typed lines stay short: the
    console types them through a 16-byte UART FIFO."""
    text = shell(m, name, f"r {command} | sed s/^/RESULT-{tag}:/", timeout=timeout)
    lines = [line[len(f"RESULT-{tag}:"):] for line in text.splitlines()
             if line.startswith(f"RESULT-{tag}:")]
    if not lines:
        sys.exit(f"bench_network: {what}: no summary from the guest:\n{text}")
    return "\n".join(lines)


def start_guest(m, name, mac, ip):
    """A demo guest NAME with iperf3 on bridge xenbr7 at address IP."""
    create(m, DEMO, f"name={name}", f"ramdisk={INITRD}", "memory=192",
           f"'vif=[ \"mac={mac}, bridge=xenbr7\" ]'")
    wait_booted(m, name, timeout=600)
    shell(m, name, "r() { \"$@\" >/tmp/o 2>&1; grep -e receiver -e min/avg /tmp/o || tail -n3 /tmp/o; }")
    shell(m, name, f"ip addr add {ip}/24 dev eth0 && ip link set eth0 up && "
                "ping -c 2 -W 10 10.98.1.1 >/dev/null")


def main():
    with dom0_machine("bench-network") as m:
        veth_bw, veth_rtt = veth(m)
        guest_initrd(m)
        run(m, "ip link del xenbr7")
        check(m, "ip link add xenbr7 type bridge && ip addr add 10.98.1.1/24 dev xenbr7 && "
                 "ip link set xenbr7 up && iperf3 -s -D -B 10.98.1.1")
        start_guest(m, "bnet1", "00:16:3e:4b:00:01", "10.98.1.2")
        start_guest(m, "bnet2", "00:16:3e:4b:00:02", "10.98.1.3")
        out = guest_result(m, "bnet1", f"iperf3 -c 10.98.1.1 -t {SECONDS} -f m", "tcp0",
                           "domU to dom0")
        dom0_bw = mbits(out, "domU to dom0")
        shell(m, "bnet2", "iperf3 -s -D -B 10.98.1.3")
        out = guest_result(m, "bnet1", f"iperf3 -c 10.98.1.3 -t {SECONDS} -f m", "tcp1",
                           "domU to domU")
        domu_bw = mbits(out, "domU to domU")
        out = guest_result(m, "bnet1", f"ping -q -c {PINGS} 10.98.1.1", "ping",
                           "domU ping")
        dom_rtt = rtt_ms(out, "domU to dom0 ping")
        run(m, "xenoctl destroy bnet1; xenoctl destroy bnet2; pkill -x iperf3; "
               "ip link del xenbr7; ip netns del bn1; ip netns del bn2")
    figure("TCP dom0 to dom0 over a veth pair (iperf3, QEMU TCG)", f"{veth_bw:.0f}", "Mbit/s")
    figure("TCP domU to dom0 over virtio-net and a bridge (iperf3, QEMU TCG)",
           f"{dom0_bw:.0f}", "Mbit/s")
    figure("TCP domU to domU over a bridge (iperf3, QEMU TCG)", f"{domu_bw:.0f}", "Mbit/s")
    figure("TCP domU to dom0 / veth (target >= 0.5)", f"{dom0_bw / veth_bw:.2f}", "ratio")
    figure("TCP domU to domU / veth", f"{domu_bw / veth_bw:.2f}", "ratio")
    figure("ping round trip over a veth pair", f"{veth_rtt:.3f}", "ms")
    figure("ping round trip domU to dom0", f"{dom_rtt:.3f}", "ms")
    figure("ping round trip domU to dom0 / veth", f"{dom_rtt / veth_rtt:.1f}", "ratio")


if __name__ == "__main__":
    main()
