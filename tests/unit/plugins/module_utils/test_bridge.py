# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Aurigraph DLT contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

import threading

import pytest

from ansible_collections.aurigraph.dlt.plugins.module_utils import bridge, errors
from ansible_collections.aurigraph.dlt.plugins.module_utils.api import Client
from ansible_collections.aurigraph.dlt.plugins.module_utils.bridge import (
    BridgeApi, BulkRetry, RetryPolicy, count_outcomes, select_stuck)
from ansible_collections.aurigraph.dlt.tests.unit.plugins.fakes import reply

NOW = 1795446000.0  # 2026-11-23T15:00:00Z


def tr(tid, status, age, bridge_id="bridge-eth-001", key="updatedAt", **extra):
    item = {"transferId": tid, "bridgeId": bridge_id, "status": status, key: int((NOW - age) * 1000)}
    item.update(extra)
    return item


@pytest.fixture(autouse=True)
def fixed_now(monkeypatch):
    monkeypatch.setattr(bridge, "_now", lambda: NOW)


def test_select_stuck_filters_client_side_oldest_first():
    items = [tr("a", "PENDING", 7200), tr("b", "EXECUTING", 4000), tr("c", "PENDING", 600), tr("d", "COMPLETED", 9999),
             tr("e", "FAILED", 9000), tr("f", "SIGNED", 90000, bridge_id="bridge-sol-002"),
             tr("g", "APPROVED", 5000, key="createdAt"), {"transferId": "h", "status": "PENDING"}, {"status": "PENDING"}]
    assert [t["transferId"] for t in select_stuck(items, 3600, NOW)] == ["f", "a", "g", "b"]
    assert [t["transferId"] for t in select_stuck(items, 3600, NOW, bridge_id="bridge-eth-001")] == ["a", "g", "b"]
    assert [t["transferId"] for t in select_stuck(items, 3600, NOW, statuses=["FAILED"])] == ["e"]


def test_select_stuck_iso_timestamps():
    items = [{"transferId": "x", "status": "PENDING", "createdAt": "2026-11-23T13:00:00Z"},
             {"transferId": "y", "status": "PENDING", "createdAt": "2026-11-23T14:30:00Z"}]
    assert [t["transferId"] for t in select_stuck(items, 3600, NOW)] == ["x"]


@pytest.mark.parametrize("item,ok,reason", [
    (tr("a", "FAILED", 10), True, "FAILED"),
    (tr("a", "PENDING", 7200), True, "PENDING for 2h"),
    (tr("a", "EXECUTING", 300), False, "EXECUTING for only 5m (stuck threshold 1h)"),
    (tr("a", "COMPLETED", 99999), False, "status COMPLETED is final"),
    (tr("a", "CANCELLED", 99999), False, "status CANCELLED is final"),
    ({"transferId": "a", "status": "PENDING"}, False, "status PENDING without a usable updatedAt/createdAt"),
    ({"transferId": "a", "status": "WEIRD"}, False, "unknown status 'WEIRD'"),
])
def test_retry_policy(item, ok, reason):
    assert RetryPolicy(3600).decide(item, NOW) == (ok, reason)


def test_list_transfers_pages_and_dedupes(fake_api, clock):
    pages = {0: [tr("t%d" % i, "PENDING", 7200) for i in range(3)], 3: [tr("t3", "PENDING", 7200)]}
    fake_api.handler("GET", "/api/v11/bridge/transfers",
                     lambda call: reply(200, {"totalTransfers": 4, "transfers": pages[int(call.query["offset"])]}))
    items = BridgeApi(Client(api_token="t")).list_transfers(bridge_id="b1", page_size=3)
    assert [i["transferId"] for i in items] == ["t0", "t1", "t2", "t3"]
    assert fake_api.calls[0].query == {"bridgeId": "b1", "offset": "0", "limit": "3"}


def test_list_transfers_when_paging_is_ignored(fake_api, clock):
    everything = [tr("t%d" % i, "PENDING", 7200) for i in range(7)]
    fake_api.add("GET", "/api/v11/bridge/transfers", reply(200, {"totalTransfers": 7, "transfers": everything}))
    assert len(BridgeApi(Client(api_token="t")).list_transfers(page_size=3)) == 7
    assert len(fake_api.calls) == 1


