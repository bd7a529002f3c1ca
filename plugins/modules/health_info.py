#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Aurigraph DLT contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: health_info
short_description: Read, wait for and verify the health of an Aurigraph V11 service
version_added: 0.1.0
description:
  - Reads the Quarkus health probes (C(/q/health), C(/q/health/live), C(/q/health/ready), C(/q/health/started)),
    C(/api/v11/health) (both the runbook shape with a list of checks and the real-build shape with a map) and
    C(/api/v11/info).
  - With O(wait_for) it polls only the chosen C(/q/health/<probe>) (not rate-limited; HTTP 503 means DOWN) with a
    capped back-off until it is UP or O(timeout) has passed, then reads C(/api/v11/health) and C(/api/v11/info)
    once each (both are rate-limited; HTTP 429 is retried within the budget).
  - It can then verify the version, the commit and that the process restarted, so deploy roles use it as their
    health gate. With O(systemd_unit) or O(docker_container) a crashed process fails the wait at once.
  - Never reports C(changed).
author:
  - Aurigraph DLT contributors (@aurigraph)
extends_documentation_fragment:
  - aurigraph.dlt.api
  - aurigraph.dlt.attributes.info_module
options:
  wait_for:
    description:
      - V(none) reads C(/q/health) once.
      - V(live), V(ready) or V(started) polls C(/q/health/live), C(/q/health/ready) or C(/q/health/started) until UP.
    type: str
    choices: [none, live, ready, started]
    default: none
  timeout:
    description:
      - Total time budget in seconds of the module (the wait plus the two API reads).
      - Unlike the other modules of the collection this is not a per-call budget; note that C(module_defaults)
        for C(group/aurigraph.dlt.api) also sets it.
    type: int
    default: 120
  interval:
    description:
      - Initial seconds between two polls; it grows by half each time up to 10 seconds (or O(interval) if larger).
    type: int
    default: 2
  expected_version:
    description:
      - Fail unless C(/api/v11/info) reports this version in C(build.version) or C(platform.version).
      - Real builds hard-code these; use O(expected_commit) or O(started_after) to prove a new release runs.
    type: str
  expected_commit:
    description:
      - Fail unless C(build.commit_hash) of C(/api/v11/info) equals this value (the service echoes its
        E(GIT_COMMIT) environment variable there).
    type: str
  started_after:
    description:
      - ISO-8601 date-time or epoch seconds. Fail unless C(runtime.start_time) of C(/api/v11/info) is later,
        which proves the process restarted after a swap.
    type: str
  require_components_up:
    description:
      - Fail unless every component check of C(/api/v11/health) is UP.
      - Defaults to V(true) when O(wait_for) is set and V(false) otherwise.
    type: bool
  systemd_unit:
    description:
      - Name of the systemd unit running the service. Each poll runs
        C(systemctl show -p LoadState,ActiveState,SubState,Result,ExecMainStatus,NRestarts <unit>) and fails at once
        when the unit does not exist, is C(failed) or C(inactive), waits in C(auto-restart) after a crash
        (C(Restart=on-failure)), or was restarted by systemd since the first poll.
    type: str
  docker_container:
    description:
      - Name of the Docker container running the service. Each poll runs
        C(docker inspect -f '{{.State.Status}} {{.State.ExitCode}} {{.RestartCount}}') and fails at once when it is
        C(exited), C(dead) or C(restarting), or was restarted by Docker since the first poll.
    type: str
notes:
  - Supports C(check_mode).
seealso:
  - module: aurigraph.dlt.consensus_info
"""

EXAMPLES = r"""
- name: Read the health of the local node
  aurigraph.dlt.health_info:
  register: health

- name: Wait until the new release is ready and really running
  aurigraph.dlt.health_info:
    api_url: https://dlt.example.com:9003
    ca_path: /etc/pki/aurigraph/ca.pem
    wait_for: ready
    timeout: 180
    expected_commit: "{{ release_commit }}"
    started_after: "{{ swap_time }}"
    systemd_unit: aurigraph-v11
"""

RETURN = r"""
status:
  description: Status of the probe read (C(/q/health) or the one given by O(wait_for)).
  returned: always
  type: str
  sample: UP
ready:
  description: Whether the probe is UP.
  returned: always
  type: bool
  sample: true
checks:
  description: Checks of the probe.
  returned: always
  type: list
  elements: dict
  sample: [{"name": "Database connections health check", "status": "UP"}]
api_health:
  description: C(/api/v11/health) normalised to one shape, whatever the build answers.
  returned: when read (not on a failed wait)
  type: dict
  sample: {"status": "UP", "checks": [{"name": "database", "status": "UP"}]}
version:
  description: C(build.version), else C(platform.version) of C(/api/v11/info).
  returned: when read
  type: str
  sample: 11.4.4
commit:
  description: C(build.commit_hash) of C(/api/v11/info).
  returned: when read
  type: str
  sample: 4f2a9c1
start_time:
  description: C(runtime.start_time) of C(/api/v11/info), as the service reports it.
  returned: when read
  type: str
  sample: "2026-11-23T15:04:05Z"
info:
  description: The raw C(/api/v11/info) document.
  returned: when read
  type: dict
elapsed:
  description: Seconds spent by the module.
  returned: always
  type: float
  sample: 6.5
"""

from ansible_collections.aurigraph.dlt.plugins.module_utils.api import Client
from ansible_collections.aurigraph.dlt.plugins.module_utils.arguments import api_module
from ansible_collections.aurigraph.dlt.plugins.module_utils.errors import DltError
from ansible_collections.aurigraph.dlt.plugins.module_utils.health import HealthChecker, HealthFailure, ProcessWatch


def main():
    module = api_module(
        dict(
            wait_for=dict(type="str", default="none", choices=["none", "live", "ready", "started"]),
            interval=dict(type="int", default=2),
            expected_version=dict(type="str"),
            expected_commit=dict(type="str"),
            started_after=dict(type="str"),
            require_components_up=dict(type="bool"),
            systemd_unit=dict(type="str"),
            docker_container=dict(type="str"),
        ),
        spec_overrides=dict(timeout=dict(type="int", default=120)),
    )
    params = module.params
    empty = dict(status="UNKNOWN", ready=False, checks=[], api_health=None, version=None, commit=None,
                 start_time=None, info=None, elapsed=0.0)
    try:
        client = Client.from_module(module, timeout=min(params["timeout"], 30))
        watch = ProcessWatch(module.run_command, module.get_bin_path,
                             systemd_unit=params["systemd_unit"], docker_container=params["docker_container"])
        checker = HealthChecker(
            client, wait_for=params["wait_for"], timeout=params["timeout"], interval=params["interval"],
            expected_version=params["expected_version"], expected_commit=params["expected_commit"],
            started_after=params["started_after"], require_components_up=params["require_components_up"],
            watch=watch)
        result = checker.run()
    except HealthFailure as exc:
        module.fail_json(msg=str(exc), changed=False, **exc.result.as_dict())
    except DltError as exc:
        module.fail_json(msg=str(exc), changed=False, **empty)
    module.exit_json(changed=False, **result.as_dict())


if __name__ == "__main__":
    main()
