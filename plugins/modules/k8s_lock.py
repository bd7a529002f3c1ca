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

import datetime
import time

from ansible.module_utils.basic import AnsibleModule, missing_required_lib

try:
    from ansible_collections.aurigraph.dlt.plugins.module_utils import k8s_portforward as pf
    HAS_KUBERNETES = pf.HAS_KUBERNETES
    IMPORT_ERROR = pf.KUBERNETES_IMPORT_ERROR
except ImportError as exc:  # pragma: no cover
    HAS_KUBERNETES = False
    IMPORT_ERROR = exc

LABEL_ANNOTATION = "aurigraph.io/lock-label"


class LockError(Exception):
    """A one-line, user-facing reason."""


def utcnow():
    return datetime.datetime.now(datetime.timezone.utc)


def lease_body(params, now, resource_version=None):
    metadata = {"name": params["name"], "namespace": params["namespace"],
                "labels": {"app.kubernetes.io/managed-by": "aurigraph.dlt"},
                "annotations": {LABEL_ANNOTATION: params["label"]}}
    if resource_version:
        metadata["resourceVersion"] = resource_version
    stamp = now.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    return {"apiVersion": "coordination.k8s.io/v1", "kind": "Lease", "metadata": metadata,
            "spec": {"holderIdentity": params["holder"], "leaseDurationSeconds": params["ttl"],
                     "acquireTime": stamp, "renewTime": stamp}}


def describe(lease):
    spec, meta = lease.spec, lease.metadata
    label = ((meta.annotations or {}).get(LABEL_ANNOTATION) or "").strip()
    since = spec.acquire_time or spec.renew_time
    return "%s%s since %s" % (spec.holder_identity or "nobody", " (%s)" % label if label else "",
                              since.strftime("%Y-%m-%dT%H:%M:%SZ") if since else "an unknown time")


def expired(lease, now):
    spec = lease.spec
    stamp = spec.renew_time or spec.acquire_time
    if stamp is None or not spec.lease_duration_seconds:
        return True
    if stamp.tzinfo is None:
        stamp = stamp.replace(tzinfo=datetime.timezone.utc)
    return now > stamp + datetime.timedelta(seconds=spec.lease_duration_seconds)


class Held(LockError):
    """The lock is held by another run that has not expired."""


def result(acquired=False, released=False, holder=None, previous_holder=None):
    return dict(changed=False, acquired=acquired, released=released, holder=holder, previous_holder=previous_holder,
                waited=0.0)


class LeaseLock(object):
    def __init__(self, coordination, params, check_mode):
        self.api = coordination
        self.params = params
        self.check_mode = check_mode
        self.clock = utcnow
        self.sleep = time.sleep
        self.monotonic = time.monotonic

    def acquire_waiting(self, interval=2.0):
        """acquire(), retried every ``interval`` seconds up to ``timeout`` while another run holds the lock."""
        start = self.monotonic()
        while True:
            try:
                outcome = self.acquire()
                outcome["waited"] = round(self.monotonic() - start, 1)
                return outcome
            except Held:
                if self.monotonic() + interval - start > self.params["timeout"]:
                    raise
            self.sleep(interval)

    def _read(self):
        try:
            return self.api.read_namespaced_lease(self.params["name"], self.params["namespace"])
        except pf.ApiException as exc:
            if exc.status == 404:
                return None
            raise LockError("cannot read the Lease %s/%s: %s"
                            % (self.params["namespace"], self.params["name"], pf._api_reason(exc)))

    def _where(self):
        return "%s/%s" % (self.params["namespace"], self.params["name"])

    def acquire(self):
        holder = self.params["holder"]
        lease = self._read()
        if lease is None:
            if not self.check_mode:
                try:
                    self.api.create_namespaced_lease(self.params["namespace"], lease_body(self.params, self.clock()))
                except pf.ApiException as exc:
                    if exc.status == 409:
                        raise LockError("the deploy lock %s was taken by another run at the same moment: "
                                        "try again when it has finished" % self._where())
                    raise LockError("cannot create the Lease %s: %s" % (self._where(), pf._api_reason(exc)))
            return result(acquired=True, holder=holder)
        current = lease.spec.holder_identity
        if current == holder:
            return result(holder=holder)
        now = self.clock()
        if current and not expired(lease, now) and not self.params["force"]:
            raise Held("the deploy lock %s is held by %s: another deploy or rollback is running. Wait for it "
                       "(timeout), or, if that run is gone, force=true (aurigraph_k8s_lock_force)"
                       % (self._where(), describe(lease)))
        if not self.check_mode:
            try:
                self.api.replace_namespaced_lease(
                    self.params["name"], self.params["namespace"],
                    lease_body(self.params, now, resource_version=lease.metadata.resource_version))
            except pf.ApiException as exc:
                if exc.status == 409:
                    raise LockError("the deploy lock %s changed while taking it over: another run took it first"
                                    % self._where())
                raise LockError("cannot take over the Lease %s: %s" % (self._where(), pf._api_reason(exc)))
        return result(acquired=True, holder=holder, previous_holder=current or None)

    def release(self):
        lease = self._read()
        if lease is None:
            return result()
        current = lease.spec.holder_identity
        if current != self.params["holder"] and not self.params["force"]:
            raise LockError("the deploy lock %s is held by %s, not by this run (%s): left in place"
                            % (self._where(), describe(lease), self.params["holder"]))
        if not self.check_mode:
            try:
                self.api.delete_namespaced_lease(
                    self.params["name"], self.params["namespace"],
                    body={"preconditions": {"resourceVersion": lease.metadata.resource_version}})
            except pf.ApiException as exc:
                if exc.status == 404:
                    return result()
                raise LockError("cannot delete the Lease %s: %s" % (self._where(), pf._api_reason(exc)))
        previous = current if current != self.params["holder"] else None
        return result(released=True, previous_holder=previous)


def main():
    module = AnsibleModule(
        argument_spec=dict(
            kubeconfig=dict(type="path"),
            context=dict(type="str"),
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
    if not HAS_KUBERNETES:
        module.fail_json(msg=missing_required_lib("kubernetes"), exception=str(IMPORT_ERROR))
    params = module.params
    if not params["holder"].strip():
        module.fail_json(msg="holder must not be empty: it identifies this run")
    if params["ttl"] < 1:
        module.fail_json(msg="ttl must be at least 1 second, got %d" % params["ttl"])
    if params["timeout"] < 0:
        module.fail_json(msg="timeout must be 0 or more seconds, got %d" % params["timeout"])
    try:
        api = pf.client_from_params(module.params)
        lock = LeaseLock(pf.k8s_client.CoordinationV1Api(api), params, module.check_mode)
        outcome = lock.acquire_waiting() if params["state"] == "present" else lock.release()
    except (pf.PortForwardError, LockError) as exc:
        module.fail_json(msg=str(exc))
    module.exit_json(**outcome)


if __name__ == "__main__":
    main()
