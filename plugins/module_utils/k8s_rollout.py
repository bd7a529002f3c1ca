# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Aurigraph DLT contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Rollout status of a Deployment, like ``kubectl rollout status``, behind aurigraph.dlt.k8s_rollout_info.

:func:`rollout_state` is the decision, on the API objects as JSON (camelCase, as ``kubectl get -o json`` shows
them): complete when ``observedGeneration`` caught up and updated == ready == available == replicas == wanted
(no old pods left); failed at once on ``ProgressDeadlineExceeded`` or on pods of the new template waiting in
``CrashLoopBackOff`` or an image/config error (``kubernetes.core.k8s`` ``wait`` does neither); else progressing.
:func:`wait` polls it until complete, failed or the timeout. Identity: a complete rollout names the
``pod-template-hash`` its pods carry, so a later check can insist on pods of exactly this template.
"""

from __future__ import annotations

import time

from ansible_collections.aurigraph.dlt.plugins.module_utils import errors, k8s

BAD_REASONS = ("CrashLoopBackOff", "ImagePullBackOff", "ErrImagePull", "InvalidImageName",
               "CreateContainerConfigError", "CreateContainerError")
COMPLETE, PROGRESSING, FAILED, MISSING = "complete", "progressing", "failed", "missing"


def _int(value):
    try:
        return int(value or 0)
    except (TypeError, ValueError):
        return 0


def template_image(deployment):
    containers = (((deployment or {}).get("spec") or {}).get("template") or {}).get("spec", {}).get("containers") or []
    return containers[0].get("image", "") if containers else ""


def _pod_image(pod):
    containers = (pod.get("spec") or {}).get("containers") or []
    return containers[0].get("image", "") if containers else ""


def crashing_pods(pods, image):
    """``<pod> <reason> (restarts N)`` for every pod of ``image`` with a container waiting in a BAD_REASONS state."""
    found = []
    for pod in sorted(pods or [], key=lambda p: (p.get("metadata") or {}).get("name", "")):
        if _pod_image(pod) != image:
            continue
        for status in (pod.get("status") or {}).get("containerStatuses") or []:
            reason = (((status.get("state") or {}).get("waiting")) or {}).get("reason")
            if reason in BAD_REASONS:
                found.append("%s %s (restarts %d)" % ((pod.get("metadata") or {}).get("name", "?"), reason,
                                                      _int(status.get("restartCount"))))
    return found


def template_hash(pods, image):
    """The one ``pod-template-hash`` of the live pods running ``image``, or None (none, or several)."""
    hashes = set()
    for pod in pods or []:
        meta = pod.get("metadata") or {}
        if meta.get("deletionTimestamp") or _pod_image(pod) != image:
            continue
        value = (meta.get("labels") or {}).get("pod-template-hash")
        if value:
            hashes.add(value)
    return hashes.pop() if len(hashes) == 1 else None


def rollout_state(deployment, pods):
    """The rollout state of ``deployment`` (a dict, or None when it does not exist) given its ``pods``.

    Returns ``{phase, message, image, replicas: {wanted, current, updated, ready, available}, pod_template_hash}``;
    ``phase`` is complete, progressing, failed or missing.
    """
    if not deployment:
        return dict(phase=MISSING, message="Deployment not found", image="", pod_template_hash=None,
                    replicas=dict(wanted=0, current=0, updated=0, ready=0, available=0))
    meta = deployment.get("metadata") or {}
    spec = deployment.get("spec") or {}
    status = deployment.get("status") or {}
    wanted = _int(spec.get("replicas", 1))
    counts = dict(wanted=wanted, current=_int(status.get("replicas")), updated=_int(status.get("updatedReplicas")),
                  ready=_int(status.get("readyReplicas")), available=_int(status.get("availableReplicas")))
    image = template_image(deployment)
    state = dict(phase=PROGRESSING, message="", image=image, replicas=counts, pod_template_hash=None)
    complete = (_int(status.get("observedGeneration")) >= _int(meta.get("generation"))
                and counts["updated"] == counts["ready"] == counts["available"] == counts["current"] == wanted)
    if complete:
        state.update(phase=COMPLETE, pod_template_hash=template_hash(pods, image))
        return state
    crashing = crashing_pods(pods, image)
    progressing = [c for c in status.get("conditions") or [] if c.get("type") == "Progressing"]
    deadline = [c for c in progressing if c.get("reason") == "ProgressDeadlineExceeded"]
    if crashing:
        state.update(phase=FAILED, message="pods " + "; ".join(crashing))
    elif deadline:
        state.update(phase=FAILED, message="ProgressDeadlineExceeded: %s" % (deadline[0].get("message") or ""))
    return state


def describe(name, state, reason=None):
    """One line: ``rollout of <name> (<image>) <reason> (replicas …, updated …, ready …, wanted …)``."""
    counts = state["replicas"]
    return ("rollout of %s (%s) %s (replicas %d, updated %d, ready %d, wanted %d)"
            % (name, state["image"] or "?", reason or state["message"], counts["current"], counts["updated"],
               counts["ready"], counts["wanted"]))


class DeploymentReader(object):
    """Reads a Deployment and the pods its selector matches, as JSON dicts."""

    def __init__(self, k8s_api, namespace, name):
        self.api = k8s_api
        self.namespace = namespace
        self.name = name

    def __call__(self):
        apps = k8s.k8s_client.AppsV1Api(self.api)
        core = k8s.k8s_client.CoreV1Api(self.api)
        try:
            deployment = self.api.sanitize_for_serialization(
                apps.read_namespaced_deployment(self.name, self.namespace))
        except k8s.ApiException as exc:
            if exc.status == 404:
                return None, []
            raise errors.K8sError("cannot read the Deployment %s/%s: %s"
                                  % (self.namespace, self.name, k8s.api_reason(exc)))
        labels = ((deployment.get("spec") or {}).get("selector") or {}).get("matchLabels") or {}
        selector = ",".join("%s=%s" % item for item in sorted(labels.items()))
        try:
            pods = self.api.sanitize_for_serialization(core.list_namespaced_pod(self.namespace,
                                                                                label_selector=selector))
        except k8s.ApiException as exc:
            raise errors.K8sError("cannot list the pods %s in %s: %s"
                                  % (selector, self.namespace, k8s.api_reason(exc)))
        return deployment, (pods or {}).get("items") or []


def wait(read, name, timeout, interval, clock=time.monotonic, sleep=time.sleep):
    """Poll ``read()`` -> (deployment, pods) until the rollout is complete, failed or missing, or ``timeout``
    seconds passed. Returns ``(state, polls)``; a rollout still progressing at the deadline is failed with
    ``not complete after <timeout> s``. ``timeout`` 0 reads once."""
    deadline = clock() + timeout
    polls = 0
    while True:
        polls += 1
        state = rollout_state(*read())
        if state["phase"] != PROGRESSING:
            return state, polls
        if clock() + interval > deadline:
            if timeout > 0:
                state.update(phase=FAILED, message="not complete after %s s" % timeout)
            return state, polls
        sleep(interval)


def run(params, clock=time.monotonic, sleep=time.sleep):
    """The module's entry point: the state (waited for with ``wait``); raises RolloutError on a failed wait."""
    if params["timeout"] < 0 or params["interval"] <= 0:
        raise errors.ValidationError("timeout must be 0 or more and interval positive")
    name = params["name"]
    read = DeploymentReader(k8s.client_from_params(params), params["namespace"], name)
    state, polls = wait(read, name, params["timeout"] if params["wait"] else 0, params["interval"], clock, sleep)
    result = dict(changed=False, polls=polls, complete=state["phase"] == COMPLETE, **state)
    if params["wait"] and state["phase"] != COMPLETE:
        raise errors.RolloutError(describe(name, state, "failed: %s" % state["message"]), result=result)
    return result
