# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Aurigraph DLT contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations


class ModuleDocFragment(object):
    """Shared connection options of the aurigraph.dlt API modules.

    Every API module extends ``aurigraph.dlt.api``; those that use the shared per-call ``timeout`` also extend
    ``aurigraph.dlt.api.timeout``, the others document a ``timeout`` of their own (for example a total wait
    budget). Two fragments to combine, not two copies of the options: ansible-test's yamllint check requires
    each fragment to be one string literal, so a fragment cannot be assembled from shared strings.
    """

    DOCUMENTATION = r"""
options:
  api_url:
    description:
      - Base URL of the Aurigraph V11 service, without a path, for example C(https://dlt.example.com:9003).
      - If not set, the value of the E(AURIGRAPH_API_URL) environment variable is used.
    type: str
    default: http://127.0.0.1:9003
  api_token:
    description:
      - Bearer token sent in the C(Authorization) header to protected endpoints.
      - Takes precedence over O(api_username)/O(api_password).
      - If not set, the value of the E(AURIGRAPH_API_TOKEN) environment variable is used.
      - Never logged or returned.
    type: str
  api_username:
    description:
      - Optional login e-mail. With O(api_password) and no O(api_token), the module first calls
        C(POST /api/v11/auth/login) with C({"email", "password"}) and uses the returned token.
      - Builds without that runbook login endpoint fail with a clear message; use O(api_token) there.
      - If not set, the value of the E(AURIGRAPH_API_USERNAME) environment variable is used.
    type: str
  api_password:
    description:
      - Password for O(api_username). Never logged or returned.
      - If not set, the value of the E(AURIGRAPH_API_PASSWORD) environment variable is used.
    type: str
  validate_certs:
    description:
      - Verify the service's TLS certificate. Leave it on outside tests; point O(ca_path) at a private CA instead.
      - If not set, the value of the E(AURIGRAPH_VALIDATE_CERTS) environment variable is used.
    type: bool
    default: true
  ca_path:
    description:
      - PEM file of the CA certificate(s) used to verify the service certificate.
      - If not set, the value of the E(AURIGRAPH_CA_PATH) environment variable is used.
    type: path
  client_cert:
    description:
      - PEM client certificate for mutual TLS.
      - If not set, the value of the E(AURIGRAPH_CLIENT_CERT) environment variable is used.
    type: path
  client_key:
    description:
      - PEM private key of O(client_cert), if not included in it.
      - If not set, the value of the E(AURIGRAPH_CLIENT_KEY) environment variable is used.
    type: path
  retries:
    description:
      - How many times a call is retried after HTTP 429, 502, 503, 504 or a connection error, with
        exponential back-off (1, 2, 4, 8 s...) bounded by O(timeout). Other errors are not retried.
      - If not set, the value of the E(AURIGRAPH_RETRIES) environment variable is used.
    type: int
    default: 3
notes:
  - All modules of the collection are in the action group C(aurigraph.dlt.api), so the connection options
    can be set once with C(module_defaults) and C(group/aurigraph.dlt.api).
  - The service allows 100 requests per rolling hour per client on C(/api/v11/*). Modules read as little
    as possible, honour C(retryAfterSeconds) within O(timeout), and fail with a clear message otherwise.
  - Error messages carry the service's C(X-Correlation-Id) so that they can be matched with server logs.
"""

    # The per-call O(timeout) of arguments.API_ARGUMENT_SPEC.
    TIMEOUT = r"""
options:
  timeout:
    description:
      - Time budget in seconds of each API call, including retries, back-off and waiting for a
        rate-limit window (HTTP 429 C(retryAfterSeconds)). A 429 whose wait does not fit in the budget
        fails the call at once with a message giving the wait the service asked for.
      - If not set, the value of the E(AURIGRAPH_TIMEOUT) environment variable is used.
    type: int
    default: 30
"""
