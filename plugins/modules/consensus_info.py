#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Aurigraph DLT contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: consensus_info
short_description: Read Aurigraph consensus status and compute quorum across nodes
version_added: 0.1.0
description:
  - Reads C(GET /api/v11/consensus/status) (C(nodeId), C(state), C(currentTerm), C(commitIndex), C(leaderId),
    C(clusterSize), ...) from O(api_url) and from every URL in O(nodes).
  - The API has no quorum field. RV(quorum) says whether a strict majority of the cluster (C(clusterSize) as reported,
    else O(cluster_size), else the number of nodes asked) answer and agree on one C(leaderId), and that this leader,
    when asked, reports state C(LEADER).
  - Unreachable nodes count as not agreeing; they do not fail the module unless O(require_quorum) is set.
  - Never reports C(changed).
author:
  - Aurigraph DLT contributors (@aurigraph)
extends_documentation_fragment:
  - aurigraph.dlt.api
  - aurigraph.dlt.api.timeout
  - aurigraph.dlt.attributes.info_module
options:
  nodes:
    description:
      - Base URLs of the cluster's nodes. O(api_url) is always asked too (and only once).
      - The connection options (TLS, token, timeout) apply to every node.
    type: list
    elements: str
    default: []
  cluster_size:
    description: Cluster size to use when the nodes do not report C(clusterSize).
    type: int
  require_quorum:
    description: Fail when there is no quorum.
    type: bool
    default: false
"""

EXAMPLES = r"""
- name: Check that the three validators agree on a leader
  aurigraph.dlt.consensus_info:
    api_url: https://node1.example.com:9003
    nodes:
      - https://node2.example.com:9003
      - https://node3.example.com:9003
    require_quorum: true
  register: consensus
"""

RETURN = r"""
status:
  description: The raw consensus status of O(api_url) (empty when it did not answer).
  returned: always
  type: dict
  sample: {"nodeId": "node-1", "state": "LEADER", "currentTerm": 4, "leaderId": "node-1", "clusterSize": 3}
nodes:
  description: Per node - C(url), C(reachable), C(error), C(node_id), C(state), C(term), C(leader_id), C(commit_index),
    C(cluster_size).
  returned: always
  type: list
  elements: dict
quorum:
  description: Quorum facts - C(has_quorum), C(leader_id), C(agreeing), C(required), C(cluster_size), C(reachable),
    C(asked), C(agreeing_nodes), C(terms), C(split_votes), C(reason) (why there is no quorum).
  returned: always
  type: dict
  sample: {"has_quorum": true, "leader_id": "node-1", "agreeing": 3, "required": 2, "cluster_size": 3}
"""

from ansible_collections.aurigraph.dlt.plugins.module_utils.api import Client
from ansible_collections.aurigraph.dlt.plugins.module_utils.arguments import api_module
from ansible_collections.aurigraph.dlt.plugins.module_utils.consensus import STATUS_PATH, compute_quorum, node_view
from ansible_collections.aurigraph.dlt.plugins.module_utils.errors import DltError, TLSError


def main():
    module = api_module(
        dict(
            nodes=dict(type="list", elements="str", default=[]),
            cluster_size=dict(type="int"),
            require_quorum=dict(type="bool", default=False),
        ),
    )
    p = module.params
    urls = []
    for url in [p["api_url"]] + p["nodes"]:
        url = (url or "").rstrip("/")
        if url and url not in urls:
            urls.append(url)
    views, status = [], {}
    for url in urls:
        try:
            data = Client.from_module(module, api_url=url).get_json(STATUS_PATH, auth=False)
            views.append(node_view(url, data))
            if url == urls[0]:
                status = data
        except TLSError as exc:
            module.fail_json(msg=str(exc), changed=False, status=status, nodes=views, quorum={})
        except DltError as exc:
            if not p["nodes"]:
                module.fail_json(msg=str(exc), changed=False, status=status, nodes=views, quorum={})
            views.append(node_view(url, error=str(exc)))
    quorum = compute_quorum(views, p["cluster_size"])
    result = dict(changed=False, status=status, nodes=views, quorum=quorum)
    if p["require_quorum"] and not quorum["has_quorum"]:
        module.fail_json(msg="no consensus quorum: %s" % quorum["reason"], **result)
    module.exit_json(**result)


if __name__ == "__main__":
    main()
