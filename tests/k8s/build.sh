#!/usr/bin/env bash
# Build (or reuse from the cache) the binaries of a loopback Kubernetes control plane:
#   kube-apiserver, kube-controller-manager, kube-scheduler (k8s.io/kubernetes, one pinned version),
#   kubectl (same version, only when none is on PATH or --with-kubectl), etcd (go.etcd.io/etcd/server/v3)
#   and kwok (sigs.k8s.io/kwok).
# Sources come only from the Go module proxy. Output: ${AURIGRAPH_CACHE:-$HOME/.cache/aurigraph-dlt}/k8s/<version>/bin
# Usage: tests/k8s/build.sh [--with-kubectl] [--print-bin-dir]
set -euo pipefail

K8S_VERSION="${AURIGRAPH_K8S_VERSION:-v1.37.2}"
ETCD_VERSION="${AURIGRAPH_ETCD_VERSION:-v3.7.3}"
KWOK_VERSION="${AURIGRAPH_KWOK_VERSION:-v0.8.0}"

CACHE_ROOT="${AURIGRAPH_CACHE:-$HOME/.cache/aurigraph-dlt}"
K8S_CACHE="${CACHE_ROOT}/k8s"
BIN_DIR="${K8S_CACHE}/${K8S_VERSION}/bin"

with_kubectl=0
for arg in "$@"; do
  case "$arg" in
    --with-kubectl) with_kubectl=1 ;;
    --print-bin-dir) echo "$BIN_DIR"; exit 0 ;;
    -h|--help) sed -n '2,7p' "$0"; exit 0 ;;
    *) echo "build.sh: unknown argument: $arg" >&2; exit 2 ;;
  esac
done

command -v go >/dev/null || { echo "build.sh: go is not installed (need Go >= 1.26 for Kubernetes ${K8S_VERSION})" >&2; exit 1; }
go_minor="$(go env GOVERSION | sed -n 's/^go1\.\([0-9]*\).*/\1/p')"
if [[ -z "$go_minor" ]] || (( go_minor < 26 )); then
  echo "build.sh: $(go env GOVERSION) is too old: Kubernetes ${K8S_VERSION}, etcd ${ETCD_VERSION} and kwok ${KWOK_VERSION} need Go >= 1.26" >&2
  exit 1
fi

export GOMODCACHE="${K8S_CACHE}/gomod"
export GOCACHE="${K8S_CACHE}/gocache"
export GOTOOLCHAIN=local          # never download a toolchain
export GOFLAGS=-mod=mod
export CGO_ENABLED=0
export GOMAXPROCS="${GOMAXPROCS:-2}"
# Downloads wait on the network, not the CPU, and the go command fetches GOMAXPROCS modules at a time: fetch with
# more (etcd's modules, measured from an empty module cache: 12.2 s at 2, 3.8 s at 16).
FETCH_PROCS="${AURIGRAPH_K8S_FETCH_PROCS:-16}"
export GOPROXY="${GOPROXY:-https://proxy.golang.org,direct}"
mkdir -p "$BIN_DIR" "$GOMODCACHE" "$GOCACHE"

# One build at a time per cache (pytest and cluster.sh may both call this script).
exec 9>"${K8S_CACHE}/.build.lock"
if ! flock -n 9; then
  echo "build.sh: another build is running; waiting for ${K8S_CACHE}/.build.lock" >&2
  flock 9
fi

# Stamp: a binary is reused only if it was built from the same pins.
stamp() { echo "k8s=${K8S_VERSION} etcd=${ETCD_VERSION} kwok=${KWOK_VERSION}"; }
have() { [[ -x "${BIN_DIR}/$1" && -f "${BIN_DIR}/.$1.stamp" && "$(cat "${BIN_DIR}/.$1.stamp")" == "$(stamp)" ]]; }
mark() { stamp > "${BIN_DIR}/.$1.stamp"; }

# Every build step is niced (AURIGRAPH_K8S_BUILD_NICE, default 10) and measured (wall clock + peak RSS) with GNU
# time when available.
TIME_LOG="${K8S_CACHE}/${K8S_VERSION}/build-times.log"
run_build() {
  local label="$1"; shift
  local start end
  start=$(date +%s)
  if [[ -x /usr/bin/time ]]; then
    nice -n "${AURIGRAPH_K8S_BUILD_NICE:-10}" /usr/bin/time -f "${label}: wall=%es maxrss=%MkB" -a -o "$TIME_LOG" "$@"
  else
    nice -n "${AURIGRAPH_K8S_BUILD_NICE:-10}" "$@"
  fi
  end=$(date +%s)
  echo "build.sh: ${label} built in $((end - start))s" >&2
}

workdir=$(mktemp -d "${TMPDIR:-/tmp}/aurigraph-k8s-build.XXXXXX")
trap 'rm -rf "$workdir"' EXIT

# ---------------------------------------------------------------- Kubernetes
k8s_targets=()
have kube-apiserver || k8s_targets+=(kube-apiserver)
have kube-controller-manager || k8s_targets+=(kube-controller-manager)
have kube-scheduler || k8s_targets+=(kube-scheduler)
if (( with_kubectl )) || ! command -v kubectl >/dev/null; then
  have kubectl || k8s_targets+=(kubectl)
fi

