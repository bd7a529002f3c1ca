# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Aurigraph DLT contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Integration tests of the API modules: real ``ansible-playbook`` runs against the stand-in JVM on loopback.

Run from the repo root: ``.venv/bin/pytest tests/integration -q``. Needs java + maven for the stand-in's base
build (cached under ``$AURIGRAPH_CACHE``).
"""

from __future__ import annotations

import datetime
import hashlib
import json
import os
import secrets
import subprocess
import sys
import time

import pytest
import yaml

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
STANDIN = os.path.join(REPO, "tests", "standin")
# AURIGRAPH_IT_COLLECTIONS_PATH: run against another collections tree (e.g. one with a patched meta/runtime.yml).
COLLECTIONS = os.environ.get("AURIGRAPH_IT_COLLECTIONS_PATH") or os.path.join(REPO, ".cache", "collections")
LINK = os.path.join(COLLECTIONS, "ansible_collections", "aurigraph", "dlt")
BIN = os.path.dirname(sys.executable)

if STANDIN not in sys.path:
    sys.path.insert(0, STANDIN)

from harness import StandIn, build_base  # noqa: E402  pylint: disable=wrong-import-position,import-error

ADMIN_TOKEN = "it-admin-" + secrets.token_hex(16)


def sha256(text):
    return hashlib.sha256(text.encode()).hexdigest()


def fresh_hash():
    return sha256("token-" + secrets.token_hex(16))


@pytest.fixture(scope="session")
def base_jar():
    if not os.path.lexists(LINK):
        os.makedirs(os.path.dirname(LINK), exist_ok=True)
        os.symlink(os.path.relpath(REPO, os.path.dirname(LINK)), LINK)
    # AURIGRAPH_STANDIN_JAR: use this runner JAR instead of building the stand-in (e.g. a known-good build).
    return os.environ.get("AURIGRAPH_STANDIN_JAR") or build_base()


@pytest.fixture(scope="session")
def release_dir(tmp_path_factory):
    return str(tmp_path_factory.mktemp("releases"))


def start_standin(jar, env=None, wait_for="ready", **kwargs):
    """Start a stand-in with the admin token configured; ``wait_for=None`` returns at once."""
    full = {"AURIGRAPH_API_TOKENS": ADMIN_TOKEN}
    full.update(env or {})
    svc = StandIn(jar, env=full, **kwargs)
    svc.start(wait=wait_for is not None, wait_for=wait_for or "started")
    return svc


def _parse_iso(text):
    return datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))


class PlaybookRun(object):
    def __init__(self, proc, data):
        self.rc = proc.returncode
        self.stdout = proc.stdout
        self.stderr = proc.stderr
        self.data = data

    def results(self):
        """``[(task name, result dict)]`` for localhost, in order (empty with the default callback)."""
        out = []
        for play in (self.data or {}).get("plays", []):
            for task in play.get("tasks", []):
                res = task.get("hosts", {}).get("localhost")
                if res is not None:
                    out.append((task["task"]["name"], res))
        return out

    def duration(self, name):
        """Seconds the task took (from the json callback's timestamps)."""
        for play in (self.data or {}).get("plays", []):
            for task in play.get("tasks", []):
                if task["task"]["name"] == name:
                    span = task["task"]["duration"]
                    return (_parse_iso(span["end"]) - _parse_iso(span["start"])).total_seconds()
        raise AssertionError("task %r not in the output" % name)

    def result(self, name):
        matches = [r for n, r in self.results() if n == name]
        assert matches, "task %r not in the output:\n%s\n%s" % (name, self.stdout[-3000:], self.stderr[-3000:])
        return matches[-1]


def run_playbook(tmp_path, tasks, api_url, token=ADMIN_TOKEN, extra_defaults=None, check=False, diff=False,
                 verbosity=0, callback="ansible.posix.json", env=None, timeout=600):
    """Write a one-play playbook using ``module_defaults: group/aurigraph.dlt.api`` and run it for real."""
    defaults = {"api_url": api_url}
    if token:
        defaults["api_token"] = token
    defaults.update(extra_defaults or {})
    play = [{"name": "integration", "hosts": "localhost", "connection": "local", "gather_facts": False,
             "module_defaults": {"group/aurigraph.dlt.api": defaults}, "tasks": tasks}]
    path = tmp_path / ("play-%d.yml" % int(time.monotonic() * 1000))
    cfg = tmp_path / "ansible.cfg"
    if not cfg.exists():
        cfg.write_text("[defaults]\n")
    path.write_text(yaml.safe_dump(play, sort_keys=False))
    run_env = dict((k, v) for k, v in os.environ.items() if not k.startswith(("AURIGRAPH_API", "ANSIBLE_")))
    run_env.update({
        "ANSIBLE_COLLECTIONS_PATH": COLLECTIONS,
        "ANSIBLE_STDOUT_CALLBACK": callback,
        "ANSIBLE_PYTHON_INTERPRETER": sys.executable,
        "ANSIBLE_LOCALHOST_WARNING": "false",
        "ANSIBLE_INVENTORY_UNPARSED_WARNING": "false",
        "ANSIBLE_NOCOLOR": "1",
        "ANSIBLE_CONFIG": str(cfg),
        "ANSIBLE_LOCAL_TEMP": str(tmp_path / "ansible-tmp"),
    })
    run_env.update(env or {})
    cmd = [os.path.join(BIN, "ansible-playbook"), "-i", "localhost,", str(path)]
    if check:
        cmd.append("--check")
    if diff:
        cmd.append("--diff")
    if verbosity:
        cmd.append("-" + "v" * verbosity)
    proc = subprocess.run(cmd, cwd=str(tmp_path), env=run_env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          text=True, timeout=timeout, check=False)
    data = None
    if callback.endswith("json"):
        try:
            data = json.loads(proc.stdout)
        except ValueError:
            data = None
    return PlaybookRun(proc, data)


@pytest.fixture
def playbook(tmp_path):
    def run(*args, **kwargs):
        return run_playbook(tmp_path, *args, **kwargs)
    return run


def run_repo_playbook(tmp_path, name, extra_vars, token=ADMIN_TOKEN, verbosity=0):
    """Run ``playbooks/<name>`` of the collection (default callback); the token comes from the environment."""
    env = dict((k, v) for k, v in os.environ.items() if not k.startswith(("AURIGRAPH_API", "ANSIBLE_")))
    cfg = tmp_path / "ansible.cfg"
    cfg.write_text("[defaults]\n")
    vars_file = tmp_path / "extra-vars.json"
    vars_file.write_text(json.dumps(extra_vars))
    env.update({"ANSIBLE_COLLECTIONS_PATH": COLLECTIONS, "ANSIBLE_CONFIG": str(cfg),
                "ANSIBLE_LOCALHOST_WARNING": "false", "ANSIBLE_NOCOLOR": "1",
                "ANSIBLE_PYTHON_INTERPRETER": sys.executable, "AURIGRAPH_API_TOKEN": token})
    cmd = [os.path.join(BIN, "ansible-playbook"), "-i", "localhost,", os.path.join(REPO, "playbooks", name),
           "-e", "@" + str(vars_file)]
    if verbosity:
        cmd.append("-" + "v" * verbosity)
    return subprocess.run(cmd, cwd=str(tmp_path), env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          text=True, timeout=300, check=False)
