# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Aurigraph DLT contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

import time

import pytest

from conftest import ADMIN_TOKEN, run_repo_playbook, start_standin  # pylint: disable=import-error

STUCK = 1000


@pytest.fixture(scope="module")
def svc(base_jar):
    service = start_standin(base_jar, env={"AURIGRAPH_SEED_STUCK": str(STUCK), "AURIGRAPH_RATE_LIMIT": "1000000",
                                           "AURIGRAPH_BRIDGE_SETTLE_SECONDS": "2"})
    yield service
    service.close()


def statuses(svc):
    status, _h, body = svc.request("GET", "/api/v11/bridge/transfers?limit=1000&offset=0", token=ADMIN_TOKEN)
    assert status == 200
    items = body["transfers"]
    offset = len(items)
    while offset < body["totalTransfers"]:
        page = svc.request("GET", "/api/v11/bridge/transfers?limit=1000&offset=%d" % offset, token=ADMIN_TOKEN)[2]
        items += page["transfers"]
        offset += len(page["transfers"])
    return dict((t["transferId"], t) for t in items)


def test_bridge_info_lists_stuck(svc, playbook):
    run = playbook([{"name": "info", "aurigraph.dlt.bridge_info": {
        "list_stuck": True, "bridge_id": "bridge-eth-001", "transfer_ids": ["tx-stuck-0001", "nope"]}}],
        svc.url, check=True)
    res = run.result("info")
    assert run.rc == 0 and res["changed"] is False
    assert res["bridge"]["found"] is True
    assert res["transfers"][0]["found"] is True and res["transfers"][1] == {"transfer_id": "nope", "found": False}
    assert res["stuck_count"] == len(res["stuck_transfers"]) > 0
    assert all(t["bridge_id"] == "bridge-eth-001" and t["age_seconds"] > 3600 for t in res["stuck_transfers"])


def test_explicit_ids_outcomes_and_wait(svc, playbook):
    before = statuses(svc)
    failed = sorted(t for t, v in before.items() if v["status"] == "FAILED")
    done = sorted(t for t, v in before.items() if v["status"] == "COMPLETED")
    young = sorted(t for t, v in before.items() if v["status"] == "PENDING" and not t.startswith("tx-stuck"))
    ids = failed[:2] + done[:1] + young[:1] + ["tx-unknown-1"]
    run = playbook([{"name": "retry", "aurigraph.dlt.bridge_retry": {
        "transfer_ids": ids, "wait": True, "wait_timeout": 60, "max_retries": 1}}], svc.url)
    res = run.result("retry")
    assert run.rc == 0, res
    by = dict((t["transfer_id"], t) for t in res["transfers"])
    for tid in failed[:2]:
        assert by[tid]["outcome"] in ("completed", "failed") and by[tid]["attempts"] == 1
    assert by[done[0]]["outcome"] == "skipped_not_retryable"
    assert by[young[0]]["outcome"] == "skipped_not_retryable" and "stuck threshold" in by[young[0]]["reason"]
    assert by["tx-unknown-1"]["outcome"] == "not_found"
    assert res["changed"] is True


def test_bulk_retry_of_1000_stuck_transfers(svc, playbook, tmp_path):
    check = playbook([{"name": "retry", "aurigraph.dlt.bridge_retry": {"stuck_older_than": "1h"}}], svc.url,
                     check=True)
    res = check.result("retry")
    assert check.rc == 0 and res["counts"]["would_retry"] == STUCK and res["changed"] is True
    stuck = [t for tid, t in statuses(svc).items() if tid.startswith("tx-stuck-")]
    assert len(stuck) == STUCK and not any(t.get("retryCount") for t in stuck)  # check mode retried nothing

    started = time.monotonic()
    run = playbook([{"name": "retry", "aurigraph.dlt.bridge_retry": {"stuck_older_than": "1h", "concurrency": 8}}],
                   svc.url)
    elapsed = time.monotonic() - started
    res = run.result("retry")
    assert run.rc == 0, res.get("msg")
    assert res["counts"]["retried"] == STUCK and res["selected"] == STUCK and res["changed"] is True
    assert res["msg"] == "%d retried" % STUCK
    assert elapsed < 120, "1,000 retries took %.0f s" % elapsed
    after = statuses(svc)
    assert all(after["tx-stuck-%04d" % i]["retryCount"] >= 1 for i in range(1, STUCK + 1))

    again = playbook([{"name": "retry", "aurigraph.dlt.bridge_retry": {"stuck_older_than": "1h"}}], svc.url)
    res = again.result("retry")
    assert again.rc == 0 and res["changed"] is False and res["selected"] == 0  # idempotent


def test_bridge_retry_playbook(svc, tmp_path):
    proc = run_repo_playbook(tmp_path, "bridge_retry.yml", {"aurigraph_api_url": svc.url})
    assert proc.returncode == 0, proc.stdout[-3000:]
    assert "summary" in proc.stdout and "counts" in proc.stdout
    assert ADMIN_TOKEN not in proc.stdout
