# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Aurigraph DLT contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

import json

from ansible_collections.aurigraph.dlt.plugins.modules import release_record
from ansible_collections.aurigraph.dlt.tests.unit.plugins.fakes import run_module

SHA1 = "1" * 64
SHA2 = "2" * 64


def rec(tmp_path, capsys, check_mode=False, diff=False, **args):
    args.setdefault("path", str(tmp_path / "state" / "releases.json"))
    return run_module(release_record.main, args, capsys, check_mode=check_mode, diff=diff)


def deploy(tmp_path, capsys, rid, sha, status="good", **extra):
    rec(tmp_path, capsys, release_id=rid, version=rid.split("-")[0], sha256=sha, method="systemd", user="ops")
    return rec(tmp_path, capsys, release_id=rid, status=status, current=True, user="ops", **extra)


def load(tmp_path):
    return json.loads((tmp_path / "state" / "releases.json").read_text())


def test_create_then_idempotent(tmp_path, capsys):
    first = rec(tmp_path, capsys, release_id="1.0-a", version="1.0", sha256=SHA1, method="systemd", user="ops")
    assert first["changed"] and first["record"]["status"] == "pending" and first["record"]["seq"] == 1
    again = rec(tmp_path, capsys, release_id="1.0-a", version="1.0", sha256=SHA1, method="systemd", user="ops")
    assert not again.failed and again["changed"] is False
    good = rec(tmp_path, capsys, release_id="1.0-a", status="good", current=True, user="ops")
    assert good["changed"] and good["current_id"] == "1.0-a"
    assert rec(tmp_path, capsys, release_id="1.0-a", status="good", current=True, user="ops")["changed"] is False


def test_check_mode_and_diff_do_not_write(tmp_path, capsys):
    res = rec(tmp_path, capsys, check_mode=True, diff=True, release_id="1.0-a", version="1.0", sha256=SHA1)
    assert res["changed"] and not (tmp_path / "state").exists()
    assert '"1.0-a"' in res["diff"]["after"] and '"1.0-a"' not in res["diff"]["before"]


def test_prune_deletes_release_dirs_and_dumps(tmp_path, capsys):
    rels = tmp_path / "releases"
    for i in range(1, 5):
        (rels / ("%d.0-a" % i)).mkdir(parents=True)
        (rels / ("%d.0-a" % i) / "app.jar").write_text("x")
        dump = tmp_path / ("%d.dump" % i)
        dump.write_text("d")
        deploy(tmp_path, capsys, "%d.0-a" % i, str(i) * 64, db_backup=str(dump), db_backup_of="%d.0-a" % (i - 1))
    check = rec(tmp_path, capsys, check_mode=True, keep=2, releases_dir=str(rels))
    assert check["pruned"] == ["1.0-a", "2.0-a"] and (rels / "1.0-a").exists()
    res = rec(tmp_path, capsys, keep=2, releases_dir=str(rels))
    assert res["changed"] and res["pruned"] == ["1.0-a", "2.0-a"]
    assert sorted(p.name for p in rels.iterdir()) == ["3.0-a", "4.0-a"]
    assert not (tmp_path / "1.dump").exists() and (tmp_path / "3.dump").exists()
    assert str(rels / "1.0-a") in res["removed_paths"]
    assert rec(tmp_path, capsys, keep=2, releases_dir=str(rels))["changed"] is False


def test_mark_failed_with_message(tmp_path, capsys):
    deploy(tmp_path, capsys, "1.0-a", SHA1)
    deploy(tmp_path, capsys, "2.0-b", SHA2, status="pending")
    res = rec(tmp_path, capsys, release_id="2.0-b", status="failed", reason="readiness DOWN")
    assert res["record"]["status"] == "failed" and res["record"]["message"] == "readiness DOWN"
    back = rec(tmp_path, capsys, release_id="1.0-a", current=True)
    assert back["current_id"] == "1.0-a" and back["previous_good_id"] is None


def test_errors_are_one_line(tmp_path, capsys):
    deploy(tmp_path, capsys, "1.0-a", SHA1)
    res = rec(tmp_path, capsys, release_id="1.0-a", sha256=SHA2)
    assert res.failed and "recorded with sha256" in res["msg"]
    res = rec(tmp_path, capsys, release_id="1.0-a", state="absent")
    assert res.failed and "current release" in res["msg"]
    res = rec(tmp_path, capsys, release_id="x", sha256="ABC")
    assert res.failed and "64 lowercase" in res["msg"]
    res = rec(tmp_path, capsys)
    assert res.failed and "release_id is required" in res["msg"]
    (tmp_path / "state" / "releases.json").write_text("{oops")
    res = rec(tmp_path, capsys, release_id="1.0-a")
    assert res.failed and "not valid JSON" in res["msg"] and "Traceback" not in res.raw


def test_absent_removes_record_and_dir(tmp_path, capsys):
    deploy(tmp_path, capsys, "1.0-a", SHA1)
    deploy(tmp_path, capsys, "2.0-b", SHA2)
    (tmp_path / "releases" / "1.0-a").mkdir(parents=True)
    res = rec(tmp_path, capsys, release_id="1.0-a", state="absent", releases_dir=str(tmp_path / "releases"))
    assert res["changed"] and res["pruned"] == ["1.0-a"] and not (tmp_path / "releases" / "1.0-a").exists()
    assert "1.0-a" not in load(tmp_path)["releases"]


def test_event_is_recorded_and_returned_by_release_info(tmp_path, capsys):
    from ansible_collections.aurigraph.dlt.plugins.modules import release_info
    deploy(tmp_path, capsys, "1.0-a", SHA1)
    res = rec(tmp_path, capsys, event="isolated", reason="INC-9", user="oncall", event_details={"mode": "isolate"})
    assert res["changed"] and res["event"]["event"] == "isolated" and res["event"]["release"] == "1.0-a"
    assert res["event"]["by"] == "oncall" and res["event"]["reason"] == "INC-9"
    info = run_module(release_info.main, {"path": str(tmp_path / "state" / "releases.json")}, capsys)
    assert [e["event"] for e in info["events"]] == ["isolated"]
    assert load(tmp_path)["releases"]["1.0-a"]["status"] == "good"   # the release itself is untouched
    check = rec(tmp_path, capsys, check_mode=True, event="started", user="oncall")
    assert check["changed"] and len(load(tmp_path)["events"]) == 1
    bad = rec(tmp_path, capsys, event="started", release_id="1.0-a")
    assert bad.failed and "leave release_id out" in bad["msg"]
