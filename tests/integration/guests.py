"""Helpers for the domU tests: boot the CD under QEMU, run xenoctl in dom0, read and
type into a guest's console without holding dom0's serial line."""
import itertools
import json
import os
import re
import shlex
import time

import pexpect
import pytest

from conftest import MENU_XENOLITH
from qemu import Machine

DEMO = "/etc/xenolith/demo.cfg"
MARKER = re.compile(r"xenolith-guest: init reached \(kernel (\S+), (\d+) CPUs, (\d+) MiB\)")
GUEST_PROMPT = "demo:/root# "
STATE = re.compile(r"^[r-][b-][p-][s-][c-][d-]$")
# The hypervisor's own log lines share the serial line with dom0 (a guest's refused
# MSR reads during its boot, for one): "[cpuN] ...", possibly in the middle of output.
HV_LINE = re.compile(r"\[cpu\d+\] [^\n]*(\n|$)")


def run(m, command, timeout=300):
    """m.run without the hypervisor's log lines."""
    status, out = m.run(command, timeout)
    return status, HV_LINE.sub("", out).strip()


def check(m, command, timeout=300):
    """m.check without the hypervisor's log lines."""
    status, out = run(m, command, timeout)
    assert status == 0, f"{m.name}: `{command}` exited {status}:\n{out}"
    return out


def boot_dom0(name, iso, disks=()):
    """The CD under the hypervisor, 2 CPUs, 1 GiB, logged in as root; DISKS (raw
    images) are dom0's virtio disks /dev/vda, /dev/vdb ..."""
    m = Machine(name, cdrom=iso, disks=disks, smp=2, memory=1024, hypervisor=True)
    try:
        m.grub_select(MENU_XENOLITH)
        # Even a loaded machine reaches linuxrc in a minute or two: a boot that
        # hangs before it (docs/troubleshooting.md: "The console goes silent after
        # Starting dom0")
        # fails here, not after the 900 s the login may take.
        m.expect(r"linuxrc: ", 300)
        m.login(timeout=900)
        m.check("test -e /dev/xenolith")
    except BaseException:
        m.close()
        raise
    return m


class SharedDom0:
    """One booted dom0 for the test files of one pytest worker that use
    dom0_fixtures: booting the CD takes a minute or more under emulation, and
    those files each want nothing but a dom0 alone. Each file gets it with its
    domains destroyed and a check that it answers; one that does not answer is
    closed and the CD booted again (its log then dom0-shared-WORKER-2.log, ...).
    Its serial log, build/test-logs/dom0-shared-WORKER.log, marks where each
    file starts."""

    def __init__(self, iso):
        self.iso = iso
        self.name = "dom0-shared-" + os.environ.get("PYTEST_XDIST_WORKER", "main")
        self.machine = None
        self.boots = 0

    def take(self, user):
        """The dom0, alone, for the test file USER (a name for the log)."""
        if self.machine is not None:
            try:
                check(self.machine, "true", 60)
                destroy_all(self.machine)
            except (AssertionError, pexpect.ExceptionPexpect):
                self.close()
        if self.machine is None:
            # A second boot gets a log of its own: the first one's shows what went wrong.
            self.boots += 1
            self.machine = boot_dom0(self.name + (f"-{self.boots}" if self.boots > 1 else ""),
                                     self.iso)
        self.machine.mark(f"===== {user} starts here =====")
        return self.machine

    def close(self):
        if self.machine is not None:
            self.machine.close()
            self.machine = None


def dom0_fixtures(name):
    """The fixtures of a test file whose tests want a dom0 alone: m, the worker's
    shared dom0 (SharedDom0, the conftest fixture shared_dom0), and clean, autouse,
    which leaves dom0 alone before and after every test. A file that changes dom0
    (a bridge, a service, a file) puts it back, as its tests do now. NAME marks
    the file's start in the shared log. Use: m, clean = dom0_fixtures(NAME)."""
    @pytest.fixture(scope="module")
    def m(shared_dom0):
        return shared_dom0.take(name)

    @pytest.fixture(autouse=True)
    def clean(m):
        """Every test starts with dom0 alone and leaves it alone."""
        destroy_all(m)
        yield
        destroy_all(m)

    return m, clean


def free_memory(m):
    """free_memory of `xenoctl info`, MiB."""
    out = check(m, "xenoctl info")
    for line in out.splitlines():
        key, _, value = line.partition(" : ")
        if key.strip() == "free_memory":
            return int(value)
    raise AssertionError(f"`xenoctl info` has no free_memory line:\n{out}")


