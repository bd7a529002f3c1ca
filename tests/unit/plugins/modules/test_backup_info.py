# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Aurigraph DLT contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

from ansible_collections.aurigraph.dlt.plugins.modules import backup_info
from ansible_collections.aurigraph.dlt.tests.unit.plugins.fakes import run_module
from ansible_collections.aurigraph.dlt.tests.unit.plugins.module_utils.test_backup import make_backup


def test_newest_verified(tmp_path, capsys):
    make_backup(tmp_path, "20261130T090000Z")
    res = run_module(backup_info.main, dict(root=str(tmp_path)), capsys, check_mode=True)
    assert not res.failed and res["changed"] is False and res["manifest"]["id"] == "20261130T090000Z"


def test_mismatch_fails_clearly(tmp_path, capsys):
    path = make_backup(tmp_path, "20261130T090000Z")
    (path / "data.tar.gz").write_bytes(b"TAR")
    res = run_module(backup_info.main, dict(path=str(path)), capsys)
    assert res.failed and "checksum mismatch" in res["msg"] and "data.tar.gz" in res["msg"]
