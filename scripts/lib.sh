#!/usr/bin/env bash
# Shared helpers for the harness scripts. Source it; do not run it.
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
AURIGRAPH_CACHE="${AURIGRAPH_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/aurigraph-dlt}"
VENV="${VENV:-$REPO_ROOT/.venv}"
export AURIGRAPH_CACHE VENV REPO_ROOT

log() { printf '\033[1;34m==>\033[0m %s\n' "$*" >&2; }
warn() { printf '\033[1;33mWARN:\033[0m %s\n' "$*" >&2; }
die() { printf '\033[1;31mERROR:\033[0m %s\n' "$*" >&2; exit 1; }

# as_root CMD...: run CMD as root (directly, or with sudo when available), or explain how to fix.
as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"
  elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then sudo -n "$@"
  else die "'$*' needs root: run this script as root or give this user password-less sudo."
  fi
}

# ensure_debs PKG...: install the Debian packages that are missing (one apt-get update per run).
ensure_debs() {
  local missing=() p
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  [ "${#missing[@]}" -eq 0 ] && return 0
  command -v apt-get >/dev/null 2>&1 || die "missing packages ${missing[*]} and no apt-get here: install them with your package manager."
  log "installing Debian packages: ${missing[*]}"
  if [ -z "${_APT_UPDATED:-}" ]; then
    as_root apt-get update -qq || die "apt-get update failed: check the Debian mirror in /etc/apt/sources.list."
    _APT_UPDATED=1
  fi
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null \
    || die "apt-get install ${missing[*]} failed (see the output above)."
}

# timed NAME CMD...: run CMD and record its wall time for the per-stage summary.
TIMINGS_FILE="${TIMINGS_FILE:-$REPO_ROOT/.cache/timings.txt}"
timed() {
  local name="$1"; shift
  local start end rc=0
  start=$(date +%s)
  log "stage: $name"
  "$@" || rc=$?
  end=$(date +%s)
  mkdir -p "$(dirname "$TIMINGS_FILE")"
  printf '%-28s %5ss  %s\n' "$name" "$((end - start))" "$([ $rc -eq 0 ] && echo ok || echo "FAILED ($rc)")" >>"$TIMINGS_FILE"
  return $rc
}
