# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Aurigraph DLT contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""module_utils/tls.py against real certificates (tests/edge/make_test_ca.py), the real openssl CLI and a real TLS
server on loopback."""

from __future__ import annotations

import datetime
import os
import socket
import ssl
import subprocess
import sys
import threading

import pytest

from ansible_collections.aurigraph.dlt.plugins.module_utils import tls

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))))
NAME = "edge.aurigraph.test"


def run(args, data=None):
    proc = subprocess.run(args, input=data, capture_output=True, text=True, check=False)
    return proc.returncode, proc.stdout, proc.stderr


@pytest.fixture(scope="module")
def pki(tmp_path_factory):
    out = tmp_path_factory.mktemp("pki")
    subprocess.run([sys.executable, os.path.join(REPO, "tests", "edge", "make_test_ca.py"), str(out), NAME], check=True)
    return out


@pytest.fixture(scope="module")
def openssl():
    return tls.OpenSSL(run, "openssl")


def check(openssl, pki, label, **kwargs):
    path = str(pki / label / "cert.pem")
    with open(path) as handle:
        der = tls.pem_certificates(handle.read())[0]
    args = dict(key_path=str(pki / label / "key.pem"), chain_path=str(pki / label / "chain.pem"),
                ca_path=str(pki / "ca.pem"), server_names=[NAME])
    args.update(kwargs)
    return tls.check_certificate(openssl, path, der, **args)


def openssl_fingerprint(path):
    out = subprocess.run(["openssl", "x509", "-noout", "-fingerprint", "-sha256", "-in", path], capture_output=True,
                         text=True, check=True).stdout
    return out.strip().split("=", 1)[1].replace(":", "").lower()


def test_good_certificate_has_no_problem(openssl, pki):
    result = check(openssl, pki, "good")
    assert result["problems"] == []
    assert result["key_matches"] is True and result["chain_verified"] is True
    assert result["names_missing"] == [] and result["sans"] == [NAME]
    assert result["fingerprint_sha256"] == openssl_fingerprint(str(pki / "good" / "cert.pem"))
    assert result["issuer"].startswith("CN=Aurigraph Test Intermediate CA")
    assert 364 < result["days_left"] < 366 and result["expires_soon"] is False


def test_key_of_another_certificate_is_refused(openssl, pki):
    result = check(openssl, pki, "wrongkey")
    assert result["key_matches"] is False
    assert len(result["problems"]) == 1 and "does not belong to the certificate" in result["problems"][0]


def test_expired_and_not_yet_valid_are_refused(openssl, pki):
    expired = check(openssl, pki, "expired")
    assert any(p.startswith("the certificate expired on") for p in expired["problems"])
    assert expired["days_left"] < 0
    notyet = check(openssl, pki, "notyet")
    assert any("not valid yet" in p for p in notyet["problems"])


def test_names_not_covered_are_refused(openssl, pki):
    result = check(openssl, pki, "wrongsan")
    assert result["names_missing"] == [NAME]
    assert result["problems"] == ["the certificate's names ['other.aurigraph.test'] do not cover ['edge.aurigraph.test'] "
                                  "(aurigraph_edge_server_names): issue one whose subjectAltName lists them"]


def test_chain_that_does_not_lead_to_the_ca_is_refused(openssl, pki):
    result = check(openssl, pki, "selfsigned")
    assert result["chain_verified"] is False
    assert any("the chain does not verify" in p for p in result["problems"])


def test_missing_intermediate_is_refused(openssl, pki):
    result = check(openssl, pki, "good", chain_path=None)
    assert result["chain_verified"] is False and "unable to get local issuer certificate" in result["chain_message"]


def test_soon_expiring_certificate_is_usable_but_flagged(openssl, pki):
    result = check(openssl, pki, "soon", warn_days=30)
    assert result["problems"] == [] and result["expires_soon"] is True and 4 < result["days_left"] < 6


def test_unreadable_key_fails_with_openssl_reason(openssl, pki, tmp_path):
    bad = tmp_path / "key.pem"
    bad.write_text("not a key\n")
    with pytest.raises(tls.TlsError, match="reading the private key .*key.pem"):
        check(openssl, pki, "good", key_path=str(bad))


@pytest.mark.parametrize("name, sans, covered", [
    ("edge.aurigraph.test", ["edge.aurigraph.test"], True),
    ("EDGE.aurigraph.test.", ["edge.aurigraph.test"], True),
    ("edge.aurigraph.test", ["*.aurigraph.test"], True),
    ("a.edge.aurigraph.test", ["*.aurigraph.test"], False),
    ("aurigraph.test", ["*.aurigraph.test"], False),
    ("edge.aurigraph.test", ["other.aurigraph.test"], False),
])
def test_name_covered(name, sans, covered):
    assert tls.name_covered(name, sans) is covered


def test_parse_date_single_digit_day_and_garbage():
    assert tls.parse_date("Nov  3 09:00:00 2027 GMT") == datetime.datetime(2027, 11, 3, 9, tzinfo=datetime.timezone.utc)
    with pytest.raises(tls.TlsError, match="cannot parse the certificate date"):
        tls.parse_date("yesterday")


def test_pem_certificates_reads_every_block(pki):
    text = (pki / "good" / "cert.pem").read_text() + (pki / "good" / "chain.pem").read_text()
    assert len(tls.pem_certificates(text)) == 2
    assert tls.pem_certificates("nothing") == []


@pytest.fixture()
def server(pki):
    """A TLS server on a free loopback port serving good/ with its chain, answering one handshake per connection."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    fullchain = pki / "fullchain.pem"
    fullchain.write_text((pki / "good" / "cert.pem").read_text() + (pki / "good" / "chain.pem").read_text())
    context.load_cert_chain(str(fullchain), str(pki / "good" / "key.pem"))
    context.set_alpn_protocols(["h2", "http/1.1"])
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(10)
    stop = threading.Event()

    def serve():
        while not stop.is_set():
            try:
                conn, _addr = listener.accept()
            except OSError:
                return
            try:
                with context.wrap_socket(conn, server_side=True) as tls_conn:
                    tls_conn.recv(1)
            except (OSError, ssl.SSLError):
                pass

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield listener.getsockname()[1]
    stop.set()
    listener.close()


def test_served_certificate_verified_against_the_ca(pki, server):
    served = tls.served_certificate("127.0.0.1", server, NAME, ca_path=str(pki / "ca.pem"))
    assert served["handshake_verified"] is True and served["alpn"] == "h2"
    assert served["tls_version"] in ("TLSv1.2", "TLSv1.3")
    assert tls.fingerprint(served["der"]) == openssl_fingerprint(str(pki / "good" / "cert.pem"))


def test_served_certificate_that_does_not_verify_is_still_described(pki, server):
    served = tls.served_certificate("127.0.0.1", server, "other.example", ca_path=str(pki / "ca.pem"))
    assert served["handshake_verified"] is False and "mismatch" in served["verify_error"].lower()
    assert tls.fingerprint(served["der"]) == openssl_fingerprint(str(pki / "good" / "cert.pem"))


def test_served_certificate_of_a_closed_port_fails_with_the_address():
    sock = socket.create_server(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    with pytest.raises(tls.TlsError, match=r"TLS handshake with 127.0.0.1:%d \(server name x\) failed" % port):
        tls.served_certificate("127.0.0.1", port, "x", timeout=2)
