"""The hypervisor image booted directly by QEMU (-kernel, multiboot1).

dom0 is the CD's Debian kernel with a small test initramfs (static busybox
plus a tiny CPUID program) whose /init prints markers and check results.
"""
import glob
import gzip
import os
import re
import stat
import subprocess

import pexpect
import pytest

from qemu import Machine, build_path

XENOLITH = build_path("xenolith")
# The root's one kernel, whichever version the build resolved (docs/building.md).
KERNEL = (glob.glob(build_path("root", "boot", "vmlinuz-*"))
          or [build_path("root", "boot", "vmlinuz-*")])[0]
SIGNATURE = "XenolithHVMM"
BOOT_TIMEOUT = 240

# What every no-libc test program starts with: a raw Linux system call.
NOLIBC_SYS_C = r"""
static long sys(long nr, long a, long b, long c)
{
	long r;
	__asm__ volatile("syscall" : "=a"(r) : "a"(nr), "D"(a), "S"(b), "d"(c)
			 : "rcx", "r11", "memory");
	return r;
}
"""

HVCHECK_C = r"""
/* Prints what CPUID tells a guest about the hypervisor. No libc. */
static void cpuid(unsigned leaf, unsigned *r)
{
	__asm__ volatile("cpuid" : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3])
			 : "a"(leaf), "c"(0));
}
__attribute__((force_align_arg_pointer)) void _start(void)
{
	char out[64] = "HV-BIT=? HV-SIG=............ \n";
	unsigned r[4];
	int i;

	cpuid(1, r);
	out[7] = (r[2] >> 31) ? '1' : '0';
	cpuid(0x40000000, r);
	for (i = 0; i < 4; i++) {
		out[16 + i] = ((char *)&r[1])[i];
		out[20 + i] = ((char *)&r[2])[i];
		out[24 + i] = ((char *)&r[3])[i];
	}
	for (i = 16; i < 28; i++)
		if (out[i] < 0x20 || out[i] > 0x7e)
			out[i] = '.';
	sys(1, 1, (long)out, 30);
	sys(60, 0, 0, 0);
	for (;;)
		;
}
"""

INIT = r"""#!/bin/busybox sh
/bin/busybox mkdir -p /proc /sys /dev /tmp
/bin/busybox mount -t proc proc /proc
/bin/busybox mount -t devtmpfs dev /dev
/bin/busybox --install -s /bin
echo XENOLITH-TEST-INIT
/hvcheck
ADDR=$(sed -n 's/.*hv_banner=\([0-9a-fx]*\).*/\1/p' /proc/cmdline)
if [ -n "$ADDR" ]; then
    HEX=$(dd if=/dev/mem bs=1 skip=$((ADDR)) count=16 2>/dev/null | hexdump -v -e '16/1 "%02x"')
    echo "HV-MEM=[$HEX]"
fi
grep -c ^processor /proc/cpuinfo | sed 's/^/CPUS=/'
echo XENOLITH-TEST-READY
exec setsid cttyhack sh
"""


def _newc(entries):
    """A newc cpio archive from (name, mode, data) tuples."""
    out = bytearray()
    for ino, (name, mode, data) in enumerate(entries + [("TRAILER!!!", 0, b"")], 1):
        nb = name.encode() + b"\0"
        hdr = "070701" + "".join(f"{v:08x}" for v in (
            ino, mode, 0, 0, 1, 0, len(data), 0, 0, 0, 0, len(nb), 0))
        out += hdr.encode() + nb
        out += b"\0" * (-len(out) % 4)
        out += data
        out += b"\0" * (-len(out) % 4)
    return bytes(out)


def build_nolibc(name, source):
    """Compile NOLIBC_SYS_C and source into a static program without libc
    (under build/test-hv); its bytes. Test files may run in parallel
    (pytest -n): the files have private names, so no run reads another's."""
    work = build_path("test-hv")
    os.makedirs(work, exist_ok=True)
    tag = f".{os.getpid()}"
    src, exe = os.path.join(work, name + ".c" + tag), os.path.join(work, name + tag)
    with open(src, "w") as f:
        f.write(NOLIBC_SYS_C + source)
    subprocess.run(["gcc", "-static", "-nostdlib", "-O2", "-fno-stack-protector",
                    "-fno-pie", "-no-pie", "-mgeneral-regs-only", "-fno-builtin",
                    "-x", "c", "-o", exe, src], check=True)
    with open(exe, "rb") as f:
        data = f.read()
    os.remove(src)
    os.remove(exe)
    return data


