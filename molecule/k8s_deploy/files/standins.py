"""Start / stop the stand-in JVM releases of the k8s_deploy scenario (one per image) on loopback.

    standins.py up   STATE_DIR RELEASE=FAULT ...   -> prints {"<version>": "127.0.0.1:<port>", ...} as JSON
    standins.py down STATE_DIR                     -> stops the processes recorded in STATE_DIR/standins.json

The JVMs are detached (own session) and outlive this script; `down` stops them by recorded pid.
"""
from __future__ import annotations

import json
import os
import signal
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(REPO / "tests" / "standin"))


def up(state: Path, specs: list[str]) -> dict:
    from harness import StandIn, build_base, make_release  # noqa: PLC0415

    state.mkdir(parents=True, exist_ok=True)
    record_file = state / "standins.json"
    record = json.loads(record_file.read_text()) if record_file.exists() else {}
    base = build_base()
    started = []
    for spec in specs:
        version, _sep, fault = spec.partition("=")
        known = record.get(version)
        if known and _alive(known["pid"]):
            continue
        jar = make_release(version, fault or "none", state / "releases" / version, base=base)
        svc = StandIn(jar, data_dir=state / "data" / version)
        svc.start(wait=False)
        record[version] = {"pid": svc.pid, "address": f"127.0.0.1:{svc.http_port}", "fault": fault or "none",
                           "log": svc.log_path}
        started.append(svc)
        record_file.write_text(json.dumps(record, indent=1, sort_keys=True))
    for svc in started:
        # the ready-down fault never gets ready: wait only for the process to answer HTTP
        svc.wait_until("http", timeout=120)
    return {version: entry["address"] for version, entry in record.items()}


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except OSError:
        return False
    return True


def down(state: Path) -> list[str]:
    record_file = state / "standins.json"
    if not record_file.exists():
        return []
    record = json.loads(record_file.read_text())
    stopped = []
    for version, entry in record.items():
        pid = entry["pid"]
        if not _alive(pid):
            continue
        os.killpg(pid, signal.SIGTERM)
        deadline = time.monotonic() + 20
        while _alive(pid) and time.monotonic() < deadline:
            time.sleep(0.2)
        if _alive(pid):
            os.killpg(pid, signal.SIGKILL)
        stopped.append(version)
    record_file.unlink()
    return stopped


def main() -> int:
    if len(sys.argv) < 3 or sys.argv[1] not in ("up", "down"):
        print(__doc__, file=sys.stderr)
        return 2
    state = Path(sys.argv[2])
    try:
        result = up(state, sys.argv[3:]) if sys.argv[1] == "up" else down(state)
    except Exception as exc:  # one line for Ansible, no traceback
        print(f"standins.py {sys.argv[1]} failed: {str(exc).splitlines()[0] if str(exc) else type(exc).__name__}",
              file=sys.stderr)
        return 1
    print(json.dumps(result, sort_keys=True))
    return 0


if __name__ == "__main__":
    sys.exit(main())
