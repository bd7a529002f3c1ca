"""Test harness for the stand-in Aurigraph V11 service (standard library only).

Stable interface used by the stand-in's own tests, the module integration tests and Molecule prepare steps:

    from harness import StandIn, build_base, make_release

    jar = build_base()                                   # cached base JAR (tests/standin/build.sh)
    rel = make_release("11.5.0", "none", "/tmp/rel")    # deterministic release JAR (release.sh)
    with StandIn(rel, env={"AURIGRAPH_API_TOKENS": "t0k"}) as svc:   # free loopback ports, temp data dir
        status, headers, body = svc.request("GET", "/api/v11/info")
        print(svc.url, svc.grpc_port, body["platform"]["version"])

``StandIn`` strips inherited ``AURIGRAPH_*`` (except ``AURIGRAPH_CACHE``), ``QUARKUS_*`` and ``DB_*`` variables
from the environment it passes to the JVM, then applies ``env``; it always sets the ports, binds
``127.0.0.1`` and sets ``AURIGRAPH_DATA_DIR``.
"""
from __future__ import annotations

import base64
import json
import os
import shutil
import signal
import socket
import ssl
import subprocess
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any, Mapping

HERE = Path(__file__).resolve().parent
JAR_PREFIX = "aurigraph-v11-standalone-"
FAULTS = ("none", "ready-down", "exit-on-start", "slow-start", "wrong-version",
          "no-token-endpoints", "flaky", "health-quirk", "missing-500", "cwd-keystore", "jwt-401", "real-quirks",
          "ignore-sigterm", "ws-broken")

__all__ = ["StandIn", "StandInError", "WebSocketClient", "build_base", "make_release", "free_port", "http_request",
           "FAULTS"]


class StandInError(RuntimeError):
    """The stand-in could not be built, started or stopped; the message carries the log tail."""


_recent_ports: list[int] = []


def free_port(host: str = "127.0.0.1") -> int:
    """A currently free TCP port on ``host``, distinct from the last ones handed out by this process
    (the usual bind-to-0 race with other processes remains)."""
    for _attempt in range(50):
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
            s.bind((host, 0))
            port = s.getsockname()[1]
        if port not in _recent_ports:
            _recent_ports.append(port)
            del _recent_ports[:-64]
            return port
    raise StandInError("could not find a free TCP port")


def build_base() -> str:
    """Build (or reuse from the cache) the base JAR; returns its path."""
    proc = subprocess.run([str(HERE / "build.sh")], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          text=True, check=False)
    if proc.returncode != 0:
        raise StandInError(f"build.sh failed (rc={proc.returncode}):\n{proc.stderr[-4000:]}")
    return proc.stdout.strip().splitlines()[-1]


def make_release(version: str, fault: str = "none", out_dir: str | os.PathLike = ".",
                 fault_arg: int | str | None = None, base: str | None = None) -> str:
    """Create ``out_dir/aurigraph-v11-standalone-<version>-runner.jar`` (+ ``.sha256``); returns the JAR path."""
    cmd = [str(HERE / "release.sh"), "--version", version, "--fault", fault, "--out", str(out_dir)]
    if fault_arg not in (None, ""):
        cmd += ["--fault-arg", str(fault_arg)]
    if base:
        cmd += ["--base", base]
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, check=False)
    if proc.returncode != 0:
        raise StandInError(f"release.sh failed (rc={proc.returncode}):\n{proc.stderr[-4000:]}")
    return proc.stdout.strip().splitlines()[-1]


def http_request(method: str, url: str, body: Any = None, headers: Mapping[str, str] | None = None,
                 token: str | None = None, timeout: float = 10.0,
                 context: ssl.SSLContext | None = None) -> tuple[int, dict[str, str], Any]:
    """One HTTP call that never raises on HTTP status: returns (status, headers, parsed JSON or text)."""
    data = None
    hdrs = dict(headers or {})
    if body is not None:
        data = body if isinstance(body, bytes) else json.dumps(body).encode("utf-8")
        hdrs.setdefault("Content-Type", "application/json")
    if token:
        hdrs["Authorization"] = f"Bearer {token}"
    req = urllib.request.Request(url, data=data, headers=hdrs, method=method)
    try:
        with urllib.request.urlopen(req, timeout=timeout, context=context) as resp:
            status, rh, raw = resp.status, dict(resp.headers.items()), resp.read()
    except urllib.error.HTTPError as exc:
        status, rh, raw = exc.code, dict(exc.headers.items()), exc.read()
    text = raw.decode("utf-8", errors="replace")
    try:
        parsed: Any = json.loads(text) if text else None
    except ValueError:
        parsed = text
    return status, rh, parsed