@pytest.fixture(scope="module")
def initrd():
    """Build build/test-hv/initrd.gz (busybox, hvcheck, /init)."""
    for path in (XENOLITH, KERNEL, "/bin/busybox"):
        if not os.path.exists(path):
            pytest.fail(f"{path} is missing (make build; sh rootfs/build-root.sh build/root)")
    hvcheck = build_nolibc("hvcheck", HVCHECK_C)
    with open("/bin/busybox", "rb") as f:
        busybox = f.read()
    # Test files may run in parallel (pytest -n): write under a private
    # name, then rename, so that no QEMU ever reads a half-written file.
    tag = f".{os.getpid()}"
    d, x = stat.S_IFDIR | 0o755, stat.S_IFREG | 0o755
    archive = _newc([("bin", d, b""), ("bin/busybox", x, busybox),
                     ("bin/sh", stat.S_IFLNK | 0o777, b"busybox"),
                     ("hvcheck", x, hvcheck), ("init", x, INIT.encode()),
                     ("dev", d, b""), ("proc", d, b""), ("sys", d, b"")])
    path = build_path("test-hv", "initrd.gz")
    with gzip.open(path + tag, "wb", compresslevel=1) as f:
        f.write(archive)
    os.replace(path + tag, path)
    return path


def banner_address():
    """Physical address of version_banner in the image (linked at its load address)."""
    out = subprocess.run(["nm", XENOLITH], check=True, capture_output=True, text=True).stdout
    m = re.search(r"^([0-9a-f]+) [rRdD] version_banner$", out, re.M)
    assert m, "version_banner not found in the image's symbols"
    return int(m.group(1), 16)


def hv_machine(name, initrd, cpu="qemu64,+svm,+npt", hv_args="noreboot", dom0_args="",
               modules=True, smp=1, memory=1024):
    mods = f"{KERNEL} console=ttyS0 panic=-1 {dom0_args},{initrd}" if modules else None
    return Machine(name, kernel=XENOLITH, initrd=mods, append=hv_args, cpu=cpu,
                   memory=memory, nic=None, smp=smp, hypervisor=True)


@pytest.fixture(scope="module")
def dom0(initrd):
    """One boot under the hypervisor, shared by the checks below."""
    addr = banner_address()
    m = hv_machine("hv-dom0", initrd, hv_args="noreboot loglvl=all bogus_option=1",
                   dom0_args=f"hv_banner={addr:#x}", smp=2)
    m.expect(r"XENOLITH-TEST-READY", BOOT_TIMEOUT)
    m.transcript = m.child.before
    yield m
    m.close()


def test_banner_is_first_output(dom0):
    first = next(line for line in dom0.transcript.replace("\r", "").split("\n") if line.strip())
    assert "Xenolith hypervisor" in first and "built by" in first, \
        f"expected the banner as the first line, saw {first!r}"


def test_bad_option_warns_and_boots(dom0):
    assert re.search(r"bogus_option", dom0.transcript), \
        "expected a warning naming bogus_option before dom0 booted"
    assert "XENOLITH-TEST-INIT" in dom0.transcript


def test_dom0_boots_to_userspace(dom0):
    assert "Starting dom0" in dom0.transcript
    assert "Run /init as init process" in dom0.transcript
    assert re.search(r"CPUS=2\b", dom0.transcript), \
        "the machine has 2 CPUs; dom0 must see two vCPUs"


def test_dom0_sees_hypervisor_signature(dom0):
    m = re.search(r"HV-BIT=(\d) HV-SIG=(\S+)", dom0.transcript)
    assert m, "hvcheck printed nothing"
    assert m.group(1) == "1", "CPUID.1:ECX bit 31 (hypervisor) is clear in dom0"
    assert m.group(2) == SIGNATURE, f"expected signature {SIGNATURE}, saw {m.group(2)}"


