# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Aurigraph DLT contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

import ssl
from urllib.error import URLError

import pytest

from ansible_collections.aurigraph.dlt.plugins.module_utils import errors
from ansible_collections.aurigraph.dlt.plugins.module_utils.api import Client
from ansible_collections.aurigraph.dlt.tests.unit.plugins.fakes import conn_error, raise_exc, reply

BL = "/api/v11/auth/tokens/blacklist"


def make(**kw):
    kw.setdefault("api_token", "secret-token")
    return Client(**kw)


def test_bearer_token_tls_options_and_json(fake_api, clock, monkeypatch):
    contexts = []
    monkeypatch.setattr("ansible_collections.aurigraph.dlt.plugins.module_utils.api.make_context",
                        lambda **kw: contexts.append(kw) or object())
    fake_api.add("POST", BL, reply(200, {"ok": True}))
    client = make(api_url="https://dlt.example:9003/", validate_certs=True, ca_path="/ca.pem",
                  client_cert="/c.pem", client_key="/k.pem")
    assert client.post_json(BL, {"tokenHash": "a" * 64}) == {"ok": True}
    client.post_json(BL, {"tokenHash": "a" * 64})
    # one SSL context per client, reused by every request
    assert contexts == [dict(cafile="/ca.pem", validate_certs=True, client_cert="/c.pem", client_key="/k.pem")]
    assert fake_api.calls[0].kwargs["context"] is fake_api.calls[1].kwargs["context"]
    call = fake_api.calls[0]
    assert call.url == "https://dlt.example:9003" + BL
    assert call.headers["Authorization"] == "Bearer secret-token"
    assert call.headers["Content-Type"] == "application/json"
    assert call.json == {"tokenHash": "a" * 64}
    assert call.kwargs["validate_certs"] is True
    assert call.kwargs["ca_path"] == "/ca.pem"
    assert call.kwargs["client_cert"] == "/c.pem" and call.kwargs["client_key"] == "/k.pem"
    assert call.kwargs["use_netrc"] is False


def test_query_string_and_no_auth(fake_api, clock):
    fake_api.add("GET", "/api/v11/auth/tokens/stats", reply(200, {"userId": "u 1"}))
    make().request("GET", "/api/v11/auth/tokens/stats", query={"userId": "u 1", "skip": None}, auth=False)
    call = fake_api.calls[0]
    assert call.query == {"userId": "u 1"}
    assert "Authorization" not in call.headers


@pytest.mark.parametrize("status", [401, 403])
def test_auth_errors(fake_api, clock, status):
    fake_api.add("POST", BL, reply(status, {"error": "Unauthorized"}, correlation_id="abc-123"))
    with pytest.raises(errors.AuthenticationError) as exc:
        make().post_json(BL, {})
    assert str(exc.value) == (
        "authentication failed: POST /api/v11/auth/tokens/blacklist returned HTTP %s: Unauthorized; the bearer token "
        "from the api_token option was refused (correlation id abc-123)" % status)
    assert len(fake_api.calls) == 1  # never retried


def test_auth_error_without_correlation_id(fake_api, clock):
    fake_api.add("GET", "/x", reply(401, {"error": "no"}, correlation_id=None))
    with pytest.raises(errors.AuthenticationError, match=r"returned HTTP 401: no; .* \(no correlation id\)$"):
        make().request("GET", "/x")


@pytest.mark.parametrize("status", [404, 405])
def test_missing_runbook_endpoint(fake_api, clock, status):
    fake_api.add("POST", BL, reply(status, {"error": "whatever"}))
    with pytest.raises(errors.EndpointMissingError) as exc:
        make().post_json(BL, {})
    assert str(exc.value) == "this Aurigraph build does not expose POST %s (HTTP %s)" % (BL, status)


def test_404_on_resource_with_json_body_is_not_found(fake_api, clock):
    path = "/api/v11/bridge/transfer/t-1/status"
    fake_api.add("GET", path, reply(404, {"status": "ERROR", "message": "Transfer not found"}, correlation_id="c9"))
    with pytest.raises(errors.NotFoundError) as exc:
        make().get_json(path)
    assert "not found" in str(exc.value) and "Transfer not found" in str(exc.value)
    assert "correlation id c9" in str(exc.value)


def test_404_on_resource_without_json_body_means_missing_endpoint(fake_api, clock):
    path = "/api/v11/bridge/transfer/t-1/status"
    fake_api.add("GET", path, reply(404, raw=b"<html>Resource not found</html>"))
    with pytest.raises(errors.EndpointMissingError, match=r"does not expose GET .* \(HTTP 404\)"):
        make().get_json(path)


def test_409_conflict(fake_api, clock):
    fake_api.add("POST", "/api/v11/bridge/retry/t1", reply(409, {"error": "Transfer is not retryable"}))
    with pytest.raises(errors.ConflictError, match="HTTP 409: Transfer is not retryable"):
        make().request("POST", "/api/v11/bridge/retry/t1")


