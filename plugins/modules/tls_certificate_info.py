#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Aurigraph DLT contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: tls_certificate_info
short_description: Check a TLS certificate file or the certificate an endpoint serves
version_added: 0.2.0
description:
  - With O(path), reads a PEM certificate file on the managed node and lists every reason it must not be used
    (RV(problems)) - outside its validity window (not yet valid or expired), O(private_key) not its key,
    the chain not verifying through O(chain) up to O(ca), O(server_names) not covered by its subjectAltName.
  - With O(endpoint), makes a real TLS handshake (SNI O(server_name), ALPN h2 offered) and describes the
    certificate served; with O(ca) it also verifies the served chain and name, with O(expected_fingerprint) it
    compares the served certificate with the one just installed.
  - O(fail_on_problems=true) fails with every problem in one message; else the caller reads RV(problems).
  - Needs the C(openssl) command line on the node, not python3-cryptography.
  - Never reports C(changed).
author:
  - Aurigraph DLT contributors (@aurigraph)
extends_documentation_fragment:
  - aurigraph.dlt.attributes.info_module
options:
  path:
    description:
      - PEM certificate file; its first certificate is the one checked (a full chain file is fine).
      - Exactly one of O(path) and O(endpoint).
    type: path
  endpoint:
    description:
      - C(host:port) to make a TLS handshake with, for example V(127.0.0.1:443).
    type: str
  server_name:
    description:
      - SNI and name to verify for O(endpoint). Defaults to the first of O(server_names).
    type: str
  private_key:
    description:
      - With O(path), the PEM private key that must belong to the certificate (public keys compared). Never printed.
    type: path
  chain:
    description:
      - With O(path), the intermediate certificates (PEM) between the certificate and O(ca).
    type: path
  ca:
    description:
      - PEM trust anchor(s). With O(path) the chain must verify up to it (C(openssl verify -purpose sslserver));
        with O(endpoint) the handshake is verified against it. Without it O(path) uses the system trust store
        when O(chain) is set, and O(endpoint) does not verify.
    type: path
  server_names:
    description:
      - Names the certificate's subjectAltName must cover (wildcards cover one label).
    type: list
    elements: str
    default: []
  warn_days:
    description:
      - RV(expires_soon) is true when fewer days than this are left.
    type: int
    default: 30
  expected_fingerprint:
    description:
      - sha256 fingerprint (hex, colons and case ignored) the certificate must have; a difference is a problem.
    type: str
  fail_on_problems:
    description:
      - Fail with every problem in one message.
    type: bool
    default: false
  timeout:
    description:
      - Seconds for the TLS handshake of O(endpoint).
    type: int
    default: 10
notes:
  - Supports C(check_mode).
seealso:
  - module: community.crypto.x509_certificate_info
"""

EXAMPLES = r"""
- name: Prove a new certificate set usable before nginx sees it
  aurigraph.dlt.tls_certificate_info:
    path: /etc/nginx/aurigraph-edge/tls/staged/cert.pem
    private_key: /etc/nginx/aurigraph-edge/tls/staged/privkey.pem
    chain: /etc/nginx/aurigraph-edge/tls/staged/chain.pem
    ca: /etc/nginx/aurigraph-edge/tls/staged/ca.pem
    server_names: [dlt.example.com]
    fail_on_problems: true

- name: The edge serves the new certificate
  aurigraph.dlt.tls_certificate_info:
    endpoint: 127.0.0.1:443
    server_name: dlt.example.com
    expected_fingerprint: "{{ new_cert.fingerprint_sha256 }}"
    fail_on_problems: true
"""

RETURN = r"""
fingerprint_sha256:
  description: sha256 of the DER certificate, lower-case hex without colons.
  returned: always
  type: str
  sample: 3f0c9a...e1
subject:
  description: Subject (RFC 2253).
  returned: always
  type: str
  sample: CN=dlt.example.com
issuer:
  description: Issuer (RFC 2253).
  returned: always
  type: str
  sample: CN=Example Intermediate CA
not_before:
  description: Start of the validity window (ISO 8601, UTC).
  returned: always
  type: str
  sample: "2026-11-30T09:00:00+00:00"
not_after:
  description: End of the validity window (ISO 8601, UTC).
  returned: always
  type: str
  sample: "2027-11-30T09:00:00+00:00"
days_left:
  description: Days until RV(not_after) (negative when expired).
  returned: always
  type: float
  sample: 364.5
expires_soon:
  description: Whether RV(days_left) is below O(warn_days).
  returned: always
  type: bool
  sample: false
sans:
  description: DNS names and IP addresses of the subjectAltName.
  returned: always
  type: list
  elements: str
  sample: [dlt.example.com]
names_missing:
  description: Names of O(server_names) the certificate does not cover.
  returned: always
  type: list
  elements: str
  sample: []
