# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Aurigraph DLT contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""tls_certificate_info end to end on real test certificates and the real openssl CLI (file mode; the endpoint mode's
handshake is covered by test_tls.py and molecule/edge)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from ansible_collections.aurigraph.dlt.plugins.modules import tls_certificate_info
from ansible_collections.aurigraph.dlt.tests.unit.plugins.fakes import run_module

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))))
NAME = "edge.aurigraph.test"


@pytest.fixture(scope="module")
def pki(tmp_path_factory):
    out = tmp_path_factory.mktemp("pki")
    subprocess.run([sys.executable, os.path.join(REPO, "tests", "edge", "make_test_ca.py"), str(out), NAME], check=True)
    return out


def args(pki, label, **extra):
    params = dict(path=str(pki / label / "cert.pem"), private_key=str(pki / label / "key.pem"),
                  chain=str(pki / label / "chain.pem"), ca=str(pki / "ca.pem"), server_names=[NAME])
    params.update(extra)
    return params


def test_good_certificate(pki, capsys):
    res = run_module(tls_certificate_info.main, args(pki, "good", fail_on_problems=True), capsys, check_mode=True)
    assert not res.failed and res["changed"] is False and res["problems"] == []
    assert res["key_matches"] is True and res["chain_verified"] is True and len(res["fingerprint_sha256"]) == 64


def test_problems_fail_in_one_message_and_never_print_the_key(pki, capsys):
    res = run_module(tls_certificate_info.main, args(pki, "wrongkey", fail_on_problems=True), capsys)
    assert res.failed and res["msg"].startswith("certificate %s refused: the private key" % (pki / "wrongkey" / "cert.pem"))
    assert "PRIVATE KEY" not in str(res)


def test_problems_are_returned_without_fail_on_problems(pki, capsys):
    res = run_module(tls_certificate_info.main, args(pki, "expired"), capsys)
    assert not res.failed and any("expired on" in p for p in res["problems"])


def test_expected_fingerprint_mismatch(pki, capsys):
    res = run_module(tls_certificate_info.main, args(pki, "good", expected_fingerprint="AB:CD"), capsys)
    assert res["problems"] == ["the certificate's sha256 fingerprint is %s, expected abcd" % res["fingerprint_sha256"]]


def test_soon_expiring_warns(pki, capsys):
    res = run_module(tls_certificate_info.main, args(pki, "soon", warn_days=30), capsys)
    assert res["expires_soon"] is True and "expires on" in str(res.get("warnings"))


def test_missing_file_and_bad_endpoint(pki, tmp_path, capsys):
    res = run_module(tls_certificate_info.main, dict(path=str(tmp_path / "none.pem")), capsys)
    assert res.failed and res["msg"].startswith("cannot read the certificate")
    res = run_module(tls_certificate_info.main, dict(endpoint="no-port"), capsys)
    assert res.failed and res["msg"] == "endpoint 'no-port' is not host:port (for example 127.0.0.1:443)"
