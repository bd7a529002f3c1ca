"""The loopback control plane (tests/k8s/cluster.sh) behaves like a real cluster for the k8s roles.

Run: .venv/bin/pytest tests/k8s -q
The session fixture builds (or reuses from the cache) the binaries, starts a private cluster on its own ports
and state directory, and tears it down at the end. It skips only when the binaries cannot be built.
"""
from __future__ import annotations

import http.server
import json
import os
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import pytest

kubernetes = pytest.importorskip("kubernetes")
from kubernetes import client, config  # noqa: E402
from kubernetes.client.rest import ApiException  # noqa: E402

HERE = Path(__file__).resolve().parent
# The collection, through the link that scripts/setup.sh makes (as tests/unit/conftest.py does).
sys.path.insert(0, str(HERE.parents[1] / ".cache" / "collections"))
from ansible_collections.aurigraph.dlt.plugins.module_utils.k8s import (  # noqa: E402
    http_get as pf_http_get,
)

TEST_PORT = os.environ.get("AURIGRAPH_K8S_TEST_PORT", "26443")
GOOD_IMAGE = "registry.invalid/aurigraph/aurigraph-v11:11.4.0"
NEVER_READY_IMAGE = "registry.invalid/aurigraph/aurigraph-v11:11.5.0-never-ready"
CRASH_LOOP_IMAGE = "registry.invalid/aurigraph/aurigraph-v11:11.5.0-crash-loop"


def wait_for(what: str, predicate, timeout: float = 60.0, interval: float = 0.25):
    """Poll predicate() until it returns a truthy value; fail with `what` on timeout."""
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        last = predicate()
        if last:
            return last
        time.sleep(interval)
    pytest.fail(f"timed out after {timeout:.0f}s waiting for {what} (last value: {last!r})")


@pytest.fixture(scope="session")
def cluster(tmp_path_factory):
    env = dict(os.environ, AURIGRAPH_K8S_PORT=TEST_PORT,
               AURIGRAPH_K8S_STATE=str(tmp_path_factory.mktemp("k8s-state")))
    build = subprocess.run([str(HERE / "build.sh")], env=env, capture_output=True, text=True, check=False)
    if build.returncode != 0:
        reason = (build.stderr.strip().splitlines() or ["no output"])[-1]
        pytest.skip(f"cannot build the Kubernetes control plane binaries (tests/k8s/build.sh): {reason}")
    started = time.monotonic()
    up = subprocess.run([str(HERE / "cluster.sh"), "up"], env=env, capture_output=True, text=True, check=False)
    if up.returncode != 0:
        subprocess.run([str(HERE / "cluster.sh"), "down"], env=env, capture_output=True, check=False)
        pytest.fail(f"cluster.sh up failed:\n{up.stderr[-3000:]}")
    print(f"cluster up in {time.monotonic() - started:.1f}s")
    kubeconfig = Path(env["AURIGRAPH_K8S_STATE"]) / "admin.kubeconfig"
    yield {"kubeconfig": str(kubeconfig), "env": env}
    subprocess.run([str(HERE / "cluster.sh"), "down"], env=env, capture_output=True, check=True)


@pytest.fixture(scope="session")
def api(cluster):
    return config.new_client_from_config(config_file=cluster["kubeconfig"])


@pytest.fixture()
def namespace(api):
    core = client.CoreV1Api(api)
    name = f"t-{uuid.uuid4().hex[:8]}"
    core.create_namespace({"metadata": {"name": name}})
    # Pods need the namespace's default ServiceAccount (created by the serviceaccount controller).
    wait_for("default ServiceAccount", lambda: _exists(core.read_namespaced_service_account, "default", name))
    yield name
    core.delete_namespace(name)


def _exists(read, *args) -> bool:
    try:
        read(*args)
        return True
    except ApiException as exc:
        if exc.status == 404:
            return False
        raise


def deployment(name: str, image: str, replicas: int = 2, progress_deadline: int = 600) -> dict:
    labels = {"app.kubernetes.io/name": name}
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": name, "labels": labels},
        "spec": {
            "replicas": replicas,
            "progressDeadlineSeconds": progress_deadline,
            "selector": {"matchLabels": labels},
            "template": {
                "metadata": {"labels": labels},
                "spec": {"containers": [{
                    "name": "app",
                    "image": image,
                    "ports": [{"name": "http", "containerPort": 9003}],
                    "readinessProbe": {"httpGet": {"path": "/q/health/ready", "port": "http"}},
                    "resources": {"requests": {"cpu": "100m", "memory": "128Mi"}},
                }]},
            },
        },
    }