def test_list_transfers_missing_endpoint(fake_api, clock):
    with pytest.raises(errors.EndpointMissingError, match="does not expose GET /api/v11/bridge/transfers"):
        BridgeApi(Client(api_token="t")).list_transfers()


def run_bulk(candidates, **kw):
    client = Client(api_token="t", retries=kw.pop("retries", 3), timeout=kw.pop("timeout", 30))
    bulk = BulkRetry(BridgeApi(client), RetryPolicy(kw.pop("threshold", 3600)), **kw)
    return bulk, bulk.run(candidates)


def test_outcomes_for_explicit_ids(fake_api, clock):
    fake_api.add("GET", "/api/v11/bridge/transfer/ok/status", reply(200, tr("ok", "FAILED", 60)))
    fake_api.add("GET", "/api/v11/bridge/transfer/done/status", reply(200, tr("done", "COMPLETED", 60)))
    fake_api.add("GET", "/api/v11/bridge/transfer/young/status", reply(200, tr("young", "PENDING", 60)))
    fake_api.add("GET", "/api/v11/bridge/transfer/nope/status",
                 reply(404, {"status": "ERROR", "message": "Transfer not found"}))
    fake_api.add("GET", "/api/v11/bridge/transfer/race/status", reply(200, tr("race", "FAILED", 60)))
    fake_api.add("POST", "/api/v11/bridge/retry/ok",
                 reply(200, {"transferId": "ok", "status": "PENDING", "retryCount": 1}))
    fake_api.add("POST", "/api/v11/bridge/retry/race",
                 reply(409, {"error": "Transfer is not retryable", "status": "COMPLETED"}))
    fake_api.add("GET", "/api/v11/bridge/transfer/boom/status", reply(200, tr("boom", "FAILED", 60)))
    fake_api.add("POST", "/api/v11/bridge/retry/boom", reply(500, {"error": "db"}))
    ids = ["ok", "done", "young", "nope", "race", "boom"]
    _bulk, results = run_bulk([(i, None) for i in ids], concurrency=3)
    by = dict((r["transfer_id"], r) for r in results)
    assert [r["transfer_id"] for r in results] == ids  # input order kept
    assert by["ok"]["outcome"] == "retried" and by["ok"]["attempts"] == 1 and by["ok"]["retry_count"] == 1
    assert by["ok"]["status_before"] == "FAILED" and by["ok"]["status"] == "PENDING"
    assert by["done"]["outcome"] == "skipped_not_retryable" and by["done"]["reason"] == "status COMPLETED is final"
    assert by["young"]["outcome"] == "skipped_not_retryable"
    assert by["nope"]["outcome"] == "not_found"
    assert by["race"]["outcome"] == "skipped_not_retryable"
    assert by["race"]["reason"] == "the service refused: Transfer is not retryable"
    assert by["boom"]["outcome"] == "failed" and "HTTP 500" in by["boom"]["reason"]
    counts = count_outcomes(results)
    assert counts["retried"] == 1 and counts["skipped_not_retryable"] == 3 and counts["not_found"] == 1
    assert sum(counts.values()) == 6


def test_check_mode_posts_nothing(fake_api, clock):
    _bulk, results = run_bulk([("a", tr("a", "PENDING", 7200)), ("b", tr("b", "COMPLETED", 7200))], check_mode=True)
    assert [r["outcome"] for r in results] == ["would_retry", "skipped_not_retryable"]
    assert fake_api.calls == []


def test_rate_limit_stops_and_reports_not_attempted(fake_api, clock):
    state = {"n": 0}
    lock = threading.Lock()

    def retry(call):
        with lock:
            state["n"] += 1
            n = state["n"]
        if n <= 3:
            return reply(200, {"status": "PENDING", "retryCount": 1})
        return reply(429, {"error": "Rate limit exceeded", "retryAfterSeconds": 3000, "rateLimit": 100},
                     correlation_id="rl")

    fake_api.handler("POST", "/api/v11/bridge/retry/%s" % "x", retry)
    for i in range(10):
        fake_api.handler("POST", "/api/v11/bridge/retry/t%d" % i, retry)
    bulk, results = run_bulk([("t%d" % i, tr("t%d" % i, "PENDING", 7200)) for i in range(10)], concurrency=1)
    counts = count_outcomes(results)
    assert counts["retried"] == 3 and counts["not_attempted"] == 7
    assert bulk.rate_limited and bulk.fatal is None
    assert "retry after 3000 s" in bulk.stop_reason
    assert len(fake_api.calls) == 4  # no request after the 429 that did not fit the budget
    assert clock.sleeps == []


