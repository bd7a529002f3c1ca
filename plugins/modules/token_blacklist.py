#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Aurigraph DLT contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: token_blacklist
short_description: Add token hashes to, or remove them from, the Aurigraph token blacklist
version_added: 0.1.0
description:
  - Idempotent management of the V11.4.4-Enhanced token blacklist (runbook endpoints
    C(POST /api/v11/auth/tokens/blacklist), C(/blacklist/check) and C(/blacklist/remove)).
  - Every hash is validated (64 hex characters, the SHA-256 of a token) before any call is made.
  - Each hash is first checked, and only changed when needed, so re-runs report C(changed=false).
  - Hashes never appear in the output; results identify them by O(token_hashes) index and first 8 characters.
author:
  - Aurigraph DLT contributors (@aurigraph)
extends_documentation_fragment:
  - aurigraph.dlt.api
  - aurigraph.dlt.api.timeout
attributes:
  check_mode:
    support: full
    description: Only the check endpoint is called; results tell what would change.
  diff_mode:
    support: full
    description: Shows the blacklist state of the given hashes (by label) before and after.
options:
  token_hashes:
    description:
      - SHA-256 hex digests (64 characters; upper case is accepted and lower-cased) of the tokens.
      - Pass hashes, never raw tokens. Treated as secrets (C(no_log)).
    type: list
    elements: str
    required: true
  state:
    description:
      - V(present) blacklists the hashes, V(absent) removes them from the blacklist.
    type: str
    choices: [present, absent]
    default: present
  reason:
    description:
      - Reason recorded with a new blacklist entry. The reason of an existing entry is not changed.
    type: str
    default: Blacklisted by Ansible (aurigraph.dlt.token_blacklist)
notes:
  - Needs a build exposing the runbook token endpoints; other builds fail with
    C(this Aurigraph build does not expose POST /api/v11/auth/tokens/blacklist/check (HTTP 404)).
  - Each hash costs one or two requests of the 100-per-hour rate limit.
"""

EXAMPLES = r"""
- name: Blacklist two leaked tokens
  aurigraph.dlt.token_blacklist:
    api_url: https://dlt.example.com:9003
    api_token: "{{ vault_aurigraph_admin_token }}"
    token_hashes: "{{ leaked_token_hashes }}"
    reason: "Incident INC-1234"

- name: Remove a hash blacklisted by mistake
  aurigraph.dlt.token_blacklist:
    token_hashes:
      - 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08
    state: absent
"""

RETURN = r"""
results:
  description: One entry per distinct hash, in input order.
  returned: always
  type: list
  elements: dict
  contains:
    label:
      description: C(<index>:<first 8 hex characters>) of the hash; the full hash is never returned.
      type: str
      sample: "0:9f86d081"
    index:
      description: Position of the hash in O(token_hashes).
      type: int
    blacklisted_before:
      description: Whether the hash was blacklisted before the module ran.
      type: bool
    blacklisted:
      description: Whether it is blacklisted now (in check mode, would be).
      type: bool
    changed:
      description: Whether this hash was (or would be) changed.
      type: bool
    reason:
      description: Reason of the blacklist entry, when known.
      type: str
      returned: when blacklisted
changed_count:
  description: Number of hashes changed (or that would change in check mode).
  returned: always
  type: int
  sample: 1
"""

from ansible_collections.aurigraph.dlt.plugins.module_utils.api import Client
from ansible_collections.aurigraph.dlt.plugins.module_utils.arguments import api_module
from ansible_collections.aurigraph.dlt.plugins.module_utils.errors import DltError
from ansible_collections.aurigraph.dlt.plugins.module_utils.tokens import TokenAdmin, validate_hashes


def main():
    module = api_module(
        dict(
            token_hashes=dict(type="list", elements="str", required=True, no_log=True),
            state=dict(type="str", default="present", choices=["present", "absent"]),
            reason=dict(type="str", default="Blacklisted by Ansible (aurigraph.dlt.token_blacklist)"),
        ),
    )
    results = []
    try:
        items = validate_hashes(module.params["token_hashes"])
        admin = TokenAdmin(Client.from_module(module))
        admin.sync_blacklist(items, module.params["state"], module.params["reason"], module.check_mode, results)
    except DltError as exc:
        module.fail_json(msg=str(exc), changed=any(r["changed"] for r in results), results=results)
    changed = [r for r in results if r["changed"]]
    result = dict(changed=bool(changed), results=results, changed_count=len(changed))
    if module._diff:
        result["diff"] = dict(
            before={"blacklisted": sorted(r["label"] for r in results if r["blacklisted_before"])},
            after={"blacklisted": sorted(r["label"] for r in results if r["blacklisted"])},
        )
    module.exit_json(**result)


if __name__ == "__main__":
    main()
