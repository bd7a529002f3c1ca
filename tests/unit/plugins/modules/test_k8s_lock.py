# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Aurigraph DLT contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Unit tests of aurigraph.dlt.k8s_lock against a fake Lease API that behaves like the API server: create refuses
an existing name (409), replace and delete check the resource version (409 on a stale one). The real API server
runs the same module in molecule/k8s_deploy (two deploys at once)."""

from __future__ import annotations

import datetime
from types import SimpleNamespace as NS

import pytest

from ansible_collections.aurigraph.dlt.plugins.module_utils import k8s as pf
from ansible_collections.aurigraph.dlt.plugins.module_utils import k8s_lock as lock_utils
from ansible_collections.aurigraph.dlt.plugins.modules import k8s_lock
from ansible_collections.aurigraph.dlt.tests.unit.plugins.fakes import run_module

pytest.importorskip("kubernetes")

T0 = datetime.datetime(2026, 11, 23, 12, 0, 0, tzinfo=datetime.timezone.utc)
ARGS = {"namespace": "prod", "name": "aurigraph-v11-deploy-lock", "holder": "alice@ctl/1", "label": "deploy 11.5.0"}


class FakeLeases(object):
    """In-memory coordination.k8s.io/v1 Leases of one namespace."""

    def __init__(self):
        self.leases = {}
        self.version = 0
        self.calls = []
        self.before_create = None  # hook: simulate a racing run between read and create

    def _parse(self, stamp):
        return datetime.datetime.strptime(stamp, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=datetime.timezone.utc)

    def _object(self, body):
        spec = body["spec"]
        return NS(metadata=NS(name=body["metadata"]["name"], annotations=body["metadata"].get("annotations"),
                              resource_version=body["metadata"]["resourceVersion"]),
                  spec=NS(holder_identity=spec.get("holderIdentity"),
                          lease_duration_seconds=spec.get("leaseDurationSeconds"),
                          acquire_time=self._parse(spec["acquireTime"]) if spec.get("acquireTime") else None,
                          renew_time=self._parse(spec["renewTime"]) if spec.get("renewTime") else None))

    def _store(self, body):
        self.version += 1
        body = dict(body, metadata=dict(body["metadata"], resourceVersion=str(self.version)))
        self.leases[body["metadata"]["name"]] = body

    def put(self, holder, acquired, ttl=3600, label=""):
        stamp = acquired.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        self._store({"metadata": {"name": ARGS["name"], "annotations": {lock_utils.LABEL_ANNOTATION: label}},
                     "spec": {"holderIdentity": holder, "leaseDurationSeconds": ttl, "acquireTime": stamp,
                              "renewTime": stamp}})

    def holder(self):
        lease = self.leases.get(ARGS["name"])
        return lease["spec"]["holderIdentity"] if lease else None

    def read_namespaced_lease(self, name, namespace):
        self.calls.append(("read", name, namespace))
        if name not in self.leases:
            raise pf.ApiException(status=404, reason="Not Found")
        return self._object(self.leases[name])

    def create_namespaced_lease(self, namespace, body):
        self.calls.append(("create", body["metadata"]["name"], namespace))
        if self.before_create:
            self.before_create()
        if body["metadata"]["name"] in self.leases:
            raise pf.ApiException(status=409, reason="AlreadyExists")
        self._store(body)

    def replace_namespaced_lease(self, name, namespace, body):
        self.calls.append(("replace", name, namespace))
        if self.leases[name]["metadata"]["resourceVersion"] != body["metadata"]["resourceVersion"]:
            raise pf.ApiException(status=409, reason="Conflict")
        self._store(body)

    def delete_namespaced_lease(self, name, namespace, body):
        self.calls.append(("delete", name, namespace))
        if name not in self.leases:
            raise pf.ApiException(status=404, reason="Not Found")
        if self.leases[name]["metadata"]["resourceVersion"] != body["preconditions"]["resourceVersion"]:
            raise pf.ApiException(status=409, reason="Conflict")
        del self.leases[name]


@pytest.fixture
def leases(monkeypatch):
    fake = FakeLeases()
    monkeypatch.setattr(pf, "api_client", lambda kubeconfig, context: "api")
    monkeypatch.setattr(pf.k8s_client, "CoordinationV1Api", lambda api: fake)
    monkeypatch.setattr(pf, "require_kubernetes", lambda: None)
    monkeypatch.setattr(lock_utils, "utcnow", lambda: T0)
    return fake


def test_take_and_release(leases, capsys):
    taken = run_module(k8s_lock.main, ARGS, capsys)
    assert not taken.failed, taken
    assert (taken["changed"], taken["acquired"], taken["holder"]) == (False, True, "alice@ctl/1")
    lease = leases.leases[ARGS["name"]]
    assert lease["spec"]["leaseDurationSeconds"] == 3600
    assert lease["spec"]["acquireTime"] == "2026-11-23T12:00:00.000000Z"
    assert lease["metadata"]["annotations"] == {"aurigraph.io/lock-label": "deploy 11.5.0"}

    again = run_module(k8s_lock.main, ARGS, capsys)
    assert (again["acquired"], again["holder"]) == (False, "alice@ctl/1")  # re-entrant for the same run

    released = run_module(k8s_lock.main, dict(ARGS, state="absent"), capsys)
    assert (released["changed"], released["released"], released["holder"]) == (False, True, None)
    assert leases.leases == {}
    assert run_module(k8s_lock.main, dict(ARGS, state="absent"), capsys)["released"] is False


def test_held_by_another_run_fails_with_who_and_what(leases, capsys):
    leases.put("bob@ci/7", T0 - datetime.timedelta(minutes=5), label="rollback")
    result = run_module(k8s_lock.main, ARGS, capsys)
    assert result.failed
    assert result["msg"] == (
        "the deploy lock prod/aurigraph-v11-deploy-lock is held by bob@ci/7 (rollback) since 2026-11-23T11:55:00Z: "
        "another deploy or rollback is running. Wait for it (timeout), or, if that run is gone, force=true "
        "(aurigraph_k8s_lock_force)")
    assert leases.holder() == "bob@ci/7"
    assert [c[0] for c in leases.calls] == ["read"]


def test_waits_for_the_other_run_up_to_the_timeout(leases, capsys, monkeypatch):
    leases.put("bob@ci/7", T0)
    now = [0.0]

    def sleep(seconds):
        now[0] += seconds
        if now[0] >= 4:
            leases.leases.clear()  # bob released after 4 s

    monkeypatch.setattr(lock_utils.time, "sleep", sleep)
    monkeypatch.setattr(lock_utils.time, "monotonic", lambda: now[0])
    result = run_module(k8s_lock.main, dict(ARGS, timeout=10), capsys)
    assert not result.failed, result
    assert (result["acquired"], result["waited"]) == (True, 4.0)

    leases.put("carol@ci/9", T0)
    now[0] = 100.0
    monkeypatch.setattr(lock_utils.time, "sleep", lambda s: now.__setitem__(0, now[0] + s))
    result = run_module(k8s_lock.main, dict(ARGS, holder="dave@ci/1", timeout=5), capsys)
    assert result.failed and "held by carol@ci/9" in result["msg"]
    assert now[0] == 104.0  # polled at 0, 2 and 4 s, gave up before passing 5 s


def test_expired_lock_is_taken_over_and_named(leases, capsys):
    leases.put("bob@ci/7", T0 - datetime.timedelta(seconds=3601), ttl=3600)
    result = run_module(k8s_lock.main, ARGS, capsys)
    assert not result.failed, result
    assert (result["acquired"], result["previous_holder"]) == (True, "bob@ci/7")
    assert leases.holder() == "alice@ctl/1"
    assert [c[0] for c in leases.calls] == ["read", "replace"]


def test_force_takes_over_a_live_lock(leases, capsys):
    leases.put("bob@ci/7", T0)
    result = run_module(k8s_lock.main, dict(ARGS, force=True), capsys)
    assert not result.failed and result["previous_holder"] == "bob@ci/7"
    assert leases.holder() == "alice@ctl/1"


def test_race_on_create_is_lost_cleanly(leases, capsys):
    leases.before_create = lambda: leases.put("bob@ci/7", T0)  # bob creates between our read and our create
    result = run_module(k8s_lock.main, ARGS, capsys)
    assert result.failed
    assert "was taken by another run at the same moment" in result["msg"]
    assert leases.holder() == "bob@ci/7"


def test_race_on_take_over_is_lost_cleanly(leases, capsys, monkeypatch):
    leases.put("old@ci/1", T0 - datetime.timedelta(hours=2))
    real_replace = leases.replace_namespaced_lease

    def replace(name, namespace, body):
        leases.put("bob@ci/7", T0)  # bob took over the expired lock first: our resource version is stale
        return real_replace(name, namespace, body)

    monkeypatch.setattr(leases, "replace_namespaced_lease", replace)
    result = run_module(k8s_lock.main, ARGS, capsys)
    assert result.failed
    assert "changed while taking it over: another run took it first" in result["msg"]
    assert leases.holder() == "bob@ci/7"


def test_release_leaves_another_runs_lock_alone(leases, capsys):
    leases.put("bob@ci/7", T0)
    result = run_module(k8s_lock.main, dict(ARGS, state="absent"), capsys)
    assert result.failed
    assert "is held by bob@ci/7" in result["msg"] and "left in place" in result["msg"]
    assert leases.holder() == "bob@ci/7"
    forced = run_module(k8s_lock.main, dict(ARGS, state="absent", force=True), capsys)
    assert (forced["released"], forced["previous_holder"]) == (True, "bob@ci/7")
    assert leases.leases == {}


def test_check_mode_changes_nothing(leases, capsys):
    result = run_module(k8s_lock.main, ARGS, capsys, check_mode=True)
    assert not result.failed and result["acquired"] is True
    assert leases.leases == {}
    leases.put("alice@ctl/1", T0)
    result = run_module(k8s_lock.main, dict(ARGS, state="absent"), capsys, check_mode=True)
    assert result["released"] is True and leases.holder() == "alice@ctl/1"


def test_api_errors_are_one_line(leases, capsys, monkeypatch):
    def forbidden(name, namespace):
        raise pf.ApiException(status=403, reason="Forbidden")

    monkeypatch.setattr(leases, "read_namespaced_lease", forbidden)
    result = run_module(k8s_lock.main, ARGS, capsys)
    assert result.failed
    assert result["msg"] == "cannot read the Lease prod/aurigraph-v11-deploy-lock: HTTP 403: Forbidden"


@pytest.mark.parametrize("args,message", [
    (dict(holder=" "), "holder must not be empty"),
    (dict(ttl=0), "ttl must be at least 1 second, got 0"),
    (dict(timeout=-1), "timeout must be 0 or more seconds, got -1"),
])
def test_bad_arguments(leases, capsys, args, message):
    result = run_module(k8s_lock.main, dict(ARGS, **args), capsys)
    assert result.failed and message in result["msg"]
    assert leases.calls == []


def test_connection_falls_back_to_the_k8s_auth_environment(monkeypatch):
    seen = []
    monkeypatch.setattr(pf, "api_client", lambda kubeconfig, context: seen.append((kubeconfig, context)))
    monkeypatch.setenv("K8S_AUTH_KUBECONFIG", "/env/kubeconfig")
    monkeypatch.setenv("K8S_AUTH_CONTEXT", "env-context")
    pf.client_from_params({"kubeconfig": None, "context": ""})
    pf.client_from_params({"kubeconfig": "/opt/deployer.kubeconfig", "context": "prod"})
    monkeypatch.delenv("K8S_AUTH_KUBECONFIG")
    monkeypatch.delenv("K8S_AUTH_CONTEXT")
    pf.client_from_params({})
    assert seen == [("/env/kubeconfig", "env-context"), ("/opt/deployer.kubeconfig", "prod"), (None, None)]


def test_errors_are_one_hierarchy(leases):
    from ansible_collections.aurigraph.dlt.plugins.module_utils import errors, lock
    assert issubclass(lock_utils.LockHeldError, lock.LockError)  # the one lock error of both backends
    assert issubclass(lock.LockError, errors.DltError)
    leases.put("bob@ci/7", T0)
    with pytest.raises(lock_utils.LockHeldError):
        lock_utils.run(dict(ARGS, kubeconfig=None, context=None, state="present", ttl=3600, timeout=0, force=False),
                       check_mode=False)


def test_missing_kubernetes_library_is_a_clear_error(monkeypatch, capsys):
    monkeypatch.setattr(pf, "HAS_KUBERNETES", False)
    monkeypatch.setattr(pf, "KUBERNETES_IMPORT_ERROR", ImportError("No module named 'kubernetes'"))
    result = run_module(k8s_lock.main, ARGS, capsys)
    assert result.failed
    assert "Failed to import the required Python library (kubernetes)" in result["msg"]
