# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Aurigraph DLT contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

import pytest

from ansible_collections.aurigraph.dlt.plugins.modules import (
    token_blacklist, token_cleanup, token_info, token_revoke, token_whitelist)
from ansible_collections.aurigraph.dlt.tests.unit.plugins.fakes import reply, run_module

TOKEN = "eyJhbGciOiJIUzI1NiJ9.admin-token-secret"
H1 = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
H2 = "60303ae22b998861bce3b28f33eec1be758a213c86c93c076dbe9f558c11c752"
BL = "/api/v11/auth/tokens/blacklist"


class Blacklist(object):
    """A stateful fake of the blacklist endpoints."""

    def __init__(self, fake_api, listed=()):
        self.listed = dict((h, "old reason") for h in listed)
        fake_api.handler("POST", BL + "/check", self.check)
        fake_api.handler("POST", BL, self.add)
        fake_api.handler("POST", BL + "/remove", self.remove)

    def check(self, call):
        h = call.json["tokenHash"]
        body = {"tokenHash": h, "blacklisted": h in self.listed}
        if h in self.listed:
            body["reason"] = self.listed[h]
        return reply(200, body)

    def add(self, call):
        self.listed[call.json["tokenHash"]] = call.json["reason"]
        return reply(200, dict(call.json, blacklisted=True, blacklistedAt=1))

    def remove(self, call):
        return reply(200, {"tokenHash": call.json["tokenHash"],
                           "removed": self.listed.pop(call.json["tokenHash"], None) is not None})


def args(**kw):
    kw.setdefault("api_token", TOKEN)
    return kw


def assert_no_secrets(result):
    for secret in (TOKEN, H1, H2):
        assert secret not in result.raw


def test_token_hashes_and_token_are_no_log(fake_api, clock, capsys):
    Blacklist(fake_api)
    result = run_module(token_blacklist.main, args(token_hashes=[H1, H2], reason="INC-1"), capsys)
    assert not result.failed and result["changed"] is True and result["changed_count"] == 2
    assert [r["label"] for r in result["results"]] == ["0:9f86d081", "1:60303ae2"]
    assert_no_secrets(result)
    spec_call = fake_api.calls[1]
    assert spec_call.path == BL and spec_call.json == {"tokenHash": H1, "reason": "INC-1"}


def test_blacklist_idempotent_and_diff(fake_api, clock, capsys):
    bl = Blacklist(fake_api, listed=[H1])
    first = run_module(token_blacklist.main, args(token_hashes=[H1, H2]), capsys, diff=True)
    assert first["changed"] is True and first["changed_count"] == 1
    assert first["results"][0]["changed"] is False and first["results"][0]["reason"] == "old reason"
    assert first["diff"] == {"before": {"blacklisted": ["0:9f86d081"]},
                             "after": {"blacklisted": ["0:9f86d081", "1:60303ae2"]}}
    second = run_module(token_blacklist.main, args(token_hashes=[H1, H2]), capsys)
    assert second["changed"] is False and second["changed_count"] == 0
    assert set(bl.listed) == {H1, H2}
    assert_no_secrets(first)


def test_blacklist_check_mode_changes_nothing(fake_api, clock, capsys):
    bl = Blacklist(fake_api)
    result = run_module(token_blacklist.main, args(token_hashes=[H1]), capsys, check_mode=True, diff=True)
    assert result["changed"] is True and result["results"][0]["blacklisted"] is True
    assert bl.listed == {}
    assert fake_api.paths() == [BL + "/check"]


def test_blacklist_absent(fake_api, clock, capsys):
    bl = Blacklist(fake_api, listed=[H1])
    result = run_module(token_blacklist.main, args(token_hashes=[H1, H2], state="absent"), capsys)
    assert result["changed"] is True and [r["changed"] for r in result["results"]] == [True, False]
    assert bl.listed == {}
    assert run_module(token_blacklist.main, args(token_hashes=[H1], state="absent"), capsys)["changed"] is False


def test_invalid_hash_fails_before_any_call(fake_api, clock, capsys):
    result = run_module(token_blacklist.main, args(token_hashes=[H1, "not-a-hash-but-a-token"]), capsys)
    assert result.failed and fake_api.calls == []
    assert result["msg"].startswith("token_hashes item 1 is not a SHA-256 hex digest")
    assert "not-a-hash-but-a-token" not in result.raw


