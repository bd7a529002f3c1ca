"""Each failure switch, built with release.sh (fault baked into the JAR)."""
from __future__ import annotations

import socket
import time

import pytest

from standin_testlib import ADMIN_TOKEN
from harness import StandInError, WebSocketClient


def db_check(body):
    return next(c for c in body["checks"] if c["name"] == "Database connections health check")


def test_ready_down(fresh):
    s = fresh(fault="ready-down")
    status, _hdrs, body = s.request("GET", "/q/health/ready")
    assert status == 503 and body["status"] == "DOWN" and db_check(body)["status"] == "DOWN"
    assert s.request("GET", "/q/health/live")[0] == 200
    assert s.request("GET", "/q/health/started")[0] == 200
    status, _hdrs, body = s.request("GET", "/api/v11/health")
    assert status == 503
    assert body == {"status": "DOWN", "checks": [{"name": "Database", "status": "DOWN"}, {"name": "Redis", "status": "UP"}]}
    time.sleep(1)
    assert s.request("GET", "/q/health/ready")[0] == 503


def test_exit_on_start(fresh):
    s = fresh(fault="exit-on-start", wait=False)
    assert s.wait_exit(60) == 1
    assert "fault exit-on-start" in s.log_text()
    with pytest.raises(StandInError, match="exited with status 1"):
        s.start(wait=True)


def test_slow_start(fresh):
    t0 = time.monotonic()
    s = fresh(fault="slow-start", fault_arg=4, wait=False)
    time.sleep(2)
    assert s.running()
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", s.http_port), timeout=1).close()
    s.wait_until("ready", 60)
    assert time.monotonic() - t0 >= 4
    assert "slow-start" in s.log_text()


def test_wrong_version(fresh):
    s = fresh(version="11.5.0", fault="wrong-version")
    body = s.request("GET", "/api/v11/info")[2]
    assert body["platform"]["version"] == body["build"]["version"] == "0.0.0-wrong"
    assert s.request("GET", "/q/health/ready")[0] == 200


def test_no_token_endpoints(fresh):
    s = fresh(fault="no-token-endpoints")
    h = "a" * 64
    for method, path, body in (("GET", "/stats?userId=u", None), ("POST", "/blacklist", {"tokenHash": h}),
                               ("POST", "/blacklist/check", {"tokenHash": h}), ("POST", "/blacklist/remove", {"tokenHash": h}),
                               ("GET", "/blacklist/stats", None), ("POST", "/blacklist/cleanup", None),
                               ("POST", "/cleanup", None), ("POST", "/whitelist/add", {"userId": "u", "enabled": True})):
        status, hdrs, _body = s.request(method, "/api/v11/auth/tokens" + path, body, token=ADMIN_TOKEN)
        assert status == 404, path
        assert hdrs.get("X-Correlation-Id")
    assert s.request("GET", "/api/v11/auth/tokens/active", token=ADMIN_TOKEN)[0] == 200
    assert s.request("GET", "/api/v11/auth/tokens/tok-seed-0001/details", token=ADMIN_TOKEN)[0] == 200
    assert s.request("GET", "/api/v11/auth/tokens/audit/x", token=ADMIN_TOKEN)[0] == 200


def test_flaky_then_recovers(fresh):
    s = fresh(fault="flaky", fault_arg=5, wait=False)
    s.wait_until("live", 60)
    status, _hdrs, body = s.request("GET", "/api/v11/info")
    assert status == 500 and body["error"]
    assert s.request("GET", "/api/v11/bridge/transfers", token=ADMIN_TOKEN)[0] == 500
    assert s.request("GET", "/q/health/ready")[0] == 503
    s.wait_until("ready", 30)
    assert s.request("GET", "/api/v11/info")[0] == 200


