# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Aurigraph DLT contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Post-deploy smoke checks of the runbook, behind aurigraph.dlt.smoke_info (the pipeline's optional smoke gate).

* ``websocket``: a real WebSocket client (RFC 6455 over the standard library's socket/ssl, no dependency on the
  node) opens ``/ws/tokens``, sends ``{"action":"PING"}`` and needs ``{"action":"PONG"}`` back;
* ``token_stats``: ``GET /api/v11/auth/tokens/stats?userId=`` with an admin credential (the one HTTP client,
  without retries) must answer a JSON object with token counts;
* ``db_tables``: the expected tables must exist in the service's database (``psql`` on the host, no HTTP).

Rate-limit aware: each check costs at most one request (no retries, no polling): the WebSocket handshake is one
request outside ``/api/v11`` and the token-stats call one request on it; the table check sends none.
Every check runs; the failures are returned together (:func:`run_checks`) and a caller fails with
:func:`failure_message`, which names each failed check.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import socket
import struct
from urllib.parse import urlsplit

from ansible_collections.aurigraph.dlt.plugins.module_utils import errors
from ansible_collections.aurigraph.dlt.plugins.module_utils.tokens import STATS

CHECKS = ("websocket", "token_stats", "db_tables")
WS_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
MAX_HANDSHAKE = 16384
MAX_FRAME = 1 << 20
MAX_FRAMES = 16
OP_CONT, OP_TEXT, OP_BINARY, OP_CLOSE, OP_PING, OP_PONG = 0x0, 0x1, 0x2, 0x8, 0x9, 0xA
COUNT_FIELDS = ("totalTokens", "activeTokens", "accessTokens", "refreshTokens", "revokedTokens", "expiredTokens")
TABLES_SQL = ("SELECT table_schema || '.' || table_name FROM information_schema.tables "
              "WHERE table_schema NOT IN ('pg_catalog', 'information_schema')")


# ---------------------------------------------------------------------------------------------- WebSocket client
def ws_url(api_url, path):
    """The ws:// or wss:// URL of ``path`` on the service whose REST API is ``api_url``."""
    parts = urlsplit(api_url)
    if parts.scheme not in ("http", "https", "ws", "wss") or not parts.hostname:
        raise errors.ValidationError("api_url %r is not an http(s) URL: the WebSocket URL cannot be derived from it"
                                     % api_url)
    scheme = "wss" if parts.scheme in ("https", "wss") else "ws"
    netloc = parts.netloc.rsplit("@", 1)[-1]
    return "%s://%s%s" % (scheme, netloc, path if path.startswith("/") else "/" + path)


def accept_key(key):
    """The Sec-WebSocket-Accept value a server must answer to ``key`` (RFC 6455, 4.2.2)."""
    return base64.b64encode(hashlib.sha1((key + WS_GUID).encode("ascii")).digest()).decode("ascii")


def encode_frame(opcode, payload, mask=None):
    """One final client frame (clients must mask, RFC 6455 5.3)."""
    mask = mask if mask is not None else os.urandom(4)
    length = len(payload)
    head = bytearray([0x80 | opcode])
    if length < 126:
        head.append(0x80 | length)
    elif length < (1 << 16):
        head.append(0x80 | 126)
        head += struct.pack("!H", length)
    else:
        head.append(0x80 | 127)
        head += struct.pack("!Q", length)
    masked = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
    return bytes(head) + mask + masked


