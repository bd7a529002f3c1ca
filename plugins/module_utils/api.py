# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Aurigraph DLT contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one HTTP client of the collection, built on ``ansible.module_utils.urls.open_url``.

* base URL, bearer token or an optional login (``POST /api/v11/auth/login``);
* TLS: ``validate_certs`` (default true), ``ca_path``, ``client_cert``/``client_key``;
* a time budget per call (``timeout``) that bounds the socket timeout, back-off and 429 waits;
* bounded retries with exponential back-off on 502/503/504 and on connection errors;
* HTTP 429 honours ``retryAfterSeconds`` from the JSON body (the service sends no Retry-After header)
  only while the wait fits in the remaining budget, otherwise :class:`RateLimitError` is raised;
* ``X-Correlation-Id`` of every answer is kept and put into error messages.

It returns :class:`Response` objects and raises the typed errors of ``errors.py``; it never calls
``fail_json``.
"""

from __future__ import annotations

import http.client
import json
import os
import socket
import ssl
import threading
import time
from urllib.error import HTTPError, URLError
from urllib.parse import quote, urlencode

from ansible.module_utils.common.text.converters import to_native, to_text
from ansible.module_utils.urls import ConnectionError as UrlsConnectionError
from ansible.module_utils.urls import Request, SSLValidationError, make_context

from ansible_collections.aurigraph.dlt.plugins.module_utils import errors

DEFAULT_API_URL = "http://127.0.0.1:9003"
LOGIN_PATH = "/api/v11/auth/login"
USER_AGENT = "aurigraph.dlt-ansible"
TRANSIENT_STATUSES = (502, 503, 504)
BACKOFF_BASE = 1.0
BACKOFF_CAP = 8.0
MAX_ERROR_DETAIL = 200
# The real upstream build answers HTTP 500 with this error for paths it does not expose (instead of 404).
MISSING_PATH_500_ERROR = "Business operation failed"
TOKEN_ENV = "AURIGRAPH_API_TOKEN"

# Indirections so that tests can replace time without touching the time module itself.
_sleep = time.sleep
_clock = time.monotonic


class Response(object):
    """A decoded HTTP answer."""

    def __init__(self, method, path, status, headers, body):
        self.method = method
        self.path = path
        self.status = status
        self.headers = dict((k.lower(), v) for k, v in (headers or {}).items())
        self.body = body or b""
        self.correlation_id = self.headers.get("x-correlation-id")
        self._json = None
        self._json_done = False

    @property
    def json(self):
        """The body parsed as JSON, or None when it is empty or not JSON."""
        if not self._json_done:
            self._json_done = True
            try:
                text = to_text(self.body, errors="surrogate_or_strict")
                self._json = json.loads(text) if text.strip() else None
            except (ValueError, UnicodeError):
                self._json = None
        return self._json

    def json_object(self):
        """The body as a JSON object; raises ResponseError when it is not one."""
        data = self.json
        if not isinstance(data, dict):
            raise errors.ResponseError(
                "%s %s returned HTTP %s with a body that is not a JSON object (%s)"
                % (self.method, self.path, self.status, errors.correlation_text(self.correlation_id)))
        return data


def open_url(url, method=None, context=None, **kwargs):
    """``ansible.module_utils.urls.open_url`` that accepts a prepared SSL context.

    The upstream function builds a new context (loading the system CA store) on every call, about 0.1 s of CPU
    each; a bulk run of 1,000 retries spent most of its time there. The client builds its context once and
    passes it here. This is the only function that touches the network (tests patch it).
    """
    return Request().open(method, url, context=context, **kwargs)


def error_detail(data):
    """A short, single-line error text taken from a JSON error body (``error`` or ``message``)."""
    if not isinstance(data, dict):
        return None
    for key in ("error", "message", "details"):
        value = data.get(key)
        if isinstance(value, str) and value.strip():
            text = " ".join(value.split())
            return text[:MAX_ERROR_DETAIL]
    return None


def quote_segment(value):
    """Quote one path segment (ids given by users may contain anything)."""
    return quote(to_native(value), safe="")


def _headers_of(obj):
    try:
        info = obj.info() if hasattr(obj, "info") else obj.headers
        return dict(info.items()) if info is not None else {}
    except Exception:  # pylint: disable=broad-except
        return {}


def _is_tls_problem(exc):
    if isinstance(exc, SSLValidationError):
        return True
    reason = getattr(exc, "reason", None)
    return isinstance(exc, ssl.SSLError) or isinstance(reason, ssl.SSLError)


def _reason_text(exc):
    reason = getattr(exc, "reason", None)
    text = to_native(reason if reason is not None else exc)
    return " ".join(text.split()) or exc.__class__.__name__


class Client(object):
    """HTTP client for the Aurigraph V11 REST API."""

    def __init__(self, api_url=DEFAULT_API_URL, api_token=None, api_username=None, api_password=None,
                 validate_certs=True, ca_path=None, client_cert=None, client_key=None,
                 timeout=30, retries=3, sleep=None, clock=None, token_source=None):
        self.base_url = (api_url or DEFAULT_API_URL).rstrip("/")
        self.token = api_token or None
        # Where the bearer token comes from, for error messages (never the token itself).
        self.token_source = token_source or ("the api_token option" if self.token else None)
        self.username = api_username
        self.password = api_password
        self.validate_certs = validate_certs
        self.ca_path = ca_path
        self.client_cert = client_cert
        self.client_key = client_key
        self.timeout = max(1, int(timeout or 30))
        self.retries = max(0, int(retries if retries is not None else 3))
        self.sleep = sleep or _sleep
        self.clock = clock or _clock
        self._login_lock = threading.Lock()
        self._context_lock = threading.Lock()
        self._context = None
        self.rate_limited_waits = 0

    @classmethod
    def from_module(cls, module, **overrides):
        """Build a client from the shared connection options of a module."""
        params = module.params
        kwargs = dict(
            api_url=params.get("api_url"),
            api_token=params.get("api_token"),
            api_username=params.get("api_username"),
            api_password=params.get("api_password"),
            validate_certs=params.get("validate_certs"),
            ca_path=params.get("ca_path"),
            client_cert=params.get("client_cert"),
            client_key=params.get("client_key"),
            timeout=params.get("timeout"),
            retries=params.get("retries"),
        )
        token = params.get("api_token")
        if token:
            # env_fallback fills api_token from the environment when the option is not set.
            from_env = os.environ.get(TOKEN_ENV) == token
            kwargs["token_source"] = ("the %s environment variable" % TOKEN_ENV) if from_env else "the api_token option"
        kwargs.update(overrides)
        return cls(**kwargs)

    # ------------------------------------------------------------------ helpers
    def deadline(self, seconds=None):
        """An absolute deadline ``seconds`` (default: the client timeout) from now."""
        return self.clock() + (self.timeout if seconds is None else seconds)

    def remaining(self, deadline):
        return deadline - self.clock()

    def _url(self, path, query):
        url = self.base_url + path
        if query:
            items = [(k, v) for k, v in query.items() if v is not None]
            if items:
                url += "?" + urlencode(items)
        return url

    def _auth_headers(self, deadline):
        if self.token:
            return {"Authorization": "Bearer %s" % self.token}
        if self.username and self.password:
            self.login(deadline)
            return {"Authorization": "Bearer %s" % self.token}
        return {}

    def login(self, deadline=None):
        """Exchange api_username/api_password for a bearer token (runbook login endpoint)."""
        with self._login_lock:
            if self.token:
                return self.token
            resp = self.request("POST", LOGIN_PATH, payload={"email": self.username, "password": self.password},
                                auth=False, deadline=deadline, missing="endpoint")
            data = resp.json
            token = data.get("token") if isinstance(data, dict) else None
            if not token:
                token = data.get("accessToken") if isinstance(data, dict) else None
            if not isinstance(token, str) or not token:
                raise errors.AuthenticationError(
                    "authentication failed: POST %s returned HTTP %s without a token (%s)"
                    % (LOGIN_PATH, resp.status, errors.correlation_text(resp.correlation_id)),
                    "POST", LOGIN_PATH, resp.status, resp.correlation_id)
            self.token = token
            self.token_source = "the login of api_username %s" % self.username
            return token

    def ssl_context(self):
        """The SSL context of every request, built once (TLS settings of the client)."""
        with self._context_lock:
            if self._context is None:
                try:
                    self._context = make_context(cafile=self.ca_path, validate_certs=self.validate_certs,
                                                 client_cert=self.client_cert, client_key=self.client_key)
                except (ssl.SSLError, OSError, ValueError) as exc:
                    raise errors.TLSError("cannot set up TLS (ca_path %s, client_cert %s, client_key %s): %s"
                                          % (self.ca_path or "-", self.client_cert or "-", self.client_key or "-",
                                             _reason_text(exc)))
            return self._context

    def _open(self, method, url, data, headers, socket_timeout):
        return open_url(
            url, data=data, headers=headers, method=method, timeout=socket_timeout,
            validate_certs=self.validate_certs, ca_path=self.ca_path,
            client_cert=self.client_cert, client_key=self.client_key,
            http_agent=USER_AGENT, follow_redirects="safe", use_netrc=False, context=self.ssl_context(),
        )

    def _backoff(self, attempt):
        return min(BACKOFF_CAP, BACKOFF_BASE * (2 ** attempt))

    # ------------------------------------------------------------------ request
    def request(self, method, path, payload=None, query=None, auth=True, ok=(200, 201, 202, 204),
                missing="resource", retries=None, deadline=None):
        """Send one API call; return a :class:`Response` whose status is in ``ok``.

        ``missing`` says what HTTP 404/405 means: ``"endpoint"`` (a fixed runbook path: the build lacks it)
        or ``"resource"`` (an id in the path is unknown; a 404 without a JSON error body, and any 405,
        still means the endpoint is missing).
        ``retries`` overrides the client's retry count; ``deadline`` (monotonic seconds) overrides the
        budget of ``timeout`` seconds from now.
        """
        method = method.upper()
        retries = self.retries if retries is None else max(0, int(retries))
        if deadline is None:
            deadline = self.deadline()
        url = self._url(path, query)
        body = None
        headers = {"Accept": "application/json"}
        if payload is not None:
            body = json.dumps(payload).encode("utf-8")
            headers["Content-Type"] = "application/json"
        if auth:
            headers.update(self._auth_headers(deadline))

        attempt = 0
        while True:
            remaining = self.remaining(deadline)
            socket_timeout = max(1, min(self.timeout, int(remaining + 0.999))) if remaining > 0 else 1
            status = None
            try:
                resp = self._open(method, url, body, headers, socket_timeout)
                status = resp.getcode() if hasattr(resp, "getcode") else getattr(resp, "status", 200)
                result = Response(method, path, status, _headers_of(resp), resp.read())
            except HTTPError as exc:
                try:
                    raw = exc.read()
                except Exception:  # pylint: disable=broad-except
                    raw = b""
                status = exc.code
                result = Response(method, path, status, _headers_of(exc), raw)
            except (URLError, UrlsConnectionError, socket.timeout, ssl.SSLError, http.client.HTTPException,
                    ValueError, OSError) as exc:
                if _is_tls_problem(exc):
                    raise errors.TLSError(
                        "TLS error talking to %s (%s %s): %s; check validate_certs, ca_path and the "
                        "service certificate" % (self.base_url, method, path, _reason_text(exc)))
                if isinstance(exc, ValueError) and not isinstance(exc, (URLError, UrlsConnectionError)):
                    raise errors.ApiConnectionError("invalid API URL %s: %s" % (self.base_url, _reason_text(exc)))
                wait = self._backoff(attempt)
                if attempt < retries and self.remaining(deadline) > wait:
                    attempt += 1
                    self.sleep(wait)
                    continue
                raise errors.ApiConnectionError(
                    "cannot reach the Aurigraph API at %s (%s %s): %s (after %d attempt%s)"
                    % (self.base_url, method, path, _reason_text(exc), attempt + 1, "" if attempt == 0 else "s"))

            if result.status in ok:
                return result

            if result.status == 429:
                data = result.json
                retry_after = None
                if isinstance(data, dict):
                    try:
                        retry_after = float(data.get("retryAfterSeconds"))
                    except (TypeError, ValueError):
                        retry_after = None
                wait = max(0.5, retry_after) if retry_after is not None else self._backoff(attempt)
                budget = self.remaining(deadline)
                if attempt < retries and budget > wait:
                    attempt += 1
                    self.rate_limited_waits += 1
                    self.sleep(wait)
                    continue
                raise errors.RateLimitError(
                    "rate limit exceeded: %s %s returned HTTP 429 (retry after %s s; %s s of the time budget "
                    "left, %d attempt%s) (%s)"
                    % (method, path, "%g" % retry_after if retry_after is not None else "unknown",
                       "%d" % max(0, budget), attempt + 1, "" if attempt == 0 else "s",
                       errors.correlation_text(result.correlation_id)),
                    method, path, 429, result.correlation_id, data, retry_after=retry_after)

            if result.status in TRANSIENT_STATUSES:
                wait = self._backoff(attempt)
                if attempt < retries and self.remaining(deadline) > wait:
                    attempt += 1
                    self.sleep(wait)
                    continue
            raise self._map_error(result, missing, attempt + 1, auth=auth)

    def _map_error(self, result, missing, attempts, auth=True):
        method, path, status, cid = result.method, result.path, result.status, result.correlation_id
        data = result.json
        detail = error_detail(data)
        if status in (401, 403):
            sent = self.token_source if (auth and self.token) else None
            return errors.AuthenticationError.build(method, path, status, cid, data, token_source=sent, detail=detail,
                                                    auth_sent=auth)
        if status == 405 or (status == 404 and (missing == "endpoint" or detail is None)):
            return errors.EndpointMissingError.build(method, path, status, cid, data)
        if status == 500 and missing == "endpoint" and detail == MISSING_PATH_500_ERROR:
            return errors.EndpointMissingError.build(method, path, status, cid, data, detail=detail)
        if status == 404:
            return errors.NotFoundError.build(method, path, status, cid, data, detail)
        if status == 409:
            return errors.ConflictError(
                "%s %s returned HTTP 409%s (%s)" % (method, path, ": %s" % detail if detail else "",
                                                    errors.correlation_text(cid)),
                method, path, status, cid, data)
        if status >= 500:
            hint = ""
            if status == 500 and detail == MISSING_PATH_500_ERROR:
                hint = "; the real Aurigraph build also answers this for paths it does not expose"
            return errors.ServerError(
                "%s %s failed: HTTP %s%s after %d attempt%s%s (%s)"
                % (method, path, status, " (%s)" % detail if detail else "", attempts,
                   "" if attempts == 1 else "s", hint, errors.correlation_text(cid)),
                method, path, status, cid, data)
        return errors.ApiError(
            "%s %s returned HTTP %s%s (%s)"
            % (method, path, status, ": %s" % detail if detail else "", errors.correlation_text(cid)),
            method, path, status, cid, data)

    # ------------------------------------------------------------------ shortcuts
    def get_json(self, path, query=None, auth=True, missing="resource", deadline=None):
        return self.request("GET", path, query=query, auth=auth, missing=missing, deadline=deadline).json_object()

    def post_json(self, path, payload=None, auth=True, missing="endpoint", deadline=None, query=None):
        return self.request("POST", path, payload=payload, query=query, auth=auth, missing=missing,
                            deadline=deadline).json_object()