def test_missing_runbook_endpoint_message(fake_api, clock, capsys):
    result = run_module(token_blacklist.main, args(token_hashes=[H1]), capsys)
    assert result.failed
    assert result["msg"] == "this Aurigraph build does not expose POST /api/v11/auth/tokens/blacklist/check (HTTP 404)"
    fake_api.add("POST", BL + "/check", reply(200, {"blacklisted": False}))
    fake_api.add("POST", BL, reply(404, raw=b""))
    result = run_module(token_blacklist.main, args(token_hashes=[H1]), capsys)
    assert result["msg"] == "this Aurigraph build does not expose POST /api/v11/auth/tokens/blacklist (HTTP 404)"


@pytest.mark.parametrize("status", [401, 403])
def test_auth_failure_message(fake_api, clock, capsys, status):
    fake_api.add("POST", BL + "/check", reply(status, {"error": "Unauthorized"}, correlation_id="c-77"))
    result = run_module(token_blacklist.main, args(token_hashes=[H1]), capsys)
    assert result["msg"] == ("authentication failed: POST /api/v11/auth/tokens/blacklist/check returned HTTP %s: "
                             "Unauthorized; the bearer token from the api_token option was refused "
                             "(correlation id c-77)" % status)
    assert_no_secrets(result)


def test_real_build_500_for_a_missing_path_reads_as_missing_endpoint(fake_api, clock, capsys):
    # The real upstream build answers HTTP 500 {"error":"Business operation failed"} for paths it lacks.
    fake_api.add("POST", BL + "/check", reply(500, {"error": "Business operation failed"}, correlation_id=None))
    result = run_module(token_blacklist.main, args(token_hashes=[H1]), capsys)
    assert result.failed
    assert result["msg"] == ("this Aurigraph build does not expose POST /api/v11/auth/tokens/blacklist/check "
                             "(HTTP 500 \"Business operation failed\": the real build answers 500, not 404, for paths "
                             "it lacks) (no correlation id)")
    assert len(fake_api.calls) == 1  # a 500 is not retried
    assert_no_secrets(result)


def test_other_500_stays_a_server_error(fake_api, clock, capsys):
    fake_api.add("POST", BL + "/check", reply(500, {"error": "NullPointerException"}, correlation_id="c-9"))
    result = run_module(token_blacklist.main, args(token_hashes=[H1]), capsys)
    assert result["msg"] == ("POST /api/v11/auth/tokens/blacklist/check failed: HTTP 500 (NullPointerException) "
                             "after 1 attempt (correlation id c-9)")


def test_refused_bearer_token_from_the_option_names_its_source(fake_api, clock, capsys, monkeypatch):
    monkeypatch.delenv("AURIGRAPH_API_TOKEN", raising=False)
    fake_api.add("POST", BL + "/check", reply(401, raw=b"", correlation_id=None))
    result = run_module(token_blacklist.main, args(token_hashes=[H1]), capsys)
    assert result["msg"] == (
        "authentication failed: POST /api/v11/auth/tokens/blacklist/check returned HTTP 401 with an empty body; "
        "the bearer token from the api_token option was refused (an empty 401 is how the real Aurigraph build's "
        "JWT layer refuses a token it did not issue) (no correlation id)")
    assert_no_secrets(result)


def test_refused_bearer_token_from_the_environment_names_its_source(fake_api, clock, capsys, monkeypatch):
    monkeypatch.setenv("AURIGRAPH_API_TOKEN", TOKEN)
    fake_api.add("POST", BL + "/check", reply(401, raw=b"", correlation_id=None))
    kw = args(token_hashes=[H1])
    del kw["api_token"]
    result = run_module(token_blacklist.main, kw, capsys)
    assert result.failed
    assert "the bearer token from the AURIGRAPH_API_TOKEN environment variable was refused" in result["msg"]
    assert fake_api.calls[0].headers["Authorization"] == "Bearer " + TOKEN
    assert_no_secrets(result)


