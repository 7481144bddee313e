"""Disks added to and taken from running domains: `xenoctl block-attach`,
`block-detach [--force]`, `block-list`, seen by the CD's own Debian kernel
through ACPI PCI hotplug (acpiphp) with no guest changes. A disk written in
one domain is detached, attached to another and read back there; the
sharing rules hold; bad input is refused with one line and changes nothing.

Needs `xenoctl create` to start the device model with `--control
/run/xenolith/ID.dm.sock` for a domain with disks. One machine (-smp 2,
1 GiB) for the whole file; at most two small guests at a time.
"""
import itertools
import re

from guests import DEMO, check, console_wait, create, dom0_fixtures, domains_json, refused, \
    run, type_into, wait_booted, wait_until

m, clean = dom0_fixtures("block-hotplug")

IMG = "/tmp/hp-{}.img"
PATTERN = "xenolith-hotplug-pattern"
_tags = itertools.count(1)


def disk_cfg(*specs):
    """The create override for these disk specs, quoted for dom0's shell."""
    return "'disk=[" + ", ".join(f'"{s}"' for s in specs) + "]'"


def start(m, name, *specs):
    """Create a demo guest NAME with these disks, wait for its prompt and load
    the virtio modules its initrd carries (the demo loads them only for root=)."""
    for s in specs:
        check(m, f"test -e {s.split(',')[0]} || truncate -s 16M {s.split(',')[0]}")
    create(m, DEMO, f"name={name}", disk_cfg(*specs))
    booted(m, name)


def booted(m, name):
    """Wait for guest NAME's prompt and load its virtio modules."""
    wait_booted(m, name)
    guest(m, name, "for ko in $(cat /lib/disk/order); do insmod /lib/disk/$ko; done", 180)


def guest(m, name, command, timeout=180):
    """Run COMMAND in guest NAME's shell; its output (newlines as spaces) and status."""
    tag = next(_tags)
    assert "'" not in command, "guest(): the console types the line in single quotes"
    line = f'o=$({{ {command}; }} 2>&1); s=$?; echo "RESULT{tag} $(echo $o) :$s"'
    found = re.compile(rf"^RESULT{tag} (.*) :(\d+)$", re.M)
    seen = console_wait(m, name, rf"^RESULT{tag} .* :[0-9]+$", timeout, line)
    hit = found.search(seen)
    assert hit, f"expected guest {name} to answer `{command}` within {timeout} s, saw:\n{seen}"
    return hit.group(1).strip(), int(hit.group(2))


def guest_disk(m, name, vdev):
    """The guest's name (vdb, ...) for the disk whose serial is VDEV, or ''."""
    out, _ = guest(m, name, "for d in /sys/block/vd*; do [ \"$(cat $d/serial)\" = "
                   f"{vdev} ] && echo ${{d##*/}}; done; true")
    return out


def wait_guest_disk(m, name, vdev, present=True, timeout=180):
    """Wait until guest NAME sees (or no longer sees) the disk VDEV; its name."""
    def look():
        dev = guest_disk(m, name, vdev)
        return bool(dev) == present, dev or f"(no disk with serial {vdev} in /sys/block)"
    return wait_until(m, f"guest {name} to {'see' if present else 'lose'} {vdev}", look,
                      timeout, step=3)


def block_list(m, name):
    """`xenoctl block-list NAME` as {vdev: (guest device, format, access, target)}."""
    out = check(m, f"xenoctl block-list {name}")
    lines = out.splitlines()
    assert lines and lines[0].split() == ["Vdev", "Guest", "device", "Format", "Access",
                                          "Target"], \
        f"`block-list {name}`: expected the header Vdev Guest device Format Access Target, " \
        f"saw:\n{out}"
    return {f[0]: tuple(f[1:5]) for f in (line.split() for line in lines[1:])}


