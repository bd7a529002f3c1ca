# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Aurigraph DLT contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Certificate decisions of the edge role: parse a certificate, prove a key/certificate/chain set usable, read the
certificate an endpoint serves through a real TLS handshake.

Needs only the ``openssl`` command line and the Python standard library on the managed node (no
python3-cryptography: plain hosts and the test-node image do not have it). ``run`` is ``module.run_command``.
"""

from __future__ import annotations

import base64
import datetime
import hashlib
import re
import socket
import ssl

from ansible_collections.aurigraph.dlt.plugins.module_utils.errors import DltError

_PEM_RE = re.compile(r"-----BEGIN CERTIFICATE-----\s*(.+?)\s*-----END CERTIFICATE-----", re.S)
_DATE_FORMAT = "%b %d %H:%M:%S %Y GMT"


class TlsError(DltError):
    """A certificate that cannot be read, or an endpoint that cannot be reached."""


def pem_certificates(text):
    """DER bytes of every PEM certificate block of ``text``, in order."""
    return [base64.b64decode("".join(block.split())) for block in _PEM_RE.findall(text or "")]


def fingerprint(der):
    """sha256 of the DER certificate as lower-case hex without colons."""
    return hashlib.sha256(der).hexdigest()


def parse_date(value):
    """``Nov  3 09:00:00 2027 GMT`` (openssl's default date format) -> aware UTC datetime."""
    text = " ".join(value.split())
    try:
        return datetime.datetime.strptime(text, _DATE_FORMAT).replace(tzinfo=datetime.timezone.utc)
    except ValueError:
        raise TlsError("cannot parse the certificate date %r (expected e.g. 'Nov 30 09:00:00 2027 GMT')" % value)


def parse_x509_output(text):
    """Parse ``openssl x509 -noout -subject -issuer -startdate -enddate -ext subjectAltName -nameopt RFC2253``."""
    info = dict(subject=None, issuer=None, not_before=None, not_after=None, sans=[])
    lines = text.splitlines()
    for index, line in enumerate(lines):
        if line.startswith("subject="):
            info["subject"] = line[len("subject="):].strip()
        elif line.startswith("issuer="):
            info["issuer"] = line[len("issuer="):].strip()
        elif line.startswith("notBefore="):
            info["not_before"] = parse_date(line[len("notBefore="):])
        elif line.startswith("notAfter="):
            info["not_after"] = parse_date(line[len("notAfter="):])
        elif "Subject Alternative Name" in line and index + 1 < len(lines):
            for item in lines[index + 1].split(","):
                kind, _sep, value = item.strip().partition(":")
                if kind == "DNS":
                    info["sans"].append(value.strip().lower())
                elif kind == "IP Address":
                    info["sans"].append(value.strip())
    if info["not_before"] is None or info["not_after"] is None:
        raise TlsError("openssl printed no validity dates for the certificate: %s" % text.strip()[:200])
    return info


def name_covered(name, sans):
    """True when ``name`` is one of ``sans`` or matches a wildcard SAN (``*.example.com``: exactly one label)."""
    name = name.lower().rstrip(".")
    for san in sans:
        if san == name:
            return True
        if san.startswith("*.") and "." in name:
            first, _sep, rest = name.partition(".")
            if first and rest == san[2:]:
                return True
    return False


class OpenSSL(object):
    """The few openssl command lines the checks need."""

    def __init__(self, run, binary):
        self.run = run
        self.binary = binary

    def _call(self, args, what, data=None):
        rc, out, err = self.run([self.binary] + args, data=data)
        if rc != 0:
            raise TlsError("%s failed: %s" % (what, (err or out).strip().splitlines()[-1:] or ["(no output)"]))
        return out

    def x509(self, path=None, pem=None):
        args = ["x509", "-noout", "-subject", "-issuer", "-startdate", "-enddate", "-ext", "subjectAltName",
                "-nameopt", "RFC2253"]
        if path:
            args += ["-in", path]
        return parse_x509_output(self._call(args, "reading the certificate %s" % (path or "served"), data=pem))

    def cert_public_key(self, path):
        return self._call(["x509", "-noout", "-pubkey", "-in", path], "reading the public key of %s" % path).strip()

    def key_public_key(self, path):
        # -passin pass: never prompts: an encrypted key fails with openssl's message instead of hanging.
        return self._call(["pkey", "-pubout", "-passin", "pass:", "-in", path],
                          "reading the private key %s (nginx needs an unencrypted key)" % path).strip()

    def verify(self, path, chain=None, ca=None):
        """(True, '') or (False, openssl's reason): the leaf of ``path`` verifies as a TLS server certificate
        through ``chain`` (untrusted intermediates) up to ``ca`` (or the system trust store)."""
        args = ["verify", "-purpose", "sslserver"]
        if ca:
            args += ["-CAfile", ca]
        if chain:
            args += ["-untrusted", chain]
        rc, out, err = self.run([self.binary] + args + [path])
        text = " ".join((out + " " + err).split())
        return rc == 0, text


def check_certificate(openssl, cert_path, der, key_path=None, chain_path=None, ca_path=None, server_names=(),
                      warn_days=30, now=None):
    """Everything known about one certificate file plus the list of reasons it must not be used (``problems``)."""
    now = now or datetime.datetime.now(datetime.timezone.utc)
    info = openssl.x509(path=cert_path)
    result = describe(info, der, now, warn_days)
    problems = result["problems"]
    result.update(key_matches=None, chain_verified=None, chain_message=None)
    if key_path:
        result["key_matches"] = openssl.key_public_key(key_path) == openssl.cert_public_key(cert_path)
        if not result["key_matches"]:
            problems.append("the private key %s does not belong to the certificate %s (their public keys differ): "
                            "install the key the certificate was issued for" % (key_path, cert_path))
    if chain_path or ca_path:
        ok, message = openssl.verify(cert_path, chain=chain_path, ca=ca_path)
        result["chain_verified"] = ok
        result["chain_message"] = message
        if not ok:
            problems.append("the chain does not verify (openssl verify -CAfile %s -untrusted %s): %s; the chain file "
                            "must hold every intermediate between the certificate and the CA"
                            % (ca_path or "<system store>", chain_path or "<none>", message))
    missing = [name for name in server_names if not name_covered(name, info["sans"])]
    result["names_missing"] = missing
    if missing:
        problems.append("the certificate's names %s do not cover %s (aurigraph_edge_server_names): issue one whose "
                        "subjectAltName lists them" % (info["sans"] or "(no subjectAltName)", missing))
    return result


def describe(info, der, now, warn_days):
    days_left = (info["not_after"] - now).total_seconds() / 86400.0
    problems = []
    if now < info["not_before"]:
        problems.append("the certificate is not valid yet (notBefore %s)" % info["not_before"].isoformat())
    if now > info["not_after"]:
        problems.append("the certificate expired on %s" % info["not_after"].isoformat())
    return dict(fingerprint_sha256=fingerprint(der), subject=info["subject"], issuer=info["issuer"],
                not_before=info["not_before"].isoformat(), not_after=info["not_after"].isoformat(),
                days_left=round(days_left, 2), expires_soon=days_left < warn_days, sans=info["sans"],
                problems=problems)


def served_certificate(host, port, server_name, ca_path=None, timeout=10):
    """Real TLS handshake to host:port with SNI ``server_name``. Returns the leaf's DER, the protocol, the ALPN
    protocol (h2 offered) and whether the chain + name verify against ``ca_path`` (when given)."""
    def handshake(verify):
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        if verify:
            context.load_verify_locations(cafile=ca_path)
        else:
            context.check_hostname = False
            context.verify_mode = ssl.CERT_NONE
        context.set_alpn_protocols(["h2", "http/1.1"])
        with socket.create_connection((host, port), timeout=timeout) as sock:
            with context.wrap_socket(sock, server_hostname=server_name) as tls:
                return tls.getpeercert(binary_form=True), tls.version(), tls.selected_alpn_protocol()

    verified, verify_error = None, None
    try:
        if ca_path:
            try:
                der, version, alpn = handshake(True)
                verified = True
            except ssl.SSLCertVerificationError as exc:
                verified, verify_error = False, exc.verify_message or str(exc)
                der, version, alpn = handshake(False)
        else:
            der, version, alpn = handshake(False)
    except (OSError, ssl.SSLError) as exc:
        raise TlsError("TLS handshake with %s:%s (server name %s) failed: %s" % (host, port, server_name, exc))
    return dict(der=der, tls_version=version, alpn=alpn, handshake_verified=verified, verify_error=verify_error)
