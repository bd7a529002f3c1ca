# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Aurigraph DLT contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Unit tests of module_utils.release_store and of release_record / release_info with ``configmap``, against a fake
ConfigMap API that behaves like the API server: create refuses an existing name (409), replace refuses a stale
resourceVersion (409). The real API server runs the same code in molecule/k8s_deploy."""

from __future__ import annotations

import json
from types import SimpleNamespace as NS

import pytest

from ansible_collections.aurigraph.dlt.plugins.module_utils import errors
from ansible_collections.aurigraph.dlt.plugins.module_utils import k8s as k8s_utils
from ansible_collections.aurigraph.dlt.plugins.module_utils import release_store, releases
from ansible_collections.aurigraph.dlt.plugins.modules import release_info, release_record
from ansible_collections.aurigraph.dlt.tests.unit.plugins.fakes import run_module

pytest.importorskip("kubernetes")

CM = {"name": "aurigraph-v11-releases", "namespace": "prod"}
IMAGE = "registry.invalid/aurigraph-v11:11.5.0"


class FakeConfigMaps(object):
    """In-memory core/v1 ConfigMaps of one namespace."""

    def __init__(self):
        self.maps = {}
        self.version = 0
        self.calls = []
        self.before_write = None  # hook: another writer between our read and our write

    def _store(self, body):
        self.version += 1
        metadata = dict(body["metadata"], resourceVersion=str(self.version))
        self.maps[body["metadata"]["name"]] = dict(body, metadata=metadata)

    def records(self, name=CM["name"]):
        return json.loads(self.maps[name]["data"][release_store.KEY])

    def read_namespaced_config_map(self, name, namespace):
        self.calls.append(("read", name, namespace))
        if name not in self.maps:
            raise k8s_utils.ApiException(status=404, reason="Not Found")
        body = self.maps[name]
        return NS(data=dict(body.get("data") or {}), metadata=NS(resource_version=body["metadata"]["resourceVersion"]))

    def _hook(self):
        if self.before_write:
            hook, self.before_write = self.before_write, None
            hook()

    def create_namespaced_config_map(self, namespace, body):
        self.calls.append(("create", body["metadata"]["name"], namespace))
        self._hook()
        if body["metadata"]["name"] in self.maps:
            raise k8s_utils.ApiException(status=409, reason="AlreadyExists")
        self._store(body)

    def replace_namespaced_config_map(self, name, namespace, body):
        self.calls.append(("replace", name, namespace))
        self._hook()
        if self.maps[name]["metadata"]["resourceVersion"] != body["metadata"]["resourceVersion"]:
            raise k8s_utils.ApiException(status=409, reason="Conflict")
        self._store(body)


@pytest.fixture
def maps(monkeypatch):
    fake = FakeConfigMaps()
    seen = []
    monkeypatch.setattr(k8s_utils, "api_client", lambda kubeconfig, context: seen.append((kubeconfig, context)))
    monkeypatch.setattr(k8s_utils.k8s_client, "CoreV1Api", lambda api: fake)
    fake.seen = seen
    return fake


def rec(capsys, check_mode=False, diff=False, **args):
    args.setdefault("configmap", dict(CM))
    return run_module(release_record.main, args, capsys, check_mode=check_mode, diff=diff)


def deploy(capsys, rid, status="good", **extra):
    first = rec(capsys, release_id=rid, version=rid.split("-")[0], artifact=IMAGE, method="k8s", user="ops")
    assert not first.failed, first
    return rec(capsys, release_id=rid, status=status, current=True, user="ops", **extra)


def test_records_in_a_configmap_have_the_fields_of_the_host_methods(maps, capsys):
    first = rec(capsys, release_id="11.5.0-aa", version="11.5.0", artifact=IMAGE, method="k8s", commit="abc",
                user="alice@ctl")
    assert first["changed"] and first["record"]["status"] == "pending"
    assert [c[0] for c in maps.calls] == ["read", "create"]
    good = rec(capsys, release_id="11.5.0-aa", status="good", current=True, user="alice@ctl")
    assert good["changed"] and good["current_id"] == "11.5.0-aa"
    record = maps.records()["releases"]["11.5.0-aa"]
    for field in ("id", "version", "artifact", "method", "commit", "status", "seq", "created_at", "created_by",
                  "activated_at", "activated_by", "activated_seq"):
        assert record.get(field) is not None, field
    assert (record["method"], record["status"], record["activated_by"]) == ("k8s", "good", "alice@ctl")
    cm = maps.maps[CM["name"]]
    assert cm["metadata"]["labels"]["app.kubernetes.io/managed-by"] == "aurigraph.dlt"
    # the stored text is exactly what a host keeps in releases.json
    assert cm["data"]["releases.json"] == release_store.dump(maps.records())


def test_unchanged_is_not_written(maps, capsys):
    deploy(capsys, "11.5.0-aa")
    calls = len(maps.calls)
    again = rec(capsys, release_id="11.5.0-aa", status="good", current=True, user="ops")
    assert again["changed"] is False
    assert [c[0] for c in maps.calls[calls:]] == ["read"]


def test_check_mode_and_diff_do_not_write(maps, capsys):
    res = rec(capsys, check_mode=True, diff=True, release_id="11.5.0-aa", version="11.5.0")
    assert res["changed"] and maps.maps == {}
    assert '"11.5.0-aa"' in res["diff"]["after"] and '"11.5.0-aa"' not in res["diff"]["before"]
    assert res["diff"]["before_header"] == "ConfigMap prod/aurigraph-v11-releases (releases.json)"


def test_a_concurrent_write_is_not_lost(maps, capsys):
    deploy(capsys, "11.4.0-aa")
    # another run marks 11.4.0 failed between our read and our write: we re-read and re-apply
    maps.before_write = lambda: maps._store(dict(maps.maps[CM["name"]], data={
        release_store.KEY: release_store.dump(dict(maps.records(), note="other run"))}))
    res = rec(capsys, release_id="11.5.0-bb", version="11.5.0", artifact=IMAGE, method="k8s", user="ops")
    assert not res.failed and res["changed"]
    data = maps.records()
    assert data.get("note") == "other run" and "11.5.0-bb" in data["releases"]
    assert [c[0] for c in maps.calls[-4:]] == ["read", "replace", "read", "replace"]


def test_a_concurrent_create_is_retried_as_a_replace(maps, capsys):
    maps.before_write = lambda: maps._store({"metadata": {"name": CM["name"]},
                                             "data": {release_store.KEY: release_store.dump(releases.empty())}})
    res = rec(capsys, release_id="11.5.0-bb", version="11.5.0")
    assert not res.failed and res["changed"]
    assert [c[0] for c in maps.calls] == ["read", "create", "read", "replace"]


def test_endless_conflicts_give_up_with_a_clear_message(maps, capsys, monkeypatch):
    deploy(capsys, "11.4.0-aa")

    def always_conflict(name, namespace, body):
        raise k8s_utils.ApiException(status=409, reason="Conflict")

    monkeypatch.setattr(maps, "replace_namespaced_config_map", always_conflict)
    res = rec(capsys, release_id="11.5.0-bb", version="11.5.0")
    assert res.failed
    assert res["msg"] == ("the release records in ConfigMap prod/aurigraph-v11-releases (releases.json) kept changing "
                          "while being written (6 attempts): another run writes them at the same time")


def test_api_errors_and_bad_content_are_one_line(maps, capsys, monkeypatch):
    maps.maps[CM["name"]] = {"metadata": {"name": CM["name"], "resourceVersion": "1"},
                             "data": {release_store.KEY: "{oops"}}
    res = rec(capsys, release_id="11.5.0-bb", version="11.5.0")
    assert res.failed and "are not valid JSON" in res["msg"] and "Traceback" not in res.raw

    def forbidden(name, namespace):
        raise k8s_utils.ApiException(status=403, reason="Forbidden")

    monkeypatch.setattr(maps, "read_namespaced_config_map", forbidden)
    res = run_module(release_info.main, {"configmap": dict(CM)}, capsys)
    assert res.failed
    assert res["msg"] == ("cannot read the release records in ConfigMap prod/aurigraph-v11-releases (releases.json): "
                          "HTTP 403: Forbidden")


def test_release_info_reads_the_configmap(maps, capsys):
    empty = run_module(release_info.main, {"configmap": dict(CM)}, capsys)
    assert not empty.failed and empty["exists"] is False and empty["releases"] == []
    deploy(capsys, "11.4.0-aa")
    deploy(capsys, "11.5.0-bb")
    res = run_module(release_info.main, {"configmap": dict(CM, kubeconfig="/k", context="c")}, capsys)
    assert res["exists"] is True
    assert (res["current_id"], res["rollback_target"]["id"]) == ("11.5.0-bb", "11.4.0-aa")
    assert maps.seen[-1] == ("/k", "c")
    auto = run_module(release_info.main, {"configmap": dict(CM), "failed_release": "11.5.0-bb"}, capsys)
    assert auto["rollback_target"]["id"] == "11.4.0-aa"


@pytest.mark.parametrize("module", [release_record.main, release_info.main])
def test_path_and_configmap_are_exclusive_and_one_is_required(maps, capsys, tmp_path, module):
    both = run_module(module, {"path": str(tmp_path / "r.json"), "configmap": dict(CM), "release_id": "x"}, capsys)
    assert both.failed and "mutually exclusive" in both["msg"]
    none = run_module(module, {"release_id": "x"}, capsys)
    assert none.failed and "one of the following is required: path, configmap" in none["msg"]


def test_missing_kubernetes_library_is_a_clear_error(maps, capsys, monkeypatch, tmp_path):
    monkeypatch.setattr(k8s_utils, "HAS_KUBERNETES", False)
    monkeypatch.setattr(k8s_utils, "KUBERNETES_IMPORT_ERROR", ImportError("No module named 'kubernetes'"))
    res = rec(capsys, release_id="11.5.0-bb")
    assert res.failed and "Failed to import the required Python library (kubernetes)" in res["msg"]
    # the file store does not need it
    assert not run_module(release_record.main, {"path": str(tmp_path / "r.json"), "release_id": "11.5.0-bb"},
                          capsys).failed


def test_file_store_update_and_errors(tmp_path):
    store = release_store.FileStore(str(tmp_path / "releases.json"))
    assert store.exists() is False and store.describe().endswith("releases.json")
    before, after, changed, extra = release_store.update(
        store, lambda data: (releases.ensure(data, "1.0-a", {"version": "1.0"}), "x"))
    assert changed and extra == "x" and before["releases"] == {} and store.exists()
    assert release_store.read(store)["releases"]["1.0-a"]["version"] == "1.0"
    with pytest.raises(releases.ReleaseError):
        release_store.update(store, lambda data: (releases.set_status(data, "nope", "good"), None))
    assert issubclass(releases.ReleaseError, errors.DltError)
    assert issubclass(release_store.StoreConflictError, releases.ReleaseError)
