# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Aurigraph DLT contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

import json
import socket
import struct

import pytest

from ansible_collections.aurigraph.dlt.plugins.module_utils import errors, smoke
from ansible_collections.aurigraph.dlt.plugins.module_utils.api import Client
from ansible_collections.aurigraph.dlt.tests.unit.plugins.fakes import reply
from ansible_collections.aurigraph.dlt.tests.unit.plugins.wsfake import (
    Connector, FakeWsSocket, parse_client_frame, server_frame)

STATS = "/api/v11/auth/tokens/stats"
URL = "ws://127.0.0.1:9003/ws/tokens"


def text(obj):
    return server_frame(smoke.OP_TEXT, json.dumps(obj).encode())


# ------------------------------------------------------------------------------------------------ URL and framing
@pytest.mark.parametrize("api_url, expected", [
    ("http://127.0.0.1:9003", "ws://127.0.0.1:9003/ws/tokens"),
    ("https://dlt.example.com:9443/", "wss://dlt.example.com:9443/ws/tokens"),
    ("https://user@dlt.example.com", "wss://dlt.example.com/ws/tokens"),
])
def test_ws_url(api_url, expected):
    assert smoke.ws_url(api_url, "/ws/tokens") == expected


def test_ws_url_refuses_other_schemes():
    with pytest.raises(errors.ValidationError, match="not an http"):
        smoke.ws_url("ftp://x", "/ws/tokens")


def test_accept_key_rfc6455_example():
    assert smoke.accept_key("dGhlIHNhbXBsZSBub25jZQ==") == "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="


@pytest.mark.parametrize("size", [5, 200, 70000])
def test_encode_frame_masks_and_sizes(size):
    payload = b"x" * size
    frame = smoke.encode_frame(smoke.OP_TEXT, payload, mask=b"\x01\x02\x03\x04")
    opcode, decoded, rest = parse_client_frame(frame)
    assert (opcode, decoded, rest) == (smoke.OP_TEXT, payload, b"")
    assert frame[0] == 0x81


# ------------------------------------------------------------------------------------------------ websocket check
def test_ping_pong_ok():
    sock = FakeWsSocket()
    result = smoke.check_websocket(URL, timeout=5, connect=Connector(sock))
    assert result == {"url": URL, "answer": "PONG"}
    assert sock.address == ("127.0.0.1", 9003) and sock.timeout == 5
    assert sock.request.startswith(b"GET /ws/tokens HTTP/1.1\r\nHost: 127.0.0.1:9003\r\n")
    assert b"Sec-WebSocket-Version: 13" in sock.request
    assert sock.sent_frames[0] == (smoke.OP_TEXT, b'{"action": "PING"}')
    assert sock.sent_frames[-1] == (smoke.OP_CLOSE, struct.pack("!H", 1000)) and sock.closed


def test_answers_server_ping_and_joins_fragments():
    def answer(_payload):
        return (server_frame(smoke.OP_PING, b"hi") + server_frame(smoke.OP_TEXT, b'{"action":', fin=False)
                + server_frame(smoke.OP_CONT, b'"PONG"}'))
    sock = FakeWsSocket(on_text=answer)
    assert smoke.check_websocket(URL, connect=Connector(sock))["answer"] == "PONG"
    assert (smoke.OP_PONG, b"hi") in sock.sent_frames


def test_large_frame_length_encoding():
    big = {"action": "PONG", "message": "y" * 70000}
    sock = FakeWsSocket(on_text=lambda _p: text(big), chunk=65536)
    assert smoke.check_websocket(URL, connect=Connector(sock))["answer"] == "PONG"


def test_handshake_refused_names_status():
    sock = FakeWsSocket(status="503 Service Unavailable")
    with pytest.raises(errors.SmokeError, match="handshake with .* was refused: HTTP/1.1 503 Service Unavailable") as exc:
        smoke.check_websocket(URL, connect=Connector(sock))
    assert exc.value.check == "websocket" and sock.closed


def test_wrong_accept_key():
    with pytest.raises(errors.SmokeError, match="wrong Sec-WebSocket-Accept"):
        smoke.check_websocket(URL, connect=Connector(FakeWsSocket(accept="wrong")))


