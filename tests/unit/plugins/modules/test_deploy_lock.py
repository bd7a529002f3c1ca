# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Aurigraph DLT contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

import json

from ansible_collections.aurigraph.dlt.plugins.modules import deploy_lock
from ansible_collections.aurigraph.dlt.tests.unit.plugins.fakes import run_module


def test_take_and_release_never_report_changed(tmp_path, capsys):
    path = str(tmp_path / "deploy.lock")
    got = run_module(deploy_lock.main, dict(path=path, owner="alice@ctl", play="deploy"), capsys)
    assert not got.failed and got["changed"] is False and got["acquired"] is True
    assert json.load(open(path))["token"] == got["token"]
    rel = run_module(deploy_lock.main, dict(path=path, token=got["token"], state="absent"), capsys)
    assert not rel.failed and rel["changed"] is False and rel["released"] is True


def test_held_lock_fails_one_line(tmp_path, capsys):
    path = str(tmp_path / "deploy.lock")
    run_module(deploy_lock.main, dict(path=path, owner="bob@ctl"), capsys)
    res = run_module(deploy_lock.main, dict(path=path, owner="alice@ctl"), capsys)
    assert res.failed and "is held by bob@ctl" in res["msg"] and "\n" not in res["msg"]
    assert res["holder"]["owner"] == "bob@ctl"


def test_stale_hint_and_force(tmp_path, capsys):
    path = tmp_path / "deploy.lock"
    path.write_text(json.dumps({"owner": "bob", "token": "t", "acquired_at": 1000}))
    res = run_module(deploy_lock.main, dict(path=str(path), hint="with -e aurigraph_lock_force=true"), capsys)
    assert res.failed and "stale" in res["msg"] and res["msg"].endswith("aurigraph_lock_force=true")
    res = run_module(deploy_lock.main, dict(path=str(path), force=True, owner="alice"), capsys)
    assert not res.failed and res["broken"]["owner"] == "bob" and "broke the deploy lock" in res.raw


def test_check_mode(tmp_path, capsys):
    path = tmp_path / "deploy.lock"
    res = run_module(deploy_lock.main, dict(path=str(path)), capsys, check_mode=True)
    assert not res.failed and res["acquired"] and not path.exists()


def test_release_requires_token_and_bad_timeout(tmp_path, capsys):
    res = run_module(deploy_lock.main, dict(path=str(tmp_path / "l"), state="absent"), capsys)
    assert res.failed and "token" in res["msg"]
    res = run_module(deploy_lock.main, dict(path=str(tmp_path / "l"), timeout=-1), capsys)
    assert res.failed and "timeout" in res["msg"]
