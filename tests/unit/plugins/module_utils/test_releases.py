# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Aurigraph DLT contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

import json
import os

import pytest

from ansible_collections.aurigraph.dlt.plugins.module_utils import releases

SHA = "a" * 64


def clock():
    return 1795000000.0


def history(*steps):
    """Build records: each step is (id, status, activate)."""
    data = releases.empty()
    for rid, status, active in steps:
        releases.ensure(data, rid, {"version": rid.split("-")[0], "sha256": SHA}, user="ops", clock=clock)
        if active:
            releases.activate(data, rid, user="ops", clock=clock)
        releases.set_status(data, rid, status, clock=clock)
    return data


def test_load_missing_is_empty(tmp_path):
    assert releases.load(str(tmp_path / "none.json")) == releases.empty()


def test_save_load_roundtrip_atomic(tmp_path):
    path = str(tmp_path / "sub" / "releases.json")
    data = history(("1.0-a", "good", True))
    releases.save(path, data)
    assert releases.load(path) == data
    assert oct(os.stat(path).st_mode & 0o777) == "0o644"
    assert [p.name for p in (tmp_path / "sub").iterdir()] == ["releases.json"]


@pytest.mark.parametrize("content, fragment", [("{not json", "not valid JSON"), ("[]", "unknown layout"),
                                               ('{"format": 9, "releases": {}}', "newer than")])
def test_load_corrupt_is_one_line_error(tmp_path, content, fragment):
    path = tmp_path / "releases.json"
    path.write_text(content)
    with pytest.raises(releases.ReleaseError) as exc:
        releases.load(str(path))
    assert fragment in str(exc.value) and "\n" not in str(exc.value)


def test_ensure_creates_pending_with_sequence():
    data = releases.empty()
    assert releases.ensure(data, "1.0-a", {"version": "1.0", "sha256": SHA, "method": "systemd"}, user="u", clock=clock)
    rec = data["releases"]["1.0-a"]
    assert rec["status"] == "pending" and rec["seq"] == 1 and rec["created_by"] == "u"
    assert rec["created_at"] == "2026-11-18T11:06:40Z"
    assert releases.ensure(data, "1.0-a", {"version": "1.0", "sha256": SHA, "method": "systemd"}) is False
    assert releases.ensure(data, "1.0-a", {"artifact": "x.jar"}) is True
    assert data["counter"] == 1


def test_ensure_rejects_changed_sha_and_bad_ids():
    data = history(("1.0-a", "good", True))
    with pytest.raises(releases.ReleaseError, match="sha256"):
        releases.ensure(data, "1.0-a", {"sha256": "b" * 64})
    for bad in ("", "../x", ".hidden", "a/b"):
        with pytest.raises(releases.ReleaseError, match="invalid release id"):
            releases.ensure(data, bad, {})


def test_activate_is_idempotent_and_orders_by_counter():
    data = history(("1.0-a", "good", True), ("2.0-b", "good", True))
    assert data["current"] == "2.0-b" and data["previous"] == "1.0-a"
    assert releases.activate(data, "2.0-b") is False
    assert releases.activate(data, "1.0-a") is True
    assert data["releases"]["1.0-a"]["activated_seq"] > data["releases"]["2.0-b"]["activated_seq"]


def test_previous_good_skips_failed_pending_and_current():
    data = history(("1.0-a", "good", True), ("2.0-b", "good", True), ("3.0-c", "failed", True))
    # 3.0-c was switched to and failed; a rollback made 2.0-b current again
    releases.activate(data, "2.0-b")
    assert releases.previous_good(data)["id"] == "1.0-a"
    releases.ensure(data, "4.0-d", {})
    assert releases.previous_good(data)["id"] == "1.0-a"
    assert releases.previous_good(data, exclude="1.0-a")["id"] == "2.0-b"


def test_previous_good_uses_activation_not_creation_order():
    data = history(("1.0-a", "good", True), ("2.0-b", "good", True))
    releases.activate(data, "1.0-a")
    releases.ensure(data, "3.0-c", {})
    releases.activate(data, "3.0-c")
    assert releases.previous_good(data)["id"] == "1.0-a"


