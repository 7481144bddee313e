"""The I/O-request path end to end: a test kernel (tests/guest-kernels/ioreq.c) in a
domU, served by `xenolith-bench ioreq` in dom0 (tools/bench/bench_ioreq.c).

One machine (-smp 2, 1 GiB) for the file. The guest's port and MMIO accesses of
every size reach the dom0 server and come back, the server reads the guest's RAM
through its window, the guest receives the MSI the server sends; a server killed
with SIGKILL leaves its domain crashed (and destroyable), a destroyed domain gives
its server POLLHUP, and nothing of the domain's memory stays taken.
"""
import os
import re
import subprocess

import pytest

from qemu import build_path
from test_dom0_module import copy_in
from test_guest_kernels import CFLAGS, SRC

DIR = "/tmp/ioreq"
BENCH = "/usr/lib/xenolith/xenolith-bench"
CONFIG = ['name = "ioreq"', f'kernel = "{DIR}/ioreq"', "memory = 32",
          'on_poweroff = "preserve"', 'on_crash = "preserve"']
CHECKS = ["pio size 1", "pio size 2", "pio size 4", "mmio size 1", "mmio size 2",
          "mmio size 4", "mmio size 8", "mmio or size 4", "mmio rep stos size 4",
          "guest ram seen by dom0", "msi vector 0x40 received"]
DONE = "(timeout 4 xenoctl console ioreq </dev/null 2>&1; true) | grep -q 'ioreq: done 0'"


def install_kernel(mach):
    """Build the ioreq kernel on the host and put it and its configuration into DIR."""
    out = build_path("test-guest-kernels", str(os.getpid()), "ioreq")
    os.makedirs(os.path.dirname(out), exist_ok=True)
    subprocess.run(["gcc", *CFLAGS, "-o", out, os.path.join(SRC, "common.c"),
                    os.path.join(SRC, "ioreq.c")], check=True)
    with open(out, "rb") as f:
        data = f.read()
    mach.check(f"mkdir -p {DIR}")
    copy_in(mach, data, f"{DIR}/ioreq")
    quoted = " ".join("'" + line + "'" for line in CONFIG)
    mach.check(f"printf '%s\\n' {quoted} > {DIR}/ioreq.cfg")


@pytest.fixture(scope="module")
def m(shared_dom0):
    """The worker's dom0 (conftest's shared_dom0) with the ioreq kernel and its
    configuration in DIR, removed again after the file."""
    mach = shared_dom0.take("test_ioreq.py")
    install_kernel(mach)
    yield mach
    mach.run(f"rm -rf {DIR}")


@pytest.fixture(autouse=True)
def clean(m):
    yield
    m.run("xenoctl destroy ioreq >/dev/null 2>&1")


def free_mib(m):
    out = m.check("xenoctl info | grep free_memory")
    return int(out.split(":")[1])


def start(m, *extra):
    """Create the ioreq domain and start its server in the background; its id."""
    args = " ".join(f"'extra={e}'" for e in extra)
    out = m.check(f"xenoctl create {DIR}/ioreq.cfg {args}", timeout=120)
    found = re.search(r"Started domain \S+ \(id (\d+)\)", out)
    assert found, f"xenoctl create: expected 'Started domain ioreq (id N)', saw:\n{out}"
    domid = int(found.group(1))
    m.check(f"{BENCH} ioreq {domid} >{DIR}/server.out 2>&1 & echo $! >{DIR}/server.pid")
    return domid


def wait_for(m, condition, seconds, what):
    status, out = m.run(f"end=$((SECONDS + {seconds})); until {condition}; do "
                        f"[ $SECONDS -lt $end ] || break; sleep 2; done; {condition}",
                        timeout=seconds * 2 + 120)
    if status:
        pytest.fail(f"waited {seconds} s for {what}; server output:\n"
                    f"{m.run(f'cat {DIR}/server.out')[1]}\nconsole:\n{console(m)}\n"
                    f"list:\n{m.run('xenoctl list')[1]}\n"
                    f"log:\n{m.run('xenoctl dmesg | tail -n 20')[1]}")
    return out


