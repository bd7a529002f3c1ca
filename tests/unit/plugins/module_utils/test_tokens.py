# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Aurigraph DLT contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

import pytest

from ansible_collections.aurigraph.dlt.plugins.module_utils import errors
from ansible_collections.aurigraph.dlt.plugins.module_utils.api import Client
from ansible_collections.aurigraph.dlt.plugins.module_utils.tokens import (
    TokenAdmin, active_count, label, redact, token_is_active, validate_hashes)
from ansible_collections.aurigraph.dlt.tests.unit.plugins.fakes import reply

H1 = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
H2 = "60303ae22b998861bce3b28f33eec1be758a213c86c93c076dbe9f558c11c752"


def test_validate_hashes_normalises_and_dedupes():
    assert validate_hashes([H1, H2.upper(), " %s " % H1]) == [(0, H1), (1, H2)]


def test_validate_hashes_never_echoes_bad_values():
    raw_token = "eyJhbGciOiJIUzI1NiJ9.raw-token-by-mistake"
    with pytest.raises(errors.ValidationError) as exc:
        validate_hashes([H1, raw_token, "abc", None])
    msg = str(exc.value)
    assert msg.startswith("token_hashes items 1, 2, 3 are not a SHA-256 hex digest")
    assert raw_token not in msg and "abc" not in msg
    with pytest.raises(errors.ValidationError, match="item 0 is not"):
        validate_hashes(["g" * 64])
    with pytest.raises(errors.ValidationError, match="at least one"):
        validate_hashes([])


def test_label_is_index_and_prefix():
    assert label(3, H1) == "3:9f86d081"


def test_redact():
    doc = {"userId": "u", "tokens": [{"tokenId": "t1", "tokenHash": H1, "token": "eyJ.secret", "ip": "1.2.3.4"}],
           "password": None, "nested": {"access_token": "abc"}}
    out = redact(doc)
    assert out["tokens"][0] == {"tokenId": "t1", "tokenHash": "9f86d081...", "token": "VALUE_REDACTED",
                                "ip": "1.2.3.4"}
    assert out["nested"]["access_token"] == "VALUE_REDACTED"
    assert out["password"] is None
    assert H1 not in repr(out)


@pytest.mark.parametrize("details,active", [
    ({"tokenId": "t", "status": "ACTIVE"}, True), ({"tokenId": "t"}, True), ({"status": "REVOKED"}, False),
    ({"revoked": True}, False), ({"revokedAt": "2026-01-01T00:00:00Z"}, False), ({"status": "EXPIRED"}, False),
    ({"isExpired": "true"}, False), (None, False)])
def test_token_is_active(details, active):
    assert token_is_active(details) is active


@pytest.mark.parametrize("page,count", [
    ({"totalCount": 4, "tokens": [{}]}, 4), ({"tokens": [{}, {}]}, 2), ([{}, {}, {}], 3), ({}, 0),
    ({"total": 0}, 0), (None, 0)])
def test_active_count(page, count):
    assert active_count(page) == count


def test_sync_blacklist_keeps_results_on_error(fake_api, clock):
    fake_api.add("POST", "/api/v11/auth/tokens/blacklist/check", reply(200, {"blacklisted": False}))
    fake_api.add("POST", "/api/v11/auth/tokens/blacklist", reply(200, {"blacklisted": True, "reason": "r"}),
                 reply(500, {"error": "db down"}))
    results = []
    with pytest.raises(errors.ServerError):
        TokenAdmin(Client(api_token="t")).sync_blacklist([(0, H1), (1, H2)], "present", "r", False, results)
    assert [r["label"] for r in results] == ["0:9f86d081"]
    assert results[0]["changed"] is True


def test_cleanup_counts(fake_api, clock):
    fake_api.add("POST", "/api/v11/auth/tokens/cleanup", reply(200, {"removedCount": 3}))
    fake_api.add("POST", "/api/v11/auth/tokens/blacklist/cleanup", reply(200, {"removed": 0}))
    admin = TokenAdmin(Client(api_token="t"))
    assert admin.cleanup_tokens() == 3
    assert admin.cleanup_blacklist() == 0


def test_details_not_found_vs_missing_endpoint(fake_api, clock):
    fake_api.add("GET", "/api/v11/auth/tokens/t%2F1/details", reply(404, {"error": "Token not found"}))
    assert TokenAdmin(Client(api_token="t")).details("t/1") is None
    fake_api.add("GET", "/api/v11/auth/tokens/t2/details", reply(404, raw=b""))
    with pytest.raises(errors.EndpointMissingError):
        TokenAdmin(Client(api_token="t")).details("t2")


def test_revoke_uses_reason_query(fake_api, clock):
    fake_api.add("DELETE", "/api/v11/auth/tokens/all/alice", reply(200, {"revokedCount": 2, "reason": "x y"}))
    assert TokenAdmin(Client(api_token="t")).revoke_all("alice", "x y")[0] == 2
    assert fake_api.calls[0].query == {"reason": "x y"}
