#!/usr/bin/env bash
# Build the test-node base image: Debian trixie with systemd (PID 1), python3, Java 21, PostgreSQL.
# No registry is reachable, so the rootfs is debootstrapped and `docker import`ed. The image is tagged
# by a hash of its recipe (this script + packages.txt) and only rebuilt when that changes; it is also
# tagged aurigraph/node:current, which Molecule and the sandbox use.
# Usage: tests/images/node/build.sh          (prints the image reference)
source "$(dirname "$0")/../../../scripts/lib.sh"
HERE="$(cd "$(dirname "$0")" && pwd)"
IMAGE_REPO="${AURIGRAPH_NODE_IMAGE_REPO:-aurigraph/node}"
SUITE="${AURIGRAPH_NODE_SUITE:-trixie}"
MIRROR="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"

recipe_hash="$(cat "$HERE/build.sh" "$HERE/packages.txt" | sha256sum | cut -c1-12)"
image="$IMAGE_REPO:$recipe_hash"

if docker image inspect "$image" >/dev/null 2>&1; then
  log "node image $image is up to date"
else
  ensure_debs debootstrap debian-archive-keyring
  work="$AURIGRAPH_CACHE/images/node-$recipe_hash"
  rootfs="$work/rootfs"
  pkgs="$(grep -vE '^\s*(#|$)' "$HERE/packages.txt" | paste -sd, -)"
  if [ ! -e "$work/.debootstrap-done" ]; then
    as_root rm -rf "$work"
    mkdir -p "$work"
    log "debootstrapping Debian $SUITE into $rootfs (a few minutes)"
    as_root debootstrap --variant=minbase --include="$pkgs" "$SUITE" "$rootfs" "$MIRROR" >"$work/debootstrap.log" 2>&1 \
      || { tail -n 30 "$work/debootstrap.log" >&2; die "debootstrap of $SUITE failed (log: $work/debootstrap.log). Is $MIRROR reachable?"; }
    touch "$work/.debootstrap-done"
  fi
  # Boot faster in a container: no consoles, no udev, no network wait; PostgreSQL only where a scenario enables it.
  for unit in getty.target console-getty.service systemd-udevd.service systemd-udevd-control.socket \
              systemd-udevd-kernel.socket systemd-networkd-wait-online.service apt-daily.timer \
              apt-daily-upgrade.timer e2scrub_all.timer fstrim.timer; do
    as_root ln -sfn /dev/null "$rootfs/etc/systemd/system/$unit"
  done
  as_root chroot "$rootfs" systemctl disable postgresql.service >/dev/null 2>&1 || true
  as_root sh -c ": > '$rootfs/etc/machine-id'"
  as_root rm -rf "$rootfs"/var/lib/apt/lists/* "$rootfs"/var/cache/apt/archives/*.deb
  compgen -G "$rootfs/usr/lib/jvm/java-2[1-9]-openjdk-*/bin/java" >/dev/null \
    || die "no Java 21+ runtime in the image (found: $(ls "$rootfs/usr/lib/jvm" 2>/dev/null | paste -sd' '))"
  log "importing rootfs as $image"
  as_root tar -C "$rootfs" -c . | docker import \
      --change 'ENV container=docker' \
      --change 'CMD ["/lib/systemd/systemd"]' \
      --message "aurigraph test node ($SUITE, recipe $recipe_hash)" - "$image" >/dev/null \
    || die "docker import failed"
  as_root rm -rf "$work"
fi
docker tag "$image" "$IMAGE_REPO:current"
echo "$IMAGE_REPO:current"
