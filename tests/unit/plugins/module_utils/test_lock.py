# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Aurigraph DLT contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

import json
import os
import threading

import pytest

from ansible_collections.aurigraph.dlt.plugins.module_utils import lock
from ansible_collections.aurigraph.dlt.tests.unit.plugins.fakes import FakeClock

# The lock compares its clock with file times (wall clock), so the fake clock starts at a realistic epoch.
EPOCH = 1795000000.0


def take(path, clock, **kwargs):
    kwargs.setdefault("owner", "alice@ctl")
    return lock.acquire(str(path), clock=clock, sleep=clock.sleep, **kwargs)


def test_acquire_writes_holder_and_release_removes(tmp_path):
    path = tmp_path / "d" / "deploy.lock"
    clock = FakeClock(EPOCH)
    got = take(path, clock, play="deploy 1.0")
    assert got["acquired"] and len(got["token"]) == 32
    holder = json.loads(path.read_text())
    assert holder["owner"] == "alice@ctl" and holder["play"] == "deploy 1.0" and holder["acquired_at"] == clock.now
    assert lock.release(str(path), got["token"]) == (True, None)
    assert not path.exists()
    assert lock.release(str(path), got["token"]) == (False, None)


def test_reentrant_with_same_token(tmp_path):
    path = tmp_path / "deploy.lock"
    got = take(path, FakeClock(EPOCH), token="t1")
    again = take(path, FakeClock(EPOCH), token="t1")
    assert got["acquired"] and not again["acquired"] and again["token"] == "t1"


def test_second_run_fails_clearly_without_waiting(tmp_path):
    path = tmp_path / "deploy.lock"
    clock = FakeClock(EPOCH)
    take(path, clock, owner="bob@ctl2", play="deploy 2.0")
    clock.now += 42
    with pytest.raises(lock.LockError) as exc:
        take(path, clock)
    msg = str(exc.value)
    assert msg.startswith("deploy lock %s is held by bob@ctl2 (play 'deploy 2.0') since " % path)
    assert "(42s ago): another deploy is running on this host" in msg and "\n" not in msg
    assert exc.value.holder["owner"] == "bob@ctl2" and clock.sleeps == []
    assert "died" not in msg, "without a hint there is nothing to add"
    with pytest.raises(lock.LockError) as exc:
        take(path, clock, hint="by re-running with -e aurigraph_lock_force=true")
    assert str(exc.value).endswith("wait for it to finish or set a lock timeout to wait for it; if that run died "
                                   "(killed, connection lost), clear it by re-running with -e aurigraph_lock_force=true")


def test_waits_until_timeout(tmp_path):
    path = tmp_path / "deploy.lock"
    clock = FakeClock(EPOCH)
    take(path, clock, owner="bob")
    with pytest.raises(lock.LockError, match="after waiting 10s"):
        take(path, clock, timeout=10, interval=3)
    assert sum(clock.sleeps) == pytest.approx(10)


def test_waits_and_gets_it_when_released(tmp_path):
    path = tmp_path / "deploy.lock"
    clock = FakeClock(EPOCH)
    other = take(path, clock, owner="bob")

    def sleep(seconds):
        clock.sleep(seconds)
        lock.release(str(path), other["token"])

    got = lock.acquire(str(path), "alice", timeout=30, clock=clock, sleep=sleep)
    assert got["acquired"] and got["waited"] == 2


def test_stale_lock_is_reported_with_hint(tmp_path):
    path = tmp_path / "deploy.lock"
    clock = FakeClock(EPOCH)
    take(path, clock, owner="bob")
    clock.now += 7200
    with pytest.raises(lock.LockError) as exc:
        take(path, clock, stale_after=3600, timeout=600, hint="with -e aurigraph_lock_force=true")
    msg = str(exc.value)
    assert "is stale (older than 3600s)" in msg and msg.endswith("clear it with -e aurigraph_lock_force=true")
    assert clock.sleeps == []


def test_force_breaks_lock(tmp_path):
    path = tmp_path / "deploy.lock"
    clock = FakeClock(EPOCH)
    take(path, clock, owner="bob", token="old")
    got = take(path, clock, force=True, token="new")
    assert got["acquired"] and got["broken"]["owner"] == "bob"
    assert json.loads(path.read_text())["token"] == "new"


def test_check_mode_never_writes(tmp_path):
    path = tmp_path / "deploy.lock"
    clock = FakeClock(EPOCH)
    got = take(path, clock, check_mode=True)
    assert got["acquired"] and not path.exists()
    take(path, clock, owner="bob", token="old")
    forced = take(path, clock, force=True, check_mode=True)
    assert forced["broken"]["owner"] == "bob" and json.loads(path.read_text())["token"] == "old"
    with pytest.raises(lock.LockError):
        take(path, clock, check_mode=True)


def test_corrupt_lock_still_counts(tmp_path):
    path = tmp_path / "deploy.lock"
    path.write_text("garbage")
    os.utime(str(path), (EPOCH, EPOCH))
    clock = FakeClock(EPOCH + 10)
    with pytest.raises(lock.LockError, match=r"held by unknown \(unreadable lock file\) since .* \(10s ago\)"):
        take(path, clock)


def test_release_leaves_foreign_lock(tmp_path):
    path = tmp_path / "deploy.lock"
    take(path, FakeClock(EPOCH), owner="bob", token="bobs")
    released, warning = lock.release(str(path), "mine")
    assert not released and "held by bob" in warning and path.exists()


def test_only_one_of_many_concurrent_runs_wins(tmp_path):
    path = str(tmp_path / "deploy.lock")
    results = []

    def run(i):
        try:
            lock.acquire(path, "run%d" % i)
            results.append("ok")
        except lock.LockError:
            results.append("blocked")

    threads = [threading.Thread(target=run, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results.count("ok") == 1 and results.count("blocked") == 7