@pytest.mark.parametrize("status, error, exc_class, message", [
    (400, "userId is required", errors.ApiError, "GET /x returned HTTP 400: userId is required (correlation id q)"),
    (500, "boom", errors.ServerError, "GET /x failed: HTTP 500 (boom) after 1 attempt (correlation id q)"),
], ids=["400-api-error", "500-server-error"])
def test_error_not_retried(fake_api, clock, status, error, exc_class, message):
    fake_api.add("GET", "/x", reply(status, {"error": error}, correlation_id="q"))
    with pytest.raises(exc_class) as exc:
        make().request("GET", "/x")
    assert str(exc.value) == message
    assert len(fake_api.calls) == 1


@pytest.mark.parametrize("status", [502, 503, 504])
def test_transient_5xx_retried_with_backoff_then_ok(fake_api, clock, status):
    fake_api.add("GET", "/x", reply(status), reply(status), reply(200, {"a": 1}))
    assert make(retries=3).get_json("/x") == {"a": 1}
    assert clock.sleeps == [1.0, 2.0]


def test_transient_5xx_exhausted(fake_api, clock):
    fake_api.add("GET", "/x", reply(503, {"error": "unavailable"}, correlation_id="z-9"))
    with pytest.raises(errors.ServerError) as exc:
        make(retries=3, timeout=60).request("GET", "/x")
    assert len(fake_api.calls) == 4
    assert clock.sleeps == [1.0, 2.0, 4.0]
    assert str(exc.value) == "GET /x failed: HTTP 503 (unavailable) after 4 attempts (correlation id z-9)"


def test_backoff_is_capped_and_bounded_by_budget(fake_api, clock):
    fake_api.add("GET", "/x", reply(502))
    with pytest.raises(errors.ServerError):
        make(retries=10, timeout=20).request("GET", "/x")
    # 1 + 2 + 4 + 8 = 15 s; the next wait (8 s) would pass the 20 s budget.
    assert clock.sleeps == [1.0, 2.0, 4.0, 8.0]
    assert max(clock.sleeps) <= 8.0


def test_connection_error_retried_then_clear_message(fake_api, clock):
    fake_api.add("GET", "/x", conn_error())
    with pytest.raises(errors.ApiConnectionError) as exc:
        make(retries=2, api_url="http://127.0.0.1:1").request("GET", "/x")
    assert len(fake_api.calls) == 3
    assert str(exc.value) == ("cannot reach the Aurigraph API at http://127.0.0.1:1 (GET /x): "
                              "[Errno 111] Connection refused (after 3 attempts)")
    assert "\n" not in str(exc.value)


def test_connection_error_then_success(fake_api, clock):
    fake_api.add("GET", "/x", conn_error(), reply(200, {"a": 1}))
    assert make().get_json("/x") == {"a": 1}


def test_tls_error_not_retried(fake_api, clock):
    err = ssl.SSLCertVerificationError(1, "[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed")
    fake_api.add("GET", "/x", raise_exc(URLError(err)))
    with pytest.raises(errors.TLSError) as exc:
        make(api_url="https://h:9443").request("GET", "/x")
    assert len(fake_api.calls) == 1
    assert "CERTIFICATE_VERIFY_FAILED" in str(exc.value) and "ca_path" in str(exc.value)


def test_429_honours_retry_after_seconds(fake_api, clock):
    fake_api.add("GET", "/api/v11/info",
                 reply(429, {"error": "Rate limit exceeded", "retryAfterSeconds": 7, "rateLimit": 100}),
                 reply(200, {"ok": 1}))
    client = make(timeout=30)
    assert client.get_json("/api/v11/info") == {"ok": 1}
    assert clock.sleeps == [7.0]
    assert client.rate_limited_waits == 1


def test_429_wait_beyond_budget_fails_at_once(fake_api, clock):
    fake_api.add("GET", "/api/v11/info",
                 reply(429, {"error": "Rate limit exceeded", "retryAfterSeconds": 3400}, correlation_id="rl-1"))
    with pytest.raises(errors.RateLimitError) as exc:
        make(timeout=30).get_json("/api/v11/info")
    assert clock.sleeps == []
    assert exc.value.retry_after == 3400
    msg = str(exc.value)
    assert msg.startswith("rate limit exceeded: GET /api/v11/info returned HTTP 429 (retry after 3400 s;")
    assert "correlation id rl-1" in msg


def test_429_without_retry_after_uses_backoff(fake_api, clock):
    fake_api.add("GET", "/x", reply(429, {"error": "Rate limit exceeded"}), reply(200, {}))
    make().get_json("/x")
    assert clock.sleeps == [1.0]


def test_429_retries_are_bounded(fake_api, clock):
    fake_api.add("GET", "/x", reply(429, {"retryAfterSeconds": 1}))
    with pytest.raises(errors.RateLimitError):
        make(retries=2, timeout=100).get_json("/x")
    assert clock.sleeps == [1.0, 1.0]
    assert len(fake_api.calls) == 3


