# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Aurigraph DLT contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The Deploy job template run INSIDE the execution environment image, the way AWX runs a job.

- The image is the one ``scripts/ee.sh build`` makes from execution-environment.yml (cached by content hash).
- The job is ``ansible-runner run`` inside a container of that image, on a private data directory laid out as AWX
  lays it: ``env/extravars`` (survey answers), ``env/envvars`` (AWX's path variables, computed from the project's
  ansible.cfg as AWX does, plus the Aurigraph V11 API credential's injection), ``env/ssh_key`` (the machine
  credential: ansible-runner loads it into an ssh-agent), ``env/cmdline`` (``-u`` of the machine credential),
  ``env/settings``, ``inventory/``, and ``project/`` (a copy of this checkout's tracked files, as a project sync
  leaves them). The release JARs are a read-only mount (AWX: "paths to expose to isolated jobs").
- The collection comes from the image (/usr/share/ansible/collections), not from the checkout: every role task in
  the job events has its path there, although the project holds roles/ and an ansible.cfg pointing at them.
- The node is one systemd test node (network none). The EE container joins the node's network namespace
  (``--network container:``), so the job reaches the node's sshd on 127.0.0.1:2222 over real SSH (deploy user, key
  login, host key pinned) and no other address exists for either of them.

One node, two jobs: the deploy (successful, rc 0, the node serves the release) and the same launch again
(changed=0 in playbook_on_stats). No secret (the injected API token, the service's admin token, the SSH key) is in
any job event, stdout or artifact but runner's 0600 environment dump ``command`` (the injected token only).
"""

from __future__ import annotations

import configparser
import json
import os
import re
import secrets
import shutil
import subprocess
import time

import pytest
import yaml

from awx_runner import REPO, docker, injector_env, job_template, survey_answers, systemd_node
from conftest import ADMIN_TOKEN, make_release

NODE = "aurigraph-ee-node"
SSH_PORT = 2222
CONTAINER_ROOT = "/runner"
INSTALLED = "/usr/share/ansible/collections/ansible_collections/aurigraph/dlt/"
SERVICE_TOKEN = "ee-service-" + secrets.token_hex(16)  # the service's admin token (inventory; vaulted in real life)
INVENTORY = """[aurigraph_nodes]
%s ansible_host=127.0.0.1 ansible_port=%d ansible_python_interpreter=/usr/bin/python3
""" % (NODE, SSH_PORT)
GROUP_VARS = {
    # Host key pinned (written by tests/ssh/setup_nodes.sh through docker exec, never learned on first use).
    "ansible_ssh_common_args": "-o UserKnownHostsFile=%s/known_hosts -o StrictHostKeyChecking=yes "
                               "-o HostKeyAlias=%s" % (CONTAINER_ROOT, NODE),
    "aurigraph_java_opts": "-Xms32m -Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1",
    "aurigraph_min_memory_gb": 0.25,
    "aurigraph_min_disk_gb": 0.5,
    "aurigraph_health_timeout": 60,
    "aurigraph_restart_sec": 1,
    "aurigraph_env": {"AURIGRAPH_API_TOKENS": SERVICE_TOKEN},
}
VERSION = "11.4.5"


@pytest.fixture(scope="module")
def ee_image():
    """scripts/ee.sh build: seconds when the image of this content exists, a cold build otherwise."""
    run = subprocess.run(["bash", str(REPO / "scripts" / "ee.sh"), "build"], capture_output=True, text=True,
                         check=False, timeout=3600)
    if run.returncode != 0:
        last = (run.stderr.strip().splitlines() or ["(no output)"])[-1]
        pytest.fail("scripts/ee.sh build failed: %s" % re.sub(r"\x1b\[[0-9;]*m", "", last))
    return run.stdout.strip().splitlines()[-1]


@pytest.fixture(scope="module")
def ssh_node(tmp_path_factory):
    """The node with the deploy user and an sshd on its loopback only; yields the directory of key and known_hosts."""
    ssh_dir = tmp_path_factory.mktemp("ee-ssh")
    with systemd_node(NODE) as name:
        setup = subprocess.run([str(REPO / "tests" / "ssh" / "setup_nodes.sh"), str(ssh_dir), name],
                               capture_output=True, text=True, check=False, timeout=120)
        assert setup.returncode == 0, setup.stderr
        docker("exec", name, "systemd-run", "--unit", "aurigraph-ee-sshd", "/usr/sbin/sshd", "-D", "-e",
               "-o", "ListenAddress=127.0.0.1", "-p", str(SSH_PORT))
        deadline = time.monotonic() + 30
        while docker("exec", name, "bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/%d" % SSH_PORT,
                     check=False).returncode != 0:
            assert time.monotonic() < deadline, "sshd on 127.0.0.1:%d of %s did not start" % (SSH_PORT, name)
            time.sleep(0.3)
        listening = docker("exec", name, "ss", "-Hltn").stdout.split("\n")
        assert all(line.split()[3].startswith("127.0.0.1:") for line in listening if line.strip()), listening
        yield ssh_dir


@pytest.fixture(scope="module")
def release_dir(tmp_path_factory):
    """The JARs the job may read (mounted read-only at /releases; readable by the EE's user)."""
    path = tmp_path_factory.mktemp("ee-releases")
    path.chmod(0o755)
    return path


@pytest.fixture(scope="module")
def release(release_dir):
    jar = make_release(VERSION, "none", str(release_dir))
    for name in (jar, jar + ".sha256"):
        os.chmod(name, 0o644)
    with open(jar + ".sha256", encoding="utf-8") as handle:
        sha256 = handle.read().strip()
    return {"aurigraph_artifact": "/releases/" + os.path.basename(jar), "aurigraph_artifact_sha256": sha256,
            "aurigraph_version": VERSION}


def copy_project(dest):
    """The project as AWX syncs it: the checkout's tracked files (their working-tree content)."""
    files = subprocess.run(["git", "-C", str(REPO), "ls-files", "-z"], capture_output=True, check=True).stdout
    for rel in files.decode().split("\0"):
        src = REPO / rel
        if rel and src.is_file():
            (dest / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dest / rel, follow_symlinks=False)


def awx_path_env(project):
    """AWX's RunJob.build_env: the project's ansible.cfg paths, then the EE defaults, behind requirements_*."""
    cfg = configparser.ConfigParser()
    cfg.read(project / "ansible.cfg")
    out = {}
    for env_key, setting, folder, default in (
            ("ANSIBLE_ROLES_PATH", "roles_path", "requirements_roles",
             "~/.ansible/roles:/usr/share/ansible/roles:/etc/ansible/roles"),
            ("ANSIBLE_COLLECTIONS_PATH", "collections_path", "requirements_collections",
             "~/.ansible/collections:/usr/share/ansible/collections")):
        paths = default.split(":")
        if cfg.has_option("defaults", setting):
            paths = [cfg.get("defaults", setting)] + paths
        out[env_key] = ":".join([CONTAINER_ROOT + "/" + folder] + paths)
    return out


class EEJob:
    """A finished job: status, rc, events and stdout read back from the artifacts, as AWX stores them."""

    def __init__(self, pdd, ident, proc):
        self.pdd = pdd
        self.ident = ident
        self.artifact_dir = pdd / "artifacts" / ident
        self.proc = proc
        self.status = self._read("status")
        self.rc = int(self._read("rc") or -1)
        self.stdout = self._read("stdout")
        events = [json.loads(p.read_text(encoding="utf-8")) for p in (self.artifact_dir / "job_events").glob("*.json")]
        self.events = sorted(events, key=lambda e: e.get("counter", 0))

    def _read(self, name):
        path = self.artifact_dir / name
        return path.read_text(encoding="utf-8").strip() if path.is_file() else ""

    def events_of(self, event):
        return [e for e in self.events if e.get("event") == event]

    def stats(self):
        stats = self.events_of("playbook_on_stats")
        assert stats, self.describe()
        return stats[-1]["event_data"]

    def describe(self):
        return "status %r rc %s\n%s\n%s" % (self.status, self.rc, self.stdout[-4000:], self.proc.stderr[-2000:])


def launch_deploy(tmp_path, ident, image, ssh_dir, release_dir, answers):
    """Lay out the private data directory like AWX for the Deploy job template and run it inside the EE."""
    pdd = tmp_path / ("job%s" % ident)
    for sub in ("env", "inventory/group_vars", "project"):
        (pdd / sub).mkdir(parents=True)
    copy_project(pdd / "project")
    extravars = survey_answers(job_template("Deploy")["survey"], answers)
    envvars = awx_path_env(pdd / "project")
    envvars.update({"ANSIBLE_SSH_CONTROL_PATH_DIR": CONTAINER_ROOT + "/cp", "JOB_ID": ident})
    # The API credential attached at launch (the deploy does not need it): its injection must leak nowhere.
    envvars.update(injector_env("http://127.0.0.1:9003", ADMIN_TOKEN))
    files = {
        "env/extravars": yaml.safe_dump(extravars),
        "env/envvars": yaml.safe_dump(envvars),
        "env/settings": yaml.safe_dump({"job_timeout": 900, "idle_timeout": 600}),
        "env/cmdline": "-u deploy",
        "env/ssh_key": (ssh_dir / "id_ed25519").read_text(encoding="utf-8"),
        "inventory/hosts": INVENTORY,
        "inventory/group_vars/aurigraph_nodes.yml": yaml.safe_dump(GROUP_VARS),
        "known_hosts": (ssh_dir / "known_hosts").read_text(encoding="utf-8"),
    }
    for rel, text in files.items():
        (pdd / rel).write_text(text, encoding="utf-8")
    for rel in ("env", "env/ssh_key"):
        (pdd / rel).chmod(0o700 if rel == "env" else 0o600)
    user = []
    if os.geteuid() == 0:  # the EE's own user (USER 1000 in the image) owns the job's files, as in AWX
        subprocess.run(["chown", "-R", "1000:0", str(pdd)], check=True)
    else:
        user = ["--user", "%d:0" % os.geteuid()]
    name = "aurigraph-ee-job%s" % ident
    docker("rm", "-f", name, check=False)
    try:
        proc = subprocess.run(
            ["docker", "run", "--rm", "--name", name, "--network", "container:" + NODE, *user,
             "-v", "%s:%s" % (pdd, CONTAINER_ROOT), "-v", "%s:/releases:ro" % release_dir, image,
             "ansible-runner", "run", CONTAINER_ROOT, "-p", job_template("Deploy")["playbook"], "--ident", ident,
             "--omit-env-files", "-q"],
            capture_output=True, text=True, check=False, timeout=1200)
    finally:
        docker("rm", "-f", name, check=False)
    return EEJob(pdd, ident, proc)


def node_json(path):
    run = docker("exec", NODE, "curl", "-sS", "--max-time", "10", "http://127.0.0.1:9003" + path, check=False)
    assert run.returncode == 0, "%s on the node's loopback: %s" % (path, run.stderr)
    return json.loads(run.stdout)


def files_with(needle, root):
    return sorted(str(p.relative_to(root)) for p in root.rglob("*")
                  if p.is_file() and not p.is_symlink() and needle.encode() in p.read_bytes())


def assert_no_secret(job, ssh_dir):
    # The private key's lines past the first (which is the same in every OpenSSH ed25519 key), one by one.
    key_lines = (ssh_dir / "id_ed25519").read_text(encoding="utf-8").splitlines()[2:-1]
    secrets_ = [("the injected API token", ADMIN_TOKEN), ("the service token", SERVICE_TOKEN)]
    secrets_ += [("the SSH key", line) for line in key_lines]
    text = json.dumps(job.events) + job.stdout
    for name, secret in secrets_:
        assert secret not in text, "%s is in a job event or the stdout" % name
        # runner's dump of the process environment (mode 0600, kept inside the worker by AWX) holds the injection.
        expected = ["command"] if secret == ADMIN_TOKEN else []
        assert files_with(secret, job.artifact_dir) == expected, "%s in the artifacts of job %s" % (name, job.ident)
    assert oct((job.artifact_dir / "command").stat().st_mode & 0o777) == "0o600"


def role_task_paths(job):
    """Files of the roles' tasks that ran (include_role tasks of the project's playbooks are not role files)."""
    return {e["event_data"]["task_path"].rsplit(":", 1)[0] for e in job.events_of("playbook_on_task_start")
            if "/roles/" in e["event_data"].get("task_path", "")}


def test_deploy_job_in_the_execution_environment(tmp_path, ee_image, ssh_node, release, release_dir):
    first = launch_deploy(tmp_path, "1", ee_image, ssh_node, release_dir, release)
    assert first.status == "successful" and first.rc == 0, first.describe()
    paths = role_task_paths(first)
    assert any("/roles/jar_deploy/" in p for p in paths), paths
    assert all(p.startswith(INSTALLED) for p in paths), "role tasks outside the installed collection: %s" % sorted(
        p for p in paths if not p.startswith(INSTALLED))
    assert first.stats()["changed"].get(NODE, 0) > 0
    assert_no_secret(first, ssh_node)
    assert node_json("/api/v11/health")["status"] == "UP"
    assert node_json("/api/v11/info")["platform"]["version"] == VERSION

    again = launch_deploy(tmp_path, "2", ee_image, ssh_node, release_dir, release)
    assert again.status == "successful" and again.rc == 0, again.describe()
    stats = again.stats()
    assert not any(stats["changed"].values()), "the second deploy changed something: %s\n%s" % (
        stats["changed"], again.stdout[-4000:])
    assert stats["ok"].get(NODE, 0) > 0
    assert_no_secret(again, ssh_node)
    assert node_json("/api/v11/info")["platform"]["version"] == VERSION
