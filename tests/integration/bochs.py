"""Drive a Bochs machine (Intel VT-x with EPT, emulated) over its serial line, as qemu.Machine
drives QEMU: the same expect/send/login/run/check, so the domU helpers work on it."""
import itertools
import os
import pty
import shlex
import subprocess
import tempfile
import tty

from pexpect import fdpexpect

from conftest import MENU_XENOLITH
from qemu import Machine, build_path

# What makes Debian's Bochs 2.7 run headless: the SDL display on SDL's dummy
# driver, dummy sound drivers (without them it aborts: "buffer overflow").
BOCHSRC = """\
megs: {megs}
cpu: model={model}, count=1, ips=200000000
romimage: file=/usr/share/bochs/BIOS-bochs-latest
vgaromimage: file=/usr/share/vgabios/vgabios.bin
ata0-master: type=cdrom, path={iso}, status=inserted
boot: cdrom
com1: enabled=1, mode=term, dev={tty}
display_library: sdl2
clock: sync=none
speaker: enabled=0
sound: waveoutdrv=dummy, waveindrv=dummy, midioutdrv=dummy
log: {log}
"""
# A CPU model with VT-x, EPT, VPID and unrestricted guest, and one without VMX.
MODEL_VMX = "corei7_haswell_4770"
MODEL_NO_VMX = "p4_prescott_celeron_336"
BOOT_TIMEOUT = 1800  # seconds from power-on to the login prompt

# Our CPUID signature (leaf 0x40000000), and a shell command that prints what is there.
SIGNATURE = "XenolithHVMM"
READ_SIGNATURE = ("modprobe cpuid && dd if=/dev/cpu/0/cpuid bs=16 count=1 "
                  "skip=$((0x40000000)) iflag=skip_bytes status=none | tail -c 12")


def boot_vmx_dom0(m):
    """From power-on to dom0's shell on the vmx backend (the CD's default entry), checking
    the hypervisor's CPU and backend lines, linuxrc's view of CPUID and our signature."""
    # Enter at the menu: GRUB's 5 s countdown is a busy loop, 10^9 Bochs instructions.
    m.grub_select(MENU_XENOLITH, timeout=600)
    cpu = hv_line(m, r"CPU: GenuineIntel")
    assert "VMX yes, EPT yes" in cpu and "unrestricted guest yes" in cpu, cpu
    assert "preemption timer yes, TPR shadow yes" in cpu, cpu
    hv_line(m, r"Virtualisation: vmx with nested paging", 120)
    hv_line(m, r"dom0: .* 1 vCPU \(vmx\)", 300)
    m.expect(r"linuxrc: running under a hypervisor \(CPUID\)", 900)
    m.login(timeout=BOOT_TIMEOUT)
    assert m.check("grep -c -w hypervisor /proc/cpuinfo") == "1"
    assert m.check(READ_SIGNATURE) == SIGNATURE


def hv_line(m, pattern, timeout=900):
    """The hypervisor's log line matching PATTERN (after '[cpu0] ')."""
    m.expect(r"\[cpu0\] (" + pattern + r")[^\r\n]*\r", timeout)
    return m.child.match.group(0)


class BochsMachine(Machine):
    """One Bochs run booting the CD ISO, its COM1 on a pseudo-terminal that is
    this object's pexpect child. The serial line goes to build/test-logs/NAME.log,
    Bochs's own log beside it as NAME.bochs.log."""

    def __init__(self, name, iso, model=MODEL_VMX, megs=1024):
        self.name = name
        self.hypervisor = model == MODEL_VMX	# Xenolith runs: a timeout asks it for its state
        self.at_hypervisor = False
        self.commands = itertools.count(1)
        self.monitor = None
        self.tmp = tempfile.mkdtemp(prefix="xenolith-bochs-")
        self.master, slave = pty.openpty()
        tty.setraw(slave)
        rc = os.path.join(self.tmp, "bochsrc")
        os.makedirs(build_path("test-logs"), exist_ok=True)
        with open(rc, "w", encoding="utf-8") as f:
            f.write(BOCHSRC.format(megs=megs, model=model, iso=iso, tty=os.ttyname(slave),
                                   log=build_path("test-logs", name + ".bochs.log")))
        self.slave = slave
        args = ["bochs", "-q", "-f", rc]
        self.log = open(build_path("test-logs", name + ".log"), "w", encoding="utf-8",
                        errors="replace")
        self.log.write("$ " + shlex.join(args) + f"  ({model})\n")
        env = dict(os.environ, SDL_VIDEODRIVER="dummy")
        # Debian's Bochs stops at its debugger prompt first: `c` continues.
        self.proc = subprocess.Popen(args, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL, env=env, cwd=self.tmp)
        self.proc.stdin.write(b"c\n")
        self.proc.stdin.flush()
        self.child = fdpexpect.fdspawn(self.master, encoding="utf-8", codec_errors="replace",
                                       timeout=300)
        self.child.logfile_read = self.log

    def how_qemu_ended(self):
        """'Bochs exited (status N)', or that it still runs."""
        status = self.proc.poll()
        return "Bochs still running" if status is None else f"Bochs exited (status {status})"

    def close(self):
        """Stop Bochs and remove its temporary files."""
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()
        for fd in (self.master, self.slave):
            try:
                os.close(fd)
            except OSError:
                pass
        self.log.close()
        subprocess.run(["rm", "-rf", self.tmp], check=False)
