#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Aurigraph DLT contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: token_revoke
short_description: Revoke one Aurigraph token by id, or every token of a user
version_added: 0.1.0
description:
  - Uses the real-build endpoints C(DELETE /api/v11/auth/tokens/{tokenId}?reason=) and
    C(DELETE /api/v11/auth/tokens/all/{userId}?reason=).
  - Idempotent. For O(token_id) the token details are read first and an already revoked or expired token is left
    alone; an unknown token id is reported with C(found=false) and a warning, not as a failure, because a token
    that no longer exists cannot be used either. For O(user_id) the active tokens are counted first and nothing
    is sent when there are none.
author:
  - Aurigraph DLT contributors (@aurigraph)
extends_documentation_fragment:
  - aurigraph.dlt.api
  - aurigraph.dlt.api.timeout
attributes:
  check_mode:
    support: full
    description: Only the read endpoints are called.
  diff_mode:
    support: full
    description: Shows the number of active tokens concerned before and after.
options:
  token_id:
    description: Id of the token to revoke (the token id, not the token nor its hash).
    type: str
  user_id:
    description: Revoke all tokens of this user (for example on logout-everywhere or account compromise).
    type: str
  reason:
    description: Reason recorded with the revocation (sent as the C(reason) query parameter).
    type: str
    default: Revoked by Ansible (aurigraph.dlt.token_revoke)
"""

EXAMPLES = r"""
- name: Revoke one token
  aurigraph.dlt.token_revoke:
    api_token: "{{ vault_aurigraph_admin_token }}"
    token_id: 7d9c2f4e-4b1e-4f7a-9a41-1c2b3d4e5f60
    reason: "Incident INC-1234"

- name: Log a compromised account out everywhere
  aurigraph.dlt.token_revoke:
    user_id: alice
    reason: "Account compromise"
"""

RETURN = r"""
found:
  description: Whether the token (O(token_id)) exists; always V(true) for O(user_id).
  returned: always
  type: bool
revoked_count:
  description: Tokens revoked (in check mode, that would be revoked).
  returned: always
  type: int
  sample: 3
"""

from ansible_collections.aurigraph.dlt.plugins.module_utils.api import Client
from ansible_collections.aurigraph.dlt.plugins.module_utils.arguments import api_module
from ansible_collections.aurigraph.dlt.plugins.module_utils.errors import DltError
from ansible_collections.aurigraph.dlt.plugins.module_utils.tokens import TokenAdmin, active_count, token_is_active


def main():
    module = api_module(
        dict(
            token_id=dict(type="str"),
            user_id=dict(type="str"),
            reason=dict(type="str", default="Revoked by Ansible (aurigraph.dlt.token_revoke)"),
        ),
        mutually_exclusive=[["token_id", "user_id"]],
        required_one_of=[["token_id", "user_id"]],
    )
    token_id, user_id, reason = module.params["token_id"], module.params["user_id"], module.params["reason"]
    result = dict(changed=False, found=True, revoked_count=0)
    try:
        admin = TokenAdmin(Client.from_module(module))
        if token_id:
            details = admin.details(token_id)
            result["found"] = details is not None
            before = 1 if token_is_active(details) else 0
            if details is None:
                module.warn("token %s was not found; nothing to revoke" % token_id)
            elif before and not module.check_mode:
                admin.revoke_token(token_id, reason)
        else:
            before = active_count(admin.active(user_id, page=0, page_size=1))
            if before and not module.check_mode:
                revoked, _data = admin.revoke_all(user_id, reason)
                if revoked is not None:
                    before = revoked
    except DltError as exc:
        module.fail_json(msg=str(exc), **result)
    result.update(changed=before > 0, revoked_count=before)
    if module._diff:
        result["diff"] = dict(before={"active_tokens": before}, after={"active_tokens": 0})
    module.exit_json(**result)


if __name__ == "__main__":
    main()
