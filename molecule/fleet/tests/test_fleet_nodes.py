"""Host state of every fleet node, read over the same SSH path the deploy used (testinfra's ssh backend with the
scenario's ssh_config: the deploy user, pinned host keys, sudo)."""
from __future__ import annotations

import json
import os

NODES = ["aurigraph-fleet-1", "aurigraph-fleet-2", "aurigraph-fleet-3"]
SSH_CONFIG = os.path.join(os.environ["MOLECULE_EPHEMERAL_DIRECTORY"], "ssh", "ssh_config")
testinfra_hosts = ["ssh://%s?ssh_config=%s&sudo=true" % (node, SSH_CONFIG) for node in NODES]

INSTALL = "/opt/aurigraph/v11"
JAR = "aurigraph-v11-standalone-11.4.6-runner.jar"


def test_connected_as_the_deploy_user_with_sudo(host):
    assert host.run("id -un").stdout.strip() == "root"  # sudo=true
    assert host.check_output("sudo -u deploy id -un") == "deploy"
    assert host.file("/etc/sudoers.d/90-deploy").mode == 0o440


def test_unit_active_and_enabled(host):
    svc = host.service("aurigraph-v11")
    assert svc.is_running
    assert svc.is_enabled


def test_jar_is_root_owned_and_read_only_to_the_service_user(host):
    jar = host.file("%s/current/%s" % (INSTALL, JAR))
    assert jar.exists and jar.user == "root" and jar.mode == 0o644
    assert host.file(INSTALL + "/current/.").user == "root"
    probe = host.run("setpriv --reuid=aurigraph --regid=aurigraph --init-groups sh -c 'echo x >> %s'", jar.path)
    assert probe.rc != 0


def test_env_files_keep_secrets_from_the_service_user(host):
    secrets = host.file(INSTALL + "/current/secrets.env")
    assert secrets.user == "root" and secrets.mode == 0o600
    assert host.file(INSTALL + "/current/config/application.properties").mode == 0o640


def test_listening_on_http_and_grpc_ports(host):
    assert host.socket("tcp://0.0.0.0:9003").is_listening or host.socket("tcp://:::9003").is_listening
    assert host.socket("tcp://0.0.0.0:9004").is_listening or host.socket("tcp://:::9004").is_listening


def test_the_running_process_runs_the_current_release_jar(host):
    pid = host.check_output("systemctl show --property=MainPID --value aurigraph-v11.service")
    cmdline = host.file("/proc/%s/cmdline" % pid).content_string.replace("\0", " ")
    release = host.check_output("readlink %s/current", INSTALL)
    assert release.startswith("releases/")
    assert "%s/%s/%s" % (INSTALL, release, JAR) in cmdline


def test_node_is_in_the_cluster(host):
    status = json.loads(host.check_output("curl -s -m 5 http://127.0.0.1:9003/api/v11/consensus/status"))
    assert status["clusterSize"] == 3 and status["quorum"] is True
    assert status["state"] in ("LEADER", "FOLLOWER") and status["leaderId"] in NODES
    assert sorted(status["liveNodes"]) == NODES
