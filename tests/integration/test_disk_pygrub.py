"""A guest with its own kernel inside a qcow2 disk boots by bootloader = 'pygrub': the
kernel, initrd and command line come from the disk's /boot/grub/grub.cfg default entry,
in a whole-disk file system (`vd create --from --format qcow2`) and in a GPT partition
(docs/disks.md, "Booting from the disk: pygrub")."""
import re
import secrets
import shlex

from guests import check, create, dom0_fixtures, guest_shell, run, wait_booted

m, clean = dom0_fixtures("disk-pygrub")

GUEST = "/usr/lib/xenolith/guest"	# the demo guest's kernel and initrd (demo.cfg)
TREE = "/tmp/pygrub-root"
CFG = "/tmp/pygrub.cfg"
VERSION = "6.1.0-pygrub"


def write_file(m, path, text):
    """Write TEXT into dom0's file PATH."""
    check(m, f"printf '%b' {shlex.quote(text.replace(chr(10), chr(92) + 'n'))} > {path}")


def boot_tree(m, marker):
    """TREE: /boot with the demo's kernel and initrd under Debian's names and a grub.cfg
    whose default entry (the second, by `set default`) carries MARKER."""
    grub = f"""set default="1"
set timeout=5
menuentry 'Debian, wrong entry' {{
	linux /boot/vmlinuz-{VERSION} xenolith.test=wrong-entry
	initrd /boot/initrd.img-{VERSION}
}}
menuentry 'Debian GNU/Linux, with Linux {VERSION}' --id debian {{
	insmod ext2
	search --no-floppy --fs-uuid --set=root 0123-4567
	linux	/boot/vmlinuz-{VERSION} xenolith.test={marker} $vt_handoff
	initrd	/boot/initrd.img-{VERSION}
}}
"""
    check(m, f"rm -rf {TREE} && mkdir -p {TREE}/boot/grub && "
             f"cp {GUEST}/vmlinux {TREE}/boot/vmlinuz-{VERSION} && "
             f"cp {GUEST}/initrd.gz {TREE}/boot/initrd.img-{VERSION}")
    write_file(m, f"{TREE}/boot/grub/grub.cfg", grub)


def boot_by_pygrub(m, name, disk, marker):
    """Create NAME from a configuration with bootloader = 'pygrub', no kernel, and DISK;
    its /proc/cmdline must carry MARKER and its shell answer."""
    write_file(m, CFG, f"name = '{name}'\nmemory = 128\nbootloader = 'pygrub'\n"
                       f"extra = 'console=ttyS0 quiet'\ndisk = [ '{disk}' ]\n")
    create(m, CFG, timeout=300)
    wait_booted(m, name)
    text = guest_shell(m, name, "echo RESULT-cmdline-$(cat /proc/cmdline | tr \" \" +)")
    # The last RESULT-cmdline- line that is not the typed command's echo.
    lines = [c for c in re.findall(r"RESULT-cmdline-(\S+)", text) if not c.startswith("$(")]
    assert lines and f"xenolith.test={marker}" in lines[-1].split("+"), \
        f"expected xenolith.test={marker} in {name}'s /proc/cmdline, saw:\n{text}"
    assert "wrong-entry" not in lines[-1], lines[-1]
    # Nothing of pygrub is left in dom0: its temporary files, its qemu-nbd (--read-only;
    # the device model's own serves the disk to the guest).
    assert check(m, "ls /tmp | grep -c xenoctl-pygrub || true") == "0"
    assert check(m, "pgrep -c -f '^qemu-nbd --read-only' || true") == "0"
    check(m, f"xenoctl destroy {name}")


def test_pygrub_boots_the_kernel_of_a_qcow2_vd(m):
    marker = "pygrub-" + secrets.token_hex(4)
    boot_tree(m, marker)
    run(m, "xenoctl vd delete pgq")
    check(m, f"xenoctl vd create pgq 256M --fs ext4 --from {TREE} --format qcow2", 600)
    assert "qcow2" in check(m, "xenoctl vd list | awk '$1 == \"pgq\"'")
    boot_by_pygrub(m, "pgq", "vd:pgq,xvda,w", marker)


def test_pygrub_finds_grub_cfg_in_a_gpt_partition(m):
    """A qcow2 with a GPT: an empty first partition, the file system in the second."""
    marker = "pygrub-gpt-" + secrets.token_hex(4)
    boot_tree(m, marker)
    raw, image = "/tmp/pygrub-gpt.raw", "/tmp/pygrub-gpt.qcow2"
    check(m, f"rm -f {raw} {image} && truncate -s 256M {raw} && "
             f"printf 'label: gpt\\nstart=2048, size=2048\\nstart=4096\\n' | sfdisk -q {raw}")
    check(m, f"mke2fs -q -F -t ext4 -E offset={4096 * 512} -d {TREE} {raw} 200M", 600)
    check(m, f"qemu-img convert -O qcow2 {raw} {image} && rm {raw}", 300)
    boot_by_pygrub(m, "pggpt", f"tap:qcow2:{image},xvda,w", marker)
    check(m, f"rm -f {image}")
