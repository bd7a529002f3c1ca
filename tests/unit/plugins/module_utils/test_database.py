# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Aurigraph DLT contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

import pytest

from ansible_collections.aurigraph.dlt.plugins.module_utils import database

HOST = dict(host="127.0.0.1", port=5432, name="aurigraph", user="aurigraph", password="pa55")
BINS = {"aurigraph_pg_dump_bin": "pg_dump", "aurigraph_pg_restore_bin": "pg_restore"}


class Host(object):
    """Scripted programs: ``answers`` maps the program's base name to (rc, stdout, stderr)."""

    def __init__(self, installed=("psql", "pg_dump", "pg_restore"), **answers):
        self.installed = set(installed)
        self.answers = answers
        self.calls = []

    def which(self, program):
        name = program.rsplit("/", 1)[-1]
        return "/usr/bin/%s" % name if name in self.installed else None

    def run(self, argv, env):
        self.calls.append((argv, env))
        return self.answers[argv[0].rsplit("/", 1)[-1]]


def check(host, **kwargs):
    return database.check(host.run, host.which, dump_bins=kwargs.pop("dump_bins", BINS), **dict(HOST, **kwargs))


def test_all_good_without_any_python_driver():
    host = Host(psql=(0, "170002\n", ""), pg_dump=(0, "pg_dump (PostgreSQL) 17.2 (Debian 17.2-1)\n", ""))
    res = check(host)
    assert res == dict(available=True, server_version="170002", problems=[],
                       programs={"aurigraph_pg_dump_bin": "/usr/bin/pg_dump",
                                 "aurigraph_pg_restore_bin": "/usr/bin/pg_restore"})
    argv, env = host.calls[0]
    # the password travels in the environment only, never on the command line
    assert "pa55" not in " ".join(argv) and env["PGPASSWORD"] == "pa55" and "-w" in argv
    assert argv[argv.index("-p") + 1] == "5432" and argv[argv.index("-U") + 1] == "aurigraph"


def test_unreachable_names_the_server_and_the_fix():
    err = ('psql: error: connection to server at "127.0.0.1", port 5999 failed: Connection refused\n'
           '\tIs the server running on that host and accepting TCP/IP connections?\n')
    res = check(Host(psql=(2, "", err)), port=5999)
    assert res["available"] is False and len(res["problems"]) == 1
    line = res["problems"][0]
    assert line.startswith("database: PostgreSQL aurigraph@127.0.0.1:5999/aurigraph is not reachable (psql: error:")
    assert "Connection refused" in line and "start PostgreSQL" in line and "aurigraph_db_port" in line
    assert "\n" not in line


@pytest.mark.parametrize("err", [
    'psql: error: connection to server at "127.0.0.1", port 5432 failed: FATAL:  password authentication failed '
    'for user "aurigraph"',
    'psql: error: connection to server at "127.0.0.1", port 5432 failed: fe_sendauth: no password supplied',
    'psql: error: connection to server at "127.0.0.1", port 5432 failed: FATAL:  role "nobody" does not exist',
])
def test_wrong_credentials(err):
    line = check(Host(psql=(2, "", err)))["problems"][0]
    assert line.startswith("database: PostgreSQL at 127.0.0.1:5432 refused the credentials of aurigraph (")
    assert "aurigraph_db_password" in line and "pa55" not in line


def test_missing_database():
    err = 'psql: error: connection to server at "127.0.0.1", port 5432 failed: FATAL:  database "aurigraph" does not exist'
    line = check(Host(psql=(2, "", err)))["problems"][0]
    assert "has no database aurigraph" in line and "createdb -O aurigraph aurigraph" in line


def test_other_error_keeps_the_first_line():
    line = check(Host(psql=(1, "", "\nsomething odd\nsecond line")))["problems"][0]
    assert line.startswith("database: PostgreSQL aurigraph@127.0.0.1:5432/aurigraph cannot be queried (something odd)")


def test_psql_missing_names_the_package():
    res = check(Host(installed=("pg_dump", "pg_restore")))
    assert res["available"] is False and len(res["problems"]) == 1
    assert "install the Debian package postgresql-client" in res["problems"][0]
    assert "no Python driver" in res["problems"][0]


def test_pg_dump_missing_is_reported_with_the_connection_result():
    host = Host(installed=("psql", "pg_restore"), psql=(0, "170002", ""))
    res = check(host)
    assert res["available"] is True and res["programs"]["aurigraph_pg_dump_bin"] is None
    assert res["problems"] == [
        "database: pg_dump (aurigraph_pg_dump_bin=pg_dump) is not installed on the host; the pg_dump program of "
        "PostgreSQL is needed: install the Debian package postgresql-client (apt-get install postgresql-client) or "
        "set aurigraph_pg_dump_bin to its path"]


def test_no_programs_asked_no_program_checked():
    res = check(Host(installed=("psql",), psql=(0, "160004", "")), dump_bins={})
    assert res["problems"] == [] and res["programs"] == {}


def test_pg_dump_older_than_the_server():
    host = Host(psql=(0, "170002", ""), pg_dump=(0, "pg_dump (PostgreSQL) 15.8\n", ""))
    line = check(host)["problems"][0]
    assert line == ("database: /usr/bin/pg_dump is pg_dump 15, the server is PostgreSQL 17 and pg_dump 17 or newer "
                    "is needed to back it up: install postgresql-client-17 or set aurigraph_pg_dump_bin to "
                    "/usr/lib/postgresql/17/bin/pg_dump")


def test_pg_dump_that_does_not_run():
    host = Host(psql=(0, "170002", ""), pg_dump=(127, "", "error while loading shared libraries: libpq.so.5"))
    assert "--version failed (error while loading shared libraries: libpq.so.5)" in check(host)["problems"][0]


@pytest.mark.parametrize("text,major", [("170002", 17), ("90624", 9), ("100000", 10), ("", None), ("x", None)])
def test_server_major(text, major):
    assert database.server_major(text) == major


@pytest.mark.parametrize("text,major", [("pg_dump (PostgreSQL) 17.2 (Debian 17.2-1.pgdg)", 17),
                                        ("psql (PostgreSQL) 9.6.24", 9), ("nothing", None)])
def test_client_major(text, major):
    assert database.client_major(text) == major
