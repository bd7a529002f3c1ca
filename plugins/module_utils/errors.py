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
    def build(cls, method, path, status, correlation_id=None, body=None):
        msg = "authentication failed: %s %s returned HTTP %s (%s)" % (method, path, status, _cid(correlation_id))
        return cls(msg, method, path, status, correlation_id, body)


class EndpointMissingError(HttpError):
    """The service build does not expose the endpoint at all (HTTP 404/405 on a fixed path)."""

    @classmethod
    def build(cls, method, path, status, correlation_id=None, body=None):
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


def correlation_text(correlation_id):
    """Return ``correlation id <id>`` or ``no correlation id``; used to build messages."""
    return _cid(correlation_id)