def test_connection_refused():
    with pytest.raises(errors.SmokeError, match="cannot connect to ws://127.0.0.1:9003/ws/tokens: .*refused"):
        smoke.check_websocket(URL, connect=Connector(error=ConnectionRefusedError("[Errno 111] Connection refused")))


def test_error_answer_is_a_failure_with_its_message():
    sock = FakeWsSocket(on_text=lambda _p: text({"action": "ERROR", "message": "Unknown action"}))
    with pytest.raises(errors.SmokeError, match="answered PING with action ERROR \\(expected PONG\\): Unknown action"):
        smoke.check_websocket(URL, connect=Connector(sock))


def test_not_json():
    sock = FakeWsSocket(on_text=lambda _p: server_frame(smoke.OP_TEXT, b"pong"))
    with pytest.raises(errors.SmokeError, match="not JSON"):
        smoke.check_websocket(URL, connect=Connector(sock))


def test_close_frame_names_code():
    sock = FakeWsSocket(on_text=lambda _p: server_frame(smoke.OP_CLOSE, struct.pack("!H", 1011) + b"boom"))
    with pytest.raises(errors.SmokeError, match="closed the WebSocket \\(code 1011: boom\\)"):
        smoke.check_websocket(URL, connect=Connector(sock))


def test_silent_server_times_out():
    sock = FakeWsSocket(on_text=lambda _p: b"", silent=True)
    with pytest.raises(errors.SmokeError, match="no answer from .* within 3 s"):
        smoke.check_websocket(URL, timeout=3, connect=Connector(sock))


def test_eof_during_handshake():
    class Mute(FakeWsSocket):
        def sendall(self, data):
            self.request = data
    with pytest.raises(errors.SmokeError, match="closed the connection during the handshake"):
        smoke.check_websocket(URL, connect=Connector(Mute()))


def test_oversized_frame_refused():
    def answer(_payload):
        return bytes([0x81, 127]) + struct.pack("!Q", smoke.MAX_FRAME + 1)
    with pytest.raises(errors.SmokeError, match="frame of"):
        smoke.check_websocket(URL, connect=Connector(FakeWsSocket(on_text=answer)))


def test_endless_fragments_refused():
    def answer(_payload):
        return server_frame(smoke.OP_TEXT, b"{", fin=False) * (smoke.MAX_FRAMES + 1)
    with pytest.raises(errors.SmokeError, match="frames without a complete message"):
        smoke.check_websocket(URL, connect=Connector(FakeWsSocket(on_text=answer)))


def test_real_loopback_socket_pair():
    """The client over a real socket pair: bytes on a real socket, no network."""
    client_sock, server_sock = socket.socketpair()
    try:
        def connect(address, timeout=None):
            return client_sock
        import threading

        def serve():
            data = b""
            while b"\r\n\r\n" not in data:
                data += server_sock.recv(4096)
            key = [ln.split(b":", 1)[1].strip().decode() for ln in data.split(b"\r\n")
                   if ln.lower().startswith(b"sec-websocket-key:")][0]
            server_sock.sendall(("HTTP/1.1 101 Switching Protocols\r\nSec-WebSocket-Accept: %s\r\n\r\n"
                                 % smoke.accept_key(key)).encode())
            frame = server_sock.recv(4096)
            assert parse_client_frame(frame)[1] == b'{"action": "PING"}'
            server_sock.sendall(text({"action": "PONG"}))
        thread = threading.Thread(target=serve)
        thread.start()
        assert smoke.check_websocket(URL, timeout=10, connect=connect)["answer"] == "PONG"
        thread.join(10)
    finally:
        server_sock.close()


# ------------------------------------------------------------------------------------------------ token stats
def test_token_stats_one_request(fake_api):
    fake_api.add("GET", STATS, reply(200, {"userId": "admin@aurigraph.io", "activeTokens": 2, "totalTokens": 4,
                                           "lastTokenUsed": None}))
    result = smoke.check_token_stats(Client(api_token="t"), "admin@aurigraph.io")
    assert result == {"user_id": "admin@aurigraph.io", "counts": {"activeTokens": 2, "totalTokens": 4}}
    assert len(fake_api.calls) == 1 and fake_api.calls[0].query == {"userId": "admin@aurigraph.io"}
    assert fake_api.calls[0].headers["Authorization"] == "Bearer t"


