"""Token administration: the runbook endpoints and the real-build endpoints, with seeded data."""
from __future__ import annotations

import hashlib

import pytest

from standin_testlib import ADMIN_TOKEN, base_env
from harness import StandIn


def sha(s: str) -> str:
    return hashlib.sha256(s.encode()).hexdigest()


@pytest.fixture(scope="module")
def tok(release, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("tokens")
    s = StandIn(release("11.4.4"), env=base_env(tmp))
    s.start(timeout=90)
    yield s
    s.close()


def call(s, method, path, body=None):
    return s.request(method, "/api/v11/auth/tokens" + path, body, token=ADMIN_TOKEN)


def test_stats_shape_and_seeded_values(tok):
    status, _hdrs, body = call(tok, "GET", "/stats?userId=operator@aurigraph.io")
    assert status == 200
    assert list(body) == ["userId", "activeTokens", "accessTokens", "refreshTokens", "revokedTokens", "expiredTokens",
                          "uniqueDevices", "lastTokenUsed", "totalTokens"]
    assert body["userId"] == "operator@aurigraph.io"
    # seeds: tok-seed-0003 active ACCESS, 0004 revoked, 0006 expired REFRESH
    assert (body["activeTokens"], body["accessTokens"], body["refreshTokens"], body["revokedTokens"],
            body["expiredTokens"], body["totalTokens"], body["uniqueDevices"]) == (1, 1, 0, 1, 1, 3, 1)
    unknown = call(tok, "GET", "/stats?userId=nobody@example.com")[2]
    assert unknown["totalTokens"] == 0 and unknown["lastTokenUsed"] is None


def test_stats_requires_user_id(tok):
    for q in ("/stats", "/stats?userId="):
        status, _hdrs, body = call(tok, "GET", q)
        assert status == 400 and "userId" in body["error"]


def test_blacklist_lifecycle(tok):
    h = sha("token-under-test")
    assert call(tok, "POST", "/blacklist/check", {"tokenHash": h})[2] == {"tokenHash": h, "blacklisted": False}
    status, _hdrs, body = call(tok, "POST", "/blacklist", {"tokenHash": h, "reason": "compromised"})
    assert status == 200
    assert set(body) == {"tokenHash", "blacklisted", "reason", "blacklistedAt"}
    assert body["blacklisted"] is True and body["reason"] == "compromised"
    again = call(tok, "POST", "/blacklist", {"tokenHash": h, "reason": "other"})[2]
    assert again["blacklistedAt"] == body["blacklistedAt"] and again["reason"] == "compromised"  # idempotent
    chk = call(tok, "POST", "/blacklist/check", {"tokenHash": h})[2]
    assert chk["blacklisted"] is True and chk["reason"] == "compromised" and chk["blacklistedAt"]
    assert call(tok, "POST", "/blacklist/remove", {"tokenHash": h})[2] == {"tokenHash": h, "removed": True}
    assert call(tok, "POST", "/blacklist/remove", {"tokenHash": h})[2] == {"tokenHash": h, "removed": False}
    assert call(tok, "POST", "/blacklist/check", {"tokenHash": h})[2]["blacklisted"] is False


@pytest.mark.parametrize("bad", ["", "abc", "A" * 64, "g" * 64, "a" * 63, "a" * 65, 42, None])
def test_blacklist_rejects_malformed_hash(tok, bad):
    for path in ("/blacklist", "/blacklist/check", "/blacklist/remove"):
        status, _hdrs, body = call(tok, "POST", path, {"tokenHash": bad, "reason": "x"})
        assert status == 400, (path, bad)
        assert "tokenHash" in body["error"]


def test_seeded_blacklist_check(tok):
    body = call(tok, "POST", "/blacklist/check", {"tokenHash": sha("seed-blacklisted-0001")})[2]
    assert body["blacklisted"] is True and body["reason"] == "compromised credential"


def test_whitelist_add(tok):
    assert call(tok, "POST", "/whitelist/add", {"userId": "svc-batch", "enabled": True})[:3:2] == \
        (200, {"userId": "svc-batch", "enabled": True})
    assert call(tok, "POST", "/whitelist/add", {"userId": "svc-batch", "enabled": False})[2]["enabled"] is False
    assert call(tok, "POST", "/whitelist/add", {"userId": "svc-batch", "enabled": "yes"})[0] == 400
    assert call(tok, "POST", "/whitelist/add", {"enabled": True})[0] == 400


# The tests below mutate the seeded state of the module instance: keep them after the read-only ones.

def test_cleanups_remove_seeded_expired_entries_once(tok):
    s = tok
    stats = call(s, "GET", "/blacklist/stats")[2]
    assert set(stats) == {"blacklistedTokens", "activeRateLimits", "timestamp"}
    assert stats["blacklistedTokens"] == 4 and stats["activeRateLimits"] >= 1
    assert call(s, "POST", "/blacklist/cleanup")[2] == {"removed": 2}
    assert call(s, "POST", "/blacklist/cleanup")[2] == {"removed": 0}
    assert call(s, "GET", "/blacklist/stats")[2]["blacklistedTokens"] == 2
    assert call(s, "POST", "/cleanup")[2] == {"removedCount": 3}
    assert call(s, "POST", "/cleanup")[2] == {"removedCount": 0}
    assert call(s, "GET", "/stats?userId=operator@aurigraph.io")[2]["expiredTokens"] == 0


def test_active_details_revoke_audit(tok):
    s = tok
    status, _hdrs, body = call(s, "GET", "/active?userId=admin@aurigraph.io")
    assert status == 200 and body["totalTokens"] == 2
    assert {t["tokenId"] for t in body["tokens"]} == {"tok-seed-0001", "tok-seed-0002"}
    assert call(s, "GET", "/active?userId=admin@aurigraph.io&page=0&pageSize=1")[2]["tokens"][0]["tokenId"] == "tok-seed-0001"
    assert call(s, "GET", "/active?pageSize=x")[0] == 400
    d = call(s, "GET", "/tok-seed-0001/details")[2]
    assert d["tokenHash"] == sha("seed-token-0001") and d["status"] == "ACTIVE"
    status, _hdrs, body = call(s, "GET", "/nope/details")
    assert status == 404 and body == {"error": "Token not found"}
    status, _hdrs, body = call(s, "DELETE", "/tok-seed-0001?reason=stolen%20laptop")
    assert status == 200 and body["revoked"] is True and body["reason"] == "stolen laptop"
    assert call(s, "DELETE", "/tok-seed-0001?reason=again")[2]["alreadyRevoked"] is True
    assert call(s, "GET", "/tok-seed-0001/details")[2]["status"] == "REVOKED"
    assert call(s, "DELETE", "/unknown-token")[0] == 404
    status, _hdrs, body = call(s, "DELETE", "/all/admin@aurigraph.io?reason=offboarding")
    assert status == 200 and body["revokedCount"] == 1 and body["reason"] == "offboarding"
    assert call(s, "DELETE", "/all/admin@aurigraph.io?reason=again")[2]["revokedCount"] == 0
    assert call(s, "GET", "/stats?userId=admin@aurigraph.io")[2]["activeTokens"] == 0
    audit = call(s, "GET", "/audit/admin@aurigraph.io?limit=2")[2]
    assert audit["userId"] == "admin@aurigraph.io" and audit["count"] == 2
    assert [e["event"] for e in audit["events"]] == ["ALL_TOKENS_REVOKED", "ALL_TOKENS_REVOKED"]
    assert call(s, "GET", "/audit/admin@aurigraph.io?limit=0")[0] == 400


def test_revoked_login_token_stops_working(svc):
    from standin_testlib import USER_EMAIL, USER_PASSWORD
    body = svc.request("POST", "/api/v11/auth/login", {"email": USER_EMAIL, "password": USER_PASSWORD})[2]
    token, token_id = body["token"], body["tokenId"]
    assert svc.request("GET", "/api/v11/bridge/transfers?limit=1", token=token)[0] == 200
    assert call(svc, "DELETE", f"/{token_id}?reason=test")[0] == 200
    assert svc.request("GET", "/api/v11/bridge/transfers?limit=1", token=token)[0] == 401
