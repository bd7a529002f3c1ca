"""Host state after the fresh install, read over SSH as the deploy user with sudo (testinfra's ssh backend and the
scenario's ssh_config: pinned host keys, sshd -i through docker exec)."""
from __future__ import annotations

import json
import os
import re

SSH_CONFIG = os.path.join(os.environ["MOLECULE_EPHEMERAL_DIRECTORY"], "ssh", "ssh_config")
testinfra_hosts = ["ssh://aurigraph-default?ssh_config=%s&sudo=true" % SSH_CONFIG]

INSTALL = "/opt/aurigraph/v11"
JAR = "aurigraph-v11-standalone-11.4.4-runner.jar"


def current_release_dir(host):
    link = host.file(INSTALL + "/current")
    assert link.is_symlink
    target = link.linked_to
    assert target.startswith(INSTALL + "/releases/")
    return target


def main_pid(host):
    return host.check_output("systemctl show --property=MainPID --value aurigraph-v11.service")


def test_reached_as_the_deploy_user_through_sudo(host):
    assert host.check_output("id -un") == "root"
    assert host.check_output("printenv SUDO_USER") == "deploy"


def test_unit_active_enabled_not_restarting(host):
    svc = host.service("aurigraph-v11")
    assert svc.is_running and svc.is_enabled
    assert host.check_output("systemctl show --property=NRestarts --value aurigraph-v11.service") == "0"


def test_release_files_are_root_owned_and_read_only_to_the_service(host):
    release = current_release_dir(host)
    jar = host.file("%s/%s" % (release, JAR))
    assert jar.user == "root" and jar.mode == 0o644
    rel = host.file(release)
    assert rel.user == "root" and rel.mode == 0o755
    write = host.run("setpriv --reuid=aurigraph --regid=aurigraph --init-groups sh -c 'echo x >> %s'", jar.path)
    assert write.rc != 0


def test_env_and_config_file_modes(host):
    release = current_release_dir(host)
    secrets = host.file(release + "/secrets.env")
    assert secrets.user == "root" and secrets.mode == 0o600
    props = host.file(release + "/config/application.properties")
    assert props.group == "aurigraph" and props.mode == 0o640
    assert not host.file(INSTALL + "/.deploy/deploy.lock").exists


def test_listens_on_http_and_grpc(host):
    for port in (9003, 9004):
        assert host.socket("tcp://0.0.0.0:%d" % port).is_listening or host.socket("tcp://:::%d" % port).is_listening


def test_process_runs_the_verified_release_jar(host):
    pid = main_pid(host)
    cmdline = host.file("/proc/%s/cmdline" % pid).content_string.split("\0")
    assert "%s/%s" % (current_release_dir(host), JAR) in cmdline
    environ = host.file("/proc/%s/environ" % pid).content_string.split("\0")
    assert "QUARKUS_HTTP_PORT=9003" in environ and "QUARKUS_GRPC_SERVER_PORT=9004" in environ
    records = json.loads(host.file(INSTALL + "/.deploy/releases.json").content_string)
    current = records["current"]
    release = records["releases"][current]
    assert current_release_dir(host).endswith("/" + current)
    digest = host.check_output("sha256sum %s/%s", current_release_dir(host), JAR).split()[0]
    assert digest == release["sha256"]


def test_service_user_cannot_read_the_secrets(host):
    release = current_release_dir(host)
    read = host.run("setpriv --reuid=aurigraph --regid=aurigraph --init-groups cat %s/secrets.env", release)
    assert read.rc != 0 and "5ecr3t" not in read.stdout


def test_hardening_score(host):
    out = host.check_output("systemd-analyze security --offline=true --threshold=20 /etc/systemd/system/aurigraph-v11.service")
    exposure = float(re.search(r"Overall exposure level for \S+: ([0-9.]+)", out).group(1))
    assert exposure <= 2.0, out