def table(m):
    """`xenoctl list` as {name: {id, mem, vcpus, state, time}}, checking the header."""
    out = check(m, "xenoctl list")
    lines = out.splitlines()
    assert lines and lines[0].split() == ["Name", "ID", "Mem", "VCPUs", "State", "Time(s)"], \
        f"`xenoctl list`: expected the header Name ID Mem VCPUs State Time(s), saw:\n{out}"
    doms = {}
    for line in lines[1:]:
        f = line.split()
        assert len(f) == 6, f"`xenoctl list`: expected 6 columns, saw {line!r} in:\n{out}"
        doms[f[0]] = dict(id=int(f[1]), mem=int(f[2]), vcpus=int(f[3]), state=f[4], time=f[5])
        assert STATE.match(f[4]), f"`xenoctl list`: state {f[4]!r} is not six places of rbpscd-"
    return doms


def domains_json(m):
    """`xenoctl list -l` parsed: {name: object}."""
    out = check(m, "xenoctl list -l")
    try:
        return {d["name"]: d for d in json.loads(out)}
    except ValueError as e:
        raise AssertionError(f"`xenoctl list -l` is not JSON ({e}):\n{out}") from None


def domu_names(m):
    return sorted(n for n in table(m) if n != "Domain-0")


def destroy_all(m):
    """Destroy every domain but dom0 (test cleanup)."""
    for name in domu_names(m):
        run(m, f"xenoctl destroy {name}")


def create(m, *args, timeout=120):
    """`xenoctl create DEMO ARGS...`; returns the new domain's id."""
    cmd = "xenoctl create " + " ".join(args or (DEMO,))
    out = check(m, cmd, timeout)
    found = re.search(r"Started domain (\S+) \(id (\d+)\)", out)
    assert found, f"`{cmd}`: expected 'Started domain NAME (id N)', saw:\n{out}"
    return int(found.group(2))


# The lines of interest on a guest's console, from the file /tmp/con.out: the
# guest's marker lines, its prompts (shell and login), lines with RESULT and
# xenoctl's own messages.
CONSOLE_LINES = ("tr -d '\\r' </tmp/con.out | grep -a -e xenolith-guest -e 'demo:' "
                 "-e 'login:' -e RESULT -e 'xenoctl:' | tail -n 20 || true")
# A shell function for dom0: `conwait NAME SECONDS ERE [LINE]` types LINE into
# domain NAME's console, then follows the console (its kept history onward) into
# /tmp/con.out until a line matches ERE, the console ends or SECONDS pass. In a
# subshell, so that the interactive shell announces no background job.
CONWAIT = ("conwait() ( if [ \"$4\" ]; then printf '%s\\r' \"$4\"; fi | xenoctl console $1 "
           ">/tmp/con.out 2>&1 & p=$! e=$((SECONDS+$2)); until tr -d '\\r' </tmp/con.out | "
           "grep -aqE -- \"$3\"; do [ $SECONDS -lt $e ] && kill -0 $p 2>/dev/null || break; "
           "sleep .2; done; kill $p 2>/dev/null; wait $p 2>/dev/null; true )")


def console_text(m, name, seconds=2, typed=None):
    """What domain NAME's console shows (its kept history) within SECONDS, typing
    the line TYPED first; read into a file, so that the boot log does not go over
    dom0's serial line. Only the lines of CONSOLE_LINES come back."""
    if typed is None:
        cmd = f"timeout {seconds} xenoctl console {name} </dev/null"
    else:
        cmd = f"printf '%s\\r' '{typed}' | timeout {seconds} xenoctl console {name}"
    run(m, f"{cmd} >/tmp/con.out 2>&1")
    return check(m, CONSOLE_LINES)


def define_conwait(m):
    """Define dom0's shell function conwait, once per machine. Its text is longer
    than the hypervisor's 256-byte buffer for dom0's input: typed while a domU holds
    the only CPU (Bochs), dom0 reads it too late and the UART overruns, so tests on
    one CPU define it before they start a guest."""
    if not getattr(m, "has_conwait", False):
        check(m, CONWAIT)
        m.has_conwait = True


def console_wait(m, name, pattern, seconds, typed=None):
    """As console_text, but the wait ends as soon as a console line matches the
    extended regex PATTERN (dom0 polls its console file five times a second)."""
    define_conwait(m)
    line = "" if typed is None else " " + shlex.quote(typed)
    run(m, f"conwait {name} {int(seconds)} {shlex.quote(pattern)}{line}", seconds + 120)
    return check(m, CONSOLE_LINES)


