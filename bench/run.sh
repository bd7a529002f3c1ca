#!/usr/bin/env bash
# Benchmarks (not part of `make test`: numbers, not pass/fail on speed). Usage: bench/run.sh
#   BENCH_REPEAT=N (default 3): repeats of bench/deploy_gap.py and bench/bluegreen_load.py;
#   BENCH_SKIP_FLEET=1 skips bench/fleet_ssh.py.
# Every script prints a table and writes JSON under bench/results/ (git-ignored; see docs/bench.md).
# shellcheck source=scripts/lib.sh
source "$(dirname "$0")/../scripts/lib.sh"
cd "$REPO_ROOT" || exit 1
bash scripts/setup.sh --no-docker
# The plot needs matplotlib (bench only, not in requirements.txt); without it the benches still print and write JSON.
"$VENV/bin/pip" install -q -r bench/requirements.txt || warn "could not install bench/requirements.txt: no PNG plot"
# bridge_retry over 1,000 stuck transfers and token_blacklist over 1,000 hashes against the stand-in on loopback.
"$VENV/bin/python" bench/api_bulk.py
# The Docker engine, the node image and the stand-in (full setup) for the sandbox and the fleet.
bash scripts/setup.sh
# Deploy vs restart vs the seed procedure: no-op, upgrade, rollbacks, readiness gaps (the sandbox node).
"$VENV/bin/python" bench/deploy_gap.py --repeat "${BENCH_REPEAT:-3}"
# Failed requests through the nginx edge during a blue-green upgrade, an in-place upgrade and a bare restart.
"$VENV/bin/python" bench/bluegreen_load.py --repeat "${BENCH_REPEAT:-3}"
# Tasks a no-op re-run of the sandbox deploy executes (pipeline vs whole playbook).
"$VENV/bin/python" bench/noop_tasks.py
# Connection cost per task and the fleet over SSH.
if [ "${BENCH_SKIP_FLEET:-0}" != 1 ]; then
  "$VENV/bin/python" bench/fleet_ssh.py
fi
