#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Aurigraph DLT contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: k8s_smoke
short_description: Smoke-test the pods behind a Kubernetes Service through an API-server port-forward
version_added: 0.1.0
description:
  - Lists the ready endpoints of O(service) (EndpointSlices), opens a port-forward through the API server to
    each ready pod (or the first one with O(all_pods=false)) and waits, with the collection's one health gate
    (the C(HealthChecker) of M(aurigraph.dlt.health_info)), for O(ready_path) to answer UP; then reads
    C(/api/v11/info) (with O(expected_version) one of C(build.version), C(platform.version) or C(version) must
    equal it) and GETs every path of O(paths) (must answer 200).
  - With O(pod_selector), endpoints of pods that do not match it (for example the old colour while the
    EndpointSlice controller catches up with a Service that was just switched) count as not yet reachable, so
    the check waits for the Service to reach the intended pods instead of testing the wrong ones.
  - Used against the preview Service of a blue-green deployment, so the check reaches the new colour only,
    without Ingress, DNS or a pod network on the controller.
  - Missing endpoints, port-forward errors and a DOWN readiness probe are waited out until O(timeout) (polling
    every O(interval) seconds, backing off up to 2 s); a version mismatch or a non-200 answer of an extra path
    fails at once (transient 502/503/504 answers and connection errors are retried twice).
  - Never reports C(changed).
author:
  - Aurigraph DLT contributors (@aurigraph)
extends_documentation_fragment:
  - aurigraph.dlt.k8s
  - aurigraph.dlt.attributes.info_module
options:
  namespace:
    description: Namespace of the Service.
    type: str
    required: true
  service:
    description: Service whose ready endpoints are tested (for example the preview Service).
    type: str
    required: true
  port:
    description: Container port to forward to; 0 uses the port of the Service's EndpointSlice.
    type: int
    default: 0
  ready_path:
    description: The health probe waited on until it reports UP (HTTP 200; 503 means DOWN, keep waiting).
    type: str
    choices: [/q/health/live, /q/health/ready, /q/health/started]
    default: /q/health/ready
  expected_version:
    description: Version the info answer must report; empty skips the version check.
    type: str
    default: ''
  paths:
    description:
      - Further paths to GET on every tested pod after the readiness and info checks; each must answer HTTP 200.
      - For checks of your own, for example C(/api/v11/consensus/status) after a promotion.
    type: list
    elements: str
    default: []
  pod_selector:
    description:
      - Label selector (for example C(app=aurigraph-v11,color=green)) the pods behind O(service) must match.
        Endpoints of other pods are waited out until O(timeout); empty accepts any pod.
    type: str
    default: ''
  all_pods:
    description: Test every ready pod (V(true)) or only the first one.
    type: bool
    default: true
  min_pods:
    description: Minimum number of ready endpoints the Service must have.
    type: int
    default: 1
  timeout:
    description: Seconds to wait for the pods (no endpoints yet, port-forward not yet possible, readiness DOWN).
    type: int
    default: 60
  interval:
    description: Seconds between the first attempts (the wait backs off up to 2 s).
    type: float
    default: 2
  request_timeout:
    description: Seconds to wait for one HTTP answer.
    type: float
    default: 10
"""

EXAMPLES = r"""
- name: Smoke-test the preview Service of the new colour
  aurigraph.dlt.k8s_smoke:
    kubeconfig: /etc/aurigraph/deployer.kubeconfig
    namespace: aurigraph-production
    service: aurigraph-v11-preview
    pod_selector: app=aurigraph-v11,color=green
    expected_version: 11.5.0
    timeout: 120

- name: Check the stable Service after the switch, with an extra endpoint
  aurigraph.dlt.k8s_smoke:
    namespace: aurigraph-production
    service: aurigraph-v11
    pod_selector: app=aurigraph-v11,color=green
    paths:
      - /api/v11/consensus/status
"""

RETURN = r"""
pods:
  description: The pods tested, with the version each reported.
  returned: always
  type: list
  elements: dict
  sample: [{"pod": "aurigraph-v11-green-6c9f-abcde", "port": 9003, "ready_status": 200, "version": "11.5.0"}]
version:
  description: Version reported by the first tested pod (C(null) when C(/api/v11/info) reports none).
  returned: success
  type: str
  sample: 11.5.0
attempts:
  description: Number of HTTP requests sent through port-forwards.
  returned: always
  type: int
  sample: 2
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.aurigraph.dlt.plugins.module_utils import errors, k8s, k8s_smoke


def main():
    module = AnsibleModule(
        argument_spec=k8s.connection_spec(
            namespace=dict(type="str", required=True),
            service=dict(type="str", required=True),
            port=dict(type="int", default=0),
            ready_path=dict(type="str", default="/q/health/ready", choices=sorted(k8s_smoke.PROBE_PATHS)),
            expected_version=dict(type="str", default=""),
            paths=dict(type="list", elements="str", default=[]),
            pod_selector=dict(type="str", default=""),
            all_pods=dict(type="bool", default=True),
            min_pods=dict(type="int", default=1),
            timeout=dict(type="int", default=60),
            interval=dict(type="float", default=2),
            request_timeout=dict(type="float", default=10),
        ),
        supports_check_mode=True,
    )
    try:
        result = k8s_smoke.run(module.params)
    except errors.DltError as exc:
        module.fail_json(msg=str(exc), attempts=getattr(exc, "attempts", 0), pods=[],
                         **({"exception": exc.exception} if getattr(exc, "exception", None) else {}))
    module.exit_json(**result)


if __name__ == "__main__":
    main()
