# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Aurigraph DLT contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A scripted in-memory WebSocket server socket for the smoke check tests (no network)."""

from __future__ import annotations

import json
import socket
import struct

from ansible_collections.aurigraph.dlt.plugins.module_utils import smoke


def server_frame(opcode, payload, fin=True):
    """An unmasked server frame."""
    length = len(payload)
    head = bytearray([(0x80 if fin else 0) | opcode])
    if length < 126:
        head.append(length)
    elif length < (1 << 16):
        head.append(126)
        head += struct.pack("!H", length)
    else:
        head.append(127)
        head += struct.pack("!Q", length)
    return bytes(head) + payload


def parse_client_frame(data):
    """(opcode, payload, rest) of one masked client frame."""
    opcode, second = data[0] & 0x0F, data[1]
    assert second & 0x80, "client frames must be masked"
    length, pos = second & 0x7F, 2
    if length == 126:
        length, pos = struct.unpack("!H", data[2:4])[0], 4
    elif length == 127:
        length, pos = struct.unpack("!Q", data[2:10])[0], 10
    mask = data[pos:pos + 4]
    payload = bytes(b ^ mask[i % 4] for i, b in enumerate(data[pos + 4:pos + 4 + length]))
    return opcode, payload, data[pos + 4 + length:]


class FakeWsSocket(object):
    """Answers the handshake (``status``, ``accept`` = 'right', 'wrong') and each client text frame with
    ``on_text(payload) -> bytes`` (frames to send back); ``chunk`` limits each recv (fragmented reads)."""

    def __init__(self, status="101 Switching Protocols", accept="right", on_text=None, chunk=7, silent=False):
        self.status = status
        self.accept = accept
        self.on_text = on_text or (lambda payload: server_frame(smoke.OP_TEXT, json.dumps(
            {"action": "PONG", "message": "pong"}).encode()))
        self.chunk = chunk
        self.silent = silent
        self.outbox = b""
        self.sent_frames = []
        self.request = b""
        self.closed = False
        self.timeout = None
        self.address = None

    def settimeout(self, value):
        self.timeout = value

    def sendall(self, data):
        if data.startswith(b"GET "):
            self.request = data
            key = [line.split(b":", 1)[1].strip().decode() for line in data.split(b"\r\n")
                   if line.lower().startswith(b"sec-websocket-key:")][0]
            accept = smoke.accept_key(key) if self.accept == "right" else "bm90IHRoZSByaWdodCBrZXk="
            self.outbox += ("HTTP/1.1 %s\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                            "Sec-WebSocket-Accept: %s\r\n\r\n" % (self.status, accept)).encode()
            return
        opcode, payload, _rest = parse_client_frame(data)
        self.sent_frames.append((opcode, payload))
        if opcode == smoke.OP_TEXT:
            self.outbox += self.on_text(payload)

    def recv(self, size):
        if not self.outbox:
            if self.silent:
                raise socket.timeout("timed out")
            return b""
        n = min(size, self.chunk)
        data, self.outbox = self.outbox[:n], self.outbox[n:]
        return data

    def close(self):
        self.closed = True


class Connector(object):
    """Stands for socket.create_connection: hands out ``sock`` (or raises ``error``) and records the address."""

    def __init__(self, sock=None, error=None):
        self.sock = sock
        self.error = error
        self.calls = []

    def __call__(self, address, timeout=None):
        self.calls.append((address, timeout))
        if self.error:
            raise self.error
        self.sock.address = address
        return self.sock