def test_rate_limit_within_budget_is_waited_out(fake_api, clock):
    fake_api.add("POST", "/api/v11/bridge/retry/a", reply(429, {"retryAfterSeconds": 5}),
                 reply(200, {"status": "PENDING"}))
    bulk, results = run_bulk([("a", tr("a", "PENDING", 7200))])
    assert results[0]["outcome"] == "retried" and not bulk.rate_limited
    assert clock.sleeps == [5.0]


def test_auth_failure_is_fatal(fake_api, clock):
    fake_api.add("POST", "/api/v11/bridge/retry/a", reply(401, {"error": "no"}))
    bulk, results = run_bulk([("a", tr("a", "PENDING", 7200)), ("b", tr("b", "PENDING", 7200))], concurrency=1)
    assert isinstance(bulk.fatal, errors.AuthenticationError)
    assert [r["outcome"] for r in results] == ["not_attempted", "not_attempted"]


def test_concurrency_is_bounded(fake_api, clock):
    active = {"now": 0, "max": 0}
    lock = threading.Lock()
    gate = threading.Event()

    def retry(call):
        with lock:
            active["now"] += 1
            active["max"] = max(active["max"], active["now"])
            if active["max"] >= 3:
                gate.set()
        gate.wait(0.2)
        with lock:
            active["now"] -= 1
        return reply(200, {"status": "PENDING"})

    cands = []
    for i in range(20):
        fake_api.handler("POST", "/api/v11/bridge/retry/t%d" % i, retry)
        cands.append(("t%d" % i, tr("t%d" % i, "PENDING", 7200)))
    _bulk, results = run_bulk(cands, concurrency=3)
    assert active["max"] == 3
    assert all(r["outcome"] == "retried" for r in results)


def test_wait_until_completed_and_retry_failed_again(fake_api, clock):
    fake_api.add("POST", "/api/v11/bridge/retry/a", reply(200, {"status": "PENDING"}))
    fake_api.add("POST", "/api/v11/bridge/retry/b", reply(200, {"status": "PENDING"}))
    fake_api.add("POST", "/api/v11/bridge/retry/c", reply(200, {"status": "PENDING"}))
    fake_api.add("GET", "/api/v11/bridge/transfer/a/status",
                 reply(200, tr("a", "EXECUTING", 1)), reply(200, tr("a", "COMPLETED", 1)))
    fake_api.add("GET", "/api/v11/bridge/transfer/b/status",
                 reply(200, tr("b", "FAILED", 1)), reply(200, tr("b", "FAILED", 1)))
    fake_api.add("GET", "/api/v11/bridge/transfer/c/status", reply(200, tr("c", "PENDING", 1)))
    cands = [(t, tr(t, "PENDING", 7200)) for t in "abc"]
    _bulk, results = run_bulk(cands, wait=True, wait_timeout=20, max_retries=2, concurrency=1)
    by = dict((r["transfer_id"], r) for r in results)
    assert by["a"]["outcome"] == "completed" and by["a"]["reason"] == "COMPLETED after 1 retry"
    assert by["b"]["outcome"] == "failed" and by["b"]["attempts"] == 2 and by["b"]["reason"] == "FAILED after 2 retries"
    assert by["c"]["outcome"] == "timeout" and by["c"]["reason"] == "still PENDING after waiting 20s"
    assert sum(clock.sleeps) == pytest.approx(20.0)
    assert fake_api.paths("POST").count("/api/v11/bridge/retry/b") == 2


def test_wait_polls_with_list_endpoint_when_many(fake_api, clock):
    ids = ["t%d" % i for i in range(40)]
    for tid in ids:
        fake_api.add("POST", "/api/v11/bridge/retry/%s" % tid, reply(200, {"status": "PENDING"}))
    fake_api.add("GET", "/api/v11/bridge/transfers",
                 reply(200, {"totalTransfers": 40, "transfers": [tr(t, "COMPLETED", 1) for t in ids]}))
    _bulk, results = run_bulk([(t, tr(t, "PENDING", 7200)) for t in ids], wait=True, wait_timeout=60)
    assert all(r["outcome"] == "completed" for r in results)
    assert fake_api.paths("GET") == ["/api/v11/bridge/transfers"]
