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
    each ready pod (or the first one with O(all_pods=false)) and GETs O(ready_path) (must answer 200) and
    O(info_path) (must answer 200 with JSON; with O(expected_version) one of C(build.version),
    C(platform.version) or C(version) must equal it), then every path of O(paths) (must answer 200).
  - With O(pod_selector), endpoints of pods that do not match it (for example the old colour while the
    EndpointSlice controller catches up with a Service that was just switched) count as not yet ready, so
    the check waits for the Service to reach the intended pods instead of testing the wrong ones.
  - Used against the preview Service of a blue-green deployment, so the check reaches the new colour only,
    without Ingress, DNS or a pod network on the controller.
  - Missing endpoints, port-forward errors and non-200 answers are retried every O(interval) seconds until
    O(timeout); a version mismatch fails at once.
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
    description: Readiness path, must answer HTTP 200; empty skips it.
    type: str
    default: /q/health/ready
  info_path:
    description: Info path, must answer HTTP 200 with a JSON object; empty skips it.
    type: str
    default: /api/v11/info
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
    description: Seconds to keep retrying (no endpoints yet, port-forward not yet possible, non-200 answers).
    type: int
    default: 60
  interval:
    description: Seconds between attempts.
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
  description: Version reported by the first tested pod (C(null) without O(info_path)).
  returned: success
  type: str
  sample: 11.5.0
attempts:
  description: Number of attempts made.
  returned: always
  type: int
  sample: 2
"""

import json
import time

from ansible.module_utils.basic import AnsibleModule, missing_required_lib

try:
    from ansible_collections.aurigraph.dlt.plugins.module_utils import k8s_portforward as pf
    HAS_KUBERNETES = pf.HAS_KUBERNETES
    IMPORT_ERROR = pf.KUBERNETES_IMPORT_ERROR
except ImportError as exc:  # pragma: no cover
    HAS_KUBERNETES = False
    IMPORT_ERROR = exc


class SmokeFailure(Exception):
    """A definitive failure: retrying does not help."""


def reported_versions(info):
    found = []
    if isinstance(info, dict):
        for section in ("build", "platform"):
            part = info.get(section)
            if isinstance(part, dict) and part.get("version") is not None:
                found.append(str(part["version"]))
        if info.get("version") is not None:
            found.append(str(info["version"]))
    return found


def check_pod(api, params, namespace, endpoint):
    port = params["port"] or endpoint["port"]
    if not port:
        raise pf.PortForwardError("Service %s has no port on its EndpointSlice; set port" % params["service"])
    result = {"pod": endpoint["pod"], "port": port, "ready_status": None, "version": None}
    if params["ready_path"]:
        status, dummy, body = pf.http_get(api, namespace, endpoint["pod"], port, params["ready_path"],
                                          timeout=params["request_timeout"])
        result["ready_status"] = status
        if status != 200:
            raise pf.PortForwardError("pod %s: GET %s answered %s %s"
                                      % (endpoint["pod"], params["ready_path"], status,
                                         body[:200].decode("utf-8", "replace")))
    if params["info_path"]:
        status, dummy, body = pf.http_get(api, namespace, endpoint["pod"], port, params["info_path"],
                                          timeout=params["request_timeout"])
        if status != 200:
            raise pf.PortForwardError("pod %s: GET %s answered %s" % (endpoint["pod"], params["info_path"], status))
        try:
            info = json.loads(body.decode("utf-8"))
        except ValueError:
            raise SmokeFailure("pod %s: GET %s did not answer JSON" % (endpoint["pod"], params["info_path"]))
        versions = reported_versions(info)
        result["version"] = versions[0] if versions else None
        expected = (params["expected_version"] or "").strip()
        if expected and expected not in versions:
            raise SmokeFailure("pod %s of Service %s reports version %s, expected %s"
                               % (endpoint["pod"], params["service"], result["version"] or "none", expected))
    for path in params["paths"]:
        status, dummy, body = pf.http_get(api, namespace, endpoint["pod"], port, path,
                                          timeout=params["request_timeout"])
        if status != 200:
            raise pf.PortForwardError("pod %s: GET %s answered %s %s"
                                      % (endpoint["pod"], path, status, body[:200].decode("utf-8", "replace")))
    return result


def foreign_pods(api, namespace, endpoints, selector):
    """Names of the endpoint pods that do not match the label selector (empty selector: none)."""
    if not selector:
        return []
    matching = set(pf.pod_names(api, namespace, selector))
    return [endpoint["pod"] for endpoint in endpoints if endpoint["pod"] not in matching]


def run(module, api):
    params = module.params
    clock, sleep = time.monotonic, time.sleep
    namespace = params["namespace"]
    deadline = clock() + params["timeout"]
    attempts = 0
    last = "no attempt"
    while True:
        attempts += 1
        try:
            endpoints = pf.ready_endpoints(api, namespace, params["service"])
            foreign = foreign_pods(api, namespace, endpoints, params["pod_selector"])
            if foreign:
                raise pf.PortForwardError("Service %s/%s still has %d endpoint(s) outside %s: %s"
                                          % (namespace, params["service"], len(foreign), params["pod_selector"],
                                             ", ".join(foreign)))
            if len(endpoints) < params["min_pods"]:
                raise pf.PortForwardError("Service %s/%s has %d ready endpoint(s), %d needed"
                                          % (namespace, params["service"], len(endpoints), params["min_pods"]))
            chosen = endpoints if params["all_pods"] else endpoints[:1]
            pods = [check_pod(api, params, namespace, endpoint) for endpoint in chosen]
            return dict(changed=False, pods=pods, version=pods[0]["version"], attempts=attempts)
        except SmokeFailure as exc:
            module.fail_json(msg="smoke test of Service %s/%s failed: %s" % (namespace, params["service"], exc),
                             attempts=attempts, pods=[])
        except pf.PortForwardError as exc:
            last = str(exc)
        if clock() + params["interval"] > deadline:
            module.fail_json(msg="smoke test of Service %s/%s failed after %d attempt(s) in %d s: %s"
                             % (namespace, params["service"], attempts, params["timeout"], last),
                             attempts=attempts, pods=[])
        sleep(params["interval"])


def main():
    module = AnsibleModule(
        argument_spec=dict(
            kubeconfig=dict(type="path"),
            context=dict(type="str"),
            namespace=dict(type="str", required=True),
            service=dict(type="str", required=True),
            port=dict(type="int", default=0),
            ready_path=dict(type="str", default="/q/health/ready"),
            info_path=dict(type="str", default="/api/v11/info"),
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
    if not HAS_KUBERNETES:
        module.fail_json(msg=missing_required_lib("kubernetes"), exception=str(IMPORT_ERROR))
    try:
        api = pf.client_from_params(module.params)
    except pf.PortForwardError as exc:
        module.fail_json(msg=str(exc))
    module.exit_json(**run(module, api))


if __name__ == "__main__":
    main()
