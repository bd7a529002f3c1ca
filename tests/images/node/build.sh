#!/usr/bin/env bash
# Build the test-node base image: Debian trixie with systemd (PID 1), python3, Java 21, PostgreSQL.
# No registry is reachable, so the rootfs is debootstrapped and `docker import`ed. The image is tagged
# by a hash of its recipe (packages.txt, customize.sh, zipimport_bytecode_cache.py) and only rebuilt when that
# changes; it is also tagged aurigraph/node:current, which Molecule and the sandbox use.
# Usage: tests/images/node/build.sh          (prints the image reference)
# shellcheck source=scripts/lib.sh
source "$(dirname "$0")/../../../scripts/lib.sh"
HERE="$(cd "$(dirname "$0")" && pwd)"
IMAGE_REPO="${AURIGRAPH_NODE_IMAGE_REPO:-aurigraph/node}"
SUITE="${AURIGRAPH_NODE_SUITE:-trixie}"
MIRROR="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"

recipe_hash="$(cat "$HERE/packages.txt" "$HERE/customize.sh" "$HERE/zipimport_bytecode_cache.py" | sha256sum | cut -c1-12)"
image="$IMAGE_REPO:$recipe_hash"

# One build at a time on this machine (setup may run from several checkouts at once).
mkdir -p "$AURIGRAPH_CACHE/images"
exec 8>"$AURIGRAPH_CACHE/images/.build.lock"
flock 8

if docker image inspect "$image" >/dev/null 2>&1; then
  log "node image $image is up to date"
else
  ensure_debs debootstrap debian-archive-keyring
  work="$AURIGRAPH_CACHE/images/node-$recipe_hash"
  rootfs="$work/rootfs"
  pkgs="$(grep -vE '^\s*(#|$)' "$HERE/packages.txt" | paste -sd, -)"
  find "$AURIGRAPH_CACHE/images" -maxdepth 1 -name 'node-*' ! -name "node-$recipe_hash" -exec rm -rf {} + 2>/dev/null || true
  if [ ! -e "$work/.debootstrap-done" ]; then
    as_root rm -rf "$work"
    mkdir -p "$work"
    log "debootstrapping Debian $SUITE into $rootfs (a few minutes)"
    as_root debootstrap --variant=minbase --include="$pkgs" "$SUITE" "$rootfs" "$MIRROR" >"$work/debootstrap.log" 2>&1 \
      || { tail -n 30 "$work/debootstrap.log" >&2; die "debootstrap of $SUITE failed (log: $work/debootstrap.log). Is $MIRROR reachable?"; }
    touch "$work/.debootstrap-done"
  fi
  as_root bash "$HERE/customize.sh" "$rootfs"
  compgen -G "$rootfs/usr/lib/jvm/java-2[1-9]-openjdk-*/bin/java" >/dev/null \
    || die "no Java 21+ runtime in $rootfs/usr/lib/jvm: check packages.txt"
  log "importing rootfs as $image"
  as_root tar -C "$rootfs" -c . | docker import \
      --change 'ENV container=docker' \
      --change 'CMD ["/lib/systemd/systemd"]' \
      --message "aurigraph test node ($SUITE, recipe $recipe_hash)" - "$image" >/dev/null \
    || die "docker import failed"
  as_root rm -rf "$work"
fi
docker tag "$image" "$IMAGE_REPO:current"
# Drop images of older recipes (they are never used again); ignore ones still used by a container.
docker images --format '{{.Repository}}:{{.Tag}}' "$IMAGE_REPO" | grep -vxF -e "$image" -e "$IMAGE_REPO:current" \
  | xargs -r docker rmi >/dev/null 2>&1 || true
echo "$IMAGE_REPO:current"
