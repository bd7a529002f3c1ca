"""HTTPS through Quarkus's runtime TLS configuration, verified against a test CA."""
from __future__ import annotations

import shutil
import ssl
import subprocess
import urllib.error
import urllib.request

import pytest

from harness import StandIn, WebSocketClient, free_port, http_request

pytestmark = pytest.mark.skipif(not shutil.which("openssl"), reason="openssl not installed")


@pytest.fixture(scope="module")
def pki(tmp_path_factory):
    d = tmp_path_factory.mktemp("pki")

    def run(*args):
        subprocess.run(["openssl", *args], check=True, capture_output=True, cwd=d)

    run("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.crt", "-days", "2",
        "-subj", "/CN=aurigraph-standin test CA", "-addext", "basicConstraints=critical,CA:TRUE",
        "-addext", "keyUsage=critical,keyCertSign,cRLSign")
    run("req", "-newkey", "rsa:2048", "-nodes", "-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=localhost")
    (d / "ext.cnf").write_text("subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n")
    run("x509", "-req", "-in", "server.csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial", "-out",
        "server.crt", "-days", "2", "-extfile", "ext.cnf")
    return d


def test_https_only_with_test_ca(release, pki, tmp_path):
    env = {
        "QUARKUS_HTTP_SSL_CERTIFICATE_FILES": str(pki / "server.crt"),
        "QUARKUS_HTTP_SSL_CERTIFICATE_KEY_FILES": str(pki / "server.key"),
        "QUARKUS_HTTP_INSECURE_REQUESTS": "disabled",
        "AURIGRAPH_API_TOKENS": "tls-token",
    }
    s = StandIn(release("11.4.4"), env=env, https_port=free_port(), ca_file=pki / "ca.crt", data_dir=tmp_path / "d")
    try:
        s.start(timeout=90)
        assert s.url.startswith("https://127.0.0.1:")
        status, h, body = s.request("GET", "/api/v11/info")
        assert status == 200 and body["build"]["version"] == "11.4.4" and h["X-Correlation-Id"]
        assert s.request("GET", "/q/health/ready")[0] == 200
        # verification is real: the default trust store rejects the test CA
        with pytest.raises(urllib.error.URLError) as exc:
            urllib.request.urlopen(s.url + "/q/health", timeout=5, context=ssl.create_default_context())
        assert isinstance(exc.value.reason, ssl.SSLCertVerificationError)
        # plain HTTP is disabled
        with pytest.raises(OSError):
            http_request("GET", s.http_url + "/q/health", timeout=3)
        with WebSocketClient(s.url.replace("https", "wss") + "/ws/tokens?token=tls-token",
                             context=ssl.create_default_context(cafile=str(pki / "ca.crt"))) as ws:
            ws.send_json({"action": "PING"})
            assert ws.recv_json()["action"] == "PONG"
    finally:
        s.close()