def test_dom0_cannot_read_hypervisor_memory(dom0):
    m = re.search(r"HV-MEM=\[([0-9a-f]*)\]", dom0.transcript)
    assert m, "dom0 could not read /dev/mem at the banner's address"
    data = bytes.fromhex(m.group(1))
    assert b"Xeno" not in data, f"dom0 read the hypervisor's banner: {data!r}"
    assert data == b"\xff" * 16, f"expected all-ones from hidden memory, saw {data.hex()}"


def test_debug_keys(dom0):
    dom0.expect(r"/ # ", 60)
    dom0.send("\x01\x01\x01")
    dom0.expect(r"input now goes to Xenolith", 60)
    dom0.send("h")
    dom0.expect(r"dump dom0's vCPU registers", 60)
    dom0.send("d")
    dom0.expect(r"dom0 vcpu0: RIP [0-9a-f]{16}", 60)
    dom0.send("q")
    dom0.expect(r"Domain-0 \(domain 0\): \w+, \d+ MiB, 2 vCPUs", 60)
    dom0.expect(r"vcpu1: (running|idle \(HLT\)) on cpu\d", 60)
    dom0.send("\x01\x01\x01")
    dom0.expect(r"goes to dom0", 60)
    dom0.send("echo BACK-$((40+2))\n")
    dom0.expect(r"BACK-42", 60)


def test_dom0_halt_is_noticed(dom0):
    """`halt -f` ends in HLT with interrupts off: reported, console alive."""
    dom0.send("halt -f\n")
    dom0.expect(r"dom0 vcpu\d halted with interrupts off", 60)
    dom0.send("\x01\x01\x01")
    dom0.expect(r"input now goes to Xenolith", 30)
    dom0.send("q")
    dom0.expect(r"vcpu0: halted on cpu\d", 30)
    dom0.send("\x01\x01\x01")
    dom0.expect(r"goes to dom0", 30)


def test_hypervisor_exception_is_reported(dom0):
    """Last user of the shared machine: the 'C' debug key faults on purpose."""
    dom0.send("\x01\x01\x01")
    dom0.expect(r"input now goes to Xenolith", 60)
    dom0.send("C")
    dom0.expect(r"hypervisor exception 6 \(#UD", 60)
    dom0.expect(r"RIP 0008:[0-9a-f]{16}", 30)
    dom0.expect(r"Faulting code: \[<[0-9a-f]{16}>\] main_key_crash\+0x", 30)
    dom0.expect(r"Stack trace:\s+\S*\s*\[<[0-9a-f]{16}>\] keyhandler_handle\+0x", 30)
    dom0.expect(r"system halted \(noreboot\)", 30)


def test_mp_table_hidden_with_acpi_off(initrd):
    """Without ACPI Linux looks for the MP table, which lists every CPU."""
    with hv_machine("hv-acpi-off", initrd, dom0_args="acpi=off", smp=2) as m:
        m.expect(r"XENOLITH-TEST-READY", BOOT_TIMEOUT)
        out = m.child.before
        assert re.search(r"CPUS=1\b", out), "dom0 found the second CPU (MP table visible?)"
        assert "MADT or MP tables are not detected" in out, "dom0 found an MP table"


def test_memory_above_4g_goes_to_the_allocator(initrd):
    """6 GiB machine, dom0_mem=2G: the rest (mostly above 4 GiB) is hidden
    from dom0 and managed by the hypervisor's allocator."""
    with hv_machine("hv-6g", initrd, hv_args="noreboot dom0_mem=2G", memory=6144) as m:
        m.expect(r"dom0 2048 MiB, hypervisor and guests (\d+) MiB \((\d+) MiB for the allocator\)",
                 60)
        assert int(m.child.match.group(2)) > 4000, m.child.match.group(0)
        m.expect(r"XENOLITH-TEST-READY", BOOT_TIMEOUT)
        m.expect(r"/ # ", 30)
        m.send("\x01\x01\x01")
        m.expect(r"input now goes to Xenolith", 30)
        m.send("m")
        m.expect(r"page_alloc: \d+ of (\d+) pages free", 30)
        assert int(m.child.match.group(1)) > (4000 << 8)