RATE_LIMITED = reply(429, {"error": "Rate limit exceeded", "retryAfterSeconds": 5})


@pytest.mark.parametrize("answer", [reply(503, {"error": "down"}), RATE_LIMITED])
def test_token_stats_never_retries(fake_api, clock, answer):
    fake_api.add("GET", STATS, answer)
    with pytest.raises(errors.SmokeError) as exc:
        smoke.check_token_stats(Client(api_token="t", retries=3), "u")
    assert exc.value.check == "token_stats"
    assert len(fake_api.calls) == 1 and clock.sleeps == []


def test_token_stats_unauthorised(fake_api):
    fake_api.add("GET", STATS, reply(401, {"error": "Invalid token"}))
    with pytest.raises(errors.SmokeError, match="401"):
        smoke.check_token_stats(Client(api_token="t"), "u")


@pytest.mark.parametrize("body", [[1, 2], {"userId": "u"}, {"activeTokens": True}])
def test_token_stats_without_counts(fake_api, body):
    fake_api.add("GET", STATS, reply(200, body))
    with pytest.raises(errors.SmokeError, match="without"):
        smoke.check_token_stats(Client(api_token="t"), "u")


# ------------------------------------------------------------------------------------------------ db tables
class Psql(object):
    def __init__(self, rc=0, out="", err=""):
        self.answer = (rc, out, err)
        self.calls = []

    def __call__(self, argv, env):
        self.calls.append((argv, env))
        return self.answer


def test_db_tables_present():
    psql = Psql(out="public.auth_tokens\npublic.token_blacklist\npublic.schema_version\n")
    assert smoke.check_db_tables(psql, ["psql", "-d", "db"], ["auth_tokens", "public.token_blacklist"],
                                 env={"PGPASSWORD": "x"}) == {"tables": ["auth_tokens", "public.token_blacklist"]}
    argv, env = psql.calls[0]
    assert argv[:3] == ["psql", "-d", "db"] and "ON_ERROR_STOP=1" in argv and argv[-1] == smoke.TABLES_SQL
    assert env == {"PGPASSWORD": "x"}


def test_db_tables_missing_named():
    psql = Psql(out="public.auth_tokens\n")
    with pytest.raises(errors.SmokeError, match="table\\(s\\) missing in the database: token_blacklist") as exc:
        smoke.check_db_tables(psql, ["psql"], ["auth_tokens", "token_blacklist"])
    assert exc.value.check == "db_tables"


def test_db_tables_psql_fails():
    psql = Psql(rc=2, err="psql: error: connection to server failed\nmore")
    with pytest.raises(errors.SmokeError, match="exit 2\\): psql: error: connection to server failed$"):
        smoke.check_db_tables(psql, ["psql"], ["auth_tokens"])


# ------------------------------------------------------------------------------------------------ all checks
def test_run_checks_runs_all_and_reports_every_failure():
    def bad_ws():
        raise errors.SmokeError("handshake refused", check="websocket")

    def bad_db():
        raise errors.ApiConnectionError("other error")
    results, failed = smoke.run_checks(["websocket", "token_stats", "db_tables"], dict(
        websocket=bad_ws, token_stats=lambda: {"counts": {"totalTokens": 1}}, db_tables=bad_db))
    assert failed == ["websocket", "db_tables"]
    assert results["token_stats"] == {"counts": {"totalTokens": 1}, "ok": True}
    assert smoke.failure_message(results, failed) == (
        "smoke checks failed: websocket: handshake refused; db_tables: other error")


def test_run_checks_single_failure_message():
    def bad_ws():
        raise errors.SmokeError("x")
    results, failed = smoke.run_checks(["websocket"], dict(websocket=bad_ws))
    assert smoke.failure_message(results, failed) == "smoke check failed: websocket: x"


@pytest.mark.parametrize("checks, match", [(["websocket", "nope"], "unknown smoke check\\(s\\) nope"),
                                           (["websocket", "websocket"], "listed twice")])
def test_validate_checks(checks, match):
    with pytest.raises(errors.ValidationError, match=match):
        smoke.validate_checks(checks)