def test_attach_write_detach_read_elsewhere(m):
    a, b, c = IMG.format("a"), IMG.format("b"), IMG.format("c")
    check(m, f"rm -f {a} {b} {c}; truncate -s 16M {b}")
    start(m, "web", f"{a},raw,xvda,w")
    assert block_list(m, "web") == {"xvda": ("/dev/disk/by-id/virtio-xvda", "raw", "w", a)}

    out = check(m, f"xenoctl block-attach web '{b},raw,xvdb,w'")
    assert f"Attached {b} to domain web as xvdb" in out, \
        f"expected 'Attached {b} to domain web as xvdb', saw:\n{out}"
    assert block_list(m, "web")["xvdb"] == ("/dev/disk/by-id/virtio-xvdb", "raw", "w", b)
    dev = wait_guest_disk(m, "web", "xvdb")

    # Write in the guest: a file system if BusyBox has mke2fs, else raw bytes.
    has_mke2fs = guest(m, "web", "command -v mke2fs || true")[0] != ""
    if has_mke2fs:
        out, status = guest(m, "web", f"mke2fs /dev/{dev} >/dev/null && mkdir -p /mnt && "
                                      f"mount /dev/{dev} /mnt && echo {PATTERN} > /mnt/f && "
                                      "umount /mnt")
    else:
        out, status = guest(m, "web", f"echo {PATTERN} | dd of=/dev/{dev} bs=512 count=1 "
                                      "conv=sync,fsync")
    assert status == 0, f"guest web: writing /dev/{dev} failed: {out}"

    out = check(m, "xenoctl block-detach web xvdb")
    assert "Detached xvdb from domain web" in out, \
        f"expected 'Detached xvdb from domain web', saw:\n{out}"
    wait_guest_disk(m, "web", "xvdb", present=False)
    assert list(block_list(m, "web")) == ["xvda"]
    if has_mke2fs:
        seen = check(m, f"debugfs -R 'cat /f' {b} 2>/dev/null")
    else:
        seen = check(m, f"head -c {len(PATTERN)} {b}")
    assert seen == PATTERN, f"{b}: expected the guest's {PATTERN!r} in it, saw {seen!r}"

    # The same image in another domain, read-only this time.
    start(m, "db", f"{c},raw,xvda,w")
    out = check(m, f"xenoctl block-attach db 'vdev=xvdc, access=ro, target={b}'")
    assert "as xvdc" in out, f"expected 'as xvdc', saw:\n{out}"
    dev = wait_guest_disk(m, "db", "xvdc")
    if has_mke2fs:
        read = f"mkdir -p /mnt && mount -o ro /dev/{dev} /mnt && cat /mnt/f && umount /mnt"
    else:
        read = f"dd if=/dev/{dev} bs={len(PATTERN)} count=1"
    out, status = guest(m, "db", read)
    assert status == 0 and PATTERN in out, \
        f"guest db: expected {PATTERN!r} read back from /dev/{dev}, saw: {out}"
    out, _ = guest(m, "db", f"cat /sys/block/{dev}/ro")
    assert out == "1", f"guest db: expected /dev/{dev} read-only, saw ro={out!r}"
    check(m, "xenoctl block-detach db xvdc")


