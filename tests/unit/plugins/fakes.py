# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Aurigraph DLT contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Test doubles for ``open_url``: a scripted fake service, a fake clock, and module runners."""

from __future__ import annotations

import io
import json
from email.message import Message
from urllib.error import HTTPError, URLError
from urllib.parse import urlsplit, parse_qs

import pytest

API = "ansible_collections.aurigraph.dlt.plugins.module_utils.api.open_url"


class FakeResponse(object):
    def __init__(self, status, body, headers):
        self.status = status
        self._body = body
        self._headers = headers

    def getcode(self):
        return self.status

    def info(self):
        return self._headers

    def read(self):
        return self._body


def _headers(extra, correlation_id):
    msg = Message()
    msg["Content-Type"] = "application/json"
    if correlation_id:
        msg["X-Correlation-Id"] = correlation_id
    for key, value in (extra or {}).items():
        msg[key] = value
    return msg


def reply(status=200, body=None, correlation_id="cid-1", headers=None, raw=None):
    """One scripted answer: a dict/list body is JSON-encoded; ``raw`` gives bytes as they are."""
    if raw is None:
        raw = b"" if body is None else json.dumps(body).encode()
    return ("reply", status, raw, _headers(headers, correlation_id))


def conn_error(reason="[Errno 111] Connection refused"):
    return ("raise", URLError(reason))


def raise_exc(exc):
    return ("raise", exc)


class Call(object):
    def __init__(self, url, method, data, headers, kwargs):
        parts = urlsplit(url)
        self.url = url
        self.path = parts.path
        self.query = dict((k, v[0]) for k, v in parse_qs(parts.query).items())
        self.method = method
        self.data = data
        self.json = json.loads(data) if data else None
        self.headers = headers or {}
        self.kwargs = kwargs


class FakeApi(object):
    """Routes ``(METHOD, path)`` to a list of scripted answers (the last one repeats) or a callable."""

    def __init__(self):
        self.routes = {}
        self.calls = []

    def add(self, method, path, *answers):
        self.routes[(method, path)] = list(answers)
        return self

    def handler(self, method, path, func):
        self.routes[(method, path)] = func
        return self

    def __call__(self, url, data=None, headers=None, method=None, **kwargs):
        call = Call(url, method, data, headers, kwargs)
        self.calls.append(call)
        route = self.routes.get((method, call.path))
        if route is None:
            answer = reply(404, raw=b"")
        elif callable(route):
            answer = route(call)
        else:
            answer = route.pop(0) if len(route) > 1 else route[0]
        if answer[0] == "raise":
            raise answer[1]
        _kind, status, raw, hdrs = answer
        if status >= 400:
            raise HTTPError(url, status, "HTTP %s" % status, hdrs, io.BytesIO(raw))
        return FakeResponse(status, raw, hdrs)

    def paths(self, method=None):
        return [c.path for c in self.calls if method is None or c.method == method]


class FakeClock(object):
    """A clock that only moves when ``sleep`` is called (or a test sets ``now``); ``sleeps`` records the waits.

    Call it for the time; pass ``clock.sleep`` wherever the code under test sleeps.
    """

    def __init__(self, start=1000.0):
        self.now = start
        self.sleeps = []

    def __call__(self):
        return self.now

    def sleep(self, seconds):
        self.sleeps.append(seconds)
        self.now += seconds


SSL_CONTEXT = object()


@pytest.fixture
def fake_api(monkeypatch):
    """Replace the network (``api.open_url``); also skip loading the system CA store for each client."""
    api = FakeApi()
    monkeypatch.setattr(API, api)
    monkeypatch.setattr(API.replace(".open_url", ".make_context"), lambda **kw: SSL_CONTEXT)
    return api


@pytest.fixture
def clock(monkeypatch):
    clk = FakeClock()
    monkeypatch.setattr("ansible_collections.aurigraph.dlt.plugins.module_utils.api._clock", clk)
    monkeypatch.setattr("ansible_collections.aurigraph.dlt.plugins.module_utils.api._sleep", clk.sleep)
    return clk


class ModuleResult(dict):
    """What a module printed, parsed; ``raw`` keeps the exact text for no_log assertions."""

    def __init__(self, data, raw, failed):
        super(ModuleResult, self).__init__(data)
        self.raw = raw
        self.failed = failed


def run_module(main, args, capsys, check_mode=False, diff=False):
    """Run a module's ``main()`` with ``args`` the way Ansible does and return its printed JSON."""
    from ansible.module_utils.testing import patch_module_args

    args = dict(args)
    if check_mode:
        args["_ansible_check_mode"] = True
    if diff:
        args["_ansible_diff"] = True
    capsys.readouterr()
    with patch_module_args(args):
        with pytest.raises(SystemExit) as exc:
            main()
    out = capsys.readouterr().out
    data = json.loads(out)
    return ModuleResult(data, out, exc.value.code != 0 or bool(data.get("failed")))
