#!/usr/bin/env bash
# Part of the test-node image recipe (hashed with packages.txt): adjust a debootstrapped rootfs so that
# systemd boots quickly in a container. Usage: customize.sh ROOTFS   (run as root)
set -euo pipefail
rootfs="$1"
here="$(cd "$(dirname "$0")" && pwd)"
# No consoles, no udev, no network wait, no periodic jobs; PostgreSQL only where a scenario enables it.
for unit in getty.target console-getty.service systemd-udevd.service systemd-udevd-control.socket \
            systemd-udevd-kernel.socket systemd-networkd-wait-online.service apt-daily.timer \
            apt-daily-upgrade.timer e2scrub_all.timer fstrim.timer; do
  ln -sfn /dev/null "$rootfs/etc/systemd/system/$unit"
done
chroot "$rootfs" systemctl disable postgresql.service >/dev/null 2>&1 || true
: >"$rootfs/etc/machine-id"
rm -rf "$rootfs"/var/lib/apt/lists/* "$rootfs"/var/cache/apt/archives/*.deb
# sshd: no host keys baked into the image (each node generates its own at create time, and the test pins them
# in its known_hosts); no sshd listening by default: tests reach it as `sshd -i` through `docker exec`.
rm -f "$rootfs"/etc/ssh/ssh_host_*
ln -sfn /dev/null "$rootfs/etc/systemd/system/ssh.service"
ln -sfn /dev/null "$rootfs/etc/systemd/system/ssh.socket"
echo "d /run/sshd 0755 root root -" >"$rootfs/etc/tmpfiles.d/sshd-inetd.conf"
# Bytecode of the modules Ansible runs from a zip is compiled once per node, not at every task (the file says why
# this is safe; it is in the recipe hash).
site="$rootfs/usr/lib/python3/dist-packages"
install -m 0644 "$here/zipimport_bytecode_cache.py" "$site/zipimport_bytecode_cache.py"
echo "import zipimport_bytecode_cache" >"$site/zipimport_bytecode_cache.pth"
chroot "$rootfs" python3 -m py_compile /usr/lib/python3/dist-packages/zipimport_bytecode_cache.py
