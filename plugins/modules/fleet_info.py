#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Aurigraph DLT contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: fleet_info
short_description: Quorum-safe batches for a rolling deploy of Aurigraph consensus nodes, and the gates between them
version_added: 0.2.0
description:
  - Decides, from what each host's own node reports (the RV(aurigraph.dlt.consensus_info#module:nodes) view of its
    loopback), how a rolling deploy or rollback may go through a fleet without losing consensus quorum, and checks
    the cluster before and after each batch. It talks to no node itself; run it on the controller with the views
    the hosts gathered.
  - O(phase=plan) returns the batches. A cluster (C(clusterSize) > 1) gets nodes that are already down first, then
    the followers, O(max_parallel) at a time, and the current leader last and alone. A value of O(max_parallel) that
    would leave fewer than a majority of the members live is refused, and so is a cluster without quorum. A fleet of
    stand-alone nodes (cluster size 1) is done O(max_parallel) at a time; a fleet where no node answers (a new
    cluster) is one batch, since a new cluster forms only when a majority starts.
  - Any host in O(nodes) marked unreachable refuses the plan before any host is touched.
  - O(phase=before_batch) fails unless the cluster has a leader and a quorum would remain while the live nodes of
    O(batch) restart. O(phase=after_batch) fails unless every host of O(batch) answers, names the cluster's leader
    and is live in the cluster's view.
  - Never reports C(changed).
author:
  - Aurigraph DLT contributors (@aurigraph)
extends_documentation_fragment:
  - aurigraph.dlt.attributes.info_module
options:
  phase:
    description: What to decide.
    type: str
    choices: [plan, before_batch, after_batch]
    default: plan
  nodes:
    description:
      - One entry per inventory host of the fleet.
    type: list
    elements: dict
    required: true
    suboptions:
      host:
        description: Inventory name of the host.
        type: str
        required: true
      view:
        description:
          - The host's own node as one element of the RV(aurigraph.dlt.consensus_info#module:nodes) return value
            (C(reachable), C(node_id), C(state), C(leader_id), C(term), C(cluster_size), C(live_nodes), C(quorum)).
          - Empty when the node did not answer.
        type: dict
        default: {}
      unreachable:
        description: The host itself could not be reached over its connection.
        type: bool
        default: false
  batch:
    description: Inventory names of the hosts of the batch, with O(phase=before_batch) and O(phase=after_batch).
    type: list
    elements: str
    default: []
  max_parallel:
    description: How many hosts one batch may hold, with O(phase=plan).
    type: int
    default: 1
  quorum_gate:
    description:
      - V(auto) gates on the quorum when the nodes' consensus views can carry the decision (they agree on one leader,
        and either report who is live or a C(clusterSize) equal to the number of hosts) and otherwise plans
        O(max_parallel) at a time without the gate, saying why (the real build reports a simulated cluster in which
        each node is its own leader). V(always) refuses a fleet whose views cannot carry the decision. V(never)
        never gates on the quorum (batches of O(max_parallel), nodes that do not answer first).
    type: str
    choices: [auto, always, never]
    default: auto
  planned_kind:
    description:
      - With O(phase=before_batch) and O(phase=after_batch) - the C(kind) the plan found. A rollout keeps it - a
        V(cluster) stays gated even while a restarted node names another leader (the gate then fails); an
        V(unverified) or V(standalone) fleet is never gated. Unset (or V(bootstrap)) decides from the views.
    type: str
    choices: [bootstrap, standalone, cluster, unverified, k8s]
  allow_quorum_loss:
    description:
      - Accept an outage - plan and start batches even when the cluster has no quorum or a batch would take it below
        a majority. For emergencies only.
    type: bool
    default: false
"""

EXAMPLES = r"""
- name: Read the consensus status of each host's own node (unreachable nodes are reported, not failed)
  aurigraph.dlt.consensus_info:
    api_url: http://127.0.0.1:9003
    nodes: [http://127.0.0.1:9003]
  register: consensus
  ignore_unreachable: true

- name: Plan the batches on the controller
  aurigraph.dlt.fleet_info:
    phase: plan
    max_parallel: 1
    nodes: >-
      {%- set out = [] -%}
      {%- for h in ansible_play_hosts_all -%}
      {%- set r = hostvars[h].consensus | default({}) -%}
      {%- set _ = out.append({'host': h, 'unreachable': r.unreachable | default(false),
                              'view': (r.nodes | default([{}]))[0]}) -%}
      {%- endfor -%}
      {{ out }}
  delegate_to: localhost
  run_once: true
  register: fleet

- name: Check a quorum remains while the next batch restarts
  aurigraph.dlt.fleet_info:
    phase: before_batch
    batch: "{{ ansible_play_batch }}"
    nodes: "{{ fleet_nodes }}"
  delegate_to: localhost
  run_once: true
"""

RETURN = r"""
plan:
  description: With O(phase=plan) - C(kind) (bootstrap, standalone, cluster or unverified), C(batches) (lists of hosts, in order),
    C(serial) (their sizes, for the C(serial) play keyword), C(order), C(leader), C(leader_host), C(cluster_size),
    C(required) (nodes needed for quorum), C(live) (member ids seen live) and C(state).
  returned: when phase is plan
  type: dict
  sample: {"kind": "cluster", "batches": [["node2"], ["node3"], ["node1"]], "serial": [1, 1, 1],
           "leader": "node1", "leader_host": "node1", "cluster_size": 3, "required": 2}
state:
  description: The cluster as seen, in one line.
  returned: always
  type: str
  sample: "3-node cluster, term 4: leader node1, 3 live (node1, node2, node3), 2 needed for quorum"
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.aurigraph.dlt.plugins.module_utils import fleet
from ansible_collections.aurigraph.dlt.plugins.module_utils.errors import DltError


def main():
    module = AnsibleModule(
        argument_spec=dict(
            phase=dict(type="str", choices=["plan", "before_batch", "after_batch"], default="plan"),
            nodes=dict(type="list", elements="dict", required=True, options=dict(
                host=dict(type="str", required=True),
                view=dict(type="dict", default={}),
                unreachable=dict(type="bool", default=False),
            )),
            batch=dict(type="list", elements="str", default=[]),
            max_parallel=dict(type="int", default=1),
            allow_quorum_loss=dict(type="bool", default=False),
            quorum_gate=dict(type="str", choices=["auto", "always", "never"], default="auto"),
            planned_kind=dict(type="str", choices=["bootstrap", "standalone", "cluster", "unverified", "k8s"]),
        ),
        supports_check_mode=True,
    )
    p = module.params
    gate = p["quorum_gate"]
    try:
        if p["phase"] == "plan":
            plan = fleet.plan(p["nodes"], p["max_parallel"], p["allow_quorum_loss"], gate)
            module.exit_json(changed=False, plan=plan, state=plan["state"])
        elif p["phase"] == "before_batch":
            state = fleet.check_before_batch(p["nodes"], p["batch"], p["allow_quorum_loss"], gate, p["planned_kind"])
        else:
            state = fleet.check_after_batch(p["nodes"], p["batch"], gate, p["planned_kind"])
    except DltError as exc:
        module.fail_json(msg=str(exc), changed=False, state=fleet.FleetState(p["nodes"], "auto").describe())
    module.exit_json(changed=False, state=state)


if __name__ == "__main__":
    main()