def test_health_quirk_via_env_override(fresh):
    s = fresh(env={"AURIGRAPH_STANDIN_FAULT": "health-quirk"})  # the environment overrides the baked-in fault
    assert s.request("GET", "/api/v11/info")[2]["standin"]["fault"] == "health-quirk"
    status, _hdrs, body = s.request("GET", "/api/v11/health")
    assert status == 200 and body["status"] == "UP"
    assert isinstance(body["checks"], dict) and body["checks"]["database"] == "UP"
    assert {"timestamp", "version", "uptime"} <= set(body)
    assert s.request("GET", "/q/health/ready")[0] == 503


# ---- the real upstream build's quirks (docs/real-build.md), each a fault; "real-quirks" switches all on
@pytest.mark.parametrize("fault", ["missing-500", "real-quirks"])
def test_missing_500(fresh, fault, tmp_path):
    s = fresh(fault=fault, cwd=tmp_path)
    token = None if fault == "real-quirks" else ADMIN_TOKEN
    status, hdrs, body = s.request("POST", "/api/v11/auth/tokens/blacklist/check", {"tokenHash": "a" * 64}, token=token)
    assert status == 500 and body == {"error": "Business operation failed"}
    assert hdrs.get("X-Correlation-Id")
    if fault == "missing-500":
        assert s.request("GET", "/api/v11/auth/tokens/active?userId=u", token=ADMIN_TOKEN)[0] == 200


def test_jwt_401(fresh):
    s = fresh(fault="jwt-401")
    status, _hdrs, body = s.request("GET", "/api/v11/bridge/transfers", token=ADMIN_TOKEN)
    assert status == 401 and body in (None, "", b"")  # the JWT layer's empty 401, even for a configured token
    status, _hdrs, body = s.request("GET", "/api/v11/bridge/transfers")
    assert status == 401 and body == {"error": "Missing Authorization header"}
    assert s.request("GET", "/api/v11/info", token=ADMIN_TOKEN)[0] == 200  # public paths stay public


def test_cwd_keystore_writes_into_the_working_directory(fresh, tmp_path):
    work = tmp_path / "work"
    work.mkdir()
    fresh(fault="cwd-keystore", cwd=work)
    assert (work / "~" / ".aurigraph" / "keys" / "node.key").is_file()


def test_cwd_keystore_dies_in_a_read_only_working_directory(fresh, tmp_path):
    import os
    if os.geteuid() == 0:
        # root ignores directory modes: a file in the way makes the directory impossible to create instead
        work = tmp_path / "ro"
        work.mkdir()
        (work / "~").write_text("not a directory")
    else:
        work = tmp_path / "ro"
        work.mkdir(mode=0o555)
    s = fresh(fault="cwd-keystore", cwd=work, wait=False)
    assert s.wait_exit(60) == 1
    assert "Key management initialization failed" in s.log_text()


def test_ignore_sigterm_only_sigkill_stops_it(fresh):
    """A hung release for the forced stop (playbooks/stop.yml): SIGTERM is logged and ignored, SIGKILL ends it."""
    import signal
    s = fresh(fault="ignore-sigterm")
    s.proc.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + 30
    while "ignoring SIGTERM" not in s.log_text():   # wait on the handler's own line, not a fixed time
        assert s.running(), s.log_tail()
        assert time.monotonic() < deadline, "no 'ignoring SIGTERM' line in 30 s:\n" + s.log_tail()
        time.sleep(0.2)
    assert s.running()
    assert s.request("GET", "/q/health/live")[0] == 200   # still serving after SIGTERM
    s.kill()
    assert s.proc.returncode == -signal.SIGKILL


def test_ws_broken(fresh):
    """ws-broken: everything serves and is ready, but the /ws/tokens upgrade is refused with 503."""
    s = fresh(fault="ws-broken")
    s.wait_until("ready", 60)
    assert s.request("GET", "/q/health/ready")[0] == 200
    assert s.request("GET", "/api/v11/info")[2]["standin"]["fault"] == "ws-broken"
    with pytest.raises(StandInError, match="503"):
        WebSocketClient(s.url.replace("http://", "ws://") + "/ws/tokens")
