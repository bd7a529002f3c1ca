# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Aurigraph DLT contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

import json

import pytest
from ansible.module_utils.basic import AnsibleModule

from ansible_collections.aurigraph.dlt.plugins.module_utils import smoke
from ansible_collections.aurigraph.dlt.plugins.modules import smoke_info
from ansible_collections.aurigraph.dlt.tests.unit.plugins.fakes import reply, run_module
from ansible_collections.aurigraph.dlt.tests.unit.plugins.wsfake import Connector, FakeWsSocket, server_frame

TOKEN = "smoke-admin-token-5ecr3t"
DB_PASSWORD = "db-pa55word-5ecr3t"
STATS = "/api/v11/auth/tokens/stats"


@pytest.fixture
def ws(monkeypatch):
    sock = FakeWsSocket()
    connector = Connector(sock)
    monkeypatch.setattr(smoke.socket, "create_connection", connector)
    return connector


@pytest.fixture
def psql(monkeypatch):
    calls = []
    answer = {"rc": 0, "out": "public.auth_tokens\npublic.token_blacklist\n", "err": ""}

    def run_command(self, argv, environ_update=None, **kwargs):
        calls.append((argv, environ_update))
        return answer["rc"], answer["out"], answer["err"]
    monkeypatch.setattr(AnsibleModule, "run_command", run_command)
    monkeypatch.setattr(AnsibleModule, "get_bin_path", lambda self, name, *a, **kw: "/usr/bin/" + name)
    return calls, answer


def test_all_checks_pass(fake_api, ws, psql, capsys):
    fake_api.add("GET", STATS, reply(200, {"totalTokens": 7, "activeTokens": 3}))
    result = run_module(smoke_info.main, dict(checks=["websocket", "token_stats", "db_tables"], api_token=TOKEN,
                                              db_password=DB_PASSWORD, db_name="aurigraph"), capsys)
    assert not result.failed and result["changed"] is False
    assert result["failed_checks"] == [] and result["requests"] == 2
    assert result["check_results"]["websocket"] == {"ok": True, "url": "ws://127.0.0.1:9003/ws/tokens", "answer": "PONG"}
    assert result["check_results"]["token_stats"]["counts"] == {"totalTokens": 7, "activeTokens": 3}
    assert ws.calls[0][0] == ("127.0.0.1", 9003)
    argv, env = psql[0][0]
    assert argv[:9] == ["/usr/bin/psql", "-h", "localhost", "-p", "5432", "-U", "aurigraph", "-d", "aurigraph"]
    assert DB_PASSWORD not in " ".join(argv) and env["PGPASSWORD"] == DB_PASSWORD
    assert TOKEN not in result.raw and DB_PASSWORD not in result.raw


def test_websocket_broken_fails_naming_the_check(fake_api, ws, capsys):
    ws.sock.status = "503 Service Unavailable"
    fake_api.add("GET", STATS, reply(200, {"totalTokens": 7}))
    result = run_module(smoke_info.main, dict(checks=["websocket", "token_stats"], api_token=TOKEN), capsys)
    assert result.failed
    assert result["msg"].startswith("smoke check failed: websocket: the WebSocket handshake with "
                                    "ws://127.0.0.1:9003/ws/tokens was refused: HTTP/1.1 503")
    assert result["failed_checks"] == ["websocket"] and result["check_results"]["token_stats"]["ok"] is True


def test_token_stats_one_request_even_when_rate_limited(fake_api, clock, capsys):
    fake_api.add("GET", STATS, reply(429, {"error": "Rate limit exceeded", "retryAfterSeconds": 1, "rateLimit": 100}))
    result = run_module(smoke_info.main, dict(checks=["token_stats"], api_token=TOKEN, retries=5), capsys)
    assert result.failed and result["failed_checks"] == ["token_stats"]
    assert result["msg"].startswith("smoke check failed: token_stats: ")
    assert len(fake_api.calls) == 1 and clock.sleeps == [] and result["requests"] == 1


def test_db_tables_missing(psql, capsys):
    psql[1]["out"] = "public.auth_tokens\n"
    result = run_module(smoke_info.main, dict(checks=["db_tables"], db_password=DB_PASSWORD), capsys)
    assert result.failed and result["requests"] == 0
    assert result["msg"] == ("smoke check failed: db_tables: table(s) missing in the database: token_blacklist "
                             "(expected auth_tokens, token_blacklist)")
    assert DB_PASSWORD not in result.raw


def test_check_mode_runs_read_only(fake_api, capsys):
    fake_api.add("GET", STATS, reply(200, {"totalTokens": 1}))
    result = run_module(smoke_info.main, dict(checks=["token_stats"], api_token=TOKEN), capsys, check_mode=True)
    assert not result.failed and result["changed"] is False and len(fake_api.calls) == 1


def test_unknown_check_refused(capsys):
    result = run_module(smoke_info.main, dict(checks=["websocket", "dns"]), capsys)
    assert result.failed and "dns" in result["msg"]


def test_duplicate_check_refused(capsys):
    result = run_module(smoke_info.main, dict(checks=["websocket", "websocket"]), capsys)
    assert result.failed and "listed twice" in result["msg"]


def test_wss_uses_client_tls_context(fake_api, monkeypatch, capsys):
    seen = {}

    def fake_check(url, timeout, ssl_context):
        seen.update(url=url, ctx=ssl_context, timeout=timeout)
        return {"url": url, "answer": "PONG"}
    monkeypatch.setattr(smoke, "check_websocket", fake_check)
    result = run_module(smoke_info.main, dict(checks=["websocket"], api_url="https://dlt.example.com:9443",
                                              timeout=7), capsys)
    assert not result.failed
    assert seen["url"] == "wss://dlt.example.com:9443/ws/tokens" and seen["ctx"] is not None and seen["timeout"] == 7.0


def test_error_frame_message_returned(monkeypatch, capsys):
    sock = FakeWsSocket(on_text=lambda _p: server_frame(smoke.OP_TEXT, json.dumps(
        {"action": "ERROR", "message": "broken"}).encode()))
    monkeypatch.setattr(smoke.socket, "create_connection", Connector(sock))
    result = run_module(smoke_info.main, dict(checks=["websocket"]), capsys)
    assert result.failed and result["check_results"]["websocket"]["msg"].endswith("(expected PONG): broken")
