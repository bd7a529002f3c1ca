# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Aurigraph DLT contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The Kubernetes client layer of the collection (what ``api.py`` is for the Aurigraph REST API).

* :func:`connection_spec`: the argument spec of those options, for every module that talks to the cluster;
* :func:`client_from_params`: an ``ApiClient`` from a module's ``kubeconfig``/``context`` options, with the
  ``K8S_AUTH_*`` fallbacks of kubernetes.core;
* :func:`require_kubernetes`: a clear :class:`~errors.MissingLibraryError` when the ``kubernetes`` library is
  missing (modules import this file unconditionally and call it before anything else);
* :func:`api_reason`: one line out of an ``ApiException``;
* reads used by several modules: the ready endpoints of a Service (EndpointSlices), pods by label selector;
* HTTP over an API-server port-forward to one pod (:func:`http_get`), so a check aimed at a preview Service
  reaches a pod of the new colour without Ingress, DNS or a pod network on the controller.

Only the standard library and the ``kubernetes`` client are used. Every failure is a :class:`~errors.K8sError`
(one line, no traceback).
"""

from __future__ import annotations

import json
import os
import socket

from ansible.module_utils.basic import missing_required_lib

from ansible_collections.aurigraph.dlt.plugins.module_utils import errors

try:
    from kubernetes import client as k8s_client
    from kubernetes import config as k8s_config
    from kubernetes.client.rest import ApiException
    from kubernetes.stream import portforward as k8s_portforward
    from urllib3.exceptions import HTTPError as TransportError
    HAS_KUBERNETES = True
    KUBERNETES_IMPORT_ERROR = None
except ImportError as exc:  # pragma: no cover - exercised by require_kubernetes()
    HAS_KUBERNETES = False
    KUBERNETES_IMPORT_ERROR = exc
    k8s_client = k8s_config = k8s_portforward = None
    TransportError = OSError

    class ApiException(Exception):
        """Stand-in so that ``except ApiException`` stays valid without the library."""

        status = None
        reason = None
        body = None

PortForwardError = errors.PortForwardError


def require_kubernetes():
    """Raise MissingLibraryError (the text of ``missing_required_lib``) when the client library is missing."""
    if not HAS_KUBERNETES:
        raise errors.MissingLibraryError(missing_required_lib("kubernetes"), exception=str(KUBERNETES_IMPORT_ERROR))


def api_client(kubeconfig=None, context=None):
    """An ApiClient from a kubeconfig file (or the default loading rules / in-cluster config)."""
    try:
        if kubeconfig or context:
            return k8s_config.new_client_from_config(config_file=kubeconfig or None, context=context or None)
        try:
            return k8s_config.new_client_from_config()
        except k8s_config.ConfigException:
            k8s_config.load_incluster_config()
            return k8s_client.ApiClient()
    except (k8s_config.ConfigException, OSError, ValueError) as exc:
        raise errors.K8sError("cannot load the kubeconfig%s: %s"
                              % (" %s" % kubeconfig if kubeconfig else "", str(exc).splitlines()[0]))


def connection_spec(**options):
    """Argument spec of a module that talks to the cluster: the ``kubeconfig``/``context`` options (documented by
    the ``aurigraph.dlt.k8s`` doc fragment) plus the module's own ``options``."""
    spec = dict(kubeconfig=dict(type="path"), context=dict(type="str"))
    spec.update(options)
    return spec


def client_from_params(params):
    """An ApiClient from a module's kubeconfig/context options, falling back to K8S_AUTH_KUBECONFIG/K8S_AUTH_CONTEXT
    as kubernetes.core does. Raises MissingLibraryError without the kubernetes library."""
    require_kubernetes()
    kubeconfig = params.get("kubeconfig") or os.environ.get("K8S_AUTH_KUBECONFIG") or None
    context = params.get("context") or os.environ.get("K8S_AUTH_CONTEXT") or None
    return api_client(kubeconfig, context)


def api_reason(exc):
    """``HTTP <status>: <message>`` of an ApiException (the API server's message when the body has one)."""
    status = getattr(exc, "status", None)
    reason = getattr(exc, "reason", None) or str(exc)
    body = getattr(exc, "body", None)
    if body:
        try:
            reason = json.loads(body).get("message") or reason
        except (ValueError, AttributeError):
            pass
    return "HTTP %s: %s" % (status, reason) if status else str(reason)


def ready_endpoints(api, namespace, service):
    """Ready endpoints of a Service: list of dicts {pod, port} (port = the first EndpointSlice port)."""
    discovery = k8s_client.DiscoveryV1Api(api)
    try:
        slices = discovery.list_namespaced_endpoint_slice(
            namespace, label_selector="kubernetes.io/service-name=%s" % service)
    except ApiException as exc:
        raise errors.K8sError("cannot list the EndpointSlices of Service %s/%s: %s"
                              % (namespace, service, api_reason(exc)))
    found = []
    for item in slices.items:
        port = item.ports[0].port if item.ports else None
        for endpoint in item.endpoints or []:
            conditions = endpoint.conditions
            if conditions is None or not conditions.ready:
                continue
            if conditions.terminating:
                continue
            ref = endpoint.target_ref
            if ref is None or ref.kind != "Pod":
                continue
            found.append({"pod": ref.name, "port": port})
    return sorted(found, key=lambda e: e["pod"])


def pod_names(api, namespace, label_selector):
    """Names of the pods of a namespace that match a label selector."""
    core = k8s_client.CoreV1Api(api)
    try:
        pods = core.list_namespaced_pod(namespace, label_selector=label_selector)
    except ApiException as exc:
        raise errors.K8sError("cannot list the pods %s in %s: %s" % (label_selector, namespace, api_reason(exc)))
    return sorted(item.metadata.name for item in pods.items)


