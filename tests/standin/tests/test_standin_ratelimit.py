"""Per-client rolling rate limit on /api/v11/* with the exact 429 body."""
from __future__ import annotations

from standin_testlib import ADMIN_TOKEN, USER_EMAIL, USER_PASSWORD


def test_rate_limit_429_body_and_client_keys(fresh):
    s = fresh(env={"AURIGRAPH_RATE_LIMIT": "5", "AURIGRAPH_RATE_WINDOW_SECONDS": "3600"})
    for _i in range(5):
        assert s.request("GET", "/api/v11/health")[0] == 200
    status, h, body = s.request("GET", "/api/v11/info", headers={"X-Correlation-Id": "rl-1"})
    assert status == 429
    assert list(body) == ["error", "retryAfterSeconds", "rateLimit", "timestamp"]
    assert body["error"] == "Rate limit exceeded" and body["rateLimit"] == 5
    assert 3500 <= body["retryAfterSeconds"] <= 3600
    assert isinstance(body["timestamp"], int)
    assert "Retry-After" not in h and "retry-after" not in {k.lower() for k in h}
    assert h["X-Correlation-Id"] == "rl-1"
    # every /api/v11 path counts, protected ones included (429 before 401)
    assert s.request("GET", "/api/v11/bridge/transfers")[0] == 429
    # /q/* is not rate-limited
    assert s.request("GET", "/q/health/ready")[0] == 200
    # the client key: first X-Forwarded-For, else X-Real-IP
    assert s.request("GET", "/api/v11/health", headers={"X-Forwarded-For": "203.0.113.7, 10.0.0.1"})[0] == 200
    assert s.request("GET", "/api/v11/health", headers={"X-Real-IP": "198.51.100.9"})[0] == 200
    for _i in range(4):
        s.request("GET", "/api/v11/health", headers={"X-Forwarded-For": "203.0.113.7"})
    assert s.request("GET", "/api/v11/health", headers={"X-Forwarded-For": "203.0.113.7"})[0] == 429
    stats = s.request("GET", "/api/v11/auth/tokens/blacklist/stats", token=ADMIN_TOKEN,
                      headers={"X-Forwarded-For": "192.0.2.50"})[2]
    assert stats["activeRateLimits"] >= 3
    # a whitelisted user (login token) is exempt; the same client without the token is limited
    login = s.request("POST", "/api/v11/auth/login", {"email": USER_EMAIL, "password": USER_PASSWORD},
                      headers={"X-Forwarded-For": "192.0.2.1"})[2]
    assert s.request("POST", "/api/v11/auth/tokens/whitelist/add", {"userId": USER_EMAIL, "enabled": True},
                     token=ADMIN_TOKEN, headers={"X-Forwarded-For": "192.0.2.2"})[0] == 200
    codes = [s.request("GET", "/api/v11/health", token=login["token"], headers={"X-Forwarded-For": "192.0.2.3"})[0]
             for _i in range(8)]
    assert codes == [200] * 8
    codes = [s.request("GET", "/api/v11/health", headers={"X-Forwarded-For": "192.0.2.3"})[0] for _i in range(6)]
    assert codes == [200] * 5 + [429]


def test_rolling_window_recovers(fresh):
    import time
    s = fresh(env={"AURIGRAPH_RATE_LIMIT": "2", "AURIGRAPH_RATE_WINDOW_SECONDS": "2"})
    assert [s.request("GET", "/api/v11/health")[0] for _i in range(3)] == [200, 200, 429]
    retry_after = s.request("GET", "/api/v11/health")[2]["retryAfterSeconds"]
    assert 1 <= retry_after <= 2
    time.sleep(retry_after + 0.2)
    assert s.request("GET", "/api/v11/health")[0] == 200
