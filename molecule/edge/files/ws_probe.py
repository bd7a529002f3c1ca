"""WebSocket PING -> PONG through the edge (wss, CA pinned), with tests/standin/harness.py's WebSocketClient.

Usage: ws_probe.py URL CA [GO_FILE]
Without GO_FILE: one PING/PONG. With GO_FILE: PING/PONG, write GO_FILE.ready, wait (up to 240 s) until GO_FILE
exists (the test reloads nginx meanwhile), then PING/PONG again on the same connection: an nginx reload must not
drop an open WebSocket. Prints one JSON line; exit status 0 only when every PONG arrived.
"""
import json
import os
import ssl
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import WebSocketClient  # noqa: E402


def ping(ws):
    ws.send_json({"action": "PING"})
    return ws.recv_json().get("action")


def main(url, ca, go=None):
    context = ssl.create_default_context(cafile=ca)
    with WebSocketClient(url, context=context) as ws:
        tls = ws.sock.version()
        answers = [ping(ws)]
        if go:
            with open(go + ".ready", "w") as handle:
                handle.write("ready\n")
            deadline = time.monotonic() + 240
            while not os.path.exists(go) and time.monotonic() < deadline:
                time.sleep(0.2)
            answers.append(ping(ws) if os.path.exists(go) else "TIMEOUT")
    print(json.dumps({"answers": answers, "tls": tls}))
    return 0 if all(a == "PONG" for a in answers) else 1


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
