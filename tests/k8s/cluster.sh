#!/usr/bin/env bash
# A real Kubernetes control plane on 127.0.0.1 for the aurigraph.dlt Kubernetes roles:
# etcd + kube-apiserver + kube-controller-manager + kube-scheduler + kwok (fake nodes, simulated pods).
#
# Usage: tests/k8s/cluster.sh up|down|status|env
#   up      build/reuse the binaries (tests/k8s/build.sh), generate the PKI, start everything, create the fake
#           nodes and wait until the cluster can run a Deployment. Idempotent: a running cluster is left alone.
#   down    stop every process started by `up` (by pid file) and delete the state directory.
#   status  print the processes and the apiserver readiness; exit 1 if the cluster is not up.
#   env     print `export KUBECONFIG=...` (and K8S_AUTH_KUBECONFIG for kubernetes.core).
#
# Environment (all optional):
#   AURIGRAPH_CACHE        cache root (default ~/.cache/aurigraph-dlt); binaries in $AURIGRAPH_CACHE/k8s/<ver>/bin
#   AURIGRAPH_K8S_STATE    state dir: PKI, kubeconfigs, etcd data, logs, pid files (default /tmp/aurigraph-dlt-k8s)
#   AURIGRAPH_K8S_PORT     kube-apiserver secure port (default 16443); the other ports are derived from it
#   AURIGRAPH_K8S_NODES    number of fake nodes (default 2)
#   AURIGRAPH_K8S_TIMEOUT  seconds to wait for each component (default 120)
#   AURIGRAPH_K8S_PYTHON   Python with the `kubernetes` client for kwok_backends.py (default: <repo>/.venv/bin/python)
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
PYTHON="${AURIGRAPH_K8S_PYTHON:-$HERE/../../.venv/bin/python}"
STATE="${AURIGRAPH_K8S_STATE:-${TMPDIR:-/tmp}/aurigraph-dlt-k8s}"
API_PORT="${AURIGRAPH_K8S_PORT:-16443}"
ETCD_PORT=$((API_PORT - 4064))        # 12379
ETCD_PEER_PORT=$((API_PORT - 4063))   # 12380
KCM_PORT=$((API_PORT - 186))          # 16257
SCHED_PORT=$((API_PORT - 184))        # 16259
KWOK_PORT=$((API_PORT - 193))         # 16250 (the fake kubelet endpoint: logs/exec/port-forward)
NODES="${AURIGRAPH_K8S_NODES:-2}"
TIMEOUT="${AURIGRAPH_K8S_TIMEOUT:-120}"
SERVICE_CIDR="10.96.0.0/16"
POD_CIDR="10.244.0.0/16"
API_URL="https://127.0.0.1:${API_PORT}"
COMPONENTS=(etcd kube-apiserver kube-controller-manager kube-scheduler kwok kwok-backends)

PKI="$STATE/pki"
LOGS="$STATE/logs"
RUN="$STATE/run"
KUBECONFIG_ADMIN="$STATE/admin.kubeconfig"

# fd 3 = the caller's stderr, so errors raised inside silenced wait predicates still reach the user
exec 3>&2
log() { echo "cluster.sh: $*" >&3; }
die() { echo "cluster.sh: ERROR: $*" >&3; exit 1; }

pid_alive() { [[ -f "$RUN/$1.pid" ]] && kill -0 "$(cat "$RUN/$1.pid")" 2>/dev/null; }

# wait_until <description> <command...>: poll (0.2s steps, no fixed sleeps for readiness) until the command succeeds.
wait_until() {
  local what="$1"; shift
  local deadline=$((SECONDS + TIMEOUT))
  until "$@" >/dev/null 2>&1; do
    if (( SECONDS >= deadline )); then
      die "timed out after ${TIMEOUT}s waiting for ${what} (logs: ${LOGS})"
    fi
    sleep 0.2
  done
}

api() { # api METHOD PATH [curl args...]: call the apiserver as the admin, TLS verified against our CA.
  local method="$1" path="$2"; shift 2
  curl -fsS --cacert "$PKI/ca.crt" --cert "$PKI/admin.crt" --key "$PKI/admin.key" -X "$method" "${API_URL}${path}" "$@"
}

