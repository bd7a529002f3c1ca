"""State in AURIGRAPH_DATA_DIR survives restarts and upgrades."""
from __future__ import annotations

import hashlib
import json
import os
import time

from standin_testlib import ADMIN_TOKEN


def api(s, method, path, body=None):
    return s.request(method, path, body, token=ADMIN_TOKEN)


def test_state_survives_restart_and_upgrade(fresh, release, tmp_path):
    data = tmp_path / "data"
    h = hashlib.sha256(b"persisted-token").hexdigest()
    s1 = fresh(version="11.4.4", data_dir=data, env={"AURIGRAPH_BRIDGE_SETTLE_SECONDS": "0.5"})
    assert api(s1, "POST", "/api/v11/auth/tokens/blacklist", {"tokenHash": h, "reason": "persist"})[0] == 200
    assert api(s1, "POST", "/api/v11/auth/tokens/whitelist/add", {"userId": "batch", "enabled": True})[0] == 200
    assert api(s1, "POST", "/api/v11/auth/tokens/cleanup")[2] == {"removedCount": 3}
    assert api(s1, "POST", "/api/v11/bridge/retry/tx-failed-0001")[0] == 200
    deadline = time.monotonic() + 10
    while api(s1, "GET", "/api/v11/bridge/transfer/tx-failed-0001/status")[2]["status"] != "COMPLETED":
        assert time.monotonic() < deadline
        time.sleep(0.1)
    before = api(s1, "GET", "/api/v11/bridge/transfers?limit=1000")[2]
    assert s1.stop() in (0, 143)
    for f in ("blacklist.json", "whitelist.json", "transfers.json", "tokens.json"):
        json.loads((data / "standin" / f).read_text())
    assert not [p for p in os.listdir(data / "standin") if p.endswith(".tmp")]

    s2 = fresh(version="11.4.5", data_dir=data)  # upgrade: new release, same data dir
    assert api(s2, "GET", "/api/v11/info")[2]["build"]["version"] == "11.4.5"
    chk = api(s2, "POST", "/api/v11/auth/tokens/blacklist/check", {"tokenHash": h})[2]
    assert chk["blacklisted"] is True and chk["reason"] == "persist"
    assert api(s2, "POST", "/api/v11/auth/tokens/cleanup")[2] == {"removedCount": 0}  # seeds not re-applied
    t = api(s2, "GET", "/api/v11/bridge/transfer/tx-failed-0001/status")[2]
    assert t["status"] == "COMPLETED" and t["retryCount"] == 1
    after = api(s2, "GET", "/api/v11/bridge/transfers?limit=1000")[2]
    assert after == before
    whitelist = json.loads((data / "standin" / "whitelist.json").read_text())
    assert whitelist["batch"]["enabled"] is True


def test_retry_in_progress_continues_after_restart(fresh, tmp_path):
    data = tmp_path / "data"
    s1 = fresh(data_dir=data, env={"AURIGRAPH_BRIDGE_SETTLE_SECONDS": "4"})
    assert api(s1, "POST", "/api/v11/bridge/retry/tx-stuck-0001")[0] == 200
    s1.stop()
    s2 = fresh(data_dir=data, env={"AURIGRAPH_BRIDGE_SETTLE_SECONDS": "4"})
    deadline = time.monotonic() + 15
    while api(s2, "GET", "/api/v11/bridge/transfer/tx-stuck-0001/status")[2]["status"] != "COMPLETED":
        assert time.monotonic() < deadline
        time.sleep(0.2)


def test_unwritable_data_dir_fails_start(fresh, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    s = fresh(data_dir=blocker / "sub", wait=False)
    assert s.wait_exit(60) == 1
    assert "AURIGRAPH_DATA_DIR" in s.log_text()


def test_memory_state_store_writes_no_file_and_forgets_on_restart(fresh, tmp_path):
    """AURIGRAPH_STATE_STORE=memory (for benchmarks): no state file is written, a restart seeds afresh."""
    data = tmp_path / "data"
    env = {"AURIGRAPH_STATE_STORE": "memory", "AURIGRAPH_BRIDGE_SETTLE_SECONDS": "0.5"}
    h = hashlib.sha256(b"memory-token").hexdigest()
    s1 = fresh(data_dir=data, env=env)
    assert api(s1, "POST", "/api/v11/auth/tokens/blacklist", {"tokenHash": h, "reason": "mem"})[0] == 200
    assert api(s1, "POST", "/api/v11/auth/tokens/blacklist/check", {"tokenHash": h})[2]["blacklisted"] is True
    assert api(s1, "POST", "/api/v11/bridge/retry/tx-stuck-0001")[0] == 200
    deadline = time.monotonic() + 15
    while api(s1, "GET", "/api/v11/bridge/transfer/tx-stuck-0001/status")[2]["status"] != "COMPLETED":
        assert time.monotonic() < deadline
        time.sleep(0.1)
    assert s1.stop() in (0, 143)
    assert not [p for p in os.listdir(data / "standin") if p.endswith(".json") or p.endswith(".tmp")]

    s2 = fresh(data_dir=data, env=env)  # nothing persisted: the seeds again
    assert api(s2, "POST", "/api/v11/auth/tokens/blacklist/check", {"tokenHash": h})[2]["blacklisted"] is False
    t = api(s2, "GET", "/api/v11/bridge/transfer/tx-stuck-0001/status")[2]
    assert t["status"] != "COMPLETED" and t["retryCount"] == 0


def test_unknown_state_store_fails_start(fresh, tmp_path):
    s = fresh(env={"AURIGRAPH_STATE_STORE": "sqlite"}, wait=False)
    assert s.wait_exit(60) == 2
    assert "AURIGRAPH_STATE_STORE must be 'file' or 'memory', got 'sqlite'" in s.log_text()
