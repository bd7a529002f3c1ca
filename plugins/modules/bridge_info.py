#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Aurigraph DLT contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: bridge_info
short_description: Read Aurigraph bridge status, transfer status and stuck transfers
version_added: 0.1.0
description:
  - Reads C(GET /api/v11/bridge/status/{bridgeId}), C(GET /api/v11/bridge/transfer/{transferId}/status) and, with
    O(list_stuck), C(GET /api/v11/bridge/transfers) filtered client-side for transfers stuck longer than
    O(stuck_older_than) (an in-flight status unchanged since C(updatedAt), else C(createdAt)).
  - Unknown bridge or transfer ids are reported (C(found=false)), not failures.
  - Never reports C(changed).
author:
  - Aurigraph DLT contributors (@aurigraph)
extends_documentation_fragment:
  - aurigraph.dlt.api
  - aurigraph.dlt.api.timeout
  - aurigraph.dlt.attributes.info_module
options:
  bridge_id:
    description: Bridge (chain pair) to read, for example V(bridge-eth-001). Also restricts O(list_stuck).
    type: str
  transfer_ids:
    description: Transfers to read.
    type: list
    elements: str
  list_stuck:
    description: List transfers stuck for longer than O(stuck_older_than).
    type: bool
    default: false
  stuck_older_than:
    description: Stuck threshold, such as V(1h), V(30m), V(3600s) or V(2d).
    type: str
    default: 1h
  statuses:
    description: Statuses that count as stuck.
    type: list
    elements: str
    choices: [PENDING, SIGNED, APPROVED, EXECUTING, FAILED]
    default: [PENDING, SIGNED, APPROVED, EXECUTING]
"""

EXAMPLES = r"""
- name: Bridge health and the transfers stuck for more than an hour
  aurigraph.dlt.bridge_info:
    api_token: "{{ vault_aurigraph_admin_token }}"
    bridge_id: bridge-eth-001
    list_stuck: true
  register: bridge

- name: Show them
  ansible.builtin.debug:
    msg: "{{ bridge.stuck_count }} stuck; oldest {{ (bridge.stuck_transfers | first).transfer_id | default('-') }}"
"""

RETURN = r"""
bridge:
  description: Bridge status (C(status), C(health.pending_transfers), C(health.stuck_transfers), ...); C(found=false)
    when the service does not know the bridge.
  returned: when O(bridge_id) is set
  type: dict
transfers:
  description: One entry per O(transfer_ids) item - C(transfer_id), C(found) and the transfer's fields.
  returned: always
  type: list
  elements: dict
stuck_transfers:
  description: Stuck transfers, oldest first, with C(transfer_id), C(bridge_id), C(status), C(age_seconds).
  returned: when O(list_stuck=true)
  type: list
  elements: dict
stuck_count:
  description: Number of stuck transfers.
  returned: when O(list_stuck=true)
  type: int
"""

from ansible_collections.aurigraph.dlt.plugins.module_utils.api import Client
from ansible_collections.aurigraph.dlt.plugins.module_utils.arguments import api_module
from ansible_collections.aurigraph.dlt.plugins.module_utils import bridge as bridge_utils
from ansible_collections.aurigraph.dlt.plugins.module_utils.errors import DltError, NotFoundError
from ansible_collections.aurigraph.dlt.plugins.module_utils.timeutil import parse_duration


def main():
    module = api_module(
        dict(
            bridge_id=dict(type="str"),
            transfer_ids=dict(type="list", elements="str"),
            list_stuck=dict(type="bool", default=False),
            stuck_older_than=dict(type="str", default="1h"),
            statuses=dict(type="list", elements="str", default=["PENDING", "SIGNED", "APPROVED", "EXECUTING"],
                          choices=["PENDING", "SIGNED", "APPROVED", "EXECUTING", "FAILED"]),
        ),
    )
    p = module.params
    if not (p["bridge_id"] or p["transfer_ids"] or p["list_stuck"]):
        module.fail_json(msg="nothing to read: set bridge_id, transfer_ids and/or list_stuck=true")
    result = dict(changed=False, transfers=[])
    try:
        threshold = parse_duration(p["stuck_older_than"], "stuck_older_than")
        api = bridge_utils.BridgeApi(Client.from_module(module))
        if p["bridge_id"]:
            try:
                result["bridge"] = dict(api.bridge_status(p["bridge_id"]), found=True)
            except NotFoundError:
                result["bridge"] = dict(bridge_id=p["bridge_id"], found=False)
        for tid in p["transfer_ids"] or []:
            item = api.transfer_status(tid)
            result["transfers"].append(dict(item, transfer_id=tid, found=True) if item is not None
                                       else dict(transfer_id=tid, found=False))
        if p["list_stuck"]:
            now = bridge_utils._now()
            stuck = bridge_utils.select_stuck(api.list_transfers(bridge_id=p["bridge_id"]), threshold, now,
                                              p["statuses"], p["bridge_id"])
            result["stuck_transfers"] = [bridge_utils.summarise(item, now) for item in stuck]
            result["stuck_count"] = len(stuck)
    except DltError as exc:
        module.fail_json(msg=str(exc), **result)
    module.exit_json(**result)


if __name__ == "__main__":
    main()
