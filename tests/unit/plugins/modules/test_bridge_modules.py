# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Aurigraph DLT contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

import pytest

from ansible_collections.aurigraph.dlt.plugins.module_utils import bridge
from ansible_collections.aurigraph.dlt.plugins.modules import bridge_info, bridge_retry, consensus_info
from ansible_collections.aurigraph.dlt.tests.unit.plugins.fakes import conn_error, reply, run_module

NOW = 1795446000.0
TOKEN = "eyJhbGciOiJIUzI1NiJ9.bridge-admin"
LIST = "/api/v11/bridge/transfers"


@pytest.fixture(autouse=True)
def fixed_now(monkeypatch):
    monkeypatch.setattr(bridge, "_now", lambda: NOW)


def tr(tid, status, age, bridge_id="bridge-eth-001"):
    return {"transferId": tid, "bridgeId": bridge_id, "status": status, "createdAt": int((NOW - age - 60) * 1000),
            "updatedAt": int((NOW - age) * 1000)}


class Bridge(object):
    """Stateful fake: a retry re-queues the transfer (PENDING, updatedAt now)."""

    def __init__(self, fake_api, transfers):
        self.transfers = dict((t["transferId"], t) for t in transfers)
        fake_api.handler("GET", LIST, self.list)
        for tid in self.transfers:
            fake_api.handler("POST", "/api/v11/bridge/retry/%s" % tid, self.retry)
            fake_api.handler("GET", "/api/v11/bridge/transfer/%s/status" % tid, self.status)
        fake_api.add("GET", "/api/v11/bridge/transfer/ghost/status",
                     reply(404, {"status": "ERROR", "message": "Transfer not found"}))

    def list(self, call):
        items = list(self.transfers.values())  # ignores every filter, like real builds
        return reply(200, {"totalTransfers": len(items), "transfers": items})

    def status(self, call):
        return reply(200, self.transfers[call.path.split("/")[-2]])

    def retry(self, call):
        t = self.transfers[call.path.split("/")[-1]]
        if t["status"] in ("COMPLETED", "CANCELLED"):
            return reply(409, {"error": "Transfer is not retryable", "status": t["status"]})
        t.update(status="PENDING", updatedAt=int(NOW * 1000), retryCount=t.get("retryCount", 0) + 1)
        return reply(200, {"transferId": t["transferId"], "status": "PENDING", "retryCount": t["retryCount"]})


def transfers():
    return [tr("a", "PENDING", 7200), tr("b", "EXECUTING", 4000), tr("c", "PENDING", 60), tr("d", "COMPLETED", 9000),
            tr("e", "FAILED", 9000), tr("f", "SIGNED", 5000, bridge_id="bridge-sol-002")]


def test_retry_stuck_then_idempotent(fake_api, clock, capsys):
    Bridge(fake_api, transfers())
    first = run_module(bridge_retry.main, dict(api_token=TOKEN, stuck_older_than="1h"), capsys, diff=True)
    assert not first.failed and first["changed"] is True
    assert [t["transfer_id"] for t in first["transfers"]] == ["a", "f", "b"]  # oldest first
    assert first["counts"]["retried"] == 3 and first["selected"] == 3 and first["rate_limited"] is False
    assert first["diff"]["before"] == {"a": "PENDING", "f": "SIGNED", "b": "EXECUTING"}
    assert first["diff"]["after"] == {"a": "PENDING", "f": "PENDING", "b": "PENDING"}
    assert first["msg"] == "3 retried"
    assert TOKEN not in first.raw
    second = run_module(bridge_retry.main, dict(api_token=TOKEN, stuck_older_than="1h"), capsys)
    assert second["changed"] is False and second["selected"] == 0 and second["msg"] == "nothing to retry"


def test_retry_filters_bridge_and_statuses(fake_api, clock, capsys):
    Bridge(fake_api, transfers())
    result = run_module(bridge_retry.main, dict(api_token=TOKEN, stuck_older_than="30m", bridge_id="bridge-eth-001",
                                                statuses=["FAILED"]), capsys)
    assert [t["transfer_id"] for t in result["transfers"]] == ["e"]
    assert fake_api.calls[0].query["bridgeId"] == "bridge-eth-001"


def test_check_mode_lists_would_retry(fake_api, clock, capsys):
    Bridge(fake_api, transfers())
    result = run_module(bridge_retry.main, dict(api_token=TOKEN, stuck_older_than="1h"), capsys, check_mode=True)
    assert result["changed"] is True and result["counts"]["would_retry"] == 3 and result["counts"]["retried"] == 0
    assert fake_api.paths("POST") == []