def _clean_env(extra: Mapping[str, str] | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not (k.startswith(("QUARKUS_", "DB_")) or (k.startswith("AURIGRAPH_") and k != "AURIGRAPH_CACHE"))}
    env.update({k: str(v) for k, v in (extra or {}).items()})
    return env


class StandIn:
    """One stand-in JVM on loopback ports.

    :param jar: runner JAR (base or release).
    :param env: extra environment (AURIGRAPH_API_TOKENS, DB_URL, AURIGRAPH_STANDIN_FAULT, ...).
    :param http_port: HTTP port (default: a free one). ``grpc_port`` likewise.
    :param data_dir: AURIGRAPH_DATA_DIR (default: a temp dir removed by :meth:`close`; pass your own to
                     keep state across restarts).
    :param java: java executable; ``jvm_args``: extra JVM options (e.g. ``["-Xmx256m"]``).
    :param https_port: if set, QUARKUS_HTTP_SSL_PORT (certificate settings go in ``env``, e.g.
                       QUARKUS_HTTP_SSL_CERTIFICATE_FILES / _KEY_FILES / QUARKUS_HTTP_INSECURE_REQUESTS=disabled).
    :param ca_file: CA bundle used by :meth:`request` and the start-up wait for HTTPS (without it the
                    start-up wait alone skips verification).
    """

    def __init__(self, jar: str | os.PathLike, env: Mapping[str, str] | None = None, http_port: int | None = None,
                 grpc_port: int | None = None, data_dir: str | os.PathLike | None = None, java: str = "java",
                 jvm_args: list[str] | None = None, https_port: int | None = None,
                 ca_file: str | os.PathLike | None = None, cwd: str | os.PathLike | None = None) -> None:
        self.jar = str(jar)
        self.cwd = str(cwd) if cwd else None
        self.http_port = http_port or free_port()
        self.grpc_port = grpc_port or free_port()
        self.https_port = https_port
        self.ca_file = str(ca_file) if ca_file else None
        self._own_tmp = tempfile.mkdtemp(prefix="aurigraph-standin-")
        self.data_dir = str(data_dir) if data_dir else os.path.join(self._own_tmp, "data")
        self.log_path = os.path.join(self._own_tmp, "standin.log")
        self.java = java
        self.jvm_args = list(jvm_args or ["-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"])
        self.env = dict(env or {})
        self.proc: subprocess.Popen[bytes] | None = None
        self._log_fh = None

    # ------------------------------------------------------------------ properties
    @property
    def http_url(self) -> str:
        """Plain HTTP base URL on 127.0.0.1."""
        return f"http://127.0.0.1:{self.http_port}"

    @property
    def https_url(self) -> str | None:
        return f"https://127.0.0.1:{self.https_port}" if self.https_port else None

    @property
    def https_only(self) -> bool:
        return bool(self.https_port) and self.env.get("QUARKUS_HTTP_INSECURE_REQUESTS", "enabled") != "enabled"

    @property
    def url(self) -> str:
        """Base URL clients should use: :attr:`http_url`, or :attr:`https_url` when plain HTTP is disabled."""
        return self.https_url if self.https_only else self.http_url  # type: ignore[return-value]

    def ssl_context(self, verify: bool = True) -> ssl.SSLContext | None:
        """SSL context trusting :attr:`ca_file` (None for plain HTTP)."""
        if not self.url.startswith("https"):
            return None
        if verify:
            return ssl.create_default_context(cafile=self.ca_file)
        ctx = ssl.create_default_context()
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
        return ctx

    @property
    def pid(self) -> int | None:
        return self.proc.pid if self.proc else None

    @property
    def returncode(self) -> int | None:
        return self.proc.poll() if self.proc else None

    def running(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    # ------------------------------------------------------------------ lifecycle
    def start(self, wait: bool = True, timeout: float = 60.0, wait_for: str = "started") -> "StandIn":
        """Start the JVM; with ``wait`` block until ``/q/health/<wait_for>`` answers 200 ("started", "ready",
        "live") -- or, for ``wait_for="http"``, until any HTTP answer. Raises StandInError with the log tail
        if the process exits or the timeout passes (the process is then killed)."""
        if self.running():
            raise StandInError("stand-in already running")
        env = _clean_env(self.env)
        env.update({
            "QUARKUS_HTTP_PORT": str(self.http_port),
            "QUARKUS_GRPC_SERVER_PORT": str(self.grpc_port),
            "AURIGRAPH_DATA_DIR": self.data_dir,
        })
        env.setdefault("QUARKUS_HTTP_HOST", "127.0.0.1")
        if self.https_port:
            env["QUARKUS_HTTP_SSL_PORT"] = str(self.https_port)
        self._log_fh = open(self.log_path, "ab")  # noqa: SIM115 - closed in stop()
        self.proc = subprocess.Popen([self.java, *self.jvm_args, "-jar", self.jar], env=env,
                                     stdout=self._log_fh, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                     start_new_session=True, cwd=self.cwd)
        if wait:
            self.wait_until(wait_for, timeout)
        return self

    def wait_until(self, what: str = "started", timeout: float = 60.0) -> None:
        path = "/q/health/live" if what == "http" else f"/q/health/{what}"
        deadline = time.monotonic() + timeout
        delay = 0.1
        while True:
            code = self.returncode
            if code is not None:
                raise StandInError(f"stand-in exited with status {code} during start-up:\n{self.log_tail()}")
            try:
                status = http_request("GET", self.url + path, timeout=2,
                                      context=self.ssl_context(verify=bool(self.ca_file)))[0]
                if status == 200 or (what == "http" and status > 0):
                    return
            except (OSError, urllib.error.URLError, ssl.SSLError):
                pass
            if time.monotonic() > deadline:
                self.kill()
                raise StandInError(f"stand-in not {what} after {timeout:.0f} s:\n{self.log_tail()}")
            time.sleep(delay)
            delay = min(delay * 1.5, 0.5)

    def wait_exit(self, timeout: float = 30.0) -> int:
        """Wait for the process to exit by itself; returns its status."""
        if not self.proc:
            raise StandInError("stand-in not started")
        try:
            return self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired as exc:
            raise StandInError(f"stand-in still running after {timeout:.0f} s:\n{self.log_tail()}") from exc

    def stop(self, timeout: float = 15.0) -> int | None:
        """SIGTERM, wait up to ``timeout`` s, then SIGKILL. Returns the exit status (0/143 on SIGTERM)."""
        if not self.proc:
            return None
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.kill()
        code = self.proc.poll()
        if self._log_fh:
            self._log_fh.close()
            self._log_fh = None
        return code

    def kill(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=10)

    def restart(self, wait: bool = True, timeout: float = 60.0) -> "StandIn":
        self.stop()
        return self.start(wait=wait, timeout=timeout)

    def close(self) -> None:
        """Stop and remove the temporary directory (including the default data dir)."""
        self.stop()
        shutil.rmtree(self._own_tmp, ignore_errors=True)

    def __enter__(self) -> "StandIn":
        if not self.running():
            self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------------ helpers
    def log_tail(self, lines: int = 60) -> str:
        try:
            with open(self.log_path, "rb") as fh:
                data = fh.read().decode("utf-8", errors="replace")
        except OSError:
            return "(no log)"
        return "\n".join(data.splitlines()[-lines:])

    def log_text(self) -> str:
        try:
            with open(self.log_path, "rb") as fh:
                return fh.read().decode("utf-8", errors="replace")
        except OSError:
            return ""

    def request(self, method: str, path: str, body: Any = None, headers: Mapping[str, str] | None = None,
                token: str | None = None, timeout: float = 10.0) -> tuple[int, dict[str, str], Any]:
        """HTTP call against :attr:`url`; see :func:`http_request`."""
        return http_request(method, self.url + path, body=body, headers=headers, token=token, timeout=timeout,
                            context=self.ssl_context())


class WebSocketClient:
    """Minimal RFC 6455 text-frame client (enough for /ws/tokens smoke tests)::

        with WebSocketClient(svc.url.replace("http", "ws") + "/ws/tokens?token=abc") as ws:
            ws.send_json({"action": "PING"})
            assert ws.recv_json()["action"] == "PONG"

    Raises StandInError if the handshake is not answered with 101.
    """

    def __init__(self, url: str, headers: Mapping[str, str] | None = None, timeout: float = 10.0,
                 context: ssl.SSLContext | None = None) -> None:
        u = urllib.parse.urlsplit(url)
        secure = u.scheme == "wss"
        port = u.port or (443 if secure else 80)
        sock = socket.create_connection((u.hostname, port), timeout=timeout)
        if secure:
            sock = (context or ssl.create_default_context()).wrap_socket(sock, server_hostname=u.hostname)
        self.sock = sock
        key = base64.b64encode(os.urandom(16)).decode("ascii")
        target = u.path + (f"?{u.query}" if u.query else "")
        lines = [f"GET {target} HTTP/1.1", f"Host: {u.hostname}:{port}", "Upgrade: websocket", "Connection: Upgrade",
                 f"Sec-WebSocket-Key: {key}", "Sec-WebSocket-Version: 13"]
        lines += [f"{k}: {v}" for k, v in (headers or {}).items()]
        sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode("ascii"))
        head = b""
        while b"\r\n\r\n" not in head:
            chunk = sock.recv(4096)
            if not chunk:
                break
            head += chunk
        header, _sep, self._buf = head.partition(b"\r\n\r\n")
        status_line = header.split(b"\r\n", 1)[0].decode("latin-1")
        parts = status_line.split(" ")
        self.status = int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else 0
        if self.status != 101:
            sock.close()
            raise StandInError(f"WebSocket handshake to {url} failed: {status_line!r}")

    def _read(self, n: int) -> bytes:
        while len(self._buf) < n:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise StandInError("WebSocket closed by the server")
            self._buf += chunk
        data, self._buf = self._buf[:n], self._buf[n:]
        return data

    def _send_frame(self, opcode: int, payload: bytes) -> None:
        header = bytearray([0x80 | opcode])
        n = len(payload)
        if n < 126:
            header.append(0x80 | n)
        elif n < 65536:
            header.append(0x80 | 126)
            header += n.to_bytes(2, "big")
        else:
            header.append(0x80 | 127)
            header += n.to_bytes(8, "big")
        mask = os.urandom(4)
        masked = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
        self.sock.sendall(bytes(header) + mask + masked)

    def send_text(self, text: str) -> None:
        self._send_frame(0x1, text.encode("utf-8"))

    def send_json(self, obj: Any) -> None:
        self.send_text(json.dumps(obj))

    def recv_text(self) -> str:
        message = b""
        while True:
            b0, b1 = self._read(2)
            opcode, n = b0 & 0x0F, b1 & 0x7F
            if n == 126:
                n = int.from_bytes(self._read(2), "big")
            elif n == 127:
                n = int.from_bytes(self._read(8), "big")
            mask = self._read(4) if b1 & 0x80 else None
            payload = self._read(n)
            if mask:
                payload = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
            if opcode == 0x8:
                raise StandInError("WebSocket closed by the server")
            if opcode == 0x9:
                self._send_frame(0xA, payload)
                continue
            if opcode in (0x1, 0x0):
                message += payload
                if b0 & 0x80:
                    return message.decode("utf-8")

    def recv_json(self) -> Any:
        return json.loads(self.recv_text())

    def close(self) -> None:
        try:
            self._send_frame(0x8, (1000).to_bytes(2, "big"))
        except OSError:
            pass
        self.sock.close()

    def __enter__(self) -> "WebSocketClient":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
