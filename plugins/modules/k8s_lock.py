#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Aurigraph DLT contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: k8s_lock
short_description: Take or release a deploy lock held as a Kubernetes Lease
version_added: 0.1.0
description:
  - Ansible has no lock across runs. Two blue-green deploys of the same application at once (two CI pipelines,
    an AWX job and a person) would each pick the idle colour and switch the Service under the other. This module
    holds a C(coordination.k8s.io/v1) Lease named O(name) in O(namespace) for the length of a deploy or rollback.
  - Taking the lock creates the Lease; the API server refuses a second create, so two runs can never both hold it.
    A Lease held by another O(holder) fails at once with who holds it, for what and since when, unless it has
    expired (older than its O(ttl)) or O(force=true); taking it over then uses the Lease's resource version, so a
    race is lost cleanly instead of both runs proceeding.
  - Taking a lock already held by the same O(holder), or releasing a lock that is not held, does nothing.
  - The lock is transient bookkeeping. Taking and releasing it never reports C(changed), so an unchanged deploy
    re-run reports C(changed=0). RV(acquired) and RV(released) tell what happened.
author:
  - Aurigraph DLT contributors (@aurigraph)
extends_documentation_fragment:
  - aurigraph.dlt.k8s
attributes:
  check_mode:
    support: full
    description: Reports whether the lock could be taken or released, without changing the Lease.
  diff_mode:
    support: none
    description: Returns no diff.
options:
  namespace:
    description: Namespace of the Lease (the namespace of the deployment).
    type: str
    required: true
  name:
    description: Name of the Lease, for example C(aurigraph-v11-deploy-lock).
    type: str
    required: true
  holder:
    description:
      - Identity of this run, written to C(spec.holderIdentity). Must be the same for taking and releasing, and
        different for every run (for example user, controller host and a run id).
    type: str
    required: true
  state:
    description: V(present) takes the lock, V(absent) releases it.
    type: str
    choices: [present, absent]
    default: present
  ttl:
    description:
      - Seconds after which a lock left behind (a run killed before it could release it) counts as expired and may
        be taken over. Choose it longer than the longest deploy.
    type: int
    default: 3600
  timeout:
    description: Seconds to wait for a lock held by another run to be released before failing. V(0) fails at once.
    type: int
    default: 0
  label:
    description: What the holder is doing, kept in an annotation and shown to a run that finds the lock taken.
    type: str
    default: ''
  force:
    description:
      - Take over (V(state=present)) or delete (V(state=absent)) a Lease held by another holder that has not
        expired. Only when that run is known to be gone.
    type: bool
    default: false
"""

EXAMPLES = r"""
- name: Take the deploy lock of aurigraph-v11
  aurigraph.dlt.k8s_lock:
    namespace: aurigraph-production
    name: aurigraph-v11-deploy-lock
    holder: "alice@ctl-1/1795456993"
    label: deploy registry.example.com/aurigraph/aurigraph-v11:11.5.0
    ttl: 3600

- name: Release it
  aurigraph.dlt.k8s_lock:
    namespace: aurigraph-production
    name: aurigraph-v11-deploy-lock
    holder: "alice@ctl-1/1795456993"
    state: absent
"""

RETURN = r"""
acquired:
  description: Whether this task took the lock (created the Lease or took over an expired one).
  returned: always
  type: bool
  sample: true
released:
  description: Whether this task released the lock (deleted the Lease).
  returned: always
  type: bool
  sample: false
waited:
  description: Seconds spent waiting for another run's lock.
  returned: always
  type: float
  sample: 0.0
holder:
  description: Holder of the lock after the task (C(null) when it is free).
  returned: always
  type: str
  sample: alice@ctl-1/1795456993
previous_holder:
  description: Holder whose expired (or forced) lock was taken over or deleted, else C(null).
  returned: always
  type: str
  sample: bob@ctl-2/1795450000
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.aurigraph.dlt.plugins.module_utils import errors, k8s, k8s_lock


def main():
    module = AnsibleModule(
        argument_spec=k8s.connection_spec(
            namespace=dict(type="str", required=True),
            name=dict(type="str", required=True),
            holder=dict(type="str", required=True),
            state=dict(type="str", choices=["present", "absent"], default="present"),
            ttl=dict(type="int", default=3600),
            timeout=dict(type="int", default=0),
            label=dict(type="str", default=""),
            force=dict(type="bool", default=False),
        ),
        supports_check_mode=True,
    )
    try:
        result = k8s_lock.run(module.params, module.check_mode)
    except errors.DltError as exc:
        module.fail_json(msg=str(exc), **({"exception": exc.exception} if getattr(exc, "exception", None) else {}))
    module.exit_json(**result)


if __name__ == "__main__":
    main()