def test_no_token_at_all_says_how_to_give_one(fake_api, clock, capsys, monkeypatch):
    monkeypatch.delenv("AURIGRAPH_API_TOKEN", raising=False)
    fake_api.add("POST", BL + "/check", reply(401, {"error": "Missing Authorization header"}, correlation_id=None))
    kw = args(token_hashes=[H1])
    del kw["api_token"]
    result = run_module(token_blacklist.main, kw, capsys)
    assert result["msg"] == (
        "authentication failed: POST /api/v11/auth/tokens/blacklist/check returned HTTP 401: Missing Authorization "
        "header; no bearer token was sent: set the api_token option or the AURIGRAPH_API_TOKEN environment variable "
        "(no correlation id)")


def test_server_error_after_retries(fake_api, clock, capsys):
    fake_api.add("POST", BL + "/check", reply(503, {"error": "down"}, correlation_id="c-5"))
    result = run_module(token_blacklist.main, args(token_hashes=[H1], retries=2), capsys)
    assert result["msg"] == "POST /api/v11/auth/tokens/blacklist/check failed: HTTP 503 (down) after 3 attempts " \
                            "(correlation id c-5)"
    assert "Traceback" not in result.raw


def test_login_password_never_in_output(fake_api, clock, capsys):
    Blacklist(fake_api)
    fake_api.add("POST", "/api/v11/auth/login", reply(200, {"token": TOKEN}))
    result = run_module(token_blacklist.main, dict(token_hashes=[H1], api_username="ops@example.com",
                                                   api_password="hunter2-pass"), capsys)
    assert not result.failed
    assert "hunter2-pass" not in result.raw
    assert_no_secrets(result)
    assert fake_api.calls[1].headers["Authorization"] == "Bearer " + TOKEN


def test_whitelist(fake_api, clock, capsys):
    fake_api.handler("POST", "/api/v11/auth/tokens/whitelist/add", lambda c: reply(200, c.json))
    result = run_module(token_whitelist.main, args(user_id="monitoring", enabled=False), capsys, diff=True)
    assert result["changed"] is True and result["enabled"] is False
    assert fake_api.calls[0].json == {"userId": "monitoring", "enabled": False}
    assert result["diff"]["before"]["enabled"] == "unknown"
    check = run_module(token_whitelist.main, args(user_id="monitoring"), capsys, check_mode=True)
    assert check["changed"] is True and len(fake_api.calls) == 1
    assert_no_secrets(result)


def test_whitelist_missing_endpoint(fake_api, clock, capsys):
    result = run_module(token_whitelist.main, args(user_id="u"), capsys)
    assert result["msg"] == ("this Aurigraph build does not expose POST /api/v11/auth/tokens/whitelist/add "
                             "(HTTP 404)")


def test_cleanup_changed_only_when_removed(fake_api, clock, capsys):
    fake_api.add("POST", "/api/v11/auth/tokens/cleanup", reply(200, {"removedCount": 2}), reply(200, {"removedCount": 0}))
    fake_api.add("POST", BL + "/cleanup", reply(200, {"removed": 0}))
    first = run_module(token_cleanup.main, args(), capsys)
    assert first["changed"] is True and first["tokens_removed"] == 2 and first["blacklist_removed"] == 0
    second = run_module(token_cleanup.main, args(), capsys)
    assert second["changed"] is False
    only_bl = run_module(token_cleanup.main, args(tokens=False), capsys)
    assert only_bl["tokens_removed"] is None and only_bl["changed"] is False
    calls = len(fake_api.calls)
    check = run_module(token_cleanup.main, args(), capsys, check_mode=True)
    assert check["changed"] is False and len(fake_api.calls) == calls
    assert run_module(token_cleanup.main, args(tokens=False, blacklist=False), capsys).failed