def test_sharing_rules(m):
    a, b, c = IMG.format("a"), IMG.format("b"), IMG.format("c")
    check(m, f"rm -f {a} {b} {c}; truncate -s 16M {b}")
    start(m, "web", f"{a},raw,xvda,w")
    start(m, "db", f"{c},raw,xvda,w")

    # web writes a: db may neither write nor read it; web cannot take it twice.
    refused(m, f"xenoctl block-attach db '{a},raw,xvdb,w'",
            rf"'{a}' is attached writable to domain web")
    refused(m, f"xenoctl block-attach db '{a},raw,xvdb,r'",
            rf"'{a}' is attached writable to domain web")
    refused(m, f"xenoctl block-attach web '{b},raw,xvda,r'", r"xvda: already attached")

    # Read-only twice is fine; then nobody may write it.
    check(m, f"xenoctl block-attach web '{b},raw,xvdb,r'")
    check(m, f"xenoctl block-attach db '{b},raw,xvdb,r'")
    refused(m, f"xenoctl block-attach db '{b},raw,xvdc,w'", rf"'{b}' is attached read-only")
    check(m, "xenoctl block-detach web xvdb")
    check(m, "xenoctl block-detach db xvdb")

    # w!: both domains write one raw image (each device model holds it under
    # the shared lock) and see each other's bytes; plain w is refused meanwhile.
    check(m, f"xenoctl block-attach web '{b},raw,xvdb,w!'")
    check(m, f"xenoctl block-attach db '{b},raw,xvdb,w!'")
    assert block_list(m, "db")["xvdb"][2] == "w!", \
        f"expected db's xvdb listed with access w!, saw {block_list(m, 'db')}"
    refused(m, f"xenoctl block-attach db '{b},raw,xvdc,w'",
            rf"'{b}' is attached writable \(shared, w!\) to domain web")
    dev_web, dev_db = wait_guest_disk(m, "web", "xvdb"), wait_guest_disk(m, "db", "xvdb")
    out, status = guest(m, "web", f"echo {PATTERN} | dd of=/dev/{dev_web} bs=512 count=1 "
                                  "conv=sync,fsync")
    assert status == 0, f"guest web: writing /dev/{dev_web} failed: {out}"
    out, status = guest(m, "db", "echo 3 > /proc/sys/vm/drop_caches; "
                                 f"dd if=/dev/{dev_db} bs={len(PATTERN)} count=1")
    assert status == 0 and PATTERN in out, \
        f"guest db: expected web's {PATTERN!r} on the shared disk, saw: {out}"
    check(m, "xenoctl block-detach web xvdb")
    check(m, "xenoctl block-detach db xvdb")
    refused(m, f"xenoctl block-attach web 'tap:qcow2:{b},xvdb,w!'", r"access w!")

    # A disk dom0 has mounted read-write is refused; once unmounted it is fine.
    check(m, f"mkfs.ext4 -q -F {b} && mkdir -p /mnt/hp && mount -o loop {b} /mnt/hp")
    try:
        refused(m, f"xenoctl block-attach web '{b},raw,xvdb,w'",
                r"is mounted read-write in dom0 on /mnt/hp")
    finally:
        check(m, "umount /mnt/hp")
    check(m, f"xenoctl block-attach web '{b},raw,xvdb,w'")
    check(m, "xenoctl block-detach web xvdb")


def test_detach_refused_while_mounted(m):
    """block-detach reads the disk's superblocks through the device model: a
    file system the guest mounted read-write is marked in use (ext4: the
    journal's needs_recovery; ext2: its state not clean), so the detach is
    refused and nothing changes; after umount the detach goes; --force takes
    it while mounted. A read-only mount marks nothing (docs/disks.md)."""
    a, b, c = IMG.format("a"), IMG.format("b"), IMG.format("c")
    check(m, f"rm -f {a} {b} {c}; truncate -s 32M {b} {c} && "
             f"printf 'start=2048, type=83\\n' | sfdisk -q {b} && "
             f"mkfs.ext4 -q -F -E offset=1048576 {b} 30M")
    start(m, "web", f"{a},raw,xvda,w")

    # ext4 on the disk's first partition, mounted read-write in the guest.
    check(m, f"xenoctl block-attach web '{b},raw,xvdb,w'")
    dev = wait_guest_disk(m, "web", "xvdb")
    out, status = guest(m, "web", f"mkdir -p /mnt && mount -t ext4 /dev/{dev}1 /mnt && "
                                  f"echo {PATTERN} > /mnt/f && sync")
    assert status == 0, f"guest web: mounting /dev/{dev}1 failed: {out}"
    refused(m, "xenoctl block-detach web xvdb",
            r"^xenoctl: block-detach web xvdb: the guest has a file system on it mounted "
            r"\(ext4 on xvdb1\); unmount it in the guest or use --force$")
    assert "xvdb" in block_list(m, "web"), "xvdb gone from block-list after a refused detach"
    out, status = guest(m, "web", "echo more >> /mnt/f && sync && cat /mnt/f")
    assert status == 0 and PATTERN in out, \
        f"guest web: expected /mnt/f still readable and writable after the refusal, saw: {out}"
    out, status = guest(m, "web", "umount /mnt")
    assert status == 0, f"guest web: umount /mnt failed: {out}"
    check(m, "xenoctl block-detach web xvdb")
    wait_guest_disk(m, "web", "xvdb", present=False)
    seen = check(m, f"debugfs -R 'cat /f' '{b}?offset=1048576' 2>/dev/null")
    assert PATTERN in seen and "more" in seen, \
        f"{b}: expected the guest's /f ({PATTERN!r}, then 'more') in the image, saw {seen!r}"

    # ext2 on the whole disk, made and mounted by the guest's BusyBox.
    check(m, f"xenoctl block-attach web '{c},raw,xvdc,w'")
    dev_c = wait_guest_disk(m, "web", "xvdc")
    out, status = guest(m, "web", f"mke2fs /dev/{dev_c} >/dev/null && mkdir -p /mnt2 && "
                                  f"mount /dev/{dev_c} /mnt2 && umount /mnt2")
    assert status == 0, f"guest web: mke2fs, mount, umount of /dev/{dev_c} failed: {out}"

    # b read-only, c read-write, both mounted. The read-only mount marks
    # nothing on the disk: that detach goes. c is refused; --force takes it
    # without looking. (Last: a guest left holding mounts of removed disks
    # was seen to stop answering on its console.)
    check(m, f"xenoctl block-attach web '{b},raw,xvdb,w'")
    dev_b = wait_guest_disk(m, "web", "xvdb")
    out, status = guest(m, "web", f"mount -t ext4 -o ro /dev/{dev_b}1 /mnt && "
                                  f"mount /dev/{dev_c} /mnt2 && cat /mnt/f")
    assert status == 0 and PATTERN in out, f"guest web: mounting b ro and c rw failed: {out}"
    refused(m, "xenoctl block-detach web xvdc", r"\(ext2 on xvdc\); unmount it")
    check(m, "xenoctl block-detach web xvdb")
    check(m, "xenoctl block-detach web xvdc --force")
    assert list(block_list(m, "web")) == ["xvda"]


