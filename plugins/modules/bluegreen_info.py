#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Aurigraph DLT contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: bluegreen_info
short_description: Decide where a blue-green systemd deploy goes, and what a failed one must undo
version_added: 0.1.0
description:
  - The decisions of the C(systemd_bluegreen) deploy method (role aurigraph.dlt.bluegreen_deploy), made in one call
    before anything changes. Two instances of one systemd template unit, C(<service>@blue) and C(<service>@green),
    run on their own local ports behind the nginx edge (role aurigraph.dlt.edge).
  - Which colour serves is read from the edge's live upstream file (the port nginx forwards to), not from a state
    file, so a run cut off after the switch is read correctly. The colour state file only says which release each
    colour holds.
  - The release goes to the idle colour (blue on the first blue-green deploy, also when the in-place service of the
    systemd method serves), or nowhere (RV(plan.noop)) when the serving colour already runs it.
  - Refuses, with the reason, settings that would run both colours on one exclusive store (a data directory without
    C(%i)), ports that clash with each other or with O(reserved), and an O(api_url) that names an instance's port.
  - With O(rollback_before), also says what a failed switch or verify must undo (RV(rollback)).
author:
  - Aurigraph DLT contributors (@aurigraph)
extends_documentation_fragment:
  - aurigraph.dlt.attributes.info_module
options:
  release_id:
    description: The release to deploy (or, with O(existing_only), to bring back).
    type: str
    required: true
  ports:
    description: 'HTTP port of each colour, for example C({blue: 9013, green: 9023}).'
    type: dict
    required: true
  grpc_ports:
    description: gRPC port of each colour.
    type: dict
    required: true
  data_dir:
    description: Data directory of a colour, with C(%i) standing for the colour. Without C(%i) the method is refused.
    type: str
    required: true
  service_name:
    description: Name of the service; the units are C(<service_name>@<colour>.service).
    type: str
    required: true
  legacy_port:
    description: HTTP port of the in-place service (systemd method), which serves before the first blue-green deploy.
    type: int
    required: true
  upstream_path:
    description: The edge's live upstream file (C(upstream.conf)); missing means nothing is behind the edge yet.
    type: path
    required: true
  state_path:
    description: The colour state file (JSON); missing means no colour holds a release yet.
    type: path
    required: true
  reserved:
    description: Ports in use on the host by something else (name to port), which no colour port may take.
    type: dict
    default: {}
  existing_only:
    description: The release must already be on the idle colour (a manual rollback starts it again).
    type: bool
    default: false
  rollback_before:
    description: The plan returned before the switch (RV(plan)); returns RV(rollback) against the live upstream.
    type: dict
  api_url:
    description:
      - The service's URL (C(aurigraph_api_url)). Refused when it names a colour's port or O(legacy_port) directly;
        under this method it must be the edge's URL, since every instance port stops serving in turn.
    type: str
"""

EXAMPLES = r"""
- name: Where does the release go
  aurigraph.dlt.bluegreen_info:
    release_id: 11.4.5-0a1b2c3d-445566
    ports: {blue: 9013, green: 9023}
    grpc_ports: {blue: 9014, green: 9024}
    data_dir: /var/lib/aurigraph-%i
    service_name: aurigraph-v11
    legacy_port: 9003
    upstream_path: /etc/nginx/aurigraph-edge/upstream.conf
    state_path: /opt/aurigraph/v11/.deploy/colours.json
  register: bluegreen
"""

RETURN = r"""
plan:
  description: The decision.
  returned: success
  type: dict
  contains:
    edge_port:
      description: The port the edge forwards to now (null when there is no upstream file).
      type: int
    serving:
      description: C(blue), C(green), C(in-place) (the systemd method's unit) or null (nothing behind the edge).
      type: str
    serving_port:
      description: Its HTTP port.
      type: int
    serving_unit:
      description: Its systemd unit.
      type: str
    serving_release:
      description: The release the serving colour holds (null for C(in-place)).
      type: str
    target:
      description: The colour the release goes to.
      type: str
    target_port:
      description: Its HTTP port.
      type: int
    target_grpc_port:
      description: Its gRPC port.
      type: int
    target_unit:
      description: Its unit, C(<service_name>@<colour>.service).
      type: str
    target_data_dir:
      description: Its data directory.
      type: str
    noop:
      description: The serving colour already runs the release; nothing is started or switched.
      type: bool
    holds:
      description: Release held by each colour (from the state file).
      type: dict
    state:
      description: The colour state file's content.
      type: dict
rollback:
  description: With O(rollback_before), what to undo.
  returned: when O(rollback_before) is given
  type: dict
  contains:
    switch_back:
      description: The edge forwards to the failed colour and something served before; point it back at RV(rollback.restore_port).
      type: bool
    restore_port:
      description: The port that served before.
      type: int
    restore_unit:
      description: The unit that served before (never stopped by the deploy).
      type: str
    stop_unit:
      description: The unit of the failed colour, to stop (null when nothing was started).
      type: str
"""

import os

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.aurigraph.dlt.plugins.module_utils import bluegreen, errors


def _read(path):
    if not os.path.exists(path):
        return ""
    with open(path) as handle:
        return handle.read()


def main():
    module = AnsibleModule(
        argument_spec=dict(
            release_id=dict(type="str", required=True),
            ports=dict(type="dict", required=True),
            grpc_ports=dict(type="dict", required=True),
            data_dir=dict(type="str", required=True),
            service_name=dict(type="str", required=True),
            legacy_port=dict(type="int", required=True),
            upstream_path=dict(type="path", required=True),
            state_path=dict(type="path", required=True),
            reserved=dict(type="dict", default={}),
            existing_only=dict(type="bool", default=False),
            rollback_before=dict(type="dict"),
            api_url=dict(type="str"),
        ),
        supports_check_mode=True,
    )
    params = module.params
    try:
        upstream = _read(params["upstream_path"])
        result = {"changed": False, "plan": bluegreen.plan(
            params["release_id"], params["ports"], params["grpc_ports"], params["data_dir"], params["service_name"],
            params["legacy_port"], upstream, _read(params["state_path"]), reserved=params["reserved"],
            existing_only=params["existing_only"], api_url=params["api_url"])}
        if params["rollback_before"]:
            result["rollback"] = bluegreen.rollback_plan(params["rollback_before"], bluegreen.upstream_port(upstream))
    except (errors.DltError, OSError) as exc:
        module.fail_json(msg=str(exc), changed=False)
    module.exit_json(**result)


if __name__ == "__main__":
    main()
