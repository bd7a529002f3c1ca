#!/usr/bin/env bash
# Make sure a Docker engine answers; start one (no bridge, no iptables) when none does.
# Safe to re-run. Traffic stays on loopback: containers use network "none" or "host".
# shellcheck source=scripts/lib.sh
source "$(dirname "$0")/lib.sh"

docker_ok() { timeout 10 docker info >/dev/null 2>&1; }

if command -v docker >/dev/null 2>&1 && docker_ok; then
  log "Docker engine already answering"
  exit 0
fi
command -v dockerd >/dev/null 2>&1 || ensure_debs docker.io
command -v docker >/dev/null 2>&1 || die "the docker CLI is missing after installing docker.io"

DOCKERD_LOG="${DOCKERD_LOG:-/var/log/aurigraph-dockerd.log}"
log "starting dockerd (--bridge=none --iptables=false), log: $DOCKERD_LOG"
as_root sh -c "nohup dockerd --bridge=none --iptables=false --ip6tables=false >>'$DOCKERD_LOG' 2>&1 &"
for _ in $(seq 1 120); do
  docker_ok && { log "Docker engine is up"; exit 0; }
  if ! pgrep -x dockerd >/dev/null 2>&1; then break; fi
  sleep 0.5
done
tail -n 25 "$DOCKERD_LOG" >&2 || true
die "dockerd did not start (log above, full log in $DOCKERD_LOG). Common causes: not root; no cgroup v2 mount at /sys/fs/cgroup; another dockerd holding /var/run/docker.pid (remove it if no dockerd runs)."