def test_explicit_ids_outcomes(fake_api, clock, capsys):
    Bridge(fake_api, transfers())
    result = run_module(bridge_retry.main, dict(api_token=TOKEN, transfer_ids=["e", "d", "c", "ghost", "e"]), capsys)
    assert not result.failed
    assert [(t["transfer_id"], t["outcome"]) for t in result["transfers"]] == [
        ("e", "retried"), ("d", "skipped_not_retryable"), ("c", "skipped_not_retryable"), ("ghost", "not_found")]
    assert result["counts"]["not_found"] == 1 and result["changed"] is True


def test_max_transfers(fake_api, clock, capsys):
    Bridge(fake_api, transfers())
    result = run_module(bridge_retry.main, dict(api_token=TOKEN, stuck_older_than="1h", max_transfers=1), capsys)
    assert not result.failed
    assert [t["outcome"] for t in result["transfers"]] == ["retried", "not_attempted", "not_attempted"]


def test_rate_limit_fails_with_partial_results(fake_api, clock, capsys):
    b = Bridge(fake_api, transfers())
    fake_api.add("POST", "/api/v11/bridge/retry/f",
                 reply(429, {"error": "Rate limit exceeded", "retryAfterSeconds": 1800}, correlation_id="rl-9"))
    result = run_module(bridge_retry.main, dict(api_token=TOKEN, stuck_older_than="1h", concurrency=1), capsys)
    assert result.failed and result["changed"] is True and result["rate_limited"] is True
    assert [t["outcome"] for t in result["transfers"]] == ["retried", "not_attempted", "not_attempted"]
    assert result["msg"].startswith("incomplete: 1 retried, 2 not_attempted; stopped because rate limit exceeded: "
                                    "POST /api/v11/bridge/retry/f returned HTTP 429 (retry after 1800 s")
    assert "correlation id rl-9" in result["msg"]
    assert b.transfers["b"]["status"] == "EXECUTING"


@pytest.mark.parametrize("value", ["1 hour", "h1", "-5m", "0s"])
def test_bad_duration(fake_api, clock, capsys, value):
    result = run_module(bridge_retry.main, dict(api_token=TOKEN, stuck_older_than=value), capsys)
    assert result.failed and result["msg"].startswith("stuck_older_than must be") and fake_api.calls == []


def test_needs_ids_or_threshold(fake_api, clock, capsys):
    assert run_module(bridge_retry.main, dict(api_token=TOKEN), capsys).failed


def test_auth_failure(fake_api, clock, capsys):
    fake_api.add("GET", LIST, reply(401, {"error": "Unauthorized"}, correlation_id="x1"))
    result = run_module(bridge_retry.main, dict(api_token=TOKEN, stuck_older_than="1h"), capsys)
    assert result["msg"] == ("authentication failed: GET /api/v11/bridge/transfers returned HTTP 401: Unauthorized; "
                             "the bearer token from the api_token option was refused (correlation id x1)")


def test_wait(fake_api, clock, capsys):
    b = Bridge(fake_api, transfers())
    b.transfers["e"]["status"] = "FAILED"

    def status(call):
        t = b.transfers[call.path.split("/")[-2]]
        return reply(200, dict(t, status="COMPLETED"))
    fake_api.handler("GET", "/api/v11/bridge/transfer/e/status", status)
    result = run_module(bridge_retry.main, dict(api_token=TOKEN, stuck_older_than="2h", statuses=["FAILED"],
                                                wait=True, wait_timeout=30), capsys)
    assert result["transfers"][0]["outcome"] == "completed" and result["changed"] is True


def test_bridge_info(fake_api, clock, capsys):
    Bridge(fake_api, transfers())
    fake_api.add("GET", "/api/v11/bridge/status/bridge-eth-001",
                 reply(200, {"bridge_id": "bridge-eth-001", "status": "ACTIVE", "health": {"stuck_transfers": 2}}))
    fake_api.add("GET", "/api/v11/bridge/status/nope", reply(404, {"error": "Bridge not found", "bridgeId": "nope"}))
    result = run_module(bridge_info.main, dict(api_token=TOKEN, bridge_id="bridge-eth-001", list_stuck=True,
                                               transfer_ids=["a", "ghost"]), capsys, check_mode=True)
    assert result["changed"] is False and result["bridge"]["found"] is True
    assert result["transfers"][0]["found"] is True and result["transfers"][1] == {"transfer_id": "ghost", "found": False}
    assert [t["transfer_id"] for t in result["stuck_transfers"]] == ["a", "b"] and result["stuck_count"] == 2
    assert result["stuck_transfers"][0]["age_seconds"] == 7200
    missing = run_module(bridge_info.main, dict(api_token=TOKEN, bridge_id="nope"), capsys)
    assert missing["bridge"] == {"bridge_id": "nope", "found": False}


