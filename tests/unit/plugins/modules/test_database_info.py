# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Aurigraph DLT contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

import os

from ansible_collections.aurigraph.dlt.plugins.modules import database_info
from ansible_collections.aurigraph.dlt.tests.unit.plugins.fakes import run_module

ARGS = dict(host="127.0.0.1", port=5999, name="aurigraph", user="aurigraph", password="s3cr3t-pw")


def fake_bin(tmp_path, name, script):
    path = tmp_path / name
    path.write_text("#!/bin/sh\n" + script)
    path.chmod(0o755)
    return str(path)


def test_reports_problems_without_failing_and_hides_the_password(tmp_path, capsys):
    psql = fake_bin(tmp_path, "psql", 'echo "password=$PGPASSWORD args=$*" > %s/seen\n'
                    'echo \'psql: error: connection to server at "127.0.0.1", port 5999 failed: Connection refused\' >&2\n'
                    'exit 2\n' % tmp_path)
    res = run_module(database_info.main, dict(ARGS, psql_bin=psql, programs={
        "aurigraph_pg_dump_bin": str(tmp_path / "no-such-pg_dump")}), capsys, check_mode=True)
    assert not res.failed and res["changed"] is False and res["available"] is False
    assert res["problems"][0].startswith("database: PostgreSQL aurigraph@127.0.0.1:5999/aurigraph is not reachable")
    assert "is not installed on the host" in res["problems"][1]
    assert res["programs"] == {"aurigraph_pg_dump_bin": None}
    seen = (tmp_path / "seen").read_text()
    assert "password=s3cr3t-pw" in seen and "s3cr3t-pw" not in seen.split("args=")[1]
    assert "s3cr3t-pw" not in res.raw


def test_answers_with_the_server_version(tmp_path, capsys):
    psql = fake_bin(tmp_path, "psql", "echo 170002\n")
    dump = fake_bin(tmp_path, "pg_dump", "echo 'pg_dump (PostgreSQL) 17.2'\n")
    res = run_module(database_info.main, dict(ARGS, psql_bin=psql, programs={"aurigraph_pg_dump_bin": dump}), capsys)
    assert not res.failed and res["available"] is True and res["server_version"] == "170002"
    assert res["problems"] == [] and res["programs"] == {"aurigraph_pg_dump_bin": dump}


def test_missing_psql_by_name(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))
    res = run_module(database_info.main, dict(ARGS, psql_bin="psql-absent-%d" % os.getpid()), capsys)
    assert not res.failed and res["available"] is False
    assert "install the Debian package postgresql-client" in res["problems"][0]
