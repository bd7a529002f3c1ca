# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Aurigraph DLT contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The deploy lock of the Kubernetes method: a ``coordination.k8s.io/v1`` Lease in the namespace.

Taking it creates the Lease (the API server refuses a second create, so two runs never both hold it); a Lease held
by another run fails at once with who holds it, for what and since when (:class:`~LockHeldError`), unless
it expired (older than its ttl) or ``force``; a take-over and a release carry the Lease's resource version, so a
race is lost cleanly. Behind aurigraph.dlt.k8s_lock (the lease backend of the pipeline's lock step).
"""

from __future__ import annotations

import datetime
import time

from ansible_collections.aurigraph.dlt.plugins.module_utils import errors, k8s
from ansible_collections.aurigraph.dlt.plugins.module_utils.lock import LockError

LABEL_ANNOTATION = "aurigraph.io/lock-label"


class LockHeldError(LockError):
    """The Lease is held by another run that has not expired (waiting may help)."""


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
            except LockHeldError:
                if self.monotonic() + interval - start > self.params["timeout"]:
                    raise
            self.sleep(interval)

    def _read(self):
        try:
            return self.api.read_namespaced_lease(self.params["name"], self.params["namespace"])
        except k8s.ApiException as exc:
            if exc.status == 404:
                return None
            raise LockError("cannot read the Lease %s/%s: %s"
                            % (self.params["namespace"], self.params["name"], k8s.api_reason(exc)))

    def _where(self):
        return "%s/%s" % (self.params["namespace"], self.params["name"])

    def acquire(self):
        holder = self.params["holder"]
        lease = self._read()
        if lease is None:
            if not self.check_mode:
                try:
                    self.api.create_namespaced_lease(self.params["namespace"], lease_body(self.params, self.clock()))
                except k8s.ApiException as exc:
                    if exc.status == 409:
                        raise LockError("the deploy lock %s was taken by another run at the same moment: "
                                        "try again when it has finished" % self._where())
                    raise LockError("cannot create the Lease %s: %s" % (self._where(), k8s.api_reason(exc)))
            return result(acquired=True, holder=holder)
        current = lease.spec.holder_identity
        if current == holder:
            return result(holder=holder)
        now = self.clock()
        if current and not expired(lease, now) and not self.params["force"]:
            raise LockHeldError("the deploy lock %s is held by %s: another deploy or rollback is running. Wait "
                                "for it (timeout), or, if that run is gone, force=true (aurigraph_k8s_lock_force)"
                                % (self._where(), describe(lease)))
        if not self.check_mode:
            try:
                self.api.replace_namespaced_lease(
                    self.params["name"], self.params["namespace"],
                    lease_body(self.params, now, resource_version=lease.metadata.resource_version))
            except k8s.ApiException as exc:
                if exc.status == 409:
                    raise LockError("the deploy lock %s changed while taking it over: another run took it "
                                    "first" % self._where())
                raise LockError("cannot take over the Lease %s: %s" % (self._where(), k8s.api_reason(exc)))
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
            except k8s.ApiException as exc:
                if exc.status == 404:
                    return result()
                raise LockError("cannot delete the Lease %s: %s" % (self._where(), k8s.api_reason(exc)))
        previous = current if current != self.params["holder"] else None
        return result(released=True, previous_holder=previous)


def validate(params):
    """Argument checks the spec cannot express; raises ValidationError."""
    if not (params["holder"] or "").strip():
        raise errors.ValidationError("holder must not be empty: it identifies this run")
    if params["ttl"] < 1:
        raise errors.ValidationError("ttl must be at least 1 second, got %d" % params["ttl"])
    if params["timeout"] < 0:
        raise errors.ValidationError("timeout must be 0 or more seconds, got %d" % params["timeout"])


def run(params, check_mode):
    """Take (state=present, waiting up to timeout) or release (absent) the lock: the module's result."""
    validate(params)
    api = k8s.client_from_params(params)
    lock = LeaseLock(k8s.k8s_client.CoordinationV1Api(api), params, check_mode)
    return lock.acquire_waiting() if params["state"] == "present" else lock.release()