key_matches:
  description: Whether O(private_key) belongs to the certificate; null without O(private_key).
  returned: always
  type: bool
  sample: true
chain_verified:
  description: Whether the chain verified (O(path) with O(chain)/O(ca)); null when not checked.
  returned: always
  type: bool
  sample: true
handshake_verified:
  description: With O(endpoint) and O(ca), whether the served chain and name verified; else null.
  returned: always
  type: bool
  sample: true
tls_version:
  description: With O(endpoint), the negotiated protocol; else null.
  returned: always
  type: str
  sample: TLSv1.3
alpn:
  description: With O(endpoint), the ALPN protocol the server chose (V(h2) for HTTP/2); else null.
  returned: always
  type: str
  sample: h2
problems:
  description: Every reason the certificate must not be used (empty when it is fine).
  returned: always
  type: list
  elements: str
  sample: ["the certificate expired on 2026-01-01T00:00:00+00:00"]
"""

import datetime
import ssl

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.aurigraph.dlt.plugins.module_utils.errors import DltError, ValidationError
from ansible_collections.aurigraph.dlt.plugins.module_utils.tls import (
    OpenSSL, TlsError, check_certificate, describe, name_covered, pem_certificates, served_certificate)


def run(module):
    params = module.params
    openssl = OpenSSL(module.run_command, module.get_bin_path("openssl", required=True))
    now = datetime.datetime.now(datetime.timezone.utc)
    names = params["server_names"]
    result = dict(handshake_verified=None, tls_version=None, alpn=None, key_matches=None, chain_verified=None,
                  names_missing=[])
    if params["path"]:
        try:
            with open(params["path"], "r") as handle:
                blocks = pem_certificates(handle.read())
        except (IOError, OSError) as exc:
            raise TlsError("cannot read the certificate %s: %s" % (params["path"], exc))
        if not blocks:
            raise TlsError("%s holds no PEM certificate" % params["path"])
        result.update(check_certificate(openssl, params["path"], blocks[0], key_path=params["private_key"],
                                        chain_path=params["chain"], ca_path=params["ca"], server_names=names,
                                        warn_days=params["warn_days"], now=now))
        result.pop("chain_message", None)
    else:
        host, _sep, port = params["endpoint"].rpartition(":")
        if not host or not port.isdigit():
            raise ValidationError("endpoint %r is not host:port (for example 127.0.0.1:443)" % params["endpoint"])
        server_name = params["server_name"] or (names[0] if names else host)
        served = served_certificate(host.strip("[]"), int(port), server_name, ca_path=params["ca"],
                                    timeout=params["timeout"])
        info = openssl.x509(pem=ssl.DER_cert_to_PEM_cert(served["der"]))
        result.update(describe(info, served["der"], now, params["warn_days"]))
        result.update(tls_version=served["tls_version"], alpn=served["alpn"],
                      handshake_verified=served["handshake_verified"])
        if served["handshake_verified"] is False:
            result["problems"].append("%s serves a certificate that does not verify against %s for %s: %s"
                                      % (params["endpoint"], params["ca"], server_name, served["verify_error"]))
        result["names_missing"] = [n for n in names if not name_covered(n, result["sans"])]
    expected = params["expected_fingerprint"]
    if expected:
        expected = expected.replace(":", "").lower()
        if result["fingerprint_sha256"] != expected:
            result["problems"].append("the certificate's sha256 fingerprint is %s, expected %s"
                                      % (result["fingerprint_sha256"], expected))
    return result


def main():
    module = AnsibleModule(
        argument_spec=dict(
            path=dict(type="path"),
            endpoint=dict(type="str"),
            server_name=dict(type="str"),
            private_key=dict(type="path", no_log=False),
            chain=dict(type="path"),
            ca=dict(type="path"),
            server_names=dict(type="list", elements="str", default=[]),
            warn_days=dict(type="int", default=30),
            expected_fingerprint=dict(type="str"),
            fail_on_problems=dict(type="bool", default=False),
            timeout=dict(type="int", default=10),
        ),
        mutually_exclusive=[("path", "endpoint")],
        required_one_of=[("path", "endpoint")],
        supports_check_mode=True,
    )
    try:
        result = run(module)
    except DltError as exc:
        module.fail_json(msg=str(exc), changed=False)
    what = module.params["path"] or module.params["endpoint"]
    if module.params["fail_on_problems"] and result["problems"]:
        module.fail_json(msg="certificate %s refused: %s" % (what, "; ".join(result["problems"])), changed=False,
                         **result)
    if result["expires_soon"]:
        module.warn("the certificate %s (%s) expires on %s, in %.1f days (under %s)"
                    % (what, result["subject"], result["not_after"], result["days_left"], module.params["warn_days"]))
    module.exit_json(changed=False, **result)


if __name__ == "__main__":
    main()
