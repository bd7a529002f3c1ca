#!/usr/bin/env bash
# Part of the test-node image recipe (hashed with packages.txt): adjust a debootstrapped rootfs so that
# systemd boots quickly in a container. Usage: customize.sh ROOTFS   (run as root)
set -euo pipefail
rootfs="$1"
# No consoles, no udev, no network wait, no periodic jobs; PostgreSQL only where a scenario enables it.
for unit in getty.target console-getty.service systemd-udevd.service systemd-udevd-control.socket \
            systemd-udevd-kernel.socket systemd-networkd-wait-online.service apt-daily.timer \
            apt-daily-upgrade.timer e2scrub_all.timer fstrim.timer; do
  ln -sfn /dev/null "$rootfs/etc/systemd/system/$unit"
done
chroot "$rootfs" systemctl disable postgresql.service >/dev/null 2>&1 || true
: >"$rootfs/etc/machine-id"
rm -rf "$rootfs"/var/lib/apt/lists/* "$rootfs"/var/cache/apt/archives/*.deb
