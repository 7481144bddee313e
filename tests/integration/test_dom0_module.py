"""dom0's module (/dev/xenolith) and the demo guest's files on the CD.

Under the hypervisor the module loads at boot for the CD's own kernel; on
the menu's "Linux (no hypervisor)" it declines with one line in dmesg. The
demo guest's kernel and initrd, taken out of the CD, boot to their shell
(here straight in QEMU: xenoctl create is tested with xenoctl).
"""
import base64
import hashlib
import os
import subprocess

from conftest import MENU_LINUX, MENU_XENOLITH
from qemu import TOP, Machine, build_path
from test_hypervisor_kernel import NOLIBC_SYS_C

LOADED = "/dev/xenolith ready"
DECLINED = "not running under the Xenolith hypervisor"
GUEST = "/usr/lib/xenolith/guest"


# The ioctls from a process, hostile input included; one PASS/FAIL line each.
# Until the hypervisor serves the control hypercalls they return -ENOSYS
# (-38), which the checks accept beside success.
IOCTL_CHECK_C = r"""
#include <stdint.h>
#include <linux/ioctl.h>
#include <public/xenolith.h>

void *memset(void *d, int c, unsigned long n)
{
	unsigned char *p = d;
	while (n--)
		*p++ = (unsigned char)c;
	return d;
}
static void put(const char *s)
{
	unsigned long n = 0;
	while (s[n])
		n++;
	sys(1, 1, (long)s, (long)n);
}
static void putnum(long v)
{
	char b[24];
	int i = 23;
	unsigned long u = v < 0 ? -(unsigned long)v : (unsigned long)v;
	b[i] = 0;
	do { b[--i] = (char)('0' + u % 10); u /= 10; } while (u);
	if (v < 0)
		b[--i] = '-';
	put(b + i);
}
static int failed;
static void check(const char *name, long got, int ok)
{
	put(ok ? "PASS " : "FAIL ");
	put(name);
	put(" ");
	putnum(got);
	put("\n");
	failed |= !ok;
}
static char big[XL_BUF_MAX];
static struct xl_domctl dc;
static struct xl_sysctl sc;
static struct xl_bench bench;

__attribute__((force_align_arg_pointer)) void _start(void)
{
	long fd = sys(2, (long)"/dev/xenolith", 2, 0), r;
	check("open", fd, fd >= 0);
	if (fd < 0)
		sys(60, 1, 0, 0);
	r = sys(16, fd, 0x1234, 0);
	check("unknown-ioctl-enotty", r, r == -25);
	r = sys(16, fd, XL_IOCTL_SYSCTL, 0);
	check("null-struct-efault", r, r == -14);
	r = sys(16, fd, XL_IOCTL_DOMCTL, (long)0xffffffff81000000ul);
	check("kernel-struct-efault", r, r == -14);

	sc.cmd = XL_SYSCTL_INFO;
	r = sys(16, fd, XL_IOCTL_SYSCTL, (long)&sc);
	check("sysctl-info", r, r == 0 || r == -38);
	memset(&sc, 0, sizeof(sc));
	sc.cmd = XL_SYSCTL_READLOG;
	sc.u.log.buf = (uintptr_t)big;
	sc.u.log.len = 4096;
	r = sys(16, fd, XL_IOCTL_SYSCTL, (long)&sc);
	check("sysctl-readlog", r, r >= 0 || r == -38);
	check("readlog-keeps-user-pointer", (long)sc.u.log.buf, sc.u.log.buf == (uintptr_t)big);
	sc.u.log.len = XL_BUF_MAX + 1;
	r = sys(16, fd, XL_IOCTL_SYSCTL, (long)&sc);
	check("readlog-too-long-einval", r, r == -22);

	dc.cmd = XL_DOMCTL_WRITE_MEMORY;
	dc.domid = 4000;
	dc.u.memory.gpa = 0x100000;
	dc.u.memory.buf = 16;
	dc.u.memory.len = 4096;
	r = sys(16, fd, XL_IOCTL_DOMCTL, (long)&dc);
	check("write-memory-bad-buffer-efault", r, r == -14);
	dc.u.memory.buf = (uintptr_t)big;
	dc.u.memory.len = XL_BUF_MAX + 1;
	r = sys(16, fd, XL_IOCTL_DOMCTL, (long)&dc);
	check("write-memory-too-long-einval", r, r == -22);
	dc.u.memory.len = 0;
	r = sys(16, fd, XL_IOCTL_DOMCTL, (long)&dc);
	check("write-memory-empty-einval", r, r == -22);
	dc.u.memory.len = XL_BUF_MAX;
	r = sys(16, fd, XL_IOCTL_DOMCTL, (long)&dc);
	check("write-memory-1mib-reaches-hypervisor", r, r < 0 && r != -14 && r != -22 && r != -12);
	check("write-memory-struct-restored", (long)dc.u.memory.len,
	      dc.u.memory.len == XL_BUF_MAX && dc.u.memory.buf == (uintptr_t)big &&
	      dc.u.memory.gpa == 0x100000);
	memset(&dc, 0, sizeof(dc));
	dc.cmd = XL_DOMCTL_CONSOLE_WRITE;
	dc.domid = 4000;
	dc.u.console.buf = 0xffffffff81000000ul;
	dc.u.console.len = 16;
	r = sys(16, fd, XL_IOCTL_DOMCTL, (long)&dc);
	check("console-write-kernel-buffer-efault", r, r == -14);
	dc.cmd = XL_DOMCTL_CONSOLE_READ;
	dc.u.console.buf = (uintptr_t)big;
	dc.u.console.len = 0xffffffffu;
	r = sys(16, fd, XL_IOCTL_DOMCTL, (long)&dc);
	check("console-read-too-long-einval", r, r == -22);

	bench.what = XL_BENCH_NULL_HYPERCALL;
	bench.count = 1000;
	r = sys(16, fd, XL_IOCTL_BENCH, (long)&bench);
	check("bench-null-hypercall", (long)bench.cycles, r == 0 && bench.cycles > 0);
	bench.what = XL_BENCH_CPUID;
	bench.cycles = 0;
	r = sys(16, fd, XL_IOCTL_BENCH, (long)&bench);
	check("bench-cpuid", (long)bench.cycles, r == 0 && bench.cycles > 0);
	bench.count = 0;
	r = sys(16, fd, XL_IOCTL_BENCH, (long)&bench);
	check("bench-zero-einval", r, r == -22);
	bench.count = 1000001;
	r = sys(16, fd, XL_IOCTL_BENCH, (long)&bench);
	check("bench-too-many-einval", r, r == -22);
	bench.count = 10;
	bench.what = 7;
	r = sys(16, fd, XL_IOCTL_BENCH, (long)&bench);
	check("bench-unknown-einval", r, r == -22);
	put(failed ? "IOCTL-CHECK FAILED\n" : "IOCTL-CHECK OK\n");
	sys(60, failed, 0, 0);
}
"""


