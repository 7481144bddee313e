#!/bin/sh
# Final touches on a freshly built live root ROOT: accounts, and no state shared between CDs.
set -eu
root=${1:?usage: customize.sh ROOT}

chroot "$root" useradd --create-home --shell /bin/bash --comment "Xenolith user" user
printf 'root:xenolith\nuser:xenolith\n' | chroot "$root" chpasswd
# Every CD must not share one SSH host key: they are made at first boot instead.
rm -f "$root"/etc/ssh/ssh_host_*
rm -rf "$root"/var/lib/apt/lists/* "$root"/var/cache/apt/*.bin "$root"/var/cache/apt/archives/*.deb
: > "$root/etc/machine-id"
# NFS serves nothing until `xenoctl nfs-export` asks (docs/networking.md): no unit of
# nfs-kernel-server, nfs-common or rpcbind starts at boot.
chroot "$root" systemctl disable --quiet nfs-server.service rpcbind.service rpcbind.socket nfs-client.target
