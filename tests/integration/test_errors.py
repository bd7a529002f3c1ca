# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Aurigraph DLT contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Failure paths against a real service: rate limit, a build without the runbook endpoints, TLS, auth."""

from __future__ import annotations

import datetime
import ipaddress
import re

import pytest

from conftest import ADMIN_TOKEN, fresh_hash, start_standin  # pylint: disable=import-error
from harness import free_port, make_release  # pylint: disable=import-error


def exhaust(svc, limit):
    """Use up the client's quota (every call from 127.0.0.1 shares it) so that the next call gets HTTP 429."""
    codes = [svc.request("GET", "/api/v11/info")[0] for _i in range(limit + 1)]
    assert codes[-1] == 429, codes


def test_rate_limit_429_is_waited_out_then_reported(base_jar, playbook):
    svc = start_standin(base_jar, env={"AURIGRAPH_RATE_LIMIT": "3", "AURIGRAPH_RATE_WINDOW_SECONDS": "12"})
    try:
        # Quota used up: the module gets 429 + retryAfterSeconds (<= 12 s), waits and succeeds within timeout.
        exhaust(svc, 3)
        run = playbook([{"name": "read", "aurigraph.dlt.token_info": {}}], svc.url, extra_defaults={"timeout": 30})
        res = run.result("read")
        assert run.rc == 0, res
        assert "blacklistedTokens" in res["blacklist_stats"]
        assert run.duration("read") >= 1.0  # it did wait for the window

        # A budget shorter than retryAfterSeconds: a clear one-line failure naming the wait, no retry storm.
        exhaust(svc, 3)
        run = playbook([{"name": "read", "aurigraph.dlt.token_info": {}}], svc.url,
                       extra_defaults={"timeout": 1, "retries": 1})
        msg = run.result("read")["msg"]
        assert run.rc != 0
        assert re.match(r"^rate limit exceeded: GET /api/v11/auth/tokens/blacklist/stats returned HTTP 429 "
                        r"\(retry after \d+ s; \d+ s of the time budget left, 1 attempt\) \(correlation id [^)]+\)$",
                        msg), msg
    finally:
        svc.close()


def test_bulk_retry_stops_on_rate_limit_and_reports_not_attempted(base_jar, playbook):
    svc = start_standin(base_jar, env={"AURIGRAPH_RATE_LIMIT": "8", "AURIGRAPH_RATE_WINDOW_SECONDS": "3600",
                                       "AURIGRAPH_SEED_STUCK": "20"})
    try:
        run = playbook([{"name": "retry", "aurigraph.dlt.bridge_retry": {"stuck_older_than": "1h",
                                                                         "concurrency": 2}}],
                       svc.url, extra_defaults={"timeout": 10})
        res = run.result("retry")
        assert run.rc != 0 and res["rate_limited"] is True and res["changed"] is True
        counts = res["counts"]
        assert counts["retried"] >= 1 and counts["not_attempted"] >= 1
        assert counts["retried"] + counts["not_attempted"] == 20
        assert res["msg"].startswith("incomplete: ") and "rate limit exceeded" in res["msg"]
        assert "Traceback" not in run.stdout
        # Whitelisting the automation client lifts the limit (the static API token's user is "api-client")...
        # but the whitelist call itself is rate-limited: it is the operator's job to do it from another client.
    finally:
        svc.close()


def test_build_without_runbook_token_endpoints(base_jar, release_dir, playbook):
    jar = make_release("11.4.6", "no-token-endpoints", release_dir + "/no-token")
    svc = start_standin(jar)
    try:
        run = playbook([{"name": "bl", "aurigraph.dlt.token_blacklist": {"token_hashes": [fresh_hash()]}}], svc.url)
        assert run.rc != 0
        assert run.result("bl")["msg"] == ("this Aurigraph build does not expose "
                                           "POST /api/v11/auth/tokens/blacklist/check (HTTP 404)")
        run = playbook([{"name": "clean", "aurigraph.dlt.token_cleanup": {}}], svc.url)
        assert run.result("clean")["msg"] == ("this Aurigraph build does not expose "
                                              "POST /api/v11/auth/tokens/cleanup (HTTP 404)")
        # The real-build endpoints still work there.
        run = playbook([{"name": "rv", "aurigraph.dlt.token_revoke": {"token_id": "tok-none"}}], svc.url)
        assert run.rc == 0 and run.result("rv")["found"] is False
    finally:
        svc.close()