def test_no_svm_boots_natively(initrd):
    with hv_machine("hv-native", initrd, cpu="qemu64") as m:
        m.expect(r"Xenolith hypervisor", 60)
        m.expect(r"Xenolith: .*(AMD-V|SVM).*natively", 60)
        m.expect(r"XENOLITH-TEST-INIT", BOOT_TIMEOUT)
        m.expect(r"HV-SIG=(\S+)", 60)
        assert m.child.match.group(1) != SIGNATURE


def test_missing_dom0_module_halts(initrd):
    with hv_machine("hv-nomodule", initrd, modules=False) as m:
        m.expect(r"no dom0 kernel", 60)
        m.expect(r"halted", 60)


def test_fatal_error_reboots_without_noreboot(initrd):
    with hv_machine("hv-reboot", initrd, hv_args="", modules=False) as m:
        m.expect(r"no dom0 kernel", 60)
        m.expect(r"rebooting in 5 seconds", 30)
        m.expect(r"1\.\.\.", 30)
        # QEMU runs with -no-reboot: the machine reset ends it.
        m.child.expect(pexpect.EOF, timeout=60)


def _crash_kernel():
    """A minimal bzImage whose 32-bit entry loads an empty IDT and executes
    ud2: #UD -> #GP -> #DF -> triple fault, a state no hypervisor can fix."""
    img = bytearray(1024 + 4096)
    img[0x1f1] = 1                                   # setup_sects
    img[0x1fe:0x200] = (0xaa55).to_bytes(2, "little")
    img[0x201] = 0x6a                                # header ends at 0x26c
    img[0x202:0x206] = b"HdrS"
    img[0x206:0x208] = (0x020f).to_bytes(2, "little")
    img[0x211] = 1                                   # LOADED_HIGH
    img[0x22c:0x230] = (0x7fffffff).to_bytes(4, "little")
    img[0x230:0x234] = (0x200000).to_bytes(4, "little")
    img[0x234] = 1                                   # relocatable
    img[0x238:0x23c] = (2048).to_bytes(4, "little")
    img[0x258:0x260] = (0x1000000).to_bytes(8, "little")
    img[0x260:0x264] = (0x100000).to_bytes(4, "little")
    code = bytes([0x31, 0xc0,                                   # xor eax, eax
                  0x89, 0x86, 0xe0, 0x01, 0, 0,                 # mov [esi+0x1e0], eax
                  0x89, 0x86, 0xe4, 0x01, 0, 0,                 # mov [esi+0x1e4], eax
                  0x0f, 0x01, 0x9e, 0xe0, 0x01, 0, 0,           # lidt [esi+0x1e0]
                  0x0f, 0x0b])                                  # ud2
    img[1024:1024 + len(code)] = code
    path = build_path("test-hv", "crash-bzimage")
    with open(path, "wb") as f:
        f.write(img)
    return path


def test_dom0_crash_is_reported_and_hypervisor_survives(initrd):
    kernel = _crash_kernel()
    with Machine("hv-crash", kernel=XENOLITH, initrd=f"{kernel} console=ttyS0",
                 append="noreboot", nic=None) as m:
        m.expect(r"dom0 crashed: triple fault", 60)
        m.expect(r"dom0 vcpu0: RIP 0000000001000015", 30)
        m.expect(r"hypervisor keeps running", 30)
        m.send("\x01\x01\x01")
        m.expect(r"input now goes to Xenolith", 30)
        m.send("q")
        m.expect(r"vcpu0: crashed on cpu0", 30)


def test_dom0_mem_larger_than_ram_halts(initrd):
    with hv_machine("hv-bigmem", initrd, hv_args="noreboot dom0_mem=8G") as m:
        m.expect(r"\*\*\* Xenolith: .*(dom0_mem|more than|RAM)", 60)
        m.expect(r"halted", 30)


def test_initrd_that_does_not_fit_halts(initrd):
    big = build_path("test-hv", "big-initrd")
    with open(big, "wb") as f:
        f.truncate(40 << 20)
    with Machine("hv-bigrd", kernel=XENOLITH, initrd=f"{KERNEL} console=ttyS0,{big}",
                 append="noreboot dom0_mem=96M", nic=None) as m:
        m.expect(r"cannot load dom0: the initrd does not fit", 60)
        m.expect(r"halted", 30)
