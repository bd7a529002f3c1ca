#!/usr/bin/env bash
# The AWX execution environment (execution-environment.yml, ansible-builder v3).
# Usage: scripts/ee.sh create    build the collection tarball and the build context into .cache/ee/context
#        scripts/ee.sh build     create, then build the image unless it exists; prints its reference
#                                localhost/aurigraph/ee:<content hash> on stdout (also tagged :latest)
#        scripts/ee.sh hash      create, then print the content hash only (what build would tag)
# The tag is a hash of what the image is made of: the build context with the collection tarball's *members* (the
# tarball's own bytes carry build times) and the base image's id. An image with that tag is reused as it is, so a
# warm run costs a collection build and ansible-builder create (a few seconds). A cold build needs the Debian mirror
# and PyPI from inside `docker build` (--network host: dockerd runs without a bridge); its log goes to
# .cache/ee/build.log and a failure ends in one ERROR line naming the step and the cause.
# Env: AURIGRAPH_EE_CA_DIR  extra CA certificates (*.crt) for the build (default /usr/local/share/ca-certificates:
#                           the build host's, so pip trusts the same TLS-intercepting proxy as the host)
#      AURIGRAPH_EE_KEEP    how many older localhost/aurigraph/ee tags to keep (default 2)
# shellcheck source=scripts/lib.sh
source "$(dirname "$0")/lib.sh"
cd "$REPO_ROOT" || exit 1
action="${1:-create}"
case "$action" in create|build|hash) ;; *) die "usage: $0 create|build|hash" ;; esac
export PATH="$VENV/bin:$PATH"
out="$REPO_ROOT/.cache/ee"
repo=localhost/aurigraph/ee

base_image() { python3 -c 'import sys, yaml; print(yaml.safe_load(open(sys.argv[1]))["images"]["base_image"]["name"])' \
  execution-environment.yml; }

# Hash of the context as content: every file but the collection tarball, then the tarball's members (name, mode, data).
context_hash() {
  python3 - "$out/context" <<'PY'
import hashlib, pathlib, sys, tarfile
root = pathlib.Path(sys.argv[1])
h = hashlib.sha256()
for path in sorted(p for p in root.rglob("*") if p.is_file()):
    rel = str(path.relative_to(root))
    h.update(rel.encode() + b"\0")
    if path.name.endswith(".tar.gz") and "/collection/" in "/" + rel:
        with tarfile.open(path) as tar:
            for member in sorted(tar.getmembers(), key=lambda m: m.name):
                h.update(("%s %o %s\0" % (member.name, member.mode, member.type.decode())).encode())
                if member.isfile():
                    h.update(tar.extractfile(member).read())
    else:
        h.update(path.read_bytes())
print(h.hexdigest())
PY
}

create() {
  rm -rf "$out/collection" "$out/context" "$out/site-ca" && mkdir -p "$out/collection" "$out/site-ca"
  ansible-galaxy collection build --force --output-path "$out/collection" . >/dev/null \
    || die "ansible-galaxy collection build failed (see above)"
  echo "Extra CA certificates of the build host (scripts/ee.sh); the build deletes this README." >"$out/site-ca/README"
  local ca_dir="${AURIGRAPH_EE_CA_DIR:-/usr/local/share/ca-certificates}" crt
  for crt in "$ca_dir"/*.crt; do
    [ -f "$crt" ] && cp "$crt" "$out/site-ca/"
  done
  ansible-builder create -f execution-environment.yml -c "$out/context" --output-filename Containerfile -v 1 >/dev/null \
    || die "ansible-builder create failed for execution-environment.yml (run it by hand to see why)"
  log "execution environment build context: $out/context"
}

# The cause of a failed docker build, in one line, from its log.
build_failure() {
  local log_file="$1" step cause
  step="$(grep -E '^Step [0-9]+/[0-9]+ : ' "$log_file" | tail -n1 | cut -c1-90 || true)"
  if grep -qE 'CERTIFICATE_VERIFY_FAILED' "$log_file"; then
    cause="TLS verification failed inside the build: put the proxy's CA in AURIGRAPH_EE_CA_DIR"
  elif grep -qE 'Could not find a version that satisfies|Failed to establish a new connection|Temporary failure in name resolution|Could not resolve|Network is unreachable' "$log_file"; then
    cause="PyPI or the Debian mirror is not reachable from the build (docker build --network host)"
  elif grep -qE 'no space left on device' "$log_file"; then
    cause="no space left on device"
  else
    cause="$(grep -vE '^\s*$|^ --->|^Removing intermediate' "$log_file" | tail -n1 | cut -c1-160 || true)"
  fi
  echo "${step:-before the first step}: $cause (log: $log_file)"
}

# One ee.sh at a time per checkout (create replaces .cache/ee, which a running build reads); builds are serialised
# machine-wide below.
mkdir -p "$out"
exec 6>"$out/.lock"
flock 6
create
[ "$action" = create ] && exit 0

command -v docker >/dev/null 2>&1 || die "cannot build the EE: docker is missing (run scripts/setup.sh)"
docker info >/dev/null 2>&1 || die "cannot build the EE: the Docker daemon does not answer (bash scripts/dockerd.sh)"
base="$(base_image)"
base_id="$(docker image inspect -f '{{.Id}}' "$base" 2>/dev/null)" \
  || die "cannot build the EE: base image $base is missing (tests/images/node/build.sh builds it)"
hash="$( { context_hash; echo "$base_id"; } | sha256sum | cut -c1-12)"
[ "$action" = hash ] && { echo "$hash"; exit 0; }
tag="$repo:$hash"

# One build at a time on this machine (several checkouts share the Docker daemon and its layer cache).
mkdir -p "$AURIGRAPH_CACHE/ee"
exec 7>"$AURIGRAPH_CACHE/ee/.build.lock"
flock 7
if docker image inspect "$tag" >/dev/null 2>&1; then
  log "execution environment $tag is up to date"
else
  log "building the execution environment $tag from $base (log: $out/build.log)"
  start=$(date +%s)
  if ! docker build --network host --build-arg "EE_BASE_IMAGE=$base" -f "$out/context/Containerfile" \
      -t "$tag" "$out/context" >"$out/build.log" 2>&1; then
    die "cannot build the EE: $(build_failure "$out/build.log")"
  fi
  log "built $tag in $(( $(date +%s) - start ))s"
  # Keep the newest few older tags (other checkouts may be using them); the shared layers stay cached.
  docker images --format '{{.Tag}}' "$repo" | grep -vxF -e "$hash" -e latest | tail -n +"$(( ${AURIGRAPH_EE_KEEP:-2} + 1 ))" \
    | sed "s|^|$repo:|" | xargs -r docker rmi >/dev/null 2>&1 || true
fi
docker tag "$tag" "$repo:latest"
echo "$tag"