def service(name: str) -> dict:
    return {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": name},
        "spec": {"selector": {"app.kubernetes.io/name": name},
                 "ports": [{"name": "http", "port": 80, "targetPort": "http"}]},
    }


def rollout_complete(apps: client.AppsV1Api, name: str, ns: str) -> bool:
    """Same test as `kubectl rollout status`: observed, all updated, all available, none old."""
    d = apps.read_namespaced_deployment(name, ns)
    s = d.status
    want = d.spec.replicas
    return bool(
        s.observed_generation and s.observed_generation >= d.metadata.generation
        and (s.updated_replicas or 0) == want
        and (s.ready_replicas or 0) == want
        and (s.available_replicas or 0) == want
        and (s.replicas or 0) == want
    )


def ready_endpoints(api, name: str, ns: str) -> list[dict]:
    discovery = client.DiscoveryV1Api(api)
    slices = discovery.list_namespaced_endpoint_slice(ns, label_selector=f"kubernetes.io/service-name={name}")
    out = []
    for s in slices.items:
        for ep in s.endpoints or []:
            if ep.conditions and ep.conditions.ready:
                out.append({"addresses": ep.addresses, "pod": ep.target_ref.name if ep.target_ref else None,
                            "port": s.ports[0].port if s.ports else None})
    return out


def test_cluster_version_and_nodes(api):
    version = client.VersionApi(api).get_code()
    assert version.git_version.startswith("v1.")
    nodes = client.CoreV1Api(api).list_node().items
    assert nodes, "no fake nodes"
    for node in nodes:
        ready = [c for c in node.status.conditions if c.type == "Ready"]
        assert ready and ready[0].status == "True", node.metadata.name


def test_deployment_rolls_out_and_service_selects_ready_pods(api, namespace):
    apps, core = client.AppsV1Api(api), client.CoreV1Api(api)
    apps.create_namespaced_deployment(namespace, deployment("web", GOOD_IMAGE))
    core.create_namespaced_service(namespace, service("web"))

    wait_for("rollout of web", lambda: rollout_complete(apps, "web", namespace))
    pods = core.list_namespaced_pod(namespace, label_selector="app.kubernetes.io/name=web").items
    assert len(pods) == 2
    assert {p.spec.node_name for p in pods} <= {n.metadata.name for n in core.list_node().items}
    assert all(p.status.phase == "Running" and p.status.pod_ip for p in pods)

    endpoints = wait_for("2 ready endpoints of Service web", lambda: len(ready_endpoints(api, "web", namespace)) == 2
                         and ready_endpoints(api, "web", namespace))
    assert {e["pod"] for e in endpoints} == {p.metadata.name for p in pods}
    assert {e["port"] for e in endpoints} == {9003}

    # A template change rolls out a new ReplicaSet and the old one is scaled to zero.
    apps.patch_namespaced_deployment("web", namespace, {"spec": {"template": {"metadata": {
        "annotations": {"kubectl.kubernetes.io/restartedAt": "2026-01-01T00:00:00Z"}}}}})
    wait_for("restart rollout of web", lambda: rollout_complete(apps, "web", namespace))
    sets = apps.list_namespaced_replica_set(namespace, label_selector="app.kubernetes.io/name=web").items
    assert sorted((rs.spec.replicas for rs in sets)) == [0, 2]


def test_never_ready_rollout_exceeds_its_progress_deadline(api, namespace):
    apps, core = client.AppsV1Api(api), client.CoreV1Api(api)
    apps.create_namespaced_deployment(namespace, deployment("bad", NEVER_READY_IMAGE, progress_deadline=5))
    core.create_namespaced_service(namespace, service("bad"))

    def deadline_exceeded():
        conds = apps.read_namespaced_deployment("bad", namespace).status.conditions or []
        return any(c.type == "Progressing" and c.status == "False" and c.reason == "ProgressDeadlineExceeded"
                   for c in conds)

    wait_for("ProgressDeadlineExceeded on bad", deadline_exceeded, timeout=90)
    status = apps.read_namespaced_deployment("bad", namespace).status
    assert not status.ready_replicas and not status.available_replicas
    assert status.unavailable_replicas == 2
    pods = core.list_namespaced_pod(namespace, label_selector="app.kubernetes.io/name=bad").items
    assert len(pods) == 2
    for pod in pods:
        assert pod.status.phase == "Running"
        assert [c.status for c in pod.status.conditions if c.type == "Ready"] == ["False"]
    assert ready_endpoints(api, "bad", namespace) == []


