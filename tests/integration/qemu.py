"""Drive a QEMU machine over its serial line (pexpect), for the integration tests."""
import itertools
import os
import re
import shlex
import shutil
import signal
import socket
import subprocess
import tempfile
import time

import pexpect

TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OVMF_CODE = "/usr/share/OVMF/OVMF_CODE.fd"
OVMF_VARS = "/usr/share/OVMF/OVMF_VARS.fd"
PROMPT = "XENOLITH-PROMPT# "
# Ctrl-A three times: the serial input goes to the hypervisor's debug keys, or back.
CONSOLE_SWITCH = "\x01\x01\x01"
ANSI_ESCAPE = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
PASSWORD = os.environ.get("XENOLITH_PASSWORD", "xenolith")
# How QEMU runs guests here: scripts/qemu-accel decides (one place for the
# tests, the bench and make demo).
ACCEL = subprocess.run([os.path.join(TOP, "scripts", "qemu-accel")], check=True,
                       capture_output=True, text=True).stdout.strip()


def build_path(*parts):
    """Path under the tree's build/ directory."""
    return os.path.join(TOP, "build", *parts)


class Machine:
    """One QEMU run whose serial console is this object's pexpect child.

    cpu: QEMU -cpu value; uefi: boot with OVMF; cdrom/disks/kernel: media;
    extra: further QEMU arguments. The log of the serial line is kept in
    build/test-logs/NAME.log so that a failing test can be read afterwards.
    """

    def __init__(self, name, cdrom=None, disks=(), kernel=None, initrd=None,
                 append=None, uefi=False, memory=1024, smp=1,
                 cpu="qemu64,+svm,+npt", nic="virtio-net-pci", extra=(), hypervisor=False):
        self.name = name
        self.hypervisor = hypervisor	# runs Xenolith: a timeout asks it for its state
        self.at_hypervisor = False	# the serial input goes to its debug keys now
        self.commands = itertools.count(1)	# numbers the markers of run()
        self.tmp = tempfile.mkdtemp(prefix="xenolith-qemu-")
        args = ["qemu-system-x86_64", "-M", "q35", "-accel", ACCEL, "-m", str(memory),
                "-smp", str(smp), "-cpu", cpu, "-display", "none",
                "-serial", "stdio", "-monitor", "none", "-no-reboot"]
        if uefi:
            vars_copy = os.path.join(self.tmp, "vars.fd")
            shutil.copy(OVMF_VARS, vars_copy)
            args += ["-drive", f"if=pflash,format=raw,readonly=on,file={OVMF_CODE}",
                     "-drive", f"if=pflash,format=raw,file={vars_copy}"]
        if cdrom:
            args += ["-drive", f"media=cdrom,readonly=on,file={cdrom}"]
        for d in disks:
            args += ["-drive", f"if=virtio,format=raw,file={d}"]
        if kernel:
            args += ["-kernel", kernel]
        if initrd:
            args += ["-initrd", initrd]
        if append is not None:
            args += ["-append", append]
        if nic:
            # restrict=on: the guest reaches nothing outside QEMU's own user network.
            args += ["-nic", f"user,model={nic},restrict=on"]
        else:
            args += ["-nic", "none"]
        self.monitor = None	# QEMU's monitor socket, under the hypervisor only
        if hypervisor:
            # A monitor socket, so that a hang can show where both CPUs are.
            self.monitor = os.path.join(self.tmp, "monitor.sock")
            args += ["-chardev", f"socket,id=mon0,path={self.monitor},server=on,wait=off",
                     "-mon", "chardev=mon0,mode=readline"]
        args += list(extra)
        os.makedirs(build_path("test-logs"), exist_ok=True)
        self.log = open(build_path("test-logs", name + ".log"), "w", encoding="utf-8",
                        errors="replace")
        self.log.write("$ " + shlex.join(args) + "\n")
        self.child = pexpect.spawn(args[0], args[1:], encoding="utf-8",
                                   codec_errors="replace", timeout=300,
                                   dimensions=(50, 200))
        self.child.logfile_read = self.log

    def expect(self, pattern, timeout=300):
        """Wait for PATTERN (regex, or list of them) on the serial line; index of the match."""
        try:
            return self.child.expect(pattern, timeout=timeout)
        except (pexpect.TIMEOUT, pexpect.EOF) as e:
            tail = (self.child.before or "")[-2000:]
            if isinstance(e, pexpect.TIMEOUT):
                kind, state = "timeout", self.hypervisor_state()
            else:
                kind, state = self.how_qemu_ended(), ""
            raise AssertionError(f"{self.name}: {kind} waiting for {pattern!r}; "
                                 f"last output:\n{tail}{state}") from None

    def hypervisor_state(self):
        """After a timeout under Xenolith: what its debug keys q (domains and
        vCPUs), r (run queues), e (exits) and u (console input, overruns) show,
        to tell a hung hypervisor from a guest that is only slow or a typed line
        that lost bytes; the input then goes back where it was."""
        if not self.hypervisor:
            return ""
        switch = "" if self.at_hypervisor else CONSOLE_SWITCH
        try:
            self.child.send(switch)
            time.sleep(1)
            self.child.send("qreu")
            time.sleep(3)
            self.child.send(switch)
            self.child.expect(pexpect.TIMEOUT, timeout=3)
        except pexpect.EOF:
            return ""
        return ("\nthe hypervisor's debug keys q, r, e, u then showed:\n" + self.child.before[-6000:]
                + "\nQEMU's CPUs:\n" + self.cpu_registers())

    def cpu_registers(self):
        """Each emulated CPU's RIP, RFLAGS and CR0/CR3 lines from QEMU's monitor
        (`info registers -a`), or why they could not be read."""
        if not self.monitor:
            return "(no monitor)"
        try:
            with socket.socket(socket.AF_UNIX) as s:
                s.settimeout(5)
                s.connect(self.monitor)
                s.sendall(b"info registers -a\n")
                out, end = b"", time.time() + 5
                while time.time() < end:
                    try:
                        chunk = s.recv(65536)
                    except socket.timeout:
                        break
                    if not chunk:
                        break
                    out += chunk
        except OSError as e:
            return f"(QEMU's monitor: {e})"
        lines = out.decode(errors="replace").replace("\r", "").splitlines()
        return "\n".join(line for line in lines
                         if line.startswith(("CPU#", "RIP=", "CR0=")))

    def how_qemu_ended(self):
        """'QEMU exited (status N)' or 'QEMU died (SIGNAME)': a reset under
        -no-reboot is status 0, a QEMU crash a signal."""
        self.child.close(force=True)
        if self.child.signalstatus is not None:
            return f"QEMU died ({signal.Signals(self.child.signalstatus).name})"
        return f"QEMU exited (status {self.child.exitstatus})"

    def send(self, text):
        """Type TEXT on the serial line (Ctrl-A three times switches it between
        dom0 and the hypervisor's debug keys)."""
        if text.count(CONSOLE_SWITCH) % 2:
            self.at_hypervisor = not self.at_hypervisor
        self.child.send(text)

    def grub_select(self, index, timeout=120):
        """At the GRUB menu, boot entry number INDEX (0 is the first)."""
        self.expect("Use the .* keys to select which entry is highlighted", timeout)
        self.send("\x1b[B" * index)  # down arrow, as a VT100 terminal sends it
        self.send("\r")

    def login(self, user="root", timeout=600, password=PASSWORD):
        """Log in on the serial getty and set a prompt the tests can find.

        Line editing and echo are turned off, so what `run` returns is the
        command's output only, never the typed command; for root, kernel
        messages stop going to the console (a slow machine's "hrtimer:
        interrupt took ..." would land in the middle of an output).
        """
        self.expect(r"login: ", timeout)
        self.send(user + "\n")
        self.expect("Password: ", 60)
        self.send(password + "\n")
        self.expect([r"\$ ", r"# "], 120)
        self.send(f"PS1='{PROMPT}'; export TERM=dumb SYSTEMD_PAGER= SYSTEMD_COLORS=0; "
                  "set +o emacs +o vi; stty -echo cols 200; "
                  "[ \"$(id -u)\" != 0 ] || dmesg -n 1\n")
        self.expect(PROMPT, 60)
        self.expect(PROMPT, 60)

    def run(self, command, timeout=300):
        """Run COMMAND in the logged-in shell; returns (status, output).

        The output is what comes between two markers numbered for this command,
        so that a command that timed out and finishes later cannot pass its
        output off as the answer to the next one."""
        n = next(self.commands)
        self.send(f'echo "CMD{n}-START"; {command}; echo "CMD{n}-RC=$?"\n')
        self.expect(rf"CMD{n}-START\r*\n", timeout)
        self.expect(rf"CMD{n}-RC=(\d+)\r*\n", timeout)
        output = ANSI_ESCAPE.sub("", self.child.before).replace("\r", "")
        status = int(self.child.match.group(1))
        self.expect(PROMPT, 60)
        return status, output.strip()

    def check(self, command, timeout=300):
        """Run COMMAND, fail the test unless it exits 0; returns its output."""
        status, output = self.run(command, timeout)
        assert status == 0, f"{self.name}: `{command}` exited {status}:\n{output}"
        return output

    def mark(self, text):
        """A line of TEXT in the serial log (where a test file starts, say)."""
        self.log.write(f"\n{text}\n")
        self.log.flush()

    def transcript(self):
        """Everything the serial line has shown so far."""
        self.log.flush()
        with open(self.log.name, encoding="utf-8", errors="replace") as f:
            return f.read()

    def close(self):
        """Stop QEMU and remove its temporary files."""
        if self.child.isalive():
            self.child.terminate(force=True)
        self.log.close()
        shutil.rmtree(self.tmp, ignore_errors=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
