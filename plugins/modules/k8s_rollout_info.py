#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Aurigraph DLT contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: k8s_rollout_info
short_description: Rollout status of a Kubernetes Deployment, waiting for it like kubectl rollout status
version_added: 0.2.0
description:
  - Reads the Deployment O(name) and the pods its selector matches and decides its rollout state, the test of
    C(kubectl rollout status) - V(complete) when C(observedGeneration) caught up and updated, ready, available
    and current replicas all equal the wanted count (no old pods left); V(failed) at once on
    C(ProgressDeadlineExceeded) or on pods of the new template waiting in C(CrashLoopBackOff),
    C(ImagePullBackOff), C(ErrImagePull), C(InvalidImageName), C(CreateContainerConfigError) or
    C(CreateContainerError); V(missing) when the Deployment does not exist; else V(progressing).
  - With O(wait=true) (the default) it polls every O(interval) seconds until the rollout is complete and fails
    with the reason (failed, missing, or not complete after O(timeout) seconds). With O(wait=false) it reads once
    and never fails on the state.
  - A complete rollout returns the C(pod-template-hash) of its pods (RV(pod_template_hash)), so a later check
    (M(aurigraph.dlt.k8s_smoke) O(aurigraph.dlt.k8s_smoke#module:pod_selector)) can insist on pods of exactly
    this template.
  - Never reports C(changed).
author:
  - Aurigraph DLT contributors (@aurigraph)
extends_documentation_fragment:
  - aurigraph.dlt.k8s
  - aurigraph.dlt.attributes.info_module
options:
  namespace:
    description: Namespace of the Deployment.
    type: str
    required: true
  name:
    description: Name of the Deployment.
    type: str
    required: true
  wait:
    description: Wait for a complete rollout and fail when it fails (V(true)), or read the state once (V(false)).
    type: bool
    default: true
  timeout:
    description: Seconds to wait for a complete rollout.
    type: int
    default: 900
  interval:
    description: Seconds between two reads.
    type: float
    default: 2
"""

EXAMPLES = r"""
- name: Wait for the rollout of the green colour
  aurigraph.dlt.k8s_rollout_info:
    namespace: aurigraph-production
    name: aurigraph-v11-green
    timeout: 600
  register: rollout

- name: Read the state of the blue colour without waiting
  aurigraph.dlt.k8s_rollout_info:
    namespace: aurigraph-production
    name: aurigraph-v11-blue
    wait: false
  register: blue
"""

RETURN = r"""
phase:
  description: V(complete), V(progressing), V(failed) or V(missing).
  returned: always
  type: str
  sample: complete
complete:
  description: Whether the rollout is complete.
  returned: always
  type: bool
  sample: true
message:
  description: Why the rollout failed (empty unless failed or missing).
  returned: always
  type: str
  sample: "pods aurigraph-v11-green-6c9f-abcde CrashLoopBackOff (restarts 2)"
image:
  description: Image of the Deployment's pod template (first container).
  returned: always
  type: str
  sample: registry.example.com/aurigraph/aurigraph-v11:11.5.0
replicas:
  description: Replica counts - wanted (spec), current, updated, ready and available (status).
  returned: always
  type: dict
  sample: {"wanted": 3, "current": 3, "updated": 3, "ready": 3, "available": 3}
pod_template_hash:
  description: The C(pod-template-hash) label of the pods of a complete rollout (null otherwise, or with 0 replicas).
  returned: always
  type: str
  sample: 6c9f8d7b5
polls:
  description: Number of reads.
  returned: always
  type: int
  sample: 4
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.aurigraph.dlt.plugins.module_utils import errors, k8s, k8s_rollout


def main():
    module = AnsibleModule(
        argument_spec=k8s.connection_spec(
            namespace=dict(type="str", required=True),
            name=dict(type="str", required=True),
            wait=dict(type="bool", default=True),
            timeout=dict(type="int", default=900),
            interval=dict(type="float", default=2),
        ),
        supports_check_mode=True,
    )
    try:
        result = k8s_rollout.run(module.params)
    except errors.DltError as exc:
        module.fail_json(msg=str(exc), **(getattr(exc, "result", None) or {}),
                         **({"exception": exc.exception} if getattr(exc, "exception", None) else {}))
    module.exit_json(**result)


if __name__ == "__main__":
    main()
