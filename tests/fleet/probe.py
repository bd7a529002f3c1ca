"""Sample one node's consensus status on its own loopback every ~200 ms and append JSON lines to a file.

Runs inside a test node (standard library only). Stops by itself: when STOP_FILE exists or after MAX_SECONDS.
Usage: probe.py URL OUT_FILE STOP_FILE [MAX_SECONDS=900] [INTERVAL=0.2]
Each line: {"t": epoch seconds, "ok": bool, "leader": str|null, "state": str|null, "term": int|null,
            "live": [..]|null, "error": str|null, "timeout": bool}
"""
import json
import os
import socket
import sys
import time
import urllib.error
import urllib.request


def sample(url):
    """One reading. A timeout is inconclusive (the machine was too busy to tell), unlike a refused connection."""
    try:
        with urllib.request.urlopen(url + "/api/v11/consensus/status", timeout=1.0) as resp:
            data = json.loads(resp.read().decode("utf-8"))
        return {"ok": True, "leader": data.get("leaderId"), "state": data.get("state"),
                "term": data.get("currentTerm"), "live": data.get("liveNodes"), "error": None, "timeout": False}
    except Exception as exc:  # noqa: BLE001 - any failure is a sample of a node not answering
        reason = getattr(exc, "reason", exc)
        timeout = isinstance(reason, (socket.timeout, TimeoutError)) or "timed out" in str(exc)
        if isinstance(exc, urllib.error.HTTPError):
            timeout = False
        return {"ok": False, "leader": None, "state": None, "term": None, "live": None, "error": str(exc)[:120],
                "timeout": timeout}


def main():
    url, out, stop = sys.argv[1].rstrip("/"), sys.argv[2], sys.argv[3]
    max_seconds = float(sys.argv[4]) if len(sys.argv) > 4 else 900.0
    interval = float(sys.argv[5]) if len(sys.argv) > 5 else 0.2
    deadline = time.monotonic() + max_seconds
    with open(out, "a", encoding="utf-8") as fh:
        while not os.path.exists(stop) and time.monotonic() < deadline:
            # sample on wall-clock multiples of the interval, so the probes of all nodes sample close together
            now = time.time()
            time.sleep(interval - (now % interval))
            record = sample(url)
            record["t"] = time.time()
            fh.write(json.dumps(record) + "\n")
            fh.flush()


if __name__ == "__main__":
    main()
