"""Test PKI of the edge tests: root CA -> intermediate CA -> server certificates, written as the files an operator
hands to playbooks/certificates.yml (cert.pem = leaf, chain.pem = intermediate, key.pem; ca.pem = the root).

Made with the python `cryptography` package of the controller's virtualenv (ansible-core depends on it) rather
than the openssl CLI, because the host's OpenSSL 3.0 cannot set an arbitrary validity window with `x509 -req`
(expired and not-yet-valid certificates are part of the tests) without an `openssl ca` database.

Usage: python3 make_test_ca.py OUT_DIR NAME[,NAME...]     (NAME: the server names the good certificates cover)
Sets: good, good2 (a second valid certificate: rotation), wrongkey (good2's certificate with good's key), expired,
notyet, wrongsan, soon (expires in 5 days), selfsigned (no chain to the root). Idempotent: an existing OUT_DIR with
a complete set is left alone (the certificates stay the same within one scenario run).
"""
from __future__ import annotations

import datetime
import ipaddress
import os
import sys

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

SETS = ("good", "good2", "wrongkey", "expired", "notyet", "wrongsan", "soon", "selfsigned")


def key():
    return ec.generate_private_key(ec.SECP256R1())


def name(cn):
    return x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, "aurigraph.dlt tests"),
                      x509.NameAttribute(NameOID.COMMON_NAME, cn)])


def cert(subject_cn, subject_key, issuer_cn, issuer_key, ca, not_before, not_after, sans=()):
    # Key identifiers as real CAs issue them (Python 3.13's default context verifies strictly and needs the AKI).
    builder = (x509.CertificateBuilder().subject_name(name(subject_cn)).issuer_name(name(issuer_cn))
               .public_key(subject_key.public_key()).serial_number(x509.random_serial_number())
               .not_valid_before(not_before).not_valid_after(not_after)
               .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
               .add_extension(x509.SubjectKeyIdentifier.from_public_key(subject_key.public_key()), critical=False)
               .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_key.public_key()),
                              critical=False))
    if ca:
        builder = builder.add_extension(x509.KeyUsage(False, False, False, False, False, True, True, False, False),
                                        critical=True)
    else:
        alt = [x509.IPAddress(ipaddress.ip_address(s)) if s.replace(".", "").isdigit() else x509.DNSName(s)
               for s in sans]
        builder = (builder.add_extension(x509.SubjectAlternativeName(alt), critical=False)
                   .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False))
    return builder.sign(issuer_key, hashes.SHA256())


def pem(obj):
    if isinstance(obj, x509.Certificate):
        return obj.public_bytes(serialization.Encoding.PEM)
    return obj.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption())


def write(path, data, mode=0o644):
    with open(path, "wb") as handle:
        handle.write(data)
    os.chmod(path, mode)


def main(out, names):
    if all(os.path.exists(os.path.join(out, s, "cert.pem")) for s in SETS):
        return
    now = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)
    year = datetime.timedelta(days=365)
    root_key, inter_key = key(), key()
    root = cert("Aurigraph Test Root CA", root_key, "Aurigraph Test Root CA", root_key, True, now - year, now + 10 * year)
    inter = cert("Aurigraph Test Intermediate CA", inter_key, "Aurigraph Test Root CA", root_key, True,
                 now - year, now + 5 * year)
    os.makedirs(out, exist_ok=True)
    write(os.path.join(out, "ca.pem"), pem(root))
    day = datetime.timedelta(days=1)
    keys = {}
    plan = {
        "good": (now - day, now + year, names),
        "good2": (now - day, now + 2 * year, names),
        "expired": (now - 2 * year, now - day, names),
        "notyet": (now + 30 * day, now + year, names),
        "wrongsan": (now - day, now + year, ["other.aurigraph.test"]),
        "soon": (now - day, now + 5 * day, names),
    }
    for label, (start, end, sans) in plan.items():
        keys[label] = key()
        leaf = cert(sans[0], keys[label], "Aurigraph Test Intermediate CA", inter_key, False, start, end, sans)
        os.makedirs(os.path.join(out, label), exist_ok=True)
        write(os.path.join(out, label, "cert.pem"), pem(leaf))
        write(os.path.join(out, label, "chain.pem"), pem(inter))
        write(os.path.join(out, label, "key.pem"), pem(keys[label]), 0o600)
    # good2's certificate with good's key: a key that does not match
    os.makedirs(os.path.join(out, "wrongkey"), exist_ok=True)
    for part in ("cert.pem", "chain.pem"):
        with open(os.path.join(out, "good2", part), "rb") as handle:
            write(os.path.join(out, "wrongkey", part), handle.read())
    write(os.path.join(out, "wrongkey", "key.pem"), pem(keys["good"]), 0o600)
    # a self-signed leaf: its chain does not lead to the root
    self_key = key()
    selfsigned = cert(names[0], self_key, names[0], self_key, False, now - day, now + year, names)
    os.makedirs(os.path.join(out, "selfsigned"), exist_ok=True)
    write(os.path.join(out, "selfsigned", "cert.pem"), pem(selfsigned))
    write(os.path.join(out, "selfsigned", "chain.pem"), pem(inter))
    write(os.path.join(out, "selfsigned", "key.pem"), pem(self_key), 0o600)


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2].split(","))
