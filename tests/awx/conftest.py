# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Aurigraph DLT contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Fixtures of the AWX tests: the environment AWX gives a job, the stand-in service on loopback."""

from __future__ import annotations

import os
import pathlib
import secrets
import sys

import pytest

HERE = pathlib.Path(__file__).resolve().parent
REPO = HERE.parents[1]
for path in (HERE, REPO / "tests" / "standin"):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))

from harness import StandIn, make_release  # noqa: E402  pylint: disable=wrong-import-position,import-error

# Planted admin token: reaches the job only through the credential injector (env/envvars).
ADMIN_TOKEN = "awx-planted-" + secrets.token_hex(20)


@pytest.fixture(autouse=True)
def awx_like_environment(monkeypatch):
    """A job gets the EE's environment, not the developer's: no project config, no Aurigraph settings."""
    for name in list(os.environ):
        if name.startswith(("AURIGRAPH_", "ANSIBLE_")) and name != "AURIGRAPH_CACHE":
            monkeypatch.delenv(name)


@pytest.fixture(scope="session")
def release_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("releases")


@pytest.fixture(scope="module")
def standin(release_dir):
    jar = make_release("11.4.5", "none", str(release_dir))
    env = {"AURIGRAPH_API_TOKENS": ADMIN_TOKEN, "AURIGRAPH_RATE_LIMIT": "0", "AURIGRAPH_BRIDGE_SETTLE_SECONDS": "0.5"}
    with StandIn(jar, env=env) as svc:
        yield svc
