#!/usr/bin/env bash
# The whole test suite (what `make test` and CI run). Every stage runs; failures are listed at the end
# with per-stage timings and the script exits non-zero if any stage failed.
# Usage: scripts/test.sh [stage ...]     stages: lint sanity build unit standin integration k8s molecule awx
#        MOLECULE_SCENARIOS="default upgrade" scripts/test.sh molecule   (a subset of scenarios)
# shellcheck source=scripts/lib.sh
source "$(dirname "$0")/lib.sh"
cd "$REPO_ROOT" || exit 1

all_stages=(lint build sanity unit standin integration k8s molecule awx)
stages=("$@")
[ "${#stages[@]}" -gt 0 ] || stages=("${all_stages[@]}")

mkdir -p "$(dirname "$TIMINGS_FILE")"
: >"$TIMINGS_FILE"
failed=()
suite_start=$(date +%s)

timed setup bash scripts/setup.sh || die "setup failed: nothing else can run (see the messages above)"
export PATH="$VENV/bin:$PATH"
export ANSIBLE_COLLECTIONS_PATH="$REPO_ROOT/.cache/collections:$HOME/.ansible/collections"
export ANSIBLE_CONFIG="$REPO_ROOT/ansible.cfg"

stage_lint() {
  yamllint -s . && ansible-lint --offline -q && python3 scripts/check_argument_specs.py \
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
stage_unit() { pytest -q -p no:cacheprovider tests/unit/plugins && pytest -q -p no:cacheprovider tests/unit/roles; }
stage_standin() { pytest -q -p no:cacheprovider tests/standin/tests; }
stage_integration() { pytest -q -p no:cacheprovider tests/integration; }
stage_k8s() {
  if [ -d tests/k8s ] && ls tests/k8s/test_*.py >/dev/null 2>&1; then
    pytest -q -p no:cacheprovider tests/k8s
  else
    warn "no Kubernetes tests in this tree"; return 0
  fi
}
# AWX: execution environment context (ansible-builder create), survey check, job templates and the deploy
# workflow run through ansible-runner (stand-in on loopback, one systemd node container).
stage_awx() { python3 scripts/check_surveys.py && pytest -q -p no:cacheprovider tests/awx; }
stage_molecule() {
  local scenarios=() s rc=0
  read -r -a scenarios <<<"${MOLECULE_SCENARIOS:-}"
  if [ "${#scenarios[@]}" -eq 0 ]; then
    for s in molecule/*/molecule.yml; do scenarios+=("$(basename "$(dirname "$s")")"); done
  fi
  [ "${#scenarios[@]}" -gt 0 ] || { warn "no Molecule scenario found"; return 1; }
  for s in "${scenarios[@]}"; do
    timed "molecule:$s" molecule test -s "$s" || rc=1
  done
  return $rc
}

for stage in "${stages[@]}"; do
  declare -F "stage_$stage" >/dev/null || die "unknown stage '$stage' (known: ${all_stages[*]})"
  timed "$stage" "stage_$stage" || failed+=("$stage")
done

printf '\n%s\n' "---- per-stage timings ----"
cat "$TIMINGS_FILE"
printf '%-28s %5ss\n' "total" "$(( $(date +%s) - suite_start ))"
if [ "${#failed[@]}" -gt 0 ]; then
  die "FAILED stages: ${failed[*]}"
fi
log "all stages passed: ${stages[*]}"
