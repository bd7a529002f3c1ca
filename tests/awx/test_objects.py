# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Aurigraph DLT contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The execution environment definition (ansible-builder create) and the objects playbooks/awx_configure.yml
would send to a controller (rendered without one), plus the workflow semantics used by run_workflow."""

from __future__ import annotations

import json
import re
import subprocess

import pytest
import yaml

from awx_runner import OBJECTS, REPO, check_surveys, run_workflow, survey

CONTEXT = REPO / ".cache" / "ee" / "context"


def pins():
    out = {}
    for line in (REPO / "requirements.txt").read_text(encoding="utf-8").splitlines():
        match = re.match(r"^([A-Za-z0-9_.\[\]-]+)==(\S+)", line)
        if match:
            out[match.group(1)] = match.group(2)
    return out


@pytest.fixture(scope="module")
def ee_context():
    run = subprocess.run(["bash", str(REPO / "scripts" / "ee.sh"), "create"], capture_output=True, text=True,
                         check=False, timeout=600)
    assert run.returncode == 0, run.stderr
    return CONTEXT


def test_builder_context_names_what_the_collection_needs(ee_context):
    containerfile = (ee_context / "Containerfile").read_text(encoding="utf-8")
    assert 'ARG EE_BASE_IMAGE="aurigraph/node:current"' in containerfile
    p = pins()
    assert 'ARG ANSIBLE_INSTALL_REFS="ansible-core==%s ansible-runner==%s"' % (
        p["ansible-core"], p["ansible-runner"]) in containerfile
    assert 'ARG PKGMGR="/usr/bin/apt-get"' in containerfile
    requirements = (ee_context / "_build" / "requirements.txt").read_text(encoding="utf-8").split()
    assert "ansible==%s" % p["ansible"] in requirements
    galaxy = yaml.safe_load((REPO / "galaxy.yml").read_text(encoding="utf-8"))
    tarball = "aurigraph-dlt-%s.tar.gz" % galaxy["version"]
    assert (ee_context / "_build" / "collection" / tarball).is_file()
    assert "ansible-galaxy collection install --offline -p /usr/share/ansible/collections" in containerfile
    # The collection's own EE metadata: its files exist and the EE definition carries every dependency.
    meta = yaml.safe_load((REPO / "meta" / "execution-environment.yml").read_text(encoding="utf-8"))
    assert meta["version"] == 1
    ee_python = {re.split(r"[<>=!~ ]", r)[0] for r in requirements}
    for line in (REPO / meta["dependencies"]["python"]).read_text(encoding="utf-8").splitlines():
        name = re.split(r"[<>=!~ #]", line.strip())[0]
        if name:
            assert name in ee_python, "%s (meta/ee-requirements.txt) is missing from execution-environment.yml" % name
    bindep = (ee_context / "_build" / "bindep.txt").read_text(encoding="utf-8")
    assert bindep == (REPO / meta["dependencies"]["system"]).read_text(encoding="utf-8")
    assert "openssh-client [platform:dpkg]" in bindep


def render(tmp_path, *extra):
    out = tmp_path / "objects.json"
    run = subprocess.run([str(REPO / ".venv" / "bin" / "ansible-playbook"), "-i", "localhost,", "-c", "local",
                          str(REPO / "playbooks" / "awx_configure.yml"), "-e", "awx_configure_render_to=%s" % out,
                          *extra], capture_output=True, text=True, check=False, timeout=600,
                         env={"PATH": "%s:/usr/bin:/bin" % (REPO / ".venv" / "bin"),
                              "ANSIBLE_COLLECTIONS_PATH": str(REPO / ".cache" / "collections"), "HOME": str(tmp_path)})
    assert run.returncode == 0, run.stdout + run.stderr
    return json.loads(out.read_text(encoding="utf-8"))


def test_awx_configure_renders_the_objects(tmp_path):
    objects = render(tmp_path, "-e", "awx_machine_credential=nodes-ssh")
    ctype = objects["credential_type"]
    secret = [f["id"] for f in ctype["inputs"]["fields"] if f.get("secret")]
    assert secret == ["api_token"]
    assert ctype["injectors"]["env"]["AURIGRAPH_API_TOKEN"] == "{{ api_token }}"  # AWX's template, passed verbatim
    by_playbook = {jt["playbook"]: jt for jt in objects["job_templates"]}
    for source in OBJECTS["awx_job_templates"]:
        jt = by_playbook[source["playbook"]]
        assert jt["name"] == "Aurigraph " + source["name"]
        assert jt["survey_enabled"] is (source["survey"] is not None)
        if source["survey"]:
            assert jt["survey_spec"] == survey(source["survey"])
        expected = ["nodes-ssh"] + (["Aurigraph V11 API"] if source["api_credential"] else [])
        assert jt["credentials"] == expected
    assert by_playbook["playbooks/token_admin.yml"]["credentials"][-1] == "Aurigraph V11 API"
    # The token comes from the credential only: no survey asks for it.
    for jt in objects["job_templates"]:
        assert all("api_token" not in f["variable"] for f in jt["survey_spec"].get("spec", []))
    names = {jt["name"] for jt in objects["job_templates"]}
    nodes = objects["workflow"]["workflow_nodes"]
    assert [n["unified_job_template"]["name"] for n in nodes] == [
        "Aurigraph Preflight", "Aurigraph Deploy", "Aurigraph Rollback", "Aurigraph Fail after rollback"]
    assert all(n["unified_job_template"]["name"] in names for n in nodes)
    edges = {(n["identifier"], kind, t["identifier"]) for n in nodes for kind, ts in n["related"].items() for t in ts}
    assert edges == {("preflight", "success_nodes", "deploy"), ("deploy", "failure_nodes", "rollback"),
                     ("rollback", "always_nodes", "fail_after_rollback")}
    assert objects["workflow"]["extra_vars"] == {"aurigraph_rollback_on_failure": False}
    assert check_surveys.check(REPO) == []


def test_awx_configure_refuses_to_run_without_its_inputs(tmp_path):
    run = subprocess.run([str(REPO / ".venv" / "bin" / "ansible-playbook"), "-i", "localhost,", "-c", "local",
                          str(REPO / "playbooks" / "awx_configure.yml")], capture_output=True, text=True, check=False,
                         timeout=600, env={"PATH": "%s:/usr/bin:/bin" % (REPO / ".venv" / "bin"),
                                           "ANSIBLE_COLLECTIONS_PATH": str(REPO / ".cache" / "collections"),
                                           "HOME": str(tmp_path)})
    assert run.returncode != 0
    assert "awx_project_scm_url and awx_inventory are required" in run.stdout


class _Outcome:
    def __init__(self, status):
        self.status = status


@pytest.mark.parametrize("deploy,expected_status,expected_path", [
    ("successful", "successful", ["preflight", "deploy"]),
    ("failed", "failed", ["preflight", "deploy", "rollback", "fail_after_rollback"]),
])
def test_workflow_semantics(tmp_path, deploy, expected_status, expected_path):
    """The edge semantics of run_workflow (the real runs are in test_runner_deploy.py)."""
    outcomes = {"Preflight": "successful", "Deploy": deploy, "Rollback": "successful", "Fail after rollback": "failed"}
    status, ran = run_workflow(tmp_path, OBJECTS["awx_workflow"], lambda jt, _vars: _Outcome(outcomes[jt]))
    assert (status, [ident for ident, job in ran]) == (expected_status, expected_path)


def test_without_the_last_node_a_rolled_back_deploy_would_look_successful(tmp_path):
    """ansible/awx#3843, the reason for the last node: a handled failure does not fail the workflow."""
    trap = {"nodes": [dict(n) for n in OBJECTS["awx_workflow"]["nodes"] if n["identifier"] != "fail_after_rollback"]}
    for node in trap["nodes"]:
        node.pop("always_nodes", None)
    outcomes = {"Preflight": "successful", "Deploy": "failed", "Rollback": "successful"}
    status, ran = run_workflow(tmp_path, trap, lambda jt, _vars: _Outcome(outcomes[jt]))
    assert status == "successful" and [ident for ident, job in ran] == ["preflight", "deploy", "rollback"]
