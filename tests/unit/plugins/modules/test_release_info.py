# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Aurigraph DLT contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

from ansible_collections.aurigraph.dlt.plugins.modules import release_info, release_record
from ansible_collections.aurigraph.dlt.tests.unit.plugins.fakes import run_module


def setup_history(path, capsys):
    for rid, sha, status, backup_of in (("1.0-a", "1", "good", None), ("2.0-b", "2", "good", "1.0-a"),
                                        ("3.0-c", "3", "failed", "2.0-b")):
        run_module(release_record.main, dict(path=path, release_id=rid, sha256=sha * 64, version=rid[:3],
                                             db_backup="/b/%s.dump" % rid if backup_of else None,
                                             db_backup_of=backup_of), capsys)
        run_module(release_record.main, dict(path=path, release_id=rid, status=status, current=True), capsys)
    run_module(release_record.main, dict(path=path, release_id="2.0-b", current=True), capsys)


def test_fresh_host(tmp_path, capsys):
    res = run_module(release_info.main, dict(path=str(tmp_path / "r.json")), capsys)
    assert not res.failed and res["exists"] is False and res["current"] is None and res["rollback_target"] is None


def test_previous_good_and_db_backup(tmp_path, capsys):
    path = str(tmp_path / "r.json")
    setup_history(path, capsys)
    res = run_module(release_info.main, dict(path=path, release_id="3.0-c"), capsys, check_mode=True)
    assert res["changed"] is False and res["current_id"] == "2.0-b"
    assert res["previous_good_id"] == "1.0-a" and res["rollback_target"]["id"] == "1.0-a"
    assert res["rollback_db_backup"] == "/b/2.0-b.dump"
    assert res["release"]["status"] == "failed"
    assert [r["id"] for r in res["releases"]] == ["1.0-a", "2.0-b", "3.0-c"]


def test_named_target(tmp_path, capsys):
    path = str(tmp_path / "r.json")
    setup_history(path, capsys)
    res = run_module(release_info.main, dict(path=path, rollback_to="1.0-a"), capsys)
    assert res["rollback_target"]["id"] == "1.0-a"
    res = run_module(release_info.main, dict(path=path, rollback_to="3.0-c"), capsys)
    assert res.failed and res["msg"] == "release '3.0-c' is marked failed and cannot be a rollback target"
    res = run_module(release_info.main, dict(path=path, rollback_to="9.9"), capsys)
    assert res.failed and "unknown release '9.9'" in res["msg"]


def test_failed_release_resolves_the_automatic_rollback(tmp_path, capsys):
    path = str(tmp_path / "r.json")
    setup_history(path, capsys)
    res = run_module(release_info.main, dict(path=path, failed_release="3.0-c"), capsys)
    # 2.0-b is current and good: the automatic rollback stays there, with the dump taken before 3.0-c
    assert res["rollback_target"]["id"] == "2.0-b" and res["rollback_db_backup"] == "/b/3.0-c.dump"
    res = run_module(release_info.main, dict(path=path, failed_release="3.0-c", rollback_to="1.0-a"), capsys)
    assert res.failed and "mutually exclusive" in res["msg"]


def test_interrupted_reads_the_lock_next_to_the_records(tmp_path, capsys):
    path, lock_path = str(tmp_path / "r.json"), tmp_path / "deploy.lock"
    setup_history(path, capsys)
    res = run_module(release_info.main, dict(path=path, lock_path=str(lock_path)), capsys)
    assert not res.failed and res["interrupted"] is None  # 2.0-b is current and good
    run_module(release_record.main, dict(path=path, release_id="4.0-d", sha256="4" * 64, version="4.0", current=True,
                                         user="ops"), capsys)
    res = run_module(release_info.main, dict(path=path, lock_path=str(lock_path)), capsys)
    assert res["interrupted"]["release"]["id"] == "4.0-d" and res["interrupted"]["previous_id"] == "2.0-b"
    assert res["interrupted"]["lock"] is None and "no deploy lock is held" in res["interrupted"]["message"]
    lock_path.write_text('{"owner": "dead@ctl", "token": "x", "play": "deploy 4.0-d", "acquired_at": 1}')
    res = run_module(release_info.main, dict(path=path, lock_path=str(lock_path)), capsys, check_mode=True)
    assert res["changed"] is False and res["interrupted"]["lock"]["owner"] == "dead@ctl"
    assert "deploy lock %s is held by dead@ctl (play 'deploy 4.0-d')" % lock_path in res["interrupted"]["message"]
    assert lock_path.exists()  # only read, never broken
    res = run_module(release_info.main, dict(configmap=dict(name="r", namespace="n"), lock_path=str(lock_path)), capsys)
    assert res.failed and "mutually exclusive" in res["msg"]