def test_attached_disk_kept_across_reboot(m):
    """block-attach and block-detach update the saved configuration, as xl
    does: the domain rebuilt by on_reboot=restart has the attached disk, and
    not the detached one."""
    a, b, c = IMG.format("a"), IMG.format("b"), IMG.format("c")
    check(m, f"rm -f {a} {c}; truncate -s 16M {b} {c}")
    start(m, "web", f"{a},raw,xvda,w")
    check(m, f"xenoctl block-attach web '{b},raw,xvdb,w'")
    check(m, f"xenoctl block-attach web '{c},raw,xvdc,r'")
    check(m, "xenoctl block-detach web xvdc")
    saved = check(m, "cat /run/xenolith/web.cfg")
    assert f"target={b}" in saved and c not in saved, \
        f"expected {b} and not {c} in web's saved configuration, saw:\n{saved}"
    before = domains_json(m)["web"]["domid"]
    type_into(m, "web", "reboot -f")

    def rebuilt():
        d = domains_json(m).get("web")
        return d is not None and d["domid"] != before, check(m, "xenoctl list")
    wait_until(m, f"web rebuilt by on_reboot=restart (it had id {before})", rebuilt, 120)
    booted(m, "web")
    assert block_list(m, "web") == {
        "xvda": ("/dev/disk/by-id/virtio-xvda", "raw", "w", a),
        "xvdb": ("/dev/disk/by-id/virtio-xvdb", "raw", "w", b)}
    wait_guest_disk(m, "web", "xvdb")
    assert not guest_disk(m, "web", "xvdc"), "guest web: xvdc is back after the reboot"
    check(m, "xenoctl block-detach web xvdb")