def test_authentication_failure_message(base_jar, playbook):
    svc = start_standin(base_jar)
    try:
        run = playbook([{"name": "bl", "aurigraph.dlt.token_blacklist": {"token_hashes": [fresh_hash()]}}], svc.url,
                       token="wrong-token-value")
        msg = run.result("bl")["msg"]
        assert re.match(r"^authentication failed: POST /api/v11/auth/tokens/blacklist/check returned HTTP 401: "
                        r"Invalid, expired or revoked token; the bearer token from the (api_token option|"
                        r"AURIGRAPH_API_TOKEN environment variable) was refused \(correlation id [^)]+\)$", msg), msg
        assert "wrong-token-value" not in run.stdout
    finally:
        svc.close()


@pytest.fixture(scope="module")
def pki(tmp_path_factory):
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    d = tmp_path_factory.mktemp("pki")
    now = datetime.datetime.now(datetime.timezone.utc)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "aurigraph.dlt integration test CA")])
    ca = (x509.CertificateBuilder().subject_name(ca_name).issuer_name(ca_name).public_key(ca_key.public_key())
          .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(minutes=5))
          .not_valid_after(now + datetime.timedelta(days=1))
          .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
          .add_extension(x509.KeyUsage(digital_signature=True, key_cert_sign=True, crl_sign=True,
                                       content_commitment=False, key_encipherment=False, data_encipherment=False,
                                       key_agreement=False, encipher_only=False, decipher_only=False), critical=True)
          .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
          .sign(ca_key, hashes.SHA256()))
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")]))
            .issuer_name(ca_name).public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(minutes=5)).not_valid_after(now + datetime.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost"),
                                                        x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
                           critical=False)
            .add_extension(x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
            .sign(ca_key, hashes.SHA256()))
    (d / "ca.pem").write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    (d / "server.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    (d / "server.key").write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                                     serialization.NoEncryption()))
    return d


def test_tls_with_test_ca(base_jar, pki, playbook):
    port = free_port()
    svc = start_standin(base_jar, https_port=port, env={
        "QUARKUS_HTTP_SSL_CERTIFICATE_FILES": str(pki / "server.pem"),
        "QUARKUS_HTTP_SSL_CERTIFICATE_KEY_FILES": str(pki / "server.key")})
    url = "https://127.0.0.1:%d" % port
    try:
        run = playbook([
            {"name": "health", "aurigraph.dlt.health_info": {"wait_for": "ready", "timeout": 30}},
            {"name": "bl", "aurigraph.dlt.token_blacklist": {"token_hashes": [fresh_hash()]}},
        ], url, extra_defaults={"ca_path": str(pki / "ca.pem"), "validate_certs": True})
        assert run.rc == 0, run.stdout[-3000:]
        assert run.result("health")["ready"] is True and run.result("bl")["changed"] is True

        # Without the CA the certificate is rejected with a clear message (validate_certs defaults to true).
        run = playbook([{"name": "health", "aurigraph.dlt.health_info": {}}], url)
        msg = run.result("health")["msg"]
        assert run.rc != 0 and msg.startswith("TLS error talking to %s (GET /q/health): " % url), msg
        assert "CERTIFICATE_VERIFY_FAILED" in msg or "certificate verify failed" in msg.lower()
        assert ADMIN_TOKEN not in run.stdout
    finally:
        svc.close()
