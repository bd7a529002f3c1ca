# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Aurigraph DLT contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Deploy, rollback and the "Deploy with rollback" workflow run as AWX runs them, against one systemd test node
(a container of aurigraph/node:current, network none, reached with the community.docker.docker connection).

Order matters (one node, state carried over): the workflow deploys a good release (ends successful after
preflight and deploy), then a release whose readiness stays DOWN: the deploy job fails and leaves it in place
(workflow extra var), the rollback job rolls back (visible in its events), the last node fails, the workflow
ends failed. The in-job automatic rollback of a plain Deploy job is covered by molecule/jar_failures.
Pipelining is on (ANSIBLE_PIPELINING in the job environment): it halves the docker exec calls per task.
"""

from __future__ import annotations

import json

import pytest

from awx_runner import OBJECTS, run_job, run_workflow, systemd_node
from conftest import make_release

NODE = "aurigraph-awx-node"
ADMIN = "awx-node-token-not-planted"
INVENTORY = """[aurigraph_nodes]
%s ansible_connection=community.docker.docker ansible_python_interpreter=/usr/bin/python3
""" % NODE
# What the AWX inventory would hold (the surveys carry only the release): small heap, low thresholds.
GROUP_VARS = {
    "aurigraph_java_opts": "-Xms32m -Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1",
    "aurigraph_min_memory_gb": 0.25,
    "aurigraph_min_disk_gb": 0.5,
    "aurigraph_health_timeout": 30,
    "aurigraph_restart_sec": 1,
    "aurigraph_env": {"AURIGRAPH_API_TOKENS": ADMIN},
}
JOB_ENV = {"ANSIBLE_PIPELINING": "True"}


@pytest.fixture(scope="module")
def node():
    with systemd_node(NODE) as name:
        yield name


@pytest.fixture(scope="module")
def releases(release_dir):
    out = {}
    for version, fault in (("11.4.5", "none"), ("11.5.0", "ready-down")):
        jar = make_release(version, fault, str(release_dir))
        with open(jar + ".sha256", encoding="utf-8") as handle:
            out[version] = {"aurigraph_artifact": jar, "aurigraph_artifact_sha256": handle.read().strip(),
                            "aurigraph_version": version}
    return out


def launch(tmp_path, answers):
    def _launch(template, workflow_extra_vars):
        jt = next(j for j in OBJECTS["awx_job_templates"] if j["name"] == template)
        # The workflow's survey answers reach the nodes whose template has that survey (AWX: prompts / survey).
        mine = answers if jt["survey"] == OBJECTS["awx_workflow"]["survey"] else {}
        return run_job(tmp_path, template, answers=mine, inventory=INVENTORY, extra_vars=workflow_extra_vars,
                       group_vars=GROUP_VARS, envvars=JOB_ENV)
    return _launch


def node_version(tmp_path):
    job = run_job(tmp_path, "Health", answers={"aurigraph_health_wait": "ready"}, inventory=INVENTORY,
                  group_vars=GROUP_VARS, envvars=JOB_ENV)
    assert job.status == "successful", job.describe()
    res = [e for e in job.events_of("runner_on_ok") if e["event_data"]["task"] == "Read health, info and readiness"]
    return res[-1]["event_data"]["res"]["version"]


def started_tasks(job):
    return [e["event_data"].get("task", "") for e in job.events_of("playbook_on_task_start")]


def test_workflow_with_a_good_release_ends_successful(tmp_path, node, releases):
    status, ran = run_workflow(tmp_path, OBJECTS["awx_workflow"], launch(tmp_path, releases["11.4.5"]))
    assert [(i, j.status) for i, j in ran] == [("preflight", "successful"), ("deploy", "successful")], \
        "\n".join(j.describe() for ident, j in ran)
    assert status == "successful"
    assert node_version(tmp_path) == "11.4.5"


def test_workflow_ends_failed_when_the_rollback_branch_ran(tmp_path, node, releases):
    status, ran = run_workflow(tmp_path, OBJECTS["awx_workflow"], launch(tmp_path, releases["11.5.0"]))
    summary = [(i, j.status) for i, j in ran]
    assert summary == [("preflight", "successful"), ("deploy", "failed"), ("rollback", "successful"),
                       ("fail_after_rollback", "failed")], "\n".join(j.describe() for ident, j in ran)
    deploy, rollback = ran[1][1], ran[2][1]
    # The deploy node left the failed release in place (workflow extra var), the rollback node rolled back.
    assert any("automatic rollback is disabled" in e["event_data"]["res"].get("msg", "")
               for e in deploy.events_of("runner_on_failed")), deploy.describe()
    assert any(name.startswith("Rollback (method) - serve again the release")
               for name in started_tasks(rollback)), started_tasks(rollback)
    assert ADMIN not in json.dumps([j.events for ident, j in ran]) and all(ADMIN not in j.stdout for ident, j in ran)
    assert status == "failed"
    assert node_version(tmp_path) == "11.4.5"