def test_guest_that_keeps_the_disk(m):
    """A guest that does not answer the eject request (its GPE disabled): the
    detach fails after 10 s and the disk stays; --force closes the image; the
    guest's eject, once it comes (with the next hotplug event), frees the slot."""
    a, b = IMG.format("a"), IMG.format("b")
    check(m, f"rm -f {a}; truncate -s 16M {b}")
    start(m, "web", f"{a},raw,xvda,w")
    check(m, f"xenoctl block-attach web '{b},raw,xvdb,w'")
    wait_guest_disk(m, "web", "xvdb")
    out, status = guest(m, "web", "echo disable > /sys/firmware/acpi/interrupts/gpe01")
    assert status == 0, f"guest web: could not disable GPE 1: {out}"

    status, out = run(m, "xenoctl block-detach web xvdb 2>&1")
    assert status == 1 and "the guest did not release xvdb within 10 s" in out \
        and "stays attached" in out, \
        f"expected exit 1 and 'the guest did not release xvdb within 10 s ... stays " \
        f"attached', saw {status}:\n{out}"
    assert "xvdb" in block_list(m, "web")
    assert guest_disk(m, "web", "xvdb"), "guest web: expected xvdb still there"

    out = check(m, "xenoctl block-detach web xvdb --force")
    assert "by force" in out, f"expected 'Detached xvdb ... by force', saw:\n{out}"
    assert "detached by force" in check(m, "xenoctl block-list web")
    out, status = guest(m, "web", "echo 3 > /proc/sys/vm/drop_caches; "
                                  f"dd if=/dev/{guest_disk(m, 'web', 'xvdb')} of=/dev/null "
                                  "bs=512 count=1")
    assert status != 0, f"guest web: expected I/O errors on the forced-out disk, saw: {out}"

    # Enabling the GPE again clears its status (ACPICA), but the eject request
    # stays pending in DOWN: the next hotplug event delivers it with the new disk.
    guest(m, "web", "echo enable > /sys/firmware/acpi/interrupts/gpe01")
    check(m, f"truncate -s 16M {IMG.format('d')}")
    check(m, f"xenoctl block-attach web '{IMG.format('d')},raw,xvdd,w'")
    wait_guest_disk(m, "web", "xvdd")
    wait_guest_disk(m, "web", "xvdb", present=False)
    wait_until(m, "xvdb gone from `block-list web`",
               lambda: ("xvdb" not in block_list(m, "web"), check(m, "xenoctl block-list web")))


def test_bad_input(m):
    a = IMG.format("a")
    check(m, f"rm -f {a}")
    start(m, "web", f"{a},raw,xvda,w")
    create(m, DEMO, "name=plain")		# no disks: no device model
    refused(m, "xenoctl block-attach web '/tmp/hp-x.img,raw,xvdb,rx'", r"access 'rx'")
    refused(m, "xenoctl block-attach web '/nonexistent.img,raw,xvdb,w'",
            r"/nonexistent\.img.*No such file")
    refused(m, "xenoctl block-attach web '/tmp,raw,xvdb,w'", r"/tmp")
    refused(m, f"xenoctl block-attach web '{a},raw'", r"vdev: missing")
    refused(m, "xenoctl block-attach Domain-0 '/tmp/hp-b.img,raw,xvdb,w'",
            r"Domain-0 has no device model")
    refused(m, "xenoctl block-attach plain '/tmp/hp-b.img,raw,xvdb,w'",
            r"domain plain has no device model")
    refused(m, "xenoctl block-attach nosuch '/tmp/hp-b.img,raw,xvdb,w'", r"nosuch")
    refused(m, "xenoctl block-detach web xvdc", r"domain web has no disk xvdc")
    refused(m, "xenoctl block-detach web sdb1", r"partition")
    refused(m, "xenoctl block-detach web", r"usage: xenoctl block-detach DOM VDEV \[--force\]")
    refused(m, "xenoctl block-detach web xvda --frob", r"usage")
    refused(m, "xenoctl block-list", r"usage: xenoctl block-list DOM")
    refused(m, "xenoctl block-list plain", r"domain plain has no device model")
    assert list(block_list(m, "web")) == ["xvda"]

    # A comma in a target: refused by create's disk checks, before anything is built.
    check(m, "truncate -s 16M /tmp/hp-a,b.img")
    refused(m, f"xenoctl create {DEMO} name=comma "
               f"{disk_cfg('vdev=xvda, access=w, target=/tmp/hp-a,b.img')}",
            r"disk\[0\]: target '/tmp/hp-a,b\.img': a comma in the path is not supported")
    refused(m, "xenoctl block-attach web 'vdev=xvdb, access=w, target=/tmp/hp-a,b.img'",
            r"^xenoctl: block-attach: target '/tmp/hp-a,b\.img': a comma in the path")
