"""A domU with its root on NFS (docs/networking.md, "An NFS root"): dom0 serves a small
BusyBox tree with `xenoctl nfs-export`, the guest's initrd mounts it as root=/dev/nfs says
and hands over to its init; a file the guest writes shows up in dom0's directory. Nothing
NFS runs in dom0 before the export nor after the last unexport, and bad keys and bad
exports are refused with one line. Every packet stays on dom0's own bridge xenbr0."""
import re

from guests import DEMO, check, create, dom0_fixtures, guest_shell, refused, run, wait_booted

m, clean = dom0_fixtures("nfsroot")

EXPORT = "/srv/nfsroot"
GUEST_IP = "10.0.2.101"
# The NFS root's /sbin/init: a line of its own, then the demo guest's shell and prompt.
INIT = r"""#!/bin/sh
export PATH=/bin HOME=/root
mount -t proc proc /proc
echo "nfsroot-init: $(awk '$2 == "/" { print $3 }' /proc/mounts | tail -n 1) root"
cd /root
exec setsid cttyhack sh -l
"""


def nfs_running(m):
    """What of the NFS server runs in dom0: nfsd threads, mountd, rpcbind."""
    return check(m, "{ cat /proc/fs/nfsd/threads 2>/dev/null | grep -v '^0$'; "
                    "pgrep -x rpc.mountd; pgrep -x rpcbind; } | wc -l")


def bridge_address(m):
    """dom0's address on xenbr0 (its first NIC's, moved onto the bridge at boot)."""
    out = check(m, "ip -4 -o addr show dev xenbr0")
    return re.search(r"inet (\d+\.\d+\.\d+\.\d+)/", out).group(1)


def make_root(m):
    """A BusyBox tree in a tmpfs at EXPORT (thrown away with the umount)."""
    check(m, f"mkdir -p {EXPORT} && mount -t tmpfs -o size=64m nfsroot {EXPORT} && (cd {EXPORT} && "
             "mkdir -p bin sbin dev proc sys tmp root && cp /usr/bin/busybox bin/ && "
             "for a in $(bin/busybox --list); do [ -e bin/$a ] || ln -s busybox bin/$a; done)")
    check(m, f"cat > {EXPORT}/sbin/init <<'EOF_INIT'\n{INIT}EOF_INIT\nchmod 755 {EXPORT}/sbin/init")
    check(m, f"cat > {EXPORT}/root/.profile <<'EOF_PROFILE'\nPS1='demo:\\w\\$ '\nEOF_PROFILE\nchmod 644 {EXPORT}/root/.profile")


def test_nfs_root_boots_and_writes(m):
    assert nfs_running(m) == "0", "an NFS server runs at boot"
    server = bridge_address(m)
    make_root(m)
    try:
        assert check(m, f"xenoctl nfs-export {EXPORT}") == \
            f"Exported {EXPORT} to {server.rsplit('.', 1)[0]}.0/24"
        assert re.search(rf"^{EXPORT}\s+\S+/24$", check(m, "xenoctl nfs-export --list"), re.M)
        create(m, DEMO, "name=nfs1", "root=/dev/nfs", f"nfs_server={server}",
               f"nfs_root={EXPORT}", f"ip={GUEST_IP}", "netmask=255.255.255.0",
               "'vif=[ \"bridge=xenbr0\" ]'")
        wait_booted(m, "nfs1")
        text = guest_shell(m, "nfs1", f"grep -q \"^{server}:{EXPORT} / nfs \" /proc/mounts && "
                                      "echo RESULT-root-on-nfs && "
                                      "echo written-by-nfs1 > /root/from-guest && sync")
        assert "RESULT-root-on-nfs" in text, text
        assert "xenolith-guest: root on NFS" in text, text
        assert check(m, f"cat {EXPORT}/root/from-guest") == "written-by-nfs1"
        check(m, f"echo written-by-dom0 > {EXPORT}/root/from-dom0")
        text = guest_shell(m, "nfs1", "echo RESULT-read-$(cat /root/from-dom0)")
        assert "RESULT-read-written-by-dom0" in text, text
    finally:
        run(m, "xenoctl destroy nfs1")
        run(m, f"xenoctl nfs-unexport {EXPORT}")
    assert check(m, "xenoctl nfs-export --list").splitlines()[1:] == []
    assert nfs_running(m) == "0", "the NFS server still runs after the last unexport"
    check(m, f"umount {EXPORT}")


def test_bad_nfs_keys_are_refused(m):
    base = f"xenoctl create {DEMO} name=nfs2 root=/dev/nfs 'vif=[ \"bridge=xenbr0\" ]'"
    refused(m, f"{base} nfs_root=/srv ip={GUEST_IP}", r"root: '/dev/nfs' needs nfs_server")
    refused(m, f"{base} nfs_server=10.0.2.15 ip={GUEST_IP}", r"root: '/dev/nfs' needs nfs_root")
    refused(m, f"{base} nfs_server=10.0.2.15 nfs_root=/srv",
            r"root: '/dev/nfs' needs an address for the guest: ip, or dhcp")
    refused(m, f"{base} nfs_server=server nfs_root=/srv ip={GUEST_IP}",
            r"nfs_server: 'server': expected an IPv4 address")
    refused(m, f"xenoctl create {DEMO} name=nfs2 nfs_server=10.0.2.15",
            r"nfs_server: needs root = '/dev/nfs'")


def test_bad_exports_are_refused(m):
    refused(m, "xenoctl nfs-export /nonexistent", r"/nonexistent: no such directory")
    check(m, "mkdir -p /srv/e1")
    refused(m, "xenoctl nfs-export /srv/e1 --to 10.0.2", r"10\.0\.2: expected a subnet")
    refused(m, "xenoctl nfs-unexport /srv/e1", r"/srv/e1: not exported")
    assert check(m, "xenoctl nfs-export /srv/e1 --to 10.0.2.0/24") == \
        "Exported /srv/e1 to 10.0.2.0/24"
    try:
        refused(m, "xenoctl nfs-export /srv/e1", r"/srv/e1: already exported")
    finally:
        check(m, "xenoctl nfs-unexport /srv/e1")
    assert check(m, "xenoctl nfs-export --list").splitlines()[1:] == []
    assert nfs_running(m) == "0"
    refused(m, "xenoctl nfs-export", r"usage: xenoctl nfs-export DIR")