def ere_escape(text):
    """TEXT as an extended regex that matches it literally."""
    return re.sub(r"([.\[\]{}()*+?^$|\\])", r"\\\1", text)


def type_into(m, name, line):
    """Type LINE and Enter into domain NAME's console; waits (up to 10 s) for its echo."""
    console_wait(m, name, ere_escape(line[:40]), 10, line)


def wait_booted(m, name, timeout=300):
    """Wait until NAME's console shows the boot marker and the shell's prompt;
    returns the marker's match."""
    deadline = time.time() + timeout
    seen = ""
    while time.time() < deadline:
        seen = console_wait(m, name, ere_escape(GUEST_PROMPT.strip()),
                            max(1, min(60, deadline - time.time())))
        marker = MARKER.search(seen)
        if marker and GUEST_PROMPT.strip() in seen[marker.end():]:
            return marker
        time.sleep(1)
    raise AssertionError(f"domain {name}: expected the marker 'xenolith-guest: init reached' "
                         f"and the prompt {GUEST_PROMPT!r} on its console within {timeout} s, "
                         f"saw:\n{seen}\nlist:\n{run(m, 'xenoctl list')[1]}\n"
                         f"vcpu-list:\n{run(m, f'xenoctl vcpu-list {name}')[1]}\n"
                         f"hypervisor log:\n{m.run('xenoctl dmesg | tail -n 15')[1]}")


GUEST_COMMANDS = itertools.count()
RETYPE_AFTER = 60	# seconds without the typed line on the console: it was lost


def guest_shell(m, name, command, timeout=180):
    """Type COMMAND (no single quotes) into NAME's shell, wait for it to end and
    assert that it succeeded; returns the console text. Lines the command prints
    reach it only if they contain RESULT. The typed line and its end marker carry
    a number of their own: an earlier command's marker, still on the console, does
    not end the wait, and a line that never reached the shell (seen under heavy
    load) is typed again."""
    n = next(GUEST_COMMANDS)
    done = re.compile(rf"RESULT-status-(\d+)-end-{n}\b")
    ere = rf"RESULT-status-[0-9]+-end-{n}\b"
    typed = f"true cmd-{n}; {command}; echo RESULT-status-$?-end-{n}"
    deadline = time.time() + timeout
    text = console_wait(m, name, ere, min(RETYPE_AFTER, timeout), typed)
    while done.search(text) is None:
        left = deadline - time.time()
        if left <= 0:
            raise AssertionError(f"expected `{command}` to end on {name}'s console within "
                                 f"{timeout} s, saw:\n{text}")
        retype = f"cmd-{n};" not in text
        text = console_wait(m, name, ere, max(1, min(RETYPE_AFTER, left)),
                            typed if retype else None)
    assert done.search(text).group(1) == "0", f"{name}: `{command}` failed:\n{text}"
    return text


def wait_until(m, what, predicate, timeout=120, step=2):
    """Poll PREDICATE() (which returns (ok, seen)) until ok; fail naming WHAT and the last seen."""
    deadline = time.time() + timeout
    while True:
        ok, seen = predicate()
        if ok:
            return seen
        if time.time() > deadline:
            raise AssertionError(f"expected {what} within {timeout} s, saw:\n{seen}")
        time.sleep(step)


def snapshot(m):
    """What a failed command must leave as it was: the domains (name, id, memory,
    vCPUs), free memory, saved configurations and monitors."""
    doms = sorted((n, d["id"], d["mem"], d["vcpus"]) for n, d in table(m).items())
    return dict(domains=doms, free_memory=free_memory(m),
                run_dir=check(m, "ls /run/xenolith 2>/dev/null | grep -v '^medium$' || true"),
                monitors=check(m, "pgrep -c -f '^xenoctl create' || true"))


def refused(m, command, *expected):
    """Run COMMAND: it must exit 1 with one line 'xenoctl: ...' matching every regex
    of EXPECTED, and change nothing."""
    before = snapshot(m)
    status, out = run(m, f"{command} 2>&1")
    lines = out.splitlines()
    assert status == 1, f"`{command}`: expected exit status 1, saw {status}:\n{out}"
    assert len(lines) == 1 and lines[0].startswith("xenoctl: "), \
        f"`{command}`: expected one line 'xenoctl: ...', saw:\n{out}"
    for pattern in expected:
        assert re.search(pattern, lines[0]), \
            f"`{command}`: expected /{pattern}/ in the message, saw {lines[0]!r}"
    after = snapshot(m)
    assert after == before, f"`{command}` left something behind: before {before}, after {after}"
    return lines[0]
