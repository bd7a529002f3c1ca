# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Aurigraph DLT contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Unit tests of aurigraph.dlt.k8s_smoke (module_utils.k8s_smoke: HealthChecker over a port-forward client) and
module_utils.k8s (no cluster: the API client, the EndpointSlice listing and the port-forwarded HTTP are faked; the
real path runs in molecule/k8s_deploy)."""

from __future__ import annotations

import json
from types import SimpleNamespace as NS

import pytest

from ansible_collections.aurigraph.dlt.plugins.module_utils import api as api_utils
from ansible_collections.aurigraph.dlt.plugins.module_utils import errors
from ansible_collections.aurigraph.dlt.plugins.module_utils import k8s as pf
from ansible_collections.aurigraph.dlt.plugins.modules import k8s_smoke
from ansible_collections.aurigraph.dlt.tests.unit.plugins.fakes import run_module

pytest.importorskip("kubernetes")

ARGS = {"namespace": "prod", "service": "aurigraph-v11-preview", "port": 9003, "expected_version": "11.5.0",
        "timeout": 5, "interval": 1}


def http(status, body):
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    return status, {"content-type": "application/json"}, raw


INFO_OK = {"platform": {"version": "11.5.0"}, "build": {"version": "11.5.0", "commit_hash": "abc"}}


class Cluster(object):
    """Fake endpoints + per-(pod, path) answers; answers may be a list consumed in order (last one sticks)."""

    def __init__(self, monkeypatch, endpoints, answers):
        self.endpoints = endpoints
        self.answers = answers
        self.calls = []
        self.now = [0.0]
        self.sleeps = []
        monkeypatch.setattr(pf, "api_client", lambda kubeconfig, context: "api")
        monkeypatch.setattr(pf, "ready_endpoints", self.ready_endpoints)
        monkeypatch.setattr(pf, "http_get", self.http_get)
        monkeypatch.setattr(api_utils, "_clock", lambda: self.now[0])
        monkeypatch.setattr(api_utils, "_sleep", self.sleep)

    def sleep(self, seconds):
        self.sleeps.append(seconds)
        self.now[0] += seconds

    def ready_endpoints(self, api, namespace, service):
        value = self.endpoints.pop(0) if isinstance(self.endpoints, list) and len(self.endpoints) > 1 else None
        if value is None:
            value = self.endpoints[0] if isinstance(self.endpoints, list) else self.endpoints
        return value

    def http_get(self, api, namespace, pod, port, path, host="localhost", timeout=10.0):
        self.calls.append((pod, port, path))
        answer = self.answers[(pod, path)] if (pod, path) in self.answers else self.answers[path]
        if isinstance(answer, list):
            answer = answer.pop(0) if len(answer) > 1 else answer[0]
        if isinstance(answer, Exception):
            raise answer
        return answer


def eps(*pods):
    return [{"pod": p, "port": 8080} for p in pods]


def test_every_ready_pod_is_checked(monkeypatch, capsys):
    cluster = Cluster(monkeypatch, [eps("g-1", "g-2")],
                      {"/q/health/ready": http(200, {"status": "UP"}), "/api/v11/info": http(200, INFO_OK)})
    result = run_module(k8s_smoke.main, ARGS, capsys)
    assert not result.failed, result
    assert result["changed"] is False
    assert [p["pod"] for p in result["pods"]] == ["g-1", "g-2"]
    assert result["version"] == "11.5.0"
    assert ("g-2", 9003, "/api/v11/info") in cluster.calls  # explicit port wins over the EndpointSlice port


def test_version_mismatch_fails_at_once(monkeypatch, capsys):
    cluster = Cluster(monkeypatch, [eps("g-1")], {
        "/q/health/ready": http(200, {"status": "UP"}),
        "/api/v11/info": http(200, {"platform": {"version": "0.0.0-wrong"}, "build": {"version": "0.0.0-wrong"}})})
    result = run_module(k8s_smoke.main, ARGS, capsys)
    assert result.failed
    assert result["msg"] == ("smoke test of Service prod/aurigraph-v11-preview failed after 0 s: pod g-1 of Service "
                             "aurigraph-v11-preview reports version 0.0.0-wrong, expected 11.5.0")
    assert result["attempts"] == 2  # readiness, info: no retry
    assert len(cluster.calls) == 2


def test_readiness_down_is_retried_until_the_timeout(monkeypatch, capsys):
    answers = {"/q/health/ready": http(503, {"status": "DOWN"}), "/api/v11/info": http(200, INFO_OK)}
    cluster = Cluster(monkeypatch, [eps("g-1")], answers)
    result = run_module(k8s_smoke.main, ARGS, capsys)
    assert result.failed
    assert "pod g-1: GET /q/health/ready answered 503" in result["msg"]
    assert "timed out after 5 s waiting for /q/health/ready to be UP; last status DOWN" in result["msg"]
    # HealthChecker's wait: polls at t = 0, 1, 2.5, 4.75 and 5 s (back-off x1.5, never past the timeout)
    assert cluster.sleeps == [1, 1.5, 2.0, 0.5]
    assert result["attempts"] == 5
    assert all(path == "/q/health/ready" for call in cluster.calls for path in call[2:])


def test_recovers_when_endpoints_and_port_forward_come_up(monkeypatch, capsys):
    cluster = Cluster(monkeypatch, [[], eps("g-1"), eps("g-1")], {
        "/q/health/ready": [pf.PortForwardError("port-forward to pod prod/g-1:9003: connection refused"),
                            http(200, {"status": "UP"})],
        "/api/v11/info": http(200, INFO_OK)})
    result = run_module(k8s_smoke.main, ARGS, capsys)
    assert not result.failed, result
    assert result["attempts"] == 4  # no endpoint, port-forward refused, UP; then info
    assert cluster.now[0] == 2.5


def test_too_few_ready_pods(monkeypatch, capsys):
    Cluster(monkeypatch, [eps("g-1")], {"/q/health/ready": http(200, {}), "/api/v11/info": http(200, INFO_OK)})
    result = run_module(k8s_smoke.main, dict(ARGS, min_pods=2), capsys)
    assert result.failed
    assert "has 1 ready endpoint(s), 2 needed" in result["msg"]


def test_non_json_info_fails(monkeypatch, capsys):
    Cluster(monkeypatch, [eps("g-1")], {"/q/health/ready": http(200, {}), "/api/v11/info": http(200, b"<html>")})
    result = run_module(k8s_smoke.main, ARGS, capsys)
    assert result.failed
    assert "GET /api/v11/info returned HTTP 200 with a body that is not a JSON object" in result["msg"]


def test_no_version_check_and_first_pod_only(monkeypatch, capsys):
    answers = {"/q/health/ready": http(200, {}), "/api/v11/info": http(200, {"version": "x"})}
    cluster = Cluster(monkeypatch, [eps("g-1", "g-2")], answers)
    result = run_module(k8s_smoke.main, dict(ARGS, expected_version="", all_pods=False, port=0), capsys)
    assert not result.failed
    assert result["pods"] == [{"pod": "g-1", "port": 8080, "ready_status": 200, "version": "x"}]
    assert {c[0] for c in cluster.calls} == {"g-1"}


def test_bad_kubeconfig_is_one_line(monkeypatch, capsys, tmp_path):
    missing = tmp_path / "nope.kubeconfig"
    result = run_module(k8s_smoke.main, dict(ARGS, kubeconfig=str(missing)), capsys)
    assert result.failed
    assert result["msg"].startswith("cannot load the kubeconfig %s" % missing)
    assert "\n" not in result["msg"]


# ---------------------------------------------------------------- module_utils.k8s
def test_parse_http_content_length_and_chunked():
    assert pf._parse_http(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}xx") == (200, {"content-length": "2"}, b"{}")
    chunked = b"HTTP/1.1 503 Service Unavailable\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nDOWN\r\n2\r\n!!\r\n0\r\n\r\n"
    status, headers, body = pf._parse_http(chunked)
    assert (status, body) == (503, b"DOWN!!")
    assert pf._complete(chunked)
    assert not pf._complete(b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n{}")
    assert issubclass(pf.PortForwardError, errors.DltError)
    with pytest.raises(pf.PortForwardError, match="not an HTTP answer"):
        pf._parse_http(b"SSH-2.0-OpenSSH\r\n\r\n")
    with pytest.raises(pf.PortForwardError, match="incomplete HTTP answer"):
        pf._parse_http(b"HTTP/1.1 200 OK\r\nContent-")


def test_ready_endpoints_keeps_ready_pods_only(monkeypatch):
    def ep(name, ready, terminating=False, kind="Pod"):
        return NS(conditions=NS(ready=ready, terminating=terminating), target_ref=NS(kind=kind, name=name))

    endpoints = [ep("b", True), ep("a", True), ep("c", False), ep("d", True, terminating=True),
                 ep("e", True, kind="Node")]
    slices = NS(items=[NS(ports=[NS(port=9003)], endpoints=endpoints), NS(ports=None, endpoints=None)])
    seen = {}

    class Discovery(object):
        def __init__(self, api):
            seen["api"] = api

        def list_namespaced_endpoint_slice(self, namespace, label_selector):
            seen["args"] = (namespace, label_selector)
            return slices

    monkeypatch.setattr(pf.k8s_client, "DiscoveryV1Api", Discovery)
    assert pf.ready_endpoints("api", "prod", "svc") == [{"pod": "a", "port": 9003}, {"pod": "b", "port": 9003}]
    assert seen["args"] == ("prod", "kubernetes.io/service-name=svc")


def test_ready_path_must_be_a_health_probe(monkeypatch, capsys):
    Cluster(monkeypatch, [eps("g-1")], {})
    result = run_module(k8s_smoke.main, dict(ARGS, ready_path="/ready"), capsys)
    assert result.failed
    assert "value of ready_path must be one of" in result["msg"]


def test_missing_kubernetes_library_is_a_clear_error(monkeypatch, capsys):
    monkeypatch.setattr(pf, "HAS_KUBERNETES", False)
    monkeypatch.setattr(pf, "KUBERNETES_IMPORT_ERROR", ImportError("No module named 'kubernetes'"))
    result = run_module(k8s_smoke.main, ARGS, capsys)
    assert result.failed
    assert "Failed to import the required Python library (kubernetes)" in result["msg"]