def _parse_http(data):
    head, sep, body = data.partition(b"\r\n\r\n")
    if not sep:
        raise PortForwardError("incomplete HTTP answer (%d bytes)" % len(data))
    lines = head.split(b"\r\n")
    parts = lines[0].split(b" ", 2)
    if len(parts) < 2 or not parts[0].startswith(b"HTTP/"):
        raise PortForwardError("not an HTTP answer: %r" % lines[0][:80])
    headers = {}
    for line in lines[1:]:
        name, dummy, value = line.partition(b":")
        headers[name.strip().lower().decode("latin-1")] = value.strip().decode("latin-1")
    if "chunked" in headers.get("transfer-encoding", "").lower():
        body = _dechunk(body)
    elif "content-length" in headers:
        body = body[:int(headers["content-length"])]
    return int(parts[1]), headers, body


def _dechunk(body):
    out = b""
    while body:
        size_line, dummy, rest = body.partition(b"\r\n")
        size = int(size_line.split(b";")[0] or b"0", 16)
        if size == 0:
            break
        out += rest[:size]
        body = rest[size + 2:]
    return out


def _complete(data):
    head, sep, body = data.partition(b"\r\n\r\n")
    if not sep:
        return False
    for line in head.split(b"\r\n")[1:]:
        name, dummy, value = line.partition(b":")
        name = name.strip().lower()
        if name == b"content-length":
            return len(body) >= int(value.strip())
        if name == b"transfer-encoding" and b"chunked" in value.lower():
            return body.endswith(b"0\r\n\r\n")
    return False


def http_get(api, namespace, pod, port, path, host="localhost", timeout=10.0):
    """GET ``path`` on ``pod:port`` through the API server's port-forward. Returns (status, headers, body)."""
    core = k8s_client.CoreV1Api(api)
    try:
        forward = k8s_portforward(core.connect_get_namespaced_pod_portforward, pod, namespace, ports=str(port))
    except Exception as exc:  # pylint: disable=broad-except  # websocket/handshake errors share no base class
        if isinstance(exc, ApiException):
            raise PortForwardError("port-forward to pod %s/%s:%s refused: %s"
                                   % (namespace, pod, port, api_reason(exc)))
        raise PortForwardError("port-forward to pod %s/%s:%s failed: %s"
                               % (namespace, pod, port, str(exc).splitlines()[0] if str(exc) else type(exc).__name__))
    data = b""
    try:
        sock = forward.socket(int(port))
        sock.setblocking(True)
        sock.settimeout(timeout)
        request = "GET %s HTTP/1.1\r\nHost: %s\r\nAccept: application/json\r\nConnection: close\r\n\r\n" % (path, host)
        sock.sendall(request.encode("ascii"))
        while True:
            try:
                chunk = sock.recv(65536)
            except socket.timeout:
                break
            if not chunk:
                break
            data += chunk
            if _complete(data):
                break
        error = forward.error(int(port))
    finally:
        forward.close()
    if error:
        raise PortForwardError("port-forward to pod %s/%s:%s: %s" % (namespace, pod, port, error))
    if not data:
        raise PortForwardError("no answer from pod %s/%s:%s for %s" % (namespace, pod, port, path))
    return _parse_http(data)


class DiagnosticsReader(object):
    """The reads of the diagnostics bundle on Kubernetes (module diagnostics_bundle, ``method: k8s``), each returning
    plain data (the API's JSON field names, as ``kubectl get -o yaml`` shows them) or raising K8sError with the API
    server's reason. Secrets are never read."""

    def __init__(self, api):
        self.api = api
        self.core = k8s_client.CoreV1Api(api)
        self.apps = k8s_client.AppsV1Api(api)

    def _plain(self, what, call, *args, **kwargs):
        try:
            return self.api.sanitize_for_serialization(call(*args, **kwargs))
        except ApiException as exc:
            raise errors.K8sError("cannot read %s: %s" % (what, api_reason(exc)))
        except (TransportError, OSError) as exc:
            raise errors.K8sError("cannot read %s: the API server did not answer (%s)"
                                  % (what, str(exc).splitlines()[0] if str(exc) else type(exc).__name__))

    def deployments(self, namespace, selector):
        return self._plain("the Deployments %s in %s" % (selector, namespace), self.apps.list_namespaced_deployment,
                           namespace, label_selector=selector).get("items") or []

    def pods(self, namespace, selector):
        return self._plain("the pods %s in %s" % (selector, namespace), self.core.list_namespaced_pod,
                           namespace, label_selector=selector).get("items") or []

    def events(self, namespace):
        return self._plain("the events of %s" % namespace, self.core.list_namespaced_event, namespace).get("items") or []

    def config_map_data(self, namespace, name):
        return self._plain("ConfigMap %s/%s" % (namespace, name), self.core.read_namespaced_config_map,
                           name, namespace).get("data") or {}

    def log(self, namespace, pod, container, previous, tail_lines):
        which = "previous log" if previous else "log"
        try:
            resp = self.core.read_namespaced_pod_log(pod, namespace, container=container, previous=previous,
                                                     tail_lines=tail_lines, _preload_content=False)
            return resp.data.decode("utf-8", errors="replace")
        except ApiException as exc:
            raise errors.K8sError("cannot read the %s of %s/%s: %s" % (which, pod, container, api_reason(exc)))
        except (TransportError, OSError) as exc:
            raise errors.K8sError("cannot read the log of %s/%s: the API server did not answer (%s)"
                                  % (pod, container, str(exc).splitlines()[0] if str(exc) else type(exc).__name__))
