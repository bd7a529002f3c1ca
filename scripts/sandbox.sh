#!/usr/bin/env bash
# The main job on a local sandbox: systemd containers of the test-node image play the production hosts,
# and playbooks/deploy.yml deploys the stand-in Aurigraph V11 JAR on them through the Docker connection.
# Usage: scripts/sandbox.sh up [N]     start N nodes (default: SANDBOX_NODES or 1), deploy, print health
#        scripts/sandbox.sh down       remove the sandbox nodes
# shellcheck source=scripts/lib.sh
source "$(dirname "$0")/lib.sh"
cd "$REPO_ROOT" || exit 1
action="${1:-up}"
nodes="${2:-${SANDBOX_NODES:-1}}"
version="${SANDBOX_VERSION:-11.4.5}"
state="$REPO_ROOT/.sandbox"

sandbox_containers() { docker ps -aq --filter label=aurigraph.sandbox=true; }

case "$action" in
  down)
    if ! { command -v docker >/dev/null 2>&1 && docker info >/dev/null 2>&1; }; then
      log "no Docker engine: nothing to remove"; exit 0
    fi
    mapfile -t ids < <(sandbox_containers)
    [ "${#ids[@]}" -eq 0 ] || docker rm -f "${ids[@]}" >/dev/null
    rm -rf "$state"
    log "sandbox removed"
    exit 0 ;;
  up) ;;
  *) die "usage: $0 up [N] | down" ;;
esac

[[ "$nodes" =~ ^[1-9][0-9]*$ ]] || die "the node count must be a positive number, got '$nodes'"
bash scripts/setup.sh
export PATH="$VENV/bin:$PATH" ANSIBLE_CONFIG="$REPO_ROOT/ansible.cfg"

mkdir -p "$state/artifacts"
jar="$(bash tests/standin/release.sh --version "$version" --out "$state/artifacts")"
sha="$(cat "$jar.sha256")"
# What was deployed, for bench/noop_tasks.py (re-runs the same deploy).
printf '{"artifact": "%s", "sha256": "%s", "version": "%s"}\n' "$jar" "$sha" "$version" >"$state/release.json"

for i in $(seq 1 "$nodes"); do
  name="aurigraph-sandbox-$i"
  if [ "$(docker inspect -f '{{.State.Running}}' "$name" 2>/dev/null)" = "true" ]; then
    log "$name already running"
    continue
  fi
  docker rm -f "$name" >/dev/null 2>&1 || true
  log "starting sandbox node $name"
  docker run -d --name "$name" --hostname "$name" --label aurigraph.sandbox=true \
    --cap-add SYS_ADMIN --cgroupns=host -v /sys/fs/cgroup:/sys/fs/cgroup:rw \
    --tmpfs /run --tmpfs /tmp --security-opt seccomp=unconfined --network none \
    aurigraph/node:current >/dev/null || die "could not start $name (docker run failed)"
done
for i in $(seq 1 "$nodes"); do
  name="aurigraph-sandbox-$i"
  for _ in $(seq 1 60); do
    s="$(docker exec "$name" systemctl is-system-running 2>/dev/null || true)"
    case "$s" in running|degraded) break ;; esac
    sleep 0.5
  done
  case "$s" in running|degraded) ;; *) die "systemd in $name did not finish booting (state '$s')" ;; esac
done

log "deploying Aurigraph V11 $version (sha256 $sha) with playbooks/deploy.yml"
ansible-playbook -i inventories/sandbox playbooks/deploy.yml \
  -e "aurigraph_artifact=$jar" -e "aurigraph_artifact_sha256=$sha" -e "aurigraph_version=$version"

log "health of the deployed service:"
ansible-playbook -i inventories/sandbox playbooks/health.yml -e aurigraph_health_wait=ready
log "sandbox is up: 'make sandbox-down' removes it"
