#!/usr/bin/env bash
# The AWX execution environment (execution-environment.yml, ansible-builder v3).
# Usage: scripts/ee.sh create    build the collection tarball and the build context into .cache/ee/context
#        scripts/ee.sh build     create, then build the image (docker, --network host for PyPI/Debian; not part of make test)
# shellcheck source=scripts/lib.sh
source "$(dirname "$0")/lib.sh"
cd "$REPO_ROOT" || exit 1
action="${1:-create}"
export PATH="$VENV/bin:$PATH"
out="$REPO_ROOT/.cache/ee"

rm -rf "$out/collection" "$out/context" && mkdir -p "$out/collection"
ansible-galaxy collection build --force --output-path "$out/collection" . >/dev/null \
  || die "ansible-galaxy collection build failed (see above)"
ansible-builder create -f execution-environment.yml -c "$out/context" --output-filename Containerfile -v 1 >&2 \
  || die "ansible-builder create failed for execution-environment.yml (see above)"
log "execution environment build context: $out/context"
case "$action" in
  create) ;;
  build)
    command -v docker >/dev/null 2>&1 || die "docker is missing: run scripts/setup.sh"
    tag="localhost/aurigraph/ee:$(find "$out/context" -type f -print0 | sort -z | xargs -0 sha256sum | sha256sum | cut -c1-12)"
    if docker image inspect "$tag" >/dev/null 2>&1; then
      log "$tag is up to date"
    else
      docker build --network host -f "$out/context/Containerfile" -t "$tag" -t localhost/aurigraph/ee:latest "$out/context" \
        || die "docker build of the execution environment failed (see above)"
    fi
    echo "$tag" ;;
  *) die "usage: $0 create|build" ;;
esac
