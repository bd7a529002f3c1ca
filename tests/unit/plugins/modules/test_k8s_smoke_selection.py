# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Aurigraph DLT contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Unit tests of k8s_smoke's pod_selector (wait until a just-switched Service reaches the intended colour) and
paths (extra checks, e.g. post-promotion), plus module_utils.k8s.pod_names."""

from __future__ import annotations

from types import SimpleNamespace as NS

import pytest

from ansible_collections.aurigraph.dlt.plugins.module_utils import k8s as pf
from ansible_collections.aurigraph.dlt.plugins.modules import k8s_smoke
from ansible_collections.aurigraph.dlt.tests.unit.plugins.fakes import run_module
from ansible_collections.aurigraph.dlt.tests.unit.plugins.modules.test_k8s_smoke import (
    ARGS, INFO_OK, Cluster, eps, http)

pytest.importorskip("kubernetes")

OK = {"/q/health/ready": http(200, {"status": "UP"}), "/api/v11/info": http(200, INFO_OK)}
STABLE = dict(ARGS, service="aurigraph-v11", pod_selector="app=aurigraph-v11,color=green")


def selected(monkeypatch, names):
    seen = []

    def pod_names(api, namespace, selector):
        seen.append((namespace, selector))
        return names

    monkeypatch.setattr(pf, "pod_names", pod_names)
    return seen


def test_old_colour_endpoints_are_waited_out(monkeypatch, capsys):
    # the EndpointSlice still lists a blue pod right after the switch, then only green ones
    cluster = Cluster(monkeypatch, [eps("b-1", "g-1"), eps("g-1", "g-2")], OK)
    seen = selected(monkeypatch, ["g-1", "g-2"])
    result = run_module(k8s_smoke.main, STABLE, capsys)
    assert not result.failed, result
    assert cluster.sleeps == [1]  # one wait while the blue pod was still an endpoint
    assert [p["pod"] for p in result["pods"]] == ["g-1", "g-2"]
    assert {c[0] for c in cluster.calls} == {"g-1", "g-2"}  # never asked the blue pod for its version
    assert seen[0] == ("prod", "app=aurigraph-v11,color=green")


def test_endpoints_that_never_reach_the_colour_fail_after_the_timeout(monkeypatch, capsys):
    cluster = Cluster(monkeypatch, [eps("b-1")], OK)
    selected(monkeypatch, ["g-1"])
    result = run_module(k8s_smoke.main, STABLE, capsys)
    assert result.failed
    assert ("Service prod/aurigraph-v11 still has 1 endpoint(s) outside app=aurigraph-v11,color=green: b-1"
            in result["msg"])
    assert cluster.calls == []


def test_without_selector_no_pod_listing(monkeypatch, capsys):
    Cluster(monkeypatch, [eps("x-1")], OK)
    monkeypatch.setattr(pf, "pod_names", lambda *a: pytest.fail("pod_names called without a selector"))
    result = run_module(k8s_smoke.main, ARGS, capsys)
    assert not result.failed, result


def test_extra_paths_must_answer_200(monkeypatch, capsys):
    answers = dict(OK, **{"/api/v11/health": http(200, {"status": "HEALTHY"}), "/custom": http(404, b"nope")})
    cluster = Cluster(monkeypatch, [eps("g-1")], answers)
    result = run_module(k8s_smoke.main, dict(ARGS, paths=["/api/v11/health", "/custom"]), capsys)
    assert result.failed
    assert "pod g-1: GET /custom answered 404 nope" in result["msg"]
    assert ("g-1", 9003, "/api/v11/health") in cluster.calls
    assert cluster.sleeps == []  # a 404 is an answer: it fails at once (only 502/503/504 are retried)


def test_extra_paths_pass(monkeypatch, capsys):
    cluster = Cluster(monkeypatch, [eps("g-1")], dict(OK, **{"/api/v11/health": http(200, {})}))
    result = run_module(k8s_smoke.main, dict(ARGS, paths=["/api/v11/health"]), capsys)
    assert not result.failed, result
    assert [c[2] for c in cluster.calls] == ["/q/health/ready", "/api/v11/info", "/api/v11/health"]


def test_pod_names_lists_by_selector(monkeypatch):
    seen = {}

    class Core(object):
        def __init__(self, api):
            seen["api"] = api

        def list_namespaced_pod(self, namespace, label_selector):
            seen["args"] = (namespace, label_selector)
            return NS(items=[NS(metadata=NS(name="g-2")), NS(metadata=NS(name="g-1"))])

    monkeypatch.setattr(pf.k8s_client, "CoreV1Api", Core)
    assert pf.pod_names("api", "prod", "color=green") == ["g-1", "g-2"]
    assert seen == {"api": "api", "args": ("prod", "color=green")}


def test_pod_names_api_error_is_one_line(monkeypatch):
    class Core(object):
        def __init__(self, api):
            pass

        def list_namespaced_pod(self, namespace, label_selector):
            raise pf.ApiException(status=403, reason="Forbidden")

    monkeypatch.setattr(pf.k8s_client, "CoreV1Api", Core)
    with pytest.raises(pf.errors.K8sError, match="cannot list the pods color=green in prod"):
        pf.pod_names("api", "prod", "color=green")


def test_extra_path_answering_503_is_retried_by_the_client(monkeypatch, capsys):
    answers = dict(OK, **{"/custom": [http(503, b"busy"), http(200, {})]})
    cluster = Cluster(monkeypatch, [eps("g-1")], answers)
    result = run_module(k8s_smoke.main, dict(ARGS, paths=["/custom"]), capsys)
    assert not result.failed, result
    assert [c[2] for c in cluster.calls].count("/custom") == 2
