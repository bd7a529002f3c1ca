#!/usr/bin/env bash
# Build the edge test image: the test-node image (tests/images/node) + Debian trixie's nginx. The node image is
# trixie and the host is bookworm, so the .debs are fetched on the host with apt-get download from a private apt
# directory (trixie, trixie-updates, trixie-security sources; the host's Debian keyring), then `docker build
# --network none` installs them with dpkg. Tagged by a hash of the node image id + this recipe and only rebuilt
# when either changes; also tagged aurigraph/node-edge:current (molecule/edge uses it).
# Usage: tests/images/edge/build.sh          (prints the image reference)
# shellcheck source=scripts/lib.sh
source "$(dirname "$0")/../../../scripts/lib.sh"
HERE="$(cd "$(dirname "$0")" && pwd)"
IMAGE_REPO="${AURIGRAPH_EDGE_IMAGE_REPO:-aurigraph/node-edge}"
MIRROR="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
SECURITY_MIRROR="${DEBIAN_SECURITY_MIRROR:-http://deb.debian.org/debian-security}"
KEYRING=/usr/share/keyrings/debian-archive-keyring.gpg

node_ref="$(bash "$REPO_ROOT/tests/images/node/build.sh")" || die "the node image build failed (tests/images/node/build.sh)"
node_id="$(docker image inspect --format '{{.Id}}' "$node_ref")" || die "cannot inspect $node_ref"
recipe_hash="$( { echo "$node_id"; cat "$HERE/packages.txt" "$HERE/Dockerfile" "$HERE/build.sh"; } | sha256sum | cut -c1-12)"
image="$IMAGE_REPO:$recipe_hash"

mkdir -p "$AURIGRAPH_CACHE/images"
exec 8>"$AURIGRAPH_CACHE/images/.edge-build.lock"
flock 8

if docker image inspect "$image" >/dev/null 2>&1; then
  log "edge image $image is up to date"
else
  [ -r "$KEYRING" ] || ensure_debs debian-archive-keyring
  work="$AURIGRAPH_CACHE/images/edge-$recipe_hash"
  apt_dir="$work/apt"
  rm -rf "$work"
  mkdir -p "$apt_dir/etc/apt/apt.conf.d" "$apt_dir/etc/apt/preferences.d" "$apt_dir/var/lib/apt/lists/partial" \
    "$apt_dir/var/cache/apt/archives/partial" "$work/context/debs"
  cat >"$apt_dir/etc/apt/sources.list" <<SOURCES
deb [signed-by=$KEYRING] $MIRROR trixie main
deb [signed-by=$KEYRING] $MIRROR trixie-updates main
deb [signed-by=$KEYRING] $SECURITY_MIRROR trixie-security main
SOURCES
  apt_opts=(-o "Dir=$apt_dir" -o Dir::State::status=/dev/null -o Dir::Etc::sourceparts=- -o APT::Architecture=amd64
    -o Debug::NoLocking=1)
  log "downloading Debian trixie packages: $(grep -vE '^\s*(#|$)' "$HERE/packages.txt" | paste -sd' ')"
  apt-get "${apt_opts[@]}" update -qq >"$work/apt.log" 2>&1 \
    || { tail -n 20 "$work/apt.log" >&2; die "apt-get update of the trixie sources failed (log: $work/apt.log). Is $MIRROR reachable?"; }
  mapfile -t pkgs < <(grep -vE '^\s*(#|$)' "$HERE/packages.txt")
  (cd "$work/context/debs" && apt-get "${apt_opts[@]}" download "${pkgs[@]}" >>"$work/apt.log" 2>&1) \
    || { tail -n 20 "$work/apt.log" >&2; die "apt-get download ${pkgs[*]} failed (log: $work/apt.log)"; }
  cp "$HERE/Dockerfile" "$work/context/"
  log "building $image from $node_ref"
  docker build --network none --build-arg "NODE_IMAGE=$node_ref" -t "$image" "$work/context" >"$work/build.log" 2>&1 \
    || { tail -n 30 "$work/build.log" >&2; die "docker build of the edge image failed (log: $work/build.log)"; }
  rm -rf "$work"
fi
docker tag "$image" "$IMAGE_REPO:current"
docker images --format '{{.Repository}}:{{.Tag}}' "$IMAGE_REPO" | grep -vxF -e "$image" -e "$IMAGE_REPO:current" \
  | xargs -r docker rmi >/dev/null 2>&1 || true
echo "$IMAGE_REPO:current"
