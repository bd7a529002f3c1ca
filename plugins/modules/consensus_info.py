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
  - With O(wait_for=joined) it first waits (up to O(wait_timeout) seconds) until O(api_url) reports itself inside
    a cluster that has a leader - state C(LEADER) or C(FOLLOWER), a C(leaderId), and, where the build reports them,
    itself among C(liveNodes) and C(quorum) true. A node of a cluster of one counts as joined once it answers.
    This is the rejoin check of a rolling deploy, run on each restarted node against its own loopback.
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
  wait_for:
    description:
      - V(none) reads once. V(joined) waits until O(api_url) reports itself joined (see the description) and fails
        after O(wait_timeout) seconds with the last answer.
    type: str
    choices: [none, joined]
    default: none
  wait_timeout:
    description: Seconds to wait with O(wait_for=joined).
    type: int
    default: 120
  wait_interval:
    description: Seconds between two reads with O(wait_for=joined).
    type: float
    default: 1.0
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
from ansible_collections.aurigraph.dlt.plugins.module_utils.fleet import wait_joined


def read_view(module, url):
    """The node view of one URL; unreachable nodes give a view with the error (TLS errors are raised)."""
    try:
        data = Client.from_module(module, api_url=url).get_json(STATUS_PATH, auth=False)
        return node_view(url, data), data
    except TLSError:
        raise
    except DltError as exc:
        return node_view(url, error=str(exc)), {}


def main():
    module = api_module(
        dict(
            nodes=dict(type="list", elements="str", default=[]),
            cluster_size=dict(type="int"),
            require_quorum=dict(type="bool", default=False),
            wait_for=dict(type="str", choices=["none", "joined"], default="none"),
            wait_timeout=dict(type="int", default=120),
            wait_interval=dict(type="float", default=1.0),
        ),
    )
    p = module.params
    if p["wait_for"] == "joined":
        url = (p["api_url"] or "").rstrip("/")
        try:
            view, ok = wait_joined(lambda: read_view(module, url)[0], p["wait_timeout"], p["wait_interval"])
        except TLSError as exc:
            module.fail_json(msg=str(exc), changed=False, status={}, nodes=[], quorum={})
        if not ok:
            module.fail_json(
                msg="%s did not join its cluster within %d s: last answer %s" % (
                    url, p["wait_timeout"], view.get("error") or "state %s, leader %s, live %s, quorum %s" % (
                        view.get("state"), view.get("leader_id"), view.get("live_nodes"), view.get("quorum"))),
                changed=False, status={}, nodes=[view], quorum={})
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