class WebSocket(object):
    """A minimal RFC 6455 client: handshake, text frames, answers the server's pings, close."""

    def __init__(self, url, timeout=10.0, ssl_context=None, headers=None, connect=None, key=None):
        self.url = url
        self.timeout = timeout
        self.ssl_context = ssl_context
        self.headers = headers or {}
        self.connect = connect or socket.create_connection
        self.key = key or base64.b64encode(os.urandom(16)).decode("ascii")
        self.sock = None
        self._buf = b""

    # ---------------------------------------------------------------- low level
    def _recv(self, count):
        while len(self._buf) < count:
            try:
                chunk = self.sock.recv(max(4096, count - len(self._buf)))
            except socket.timeout:
                raise errors.SmokeError("no answer from %s within %s s" % (self.url, self.timeout), check="websocket")
            if not chunk:
                raise errors.SmokeError("%s closed the connection without a close frame" % self.url, check="websocket")
            self._buf += chunk
        data, self._buf = self._buf[:count], self._buf[count:]
        return data

    def _recv_until(self, marker):
        while marker not in self._buf:
            if len(self._buf) > MAX_HANDSHAKE:
                raise errors.SmokeError("the handshake answer of %s is larger than %d bytes" % (self.url, MAX_HANDSHAKE),
                                        check="websocket")
            try:
                chunk = self.sock.recv(4096)
            except socket.timeout:
                raise errors.SmokeError("no handshake answer from %s within %s s" % (self.url, self.timeout),
                                        check="websocket")
            if not chunk:
                raise errors.SmokeError("%s closed the connection during the handshake" % self.url, check="websocket")
            self._buf += chunk
        head, self._buf = self._buf.split(marker, 1)
        return head

    # ---------------------------------------------------------------- API
    def open(self):
        parts = urlsplit(self.url)
        secure = parts.scheme == "wss"
        port = parts.port or (443 if secure else 80)
        try:
            self.sock = self.connect((parts.hostname, port), self.timeout)
            self.sock.settimeout(self.timeout)
            if secure:
                self.sock = self.ssl_context.wrap_socket(self.sock, server_hostname=parts.hostname)
        except (OSError, ValueError) as exc:
            self.close()
            raise errors.SmokeError("cannot connect to %s: %s" % (self.url, exc), check="websocket")
        path = (parts.path or "/") + ("?" + parts.query if parts.query else "")
        host = parts.netloc.rsplit("@", 1)[-1]
        lines = ["GET %s HTTP/1.1" % path, "Host: %s" % host, "Upgrade: websocket", "Connection: Upgrade",
                 "Sec-WebSocket-Key: %s" % self.key, "Sec-WebSocket-Version: 13"]
        lines += ["%s: %s" % (k, v) for k, v in self.headers.items()]
        self._send(("\r\n".join(lines) + "\r\n\r\n").encode("ascii"))
        head = self._recv_until(b"\r\n\r\n").decode("iso-8859-1")
        status_line, _sep, rest = head.partition("\r\n")
        fields = status_line.split(" ", 2)
        status = fields[1] if len(fields) > 1 else "?"
        if status != "101":
            raise errors.SmokeError("the WebSocket handshake with %s was refused: %s (expected 101 Switching Protocols)"
                                    % (self.url, status_line.strip() or "empty answer"), check="websocket")
        headers = {}
        for line in rest.split("\r\n"):
            name, _sep, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        if headers.get("sec-websocket-accept") != accept_key(self.key):
            raise errors.SmokeError("the WebSocket handshake with %s answered a wrong Sec-WebSocket-Accept (%r)"
                                    % (self.url, headers.get("sec-websocket-accept")), check="websocket")
        return self

    def _send(self, data):
        try:
            self.sock.sendall(data)
        except OSError as exc:
            raise errors.SmokeError("cannot send to %s: %s" % (self.url, exc), check="websocket")

    def send_text(self, text):
        self._send(encode_frame(OP_TEXT, text.encode("utf-8")))

    def _frame(self):
        first, second = bytearray(self._recv(2))
        fin, opcode = bool(first & 0x80), first & 0x0F
        length = second & 0x7F
        if length == 126:
            length = struct.unpack("!H", self._recv(2))[0]
        elif length == 127:
            length = struct.unpack("!Q", self._recv(8))[0]
        if length > MAX_FRAME:
            raise errors.SmokeError("%s sent a frame of %d bytes (limit %d)" % (self.url, length, MAX_FRAME),
                                    check="websocket")
        mask = self._recv(4) if second & 0x80 else None
        payload = self._recv(length)
        if mask:
            payload = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
        return fin, opcode, payload

    def recv_text(self):
        """The next text message (fragments joined); answers pings; a close frame is an error."""
        parts = []
        for _count in range(MAX_FRAMES):
            fin, opcode, payload = self._frame()
            if opcode == OP_PING:
                self._send(encode_frame(OP_PONG, payload))
                continue
            if opcode == OP_PONG:
                continue
            if opcode == OP_CLOSE:
                code = struct.unpack("!H", payload[:2])[0] if len(payload) >= 2 else None
                raise errors.SmokeError("%s closed the WebSocket (code %s%s)"
                                        % (self.url, code, (": " + payload[2:].decode("utf-8", "replace"))
                                           if len(payload) > 2 else ""), check="websocket")
            if opcode not in (OP_TEXT, OP_CONT, OP_BINARY):
                raise errors.SmokeError("%s sent an unknown frame opcode %d" % (self.url, opcode), check="websocket")
            parts.append(payload)
            if fin:
                return b"".join(parts).decode("utf-8", "replace")
        raise errors.SmokeError("%s sent %d frames without a complete message" % (self.url, MAX_FRAMES),
                                check="websocket")

    def close(self):
        if self.sock is None:
            return
        try:
            self.sock.sendall(encode_frame(OP_CLOSE, struct.pack("!H", 1000)))
        except OSError:
            pass
        try:
            self.sock.close()
        except OSError:
            pass
        self.sock = None