def console(m):
    return m.run("(timeout 4 xenoctl console ioreq </dev/null 2>&1; true) | tr -d '\\r' "
                 "| grep -a 'ioreq:' | tail -n 30")[1]


def state(m):
    return m.run("xenoctl list ioreq 2>&1 | awk 'NR == 2 { print $5 }'")[1].strip()


def server_exit(m):
    """Wait for the background server; its exit status and output."""
    status = int(m.check(f"wait $(cat {DIR}/server.pid); echo $?", timeout=300).split()[-1])
    return status, m.check(f"cat {DIR}/server.out")


def test_accesses_ram_and_msi_reach_the_device_model(m):
    before = free_mib(m)
    start(m)
    wait_for(m, "xenoctl list ioreq | awk 'NR == 2 { print $5 }' | grep -q s", 600,
             "the ioreq guest to end (state 's')")
    seen = console(m)
    for check in CHECKS:
        assert f"ioreq: PASS {check}" in seen, \
            f"expected 'ioreq: PASS {check}' on the guest's console, saw:\n{seen}"
    assert "ioreq: done 0 failed" in seen, seen
    m.check("xenoctl destroy ioreq")
    status, out = server_exit(m)
    assert status == 0, f"the server should end with 0 on POLLHUP, ended {status}:\n{out}"
    assert "gone (POLLHUP)" in out, f"expected 'gone (POLLHUP)' from the server, saw:\n{out}"
    assert re.search(r"ioreq round trip: [\d.]+ us", out), out
    assert "pattern seen" in out, out
    assert "ranges over the platform's devices, RAM and other ranges refused" in out, out
    assert "bad answers refused" in out, out
    assert free_mib(m) == before, "memory of the destroyed domain is still taken"


def test_sigkill_of_the_server_crashes_the_domain(m):
    start(m, "wait=1")
    wait_for(m, DONE, 600, "the ioreq guest's checks")
    m.check(f"kill -9 $(cat {DIR}/server.pid)")
    wait_for(m, "xenoctl list ioreq | awk 'NR == 2 { print $5 }' | grep -q c", 60,
             "the domain to be crashed ('c') after its server was killed")
    log = m.check("xenoctl dmesg | tail -n 30")
    assert "its device model went away" in log, log
    m.check("xenoctl destroy ioreq")
    assert m.run("xenoctl list ioreq")[0] != 0, "the crashed domain was not destroyed"


def test_pause_and_destroy_while_a_vcpu_waits(m):
    """The guest's last request is never answered: pausing and unpausing leave it
    waiting, destroying frees everything, the server gets POLLHUP and then reads
    zeros through its old RAM mapping."""
    before = free_mib(m)
    start(m, "wait=2")
    wait_for(m, f"grep -q 'holding a request' {DIR}/server.out", 600,
             "the ioreq guest's request that is never answered")
    m.check("xenoctl pause ioreq && xenoctl unpause ioreq")
    assert "c" not in state(m), f"the waiting domain should not be crashed: {state(m)}"
    seen = console(m)
    assert "ioreq: done 0 failed" in seen, seen
    m.check("xenoctl destroy ioreq")
    status, out = server_exit(m)
    assert status == 0 and "gone (POLLHUP)" in out, \
        f"expected the server to end with 0 and 'gone (POLLHUP)', saw {status}:\n{out}"
    assert "RAM window after destroy: zeros" in out, \
        f"expected the old RAM mapping to read zeros after destroy, saw:\n{out}"
    assert free_mib(m) == before, "memory of the destroyed domain is still taken"
    assert m.check("echo dom0-$((6*7))") == "dom0-42"
    log = m.check("xenoctl dmesg | grep 'RAM window' | tail -n 2")
    assert re.search(r"RAM window for dom0 at (0x[0-9a-f]+).*\n.*RAM window at \1 given back",
                     log), f"expected the window's map and give-back in the log, saw:\n{log}"
