#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Aurigraph DLT contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: database_info
short_description: Check that the PostgreSQL database of an Aurigraph node answers, with the client programs only
version_added: 0.1.0
description:
  - Connects to the database with C(psql) as O(user) and reads the server version; checks that the backup programs
    (O(programs), for example C(pg_dump) and C(pg_restore)) are installed and that C(pg_dump) is at least as new as
    the server.
  - Needs no Python database driver (C(python3-psycopg2) is not required), only the Debian package
    C(postgresql-client) on the host.
  - Never fails on what it finds. Every problem is returned in RV(problems) as one line naming the check, what was
    found, what is needed and how to fix it (the preflight role reports them all at once).
author:
  - Aurigraph DLT contributors (@aurigraph)
attributes:
  check_mode:
    support: full
    description: Read-only; runs the same in check mode.
  diff_mode:
    support: none
    description: Returns no diff.
options:
  host:
    description: Database host.
    type: str
    default: localhost
  port:
    description: Database port.
    type: int
    default: 5432
  name:
    description: Database name.
    type: str
    required: true
  user:
    description: Database user.
    type: str
    required: true
  password:
    description: Password of O(user). Passed to C(psql) in its environment, never on a command line.
    type: str
    default: ""
  psql_bin:
    description: The C(psql) program (a name looked up in C(PATH), or a path).
    type: str
    default: psql
  programs:
    description:
      - Client programs that must be installed, as setting name -> program (name or path), for example
        C(aurigraph_pg_dump_bin=pg_dump). The setting name appears in the messages, so the user knows what to fix.
      - The program of the setting C(aurigraph_pg_dump_bin) is also compared with the server's major version.
    type: dict
    default: {}
  connect_timeout:
    description: Seconds to wait for the connection.
    type: int
    default: 10
"""

EXAMPLES = r"""
- name: Check the database and the backup programs
  aurigraph.dlt.database_info:
    host: 127.0.0.1
    name: aurigraph
    user: aurigraph
    password: "{{ aurigraph_db_password }}"
    programs:
      aurigraph_pg_dump_bin: pg_dump
      aurigraph_pg_restore_bin: pg_restore
  register: db

- name: Stop on any problem
  ansible.builtin.fail:
    msg: "{{ db.problems | join('\n') }}"
  when: db.problems | length > 0
"""

RETURN = r"""
available:
  description: True when C(psql) connected and read the server version.
  returned: always
  type: bool
server_version:
  description: The server's C(server_version_num) (for example C(170002)), or null.
  returned: always
  type: str
problems:
  description: One line per problem found (empty when everything is fine).
  returned: always
  type: list
  elements: str
programs:
  description: Each setting of O(programs) -> the program's path on the host, or null when it is missing.
  returned: always
  type: dict
"""

import os

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.aurigraph.dlt.plugins.module_utils import database


def main():
    module = AnsibleModule(
        argument_spec=dict(
            host=dict(type="str", default="localhost"),
            port=dict(type="int", default=5432),
            name=dict(type="str", required=True),
            user=dict(type="str", required=True),
            password=dict(type="str", default="", no_log=True),
            psql_bin=dict(type="str", default="psql"),
            programs=dict(type="dict", default={}),
            connect_timeout=dict(type="int", default=10),
        ),
        supports_check_mode=True,
    )
    p = module.params

    def run(argv, env):
        return module.run_command(argv, environ_update=env)

    def which(program):
        if "/" in program:
            return program if os.path.isfile(program) and os.access(program, os.X_OK) else None
        return module.get_bin_path(program)

    result = database.check(run, which, p["host"], p["port"], p["name"], p["user"], p["password"],
                            psql_bin=p["psql_bin"], dump_bins=p["programs"], connect_timeout=p["connect_timeout"])
    module.exit_json(changed=False, **result)


if __name__ == "__main__":
    main()