def ioctl_check_program():
    """IOCTL_CHECK_C built on the host (static, no libc): its bytes."""
    work = build_path("test-module")
    os.makedirs(work, exist_ok=True)
    src, exe = os.path.join(work, f"xlcheck.{os.getpid()}.c"), os.path.join(work, f"xlcheck.{os.getpid()}")
    with open(src, "w") as f:
        f.write(NOLIBC_SYS_C + IOCTL_CHECK_C)
    subprocess.run(["gcc", "-static", "-nostdlib", "-Os", "-s", "-fno-stack-protector", "-fno-pie",
                    "-no-pie", "-mgeneral-regs-only", "-fno-builtin",
                    "-I", os.path.join(TOP, "hypervisor", "include"),
                    "-o", exe, src], check=True)
    with open(exe, "rb") as f:
        data = f.read()
    os.remove(src)
    os.remove(exe)
    return data


def copy_in(m, data, path):
    """Put DATA into the machine's file PATH through the serial line (base64), one
    short command at a time: the serial line has no flow control, and a long
    burst loses bytes on the way to dom0."""
    text = base64.b64encode(data).decode()
    m.check(f": > {path}.b64")
    for i in range(0, len(text), 200):
        m.check(f"echo '{text[i:i + 200]}' >> {path}.b64")
    m.check(f"base64 -d {path}.b64 > {path}")
    digest = m.check(f"chmod 755 {path} && sha256sum {path}").split()[0]
    assert digest == hashlib.sha256(data).hexdigest(), f"{path}: copied over the serial line damaged"


def module_lines(m):
    """The module's lines in dmesg."""
    return m.check("dmesg | grep 'xenolith: ' || true")


