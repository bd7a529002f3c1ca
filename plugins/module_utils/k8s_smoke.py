# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Aurigraph DLT contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Smoke test of the pods behind a Kubernetes Service, behind aurigraph.dlt.k8s_smoke.

The wait is the collection's one health gate, :class:`~health.HealthChecker`, over a client whose transport is an
API-server port-forward (:class:`ServiceClient`: the one HTTP client, ``api.Client``, with ``_open`` replaced):

* every request first resolves the Service's ready endpoints (EndpointSlices). Too few of them, or endpoints of
  pods outside ``pod_selector`` (the old colour while the EndpointSlice controller catches up with a switched
  Service), read as "not reachable yet", which the checker waits out like a JVM that does not listen yet;
* the checker polls the readiness probe until UP (503 = DOWN, keep waiting; back-off capped at 10 s), then reads
  ``/api/v11/info`` once; the version it reports must be ``expected_version``;
* then every extra path must answer 200 (transient 502/503/504 and connection errors are retried by the client).

The first pod's wait covers the endpoints coming up; every further ready pod (``all_pods``) gets its own checker
within the same deadline.
"""

from __future__ import annotations

import io
from email.message import Message
from urllib.error import HTTPError, URLError

from ansible_collections.aurigraph.dlt.plugins.module_utils import api, errors, health, k8s

PROBE_PATHS = dict((path, name) for name, path in health.PROBES.items() if name != "none")


class ServiceTarget(object):
    """The ready endpoints of a Service that are allowed to answer (``pod_selector``, ``min_pods``)."""

    def __init__(self, k8s_api, namespace, service, pod_selector="", min_pods=1):
        self.api = k8s_api
        self.namespace = namespace
        self.service = service
        self.pod_selector = pod_selector
        self.min_pods = min_pods

    def where(self):
        return "%s/%s" % (self.namespace, self.service)

    def endpoints(self):
        """The ready endpoints ``[{pod, port}]``; raises PortForwardError while the Service is not there yet."""
        try:
            found = k8s.ready_endpoints(self.api, self.namespace, self.service)
            matching = set(k8s.pod_names(self.api, self.namespace, self.pod_selector)) if self.pod_selector else None
        except errors.K8sError as exc:
            raise errors.PortForwardError(str(exc))
        if matching is not None:
            foreign = [e["pod"] for e in found if e["pod"] not in matching]
            if foreign:
                raise errors.PortForwardError("Service %s still has %d endpoint(s) outside %s: %s"
                                              % (self.where(), len(foreign), self.pod_selector, ", ".join(foreign)))
        if len(found) < self.min_pods:
            raise errors.PortForwardError("Service %s has %d ready endpoint(s), %d needed"
                                          % (self.where(), len(found), self.min_pods))
        return found


class _Answer(object):
    def __init__(self, status, headers, body):
        self.status = status
        self._headers = headers
        self._body = body

    def getcode(self):
        return self.status

    def info(self):
        return self._headers

    def read(self):
        return self._body


def _message(headers):
    msg = Message()
    for key, value in (headers or {}).items():
        msg[key] = value
    return msg


class ServiceClient(api.Client):
    """``api.Client`` over a port-forward to the ``index``-th allowed endpoint of ``target``.

    ``last`` holds the last answer ``(pod, path, status, body)``; ``requests`` counts the requests sent.
    """

    def __init__(self, target, index=0, port=0, request_timeout=10.0, sleep=None, clock=None):
        super(ServiceClient, self).__init__(api_url="http://%s" % target.where(), timeout=request_timeout, retries=2,
                                            sleep=sleep, clock=clock)
        self.target = target
        self.index = index
        self.port = port
        self.request_timeout = request_timeout
        self.last = None
        self.pod = None
        self.pod_port = None
        self.requests = 0

    def ssl_context(self):
        return None

    def _open(self, method, url, data, headers, socket_timeout):
        path = url[len(self.base_url):]
        self.requests += 1
        try:
            found = self.target.endpoints()
            if self.index >= len(found):
                raise errors.PortForwardError("Service %s has %d ready endpoint(s), endpoint %d is gone"
                                              % (self.target.where(), len(found), self.index + 1))
            endpoint = found[self.index]
            port = self.port or endpoint["port"]
            if not port:
                raise errors.PortForwardError("Service %s has no port on its EndpointSlice; set port"
                                              % self.target.where())
            self.pod, self.pod_port = endpoint["pod"], port
            status, answer_headers, body = k8s.http_get(self.target.api, self.target.namespace, endpoint["pod"], port,
                                                        path, timeout=min(self.request_timeout, socket_timeout))
        except errors.PortForwardError as exc:
            raise URLError(str(exc))
        self.last = (endpoint["pod"], path, status, body)
        if status >= 400:
            raise HTTPError(url, status, "HTTP %s" % status, _message(answer_headers), io.BytesIO(body))
        return _Answer(status, _message(answer_headers), body)

    def last_answer(self):
        """``pod <pod>: GET <path> answered <status> <body excerpt>`` of the last answer, or ''."""
        if not self.last:
            return ""
        pod, path, status, body = self.last
        text = " ".join(body[:200].decode("utf-8", "replace").split())
        return "pod %s: GET %s answered %s%s" % (pod, path, status, " " + text if text else "")


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


class SmokeTest(object):
    """One smoke test of a Service; :meth:`run` returns the module result or raises DltError."""

    def __init__(self, k8s_api, params, sleep=None, clock=None):
        if params["ready_path"] not in PROBE_PATHS:
            raise errors.ValidationError("ready_path must be one of %s, got %r"
                                         % (", ".join(sorted(PROBE_PATHS)), params["ready_path"]))
        if params["timeout"] <= 0 or params["interval"] <= 0:
            raise errors.ValidationError("timeout and interval must be positive")
        self.params = params
        self.target = ServiceTarget(k8s_api, params["namespace"], params["service"], params["pod_selector"],
                                    params["min_pods"])
        self.sleep = sleep
        self.clock = clock or api._clock
        self.requests = 0

    def _client(self, index):
        return ServiceClient(self.target, index, self.params["port"], self.params["request_timeout"],
                             sleep=self.sleep, clock=self.clock)

    def fail(self, started, reason):
        raise errors.DltError("smoke test of Service %s failed after %.0f s: %s"
                              % (self.target.where(), self.clock() - started, reason), attempts=self.requests)

    def check_pod(self, index, deadline, started):
        """Wait for the index-th endpoint with HealthChecker, then check the version and the extra paths."""
        params = self.params
        client = self._client(index)
        checker = health.HealthChecker(client, wait_for=PROBE_PATHS[params["ready_path"]],
                                       timeout=max(deadline - self.clock(), 1.0), interval=params["interval"],
                                       require_components_up=False)
        try:
            outcome = checker.run()
        except errors.DltError as exc:
            self.requests += client.requests
            last = client.last_answer()
            self.fail(started, "%s%s" % (last + "; " if last and last not in str(exc) else "", exc))
        versions = reported_versions(outcome.info)
        expected = (params["expected_version"] or "").strip()
        pod = {"pod": client.pod, "port": client.pod_port, "ready_status": 200,
               "version": versions[0] if versions else None}
        if expected and expected not in versions:
            self.requests += client.requests
            self.fail(started, "pod %s of Service %s reports version %s, expected %s"
                      % (client.pod, params["service"], pod["version"] or "none", expected))
        for path in params["paths"]:
            try:
                client.request("GET", path, auth=False, ok=(200,), missing="endpoint",
                               deadline=max(deadline, self.clock() + params["request_timeout"]))
            except errors.DltError as exc:
                self.requests += client.requests
                self.fail(started, client.last_answer() if client.last and client.last[1] == path else str(exc))
        self.requests += client.requests
        return pod

    def run(self):
        started = self.clock()
        deadline = started + self.params["timeout"]
        pods = [self.check_pod(0, deadline, started)]
        if self.params["all_pods"]:
            try:
                count = len(self.target.endpoints())
            except errors.PortForwardError as exc:
                self.fail(started, str(exc))
            for index in range(1, count):
                pods.append(self.check_pod(index, deadline, started))
        return dict(changed=False, pods=pods, version=pods[0]["version"], attempts=self.requests)


def run(params, sleep=None, clock=None):
    """The module's entry point: connect, smoke-test, return the result (raises DltError)."""
    return SmokeTest(k8s.client_from_params(params), params, sleep=sleep, clock=clock).run()
