#!/usr/bin/env bash
# Benchmarks (not part of `make test`: numbers, not pass/fail on speed). Usage: bench/run.sh
# shellcheck source=scripts/lib.sh
source "$(dirname "$0")/../scripts/lib.sh"
cd "$REPO_ROOT" || exit 1
bash scripts/setup.sh --no-docker
"$VENV/bin/python" bench/bridge_retry_bulk.py "$@"
# The fleet over SSH needs the Docker engine, the node image and the stand-in (full setup).
bash scripts/setup.sh
"$VENV/bin/python" bench/fleet_ssh.py
# Tasks a no-op re-run of the sandbox deploy executes (pipeline vs whole playbook).
"$VENV/bin/python" bench/noop_tasks.py
