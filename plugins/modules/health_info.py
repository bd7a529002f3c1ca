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
  - It then proves the identity of what answers (B(identity by process)), so deploy roles use it as their health
    gate. With O(systemd_unit) and O(expected_jar) the unit's main process must run that JAR (its
    C(/proc/<pid>/cmdline) has C(-jar <expected_jar>)); with O(docker_container) and O(expected_image) the
    container must run that image id; with O(started_after) the process (unit main process or container) must have
    started after that moment. With O(systemd_unit) or O(docker_container) a crashed process fails the wait at once.
  - O(expected_version) and O(expected_commit) are optional extras, because version strings are no proof of which build
    runs (the real upstream build reports 12.0.0 in C(/api/v11/info) while its JAR manifest says 11.0.0, and its
    commit is C(unknown)).
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
      - Initial seconds between two polls; it grows by half each time up to 2 seconds (or O(interval) if larger).
    type: int
    default: 1
  expected_version:
    description:
      - Fail unless C(/api/v11/info) reports this version in C(build.version) or C(platform.version).
      - An optional extra. Real builds hard-code these (the upstream build reports 12.0.0 while its manifest says
        11.0.0); prove a new release runs with O(expected_jar)/O(expected_image) and O(started_after).
    type: str
  expected_commit:
    description:
      - Fail unless C(build.commit_hash) of C(/api/v11/info) equals this value (the service echoes its
        E(GIT_COMMIT) environment variable there).
    type: str
  started_after:
    description:
      - ISO-8601 date-time or epoch seconds (for example the output of C(date +%s.%N) taken just before the restart).
      - With O(systemd_unit) or O(docker_container), fail unless the process started later, by the unit's
        C(ExecMainStartTimestamp) (microseconds) or the container's C(State.StartedAt). This is identity by process.
      - Without them, fail unless C(runtime.start_time) of C(/api/v11/info) is later (a build that does not report
        it fails this check).
    type: str
  expected_jar:
    description:
      - Absolute path of the release's JAR (whose sha256 the deploy verified). Needs O(systemd_unit).
      - After the wait, fail unless the unit's C(MainPID) runs C(-jar <expected_jar>) (read from
        C(/proc/<pid>/cmdline), so the module needs to run as root or as the service user).
    type: path
  expected_image:
    description:
      - Image id (C(sha256:...), or a prefix of at least 12 hex digits) of the release. Needs O(docker_container).
      - After the wait, fail unless the container's C(.Image) is this id.
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
  docker_healthy:
    description:
      - With O(docker_container), after the readiness wait, also wait until the container's Docker C(HEALTHCHECK)
        reports C(healthy) (a container whose image has no health check passes). C(unhealthy) fails at once with
        the health check's last output; the process watch of O(docker_container) keeps failing fast meanwhile.
    type: bool
    default: false
  docker_health_timeout:
    description:
      - Seconds to wait for O(docker_healthy), counted from the end of the readiness wait (a health check runs
        every C(--interval), so give it a few intervals).
    type: int
    default: 60
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
    expected_jar: /opt/aurigraph/v11/releases/12.0.0-1a2b3c4d-5e6f7a/aurigraph-v11-standalone-12.0.0-runner.jar
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
process:
  description:
    - The process behind the service, read after the wait when identity by process is requested (O(expected_jar),
      O(expected_image) or O(started_after) with O(systemd_unit)/O(docker_container)); else null.
    - C(kind) (systemd or docker), C(name), C(pid), C(state), C(started) (epoch seconds), C(cmdline) and C(jar)
      (systemd), C(image_id) (docker).
  returned: always
  type: dict
  sample: {"kind": "systemd", "name": "aurigraph-v11.service", "pid": 4242, "state": "active/running",
           "started": 1795999200.123456, "jar": "/opt/aurigraph/v11/releases/r1/app.jar",
           "cmdline": ["/usr/bin/java", "-jar", "/opt/aurigraph/v11/releases/r1/app.jar"], "image_id": null}
docker_health:
  description: Status of the container's Docker C(HEALTHCHECK) with O(docker_healthy) (C(healthy), or C(none) when
    the image has none); else null.
  returned: always
  type: str
  sample: healthy
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
            interval=dict(type="int", default=1),
            expected_version=dict(type="str"),
            expected_commit=dict(type="str"),
            started_after=dict(type="str"),
            require_components_up=dict(type="bool"),
            systemd_unit=dict(type="str"),
            docker_container=dict(type="str"),
            expected_jar=dict(type="path"),
            expected_image=dict(type="str"),
            docker_healthy=dict(type="bool", default=False),
            docker_health_timeout=dict(type="int", default=60),
        ),
        spec_overrides=dict(timeout=dict(type="int", default=120)),
    )
    params = module.params
    empty = dict(status="UNKNOWN", ready=False, checks=[], api_health=None, version=None, commit=None,
                 start_time=None, info=None, process=None, docker_health=None, elapsed=0.0)
    try:
        client = Client.from_module(module, timeout=min(params["timeout"], 30))
        watch = ProcessWatch(module.run_command, module.get_bin_path,
                             systemd_unit=params["systemd_unit"], docker_container=params["docker_container"])
        checker = HealthChecker(
            client, wait_for=params["wait_for"], timeout=params["timeout"], interval=params["interval"],
            expected_version=params["expected_version"], expected_commit=params["expected_commit"],
            started_after=params["started_after"], require_components_up=params["require_components_up"],
            watch=watch, expected_jar=params["expected_jar"], expected_image=params["expected_image"],
            docker_healthy=params["docker_healthy"], docker_health_timeout=params["docker_health_timeout"])
        result = checker.run()
    except HealthFailure as exc:
        module.fail_json(msg=str(exc), changed=False, **exc.result.as_dict())
    except DltError as exc:
        module.fail_json(msg=str(exc), changed=False, **empty)
    module.exit_json(changed=False, **result.as_dict())


if __name__ == "__main__":
    main()
