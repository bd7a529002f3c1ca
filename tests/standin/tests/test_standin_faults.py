"""Each failure switch, built with release.sh (fault baked into the JAR)."""
from __future__ import annotations

import socket
import time

import pytest

from standin_testlib import ADMIN_TOKEN
from harness import StandInError


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
