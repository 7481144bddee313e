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
import time
from collections import Counter

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


def exit_counts(m):
    """Debug key `e`: {domain: Counter of exits by reason, nested page faults
    by target ('npf:lapic-eoi', ...), port exits by port ('io:0x3fd in', ...), decoded instructions ('decoded:all',
    'decoded:reused') and EOIs done through PV EOI without an exit
    ('eoi:pv')}, summed over the domain's vCPUs."""
    m.send("\x01\x01\x01")
    m.expect(r"input now goes to Xenolith", 60)
    m.send("e")
    m.send("\x01\x01\x01")
    m.expect(r"input now goes to dom0", 60)
    block = m.child.before.replace("\r", "")
    block = block[block.rfind("exits: "):]
    counts, domain = {}, None
    for line in block.splitlines():
        vcpu = re.search(r"(\S+)\.v\d+: \d+ exits", line)
        if vcpu:
            domain = vcpu.group(1)
            counts.setdefault(domain, Counter())
            continue
        pv_eoi = re.search(r"pv eoi: \w+, (\d+) EOIs", line)
        if pv_eoi and domain:
            counts[domain]["eoi:pv"] += int(pv_eoi.group(1))
            continue
        ports = re.search(r"io by port \(in/out\):(.*)", line)
        if ports and domain:
            for port, ins, outs in re.findall(r"(0x[0-9a-f]+) (\d+)/(\d+)", ports.group(1)):
                counts[domain][f"io:{port} in"] += int(ins)
                counts[domain][f"io:{port} out"] += int(outs)
            others = re.search(r"others (\d+)", ports.group(1))
            counts[domain]["io:others"] += int(others.group(1)) if others else 0
            continue
        kind = re.search(r"(by reason|npf by target):(.*)", line)
        if kind and domain:
            prefix = "" if kind.group(1) == "by reason" else "npf:"
            reused = re.search(r"reused (\d+) of (\d+)", kind.group(2))
            if reused:
                counts[domain]["decoded:reused"] += int(reused.group(1))
                counts[domain]["decoded:all"] += int(reused.group(2))
            for name, n, cycles in re.findall(r"([a-z/ -]+?) (\d+)(?: \((\d+)\))?",
                                              kind.group(2).split(";")[0]):
                counts[domain][prefix + name.strip()] += int(n)
                counts[domain]["cycles"] += int(n) * int(cycles or 0)
    return counts


def dom0_irqs(m):
    """dom0's /proc/interrupts: {row label: count summed over the CPUs}."""
    rows = Counter()
    for line in check(m, "cat /proc/interrupts").splitlines()[1:]:
        fields = line.split()
        if fields and fields[0].endswith(":"):
            rows[fields[0][:-1]] += sum(int(f) for f in fields[1:] if f.isdigit())
    return rows


def nic_counts(m, name):
    """`xenoctl network-list NAME`'s first NIC: (RX packets, RX bytes, TX packets, TX bytes)."""
    row = check(m, f"xenoctl network-list {name}").splitlines()[1].split()
    return tuple(int(f) for f in row[5:9])


def per_mb_figures(before, after, what):
    """Print where the exits and interrupts of one run came from, per MB the
    guest sent (exits by reason and NPFs by target per domain, dom0's
    interrupts by kind, the TX frames' mean size)."""
    (e1, i1, n1), (e2, i2, n2) = before, after
    mb = (n2[3] - n1[3]) / 1e6
    if mb <= 0:
        return
    frames = n2[2] - n1[2]
    figure(f"{what}: mean TX frame (guest to tap)", f"{(n2[3] - n1[3]) / max(frames, 1):.0f}",
           "bytes")
    figure(f"{what}: TX frames per MB", f"{frames / mb:.1f}", "/MB")
    figure(f"{what}: RX frames (to the guest) per MB", f"{(n2[0] - n1[0]) / mb:.1f}", "/MB")
    for domain in sorted(e2):
        diff = e2[domain] - e1.get(domain, Counter())
        total = sum(n for k, n in diff.items() if k != "cycles" and ":" not in k)
        kinds = ", ".join(f"{k} {n / mb:.1f}" for k, n in sorted(diff.items())
                          if n and k != "cycles")
        figure(f"{what}: {domain} exits per MB", f"{total / mb:.1f}", f"/MB ({kinds})")
        figure(f"{what}: {domain} hypervisor cycles per exit (handler only)",
               f"{diff['cycles'] / max(total, 1):.0f}", "cycles")
    irqs = i2 - i1
    figure(f"{what}: dom0 interrupts per MB", f"{sum(irqs.values()) / mb:.1f}",
           "/MB (" + ", ".join(f"{k} {n / mb:.1f}" for k, n in sorted(irqs.items()) if n) + ")")


def snapshot_counts(m, name, after=False):
    """What per_mb_figures compares: hypervisor exits, dom0's interrupts, NAME's
    NIC. The exits are read last before the run and first after it: the other
    two print through dom0's serial line, whose port exits are not the run's."""
    if after:
        exits = exit_counts(m)
        return exits, dom0_irqs(m), nic_counts(m, name)
    irqs, nic = dom0_irqs(m), nic_counts(m, name)
    return exit_counts(m), irqs, nic


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


def guest_result(m, name, command, tag, what, quiet=0, timeout=300):
    """Run COMMAND in guest NAME (through its shell function r, which keeps
    the summary lines: iperf3's receiver line, ping's round trip, or else
    the last lines, an error); those lines, marked with TAG on the console. Typed lines stay short: the
    console types them through a 16-byte UART FIFO. With QUIET (seconds),
    COMMAND runs in the background and nobody looks at the guest's console
    for that long: reading it goes through dom0's serial line, whose port
    exits would be counted against the guest's figure."""
    if quiet:
        shell(m, name, f"{{ r {command} >/tmp/r 2>&1 & }}")
        time.sleep(quiet)
        text = shell(m, name, f"wait; sed s/^/RESULT-{tag}:/ /tmp/r", timeout=timeout)
    else:
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
        before = snapshot_counts(m, "bnet1")
        out = guest_result(m, "bnet1", f"iperf3 -c 10.98.1.1 -t {SECONDS} -f m", "tcp0",
                           "domU to dom0", quiet=SECONDS + 2)
        after = snapshot_counts(m, "bnet1", after=True)
        dom0_bw = mbits(out, "domU to dom0")
        shell(m, "bnet2", "iperf3 -s -D -B 10.98.1.3")
        out = guest_result(m, "bnet1", f"iperf3 -c 10.98.1.3 -t {SECONDS} -f m", "tcp1",
                           "domU to domU", quiet=SECONDS + 2)
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
    per_mb_figures(before, after, "domU to dom0")


if __name__ == "__main__":
    main()