def test_crash_looping_pods_restart_and_never_become_ready(api, namespace):
    apps, core = client.AppsV1Api(api), client.CoreV1Api(api)
    apps.create_namespaced_deployment(namespace, deployment("crash", CRASH_LOOP_IMAGE, replicas=1))

    def restarted_twice():
        pods = core.list_namespaced_pod(namespace, label_selector="app.kubernetes.io/name=crash").items
        statuses = [cs for p in pods for cs in (p.status.container_statuses or [])]
        return statuses and all(cs.restart_count >= 2 and cs.state.waiting
                                and cs.state.waiting.reason == "CrashLoopBackOff" for cs in statuses) and statuses

    statuses = wait_for("CrashLoopBackOff with restarts", restarted_twice, timeout=60)
    assert statuses[0].last_state.terminated.exit_code == 1
    assert not apps.read_namespaced_deployment("crash", namespace).status.ready_replicas


class _Backend(http.server.ThreadingHTTPServer):
    """A real HTTP process on loopback standing in for the container of one image."""

    def __init__(self, version: str):
        self.version = version
        body = json.dumps({"status": "UP", "version": version}).encode()

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        super().__init__(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.serve_forever, daemon=True)
        self.thread.start()

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.server_address[1]}"

    def close(self):
        self.shutdown()
        self.server_close()


def http_get_via_service(api, svc: str, ns: str, path: str) -> dict:
    """What a smoke test against a Service does without cluster networking: pick a ready endpoint of the
    Service and port-forward to it through the API server (like `kubectl port-forward svc/<svc>`).
    The HTTP exchange is the collection's own (k8s.http_get, used by aurigraph.dlt.k8s_smoke)."""
    endpoints = ready_endpoints(api, svc, ns)
    assert endpoints, f"Service {svc} has no ready endpoint"
    ep = endpoints[0]
    status, _headers, body = pf_http_get(api, ns, ep["pod"], ep["port"], path, host=svc, timeout=10)
    assert status == 200, f"GET {path} via Service {svc} answered HTTP {status}: {body[:200]!r}"
    return json.loads(body)


def test_service_port_forward_reaches_the_backend_of_its_pods_image(api, namespace):
    sys.path.insert(0, str(HERE))
    from kwok_backends import set_backend

    core, apps = client.CoreV1Api(api), client.AppsV1Api(api)
    blue_image, green_image = GOOD_IMAGE, "registry.invalid/aurigraph/aurigraph-v11:11.5.0"
    blue, green = _Backend("11.4.0"), _Backend("11.5.0")
    try:
        set_backend(core, blue_image, blue.address)
        set_backend(core, green_image, green.address)
        apps.create_namespaced_deployment(namespace, deployment("app-blue", blue_image, replicas=1))
        apps.create_namespaced_deployment(namespace, deployment("app-green", green_image, replicas=1))
        core.create_namespaced_service(namespace, service("app-blue"))
        core.create_namespaced_service(namespace, service("app-green"))
        for name in ("app-blue", "app-green"):
            wait_for(f"rollout of {name}", lambda n=name: rollout_complete(apps, n, namespace))
            wait_for(f"endpoint of {name}", lambda n=name: ready_endpoints(api, n, namespace))
            wait_for(f"PortForward for the pod of {name}", lambda n=name: _has_portforward(
                api, namespace, ready_endpoints(api, n, namespace)[0]["pod"]))
        assert http_get_via_service(api, "app-blue", namespace, "/q/health")["version"] == "11.4.0"
        assert http_get_via_service(api, "app-green", namespace, "/q/health")["version"] == "11.5.0"
    finally:
        set_backend(core, blue_image, None)
        set_backend(core, green_image, None)
        blue.close()
        green.close()