def test_rollback_target_named_and_refusals():
    data = history(("1.0-a", "good", True), ("2.0-b", "failed", True), ("3.0-c", "good", True))
    assert releases.rollback_target(data)["id"] == "1.0-a"
    assert releases.rollback_target(data, "1.0-a")["id"] == "1.0-a"
    with pytest.raises(releases.ReleaseError, match="marked failed"):
        releases.rollback_target(data, "2.0-b")
    with pytest.raises(releases.ReleaseError, match=r"unknown release 'nope' \(known releases: 1.0-a, 2.0-b, 3.0-c\)"):
        releases.rollback_target(data, "nope")
    assert releases.rollback_target(history(("1.0-a", "good", True))) is None


def test_db_backup_for_picks_newest_dump_of_target():
    data = history(("1.0-a", "good", True), ("2.0-b", "good", True), ("3.0-c", "good", True))
    releases.ensure(data, "2.0-b", {"db_backup": "/b/2.dump", "db_backup_of": "1.0-a"})
    releases.ensure(data, "3.0-c", {"db_backup": "/b/3.dump", "db_backup_of": "2.0-b"})
    assert releases.db_backup_for(data, "2.0-b") == ("/b/3.dump", "3.0-c")
    assert releases.db_backup_for(data, "1.0-a") == ("/b/2.dump", "2.0-b")
    assert releases.db_backup_for(data, "3.0-c") == (None, None)


def test_prune_keeps_current_and_newest_good_and_failed():
    steps = [("%d.0-x" % i, "good", True) for i in range(1, 7)] + [("7.0-f", "failed", True), ("8.0-f", "failed", True)]
    data = history(*steps)
    releases.activate(data, "6.0-x")  # rolled back to 6 after 7 and 8 failed
    dropped = releases.prune(data, 2)
    assert [r["id"] for r in dropped] == ["1.0-x", "2.0-x", "3.0-x", "4.0-x"]
    assert sorted(data["releases"]) == ["5.0-x", "6.0-x", "7.0-f", "8.0-f"]
    assert [r["id"] for r in releases.prune(data, 1)] == ["5.0-x", "7.0-f"]
    assert data["current"] in data["releases"]
    with pytest.raises(releases.ReleaseError):
        releases.prune(data, 0)


def test_prune_never_drops_a_pending_current():
    data = history(("1.0-a", "good", True), ("2.0-b", "good", True), ("3.0-c", "pending", True))
    releases.prune(data, 1)
    assert sorted(data["releases"]) == ["3.0-c"]


def test_set_status_validates():
    data = history(("1.0-a", "good", True))
    assert releases.set_status(data, "1.0-a", "good") is False
    assert releases.set_status(data, "1.0-a", "failed", message="health DOWN") is True
    assert data["releases"]["1.0-a"]["message"] == "health DOWN"
    with pytest.raises(releases.ReleaseError):
        releases.set_status(data, "1.0-a", "weird")


def test_summary_is_json_serialisable():
    data = history(("1.0-a", "good", True), ("2.0-b", "good", True))
    summary = releases.summary(data)
    assert summary["current_id"] == "2.0-b" and summary["previous_good_id"] == "1.0-a"
    json.dumps(summary)


@pytest.mark.parametrize("switched", [True, False], ids=["failed-after-switch", "failed-before-switch"])
def test_auto_rollback_goes_to_the_release_that_ran_before(switched):
    data = history(("1.0-a", "good", True), ("2.0-b", "good", True))
    releases.ensure(data, "3.0-c", {"db_backup": "/b/3.dump", "db_backup_of": "2.0-b"})
    if switched:
        releases.activate(data, "3.0-c")
    releases.set_status(data, "3.0-c", "failed")
    target, dump = releases.auto_rollback(data, "3.0-c")
    # never the older good release 1.0-a, even while 2.0-b is still current (a plain previous_good would skip it)
    assert (target["id"], dump) == ("2.0-b", "/b/3.dump")