def check_websocket(url, timeout=10.0, ssl_context=None, connect=None, key=None):
    """PING -> PONG over ``url``; returns ``{"url", "answer"}`` or raises SmokeError."""
    ws = WebSocket(url, timeout=timeout, ssl_context=ssl_context, connect=connect, key=key)
    try:
        ws.open()
        ws.send_text(json.dumps({"action": "PING"}))
        text = ws.recv_text()
    finally:
        ws.close()
    try:
        answer = json.loads(text)
    except ValueError:
        raise errors.SmokeError("%s answered PING with a message that is not JSON: %r" % (url, text[:200]),
                                check="websocket")
    action = answer.get("action") if isinstance(answer, dict) else None
    if action != "PONG":
        raise errors.SmokeError("%s answered PING with action %s (expected PONG)%s"
                                % (url, action, (": " + str(answer.get("message"))) if isinstance(answer, dict)
                                   and answer.get("message") else ""), check="websocket")
    return {"url": url, "answer": "PONG"}


# ---------------------------------------------------------------------------------------------- token stats
def check_token_stats(client, user_id):
    """One ``GET /api/v11/auth/tokens/stats?userId=`` (the client must not retry); returns the counts."""
    try:
        resp = client.request("GET", STATS, query={"userId": user_id}, missing="endpoint", retries=0)
    except errors.DltError as exc:
        raise errors.SmokeError(str(exc), check="token_stats")
    data = resp.json
    if not isinstance(data, dict):
        raise errors.SmokeError("GET %s answered HTTP %s without a JSON object" % (STATS, resp.status),
                                check="token_stats")
    counts = dict((k, data[k]) for k in COUNT_FIELDS if isinstance(data.get(k), int) and not isinstance(data[k], bool))
    if not counts:
        raise errors.SmokeError("GET %s answered HTTP %s without any token count (%s)"
                                % (STATS, resp.status, ", ".join(COUNT_FIELDS)), check="token_stats")
    return {"user_id": user_id, "counts": counts}


# ---------------------------------------------------------------------------------------------- database tables
def missing_tables(found, expected):
    """The expected tables (``name`` or ``schema.name``) absent from ``found`` (``schema.name`` lines)."""
    names = set()
    for line in found:
        line = line.strip()
        if line:
            names.add(line)
            names.add(line.split(".", 1)[-1])
    return [t for t in expected if t not in names]


def check_db_tables(run, psql_argv, expected, env=None):
    """Run ``psql_argv`` + the table query through ``run(argv, env) -> (rc, out, err)``; raise on missing tables."""
    argv = list(psql_argv) + ["-X", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-c", TABLES_SQL]
    rc, out, err = run(argv, env or {})
    if rc != 0:
        first = (err or out or "").strip().split("\n")[0]
        raise errors.SmokeError("psql could not list the tables (exit %s): %s" % (rc, first or "no output"),
                                check="db_tables")
    missing = missing_tables(out.splitlines(), expected)
    if missing:
        raise errors.SmokeError("table(s) missing in the database: %s (expected %s)"
                                % (", ".join(missing), ", ".join(expected)), check="db_tables")
    return {"tables": list(expected)}


# ---------------------------------------------------------------------------------------------- all checks
def validate_checks(checks):
    unknown = [c for c in checks if c not in CHECKS]
    if unknown:
        raise errors.ValidationError("unknown smoke check(s) %s: choose among %s"
                                     % (", ".join(sorted(unknown)), ", ".join(CHECKS)))
    if len(set(checks)) != len(checks):
        raise errors.ValidationError("smoke checks listed twice: %s" % ", ".join(checks))
    return list(checks)


def run_checks(checks, runners):
    """Run every check of ``checks`` with ``runners[name]()``; return ``(results, failed)``.

    ``results`` maps each check to ``{"ok": bool, ...}`` (the runner's answer, or ``msg`` of its SmokeError);
    ``failed`` lists the failed checks in order. Any other DltError counts as that check's failure too.
    """
    results, failed = {}, []
    for name in validate_checks(checks):
        try:
            answer = runners[name]()
            answer["ok"] = True
        except errors.DltError as exc:
            answer = {"ok": False, "msg": str(exc)}
            failed.append(name)
        results[name] = answer
    return results, failed


def failure_message(results, failed):
    """One line naming every failed check and why."""
    return "smoke check%s failed: %s" % ("s" if len(failed) > 1 else "", "; ".join(
        "%s: %s" % (name, results[name]["msg"]) for name in failed))
