"""unpack-iso.sh -> change -> make-iso.sh -> boot shows the change; rootpatch/ wins over root/.

The rebuild also sets the accounts' password at build time (XENOLITH_PASSWORD).
"""
import os
import subprocess

from qemu import TOP, Machine


def test_unpack_change_rebuild_boot(iso, tmp_path):
    tree = tmp_path / "tree"
    subprocess.run([os.path.join(TOP, "unpack-iso.sh"), iso, str(tree)], check=True,
                   capture_output=True)
    for part in ("root/usr/bin/bash", "rootpatch/etc/hostname", "irtree/linuxrc",
                 "boot/grub.cfg.in", "make-iso.sh", "Builder"):
        assert (tree / part).exists(), f"unpacked tree lacks {part}"

    (tree / "Builder").write_text("Ada Lovelace\n")
    (tree / "root/usr/local/share/added-file").write_text("added under root\n")
    (tree / "root/etc/xenolith-rule").write_text("from root\n")
    (tree / "rootpatch/etc/xenolith-rule").write_text("from rootpatch\n")
    env = dict(os.environ, XENOLITH_PASSWORD="lab-secret")
    subprocess.run(["./make-iso.sh", "1.1"], cwd=tree, env=env, check=True, capture_output=True)
    new_iso = tree / "build/xenolith-1.1.iso"
    assert new_iso.exists()

    with Machine("rebuild", cdrom=str(new_iso)) as m:
        m.expect(r"Xenolith 1.1 \(Ada Lovelace\): Xenolith", 120)
        m.send("\r")  # the default entry: the rebuilt hypervisor, then dom0
        m.expect(r"Xenolith hypervisor 1.1 \(built by Ada Lovelace", 120)
        m.expect(r"Xenolith 1.1 \(built by Ada Lovelace on [0-9-]+\)", 600)
        m.login(password="lab-secret")
        release = m.check("cat /etc/xenolith-release")
        assert 'XENOLITH_VERSION="1.1"' in release and 'XENOLITH_BUILDER="Ada Lovelace"' in release
        assert m.check("cat /usr/local/share/added-file") == "added under root"
        assert m.check("cat /etc/xenolith-rule") == "from rootpatch"
