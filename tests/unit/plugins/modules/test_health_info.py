# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Aurigraph DLT contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

import pytest

from ansible_collections.aurigraph.dlt.plugins.module_utils.arguments import API_ARGUMENT_SPEC
from ansible_collections.aurigraph.dlt.plugins.modules import health_info
from ansible_collections.aurigraph.dlt.tests.unit.plugins.fakes import reply, run_module

READY_UP = {"status": "UP", "checks": [{"name": "Database connections health check", "status": "UP"}]}
READY_DOWN = {"status": "DOWN", "checks": [{"name": "Database connections health check", "status": "DOWN"}]}
INFO = {"platform": {"version": "11.4.4"}, "runtime": {"start_time": "2026-11-23T15:00:00Z"},
        "build": {"version": "11.4.4", "commit_hash": "abc1234"}}
SECRET = "eyJhbGciOiJIUzI1NiJ9.super-secret-token"
KEYS = {"status", "ready", "checks", "api_health", "version", "commit", "start_time", "info", "elapsed"}


def service(fake_api, ready=(READY_UP,)):
    fake_api.add("GET", "/q/health/ready", *[reply(200 if r["status"] == "UP" else 503, r) for r in ready])
    fake_api.add("GET", "/q/health", reply(200, READY_UP))
    fake_api.add("GET", "/api/v11/health", reply(200, {"status": "UP", "checks": {"database": "UP"}}))
    fake_api.add("GET", "/api/v11/info", reply(200, INFO))


def test_secrets_are_no_log_in_spec():
    assert API_ARGUMENT_SPEC["api_token"]["no_log"] is True
    assert API_ARGUMENT_SPEC["api_password"]["no_log"] is True
    assert API_ARGUMENT_SPEC["validate_certs"]["default"] is True
    assert API_ARGUMENT_SPEC["api_url"]["default"] == "http://127.0.0.1:9003"


def test_wait_ready_success(fake_api, clock, capsys):
    service(fake_api, ready=(READY_DOWN, READY_UP))
    result = run_module(health_info.main, dict(wait_for="ready", api_token=SECRET, expected_commit="abc1234"), capsys)
    assert not result.failed
    assert result["changed"] is False
    assert KEYS <= set(result)
    assert result["ready"] is True and result["version"] == "11.4.4" and result["commit"] == "abc1234"
    assert result["api_health"] == {"status": "UP", "checks": [{"name": "database", "status": "UP"}]}
    assert SECRET not in result.raw
    assert fake_api.calls[0].kwargs["validate_certs"] is True


def test_check_mode_is_read_only_and_unchanged(fake_api, clock, capsys):
    service(fake_api)
    result = run_module(health_info.main, dict(), capsys, check_mode=True)
    assert not result.failed and result["changed"] is False and result["ready"] is True
    assert set(c.method for c in fake_api.calls) == {"GET"}


def test_failure_returns_same_keys_and_one_line(fake_api, clock, capsys):
    service(fake_api)
    result = run_module(health_info.main, dict(wait_for="ready", expected_version="11.4.5",
                                               api_password="pw-secret", api_username="ops@example.com"), capsys)
    assert result.failed and result["changed"] is False
    assert result["msg"] == "version mismatch: expected 11.4.5, service reports 11.4.4"
    assert KEYS <= set(result)
    assert result["ready"] is True and result["version"] == "11.4.4"
    assert "pw-secret" not in result.raw
    assert "Traceback" not in result.raw


def test_timeout_failure(fake_api, clock, capsys):
    service(fake_api, ready=(READY_DOWN,))
    result = run_module(health_info.main, dict(wait_for="ready", timeout=6, interval=2), capsys)
    assert result.failed
    assert result["msg"] == ("timed out after 6 s waiting for /q/health/ready to be UP; last status DOWN, "
                             "checks DOWN: Database connections health check")
    assert result["ready"] is False and result["status"] == "DOWN"
    assert result["elapsed"] == 6.0


def test_unreachable_without_wait_is_clean_failure(fake_api, clock, capsys):
    from ansible_collections.aurigraph.dlt.tests.unit.plugins.fakes import conn_error
    fake_api.add("GET", "/q/health", conn_error())
    result = run_module(health_info.main, dict(retries=1), capsys)
    assert result.failed and result["msg"].startswith("cannot reach the Aurigraph API at http://127.0.0.1:9003")
    assert KEYS <= set(result)


def test_env_fallback(fake_api, clock, capsys, monkeypatch):
    monkeypatch.setenv("AURIGRAPH_API_URL", "https://env-host:9443")
    monkeypatch.setenv("AURIGRAPH_VALIDATE_CERTS", "false")
    monkeypatch.setenv("AURIGRAPH_CA_PATH", "/etc/ca.pem")
    service(fake_api)
    result = run_module(health_info.main, dict(), capsys)
    assert not result.failed
    call = fake_api.calls[0]
    assert call.url.startswith("https://env-host:9443/")
    assert call.kwargs["validate_certs"] is False and call.kwargs["ca_path"] == "/etc/ca.pem"


def test_systemd_unit_fail_fast_through_module(fake_api, clock, capsys, monkeypatch):
    service(fake_api, ready=(READY_DOWN,))
    from ansible.module_utils.basic import AnsibleModule
    monkeypatch.setattr(AnsibleModule, "get_bin_path", lambda self, name, *a, **k: "/bin/" + name)
    monkeypatch.setattr(AnsibleModule, "run_command", lambda self, args, **k: (
        0, "ActiveState=failed\nSubState=failed\nResult=exit-code\nExecMainStatus=1\n", ""))
    result = run_module(health_info.main, dict(wait_for="ready", systemd_unit="aurigraph-v11", timeout=300), capsys)
    assert result.failed and result["msg"] == "the unit aurigraph-v11 is failed (exit status 1)"
    assert result["elapsed"] == 0.0


@pytest.mark.parametrize("args", [dict(wait_for="sometimes"), dict(api_username="only-user")])
def test_bad_arguments(fake_api, clock, capsys, args):
    result = run_module(health_info.main, args, capsys)
    assert result.failed and fake_api.calls == []


def test_every_api_module_is_in_the_action_group():
    import os
    import yaml
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(__file__)))))
    with open(os.path.join(root, "meta", "runtime.yml")) as fh:
        group = yaml.safe_load(fh)["action_groups"]["api"]
    expected = {"health_info", "token_blacklist", "token_whitelist", "token_cleanup", "token_revoke", "token_info",
                "bridge_retry", "bridge_info", "consensus_info"}
    missing = expected - set(group)
    assert not missing, "meta/runtime.yml action_groups.api lacks %s" % ", ".join(sorted(missing))
