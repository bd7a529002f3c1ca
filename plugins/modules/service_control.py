#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Aurigraph DLT contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: service_control
short_description: Emergency stop (graceful, forced, isolate) and start of an Aurigraph service on a host
version_added: 0.2.0
description:
  - Stops or starts the Aurigraph V11 service of a host, run by a systemd unit (O(method=systemd)) or a Docker
    container (O(method=docker)). Kubernetes has its own isolation (C(playbooks/k8s_ops.yml)).
  - O(mode=graceful) sends SIGTERM and waits up to O(timeout) seconds for the process to exit. A process still
    running then is not killed (a systemd unit stays C(deactivating)); the module fails and names the way out.
  - O(mode=forced) does the same, then SIGKILL after O(timeout), and fails unless the process is gone.
  - O(mode=isolate) is a forced stop that also keeps the service from starting again, across a reboot. A systemd unit
    is disabled and gets the drop-in C(/etc/systemd/system/<unit>.d/zz-aurigraph-isolated.conf) whose
    C(AssertPathExists=) never holds, so a start (manual, by a dependency or at boot) fails loudly. A container's
    restart policy becomes C(no).
  - For systemd the stop runs as a C(systemctl stop) job under a runtime drop-in C(TimeoutStopSec=infinity), so the
    unit's own C(TimeoutStopSec=) does not kill early, and C(Restart=) cannot bring the process back. The runtime
    drop-in is removed once the process is gone. For Docker the restart policy is set to C(no) before the signal,
    and put back after a graceful or forced stop.
  - O(state=started) undoes an isolation (removes the drop-in and enables the unit, or sets O(restart_policy)) and
    starts the service. It does not wait for health; run M(aurigraph.dlt.health_info) after it.
  - Stopping a stopped service, or starting a running one, is not a change.
  - Record what happened with M(aurigraph.dlt.release_record) O(aurigraph.dlt.release_record#module:event) (the
    RV(event) this module returns).
author:
  - Aurigraph DLT contributors (@aurigraph)
attributes:
  check_mode:
    support: full
    description: Reads the state and returns what would be done (RV(actions)); sends no signal and writes nothing.
  diff_mode:
    support: none
    description: No diff; RV(before) and RV(after) show the state.
options:
  method:
    description: How the service runs on the host.
    type: str
    choices: [systemd, docker]
    default: systemd
  name:
    description: The systemd unit (C(.service) is added when no suffix is given) or the container name.
    type: str
    required: true
  state:
    description: V(stopped) or V(started).
    type: str
    choices: [stopped, started]
    default: stopped
  mode:
    description: How to stop (only with O(state=stopped)); see the description.
    type: str
    choices: [graceful, forced, isolate]
    default: graceful
  timeout:
    description: Seconds to wait for the process to exit after SIGTERM.
    type: int
    default: 60
  reason:
    description: Why (an incident id); written into the isolation drop-in of a systemd unit.
    type: str
  user:
    description: Who; written into the isolation drop-in of a systemd unit.
    type: str
  restart_policy:
    description:
      - The restart policy a container gets back when O(state=started) undoes an isolation.
      - Default the policy aurigraph.dlt.docker_deploy recorded in the container's label C(io.aurigraph.restart-policy),
        else V(unless-stopped).
    type: str
requirements:
  - systemd (C(systemctl)) or the Docker CLI on the managed host, run as root.
"""

EXAMPLES = r"""
- name: Stop the node, SIGKILL it if it has not exited after 60 s
  aurigraph.dlt.service_control:
    name: aurigraph-v11
    mode: forced
    timeout: 60

- name: Isolate the container (no restart, not even after a reboot)
  aurigraph.dlt.service_control:
    method: docker
    name: aurigraph-v11
    mode: isolate
    reason: INC-4711

- name: Undo the isolation and start
  aurigraph.dlt.service_control:
    name: aurigraph-v11
    state: started
"""

RETURN = r"""
event:
  description: What happened, for the release records - V(stopped) (exited after SIGTERM), V(killed) (SIGKILLed),
    V(isolated), V(started); null when nothing was done (or in check mode).
  returned: always
  type: str
before:
  description: The state before (C(running), C(active_state), C(pid), C(isolated), and C(enabled) or C(restart_policy)).
  returned: always
  type: dict
after:
  description: The state after.
  returned: always
  type: dict
actions:
  description: The commands and files written, or in check mode what would be done.
  returned: always
  type: list
  elements: str
msg:
  description: One line on what happened (or why nothing had to be done).
  returned: always
  type: str
"""

import time

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.aurigraph.dlt.plugins.module_utils import errors, service_control


def main():
    module = AnsibleModule(
        argument_spec=dict(
            method=dict(type="str", choices=["systemd", "docker"], default="systemd"),
            name=dict(type="str", required=True),
            state=dict(type="str", choices=["stopped", "started"], default="stopped"),
            mode=dict(type="str", choices=list(service_control.MODES), default="graceful"),
            timeout=dict(type="int", default=60),
            reason=dict(type="str"),
            user=dict(type="str"),
            restart_policy=dict(type="str"),
        ),
        supports_check_mode=True,
    )
    p = module.params

    def run(argv):
        return module.run_command(argv)

    try:
        if p["method"] == "docker":
            backend = service_control.Docker(run, p["name"], restart_policy=p["restart_policy"],
                                             docker=module.get_bin_path("docker", required=True))
        else:
            module.get_bin_path("systemctl", required=True)
            backend = service_control.Systemd(run, p["name"])
        if p["state"] == "stopped":
            result = service_control.stop(backend, p["mode"], p["timeout"], check_mode=module.check_mode,
                                          reason=p["reason"], who=p["user"],
                                          when=time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()))
        else:
            result = service_control.start(backend, check_mode=module.check_mode)
    except errors.DltError as exc:
        module.fail_json(msg=str(exc), changed=bool(getattr(exc, "changed", False)), event=None, before={}, after={},
                         actions=[])
    module.exit_json(**result)


if __name__ == "__main__":
    main()