if (( ${#k8s_targets[@]} )); then
  echo "build.sh: building ${k8s_targets[*]} from k8s.io/kubernetes ${K8S_VERSION}" >&2
  staging="v0.${K8S_VERSION#v1.}"   # v1.37.2 -> v0.37.2
  d="$workdir/kubernetes"; mkdir -p "$d"
  # The staging repos are replaced by ./staging/src/... in kubernetes' own go.mod, which the module zip does not
  # contain; replace them with the published k8s.io/* modules of the matching v0.x.y version.
  gomod_file="$(cd "$workdir" && GOFLAGS='' go mod download -json "k8s.io/kubernetes@${K8S_VERSION}" \
    | sed -n 's/^[[:space:]]*"GoMod": "\(.*\)",\{0,1\}$/\1/p')"
  [[ -f "$gomod_file" ]] || { echo "build.sh: could not download k8s.io/kubernetes ${K8S_VERSION} from ${GOPROXY}" >&2; exit 1; }
  cp "$gomod_file" "$d/upstream.mod"
  mapfile -t staged < <(sed -n 's#^[[:space:]]*\(k8s.io/[a-z0-9-]*\) => \./staging/src/.*#\1#p' "$d/upstream.mod")
  (( ${#staged[@]} > 10 )) || { echo "build.sh: could not read the staging module list of k8s.io/kubernetes ${K8S_VERSION}" >&2; exit 1; }
  goline=$(sed -n 's/^go \([0-9.]*\)$/\1/p' "$d/upstream.mod")
  {
    echo "module aurigraph.local/k8s-build"
    echo
    echo "go ${goline}"
    echo
    echo "require k8s.io/kubernetes ${K8S_VERSION}"
    echo
    echo "replace ("
    for m in "${staged[@]}"; do echo "	${m} => ${m} ${staging}"; done
    echo ")"
  } > "$d/go.mod"
  pkgs=()
  for t in "${k8s_targets[@]}"; do pkgs+=("k8s.io/kubernetes/cmd/$t"); done
  # Version stamping as hack/lib/version.sh does it, so /version and the compatibility checks see the real version.
  minor="${K8S_VERSION#v1.}"; minor="${minor%%.*}"
  ldflags="-s -w"
  for p in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    ldflags+=" -X ${p}.gitVersion=${K8S_VERSION} -X ${p}.gitMajor=1 -X ${p}.gitMinor=${minor}"
    ldflags+=" -X ${p}.gitTreeState=clean -X ${p}.buildDate=1970-01-01T00:00:00Z"
  done
  ( cd "$d" && GOMAXPROCS="$FETCH_PROCS" go get "${pkgs[@]}" )
  ( cd "$d" && run_build "k8s ${k8s_targets[*]}" go build -trimpath -ldflags "$ldflags" -o "$BIN_DIR/" "${pkgs[@]}" )
  for t in "${k8s_targets[@]}"; do mark "$t"; done
fi

# ---------------------------------------------------------------- etcd
if ! have etcd; then
  echo "build.sh: building etcd ${ETCD_VERSION} from go.etcd.io/etcd/server/v3" >&2
  d="$workdir/etcd"; mkdir -p "$d"
  # server/v3's go.mod replaces its sibling modules with ../ paths: pin them to the same release instead.
  cat > "$d/go.mod" <<GOMOD
module aurigraph.local/etcd-build

go 1.26.0

require go.etcd.io/etcd/server/v3 ${ETCD_VERSION}

replace (
	go.etcd.io/etcd/api/v3 => go.etcd.io/etcd/api/v3 ${ETCD_VERSION}
	go.etcd.io/etcd/client/pkg/v3 => go.etcd.io/etcd/client/pkg/v3 ${ETCD_VERSION}
	go.etcd.io/etcd/client/v3 => go.etcd.io/etcd/client/v3 ${ETCD_VERSION}
	go.etcd.io/etcd/pkg/v3 => go.etcd.io/etcd/pkg/v3 ${ETCD_VERSION}
)
GOMOD
  ( cd "$d" && GOMAXPROCS="$FETCH_PROCS" go get go.etcd.io/etcd/server/v3@"${ETCD_VERSION}" )
  ( cd "$d" && run_build "etcd" go build -trimpath -ldflags "-s -w" -o "$BIN_DIR/etcd" go.etcd.io/etcd/server/v3 )
  mark etcd
fi

# ---------------------------------------------------------------- kwok
if ! have kwok; then
  echo "build.sh: building kwok ${KWOK_VERSION} from sigs.k8s.io/kwok" >&2
  d="$workdir/kwok"; mkdir -p "$d"
  # Fetch its modules first, many at a time (`go install pkg@version` below then finds them in the module cache).
  ( cd "$d" && GOFLAGS='' go mod init aurigraph.local/kwok-fetch >/dev/null 2>&1 \
      && GOFLAGS='' GOMAXPROCS="$FETCH_PROCS" go get "sigs.k8s.io/kwok/cmd/kwok@${KWOK_VERSION}" )
  ( cd "$d" && GOBIN="$d/bin" GOFLAGS='' run_build "kwok" go install -trimpath \
      -ldflags "-s -w -X sigs.k8s.io/kwok/pkg/consts.Version=${KWOK_VERSION}" "sigs.k8s.io/kwok/cmd/kwok@${KWOK_VERSION}" )
  install -m 0755 "$d/bin/kwok" "$BIN_DIR/kwok"
  mark kwok
fi

echo "build.sh: binaries ready in ${BIN_DIR}" >&2
echo "$BIN_DIR"
