# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Aurigraph DLT contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The controller-side job templates (token admin, bridge retry, health) run as AWX runs them, against the
stand-in service on loopback: survey answers as env/extravars, the Aurigraph V11 API credential as env/envvars.
The planted admin token must appear in no job event, no stdout and no artifact other than ansible-runner's
``command`` file (the process environment, which AWX keeps inside the ephemeral worker and redacts)."""

from __future__ import annotations

import hashlib
import json
import secrets
import stat
import sys

import pytest

from awx_runner import files_containing, injector_env, run_job, survey_answers
from conftest import ADMIN_TOKEN

LOCAL = "localhost ansible_connection=local ansible_python_interpreter=%s\n" % sys.executable
NODES = "[aurigraph_nodes]\n" + LOCAL


def assert_token_nowhere(job, token=ADMIN_TOKEN):
    """The token is in no event, stdout or artifact; the only exception is runner's env dump ``command`` (0600)."""
    assert token not in json.dumps(job.events), "token in a job event of %s" % job.name
    assert token not in job.stdout, "token in the stdout of %s" % job.name
    hits = files_containing(token, job.artifact_dir)
    assert hits == ["command"], "token in artifact files %s of %s" % (hits, job.name)
    assert stat.S_IMODE((job.artifact_dir / "command").stat().st_mode) == 0o600
    # What AWX keeps after the job: events and stdout only (the private data dir is deleted).
    assert files_containing(token, job.private_data_dir / "env") == ["envvars"]


def ok_result(job, task):
    events = [e for e in job.events_of("runner_on_ok") if e["event_data"].get("task") == task]
    assert events, "no ok event for %r in %s" % (task, job.describe())
    return events[-1]["event_data"]["res"]


def test_token_admin_blacklists_and_cleans_up(tmp_path, standin):
    hashes = [hashlib.sha256(("awx-" + secrets.token_hex(8)).encode()).hexdigest() for index in range(2)]
    job = run_job(tmp_path, "Token admin", inventory=LOCAL,
                  answers={"token_admin_blacklist": ", ".join(hashes), "token_admin_blacklist_reason": "INC-18",
                           "token_admin_cleanup": "true", "token_admin_stats_user": "admin@aurigraph.io"},
                  envvars=injector_env(standin.url, ADMIN_TOKEN))
    assert (job.status, job.rc) == ("successful", 0), job.describe()
    assert job.events_of("playbook_on_stats"), "no stats event"
    report = ok_result(job, "Report")["msg"]
    assert report["blacklisted"] == ["0:%s" % hashes[0][:8], "1:%s" % hashes[1][:8]]
    assert report["expired_tokens_removed"] == 3
    assert report["user_stats"] != "not requested"
    status, headers, body = standin.request("GET", "/api/v11/auth/tokens/blacklist/stats", token=ADMIN_TOKEN)
    assert status == 200, body
    assert_token_nowhere(job)
    # The hashes came from a password field: AWX shows them as $encrypted$; the job reports 8 characters only.
    for full in hashes:
        assert full not in json.dumps(job.events) and full not in job.stdout


def test_token_admin_with_a_wrong_token_fails_without_leaking(tmp_path, standin):
    wrong = "awx-wrong-" + secrets.token_hex(20)
    job = run_job(tmp_path, "Token admin", inventory=LOCAL, answers={"token_admin_cleanup": "true"},
                  envvars=injector_env(standin.url, wrong))
    assert job.status == "failed" and job.rc != 0, job.describe()
    assert "Remove expired tokens and expired blacklist entries" in job.failed_tasks()
    assert "401" in job.stdout or "nauthori" in job.stdout, job.describe()
    assert_token_nowhere(job, wrong)


def test_bridge_retry_retries_stuck_transfers(tmp_path, standin):
    job = run_job(tmp_path, "Bridge retry", inventory=LOCAL, answers={"bridge_retry_wait": "true"},
                  envvars=injector_env(standin.url, ADMIN_TOKEN))
    assert (job.status, job.rc) == ("successful", 0), job.describe()
    res = ok_result(job, "Retry transfers stuck for more than 1h")
    assert res["changed"] is True
    stuck = [t for t in res["transfers"] if t["transfer_id"].startswith("tx-stuck-")]
    assert len(stuck) == 5 and all(t["outcome"] == "completed" for t in stuck), res["transfers"]
    assert_token_nowhere(job)


def test_health_reports_the_service(tmp_path, standin):
    job = run_job(tmp_path, "Health", inventory=NODES, answers={"aurigraph_health_wait": "ready"},
                  extra_vars={"aurigraph_api_url": standin.url})
    assert (job.status, job.rc) == ("successful", 0), job.describe()
    res = ok_result(job, "Read health, info and readiness")
    assert res["ready"] is True and res["version"] == "11.4.5"
    assert not files_containing(ADMIN_TOKEN, job.artifact_dir)


def test_survey_answers_are_refused_like_awx_refuses_a_launch():
    with pytest.raises(ValueError, match="required"):
        survey_answers("deploy", {"aurigraph_version": "11.4.5"})
    with pytest.raises(ValueError, match="not one of"):
        survey_answers("health", {"aurigraph_health_wait": "forever"})
    with pytest.raises(ValueError, match="not in the survey"):
        survey_answers("bridge_retry", {"aurigraph_api_token": "x"})
    assert survey_answers("bridge_retry", {}) == {
        "bridge_retry_older_than": "1h", "bridge_retry_include_failed": "false", "bridge_retry_wait": "false",
        "bridge_retry_wait_timeout": 600, "bridge_retry_concurrency": 4}
