#!/usr/bin/env bash
# The whole test suite (what `make test` and CI run). Every stage runs; failures are listed at the end
# with per-stage timings and the script exits non-zero if any stage failed.
# Usage: scripts/test.sh [stage ...]     stages: lint build sanity unit standin integration monitoring awx molecule k8s
#        (monitoring = promtool rule tests + the monitoring role on a real Prometheus; awx = EE, surveys, ansible-runner)
#        MOLECULE_SCENARIOS="default upgrade" scripts/test.sh molecule   (a subset of scenarios)
# shellcheck source=scripts/lib.sh
source "$(dirname "$0")/lib.sh"
cd "$REPO_ROOT" || exit 1

all_stages=(lint build sanity unit standin integration monitoring awx molecule k8s)
stages=("$@")
[ "${#stages[@]}" -gt 0 ] || stages=("${all_stages[@]}")

mkdir -p "$(dirname "$TIMINGS_FILE")"
: >"$TIMINGS_FILE"
failed=()
suite_start=$(date +%s)

# The Kubernetes control-plane binaries take ~26 min to build on a brand-new machine (then they are cached): when
# a stage that needs them is selected and they are missing, build them in the background while the other stages
# run; the k8s stage and the k8s_deploy scenario wait on the build's lock, and that scenario starts last. It needs
# only Go and the module proxy, so it starts before setup, and it is not niced: on a brand-new machine it is the
# longest path (a build niced twice, as before, ran at the lowest priority behind every test).
k8s_bin_dir="$(bash tests/k8s/build.sh --print-bin-dir)"
K8S_COLD=0
needs_k8s=0
[[ " ${stages[*]} " == *" k8s "* ]] && needs_k8s=1
if [[ " ${stages[*]} " == *" molecule "* ]] && { [ -z "${MOLECULE_SCENARIOS:-}" ] || [[ " $MOLECULE_SCENARIOS " == *" k8s_deploy "* ]]; }; then
  needs_k8s=1
fi
if [ "$needs_k8s" -eq 1 ] && [ ! -x "$k8s_bin_dir/kube-apiserver" ]; then
  K8S_COLD=1
  log "Kubernetes binaries not cached: building them in the background (log: .cache/k8s-build.log)"
  mkdir -p .cache && AURIGRAPH_K8S_BUILD_NICE=0 bash tests/k8s/build.sh >.cache/k8s-build.log 2>&1 &
fi

# The real upstream build (3-7 min on a brand-new machine, then cached) is only needed by molecule/real_build: when
# it is missing, setup skips it and it is built in the background (niced) while the other stages run; that
# scenario then starts last (its own call of tests/realbuild/build.sh waits on the build's lock).
REAL_COLD=0
if [[ " ${stages[*]} " == *" molecule "* ]] && { [ -z "${MOLECULE_SCENARIOS:-}" ] || [[ " $MOLECULE_SCENARIOS " == *" real_build "* ]]; } \
   && [ -f tests/realbuild/build.sh ] && ! bash tests/realbuild/build.sh --check; then
  REAL_COLD=1
  export AURIGRAPH_SETUP_REALBUILD=0
fi
timed setup bash scripts/setup.sh || die "setup failed: nothing else can run (see the messages above)"
if [ "$REAL_COLD" -eq 1 ]; then
  log "the real build is not cached: building it in the background (log: .cache/realbuild-build.log)"
  mkdir -p .cache && nice -n 10 bash tests/realbuild/build.sh --variant >.cache/realbuild-build.log 2>&1 &
fi
export PATH="$VENV/bin:$PATH"
export ANSIBLE_COLLECTIONS_PATH="$REPO_ROOT/.cache/collections:$HOME/.ansible/collections"
export ANSIBLE_CONFIG="$REPO_ROOT/ansible.cfg"

# The awx stage deploys inside the execution environment image (tests/awx/test_ee_deploy.py). When the image of
# the current content is missing, build it now in the background (niced) while the earlier stages run: a new
# machine or a change to execution-environment.yml or the node image costs ~2 min of docker build, a change to the
# collection alone a few seconds (cached layers). The test's own scripts/ee.sh build waits for it (lock).
if [[ " ${stages[*]} " == *" awx "* ]]; then
  ee_hash="$(bash scripts/ee.sh hash 2>/dev/null || true)"
  if [ -n "$ee_hash" ] && ! docker image inspect "localhost/aurigraph/ee:$ee_hash" >/dev/null 2>&1; then
    log "execution environment image not built: building it in the background (log: .cache/ee-build.log)"
    nice -n 10 bash scripts/ee.sh build >.cache/ee-build.log 2>&1 &
  fi