def test_rbac_is_enforced_for_a_namespaced_deployer(api, namespace, cluster):
    """Authorization is Node,RBAC: a ServiceAccount can do only what its Role grants."""
    core, rbac = client.CoreV1Api(api), client.RbacAuthorizationV1Api(api)
    core.create_namespaced_service_account(namespace, {"metadata": {"name": "deployer"}})
    rbac.create_namespaced_role(namespace, {
        "metadata": {"name": "deployer"},
        "rules": [{"apiGroups": ["apps"], "resources": ["deployments"], "verbs": ["get", "list", "create", "patch"]}],
    })
    rbac.create_namespaced_role_binding(namespace, {
        "metadata": {"name": "deployer"},
        "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": "deployer"},
        "subjects": [{"kind": "ServiceAccount", "name": "deployer", "namespace": namespace}],
    })
    token = core.create_namespaced_service_account_token(
        "deployer", namespace, {"spec": {"expirationSeconds": 600}}).status.token

    cfg = client.Configuration()
    base = api.configuration
    cfg.host, cfg.ssl_ca_cert = base.host, base.ssl_ca_cert
    cfg.api_key = {"authorization": f"Bearer {token}"}
    as_deployer = client.ApiClient(cfg)

    apps = client.AppsV1Api(as_deployer)
    wait_for("RBAC for the deployer", lambda: _allowed(lambda: apps.list_namespaced_deployment(namespace)))
    apps.create_namespaced_deployment(namespace, deployment("rbac", GOOD_IMAGE, replicas=1))
    with pytest.raises(ApiException) as denied:
        client.CoreV1Api(as_deployer).list_namespaced_secret(namespace)
    assert denied.value.status == 403
    with pytest.raises(ApiException) as denied:
        apps.list_namespaced_deployment("kube-system")
    assert denied.value.status == 403


def _allowed(call) -> bool:
    try:
        call()
        return True
    except ApiException as exc:
        if exc.status == 403:
            return False
        raise


def _standin_releases(tmp_path):
    """Two releases of the real stand-in JVM (tests/standin): a good one and one whose readiness is down."""
    sys.path.insert(0, str(HERE.parent / "standin"))
    try:
        from harness import StandInError, build_base, make_release
    except ImportError as exc:
        pytest.skip(f"stand-in harness not importable: {exc}")
    try:
        base = os.environ.get("AURIGRAPH_STANDIN_JAR") or build_base()
        good = make_release("11.5.0", out_dir=tmp_path / "good", base=base)
        bad = make_release("11.5.1", fault="ready-down", out_dir=tmp_path / "bad", base=base)
    except StandInError as exc:
        pytest.skip(f"cannot build the stand-in JVM (tests/standin): {str(exc).splitlines()[0]}")
    return good, bad


def test_smoke_check_of_a_preview_service_hits_the_standin_jvm(api, namespace, tmp_path):
    """The recommended smoke-test path for k8s_deploy: HTTP through a port-forward to a ready endpoint of the
    preview Service. Under KWOK the bytes end up in the real stand-in JVM mapped to the pod's image."""
    sys.path.insert(0, str(HERE))
    from kwok_backends import set_backend

    good_jar, bad_jar = _standin_releases(tmp_path)
    from harness import StandIn
    core, apps = client.CoreV1Api(api), client.AppsV1Api(api)
    good_image = "registry.invalid/aurigraph/aurigraph-v11:11.5.0"
    bad_image = "registry.invalid/aurigraph/aurigraph-v11:11.5.1"
    with StandIn(good_jar) as good, StandIn(bad_jar) as bad:
        try:
            set_backend(core, good_image, f"127.0.0.1:{good.http_port}")
            set_backend(core, bad_image, f"127.0.0.1:{bad.http_port}")
            for name, image in (("v11-green", good_image), ("v11-red", bad_image)):
                apps.create_namespaced_deployment(namespace, deployment(name, image, replicas=1))
                core.create_namespaced_service(namespace, service(name))
            for name in ("v11-green", "v11-red"):
                wait_for(f"rollout of {name}", lambda n=name: rollout_complete(apps, n, namespace))
                wait_for(f"endpoint of {name}", lambda n=name: ready_endpoints(api, n, namespace))
                wait_for(f"PortForward for {name}", lambda n=name: _has_portforward(
                    api, namespace, ready_endpoints(api, n, namespace)[0]["pod"]))
            info = http_get_via_service(api, "v11-green", namespace, "/api/v11/info")
            assert info["platform"]["version"] == "11.5.0"
            assert http_get_via_service(api, "v11-green", namespace, "/q/health/ready")["status"] == "UP"
            with pytest.raises(AssertionError, match="503"):
                http_get_via_service(api, "v11-red", namespace, "/q/health/ready")
        finally:
            set_backend(core, good_image, None)
            set_backend(core, bad_image, None)


def _has_portforward(api, ns: str, pod: str) -> bool:
    items = client.CustomObjectsApi(api).list_namespaced_custom_object(
        "kwok.x-k8s.io", "v1alpha1", ns, "portforwards")["items"]
    return any(o["metadata"]["name"] == pod for o in items)
