"""Ports, profile, SIGTERM, log file."""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import time

import pytest

from harness import StandIn, free_port, http_request


def test_system_properties_override_env_ports(release, tmp_path):
    http, grpc = free_port(), free_port()
    s = StandIn(release("11.4.4"), data_dir=tmp_path / "d",
                jvm_args=[f"-Dquarkus.http.port={http}", f"-Dquarkus.grpc.server.port={grpc}"])
    try:
        s.start(wait=False)
        deadline = time.monotonic() + 60
        while True:
            try:
                if http_request("GET", f"http://127.0.0.1:{http}/q/health/ready", timeout=2)[0] == 200:
                    break
            except OSError:
                pass
            assert s.running(), s.log_tail()
            assert time.monotonic() < deadline
            time.sleep(0.2)
        socket.create_connection(("127.0.0.1", grpc), timeout=2).close()
        with pytest.raises(OSError):
            socket.create_connection(("127.0.0.1", s.http_port), timeout=1).close()
    finally:
        s.close()


def _free(port):
    with socket.socket() as sock:
        try:
            sock.bind(("0.0.0.0", port))
            return True
        except OSError:
            return False


@pytest.mark.skipif(not (_free(9000) and _free(9001)), reason="ports 9000/9001 are in use on this machine")
def test_default_ports_9000_9001(release, tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("QUARKUS_", "AURIGRAPH_", "DB_"))}
    env["AURIGRAPH_DATA_DIR"] = str(tmp_path / "d")
    proc = subprocess.Popen(["java", "-Xmx192m", "-jar", release("11.4.4")], env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if http_request("GET", "http://127.0.0.1:9000/q/health/ready", timeout=2)[0] == 200:
                    break
            except OSError:
                pass
            assert proc.poll() is None and time.monotonic() < deadline
            time.sleep(0.2)
        socket.create_connection(("127.0.0.1", 9001), timeout=2).close()
    finally:
        proc.terminate()
        proc.wait(timeout=15)


def test_port_in_use_exits_1(fresh):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen(1)
        s = fresh(wait=False, grpc_port=busy.getsockname()[1])
        assert s.wait_exit(60) == 1
        assert "in use" in s.log_text()


def test_profile_log_file_and_sigterm(fresh, tmp_path):
    log = tmp_path / "logs" / "application.log"
    s = fresh(env={"QUARKUS_PROFILE": "production", "AURIGRAPH_LOG_FILE": str(log)})
    assert s.request("GET", "/api/v11/info")[2]["platform"]["environment"] == "production"
    t0 = time.monotonic()
    s.proc.send_signal(signal.SIGTERM)
    code = s.proc.wait(timeout=10)
    assert time.monotonic() - t0 < 5, "SIGTERM stop took too long"
    assert code in (0, 143)
    text = log.read_text()
    assert "stand-in 11.4.4 starting" in text and "stopped" in text
