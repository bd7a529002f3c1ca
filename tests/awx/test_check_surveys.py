# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Aurigraph DLT contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""scripts/check_surveys.py: the real surveys pass, and every kind of drift is caught."""

from __future__ import annotations

import shutil
import subprocess
import sys

import pytest
import yaml

from awx_runner import REPO, check_surveys


@pytest.fixture()
def tree(tmp_path):
    """A copy of awx/ next to links to the real roles and playbooks, to break one thing at a time."""
    shutil.copytree(REPO / "awx", tmp_path / "awx")
    for name in ("roles", "playbooks"):
        (tmp_path / name).symlink_to(REPO / name)
    return tmp_path


def edit_field(tree, survey, variable, changes):
    path = tree / "awx" / "surveys" / ("%s.yml" % survey)
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    field = next(f for f in data["spec"] if f["variable"] == variable)
    for key, value in changes.items():  # None removes the key
        if value is None:
            field.pop(key, None)
        else:
            field[key] = value
    path.write_text(yaml.safe_dump(data), encoding="utf-8")


def problems(tree):
    return "\n".join(check_surveys.check(tree))


def test_the_real_surveys_pass():
    assert check_surveys.check(REPO) == []


def test_every_job_template_has_a_survey_or_says_none():
    objects = check_surveys.load(REPO / "awx" / "objects.yml")
    playbooks = {jt["playbook"] for jt in objects["awx_job_templates"]}
    for name in ("deploy", "rollback", "preflight", "health", "token_admin", "bridge_retry", "k8s_ops"):
        assert "playbooks/%s.yml" % name in playbooks


@pytest.mark.parametrize("survey,variable,changes,expected", [
    ("bridge_retry", "bridge_retry_concurrency", {"type": "text"}, "is type int in bridge_retry.yml vars"),
    ("bridge_retry", "bridge_retry_include_failed", {"type": "text"}, "is type bool"),
    ("bridge_retry", "bridge_retry_include_failed", {"choices": ["yes", "no"], "default": "no"},
     "choices must be exactly"),
    ("bridge_retry", "bridge_retry_concurrency", {"default": 8}, "default 8 differs from 4"),
    ("bridge_retry", "bridge_retry_concurrency", {"variable": "bridge_retry_concurency"}, "not an input"),
    ("preflight", "aurigraph_preflight_checks", {"choices": ["java", "cpu"]}, "choices ['cpu'] are not valid"),
    ("preflight", "aurigraph_preflight_checks", {"type": "text"}, "has choices"),
    ("preflight", "aurigraph_preflight_checks", {"default": "java"}, "would override the computed default"),
    ("k8s_ops", "aurigraph_k8s_ops_action", {"required": False}, "is required by role"),
    ("deploy", "aurigraph_commit", {"variable": "_aurigraph_rollback_target"}, "is private"),
    ("k8s_ops", "aurigraph_k8s_ops_action", {"choices": ["restart", "reboot"]}, "choices ['reboot'] are not valid"),
    ("token_admin", "token_admin_whitelist", {"type": "multiplechoice", "choices": ["a"]}, "cannot carry it"),
    ("health", "aurigraph_health_timeout", {"type": "float"}, "is type int"),
    ("health", "aurigraph_health_wait", {"type": "select"}, "AWX knows"),
])
def test_drift_is_caught(tree, survey, variable, changes, expected):
    edit_field(tree, survey, variable, changes)
    assert expected in problems(tree)


def test_a_secret_option_must_be_a_password_field(tree):
    path = tree / "awx" / "surveys" / "deploy.yml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["spec"].append({"question_name": "DB password", "variable": "aurigraph_db_password", "type": "text",
                         "required": False, "default": ""})
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    assert "aurigraph_db_password is no_log" in problems(tree)


def test_structure_is_checked(tree):
    path = tree / "awx" / "objects.yml"
    text = path.read_text(encoding="utf-8")
    text = text.replace("failure_nodes: [rollback]", "failure_nodes: [rollbak]")
    text = text.replace('token_admin_cleanup: "true"', "token_admin_cleanup: yes-please")
    text = text.replace("playbook: playbooks/health.yml", "playbook: playbooks/healthz.yml")
    path.write_text(text, encoding="utf-8")
    found = problems(tree)
    assert "failure_nodes names unknown node 'rollbak'" in found
    assert "token_admin_cleanup='yes-please' is not a bool" in found
    assert "is not one of the survey choices" in found
    assert "playbook playbooks/healthz.yml does not exist" in found


def test_the_script_exits_non_zero_on_drift(tree):
    edit_field(tree, "bridge_retry", "bridge_retry_wait_timeout", {"default": 601})
    run = subprocess.run([sys.executable, str(REPO / "scripts" / "check_surveys.py"), str(tree)],
                         capture_output=True, text=True, check=False)
    assert run.returncode == 1 and "default 601 differs from 600" in run.stderr
    ok = subprocess.run([sys.executable, str(REPO / "scripts" / "check_surveys.py")], capture_output=True, text=True,
                        check=False)
    assert ok.returncode == 0, ok.stderr
