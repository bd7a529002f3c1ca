# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Aurigraph DLT contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Typed errors raised by the aurigraph.dlt module utilities.

Every error's ``str()`` is the one-line message a module passes to ``fail_json``.
Nothing in here calls ``fail_json`` itself.
"""

from __future__ import annotations


def _cid(correlation_id):
    return "correlation id %s" % correlation_id if correlation_id else "no correlation id"


class DltError(Exception):
    """Base class of every error the collection raises on purpose."""

    def __init__(self, msg, **kwargs):
        super(DltError, self).__init__(msg)
        self.msg = msg
        for key, value in kwargs.items():
            setattr(self, key, value)

    def __str__(self):
        return self.msg


class ValidationError(DltError):
    """Bad module input, detected before any call is made."""


class HttpError(DltError):
    """An HTTP answer the caller did not expect."""

    def __init__(self, msg, method=None, path=None, status=None, correlation_id=None, body=None):
        super(HttpError, self).__init__(msg)
        self.method = method
        self.path = path
        self.status = status
        self.correlation_id = correlation_id
        self.body = body


class AuthenticationError(HttpError):
    """HTTP 401/403, or a login that returned no token."""

    @classmethod
    def build(cls, method, path, status, correlation_id=None, body=None, token_source=None, detail=None,
              auth_sent=True):
        """``token_source`` names where the bearer token came from (never its value); None when none was sent.
        ``auth_sent`` is False for calls that carry no credentials on purpose (the login call itself)."""
        why = ": %s" % detail if detail else ""
        hint = ""
        if token_source:
            if detail:
                hint = "; the bearer token from %s was refused" % token_source
            else:
                why = " with an empty body"
                hint = ("; the bearer token from %s was refused (an empty 401 is how the real Aurigraph build's JWT "
                        "layer refuses a token it did not issue)" % token_source)
        elif auth_sent:
            hint = ("; no bearer token was sent: set the api_token option or the AURIGRAPH_API_TOKEN environment "
                    "variable")
        msg = "authentication failed: %s %s returned HTTP %s%s%s (%s)" % (
            method, path, status, why, hint, _cid(correlation_id))
        return cls(msg, method, path, status, correlation_id, body)


class EndpointMissingError(HttpError):
    """The service build does not expose the endpoint at all (HTTP 404/405 on a fixed path, or the real build's
    HTTP 500 "Business operation failed" on a path it lacks)."""

    @classmethod
    def build(cls, method, path, status, correlation_id=None, body=None, detail=None):
        if detail:
            msg = ("this Aurigraph build does not expose %s %s (HTTP %s \"%s\": the real build answers 500, not 404, "
                   "for paths it lacks) (%s)" % (method, path, status, detail, _cid(correlation_id)))
        else:
            msg = "this Aurigraph build does not expose %s %s (HTTP %s)" % (method, path, status)
        return cls(msg, method, path, status, correlation_id, body)


class NotFoundError(HttpError):
    """The endpoint exists but the resource (transfer, bridge, token id) does not."""

    @classmethod
    def build(cls, method, path, status, correlation_id=None, body=None, detail=None):
        msg = "%s %s: not found (HTTP %s%s) (%s)" % (
            method, path, status, ", %s" % detail if detail else "", _cid(correlation_id))
        return cls(msg, method, path, status, correlation_id, body)


class ConflictError(HttpError):
    """HTTP 409, e.g. a bridge transfer that is not retryable."""


class RateLimitError(HttpError):
    """HTTP 429 whose retryAfterSeconds does not fit in the remaining time budget."""

    def __init__(self, msg, method=None, path=None, status=429, correlation_id=None, body=None, retry_after=None):
        super(RateLimitError, self).__init__(msg, method, path, status, correlation_id, body)
        self.retry_after = retry_after


class ServerError(HttpError):
    """HTTP 5xx, after the bounded retries for 502/503/504 were used up."""


class ApiError(HttpError):
    """Any other unexpected HTTP status (400, 422, ...)."""


class ApiConnectionError(DltError):
    """The service could not be reached (refused, DNS, timeout) after the bounded retries."""


class TLSError(ApiConnectionError):
    """TLS handshake or certificate verification failed (never retried)."""


class ResponseError(DltError):
    """The service answered 2xx but the body is not what the contract says (not JSON, wrong type)."""


class SmokeError(DltError):
    """A post-deploy smoke check failed (WebSocket, token stats, database tables); ``check`` names it."""

    def __init__(self, msg, check=None):
        super(SmokeError, self).__init__(msg)
        self.check = check


class MissingLibraryError(DltError):
    """A Python library the module needs on the controller/managed node is missing. ``exception`` holds the
    import error's text for ``fail_json(exception=...)``."""


class K8sError(DltError):
    """A Kubernetes API call failed, or the cluster is not reachable with the given kubeconfig/context."""


class PortForwardError(K8sError):
    """An HTTP exchange through an API-server port-forward failed (no endpoint yet, refused, no answer)."""


class RolloutError(K8sError):
    """A Deployment's rollout failed or did not complete in time."""


def correlation_text(correlation_id):
    """Return ``correlation id <id>`` or ``no correlation id``; used to build messages."""
    return _cid(correlation_id)
