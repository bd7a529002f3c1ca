#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Aurigraph DLT contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: smoke_info
short_description: Run the runbook's post-deploy smoke checks against an Aurigraph V11 service
version_added: 0.1.0
description:
  - Runs every check of O(checks) and fails, naming each failed check and why, when any of them fails. Used by the
    deploy pipeline as its optional smoke gate (C(aurigraph_smoke_checks)), after the health gate and before the
    commit, so that a failure rolls the release back.
  - V(websocket) opens C(/ws/tokens) (O(ws_path)) with a real WebSocket client (RFC 6455, standard library only,
    C(wss://) when O(api_url) is C(https://)), sends C({"action":"PING"}) and needs C({"action":"PONG"}) within
    O(timeout).
  - V(token_stats) calls C(GET /api/v11/auth/tokens/stats?userId=) (O(user_id)) with the admin credential
    (O(api_token), or O(api_username)/O(api_password)); the answer must be a JSON object with token counts.
  - V(db_tables) runs C(psql) on the host and needs every table of O(db_tables) in the service's database
    (schema-qualified names such as C(public.auth_tokens) are accepted).
  - Rate-limit aware, each check costs at most one request - O(retries) is ignored, nothing is retried or
    polled; the table check sends no HTTP request.
  - Never reports C(changed).
author:
  - Aurigraph DLT contributors (@aurigraph)
extends_documentation_fragment:
  - aurigraph.dlt.api
  - aurigraph.dlt.api.timeout
  - aurigraph.dlt.attributes.info_module
options:
  checks:
    description: The checks to run, each at most once.
    type: list
    elements: str
    choices: [websocket, token_stats, db_tables]
    required: true
  ws_path:
    description: Path of the token-event WebSocket endpoint, on the host and port of O(api_url).
    type: str
    default: /ws/tokens
  user_id:
    description: The C(userId) whose token statistics V(token_stats) reads (real builds answer 400 without one).
    type: str
    default: admin@aurigraph.io
  db_tables:
    description: Tables V(db_tables) expects in the database.
    type: list
    elements: str
    default: [auth_tokens, token_blacklist]
  db_host:
    description: PostgreSQL host for V(db_tables).
    type: str
    default: localhost
  db_port:
    description: PostgreSQL port for V(db_tables).
    type: int
    default: 5432
  db_name:
    description: Database for V(db_tables).
    type: str
    default: aurigraph
  db_user:
    description: Database user for V(db_tables).
    type: str
    default: aurigraph
  db_password:
    description: Password of O(db_user), passed to C(psql) in its environment (never on its command line). Never logged.
    type: str
    default: ''
  psql_bin:
    description: The C(psql) executable on the host.
    type: str
    default: psql
notes:
  - A WebSocket handshake refused by a proxy or a service that closes the socket fails the V(websocket) check with
    the HTTP status line or the close code.
"""

EXAMPLES = r"""
- name: Smoke-test a freshly deployed node
  aurigraph.dlt.smoke_info:
    checks: [websocket, token_stats, db_tables]
    api_token: "{{ vault_aurigraph_admin_token }}"
    db_password: "{{ vault_aurigraph_db_password }}"
"""

RETURN = r"""
check_results:
  description: One entry per check run, with V(ok) and either its figures or its failure message.
  returned: always
  type: dict
  sample:
    websocket: {ok: true, url: "ws://127.0.0.1:9003/ws/tokens", answer: PONG}
    token_stats: {ok: true, user_id: admin@aurigraph.io, counts: {totalTokens: 4, activeTokens: 2}}
    db_tables: {ok: false, msg: "table(s) missing in the database: token_blacklist (expected auth_tokens, token_blacklist)"}
failed_checks:
  description: The checks that failed, in order; empty when all passed.
  returned: always
  type: list
  elements: str
  sample: [db_tables]
requests:
  description: HTTP requests sent to the service (the WebSocket handshake included).
  returned: always
  type: int
  sample: 2
"""

import os

from ansible_collections.aurigraph.dlt.plugins.module_utils import errors, smoke
from ansible_collections.aurigraph.dlt.plugins.module_utils.api import Client
from ansible_collections.aurigraph.dlt.plugins.module_utils.arguments import api_module


def main():
    module = api_module(
        dict(
            checks=dict(type="list", elements="str", required=True, choices=list(smoke.CHECKS)),
            ws_path=dict(type="str", default="/ws/tokens"),
            user_id=dict(type="str", default="admin@aurigraph.io"),
            db_tables=dict(type="list", elements="str", default=["auth_tokens", "token_blacklist"]),
            db_host=dict(type="str", default="localhost"),
            db_port=dict(type="int", default=5432),
            db_name=dict(type="str", default="aurigraph"),
            db_user=dict(type="str", default="aurigraph"),
            db_password=dict(type="str", default="", no_log=True),
            psql_bin=dict(type="str", default="psql"),
        ),
    )
    p = module.params
    result = dict(changed=False, check_results={}, failed_checks=[], requests=0)
    try:
        client = Client.from_module(module, retries=0)

        def websocket():
            url = smoke.ws_url(p["api_url"], p["ws_path"])
            result["requests"] += 1
            return smoke.check_websocket(url, timeout=float(p["timeout"]),
                                         ssl_context=client.ssl_context() if url.startswith("wss:") else None)

        def token_stats():
            result["requests"] += 1
            return smoke.check_token_stats(client, p["user_id"])

        def run(argv, env):
            rc, out, err = module.run_command(argv, environ_update=env)
            return rc, out, err

        def db_tables():
            psql = module.get_bin_path(p["psql_bin"]) if not os.path.isabs(p["psql_bin"]) else p["psql_bin"]
            if not psql:
                raise errors.SmokeError("%s not found on the host: install the PostgreSQL client or set psql_bin"
                                        % p["psql_bin"], check="db_tables")
            argv = [psql, "-h", p["db_host"], "-p", str(p["db_port"]), "-U", p["db_user"], "-d", p["db_name"],
                    "--no-password"]
            env = {"PGCONNECT_TIMEOUT": str(min(30, p["timeout"]))}
            if p["db_password"]:
                env["PGPASSWORD"] = p["db_password"]
            return smoke.check_db_tables(run, argv, p["db_tables"], env=env)

        runners = dict(websocket=websocket, token_stats=token_stats, db_tables=db_tables)
        result["check_results"], result["failed_checks"] = smoke.run_checks(p["checks"], runners)
    except errors.DltError as exc:
        module.fail_json(msg=str(exc), **result)
    if result["failed_checks"]:
        module.fail_json(msg=smoke.failure_message(result["check_results"], result["failed_checks"]), **result)
    module.exit_json(**result)


if __name__ == "__main__":
    main()
