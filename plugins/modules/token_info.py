#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Aurigraph DLT contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: token_info
short_description: Read token statistics, blacklist statistics, active tokens and the token audit of Aurigraph
version_added: 0.1.0
description:
  - Reads C(GET /api/v11/auth/tokens/stats?userId=), C(GET /api/v11/auth/tokens/blacklist/stats),
    C(GET /api/v11/auth/tokens/active?userId=) and C(GET /api/v11/auth/tokens/audit/{userId}).
  - Secret-looking fields of the answers (token values, token hashes, passwords) are redacted; hashes are cut to
    their first 8 characters.
  - Never reports C(changed).
author:
  - Aurigraph DLT contributors (@aurigraph)
extends_documentation_fragment:
  - aurigraph.dlt.api
  - aurigraph.dlt.api.timeout
  - aurigraph.dlt.attributes.info_module
options:
  user_id:
    description: User for V(stats), V(active) and V(audit) (real builds answer HTTP 400 to stats without it).
    type: str
  gather:
    description:
      - What to read. Each item costs one request of the rate limit.
      - Defaults to V(stats) and V(blacklist_stats) with O(user_id), to V(blacklist_stats) without.
    type: list
    elements: str
    choices: [stats, blacklist_stats, active, audit]
  page:
    description: Page of active tokens (from 0).
    type: int
    default: 0
  page_size:
    description: Active tokens per page.
    type: int
    default: 50
  audit_limit:
    description: Maximum audit entries.
    type: int
    default: 50
"""

EXAMPLES = r"""
- name: Token statistics of a user and of the blacklist
  aurigraph.dlt.token_info:
    api_token: "{{ vault_aurigraph_admin_token }}"
    user_id: alice
  register: tokens

- name: Warn when the blacklist grows past the runbook threshold
  ansible.builtin.debug:
    msg: "Blacklist holds {{ tokens.blacklist_stats.blacklistedTokens }} entries"
  when: tokens.blacklist_stats.blacklistedTokens | int > 10000
"""

RETURN = r"""
stats:
  description: Token statistics of O(user_id) (C(activeTokens), C(revokedTokens), C(expiredTokens), ...).
  returned: when V(stats) is gathered
  type: dict
  sample: {"userId": "alice", "activeTokens": 2, "revokedTokens": 1, "totalTokens": 3}
blacklist_stats:
  description: Blacklist statistics (C(blacklistedTokens), C(activeRateLimits), C(timestamp)).
  returned: when V(blacklist_stats) is gathered
  type: dict
  sample: {"blacklistedTokens": 4, "activeRateLimits": 0, "timestamp": 1795446000000}
active_tokens:
  description: The page of active tokens as the service returns it, secrets redacted.
  returned: when V(active) is gathered
  type: raw
audit:
  description: The token audit trail of O(user_id), secrets redacted.
  returned: when V(audit) is gathered
  type: raw
"""

from ansible_collections.aurigraph.dlt.plugins.module_utils.api import Client
from ansible_collections.aurigraph.dlt.plugins.module_utils.arguments import api_module
from ansible_collections.aurigraph.dlt.plugins.module_utils.errors import DltError
from ansible_collections.aurigraph.dlt.plugins.module_utils.tokens import TokenAdmin, redact


def main():
    module = api_module(
        dict(
            user_id=dict(type="str"),
            gather=dict(type="list", elements="str", choices=["stats", "blacklist_stats", "active", "audit"]),
            page=dict(type="int", default=0),
            page_size=dict(type="int", default=50),
            audit_limit=dict(type="int", default=50),
        ),
    )
    params = module.params
    user_id = params["user_id"]
    gather = params["gather"] or (["stats", "blacklist_stats"] if user_id else ["blacklist_stats"])
    needs_user = [g for g in gather if g != "blacklist_stats"]
    if needs_user and not user_id:
        module.fail_json(msg="user_id is required to gather %s" % ", ".join(needs_user))
    result = dict(changed=False)
    try:
        admin = TokenAdmin(Client.from_module(module))
        if "stats" in gather:
            result["stats"] = redact(admin.stats(user_id))
        if "blacklist_stats" in gather:
            result["blacklist_stats"] = admin.blacklist_stats()
        if "active" in gather:
            result["active_tokens"] = redact(admin.active(user_id, params["page"], params["page_size"]))
        if "audit" in gather:
            result["audit"] = redact(admin.audit(user_id, params["audit_limit"]))
    except DltError as exc:
        module.fail_json(msg=str(exc), **result)
    module.exit_json(**result)


if __name__ == "__main__":
    main()
