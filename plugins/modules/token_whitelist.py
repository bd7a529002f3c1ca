#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Aurigraph DLT contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: token_whitelist
short_description: Exempt a user from, or subject them again to, the Aurigraph token rate limit
version_added: 0.1.0
description:
  - Calls the runbook endpoint C(POST /api/v11/auth/tokens/whitelist/add) with C({"userId", "enabled"}).
  - The API offers no way to read the whitelist, so the module cannot know the current state. It always
    sends the request and reports C(changed=true) (in check mode it sends nothing and reports C(changed=true)).
    Guard the task with your own condition if you need a quiet re-run.
author:
  - Aurigraph DLT contributors (@aurigraph)
extends_documentation_fragment:
  - aurigraph.dlt.api
  - aurigraph.dlt.api.timeout
attributes:
  check_mode:
    support: full
    description: Nothing is sent; the module reports what it would set.
  diff_mode:
    support: partial
    description: The previous state is unknown to the API, so C(before) is always C(unknown).
options:
  user_id:
    description: User whose rate-limit exemption is set.
    type: str
    required: true
  enabled:
    description: V(true) exempts the user from the rate limit, V(false) removes the exemption.
    type: bool
    default: true
notes:
  - Needs a build exposing the runbook token endpoints; others fail with
    C(this Aurigraph build does not expose POST /api/v11/auth/tokens/whitelist/add (HTTP 404)).
"""

EXAMPLES = r"""
- name: Exempt the monitoring user from the rate limit
  aurigraph.dlt.token_whitelist:
    api_token: "{{ vault_aurigraph_admin_token }}"
    user_id: monitoring
    enabled: true
"""

RETURN = r"""
user_id:
  description: The user.
  returned: always
  type: str
  sample: monitoring
enabled:
  description: The exemption as the service reports it after the call (in check mode, as requested).
  returned: always
  type: bool
  sample: true
"""

from ansible_collections.aurigraph.dlt.plugins.module_utils.api import Client
from ansible_collections.aurigraph.dlt.plugins.module_utils.arguments import api_module
from ansible_collections.aurigraph.dlt.plugins.module_utils.errors import DltError
from ansible_collections.aurigraph.dlt.plugins.module_utils.tokens import TokenAdmin


def main():
    module = api_module(
        dict(
            user_id=dict(type="str", required=True),
            enabled=dict(type="bool", default=True),
        ),
    )
    user_id, enabled = module.params["user_id"], module.params["enabled"]
    if not user_id.strip():
        module.fail_json(msg="user_id must not be empty")
    result = dict(changed=True, user_id=user_id, enabled=enabled)
    if not module.check_mode:
        try:
            data = TokenAdmin(Client.from_module(module)).whitelist(user_id, enabled)
        except DltError as exc:
            module.fail_json(msg=str(exc), changed=False, user_id=user_id, enabled=None)
        if isinstance(data.get("enabled"), bool):
            result["enabled"] = data["enabled"]
    if module._diff:
        result["diff"] = dict(before={"user_id": user_id, "enabled": "unknown"},
                              after={"user_id": user_id, "enabled": result["enabled"]})
    module.exit_json(**result)


if __name__ == "__main__":
    main()
