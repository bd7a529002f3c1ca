#!/usr/bin/env bash
# Idempotent set-up of everything the sandbox and the test suite need:
#   Debian packages, the pinned Python virtualenv, the collection link, the offline pip bootstrap for
#   ansible-test, a running Docker engine, the test-node image, the stand-in service JAR and the real build's JAR.
# Usage: scripts/setup.sh [--no-docker]
# shellcheck source=scripts/lib.sh
source "$(dirname "$0")/lib.sh"
cd "$REPO_ROOT" || exit 1

with_docker=1
[ "${1:-}" = "--no-docker" ] && with_docker=0

command -v python3 >/dev/null 2>&1 || die "python3 is missing: install Python 3.11 (ansible-core 2.19 needs 3.11+)."
python3 -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' \
  || die "python3 is $(python3 -V 2>&1); ansible-core 2.19 needs Python 3.11 or later."
command -v java >/dev/null 2>&1 || ensure_debs default-jdk-headless
command -v mvn >/dev/null 2>&1 || ensure_debs maven
command -v openssl >/dev/null 2>&1 || ensure_debs openssl
command -v rsync >/dev/null 2>&1 || ensure_debs rsync
command -v shellcheck >/dev/null 2>&1 || ensure_debs shellcheck
# promtool + prometheus for the monitoring stage. The package's own service must never run on this host (the tests
# start their own instance on loopback): installation runs under a policy-rc.d that forbids starting services, and
# the unit is masked where systemd runs.
if ! command -v promtool >/dev/null 2>&1 || ! command -v prometheus >/dev/null 2>&1; then
  policy=/usr/sbin/policy-rc.d own_policy=0
  if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' | as_root tee "$policy" >/dev/null && as_root chmod 755 "$policy" && own_policy=1
  fi
  ensure_debs prometheus
  [ "$own_policy" -eq 1 ] && as_root rm -f "$policy"
  if [ -d /run/systemd/system ]; then
    as_root systemctl disable --now prometheus.service >/dev/null 2>&1 || true
    as_root systemctl mask prometheus.service >/dev/null 2>&1 || true
  fi
fi

# 1. Pinned virtualenv, reinstalled only when requirements.txt changes.
req_hash="$(sha256sum requirements.txt | cut -c1-16)"
if [ ! -x "$VENV/bin/python" ] || [ "$(cat "$VENV/.requirements-hash" 2>/dev/null)" != "$req_hash" ]; then
  log "creating the virtualenv $VENV from requirements.txt"
  python3 -m venv "$VENV" || die "python3 -m venv failed: install the venv module (Debian: python3-venv)."
  "$VENV/bin/pip" install -q --upgrade pip >/dev/null || die "pip upgrade failed (is PyPI reachable?)"
  "$VENV/bin/pip" install -q -r requirements.txt || die "pip install -r requirements.txt failed (see above)."
  echo "$req_hash" >"$VENV/.requirements-hash"
else
  log "virtualenv up to date"
fi

# 2. Make this checkout importable as the aurigraph.dlt collection (ansible.cfg points here).
mkdir -p .cache/collections/ansible_collections/aurigraph
ln -sfn ../../../.. .cache/collections/ansible_collections/aurigraph/dlt

# The test controller runs modules on localhost too (Docker, Kubernetes): their bytecode is compiled once, as on
# the test nodes (tests/images/node/zipimport_bytecode_cache.py says why and how; refreshed when the file changes).
site_dir="$("$VENV/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')"
if ! cmp -s tests/images/node/zipimport_bytecode_cache.py "$site_dir/zipimport_bytecode_cache.py" \
   || [ ! -f "$site_dir/zipimport_bytecode_cache.pth" ]; then
  cp tests/images/node/zipimport_bytecode_cache.py "$site_dir/zipimport_bytecode_cache.py"
  echo "import zipimport_bytecode_cache" >"$site_dir/zipimport_bytecode_cache.pth"
fi

# 3. ansible-test downloads a pip bootstrap script from a host we cannot reach: provide it offline.
bootstrap="$HOME/.ansible/test/cache/get_pip_24_2.py"
if [ ! -s "$bootstrap" ]; then
  mkdir -p "$(dirname "$bootstrap")"
  cp scripts/get_pip_offline.py "$bootstrap"
fi

[ "$with_docker" -eq 1 ] || exit 0

# 4. Docker engine, test-node image, stand-in JAR.
bash scripts/dockerd.sh
bash tests/images/node/build.sh >/dev/null
bash tests/images/edge/build.sh >/dev/null   # node image + Debian trixie nginx (molecule/edge), cached by hash
if [ -x tests/standin/build.sh ]; then
  bash tests/standin/build.sh >/dev/null
fi
# The real upstream build (docs/real-build.md): 3-7 minutes cold, then cached by source hash; also its variant JAR.
# scripts/test.sh sets AURIGRAPH_SETUP_REALBUILD=0 and builds it in the background instead (only molecule/real_build
# needs it, and that scenario calls the same cached build).
if [ -f tests/realbuild/build.sh ] && [ "${AURIGRAPH_SETUP_REALBUILD:-1}" = 1 ]; then
  bash tests/realbuild/build.sh --variant >/dev/null \
    || die "the real Aurigraph build failed (tests/realbuild/build.sh; its reason is the line above)"
fi
log "setup complete"