def test_module_loads_under_the_hypervisor(iso):
    with Machine("dom0-module", cdrom=iso) as m:
        m.grub_select(MENU_XENOLITH)
        m.login(timeout=900)

        lines = module_lines(m)
        assert LOADED in lines, f"expected the module's '{LOADED}' line in dmesg, saw:\n{lines}"
        assert "ABI" in lines, f"the load line should name the ABI version:\n{lines}"
        assert m.check("stat -c '%F %a %U' /dev/xenolith") == "character special file 600 root"
        kver = m.check("uname -r")
        assert m.check("modinfo -F filename xenolith") == \
            f"/lib/modules/{kver}/updates/xenolith.ko"
        assert m.check("modinfo -F vermagic xenolith").split()[0] == kver
        release = m.check(". /etc/xenolith-release && echo \"$XENOLITH_KERNEL\"")
        assert release == kver, \
            f"/etc/xenolith-release says XENOLITH_KERNEL={release!r}, uname -r says {kver!r}"

        # The demo guest: config, the CD's own kernel, and the BusyBox initrd with its marker.
        cfg = m.check("cat /etc/xenolith/demo.cfg")
        for line in ('name = "demo"', f'kernel = "{GUEST}/vmlinux"',
                     f'ramdisk = "{GUEST}/initrd.gz"', "memory = 128", "vcpus = 1",
                     'on_poweroff = "destroy"'):
            assert line in cfg, f"/etc/xenolith/demo.cfg lacks {line!r}:\n{cfg}"
        m.check(f"cmp {GUEST}/vmlinuz /run/xenolith/medium/boot/vmlinuz")
        magic = m.check(f"head -c 4 {GUEST}/vmlinux | tail -c 3")
        assert magic == "ELF", f"{GUEST}/vmlinux is not an ELF file (starts {magic!r})"
        init = m.check(f"zcat {GUEST}/initrd.gz | busybox cpio -i --to-stdout init 2>/dev/null")
        assert "xenolith-guest: init reached" in init and "cttyhack" in init, \
            f"the guest initrd's /init is not the demo's:\n{init}"
        m.check(f"zcat {GUEST}/initrd.gz | busybox cpio -t 2>/dev/null | grep -qx bin/busybox")
        m.check("test -d /etc/xenolith/auto")
        assert m.check("systemctl is-enabled xenolith-domains.service") == "enabled"

        # The ioctls, from root; other users cannot open the device.
        copy_in(m, ioctl_check_program(), "/tmp/xlcheck")
        status, out = m.run("/tmp/xlcheck")
        assert status == 0 and "IOCTL-CHECK OK" in out, f"ioctl checks failed:\n{out}"
        trace = m.check("dmesg | grep -B2 -A10 'Call Trace' || true")
        assert trace == "", f"the kernel complained during the ioctl checks:\n{trace}"
        status, out = m.run("su user -c 'cat /dev/xenolith'")
        assert status != 0 and "Permission denied" in out, \
            f"user opened /dev/xenolith (status {status}): {out}"


def test_no_module_without_the_hypervisor(iso):
    with Machine("dom0-module-linux", cdrom=iso) as m:
        m.grub_select(MENU_LINUX)
        m.login(timeout=600)

        lines = module_lines(m)
        assert DECLINED in lines, f"expected the module's '{DECLINED}' line in dmesg, saw:\n{lines}"
        assert LOADED not in lines, lines
        status, out = m.run("grep -w ^xenolith /proc/modules")
        assert status != 0, f"the module is loaded on plain Linux:\n{out}"
        m.check("test ! -e /dev/xenolith")
        # Declining is not a failure: systemd-modules-load stays fine, and the domains
        # service is skipped (no /dev/xenolith).
        m.run("systemctl is-system-running --wait", timeout=300)
        status, out = m.run("systemctl is-failed systemd-modules-load.service")
        assert status != 0, f"systemd-modules-load.service failed: {out}"
        assert m.check("systemctl show -P ConditionResult xenolith-domains.service") == "no"


def test_demo_guest_initrd_boots_to_a_shell(iso, tmp_path):
    subprocess.run(["xorriso", "-osirrox", "on", "-indev", iso, "-extract",
                    "/xenolith/root.sqfs", str(tmp_path / "root.sqfs")],
                   check=True, capture_output=True)
    subprocess.run(["unsquashfs", "-q", "-n", "-d", str(tmp_path / "root"),
                    str(tmp_path / "root.sqfs"), GUEST.lstrip("/")],
                   check=True, capture_output=True)
    guest = str(tmp_path / "root") + GUEST
    with Machine("demo-guest-direct", kernel=guest + "/vmlinuz", initrd=guest + "/initrd.gz",
                 append="console=ttyS0", memory=128, nic=None) as m:
        m.expect(r"xenolith-guest: init reached \(kernel \S+, 1 CPUs, \d+ MiB\)", 120)
        m.expect(r"demo:/root# ", 60)
        # Job control: the shell has the serial line as its controlling terminal.
        m.send("sleep 100 &\n")
        m.send("jobs\n")
        m.expect(r"\[1\]\+ +Running +sleep 100", 30)
        m.send("exit\n")
        m.expect("xenolith-guest: the shell exited, powering off", 60)
        m.expect("reboot: Power down", 60)
