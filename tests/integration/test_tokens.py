# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Aurigraph DLT contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

import re

import pytest

from conftest import ADMIN_TOKEN, fresh_hash, run_repo_playbook, start_standin  # pylint: disable=import-error

USER = "ops@example.com"
PASSWORD = "it-pass-" + fresh_hash()[:12]


@pytest.fixture(scope="module")
def svc(base_jar):
    service = start_standin(base_jar, env={"AURIGRAPH_USERS": "%s:%s" % (USER, PASSWORD),
                                           "AURIGRAPH_RATE_LIMIT": "100000"})
    yield service
    service.close()


def blacklisted(svc, token_hash):
    status, _h, body = svc.request("POST", "/api/v11/auth/tokens/blacklist/check", {"tokenHash": token_hash},
                                   token=ADMIN_TOKEN)
    assert status == 200, body
    return body["blacklisted"]


def test_blacklist_idempotent_check_mode_diff_and_no_log(svc, playbook):
    h1, h2 = fresh_hash(), fresh_hash()
    task = {"name": "bl", "aurigraph.dlt.token_blacklist": {"token_hashes": [h1, h2], "reason": "INC-42"}}

    check = playbook([task], svc.url, check=True, diff=True)
    res = check.result("bl")
    assert check.rc == 0 and res["changed"] is True and res["changed_count"] == 2
    assert not blacklisted(svc, h1) and not blacklisted(svc, h2)

    first = playbook([task], svc.url, diff=True)
    res = first.result("bl")
    assert first.rc == 0 and res["changed"] is True
    assert [r["label"] for r in res["results"]] == ["0:" + h1[:8], "1:" + h2[:8]]
    assert res["diff"]["after"]["blacklisted"] == sorted(["0:" + h1[:8], "1:" + h2[:8]])
    assert blacklisted(svc, h1) and blacklisted(svc, h2)

    second = playbook([task], svc.url)
    assert second.rc == 0 and second.result("bl")["changed"] is False  # idempotent

    remove = playbook([{"name": "rm", "aurigraph.dlt.token_blacklist": {"token_hashes": [h1], "state": "absent"}}],
                      svc.url)
    assert remove.result("rm")["changed"] is True and not blacklisted(svc, h1) and blacklisted(svc, h2)

    for run in (check, first, second, remove):
        for secret in (ADMIN_TOKEN, h1, h2):
            assert secret not in run.stdout + run.stderr


def test_vvv_never_shows_secrets(svc, playbook):
    h = fresh_hash()
    run = playbook([{"name": "bl", "aurigraph.dlt.token_blacklist": {"token_hashes": [h]}},
                    {"name": "stats", "aurigraph.dlt.token_info": {"user_id": USER}}],
                   svc.url, token=None, extra_defaults={"api_username": USER, "api_password": PASSWORD},
                   callback="default", verbosity=3)
    out = run.stdout + run.stderr
    assert run.rc == 0, out[-3000:]
    assert "ok: [localhost]" in out or "changed: [localhost]" in out
    for secret in (h, PASSWORD, ADMIN_TOKEN):
        assert secret not in out
    assert "VALUE_SPECIFIED_IN_NO_LOG_PARAMETER" in out  # the module args are shown, masked


def test_invalid_hash_rejected_before_any_call(svc, playbook):
    raw_token = "eyJhbGciOiJIUzI1NiJ9.not-a-hash"
    run = playbook([{"name": "bl", "aurigraph.dlt.token_blacklist": {"token_hashes": [raw_token]}}], svc.url)
    res = run.result("bl")
    assert run.rc != 0 and res["msg"].startswith("token_hashes item 0 is not a SHA-256 hex digest")
    assert raw_token not in run.stdout


def test_whitelist_cleanup_info_and_revoke(svc, playbook):
    run = playbook([
        {"name": "login", "aurigraph.dlt.token_info": {"user_id": USER, "gather": ["active"]}},
        {"name": "wl", "aurigraph.dlt.token_whitelist": {"user_id": "monitoring", "enabled": True}},
        {"name": "cleanup", "aurigraph.dlt.token_cleanup": {}},
        {"name": "cleanup2", "aurigraph.dlt.token_cleanup": {}},
        {"name": "info", "aurigraph.dlt.token_info": {"user_id": USER, "gather": ["stats", "blacklist_stats",
                                                                                  "active", "audit"]}},
        {"name": "revoke", "aurigraph.dlt.token_revoke": {"user_id": USER, "reason": "integration test"}},
        {"name": "revoke2", "aurigraph.dlt.token_revoke": {"user_id": USER, "reason": "integration test"}},
        {"name": "unknown", "aurigraph.dlt.token_revoke": {"token_id": "tok-does-not-exist"}},
    ], svc.url, token=None, extra_defaults={"api_username": USER, "api_password": PASSWORD})
    assert run.rc == 0, run.stdout[-3000:]
    assert run.result("wl")["changed"] is True and run.result("wl")["enabled"] is True
    assert run.result("cleanup2")["changed"] is False
    info = run.result("info")
    assert info["changed"] is False and info["stats"]["userId"] == USER
    assert "blacklistedTokens" in info["blacklist_stats"]
    tokens = info["active_tokens"]["tokens"]
    assert tokens and all("tokenHash" not in t or t["tokenHash"].endswith("...") for t in tokens)
    # Each module run logged in once: those tokens are active until revoked.
    revoke = run.result("revoke")
    assert revoke["changed"] is True and revoke["revoked_count"] >= 1
    # revoke2 logs in again (one new token), revokes it: still a change, but only of that token.
    assert run.result("revoke2")["revoked_count"] == 1
    unknown = run.result("unknown")
    assert unknown["changed"] is False and unknown["found"] is False
    assert PASSWORD not in run.stdout


def test_revoke_token_by_id_idempotent(svc, playbook):
    status, _h, body = svc.request("POST", "/api/v11/auth/login", {"email": USER, "password": PASSWORD})
    assert status == 200
    task = {"name": "rv", "aurigraph.dlt.token_revoke": {"token_id": body["tokenId"], "reason": "it"}}
    assert playbook([task], svc.url, check=True).result("rv")["changed"] is True
    assert playbook([task], svc.url).result("rv")["changed"] is True
    assert playbook([task], svc.url).result("rv")["changed"] is False
    assert svc.request("GET", "/api/v11/auth/tokens/stats?userId=x", token=body["token"])[0] == 401


def test_token_admin_playbook_from_survey_text(svc, tmp_path):
    h1, h2 = fresh_hash(), fresh_hash()
    survey = {"aurigraph_api_url": svc.url,
              "token_admin_blacklist": "%s\n%s, " % (h1, h2.upper()),  # a survey textarea
              "token_admin_blacklist_reason": "INC-7", "token_admin_whitelist": "monitoring",
              "token_admin_cleanup": True, "token_admin_stats_user": USER}
    proc = run_repo_playbook(tmp_path, "token_admin.yml", survey, verbosity=2)
    assert proc.returncode == 0, proc.stdout[-3000:]
    assert blacklisted(svc, h1) and blacklisted(svc, h2)
    assert "0:" + h1[:8] in proc.stdout and "expired_tokens_removed" in proc.stdout
    for secret in (ADMIN_TOKEN, h1, h2, h2.upper()):
        assert secret not in proc.stdout
    again = run_repo_playbook(tmp_path, "token_admin.yml", dict(survey, token_admin_whitelist=[]))
    assert again.returncode == 0, again.stdout[-3000:]
    assert re.search(r"localhost\s*:\s*ok=\d+\s+changed=0\s", again.stdout), again.stdout[-1500:]  # idempotent
