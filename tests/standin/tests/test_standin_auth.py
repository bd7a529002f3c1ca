"""Bearer authentication, login, token file and public paths."""
from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest

from standin_testlib import ADMIN_TOKEN, FILE_TOKEN, USER_EMAIL, USER_PASSWORD

PROTECTED = [
    ("GET", "/api/v11/auth/tokens/stats?userId=x"),
    ("GET", "/api/v11/auth/tokens/blacklist/stats"),
    ("POST", "/api/v11/auth/tokens/cleanup"),
    ("GET", "/api/v11/auth/tokens/active"),
    ("GET", "/api/v11/bridge/status/bridge-eth-001"),
    ("GET", "/api/v11/bridge/transfers"),
    ("POST", "/api/v11/bridge/retry/tx-failed-0001"),
]


@pytest.mark.parametrize("method,path", PROTECTED)
def test_protected_endpoints_need_bearer(svc, method, path):
    for token in (None, "wrong-token"):
        status, h, body = svc.request(method, path, token=token)
        assert status == 401, (path, token)
        assert set(body) == {"error", "timestamp"} and isinstance(body["timestamp"], int)
        assert h.get("X-Correlation-Id")


def test_basic_auth_is_not_bearer(svc):
    status, _hdrs, _body = svc.request("GET", "/api/v11/bridge/transfers", headers={"Authorization": "Basic YWRtaW46cHc="})
    assert status == 401


@pytest.mark.parametrize("path", ["/api/v11/health", "/api/v11/info", "/api/v11/consensus/status", "/q/health",
                                  "/q/metrics"])
def test_public_endpoints(svc, path):
    assert svc.request("GET", path)[0] == 200


def test_configured_and_file_tokens(svc):
    assert svc.request("GET", "/api/v11/bridge/transfers?limit=1", token=ADMIN_TOKEN)[0] == 200
    assert svc.request("GET", "/api/v11/bridge/transfers?limit=1", token=FILE_TOKEN)[0] == 200


def test_token_file_is_reread(svc):
    f = Path(svc.env["AURIGRAPH_API_TOKENS_FILE"])
    original = f.read_text()
    try:
        f.write_text("# rotated\nrotated-token-0009\n")
        st = os.stat(f)
        os.utime(f, (st.st_atime, st.st_mtime + 5))
        assert svc.request("GET", "/api/v11/bridge/transfers?limit=1", token="rotated-token-0009")[0] == 200
        assert svc.request("GET", "/api/v11/bridge/transfers?limit=1", token=FILE_TOKEN)[0] == 401
    finally:
        f.write_text(original)
        st = os.stat(f)
        os.utime(f, (st.st_atime, st.st_mtime + 10))
    assert svc.request("GET", "/api/v11/bridge/transfers?limit=1", token=FILE_TOKEN)[0] == 200


def test_login_issues_a_working_token(svc):
    status, _hdrs, body = svc.request("POST", "/api/v11/auth/login", {"email": USER_EMAIL, "password": USER_PASSWORD})
    assert status == 200
    token = body["token"]
    assert body["tokenType"] == "Bearer" and body["userId"] == USER_EMAIL
    status, _hdrs, stats = svc.request("GET", f"/api/v11/auth/tokens/stats?userId={USER_EMAIL}", token=token)
    assert status == 200 and stats["activeTokens"] >= 1


def test_login_rejects_bad_credentials(svc):
    status, _hdrs, body = svc.request("POST", "/api/v11/auth/login", {"email": USER_EMAIL, "password": "nope"})
    assert status == 401 and body["error"] == "Invalid credentials"
    status, _hdrs, body = svc.request("POST", "/api/v11/auth/login", {"email": USER_EMAIL})
    assert status == 400


def test_blacklisted_token_is_rejected(svc):
    victim = "victim-token-0003"  # configured in AURIGRAPH_API_TOKENS of the session instance
    assert svc.request("GET", "/api/v11/bridge/transfers?limit=1", token=victim)[0] == 200
    h = hashlib.sha256(victim.encode()).hexdigest()
    assert svc.request("POST", "/api/v11/auth/tokens/blacklist", {"tokenHash": h, "reason": "t"}, token=ADMIN_TOKEN)[0] == 200
    status, _hdrs, body = svc.request("GET", "/api/v11/bridge/transfers?limit=1", token=victim)
    assert status == 401 and "revoked" in body["error"]
