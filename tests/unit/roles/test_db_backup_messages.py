# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Aurigraph DLT contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Render the stop condition and the failure message of roles/pipeline/tasks/db_backup.yml for each way a dump can
fail, with the roles' defaults: the message names what failed, what still runs and the fix. (The full-disk,
truncated-dump and database-down cases also run for real in the Molecule scenario jar_db.)"""

from __future__ import annotations

import os

import pytest
import yaml

from ansible.parsing.dataloader import DataLoader
from ansible.template import Templar, trust_as_template

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
TASKS = os.path.join(REPO, "roles", "pipeline", "tasks", "db_backup.yml")
PREFIX = ("database backup failed, nothing was switched (aurigraph-v11 still runs release 11.4.4-aaaa; the unusable "
          "dump was removed, older dumps and releases are kept, the deploy lock is released): ")


def trusted(value):
    return trust_as_template(value) if isinstance(value, str) else value


def stop_block():
    with open(TASKS, encoding="utf-8") as handle:
        tasks = yaml.safe_load(handle)
    dump = next(t for t in tasks if t["name"] == "Dump, verify and record")
    return next(t for t in dump["block"] if t["name"].startswith("Stop before the switch"))


def render(pg_dump, pg_list=None):
    """(stops, message) for the registered results of pg_dump and of the pg_restore verification."""
    variables = {}
    for role in ("common", "pipeline"):
        with open(os.path.join(REPO, "roles", role, "defaults", "main.yml"), encoding="utf-8") as handle:
            variables.update({k: trusted(v) for k, v in (yaml.safe_load(handle) or {}).items()})
    block = stop_block()
    fail = next(t for t in block["block"] if "ansible.builtin.fail" in t)
    variables.update({k: trusted(v) for k, v in fail["vars"].items()})
    variables.update(_aurigraph_recorded={"current_id": "11.4.4-aaaa"}, _aurigraph_release_id="11.4.5-bbbb",
                     _aurigraph_db_backup_file="/var/backups/aurigraph/aurigraph-v11-before-11.4.5-bbbb.dump",
                     __aurigraph_pg_dump=pg_dump)
    if pg_list is not None:
        variables["__aurigraph_pg_list"] = pg_list
    templar = Templar(loader=DataLoader(), variables=variables)
    stops = templar.template(trust_as_template("{{ %s }}" % block["when"].strip()))
    message = templar.template(trust_as_template(fail["ansible.builtin.fail"]["msg"]))
    return stops, message


GOOD_LIST = {"rc": 0, "stdout": ";\n; Archive created at ...\n;     Format: CUSTOM\n", "stderr": ""}


def test_a_good_dump_goes_on():
    stops, _message = render({"rc": 0, "stderr": ""}, GOOD_LIST)
    assert stops is False


@pytest.mark.parametrize("stderr,fix", [
    ("pg_dump: error: could not write to file: No space left on device",
     "free space on the filesystem of /var/backups/aurigraph (df -h /var/backups/aurigraph; old dumps of retired "
     "releases can go) or set aurigraph_backup_dir to a larger one, then re-run the deploy"),
    ('pg_dump: error: connection to server at "db1", port 5432 failed: FATAL:  password authentication failed for '
     'user "aurigraph"', "fix aurigraph_db_user / aurigraph_db_password, then re-run the deploy"),
    ("pg_dump: error: aborting because of server version mismatch\npg_dump: detail: server version: 17.2; pg_dump "
     "version: 15.8", "install the postgresql-client of the server's version or set aurigraph_pg_dump_bin to it, then "
     "re-run the deploy"),
    ('pg_dump: error: connection to server at "127.0.0.1", port 5432 failed: Connection refused\n\tIs the server '
     'running on that host?', "make PostgreSQL answer again (systemctl status postgresql) or fix aurigraph_db_host / "
     "aurigraph_db_port, then re-run the deploy"),
])
def test_pg_dump_failures_say_what_and_how_to_fix(stderr, fix):
    stops, message = render({"rc": 1, "stderr": stderr})
    assert stops is True
    assert message.startswith(PREFIX + "pg_dump of aurigraph@localhost:5432/aurigraph to /var/backups/aurigraph "
                                       "exited 1: " + stderr.split("\n")[0] + ": ")
    assert message.endswith(fix)


def test_pg_dump_that_cannot_be_started():
    stops, message = render({"rc": 2, "stderr": "", "msg": "Error executing command."})
    assert stops is True
    assert ("exited 2: pg_dump could not be run: not found (no such file, or not executable): install "
            "postgresql-client or set aurigraph_pg_dump_bin, then re-run the deploy") in message


@pytest.mark.parametrize("pg_list,why", [
    ({"rc": 1, "stdout": "", "stderr": "pg_restore: error: could not read from input file: end of file"},
     "pg_restore: error: could not read from input file: end of file"),
    ({"rc": 1, "stdout": "", "stderr": "pg_restore: error: input file is too short (read 0, expected 5)"},
     "pg_restore: error: input file is too short (read 0, expected 5)"),
    ({"rc": 0, "stdout": ";     Format: TAR\n", "stderr": ""}, "it is not a pg_dump custom archive"),
])
def test_truncated_empty_or_foreign_dumps_are_refused(pg_list, why):
    stops, message = render({"rc": 0, "stderr": ""}, pg_list)
    assert stops is True
    assert message == (PREFIX + "pg_restore cannot read the whole dump /var/backups/aurigraph/aurigraph-v11-before-"
                       "11.4.5-bbbb.dump.partial (" + why + "): the dump is truncated or corrupt; check the free space "
                       "of /var/backups/aurigraph and the PostgreSQL log, then re-run the deploy")
