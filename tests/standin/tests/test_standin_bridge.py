"""Bridge status, transfers, retry state moves and settlement."""
from __future__ import annotations

import time

import pytest

from standin_testlib import ADMIN_TOKEN

TRANSFER_KEYS = {"transferId", "bridgeId", "fromChain", "toChain", "status", "amount", "tokenSymbol", "sourceAddress",
                 "targetAddress", "sourceTransactionHash", "targetTransactionHash", "errorCode", "errorDetails",
                 "createdAt", "updatedAt", "completedAt", "retryCount"}


def get(s, path):
    return s.request("GET", "/api/v11/bridge" + path, token=ADMIN_TOKEN)


def retry(s, tid):
    return s.request("POST", f"/api/v11/bridge/retry/{tid}", token=ADMIN_TOKEN)


def wait_status(s, tid, final, timeout=10):
    deadline = time.monotonic() + timeout
    seen = []
    while time.monotonic() < deadline:
        st = get(s, f"/transfer/{tid}/status")[2]["status"]
        if not seen or seen[-1] != st:
            seen.append(st)
        if st in final:
            return seen
        time.sleep(0.1)
    raise AssertionError(f"{tid} did not reach {final}: {seen}")


@pytest.mark.parametrize("bridge", ["bridge-eth-001", "bridge-bsc-001", "bridge-polygon-001"])
def test_bridge_status(svc, bridge):
    status, _hdrs, body = get(svc, f"/status/{bridge}")
    assert status == 200
    assert set(body) == {"bridge_id", "source_chain", "target_chain", "status", "bridge_type", "health", "last_transfer"}
    assert body["bridge_id"] == bridge
    assert set(body["health"]) == {"uptime_seconds", "success_rate", "error_rate", "average_latency_ms",
                                   "pending_transfers", "stuck_transfers"}
    assert body["health"]["pending_transfers"] >= body["health"]["stuck_transfers"] >= 1


def test_unknown_bridge_404(svc):
    status, _hdrs, body = get(svc, "/status/bridge-doge-001")
    assert status == 404 and body == {"error": "Bridge not found", "bridgeId": "bridge-doge-001"}


def test_transfer_status_shape_and_404(svc):
    status, _hdrs, body = get(svc, "/transfer/tx-completed-0001/status")
    assert status == 200 and set(body) == TRANSFER_KEYS and body["status"] == "COMPLETED" and body["completedAt"]
    status, _hdrs, body = get(svc, "/transfer/tx-nope/status")
    assert status == 404 and body["status"] == "ERROR" and body["message"] == "Transfer not found"
    assert isinstance(body["timestamp"], int)


def test_transfers_seeded_with_every_status_and_stuck(svc):
    body = get(svc, "/transfers?limit=1000")[2]
    assert body["totalTransfers"] == len(body["transfers"]) == 55  # 50 regular + 5 stuck (defaults)
    statuses = {t["status"] for t in body["transfers"]}
    assert statuses == {"PENDING", "SIGNED", "APPROVED", "EXECUTING", "COMPLETED", "FAILED", "CANCELLED"}
    stuck = [t for t in body["transfers"] if t["transferId"].startswith("tx-stuck-")]
    assert len(stuck) == 5 and {t["status"] for t in stuck} <= {"PENDING", "SIGNED", "APPROVED", "EXECUTING"}
    assert any(t["errorCode"] == "PERMANENT_FAILURE" for t in body["transfers"])


def test_transfers_filters_and_paging(svc):
    body = get(svc, "/transfers?status=failed&bridgeId=bridge-eth-001")[2]
    assert body["transfers"] and all(t["status"] == "FAILED" and t["bridgeId"] == "bridge-eth-001" for t in body["transfers"])
    first = get(svc, "/transfers?limit=2&offset=0")[2]
    second = get(svc, "/transfers?limit=2&offset=2")[2]
    assert len(first["transfers"]) == 2 and first["totalTransfers"] == second["totalTransfers"]
    assert not {t["transferId"] for t in first["transfers"]} & {t["transferId"] for t in second["transfers"]}
    assert get(svc, "/transfers?status=STUCK")[0] == 400
    assert get(svc, "/transfers?limit=0")[0] == 400


def test_seed_counts_and_stuck_threshold_configurable(fresh):
    s = fresh(env={"AURIGRAPH_SEED_TRANSFERS": "10", "AURIGRAPH_SEED_STUCK": "1000", "AURIGRAPH_STUCK_SECONDS": "30"})
    body = get(s, "/transfers?limit=1")[2]
    assert body["totalTransfers"] == 1010
    assert get(s, "/transfers?status=PENDING&limit=1000")[2]["totalTransfers"] >= 250
    assert get(s, "/status/bridge-eth-001")[2]["health"]["stuck_transfers"] >= 333
    assert retry(s, "tx-pending-0001")[0] == 200  # seeded minutes ago: stuck with a 30 s threshold


def test_retry_moves(fresh):
    s = fresh(env={"AURIGRAPH_BRIDGE_SETTLE_SECONDS": "0.6"})
    # FAILED -> PENDING -> EXECUTING -> COMPLETED
    status, _hdrs, body = retry(s, "tx-failed-0001")
    assert (status, body) == (200, {"transferId": "tx-failed-0001", "status": "PENDING", "retryCount": 1})
    # retrying again while it is being processed is refused (in flight, not stuck)
    status, _hdrs, body = retry(s, "tx-failed-0001")
    assert status == 409 and body["error"] == "Transfer is not retryable"
    seen = wait_status(s, "tx-failed-0001", {"COMPLETED", "FAILED"})
    assert seen[-1] == "COMPLETED", seen
    done = get(s, "/transfer/tx-failed-0001/status")[2]
    assert done["completedAt"] and done["targetTransactionHash"] and done["errorCode"] is None and done["retryCount"] == 1
    # stuck in-flight -> re-queued
    assert retry(s, "tx-stuck-0002")[:3:2] == (200, {"transferId": "tx-stuck-0002", "status": "PENDING", "retryCount": 1})
    assert wait_status(s, "tx-stuck-0002", {"COMPLETED", "FAILED"})[-1] == "COMPLETED"
    # PERMANENT_FAILURE seed goes back to FAILED
    assert retry(s, "tx-doomed-0001")[0] == 200
    assert wait_status(s, "tx-doomed-0001", {"COMPLETED", "FAILED"})[-1] == "FAILED"
    body = get(s, "/transfer/tx-doomed-0001/status")[2]
    assert body["errorCode"] == "PERMANENT_FAILURE" and body["retryCount"] == 1
    assert retry(s, "tx-doomed-0001")[2]["retryCount"] == 2
    # not retryable
    for tid, st in (("tx-completed-0001", "COMPLETED"), ("tx-cancelled-0001", "CANCELLED"), ("tx-pending-0001", "PENDING"),
                    ("tx-executing-0001", "EXECUTING")):
        status, _hdrs, body = retry(s, tid)
        assert status == 409 and body["error"] == "Transfer is not retryable" and body["status"] == st, tid
    status, _hdrs, body = retry(s, "tx-unknown")
    assert status == 404 and body["error"] == "Transfer not found"
