# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Aurigraph DLT contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

import datetime

import pytest

from conftest import start_standin  # pylint: disable=import-error
from harness import make_release  # pylint: disable=import-error


@pytest.fixture(scope="module")
def healthy(base_jar):
    before = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(seconds=2)
    svc = start_standin(base_jar, env={"GIT_COMMIT": "4f2a9c1e"}, wait_for=None)
    yield svc, before.strftime("%Y-%m-%dT%H:%M:%SZ")
    svc.close()


def test_wait_ready_and_verify(healthy, playbook):
    svc, before = healthy
    run = playbook([{"name": "gate", "aurigraph.dlt.health_info": {
        "wait_for": "ready", "timeout": 90, "interval": 1, "expected_commit": "4f2a9c1e",
        "started_after": before, "expected_version": "11.4.4"}}], svc.url)
    res = run.result("gate")
    assert run.rc == 0, res
    assert res["changed"] is False and res["ready"] is True and res["status"] == "UP"
    assert res["commit"] == "4f2a9c1e" and res["version"] == "11.4.4"
    assert res["api_health"]["status"] == "UP" and res["api_health"]["checks"]
    assert all(c["status"] == "UP" for c in res["checks"])
    assert res["start_time"]


def test_read_only_in_check_mode(healthy, playbook):
    svc, _before = healthy
    run = playbook([{"name": "read", "aurigraph.dlt.health_info": {}}], svc.url, check=True)
    res = run.result("read")
    assert run.rc == 0 and res["changed"] is False and res["info"]["platform"]


def test_version_and_restart_mismatch(healthy, playbook):
    svc, _before = healthy
    run = playbook([{"name": "gate", "aurigraph.dlt.health_info": {
        "wait_for": "ready", "timeout": 30, "expected_version": "11.9.9"}}], svc.url)
    res = run.result("gate")
    assert run.rc != 0 and res["msg"] == "version mismatch: expected 11.9.9, service reports 11.4.4"
    assert res["ready"] is True and res["version"] == "11.4.4"
    run = playbook([{"name": "gate", "aurigraph.dlt.health_info": {
        "wait_for": "ready", "timeout": 30, "started_after": "2999-01-01T00:00:00Z"}}], svc.url)
    assert run.result("gate")["msg"].startswith("the service was not restarted: runtime.start_time ")


def test_ready_down_times_out_listing_checks(base_jar, release_dir, playbook):
    jar = make_release("11.4.5", "ready-down", release_dir + "/ready-down")
    svc = start_standin(jar, wait_for="started")
    try:
        run = playbook([{"name": "gate", "aurigraph.dlt.health_info": {
            "wait_for": "ready", "timeout": 5, "interval": 1}}], svc.url)
        res = run.result("gate")
        assert run.rc != 0
        assert res["msg"].startswith("timed out after 5 s waiting for /q/health/ready to be UP; last status DOWN, "
                                     "checks DOWN: ")
        assert res["ready"] is False and 4 <= res["elapsed"] <= 20
    finally:
        svc.close()


def test_unreachable_service(playbook):
    run = playbook([{"name": "gate", "aurigraph.dlt.health_info": {"wait_for": "ready", "timeout": 3}}],
                   "http://127.0.0.1:9")
    res = run.result("gate")
    assert run.rc != 0
    assert res["msg"].startswith("timed out after 3 s waiting for /q/health/ready to be UP; last error: cannot reach "
                                 "the Aurigraph API at http://127.0.0.1:9")
    assert "Traceback" not in run.stdout + run.stderr