def test_revoke_token_idempotent(fake_api, clock, capsys):
    state = {"revoked": False}
    fake_api.handler("GET", "/api/v11/auth/tokens/tok-1/details",
                     lambda c: reply(200, {"tokenId": "tok-1", "status": "REVOKED" if state["revoked"] else "ACTIVE"}))

    def delete(call):
        state["revoked"] = True
        return reply(200, {"message": "Token revoked"})
    fake_api.handler("DELETE", "/api/v11/auth/tokens/tok-1", delete)
    check = run_module(token_revoke.main, args(token_id="tok-1"), capsys, check_mode=True, diff=True)
    assert check["changed"] is True and state["revoked"] is False
    assert check["diff"] == {"before": {"active_tokens": 1}, "after": {"active_tokens": 0}}
    first = run_module(token_revoke.main, args(token_id="tok-1", reason="INC 9"), capsys)
    assert first["changed"] is True and first["revoked_count"] == 1
    assert fake_api.calls[-1].query == {"reason": "INC 9"}
    second = run_module(token_revoke.main, args(token_id="tok-1"), capsys)
    assert second["changed"] is False


def test_revoke_unknown_token_warns(fake_api, clock, capsys):
    fake_api.add("GET", "/api/v11/auth/tokens/nope/details", reply(404, {"error": "Token not found"}))
    result = run_module(token_revoke.main, args(token_id="nope"), capsys)
    assert not result.failed and result["changed"] is False and result["found"] is False
    assert "token nope was not found" in str(result.get("warnings"))


def test_revoke_all_of_user(fake_api, clock, capsys):
    fake_api.add("GET", "/api/v11/auth/tokens/active",
                 reply(200, {"tokens": [{"tokenId": "a"}], "totalCount": 3}), reply(200, {"tokens": [], "totalCount": 0}))
    fake_api.add("DELETE", "/api/v11/auth/tokens/all/alice", reply(200, {"revokedCount": 3, "reason": "x"}))
    first = run_module(token_revoke.main, args(user_id="alice", reason="x"), capsys)
    assert first["changed"] is True and first["revoked_count"] == 3
    second = run_module(token_revoke.main, args(user_id="alice", reason="x"), capsys)
    assert second["changed"] is False and second["revoked_count"] == 0
    assert fake_api.paths("DELETE") == ["/api/v11/auth/tokens/all/alice"]


def test_revoke_requires_exactly_one_target(fake_api, clock, capsys):
    assert run_module(token_revoke.main, args(), capsys).failed
    assert run_module(token_revoke.main, args(token_id="a", user_id="b"), capsys).failed
    assert fake_api.calls == []


def test_token_info(fake_api, clock, capsys):
    fake_api.add("GET", "/api/v11/auth/tokens/stats", reply(200, {"userId": "alice", "activeTokens": 2}))
    fake_api.add("GET", BL + "/stats", reply(200, {"blacklistedTokens": 4, "activeRateLimits": 0}))
    fake_api.add("GET", "/api/v11/auth/tokens/active",
                 reply(200, {"tokens": [{"tokenId": "t", "tokenHash": H1, "accessToken": "eyJ.x"}]}))
    fake_api.add("GET", "/api/v11/auth/tokens/audit/alice", reply(200, [{"event": "LOGIN", "token": "eyJ.y"}]))
    result = run_module(token_info.main, args(user_id="alice"), capsys, check_mode=True)
    assert result["changed"] is False and result["stats"]["activeTokens"] == 2
    assert result["blacklist_stats"]["blacklistedTokens"] == 4
    assert fake_api.calls[0].query == {"userId": "alice"}
    full = run_module(token_info.main, args(user_id="alice", gather=["active", "audit"], audit_limit=5), capsys)
    assert full["active_tokens"]["tokens"][0]["tokenHash"] == "9f86d081..."
    assert full["active_tokens"]["tokens"][0]["accessToken"] == "VALUE_REDACTED"
    assert full["audit"] == [{"event": "LOGIN", "token": "VALUE_REDACTED"}]
    assert fake_api.calls[-1].query == {"limit": "5"}
    assert_no_secrets(full)
    assert "eyJ.x" not in full.raw


def test_token_info_needs_user_for_stats(fake_api, clock, capsys):
    result = run_module(token_info.main, args(gather=["stats"]), capsys)
    assert result.failed and result["msg"] == "user_id is required to gather stats"
    fake_api.add("GET", BL + "/stats", reply(200, {"blacklistedTokens": 0}))
    assert run_module(token_info.main, args(), capsys)["blacklist_stats"] == {"blacklistedTokens": 0}