def test_bridge_info_missing_endpoint(fake_api, clock, capsys):
    result = run_module(bridge_info.main, dict(api_token=TOKEN, list_stuck=True), capsys)
    assert result["msg"] == "this Aurigraph build does not expose GET /api/v11/bridge/transfers (HTTP 404)"


def consensus(node, state, leader):
    return reply(200, {"nodeId": node, "state": state, "leaderId": leader, "currentTerm": 3, "clusterSize": 3})


def test_consensus_info_quorum(fake_api, clock, capsys, monkeypatch):
    answers = {"http://n1:9003": consensus("n1", "LEADER", "n1"), "http://n2:9003": consensus("n2", "FOLLOWER", "n1")}

    def route(url, data=None, headers=None, method=None, **kw):
        base = url.split("/api/")[0]
        if base == "http://n3:9003":
            return fake_api.__class__.__call__(fake_api, url, data, headers, method, **kw)
        fake_api.calls.append(url)
        from ansible_collections.aurigraph.dlt.tests.unit.plugins.fakes import FakeResponse
        _k, status, raw, hdrs = answers[base]
        return FakeResponse(status, raw, hdrs)
    fake_api.add("GET", "/api/v11/consensus/status", conn_error())
    monkeypatch.setattr("ansible_collections.aurigraph.dlt.plugins.module_utils.api.open_url", route)
    nodes = ["http://n2:9003/", "http://n3:9003", "http://n1:9003"]
    result = run_module(consensus_info.main, dict(api_url="http://n1:9003", nodes=nodes, require_quorum=True,
                                                  retries=0), capsys)
    assert not result.failed and result["changed"] is False
    assert result["quorum"]["has_quorum"] is True and result["quorum"]["agreeing"] == 2
    assert [n["reachable"] for n in result["nodes"]] == [True, True, False]
    assert result["status"]["nodeId"] == "n1"


def test_consensus_info_no_quorum_fails_when_required(fake_api, clock, capsys):
    fake_api.add("GET", "/api/v11/consensus/status", consensus("n2", "FOLLOWER", "n1"))
    result = run_module(consensus_info.main, dict(require_quorum=True), capsys)
    assert result.failed and result["msg"] == "no consensus quorum: only 1 of 3 nodes agree on leader n1 (2 needed)"
    ok = run_module(consensus_info.main, dict(), capsys)
    assert not ok.failed and ok["quorum"]["has_quorum"] is False


def test_consensus_info_single_unreachable_fails(fake_api, clock, capsys):
    fake_api.add("GET", "/api/v11/consensus/status", conn_error())
    result = run_module(consensus_info.main, dict(retries=0), capsys)
    assert result.failed and result["msg"].startswith("cannot reach the Aurigraph API at http://127.0.0.1:9003")


def test_bridge_info_needs_something(fake_api, clock, capsys):
    result = run_module(bridge_info.main, dict(api_token=TOKEN), capsys)
    assert result.failed and result["msg"].startswith("nothing to read") and fake_api.calls == []


def cluster_status(state, leader, live, quorum):
    return reply(200, {"nodeId": "n2", "state": state, "leaderId": leader, "currentTerm": 5, "clusterSize": 3,
                       "liveNodes": live, "quorum": quorum})


def test_consensus_info_waits_until_the_node_rejoined(fake_api, clock, capsys):
    fake_api.add("GET", "/api/v11/consensus/status", conn_error(), cluster_status("CANDIDATE", None, ["n2"], False),
                 cluster_status("FOLLOWER", "n1", ["n1", "n2", "n3"], True))
    result = run_module(consensus_info.main, dict(wait_for="joined", wait_timeout=30, wait_interval=2, retries=0),
                        capsys)
    assert not result.failed and result["nodes"][0]["live_nodes"] == ["n1", "n2", "n3"]
    assert result["nodes"][0]["quorum"] is True and result["status"]["leaderId"] == "n1"
    assert clock.sleeps.count(2) == 2


def test_consensus_info_wait_fails_with_the_last_answer(fake_api, clock, capsys):
    fake_api.add("GET", "/api/v11/consensus/status", cluster_status("CANDIDATE", None, ["n2"], False))
    result = run_module(consensus_info.main, dict(wait_for="joined", wait_timeout=5, wait_interval=1, retries=0),
                        capsys)
    assert result.failed
    assert result["msg"] == ("http://127.0.0.1:9003 did not join its cluster within 5 s: last answer state CANDIDATE, "
                             "leader None, live ['n2'], quorum False")