def test_explicit_deadline_bounds_429_wait(fake_api, clock):
    fake_api.add("GET", "/x", reply(429, {"retryAfterSeconds": 10}), reply(200, {}))
    client = make(timeout=300)
    with pytest.raises(errors.RateLimitError):
        client.get_json("/x", deadline=clock() + 5)


def test_login_then_bearer(fake_api, clock):
    fake_api.add("POST", "/api/v11/auth/login", reply(200, {"token": "jwt-from-login"}))
    fake_api.add("GET", "/x", reply(200, {}))
    client = Client(api_username="ops@example.com", api_password="pw")
    client.get_json("/x")
    client.get_json("/x")
    assert fake_api.paths() == ["/api/v11/auth/login", "/x", "/x"]
    assert fake_api.calls[0].json == {"email": "ops@example.com", "password": "pw"}
    assert "Authorization" not in fake_api.calls[0].headers
    assert fake_api.calls[1].headers["Authorization"] == "Bearer jwt-from-login"


def test_login_failure_and_missing_endpoint(fake_api, clock):
    fake_api.add("POST", "/api/v11/auth/login", reply(401, {"error": "bad credentials"}, correlation_id="L"))
    with pytest.raises(errors.AuthenticationError, match=r"^authentication failed: POST /api/v11/auth/login "
                                                         r"returned HTTP 401: bad credentials \(correlation id L\)$"):
        Client(api_username="a", api_password="b").get_json("/x")
    fake_api.add("POST", "/api/v11/auth/login", reply(404, raw=b""))
    with pytest.raises(errors.EndpointMissingError, match="does not expose POST /api/v11/auth/login"):
        Client(api_username="a", api_password="b").get_json("/x")


def test_login_without_token_in_answer(fake_api, clock):
    fake_api.add("POST", "/api/v11/auth/login", reply(200, {"user": "x"}))
    with pytest.raises(errors.AuthenticationError, match="without a token"):
        Client(api_username="a", api_password="b").get_json("/x")


def test_non_json_body_is_a_clear_error(fake_api, clock):
    fake_api.add("GET", "/x", reply(200, raw=b"<html>"))
    with pytest.raises(errors.ResponseError, match="not a JSON object"):
        make().get_json("/x")


def test_correlation_id_exposed(fake_api, clock):
    fake_api.add("GET", "/x", reply(200, {}, correlation_id="corr-42"))
    assert make().request("GET", "/x").correlation_id == "corr-42"


def test_unreadable_ca_path_is_a_clear_tls_error(fake_api, clock, tmp_path, monkeypatch):
    from ansible.module_utils import urls
    monkeypatch.setattr("ansible_collections.aurigraph.dlt.plugins.module_utils.api.make_context", urls.make_context)
    missing = str(tmp_path / "no-such-ca.pem")
    with pytest.raises(errors.TLSError) as exc:
        make(api_url="https://h:9443", ca_path=missing).request("GET", "/x")
    assert str(exc.value).startswith("cannot set up TLS (ca_path %s, client_cert -, client_key -): " % missing)
    assert fake_api.calls == []


def test_real_build_500_on_fixed_path_is_missing_endpoint(fake_api, clock):
    fake_api.add("GET", BL + "/stats", reply(500, {"error": "Business operation failed"}, correlation_id="r1"))
    with pytest.raises(errors.EndpointMissingError) as exc:
        make().get_json(BL + "/stats", missing="endpoint")
    assert str(exc.value) == ('this Aurigraph build does not expose GET %s/stats (HTTP 500 "Business operation failed": '
                              'the real build answers 500, not 404, for paths it lacks) (correlation id r1)' % BL)
    assert exc.value.status == 500 and len(fake_api.calls) == 1


def test_real_build_500_on_resource_path_stays_server_error_with_hint(fake_api, clock):
    fake_api.add("GET", "/api/v11/bridge/status/b1", reply(500, {"error": "Business operation failed"}, correlation_id=None))
    with pytest.raises(errors.ServerError, match=r"HTTP 500 \(Business operation failed\) after 1 attempt; the real "
                                                 r"Aurigraph build also answers this for paths it does not expose"):
        make().get_json("/api/v11/bridge/status/b1")


def test_token_source_never_the_value(fake_api, clock):
    fake_api.add("GET", "/x", reply(401, raw=b"", correlation_id=None))
    with pytest.raises(errors.AuthenticationError) as exc:
        make(token_source="the AURIGRAPH_API_TOKEN environment variable").get_json("/x")
    assert "secret-token" not in str(exc.value)
    assert "returned HTTP 401 with an empty body; the bearer token from the AURIGRAPH_API_TOKEN environment variable" \
        in str(exc.value)


def test_login_token_source(fake_api, clock):
    fake_api.add("POST", "/api/v11/auth/login", reply(200, {"token": "jwt"}))
    fake_api.add("GET", "/x", reply(401, raw=b"", correlation_id=None))
    with pytest.raises(errors.AuthenticationError, match="the bearer token from the login of api_username ops was refused"):
        Client(api_username="ops", api_password="pw").get_json("/x")