# ------------------------------------------------------------------------------------------------ PKI
gen_cert() { # gen_cert name subject [extensions]
  local name="$1" subj="$2" ext="${3:-}"
  [[ -f "$PKI/$name.crt" ]] && return 0
  openssl ecparam -name prime256v1 -genkey -noout -out "$PKI/$name.key" 2>/dev/null
  openssl req -new -key "$PKI/$name.key" -subj "$subj" -out "$PKI/$name.csr" 2>/dev/null
  printf '%s\n' "basicConstraints=critical,CA:FALSE" "keyUsage=critical,digitalSignature,keyEncipherment" \
    ${ext:+"$ext"} > "$PKI/$name.ext"
  openssl x509 -req -in "$PKI/$name.csr" -CA "$PKI/ca.crt" -CAkey "$PKI/ca.key" -CAcreateserial \
    -days 30 -sha256 -extfile "$PKI/$name.ext" -out "$PKI/$name.crt" 2>/dev/null
  rm -f "$PKI/$name.csr" "$PKI/$name.ext"
  chmod 0600 "$PKI/$name.key"
}

gen_pki() {
  mkdir -p "$PKI"; chmod 0700 "$PKI"
  if [[ ! -f "$PKI/ca.crt" ]]; then
    openssl ecparam -name prime256v1 -genkey -noout -out "$PKI/ca.key" 2>/dev/null
    openssl req -x509 -new -key "$PKI/ca.key" -subj "/CN=aurigraph-dlt-test-ca" -days 30 -sha256 \
      -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign,digitalSignature" \
      -out "$PKI/ca.crt" 2>/dev/null
    chmod 0600 "$PKI/ca.key"
  fi
  local svc_ip="10.96.0.1"
  gen_cert apiserver "/CN=kube-apiserver" \
    "subjectAltName=IP:127.0.0.1,IP:${svc_ip},DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local"
  gen_cert apiserver-kubelet-client "/O=kubeadm:cluster-admins/CN=kube-apiserver-kubelet-client" "extendedKeyUsage=clientAuth"
  # Serving cert shared by the local components' health endpoints and the kwok "kubelet" server.
  gen_cert local-serving "/CN=localhost" "subjectAltName=IP:127.0.0.1,DNS:localhost"
  gen_cert admin "/O=system:masters/CN=aurigraph-test-admin" "extendedKeyUsage=clientAuth"
  gen_cert kube-controller-manager "/CN=system:kube-controller-manager" "extendedKeyUsage=clientAuth"
  gen_cert kube-scheduler "/CN=system:kube-scheduler" "extendedKeyUsage=clientAuth"
  # kwok plays the kubelet of every fake node; it needs node/pod status, leases and its CRDs.
  gen_cert kwok "/O=system:masters/CN=kwok-controller" "extendedKeyUsage=clientAuth"
  if [[ ! -f "$PKI/sa.key" ]]; then
    openssl ecparam -name prime256v1 -genkey -noout -out "$PKI/sa.key" 2>/dev/null
    openssl ec -in "$PKI/sa.key" -pubout -out "$PKI/sa.pub" 2>/dev/null
    chmod 0600 "$PKI/sa.key"
  fi
}

write_kubeconfig() { # write_kubeconfig file user
  local file="$1" user="$2"
  local ca crt key
  ca=$(base64 -w0 < "$PKI/ca.crt"); crt=$(base64 -w0 < "$PKI/$user.crt"); key=$(base64 -w0 < "$PKI/$user.key")
  umask 077
  cat > "$file" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: aurigraph-test
  cluster:
    server: ${API_URL}
    certificate-authority-data: ${ca}
users:
- name: ${user}
  user:
    client-certificate-data: ${crt}
    client-key-data: ${key}
contexts:
- name: aurigraph-test
  context:
    cluster: aurigraph-test
    user: ${user}
current-context: aurigraph-test
EOF
}

# ------------------------------------------------------------------------------------------------ processes
start() { # start name binary args...: run in the background with its own process group, log + pid file
  local name="$1"; shift
  if pid_alive "$name"; then return 0; fi
  log "starting $name"
  # fd 3 (our stderr) and fd 9 must not leak into the daemons: a caller reading our output would never see EOF
  setsid "$@" >"$LOGS/$name.log" 2>&1 < /dev/null 3>&- 9>&- &
  echo $! > "$RUN/$name.pid"
}

check_alive() { # fail early with the log tail if a component died while we wait for it
  local name="$1"
  pid_alive "$name" || { tail -n 20 "$LOGS/$name.log" >&3 || true; die "$name exited during start-up (log: $LOGS/$name.log)"; }
}

healthy() { # healthy name url: the component is alive and its endpoint answers 200 "ok"
  check_alive "$1"
  curl -fsS --cacert "$PKI/ca.crt" --max-time 2 "$2" | grep -qx ok
}

etcd_healthy() {
  check_alive etcd
  curl -fsS --max-time 2 "http://127.0.0.1:${ETCD_PORT}/health" | grep -q '"health":"true"'
}

