# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Aurigraph DLT contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Run the playbooks the way AWX runs them: ansible-runner with a private data directory.

AWX (RunJob.build_private_data_files / build_env / build_extra_vars_file) lays out for every job:
  env/extravars   survey answers (+ the template's and workflow's extra vars), YAML
  env/envvars     the environment, including what credential injectors produce (AURIGRAPH_API_TOKEN here)
  env/settings    runner settings (job timeout, suppress_env_files: AWX_RUNNER_OMIT_ENV_FILES)
  inventory/      the inventory
  project/        a copy of the project (here: a symlink to the repository's playbooks)
and runs ansible-runner on it. This module does the same and reads back status, rc, events and artifacts.
It also evaluates AWX workflow edges (``run_workflow``) with real runs of each node.
"""

from __future__ import annotations

import contextlib
import os
import pathlib
import subprocess
import sys
import time

import ansible_runner
import yaml

REPO = pathlib.Path(__file__).resolve().parents[2]
COLLECTIONS = REPO / ".cache" / "collections"
sys.path.insert(0, str(REPO / "scripts"))

import check_surveys  # noqa: E402  pylint: disable=wrong-import-position,import-error

OBJECTS = check_surveys.load(REPO / "awx" / "objects.yml")
EDGES = ("success_nodes", "failure_nodes", "always_nodes")


def survey(name):
    return check_surveys.load(REPO / "awx" / "surveys" / ("%s.yml" % name))


def job_template(name):
    return next(jt for jt in OBJECTS["awx_job_templates"] if jt["name"] == name)


def survey_answers(survey_name, answers):
    """Extra vars AWX builds from a survey: the answers, plus defaults of unanswered fields; required enforced.

    Raises ValueError like AWX refuses a launch (unknown variable, missing required answer, invalid choice).
    """
    if survey_name is None:
        if answers:
            raise ValueError("this job template has no survey: %s" % sorted(answers))
        return {}
    spec = {f["variable"]: f for f in survey(survey_name)["spec"]}
    unknown = set(answers) - set(spec)
    if unknown:
        raise ValueError("not in the survey %s: %s" % (survey_name, sorted(unknown)))
    out = {}
    for var, field in spec.items():
        if var in answers:
            value = answers[var]
        elif field.get("default") not in (None, ""):
            value = field["default"]
        elif field.get("required"):
            raise ValueError("survey %s: %s is required" % (survey_name, var))
        else:
            continue
        if field["type"] == "multiplechoice" and value not in field["choices"]:
            raise ValueError("survey %s: %s=%r is not one of %s" % (survey_name, var, value, field["choices"]))
        if field["type"] == "integer":
            value = int(value)
        out[var] = value
    return out


def injector_env(api_url, api_token):
    """The env the credential type's injector produces (awx/objects.yml), rendered as AWX renders it."""
    inputs = {"api_url": api_url, "api_token": api_token}
    env = {}
    for name, template in OBJECTS["awx_credential_type"]["injectors"]["env"].items():
        field = template.replace("{{", "").replace("}}", "").strip()
        env[name] = inputs[field]
    return env


class Job:
    """One finished job: what AWX would store and show."""

    def __init__(self, name, result, pdd):
        self.name = name
        self.status = result.status
        self.rc = result.rc
        self.events = list(result.events)
        self.stdout = result.stdout.read()
        self.artifact_dir = pathlib.Path(result.config.artifact_dir)
        self.private_data_dir = pdd

    def events_of(self, event):
        return [e for e in self.events if e.get("event") == event]

    def task_names(self, event=None):
        return [e["event_data"].get("task", "") for e in self.events
                if e.get("event", "").startswith("runner_on_") and (event is None or e["event"] == event)]

    def failed_tasks(self):
        return self.task_names("runner_on_failed")

    def describe(self):
        return "%s: status %s rc %s\n%s" % (self.name, self.status, self.rc, self.stdout[-4000:])


def run_job(tmp_path, template_name, answers=None, envvars=None, inventory="localhost ansible_connection=local\n",
            extra_vars=None, group_vars=None, timeout=900):
    """Launch the job template like AWX: survey answers -> env/extravars, injector -> env/envvars."""
    jt = job_template(template_name)
    tmp_path = pathlib.Path(tmp_path)
    pdd = tmp_path / ("job%02d-%s" % (len(list(tmp_path.glob("job*"))) + 1, template_name.lower().replace(" ", "-")))
    (pdd / "env").mkdir(parents=True)
    (pdd / "inventory").mkdir()
    (pdd / "project").mkdir()
    (pdd / "project" / "playbooks").symlink_to(REPO / "playbooks")
    extravars = dict(extra_vars or {})
    extravars.update(survey_answers(jt["survey"], answers or {}))
    (pdd / "env" / "extravars").write_text(yaml.safe_dump(extravars), encoding="utf-8")
    env = {
        # The EE has the collection installed; here it is the repository's link (scripts/setup.sh).
        "ANSIBLE_COLLECTIONS_PATH": "%s:%s" % (COLLECTIONS, os.path.expanduser("~/.ansible/collections")),
        "ANSIBLE_NOCOLOR": "1",
        "ANSIBLE_HOST_KEY_CHECKING": "False",
    }
    env.update(envvars or {})
    (pdd / "env" / "envvars").write_text(yaml.safe_dump(env), encoding="utf-8")
    (pdd / "env" / "settings").write_text(yaml.safe_dump({"job_timeout": timeout, "idle_timeout": timeout}),
                                          encoding="utf-8")
    (pdd / "inventory" / "hosts").write_text(inventory, encoding="utf-8")
    if group_vars:
        (pdd / "inventory" / "group_vars").mkdir()
        group_file = pdd / "inventory" / "group_vars" / "aurigraph_nodes.yml"
        group_file.write_text(yaml.safe_dump(group_vars), encoding="utf-8")
    result = ansible_runner.run(private_data_dir=str(pdd), playbook=jt["playbook"], quiet=True,
                                suppress_env_files=True, ident="1")
    return Job(template_name, result, pdd)


def run_workflow(tmp_path, workflow, launch):
    """Run an AWX workflow definition (awx/objects.yml awx_workflow) node by node with real jobs.

    ``launch(template_name, workflow_extra_vars)`` runs one node's job and returns a Job. The edges are followed
    as AWX does: success_nodes after a successful job, failure_nodes after a failed one, always_nodes either way.
    The workflow fails when a node failed and has no failure or always edge (AWX's "unhandled" failure); that is
    the only way a workflow fails, which is why the definition needs a last node that fails after the rollback.
    Returns (status, list of (identifier, Job)).
    """
    nodes = {n["identifier"]: n for n in workflow["nodes"]}
    targets = {t for n in nodes.values() for e in EDGES for t in n.get(e) or []}
    queue = [i for i in nodes if i not in targets]
    ran = []
    unhandled_failure = False
    while queue:
        ident = queue.pop(0)
        node = nodes[ident]
        job = launch(node["job_template"], dict(workflow.get("extra_vars") or {}))
        ran.append((ident, job))
        ok = job.status == "successful"
        following = list(node.get("always_nodes") or [])
        following += list(node.get("success_nodes" if ok else "failure_nodes") or [])
        if not ok and not (node.get("failure_nodes") or node.get("always_nodes")):
            unhandled_failure = True
        queue.extend(t for t in following if t not in queue)
    return ("failed" if unhandled_failure else "successful"), ran


def docker(*args, check=True, timeout=120):
    return subprocess.run(["docker", *args], check=check, capture_output=True, text=True, timeout=timeout)


@contextlib.contextmanager
def systemd_node(name, image="aurigraph/node:current"):
    """One systemd test node (network none, never --privileged), booted; removed on exit."""
    docker("rm", "-f", name, check=False)
    docker("run", "-d", "--name", name, "--hostname", name, "--network", "none",
           "--cap-add", "SYS_ADMIN", "--cgroupns=host", "-v", "/sys/fs/cgroup:/sys/fs/cgroup:rw",
           "--tmpfs", "/run", "--tmpfs", "/tmp", "--security-opt", "seccomp=unconfined",
           image, "/lib/systemd/systemd")
    try:
        deadline = time.monotonic() + 120
        state = ""
        while time.monotonic() < deadline:
            state = docker("exec", name, "systemctl", "is-system-running", check=False).stdout.strip()
            if state in ("running", "degraded"):
                break
            time.sleep(0.5)
        assert state in ("running", "degraded"), "systemd in %s did not boot (state %r)" % (name, state)
        yield name
    finally:
        docker("rm", "-f", name, check=False)


def files_containing(secret, *roots):
    """Every file under the roots whose bytes contain the secret (relative names)."""
    hits = []
    needle = secret.encode()
    for root in roots:
        root = pathlib.Path(root)
        for path in sorted(root.rglob("*")):
            if path.is_file() and not path.is_symlink() and needle in path.read_bytes():
                hits.append(str(path.relative_to(root)))
    return hits
