# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Aurigraph DLT contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""PostgreSQL checks of a deploy host with the PostgreSQL client programs only (no Python driver).

The database preflight must work on a plain Debian host that has PostgreSQL and its client (``postgresql-client``)
but not ``python3-psycopg2``, so it runs ``psql`` instead of importing a driver. Every problem found is one line
that names the check, what was found, what is needed and how to fix it. Nothing here calls ``fail_json``: the
caller passes a ``run(argv, env)`` returning ``(rc, stdout, stderr)`` and a ``which(name)`` returning a path or
None, so the decisions are unit-tested without processes.
"""

from __future__ import annotations

import re

CLIENT_PACKAGE = "postgresql-client"

_UNREACHABLE = ("could not connect", "connection refused", "timeout expired", "could not translate host name",
                "no route to host", "network is unreachable", "server closed the connection",
                "is the server running")
_CREDENTIALS = ("password authentication failed", "no password supplied", "fe_sendauth", "role \"",
                "no pg_hba.conf entry", "peer authentication failed", "ident authentication failed")
_VERSION = re.compile(r"\(PostgreSQL\)\s+(\d+)(?:\.(\d+))?")


def first_line(text, default=""):
    """The first non-empty line of ``text`` (stripped), or ``default``."""
    for line in (text or "").splitlines():
        line = line.strip()
        if line:
            return line
    return default


def client_major(version_output):
    """The major version from ``pg_dump --version`` / ``psql --version`` output, or None."""
    match = _VERSION.search(version_output or "")
    return int(match.group(1)) if match else None


def server_major(server_version_num):
    """The major version from ``SHOW server_version_num`` (``170002`` -> 17, ``90624`` -> 9), or None."""
    text = (server_version_num or "").strip()
    if not text.isdigit():
        return None
    return int(text) // 10000


def _where(host, port, name, user):
    return "%s@%s:%s/%s" % (user, host, port, name)


def connection_problem(stderr, host, port, name, user):
    """One line for a failed ``psql`` connection: unreachable, refused credentials, missing database, other."""
    detail = first_line(stderr, "psql exited without a message")
    low = (stderr or "").lower()
    where = _where(host, port, name, user)
    test = "test with: psql -h %s -p %s -U %s -d %s -c 'SELECT 1'" % (host, port, user, name)
    if any(marker in low for marker in _CREDENTIALS):
        return ("database: PostgreSQL at %s:%s refused the credentials of %s (%s); valid credentials of "
                "aurigraph_db_user are needed: fix aurigraph_db_user / aurigraph_db_password (or the role's "
                "password and pg_hba.conf on the server); %s" % (host, port, user, detail, test))
    if "database \"%s\" does not exist" % name.lower() in low:
        return ("database: PostgreSQL at %s:%s has no database %s (%s); the database aurigraph_db_name must exist: "
                "create it (createdb -O %s %s) or fix aurigraph_db_name; %s" % (host, port, name, detail, user, name,
                                                                                test))
    if any(marker in low for marker in _UNREACHABLE):
        return ("database: PostgreSQL %s is not reachable (%s); a server accepting connections on "
                "aurigraph_db_host:aurigraph_db_port is needed: start PostgreSQL (systemctl start postgresql) or "
                "fix aurigraph_db_host / aurigraph_db_port; %s" % (where, detail, test))
    return "database: PostgreSQL %s cannot be queried (%s); %s" % (where, detail, test)


def missing_program(role, setting, value):
    """One line for a PostgreSQL client program that is not on the host."""
    return ("database: %s (%s=%s) is not installed on the host; the %s program of PostgreSQL is needed: install "
            "the Debian package %s (apt-get install %s) or set %s to its path"
            % (value, setting, value, role, CLIENT_PACKAGE, CLIENT_PACKAGE, setting))


def check(run, which, host, port, name, user, password, psql_bin="psql", dump_bins=None, connect_timeout=10):
    """Check the database with ``psql`` and the client programs in ``dump_bins``.

    ``dump_bins`` maps a setting name (``aurigraph_pg_dump_bin``) to its value (``pg_dump``); each must exist and,
    for ``pg_dump``, be at least as new as the server (pg_dump refuses to dump a newer server).
    Returns a dict: available (bool), server_version (str or None), problems (list of one-line messages),
    programs (setting -> resolved path or None).
    """
    result = dict(available=False, server_version=None, problems=[], programs={})
    dump_bins = dump_bins or {}
    resolved = {}
    for setting, value in sorted(dump_bins.items()):
        path = which(value)
        resolved[setting] = path
        result["programs"][setting] = path
        if not path:
            result["problems"].append(missing_program(value.rsplit("/", 1)[-1], setting, value))

    psql = which(psql_bin)
    if not psql:
        result["problems"].insert(0, (
            "database: %s is not installed on the host, so PostgreSQL %s cannot be checked; psql is needed (the "
            "check uses no Python driver): install the Debian package %s (apt-get install %s)"
            % (psql_bin, _where(host, port, name, user), CLIENT_PACKAGE, CLIENT_PACKAGE)))
        return result

    env = {"PGPASSWORD": password or "", "PGCONNECT_TIMEOUT": str(connect_timeout), "PGAPPNAME": "aurigraph-preflight"}
    argv = [psql, "-h", host, "-p", str(port), "-U", user, "-d", name, "-X", "-A", "-t", "-w",
            "-v", "ON_ERROR_STOP=1", "-c", "SHOW server_version_num"]
    rc, out, err = run(argv, env)
    if rc != 0:
        result["problems"].insert(0, connection_problem(err or out, host, port, name, user))
        return result
    result["available"] = True
    result["server_version"] = first_line(out) or None
    major = server_major(result["server_version"])

    dump = resolved.get("aurigraph_pg_dump_bin")
    if dump and major:
        rc, out, err = run([dump, "--version"], {})
        have = client_major(out)
        if rc != 0 or have is None:
            result["problems"].append(
                "database: %s --version failed (%s); a working pg_dump is needed: reinstall %s or fix "
                "aurigraph_pg_dump_bin" % (dump, first_line(err or out, "no output"), CLIENT_PACKAGE))
        elif have < major:
            result["problems"].append(
                "database: %s is pg_dump %s, the server is PostgreSQL %s and pg_dump %s or newer is needed to back "
                "it up: install postgresql-client-%s or set aurigraph_pg_dump_bin to "
                "/usr/lib/postgresql/%s/bin/pg_dump" % (dump, have, major, major, major, major))
    return result
