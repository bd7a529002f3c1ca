#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Aurigraph DLT contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: token_cleanup
short_description: Remove expired tokens and expired blacklist entries on an Aurigraph service
version_added: 0.1.0
description:
  - Runs C(POST /api/v11/auth/tokens/cleanup) (expired tokens) and/or
    C(POST /api/v11/auth/tokens/blacklist/cleanup) (expired blacklist entries), the runbook's maintenance calls.
  - Reports C(changed) only when something was removed.
author:
  - Aurigraph DLT contributors (@aurigraph)
extends_documentation_fragment:
  - aurigraph.dlt.api
  - aurigraph.dlt.api.timeout
attributes:
  check_mode:
    support: partial
    description: Runs in check mode without calling the cleanup endpoints.
    details: >-
      The API cannot tell how many entries a cleanup would remove without doing it, so in check mode
      nothing is called, C(changed) is V(false) and the counts are V(null).
  diff_mode:
    support: none
    description: Returns no diff.
options:
  tokens:
    description: Remove expired tokens.
    type: bool
    default: true
  blacklist:
    description: Remove expired blacklist entries.
    type: bool
    default: true
notes:
  - Needs a build exposing the runbook token endpoints.
"""

EXAMPLES = r"""
- name: Nightly token maintenance
  aurigraph.dlt.token_cleanup:
    api_token: "{{ vault_aurigraph_admin_token }}"

- name: Only purge expired blacklist entries
  aurigraph.dlt.token_cleanup:
    tokens: false
    blacklist: true
"""

RETURN = r"""
tokens_removed:
  description: Expired tokens removed; V(null) when not run (O(tokens=false) or check mode).
  returned: always
  type: int
  sample: 12
blacklist_removed:
  description: Expired blacklist entries removed; V(null) when not run.
  returned: always
  type: int
  sample: 0
"""

from ansible_collections.aurigraph.dlt.plugins.module_utils.api import Client
from ansible_collections.aurigraph.dlt.plugins.module_utils.arguments import api_module
from ansible_collections.aurigraph.dlt.plugins.module_utils.errors import DltError
from ansible_collections.aurigraph.dlt.plugins.module_utils.tokens import TokenAdmin


def main():
    module = api_module(
        dict(
            tokens=dict(type="bool", default=True),
            blacklist=dict(type="bool", default=True),
        ),
    )
    if not (module.params["tokens"] or module.params["blacklist"]):
        module.fail_json(msg="nothing to do: set tokens and/or blacklist to true")
    result = dict(changed=False, tokens_removed=None, blacklist_removed=None)
    if module.check_mode:
        module.exit_json(msg="check mode: the cleanup endpoints were not called", **result)
    try:
        admin = TokenAdmin(Client.from_module(module))
        if module.params["tokens"]:
            result["tokens_removed"] = admin.cleanup_tokens()
        if module.params["blacklist"]:
            result["blacklist_removed"] = admin.cleanup_blacklist()
    except DltError as exc:
        result["changed"] = bool(result["tokens_removed"])
        module.fail_json(msg=str(exc), **result)
    result["changed"] = bool(result["tokens_removed"] or result["blacklist_removed"])
    module.exit_json(**result)


if __name__ == "__main__":
    main()