fi

stage_lint() {
  yamllint -s . && ansible-lint --offline -q && python3 scripts/check_argument_specs.py \
    && python3 scripts/pipeline_diagram.py --check && python3 scripts/check_role_copies.py \
    && python3 scripts/follow_deploy.py >/dev/null \
    && antsibull-changelog lint
}
stage_build() {
  local out="$REPO_ROOT/.cache/build"
  rm -rf "$out" && mkdir -p "$out"
  ansible-galaxy collection build --force --output-path "$out" . \
    && python3 scripts/check_tarball.py "$out"/aurigraph-dlt-*.tar.gz
}
stage_sanity() { bash scripts/sanity.sh; }
# Two processes: the role tests load ansible's controller-side templating, which changes how module warnings
# are collected in the same interpreter and would break the module tests' assertions on warnings.
stage_unit() {
  pytest -q -p no:cacheprovider tests/unit/plugins && pytest -q -p no:cacheprovider tests/unit/roles \
    && pytest -q -p no:cacheprovider tests/unit/harness
}
stage_standin() { pytest -q -p no:cacheprovider tests/standin/tests; }
stage_integration() { pytest -q -p no:cacheprovider tests/integration; }
# promtool check/test of the shipped rules, then the monitoring role against a real Prometheus on loopback
# scraping stand-in nodes (tests/monitoring).
stage_monitoring() { pytest -q -p no:cacheprovider tests/monitoring; }
stage_k8s() {
  if [ -d tests/k8s ] && ls tests/k8s/test_*.py >/dev/null 2>&1; then
    pytest -q -p no:cacheprovider tests/k8s
  else
    warn "no Kubernetes tests in this tree"; return 0
  fi
}
# AWX: execution environment context (ansible-builder create), survey check, job templates and the deploy
# workflow run through ansible-runner (stand-in on loopback, one systemd node container), and the deploy job run
# inside the execution environment image against its own systemd node over SSH (~1.5 min warm).
stage_awx() { python3 scripts/check_surveys.py && pytest -q -p no:cacheprovider tests/awx; }
# Scenarios share nothing (own containers, own ephemeral dirs), and most of their time is spent waiting on systemd
# and JVMs, so MOLECULE_JOBS of them run at once (default 3), the longest first. Each one's output goes to
# .cache/molecule-logs/<scenario>.log and is printed whole when the scenario fails (its last lines otherwise).
MOLECULE_LONGEST_FIRST=(jar_failures fleet docker_deploy real_build k8s_deploy edge jar_db jar_upgrade dr default ops)
stage_molecule() {
  local scenarios=() ordered=() s rc=0 jobs="${MOLECULE_JOBS:-3}" logdir="$REPO_ROOT/.cache/molecule-logs"
  read -r -a scenarios <<<"${MOLECULE_SCENARIOS:-}"
  if [ "${#scenarios[@]}" -eq 0 ]; then
    for s in molecule/*/molecule.yml; do scenarios+=("$(basename "$(dirname "$s")")"); done
  fi
  [ "${#scenarios[@]}" -gt 0 ] || { warn "no Molecule scenario found"; return 1; }
  for s in "${MOLECULE_LONGEST_FIRST[@]}"; do
    [ "$s" = k8s_deploy ] && [ "$K8S_COLD" -eq 1 ] && continue   # waits for the background build: start it last
    [ "$s" = real_build ] && [ "$REAL_COLD" -eq 1 ] && continue   # likewise
    [[ " ${scenarios[*]} " == *" $s "* ]] && ordered+=("$s")
  done
  for s in "${scenarios[@]}"; do
    [[ " ${ordered[*]} " == *" $s "* ]] || [ "$s" = k8s_deploy ] || [ "$s" = real_build ] || ordered+=("$s")
  done
  [[ " ${scenarios[*]} " == *" real_build "* ]] && [[ " ${ordered[*]} " != *" real_build "* ]] && ordered+=(real_build)
  [[ " ${scenarios[*]} " == *" k8s_deploy "* ]] && [[ " ${ordered[*]} " != *" k8s_deploy "* ]] && ordered+=(k8s_deploy)
  rm -rf "$logdir" && mkdir -p "$logdir"
  log "molecule: ${#ordered[@]} scenario(s), $jobs at a time: ${ordered[*]}"
  for s in "${ordered[@]}"; do
    while [ "$(jobs -rp | wc -l)" -ge "$jobs" ]; do wait -n || true; done
    log "molecule: starting $s (log: $logdir/$s.log)"
    ( timed "molecule:$s" molecule test -s "$s" >"$logdir/$s.log" 2>&1; echo $? >"$logdir/$s.rc" ) &
  done
  wait
  for s in "${ordered[@]}"; do
    if [ "$(cat "$logdir/$s.rc" 2>/dev/null || echo 1)" -eq 0 ]; then
      log "molecule: $s passed"; tail -n 3 "$logdir/$s.log"
    else
      warn "molecule: $s FAILED; its whole log follows"; cat "$logdir/$s.log"; rc=1
    fi
  done
  return $rc
}

# Each stage's share of the suite's warm budget (35 min; 60 min cold): a stage over its share is reported at the end.
# Set from a clean warm .ci/run with ~15-25% headroom (per-stage times of the last runs: docs/test-suite.md).
# The molecule stage runs in the background beside the others (below), so its share is most of the wall time.
declare -A STAGE_SHARE=([lint]=200 [build]=30 [sanity]=150 [unit]=30 [standin]=240 [integration]=210
  [monitoring]=150 [awx]=360 [molecule]=1900 [k8s]=120)
SUITE_BUDGET_WARM=2100

for stage in "${stages[@]}"; do
  declare -F "stage_$stage" >/dev/null || die "unknown stage '$stage' (known: ${all_stages[*]})"
done

# The Molecule scenarios take most of the suite's time and most of it is waiting on systemd and JVMs; the other
# stages (pytest against loopback stand-ins on free ports, lint, the EE's own network namespace) share nothing
# with them: with more than one stage selected, molecule starts first in the background and its report is printed
# when the loop reaches it (the k8s stage, which starts its own control plane, still runs after it).
# AURIGRAPH_SERIAL=1 runs every stage in order instead.
molecule_bg_pid=""
if [[ " ${stages[*]} " == *" molecule "* ]] && [ "${#stages[@]}" -gt 1 ] && [ "${AURIGRAPH_SERIAL:-0}" != 1 ]; then
  mkdir -p "$REPO_ROOT/.cache"
  log "molecule: running in the background beside the other stages (report: .cache/molecule-stage.log)"
  ( timed molecule stage_molecule >"$REPO_ROOT/.cache/molecule-stage.log" 2>&1 ) &
  molecule_bg_pid=$!
fi

for stage in "${stages[@]}"; do
  if [ "$stage" = molecule ] && [ -n "$molecule_bg_pid" ]; then
    log "molecule: waiting for the background run"
    wait "$molecule_bg_pid" || failed+=(molecule)
    cat "$REPO_ROOT/.cache/molecule-stage.log"
    continue
  fi
  timed "$stage" "stage_$stage" || failed+=("$stage")
done

total=$(( $(date +%s) - suite_start ))
printf '\n%s\n' "---- per-stage timings ----"
cat "$TIMINGS_FILE"
printf '%-28s %5ss  (budget: %ss warm, 3600s cold)\n' "total" "$total" "$SUITE_BUDGET_WARM"
while read -r name secs _; do
  share="${STAGE_SHARE[$name]:-}"
  secs="${secs%s}"
  if [ -n "$share" ] && [ "$secs" -gt "$share" ] 2>/dev/null; then
    warn "stage $name took ${secs}s, over its share of ${share}s of the warm budget"
  fi
done <"$TIMINGS_FILE"
[ "$total" -le "$SUITE_BUDGET_WARM" ] || warn "the suite took ${total}s, over the warm budget of ${SUITE_BUDGET_WARM}s (fine only on a machine with empty caches: ≤ 3600s)"
if [ "${#failed[@]}" -gt 0 ]; then
  die "FAILED stages: ${failed[*]}"
fi
log "all stages passed: ${stages[*]}"