def test_auto_rollback_first_release_and_foreign_dump():
    data = history(("1.0-a", "failed", True))
    assert releases.auto_rollback(data, "1.0-a") == (None, None)
    data = history(("1.0-a", "good", True), ("2.0-b", "good", True))
    releases.ensure(data, "2.0-b", {"db_backup": "/b/2.dump", "db_backup_of": "1.0-a"})
    releases.activate(data, "1.0-a")  # manual rollback to 1.0-a, then 3.0-c is deployed without a dump
    releases.ensure(data, "3.0-c", {})
    releases.activate(data, "3.0-c")
    releases.set_status(data, "3.0-c", "failed")
    assert releases.auto_rollback(data, "3.0-c") == (releases.get(data, "1.0-a"), "/b/2.dump")


def test_events_append_with_who_when_why_and_current_release():
    data = history(("11.4.4-a", "good", True))
    assert releases.events(data) == []
    assert releases.add_event(data, "isolated", reason="INC-1", user="oncall", details={"pid": 42}, clock=clock)
    releases.add_event(data, "started", user="oncall", clock=clock)
    first, second = releases.events(data)
    assert first == {"event": "isolated", "at": releases.now_iso(clock), "by": "oncall", "reason": "INC-1",
                     "release": "11.4.4-a", "seq": first["seq"], "details": {"pid": 42}}
    assert second["event"] == "started" and second["seq"] > first["seq"] and "details" not in second
    assert releases.summary(data)["events"] == [first, second]


def test_events_are_capped_and_validated():
    data = releases.empty()
    for dummy in range(releases.MAX_EVENTS + 5):
        releases.add_event(data, "stopped", clock=clock)
    assert len(releases.events(data)) == releases.MAX_EVENTS
    with pytest.raises(releases.ReleaseError, match="invalid event 'paused'"):
        releases.add_event(data, "paused")


# ---------------------------------------------------------------- a run cut off during its switch
def test_interrupted_none_when_current_finished():
    assert releases.interrupted(history(("1.0-a", "good", True))) is None
    assert releases.interrupted(history(("1.0-a", "good", True), ("2.0-b", "failed", True))) is None
    # a new release recorded but not yet made current: the switch has not started
    assert releases.interrupted(history(("1.0-a", "good", True), ("2.0-b", "pending", False))) is None
    assert releases.interrupted(releases.empty()) is None


def test_interrupted_with_the_lock_held_names_holder_release_and_the_explicit_force():
    data = history(("1.0-a", "good", True), ("2.0-b", "pending", True))
    holder = {"owner": "ops@ctl", "play": "deploy 2.0-b", "token": "t", "acquired_at": clock() - 125}
    found = releases.interrupted(data, holder, "/x/deploy.lock", now=clock())
    assert found["release"]["id"] == "2.0-b" and found["previous_id"] == "1.0-a" and found["lock"] == holder
    msg = found["message"]
    assert "\n" not in msg
    assert msg.startswith("deploy lock /x/deploy.lock is held by ops@ctl (play 'deploy 2.0-b') since "
                          "2026-11-18T11:04:35Z (125s ago): another deploy is running on this host, or that run was "
                          "cut off during its switch")
    assert "release 2.0-b (version 2.0) was made current by ops at 2026-11-18T11:06:40Z" in msg
    assert "still pending" in msg and "cannot tell a dead run from a live one" in msg
    assert "if no ansible-playbook run of ops@ctl is still running, re-run with -e aurigraph_lock_force=true" in msg
    assert msg.endswith("the re-run restarts release 2.0-b and puts it through the health gate, then commits it or "
                        "rolls back to 1.0-a")


def test_interrupted_without_lock_and_without_a_good_release():
    data = history(("1.0-a", "pending", True))
    found = releases.interrupted(data)
    assert found["lock"] is None and found["previous_id"] is None
    assert "no deploy lock is held" in found["message"]
    assert found["message"].endswith("rolls back to nothing (it would be stopped)")


def test_interrupted_holder_without_time_is_aged_now():
    data = history(("1.0-a", "pending", True))
    found = releases.interrupted(data, {"owner": "unknown (unreadable lock file)"}, "/l", now=clock())
    assert "held by unknown (unreadable lock file) since 2026-11-18T11:06:40Z (0s ago)" in found["message"]