apiserver_ready() {
  check_alive kube-apiserver
  [[ "$(api GET /readyz --max-time 2)" == ok ]]
}

node_ready() { # node_ready name
  api GET "/api/v1/nodes/$1" --max-time 2 \
    | python3 -c 'import json,sys; n=json.load(sys.stdin); sys.exit(0 if any(c["type"]=="Ready" and c["status"]=="True" for c in n.get("status",{}).get("conditions",[])) else 1)'
}

crd_established() {
  api GET "/apis/apiextensions.k8s.io/v1/customresourcedefinitions/$1" --max-time 2 \
    | python3 -c 'import json,sys; c=json.load(sys.stdin); sys.exit(0 if any(x["type"]=="Established" and x["status"]=="True" for x in c.get("status",{}).get("conditions",[])) else 1)'
}

backends_watching() { check_alive kwok-backends; grep -q 'watching pods' "$LOGS/kwok-backends.log"; }

default_sa_exists() { api GET /api/v1/namespaces/default/serviceaccounts/default --max-time 2; }

create_node() { # create_node name
  local name="$1"
  api GET "/api/v1/nodes/$name" --max-time 5 >/dev/null 2>&1 && return 0
  api POST /api/v1/nodes -H 'Content-Type: application/json' --max-time 10 -d @- >/dev/null <<EOF
{
  "apiVersion": "v1",
  "kind": "Node",
  "metadata": {
    "name": "${name}",
    "annotations": {"kwok.x-k8s.io/node": "fake", "node.alpha.kubernetes.io/ttl": "0"},
    "labels": {"type": "kwok", "kubernetes.io/hostname": "${name}", "kubernetes.io/os": "linux", "kubernetes.io/arch": "amd64", "node-role.kubernetes.io/agent": ""}
  },
  "status": {
    "allocatable": {"cpu": "32", "memory": "256Gi", "pods": "110"},
    "capacity": {"cpu": "32", "memory": "256Gi", "pods": "110"}
  }
}
EOF
}

cmd_up() {
  command -v openssl >/dev/null || die "openssl is required"
  command -v curl >/dev/null || die "curl is required"
  command -v python3 >/dev/null || die "python3 is required"
  local t0=$SECONDS bin pair
  # Ports of components that are not running must be free: never talk to someone else's etcd/apiserver.
  for pair in "etcd:${ETCD_PORT}" "etcd:${ETCD_PEER_PORT}" "kube-apiserver:${API_PORT}" \
              "kube-controller-manager:${KCM_PORT}" "kube-scheduler:${SCHED_PORT}" "kwok:${KWOK_PORT}"; do
    if ! pid_alive "${pair%%:*}" && (exec 2>/dev/null; : > "/dev/tcp/127.0.0.1/${pair##*:}"); then
      die "port 127.0.0.1:${pair##*:} (for ${pair%%:*}) is already in use; stop that process or set AURIGRAPH_K8S_PORT"
    fi
  done
  bin="$("$HERE/build.sh" | tail -n 1)"
  [[ -x "$bin/kube-apiserver" ]] || die "kube-apiserver missing in $bin after build"
  mkdir -p "$STATE" "$LOGS" "$RUN" "$STATE/etcd"
  chmod 0700 "$STATE"
  echo "$bin" > "$RUN/bin-dir"
  gen_pki
  write_kubeconfig "$KUBECONFIG_ADMIN" admin
  write_kubeconfig "$STATE/kube-controller-manager.kubeconfig" kube-controller-manager
  write_kubeconfig "$STATE/kube-scheduler.kubeconfig" kube-scheduler
  write_kubeconfig "$STATE/kwok.kubeconfig" kwok

  start etcd "$bin/etcd" --name=aurigraph-test --data-dir="$STATE/etcd" \
    --listen-client-urls="http://127.0.0.1:${ETCD_PORT}" --advertise-client-urls="http://127.0.0.1:${ETCD_PORT}" \
    --listen-peer-urls="http://127.0.0.1:${ETCD_PEER_PORT}" --initial-advertise-peer-urls="http://127.0.0.1:${ETCD_PEER_PORT}" \
    --initial-cluster="aurigraph-test=http://127.0.0.1:${ETCD_PEER_PORT}" \
    --listen-metrics-urls="" --auto-compaction-retention=1 --quota-backend-bytes=$((512 * 1024 * 1024)) \
    --unsafe-no-fsync=true --log-level=warn
  wait_until "etcd on 127.0.0.1:${ETCD_PORT}" etcd_healthy

  # --endpoint-reconciler-type=none: the apiserver would otherwise publish 127.0.0.1 as the endpoint of the
  # `kubernetes` Service, which Endpoints/EndpointSlice validation rejects (loopback). Nothing in-cluster needs it.
  start kube-apiserver "$bin/kube-apiserver" \
    --etcd-servers="http://127.0.0.1:${ETCD_PORT}" --etcd-prefix=/aurigraph-test \
    --bind-address=127.0.0.1 --advertise-address=127.0.0.1 --secure-port="${API_PORT}" \
    --tls-cert-file="$PKI/apiserver.crt" --tls-private-key-file="$PKI/apiserver.key" \
    --client-ca-file="$PKI/ca.crt" \
    --service-account-key-file="$PKI/sa.pub" --service-account-signing-key-file="$PKI/sa.key" \
    --service-account-issuer=https://kubernetes.default.svc.cluster.local \
    --service-cluster-ip-range="${SERVICE_CIDR}" --endpoint-reconciler-type=none \
    --authorization-mode=Node,RBAC --anonymous-auth=false \
    --kubelet-certificate-authority="$PKI/ca.crt" \
    --kubelet-client-certificate="$PKI/apiserver-kubelet-client.crt" --kubelet-client-key="$PKI/apiserver-kubelet-client.key" \
    --kubelet-preferred-address-types=InternalIP \
    --profiling=false --v=1
  wait_until "kube-apiserver /readyz on ${API_URL}" apiserver_ready

  start kube-controller-manager "$bin/kube-controller-manager" \
    --kubeconfig="$STATE/kube-controller-manager.kubeconfig" \
    --authentication-kubeconfig="$STATE/kube-controller-manager.kubeconfig" \
    --authorization-kubeconfig="$STATE/kube-controller-manager.kubeconfig" \
    --bind-address=127.0.0.1 --secure-port="${KCM_PORT}" \
    --tls-cert-file="$PKI/local-serving.crt" --tls-private-key-file="$PKI/local-serving.key" \
    --client-ca-file="$PKI/ca.crt" \
    --controllers='*' \
    --use-service-account-credentials=true \
    --service-account-private-key-file="$PKI/sa.key" --root-ca-file="$PKI/ca.crt" \
    --cluster-signing-cert-file="$PKI/ca.crt" --cluster-signing-key-file="$PKI/ca.key" \
    --service-cluster-ip-range="${SERVICE_CIDR}" \
    --leader-elect=false --profiling=false --v=1
  start kube-scheduler "$bin/kube-scheduler" \
    --kubeconfig="$STATE/kube-scheduler.kubeconfig" \
    --authentication-kubeconfig="$STATE/kube-scheduler.kubeconfig" \
    --authorization-kubeconfig="$STATE/kube-scheduler.kubeconfig" \
    --bind-address=127.0.0.1 --secure-port="${SCHED_PORT}" \
    --tls-cert-file="$PKI/local-serving.crt" --tls-private-key-file="$PKI/local-serving.key" \
    --client-ca-file="$PKI/ca.crt" \
    --leader-elect=false --profiling=false --v=1

  # kwok's PortForward CRDs let `kubectl port-forward` (and the Python client) reach a real process on loopback
  # through a simulated pod; see README.md.
  local crd name
  for crd in "$HERE"/kwok/crd/*.yaml; do
    name="$(sed -n 's/^  name: //p' "$crd" | head -n 1)"
    api GET "/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${name}" --max-time 5 >/dev/null 2>&1 \
      || api POST /apis/apiextensions.k8s.io/v1/customresourcedefinitions -H 'Content-Type: application/yaml' \
           --data-binary @"$crd" --max-time 10 >/dev/null
    wait_until "CRD ${name} established" crd_established "$name"
  done
  # One stage per file (single-document YAML keeps ansible-test's yamllint happy); kwok takes a list.
  local stages
  stages="$(printf '%s,' "$HERE"/kwok/stages/*.yaml)"
  start kwok "$bin/kwok" --kubeconfig="$STATE/kwok.kubeconfig" --config="${stages%,}" \
    --manage-all-nodes=false --manage-nodes-with-annotation-selector=kwok.x-k8s.io/node=fake \
    --node-ip=127.0.0.1 --node-port="${KWOK_PORT}" --server-address="127.0.0.1:${KWOK_PORT}" \
    --tls-cert-file="$PKI/local-serving.crt" --tls-private-key-file="$PKI/local-serving.key" \
    --cidr="${POD_CIDR}" --node-lease-duration-seconds=10 \
    --enable-crds=PortForward,ClusterPortForward

  wait_until "kube-controller-manager /healthz on 127.0.0.1:${KCM_PORT}" healthy kube-controller-manager "https://127.0.0.1:${KCM_PORT}/healthz"
  wait_until "kube-scheduler /healthz on 127.0.0.1:${SCHED_PORT}" healthy kube-scheduler "https://127.0.0.1:${SCHED_PORT}/healthz"
  wait_until "kwok /healthz on 127.0.0.1:${KWOK_PORT}" healthy kwok "https://127.0.0.1:${KWOK_PORT}/healthz"

  # Optional: real loopback backends for simulated pods (needs the Python kubernetes client).
  if "$PYTHON" -c 'import kubernetes' >/dev/null 2>&1; then
    start kwok-backends "$PYTHON" "$HERE/kwok_backends.py" --kubeconfig="$KUBECONFIG_ADMIN"
    wait_until "kwok-backends watching" backends_watching
  else
    log "no Python with the kubernetes client at $PYTHON: kwok-backends not started (port-forward to pods disabled)"
  fi

  local i
  for ((i = 0; i < NODES; i++)); do create_node "kwok-node-$i"; done
  for ((i = 0; i < NODES; i++)); do wait_until "node kwok-node-$i Ready" node_ready "kwok-node-$i"; done
  wait_until "the default ServiceAccount (token/serviceaccount controllers)" default_sa_exists
  echo "$(date -u +%FT%TZ) up in $((SECONDS - t0))s" >> "$RUN/history"
  log "cluster up in $((SECONDS - t0))s: ${API_URL} (KUBECONFIG=${KUBECONFIG_ADMIN})"
}

cmd_down() {
  local name pid i
  # reverse start order; SIGTERM the process group, then wait for it to exit (bounded), then SIGKILL
  for ((i = ${#COMPONENTS[@]} - 1; i >= 0; i--)); do
    name="${COMPONENTS[$i]}"
    [[ -f "$RUN/$name.pid" ]] || continue
    pid="$(cat "$RUN/$name.pid")"
    if kill -0 "$pid" 2>/dev/null; then
      log "stopping $name (pid $pid)"
      kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
      local deadline=$((SECONDS + 20))
      while kill -0 "$pid" 2>/dev/null && (( SECONDS < deadline )); do sleep 0.1; done
      kill -KILL -- "-$pid" 2>/dev/null || true
    fi
    rm -f "$RUN/$name.pid"
  done
  if [[ -d "$STATE" ]]; then
    rm -rf "$STATE"
    log "removed $STATE"
  fi
}

cmd_status() {
  local name rc=0
  for name in "${COMPONENTS[@]}"; do
    if pid_alive "$name"; then
      printf '%-24s running (pid %s)\n' "$name" "$(cat "$RUN/$name.pid")"
    elif [[ "$name" == kwok-backends && ! -f "$RUN/$name.pid" ]]; then
      printf '%-24s not running (optional)\n' "$name"
    else
      printf '%-24s stopped\n' "$name"; rc=1
    fi
  done
  if [[ -f "$PKI/admin.crt" ]] && [[ "$(api GET /readyz --max-time 2 2>/dev/null)" == ok ]]; then
    printf '%-24s ready at %s\n' apiserver "$API_URL"
  else
    printf '%-24s not ready\n' apiserver; rc=1
  fi
  return "$rc"
}

cmd_env() {
  [[ -f "$KUBECONFIG_ADMIN" ]] || die "no cluster state in $STATE (run: $0 up)"
  echo "export KUBECONFIG=${KUBECONFIG_ADMIN}"
  echo "export K8S_AUTH_KUBECONFIG=${KUBECONFIG_ADMIN}"
  echo "export AURIGRAPH_K8S_API=${API_URL}"
  local bin
  bin="$(cat "$RUN/bin-dir" 2>/dev/null || "$HERE/build.sh" --print-bin-dir)"
  echo "export AURIGRAPH_K8S_BIN=${bin}"
  # a kubectl of the same version (tests/k8s/build.sh --with-kubectl) goes first on PATH
  if [[ -x "$bin/kubectl" ]]; then echo "export PATH=\"${bin}:\$PATH\""; fi
}

case "${1:-}" in
  up)
    if cmd_status >/dev/null 2>&1; then log "cluster already up at ${API_URL}"; exit 0; fi
    # a half-started or partly dead cluster: `start` skips the components that are still alive
    trap 'rc=$?; if (( rc != 0 )) && [[ -d "$LOGS" ]]; then log "start-up failed; logs kept in $LOGS (run: $0 down)"; fi' EXIT
    cmd_up
    ;;
  down) cmd_down ;;
  status) cmd_status ;;
  env) cmd_env ;;
  *) echo "usage: $0 up|down|status|env" >&2; exit 2 ;;
esac
